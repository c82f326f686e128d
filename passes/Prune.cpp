//===- Prune.cpp - Pruning filters or weights by magnitude ----------------===//
//
// Structured pruning removes, in every convolution and dense layer that
// chooses its width, the share of its filters (output channels) with the
// smallest L1 norm, and carries each removal through to the layers that
// read it (ChannelNarrowing.h), unit by unit: a branch's narrower output
// narrows the merge classifier's columns. Layers whose channels must stay
// are kept whole: the ones whose output is the model's (the classifier),
// and the ones that meet another layer in a residual add.
//
// Unstructured pruning zeroes, in every convolution and dense layer, the
// given share of its weights with the smallest magnitude. The model keeps
// its shapes; the zeros are what sparse hardware skips.
//
// Both work on each layer on its own, so on each branch on its own; ties in
// magnitude go to the lower index, so the result is the same on every run.
//
//===----------------------------------------------------------------------===//

#include "passes/ChannelNarrowing.h"
#include "passes/Constants.h"
#include "passes/Cost.h"
#include "passes/Passes.h"

#include "dialect/UnitGraph.h"

#include "mlir/IR/Builders.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

#include "llvm/ADT/SetVector.h"
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

/// Whether `op` chooses its own output width (so pruning may narrow it).
bool choosesWidth(Operation *op) {
  if (auto conv = dyn_cast<Conv2DOp>(op))
    return conv.getGroups() == 1;
  return op->hasTrait<OpFamily::Layer>();
}

/// The layers whose output channels reach `v` unchanged in number: the
/// width-choosing layers found by walking back through ops that keep
/// channels (activations, pools, batch norm, adds, grouped convolutions).
void originsOf(Value v, llvm::SetVector<Operation *> &origins) {
  Operation *def = v.getDefiningOp();
  if (!def || isa<ConstantOp>(def))
    return;
  if (choosesWidth(def)) {
    origins.insert(def);
    return;
  }
  if (def->hasTrait<OpFamily::KeepsChannels>() ||
      def->hasTrait<OpFamily::BroadcastBinary>() ||
      def->hasTrait<OpFamily::Layer>())
    for (Value operand : def->getOperands())
      if (!isa_and_nonnull<ConstantOp>(operand.getDefiningOp()))
        originsOf(operand, origins);
}

struct PrunePass : lcp::impl::PruneBase<PrunePass> {
  using PruneBase::PruneBase;
  void runOnOperation() override;

private:
  LogicalResult pruneStructured(func::FuncOp func);
  void pruneUnstructured(func::FuncOp func);
  /// Structured: the filters a layer keeps, by L1 norm.
  FailureOr<ChannelMap> keptFilters(Operation *layer);

  /// Layers that keep every filter.
  llvm::SetVector<Operation *> whole;
  /// What each pruned scope chose, for the channels file.
  llvm::json::Array chosen;
};

FailureOr<ChannelMap> PrunePass::keptFilters(Operation *layer) {
  int64_t width = cast<ShapedType>(layer->getResult(0).getType()).getDimSize(1);
  ChannelMap all(width);
  std::iota(all.begin(), all.end(), 0);
  if (whole.contains(layer))
    return all;
  int64_t remove = static_cast<int64_t>(std::floor(ratio * width + 0.5));
  if (remove >= width)
    return layer->emitOpError()
           << "cannot be pruned: ratio "
           << llvm::formatv("{0:f2}", ratio.getValue()) << " would remove all "
           << width << " of its filters";
  SmallVector<HostTensor> values;
  if (failed(cast<ConstantOp>(layer->getOperand(1).getDefiningOp())
                 .evaluate({}, values)))
    return failure();
  const HostTensor &weight = values.front();
  int64_t row = weight.numElements() / width;
  std::vector<double> norm(width, 0.0);
  for (int64_t i = 0; i < weight.numElements(); ++i)
    norm[i / row] += std::fabs(weight.f32[i]);
  std::vector<int64_t> order(all.begin(), all.end());
  std::stable_sort(order.begin(), order.end(),
                   [&](int64_t a, int64_t b) { return norm[a] < norm[b]; });
  std::vector<bool> removed(width, false);
  for (int64_t i = 0; i < remove; ++i)
    removed[order[i]] = true;
  ChannelMap kept;
  for (int64_t c = 0; c < width; ++c)
    if (!removed[c])
      kept.push_back(c);
  return kept;
}

void PrunePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (!(ratio > 0.0 && ratio < 1.0)) {
    emitError(func.getLoc())
        << "lcp-prune: ratio must be in (0, 1), got " << ratio.getValue();
    return signalPassFailure();
  }
  if (mode == "unstructured")
    return pruneUnstructured(func);
  if (mode == "structured") {
    if (failed(pruneStructured(func)))
      signalPassFailure();
    return;
  }
  InFlightDiagnostic error = emitError(func.getLoc()) << "lcp-prune: ";
  if (mode.empty())
    error << "give a mode";
  else
    error << "unknown mode '" << mode.getValue() << "'";
  error << ": structured (remove filters) or unstructured (zero weights)";
  signalPassFailure();
}

