//===- Cost.cpp - Parameters and MACs of lcp ops --------------------------===//

#include "passes/Cost.h"
#include "dialect/LcpOps.h"

using namespace mlir;

namespace lcp {

static int64_t product(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  for (int64_t d : dims)
    n *= d;
  return n;
}

LayerCost convCost(ArrayRef<int64_t> output, ArrayRef<int64_t> weight,
                   bool hasBias) {
  // Each output element reduces over (input channels per group) * kh * kw.
  return {product(weight) + (hasBias ? weight[0] : 0),
          product(output) * product(weight.drop_front())};
}

LayerCost denseCost(ArrayRef<int64_t> output, ArrayRef<int64_t> weight,
                    bool hasBias) {
  return {product(weight) + (hasBias ? weight[0] : 0),
          product(output) * weight[1]};
}

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

LayerCost costOf(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return convCost(shapeOf(conv.getOutput()), shapeOf(conv.getWeight()),
                    static_cast<bool>(conv.getBias()));
  if (auto dense = dyn_cast<DenseOp>(op))
    return denseCost(shapeOf(dense.getOutput()), shapeOf(dense.getWeight()),
                     static_cast<bool>(dense.getBias()));
  if (auto matmul = dyn_cast<MatMulOp>(op)) {
    // Only a constant operand is a parameter.
    LayerCost cost;
    for (Value operand : {matmul.getLhs(), matmul.getRhs()})
      if (isa_and_nonnull<ConstantOp>(operand.getDefiningOp()))
        cost.params += product(shapeOf(operand));
    cost.macs =
        product(shapeOf(matmul.getOutput())) * shapeOf(matmul.getLhs()).back();
    return cost;
  }
  return {};
}

LayerCost costOfRegions(Operation *op) {
  LayerCost total;
  op->walk([&](Operation *nested) {
    if (nested != op)
      total += costOf(nested);
  });
  return total;
}

double columnLaneFill(int64_t width, int64_t strideX, int64_t lanes) {
  int64_t vectors = (width + lanes - 1) / lanes;
  double fill = double(width) / double(vectors * lanes);
  // Every s-th input column comes from s vector loads and shuffles; up to
  // s = 2 that keeps up with the multiply-adds, beyond it does not.
  return strideX > 2 ? fill * 2 / double(strideX) : fill;
}

} // namespace lcp
