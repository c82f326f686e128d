//===- Cost.cpp - Parameters and MACs of lcp ops --------------------------===//

#include "passes/Cost.h"
#include "dialect/LcpOps.h"

#include "mlir/Dialect/Quant/QuantTypes.h"

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

int64_t bytesOf(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return 0;
  Type element = shaped.getElementType();
  int64_t bits = 32;
  if (auto quant = dyn_cast<quant::QuantizedType>(element))
    bits = quant.getStorageTypeIntegralWidth();
  else if (element.isIntOrFloat())
    bits = element.getIntOrFloatBitWidth();
  return shaped.getNumElements() * ((bits + 7) / 8);
}

int64_t bytesOf(TypeRange types) {
  int64_t total = 0;
  for (Type t : types)
    total += bytesOf(t);
  return total;
}

/// The most activation bytes alive at once while `block` runs in order.
/// Constants are parameters, not activations. A nested unit adds its own
/// peak on top of what is alive around it.
int64_t peakActivationBytes(Block &block) {
  DenseMap<Value, unsigned> remaining;
  int64_t live = 0;
  auto define = [&](Value v) {
    unsigned uses = std::distance(v.use_begin(), v.use_end());
    if (uses == 0)
      return;
    remaining[v] = uses;
    live += bytesOf(v.getType());
  };
  for (BlockArgument arg : block.getArguments())
    define(arg);
  int64_t peak = live;
  for (Operation &op : block) {
    if (isa<ConstantOp>(op))
      continue;
    int64_t during = live + bytesOf(op.getResultTypes());
    if (op.getNumRegions() == 1 && !op.getRegion(0).empty())
      during = live - bytesOf(op.getOperandTypes()) +
               std::max(peakActivationBytes(op.getRegion(0).front()),
                        bytesOf(op.getResultTypes()));
    peak = std::max(peak, during);
    for (Value operand : op.getOperands()) {
      auto it = remaining.find(operand);
      if (it != remaining.end() && --it->second == 0)
        live -= bytesOf(operand.getType());
    }
    for (Value result : op.getResults())
      define(result);
    peak = std::max(peak, live);
  }
  return peak;
}

int64_t weightBytes(Block &block) {
  int64_t total = 0;
  block.walk(
      [&](ConstantOp constant) { total += bytesOf(constant.getType()); });
  return total;
}

} // namespace lcp
