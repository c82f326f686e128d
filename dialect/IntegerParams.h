//===- IntegerParams.h - Integer parameters of quantized ops ----*- C++ -*-===//
//
// The constants a quantized op computes with on a device (requantize
// multipliers, fixed16 shifts, clamp bounds), derived from its quant types
// by the compiler rule of docs/INTEGER.md. The reference evaluator and every
// backend take them from here, so that they cannot disagree.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_DIALECT_INTEGERPARAMS_H
#define LCP_DIALECT_INTEGERPARAMS_H

#include "support/HostTensor.h"
#include "support/IntegerSemantics.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/APFloat.h"

#include <optional>
#include <vector>

namespace lcp {

/// The element type a tensor of shaped type `type` holds on the host: f32,
/// or the storage of a signed quant type (i8, i16, i32). None for others.
std::optional<ElementType> elementTypeOf(mlir::Type type);

/// The per-tensor quant type of a value's elements, or null.
mlir::quant::UniformQuantizedType quantTypeOf(mlir::Value v);

/// How a quantized convolution or dense layer turns its accumulators into
/// outputs. int8: an int32 accumulator requantized per output channel with
/// M[c] = scale_in * scale_w[c] / scale_out. fixed16: a 48-bit accumulator
/// Q(f_in + f_w) shifted right by f_in + f_w - f_out.
struct LayerRequantizer {
  std::vector<integer::Multiplier> multipliers; // int8, per output channel
  int32_t inputZeroPoint = 0, outputZeroPoint = 0, lo = 0, hi = 0;
  bool fixed16 = false;
  int32_t shift = 0; // fixed16

  /// The output of `channel` for accumulator `acc`, or an error on `op` if
  /// the accumulator left its bound.
  mlir::FailureOr<int64_t> finish(mlir::Operation *op, int64_t acc,
                                  int64_t channel) const;
};

/// The requantizer of a convolution or dense layer with `channels` outputs,
/// or an error on `op` naming what is wrong with its types.
mlir::FailureOr<LayerRequantizer>
getLayerRequantizer(mlir::Operation *op, mlir::Value input, mlir::Value weight,
                    mlir::Value output, int64_t channels);

/// The multiplier that rescales a value of scale `from` to scale `to`, or an
/// error on `op` saying what it rescales (`what`).
mlir::FailureOr<integer::Multiplier> rescaleMultiplier(mlir::Operation *op,
                                                       double from, double to,
                                                       llvm::StringRef what);

/// The multiplier of an average over `count` elements: M = scale_in /
/// (scale_out * count).
mlir::FailureOr<integer::Multiplier>
averageMultiplier(mlir::Operation *op, mlir::quant::UniformQuantizedType in,
                  mlir::quant::UniformQuantizedType out, int64_t count);

/// Clip bounds on integers: zp + round(bound / scale) within the storage
/// range; an absent bound is the storage limit.
std::pair<int64_t, int64_t> clipBounds(mlir::quant::UniformQuantizedType type,
                                       std::optional<llvm::APFloat> min,
                                       std::optional<llvm::APFloat> max);

} // namespace lcp

#endif // LCP_DIALECT_INTEGERPARAMS_H
