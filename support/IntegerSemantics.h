//===- IntegerSemantics.h - The integer contract, in one place --*- C++ -*-===//
//
// What every quantized lcp model computes, bit for bit, on every target: the
// reference evaluator, the Halide code and the hardware backends all call
// or mirror these functions (docs/INTEGER.md is the contract in words).
// Two rounding rules and no others:
//   - the compiler rule (choosing scales, multipliers, quantized weights and
//     biases): double arithmetic, rounded half away from zero (std::round);
//   - the device rule (everything per inference): integers only, round half
//     up: add half the divisor, then shift right arithmetically.
// Header-only and dependency-free, so that a device build includes it alone.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_SUPPORT_INTEGERSEMANTICS_H
#define LCP_SUPPORT_INTEGERSEMANTICS_H

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace lcp::integer {

//===----------------------------------------------------------------------===//
// Compiler rule
//===----------------------------------------------------------------------===//

/// No scale is below this, so that nothing divides by zero (an all-zero
/// tensor or channel, after pruning say, gets this scale).
constexpr double kMinScale = 1e-8;

/// `real = scale * (q - zeroPoint)`.
struct QuantParams {
  double scale = 1.0;
  int32_t zeroPoint = 0;
};

/// A real multiplier M as M0 * 2^-k, M0 in [2^30, 2^31), k in [1, 62]. When
/// M < 2^-32 every requantized value is the zero point (`zero` is set).
struct Multiplier {
  int32_t m0 = 0;
  int32_t k = 0;
  bool zero = false;
};

/// Why a multiplier cannot be represented, or nullptr.
inline const char *quantizeMultiplier(double m, Multiplier &out) {
  out = Multiplier();
  if (!(m >= 0.0) || !std::isfinite(m))
    return "the multiplier is negative or not finite";
  if (m < std::ldexp(1.0, -32)) {
    out.zero = true;
    return nullptr;
  }
  if (m >= std::ldexp(1.0, 30))
    return "the multiplier is 2^30 or more (k would be below 1)";
  int exponent = 0;
  double fraction = std::frexp(m, &exponent); // m = fraction * 2^exponent,
                                              // fraction in [0.5, 1)
  double m0 = std::round(std::ldexp(fraction, 31));
  int32_t k = 31 - exponent;
  if (m0 == std::ldexp(1.0, 31)) { // rounding reached 2^31
    m0 /= 2;
    --k;
  }
  if (k < 1)
    return "the multiplier is 2^30 or more (k would be below 1)";
  if (k > 62) {
    out.zero = true;
    return nullptr;
  }
  out.m0 = static_cast<int32_t>(m0);
  out.k = k;
  return nullptr;
}

/// int8 activations, per tensor, asymmetric: [min, max] widened to hold 0,
/// scale (max - min) / 255, zero point round(-128 - min / scale) in
/// [-128, 127].
inline QuantParams int8ActivationParams(double min, double max) {
  min = std::min(min, 0.0);
  max = std::max(max, 0.0);
  QuantParams p;
  p.scale = std::max((max - min) / 255.0, kMinScale);
  double zp = std::round(-128.0 - min / p.scale);
  p.zeroPoint = static_cast<int32_t>(std::clamp(zp, -128.0, 127.0));
  return p;
}

/// int8 weights, per output channel, symmetric: max|w| / 127.
inline double int8WeightScale(double maxAbs) {
  return std::max(maxAbs / 127.0, kMinScale);
}

/// A weight in [-127, 127] (never -128).
inline int8_t quantizeInt8Weight(double w, double scale) {
  return static_cast<int8_t>(std::clamp(std::round(w / scale), -127.0, 127.0));
}

/// A bias in the int32 accumulator's scale (scale_in * scale_w).
inline int64_t quantizeBias(double bias, double scaleIn, double scaleWeight) {
  return static_cast<int64_t>(std::round(bias / (scaleIn * scaleWeight)));
}

/// A fixed-point value with `fractionBits`, saturated to int16.
inline int16_t toFixed16(double x, int fractionBits) {
  double q = std::round(std::ldexp(x, fractionBits));
  return static_cast<int16_t>(std::clamp(q, -32768.0, 32767.0));
}

//===----------------------------------------------------------------------===//
// Device rule
//===----------------------------------------------------------------------===//

/// round(v / 2^k), ties toward +infinity, for k >= 1: (v + 2^(k-1)) >> k.
/// Callers keep v + 2^(k-1) inside int64.
inline int64_t roundingShiftRight(int64_t v, int32_t k) {
  return (v + (int64_t(1) << (k - 1))) >> k;
}

/// zp_out + round(v * M), clamped to [lo, hi]: the product and sum in
/// int64, the clamp before narrowing. |v| < 2^31.
inline int32_t requantize(int32_t v, const Multiplier &m, int32_t zeroPoint,
                          int32_t lo, int32_t hi) {
  int64_t y = zeroPoint;
  if (!m.zero)
    y += roundingShiftRight(int64_t(v) * m.m0, m.k);
  return static_cast<int32_t>(std::clamp<int64_t>(y, lo, hi));
}

/// round(v * M) without zero point or clamp (each operand of a residual
/// add before the sum).
inline int64_t rescale(int32_t v, const Multiplier &m) {
  return m.zero ? 0 : roundingShiftRight(int64_t(v) * m.m0, m.k);
}

/// A fixed16 accumulator (Q(f_in + f_w), 48 bits in an int64) back to
/// int16 with `shift` = f_in + f_w - f_out fraction bits dropped, rounding
/// half up and saturating; a shift of 0 or less only saturates (or widens).
inline int16_t fixed16FromAccumulator(int64_t acc, int32_t shift) {
  int64_t y =
      shift > 0 ? roundingShiftRight(acc, shift) : acc * (int64_t(1) << -shift);
  return static_cast<int16_t>(std::clamp<int64_t>(y, -32768, 32767));
}

/// The one float step on a device: the model's float input to integers,
/// floor(x * invScale + 0.5) + zp clamped to [lo, hi], in f32 with no fused
/// multiply-add (the product is rounded to f32 before the sum); NaN gives
/// the zero point.
inline int32_t quantizeInput(float x, float invScale, int32_t zeroPoint,
                             int32_t lo, int32_t hi) {
  volatile float product = x * invScale; // no contraction into an FMA
  float q = std::floor(product + 0.5f) + float(zeroPoint);
  if (std::isnan(q)) // a NaN input reads as a real zero
    q = float(zeroPoint);
  return static_cast<int32_t>(std::clamp(q, float(lo), float(hi)));
}

/// A quantized output back to f32: scale * (q - zp).
inline float dequantize(int32_t q, float scale, int32_t zeroPoint) {
  return scale * float(q - zeroPoint);
}

} // namespace lcp::integer

#endif // LCP_SUPPORT_INTEGERSEMANTICS_H