LogicalResult PrunePass::pruneStructured(func::FuncOp func) {
  // The scopes to narrow, in order: each unit's body (the function's own
  // for an unsplit model).
  UnitGraph graph(func);
  SmallVector<Operation *> scopes;
  for (const Unit &unit : graph.getUnits())
    scopes.push_back(unit.op);
  for (Operation *scope : scopes)
    if (isa<StemOp>(scope))
      return scope->emitOpError()
             << "cannot be pruned: prune before lcp-fuse-stems";

  // Layers that stay whole: those whose output leaves the model (through a
  // merge or an unsplit function), and those that meet in residual adds.
  whole.clear();
  chosen = llvm::json::Array();
  for (Operation *scope : scopes) {
    Block &block = scope->getRegion(0).front();
    bool isOutput = isa<MergeOp, func::FuncOp>(scope);
    if (isOutput)
      for (Value v : block.getTerminator()->getOperands()) {
        llvm::SetVector<Operation *> origins;
        originsOf(v, origins);
        whole.insert(origins.begin(), origins.end());
      }
    for (Operation &op : block)
      if (op.hasTrait<OpFamily::BroadcastBinary>() &&
          llvm::count_if(op.getOperands(), [](Value v) {
            return !isa_and_nonnull<ConstantOp>(v.getDefiningOp());
          }) > 1)
        for (Value operand : op.getOperands())
          originsOf(operand, whole);
  }

  LayerCost before = costOfRegions(func);
  // Maps of the values that cross units: a branch result's map is its
  // yielded value's.
  DenseMap<Value, ChannelMap> crossing;
  for (Operation *scope : scopes) {
    Block &block = scope->getRegion(0).front();
    NarrowingPlan plan;
    for (auto [i, arg] : llvm::enumerate(block.getArguments())) {
      Value outer = isa<func::FuncOp>(scope) ? Value() : scope->getOperand(i);
      auto it = outer ? crossing.find(outer) : crossing.end();
      if (it == crossing.end()) {
        plan.keepAll(arg);
        continue;
      }
      plan.maps[arg] = it->second;
      plan.types[arg] = cast<RankedTensorType>(outer.getType());
    }
    SmallVector<Operation *> ops;
    for (Operation &op : block.without_terminator())
      ops.push_back(&op);
    llvm::json::Array layers;
    auto policy = [&](Operation *layer) -> FailureOr<ChannelMap> {
      FailureOr<ChannelMap> kept = keptFilters(layer);
      if (succeeded(kept))
        layers.push_back(llvm::json::Object{
            {"layer", static_cast<int64_t>(layers.size())},
            {"op", layer->getName().stripDialect()},
            {"filters",
             cast<ShapedType>(layer->getResult(0).getType()).getDimSize(1)},
            {"kept", llvm::json::Array(*kept)}});
      return kept;
    };
    if (failed(planNarrowing(ops, plan, policy, "pruned")))
      return failure();
    chosen.push_back(
        llvm::json::Object{{"unit", cast<UnitOpInterface>(scope).getUnitId()},
                           {"layers", std::move(layers)}});

    // Rebuild the scope's ops before its terminator, then drop the old.
    for (BlockArgument arg : block.getArguments())
      arg.setType(plan.types.lookup(arg));
    Operation *terminator = block.getTerminator();
    OpBuilder builder(terminator);
    IRMapping mapping;
    for (BlockArgument arg : block.getArguments())
      mapping.map(arg, arg);
    buildNarrowed(builder, ops, plan, mapping, "pruned");
    if (!isa<func::FuncOp>(scope))
      for (auto [result, yielded] :
           llvm::zip(scope->getResults(), terminator->getOperands())) {
        result.setType(plan.types.lookup(yielded));
        crossing[result] = plan.maps.lookup(yielded);
      }
    for (OpOperand &operand : terminator->getOpOperands())
      operand.set(mapping.lookupOrDefault(operand.get()));
    for (Operation *op : llvm::reverse(ops)) {
      op->dropAllUses();
      op->erase();
    }
    eraseUnusedConstants(block);
  }
  LayerCost after = costOfRegions(func);
  emitRemark(func.getLoc())
      << llvm::formatv("pruned filters: parameters {0} -> {1}, MACs {2} -> {3}",
                       before.params, after.params, before.macs, after.macs);
  if (!channelsFile.empty()) {
    llvm::json::Value json(llvm::json::Object{{"ratio", ratio.getValue()},
                                              {"units", std::move(chosen)}});
    if (llvm::Error error =
            llvm::writeToOutput(channelsFile, [&](llvm::raw_ostream &os) {
              os << llvm::formatv("{0:2}", json) << "\n";
              return llvm::Error::success();
            }))
      return emitError(func.getLoc())
             << "cannot write " << channelsFile.getValue() << ": "
             << llvm::toString(std::move(error));
  }
  return success();
}

void PrunePass::pruneUnstructured(func::FuncOp func) {
  SmallVector<Operation *> layers;
  func.walk([&](Operation *op) {
    if (op->hasTrait<OpFamily::Layer>())
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
