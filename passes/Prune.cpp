//===- Prune.cpp - Pruning weights by magnitude ---------------------------===//
//
// Unstructured pruning zeroes, in every convolution and dense layer, the
// given share of its weights with the smallest magnitude (each layer on
// its own, so each branch on its own). The model keeps its shapes; the
// zeros are what sparse hardware skips. Ties in magnitude go to the lower
// index, so the result is the same on every run.
//
//===----------------------------------------------------------------------===//

#include "passes/Constants.h"
#include "passes/Passes.h"

#include "dialect/LcpOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace lcp {
#define GEN_PASS_DEF_PRUNE
#include "passes/Passes.h.inc"
} // namespace lcp

using namespace mlir;
using namespace lcp;

namespace {

struct PrunePass : lcp::impl::PruneBase<PrunePass> {
  using PruneBase::PruneBase;
  void runOnOperation() override;
};

void PrunePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (!(ratio > 0.0 && ratio < 1.0)) {
    emitError(func.getLoc())
        << "lcp-prune: ratio must be in (0, 1), got " << ratio.getValue();
    return signalPassFailure();
  }
  if (mode != "unstructured") {
    InFlightDiagnostic error = emitError(func.getLoc()) << "lcp-prune: ";
    if (mode.empty())
      error << "give a mode";
    else
      error << "unknown mode '" << mode.getValue() << "'";
    error << "; the pass knows mode=unstructured so far (structured pruning "
             "is not built yet)";
    return signalPassFailure();
  }
  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (isa<Conv2DOp, DenseOp>(op))
      layers.push_back(op);
  });
  int64_t zeroed = 0, total = 0;
  for (Operation *layer : layers) {
    auto constant =
        dyn_cast_or_null<ConstantOp>(layer->getOperand(1).getDefiningOp());
    SmallVector<HostTensor> values;
    if (!constant || failed(constant.evaluate({}, values)) ||
        !values.front().isFloat()) {
      layer->emitRemark() << "not pruned: its weight is not an f32 constant";
      continue;
    }
    HostTensor &weight = values.front();
    int64_t count = weight.numElements();
    int64_t prune = static_cast<int64_t>(std::floor(ratio * double(count)));
    std::vector<int64_t> order(count);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return std::fabs(weight.f32[a]) < std::fabs(weight.f32[b]);
    });
    for (int64_t i = 0; i < prune; ++i)
      weight.f32[order[i]] = 0.0f;
    for (float w : weight.f32)
      zeroed += w == 0.0f;
    total += count;
    OpBuilder builder(layer);
    Value pruned = createConstant(builder, constant.getLoc(), weight,
                                  constantName(constant, "weight") + ".pruned");
    layer->setOperand(1, pruned);
  }
  func.walk([](Block *block) { eraseUnusedConstants(*block); });
  emitRemark(func.getLoc()) << llvm::formatv(
      "pruned {0} layer(s): {1} of {2} weights are zero (sparsity {3:f1} %)",
      layers.size(), zeroed, total, total ? 100.0 * zeroed / total : 0.0);
}

} // namespace
