//===- IntegerParams.cpp - Integer parameters of quantized ops ------------===//

#include "dialect/IntegerParams.h"

#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;

namespace lcp {

namespace {

/// The fraction bits f of a fixed-point scale 2^-f, if it is one.
std::optional<int32_t> fractionBits(double scale) {
  int exponent = 0;
  double fraction = std::frexp(scale, &exponent);
  if (fraction != 0.5)
    return std::nullopt;
  return 1 - exponent; // scale = 2^(exponent - 1)
}

} // namespace

std::optional<ElementType> elementTypeOf(Type type) {
  Type element = cast<ShapedType>(type).getElementType();
  if (element.isF32())
    return ElementType::F32;
  auto q = dyn_cast<quant::QuantizedType>(element);
  if (!q || !q.isSigned())
    return std::nullopt;
  switch (q.getStorageTypeIntegralWidth()) {
  case 8:
    return ElementType::I8;
  case 16:
    return ElementType::I16;
  case 32:
    return ElementType::I32;
  default:
    return std::nullopt;
  }
}

quant::UniformQuantizedType quantTypeOf(Value v) {
  auto shaped = dyn_cast<ShapedType>(v.getType());
  return shaped ? dyn_cast<quant::UniformQuantizedType>(shaped.getElementType())
                : nullptr;
}

FailureOr<int64_t> LayerRequantizer::finish(Operation *op, int64_t acc,
                                            int64_t channel) const {
  if (fixed16) {
    if (acc <= -(int64_t(1) << 47) || acc >= (int64_t(1) << 47))
      return op->emitOpError()
             << "48-bit accumulator overflows (" << acc << ")";
    return integer::fixed16FromAccumulator(acc, shift);
  }
  // The quantize pass bounds every layer statically; this catches IR that
  // was not made by it.
  if (acc < INT32_MIN || acc > INT32_MAX)
    return op->emitOpError() << "int32 accumulator overflows (" << acc << ")";
  return integer::requantize(static_cast<int32_t>(acc), multipliers[channel],
                             outputZeroPoint, lo, hi);
}

FailureOr<LayerRequantizer> getLayerRequantizer(Operation *op, Value input,
                                                Value weight, Value output,
                                                int64_t channels) {
  quant::UniformQuantizedType in = quantTypeOf(input),
                              out = quantTypeOf(output);
  Type wType = cast<ShapedType>(weight.getType()).getElementType();
  if (in && in.getStorageTypeIntegralWidth() == 16) {
    auto w = dyn_cast<quant::UniformQuantizedType>(wType);
    std::optional<int32_t> fIn = fractionBits(in.getScale());
    std::optional<int32_t> fW = w ? fractionBits(w.getScale()) : std::nullopt;
    std::optional<int32_t> fOut =
        out ? fractionBits(out.getScale()) : std::nullopt;
    if (!fIn || !fW || !fOut || in.getZeroPoint() || w.getZeroPoint() ||
        out.getZeroPoint() || w.getStorageTypeIntegralWidth() != 16 ||
        out.getStorageTypeIntegralWidth() != 16)
      return op->emitOpError()
             << "fixed16 evaluation needs i16 input, weights and result, "
                "each per tensor with a scale 2^-f and zero point 0";
    LayerRequantizer r;
    r.fixed16 = true;
    r.shift = *fIn + *fW - *fOut;
    r.lo = out.getStorageTypeMin();
    r.hi = out.getStorageTypeMax();
    return r;
  }
  std::vector<double> wScales;
  if (auto perTensor = dyn_cast<quant::UniformQuantizedType>(wType))
    wScales.assign(channels, perTensor.getScale());
  else if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(wType);
           perAxis && perAxis.getQuantizedDimension() == 0 &&
           static_cast<int64_t>(perAxis.getScales().size()) == channels)
    wScales.assign(perAxis.getScales().begin(), perAxis.getScales().end());
  if (!in || !out || wScales.empty())
    return op->emitOpError()
           << "integer evaluation needs per-tensor quantized input and "
              "result and weights quantized per tensor or per output channel";
  LayerRequantizer r;
  r.inputZeroPoint = in.getZeroPoint();
  r.outputZeroPoint = out.getZeroPoint();
  r.lo = out.getStorageTypeMin();
  r.hi = out.getStorageTypeMax();
  for (double sw : wScales) {
    integer::Multiplier m;
    if (const char *why =
            integer::quantizeMultiplier(in.getScale() * sw / out.getScale(), m))
      return op->emitOpError() << "cannot requantize: " << why;
    r.multipliers.push_back(m);
  }
  return r;
}

FailureOr<integer::Multiplier> rescaleMultiplier(Operation *op, double from,
                                                 double to, StringRef what) {
  integer::Multiplier m;
  if (const char *why = integer::quantizeMultiplier(from / to, m))
    return op->emitOpError() << "cannot requantize " << what << ": " << why;
  return m;
}

FailureOr<integer::Multiplier>
averageMultiplier(Operation *op, quant::UniformQuantizedType in,
                  quant::UniformQuantizedType out, int64_t count) {
  return rescaleMultiplier(op, in.getScale(),
                           out.getScale() * static_cast<double>(count),
                           "an average");
}

std::pair<int64_t, int64_t> clipBounds(quant::UniformQuantizedType type,
                                       std::optional<llvm::APFloat> min,
                                       std::optional<llvm::APFloat> max) {
  auto bound = [&](std::optional<llvm::APFloat> value, int64_t limit) {
    if (!value)
      return limit;
    double q = type.getZeroPoint() +
               std::round(value->convertToDouble() / type.getScale());
    return static_cast<int64_t>(std::clamp<double>(q, type.getStorageTypeMin(),
                                                   type.getStorageTypeMax()));
  };
  return {bound(min, type.getStorageTypeMin()),
          bound(max, type.getStorageTypeMax())};
}

} // namespace lcp
