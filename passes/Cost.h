//===- Cost.h - Parameters and MACs of lcp ops ------------------*- C++ -*-===//
//
// One definition of what a layer costs, shared by the splitter (which sizes
// branches against a budget) and lcp-report. Parameters are the weights and
// biases of convolutions and dense layers; MACs are their multiply-
// accumulates (`output elements * reduction length`). Other ops (pooling,
// activations, batch norm, which inference folds away) count neither, the
// way the paper counts.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_PASSES_COST_H
#define LCP_PASSES_COST_H

#include "mlir/IR/Block.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/TypeRange.h"
#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace lcp {

struct LayerCost {
  int64_t params = 0;
  int64_t macs = 0;

  LayerCost &operator+=(const LayerCost &other) {
    params += other.params;
    macs += other.macs;
    return *this;
  }
};

/// A convolution with OIHW `weight` producing `output` (NCHW).
LayerCost convCost(llvm::ArrayRef<int64_t> output,
                   llvm::ArrayRef<int64_t> weight, bool hasBias);

/// A dense layer with `[N, K]` weight producing `[M, N]`.
LayerCost denseCost(llvm::ArrayRef<int64_t> output,
                    llvm::ArrayRef<int64_t> weight, bool hasBias);

/// The cost of one op (zero for ops that are not conv2d, dense or matmul).
LayerCost costOf(mlir::Operation *op);

/// The cost of every op nested in `op`'s regions (a unit or a function).
LayerCost costOfRegions(mlir::Operation *op);

/// The share of vector lanes that a convolution's output rows fill with
/// lanes across output columns, on a vector unit of `lanes` f32 lanes: a
/// 7-wide row fills 7 of 16 lanes. A convolution with a column stride s > 2
/// counts 2/s of that: it gathers its input columns with s loads and
/// shuffles per vector. The code generator and the stem fusion decide by it
/// where lanes go.
double columnLaneFill(int64_t width, int64_t strideX, int64_t lanes);

/// The bytes a value of `type` holds (a quantized element counts its
/// storage type; an unranked or dynamic type counts 0).
int64_t bytesOf(mlir::Type type);
int64_t bytesOf(mlir::TypeRange types);

/// The most activation bytes alive at once while `block` runs in order.
/// Constants are parameters, not activations. A nested unit adds its own
/// peak on top of what is alive around it.
int64_t peakActivationBytes(mlir::Block &block);

/// The bytes of the constants (weights) in `block` and its regions.
int64_t weightBytes(mlir::Block &block);

} // namespace lcp

#endif // LCP_PASSES_COST_H
