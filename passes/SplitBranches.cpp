//===- SplitBranches.cpp - The paper's splitter: original -> SplitN -------===//
//
// Each branch is the original feature extractor narrowed (ChannelNarrowing.h)
// with every layer that chooses a width keeping the branch's share of its
// channels; the merge is the classifier with its columns gathered along
// the branches' feature maps.
//
//===----------------------------------------------------------------------===//

#include "passes/ChannelNarrowing.h"
#include "passes/Constants.h"
#include "passes/Cost.h"
#include "passes/Passes.h"

#include "dialect/LcpOps.h"
#include "dialect/ShapeInference.h"
#include "dialect/UnitGraph.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace lcp {
#define GEN_PASS_DEF_SPLITBRANCHES
#include "passes/Passes.h.inc"
} // namespace lcp

using namespace mlir;
using namespace lcp;

namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// The structure the splitter works on: the feature extractor (`body`),
/// whose result `features` feeds the dense `classifier`, and the ops after
/// the classifier (`tail`, e.g. a softmax).
struct OriginalModel {
  SmallVector<Operation *> body;
  Value features;
  DenseOp classifier;
  SmallVector<Operation *> tail;
};

using BranchPlan = NarrowingPlan;

class Splitter {
public:
  Splitter(func::FuncOp func, int64_t n, int64_t fatten)
      : func(func), n(n), fatten(fatten) {}

  /// The width of a layer of original width `w` in a branch.
  int64_t narrow(int64_t w) const {
    int64_t base = std::max<int64_t>(1, w / n);
    return std::max<int64_t>(1, base * (100 + fatten) / 100);
  }

  /// Branch `b`'s channels of a layer of original width `w`.
  ChannelMap widthMap(int64_t w, int64_t b) const {
    int64_t width = narrow(w);
    ChannelMap map(width);
    for (int64_t j = 0; j < width; ++j)
      map[j] = (b * width + j) % w;
    return map;
  }

  FailureOr<BranchPlan> plan(OriginalModel &model, int64_t b);
  void build(OriginalModel &model, ArrayRef<BranchPlan> plans);

private:
  func::FuncOp func;
  int64_t n;
  int64_t fatten;
};

FailureOr<BranchPlan> Splitter::plan(OriginalModel &model, int64_t b) {
  BranchPlan plan;
  for (BlockArgument arg : func.getArguments())
    plan.keepAll(arg);

  auto policy = [&](Operation *layer) -> FailureOr<ChannelMap> {
    return widthMap(
        cast<ShapedType>(layer->getResult(0).getType()).getDimSize(1), b);
  };
  if (failed(planNarrowing(model.body, plan, policy, "split")))
    return failure();
  return plan;
}

void Splitter::build(OriginalModel &model, ArrayRef<BranchPlan> plans) {
  OpBuilder builder(func.getContext());
  Block &entry = func.getBody().front();
  Operation *terminator = entry.getTerminator();
  builder.setInsertionPoint(terminator);

  // Inputs of a branch: the function arguments its ops use.
  llvm::SetVector<Value> inputs;
  for (Operation *op : model.body)
    for (Value operand : op->getOperands())
      if (isa<BlockArgument>(operand))
        inputs.insert(operand);

  SmallVector<Value> branchResults;
  for (auto [b, plan] : llvm::enumerate(plans)) {
    std::string id = "b" + std::to_string(b);
    auto branch = builder.create<BranchOp>(
        model.features.getLoc(), TypeRange{plan.types.lookup(model.features)},
        inputs.getArrayRef(),
        ArrayRef<NamedAttribute>{
            builder.getNamedAttr("id", builder.getStringAttr(id))});
    Block *block = builder.createBlock(&branch.getBody());
    IRMapping mapping;
    for (Value input : inputs)
      mapping.map(input, block->addArgument(input.getType(), input.getLoc()));

    buildNarrowed(builder, model.body, plan, mapping, id);
    builder.create<YieldOp>(model.features.getLoc(),
                            mapping.lookup(model.features));
    eraseUnusedConstants(*block);
    builder.setInsertionPoint(terminator);
    branchResults.push_back(branch.getResult(0));
  }

  // The merge: concat, the classifier with its columns gathered along the
  // branches' feature maps, and whatever followed the classifier.
  SmallVector<Type> resultTypes(terminator->getOperandTypes());
  auto merge = builder.create<MergeOp>(
      model.classifier.getLoc(), resultTypes, branchResults,
      ArrayRef<NamedAttribute>{
          builder.getNamedAttr("id", builder.getStringAttr("merge"))});
  Block *block = builder.createBlock(&merge.getBody());
  SmallVector<Value> args;
  ChannelMap columns;
  int64_t width = 0;
  for (auto [b, result] : llvm::enumerate(branchResults)) {
    args.push_back(block->addArgument(result.getType(), result.getLoc()));
    for (int64_t c : plans[b].maps.lookup(model.features))
      columns.push_back(c);
    width += shapeOf(result)[1];
  }
  SmallVector<int64_t> concatShape(shapeOf(branchResults.front()));
  concatShape[1] = width;
  Value concat = builder.create<ConcatOp>(
      model.classifier.getLoc(),
      RankedTensorType::get(concatShape, builder.getF32Type()), args,
      builder.getI64IntegerAttr(1));
  IRMapping mapping;
  SmallVector<Value> operands = {
      concat,
      gatherConstant(builder, model.classifier.getLoc(),
                     model.classifier.getWeight(), {{1, columns}}, "merge")};
  if (Value bias = model.classifier.getBias())
    operands.push_back(builder.clone(*bias.getDefiningOp())->getResult(0));
  Operation *classifier = builder.clone(*model.classifier, mapping);
  classifier->setOperands(operands);
  mapping.map(model.classifier.getResult(), classifier->getResult(0));
  for (Operation *op : model.tail) {
    for (Value operand : op->getOperands())
      if (!mapping.contains(operand))
        mapping.map(operand,
                    builder.clone(*operand.getDefiningOp())->getResult(0));
    builder.clone(*op, mapping);
  }
  SmallVector<Value> yielded;
  for (Value v : terminator->getOperands())
    yielded.push_back(mapping.lookup(v));
  builder.create<YieldOp>(model.classifier.getLoc(), yielded);
  terminator->setOperands(merge.getResults());

  // The original ops are dead now.
  SmallVector<Operation *> dead(model.body.begin(), model.body.end());
  dead.push_back(model.classifier);
  dead.append(model.tail.begin(), model.tail.end());
  for (Operation *op : llvm::reverse(dead)) {
    op->dropAllUses();
    op->erase();
  }
  eraseUnusedConstants(func.getBody().front());
}

/// Finds the classifier, the feature extractor before it and the ops after
/// it, or explains why the function is not an original model.
FailureOr<OriginalModel> analyzeModel(func::FuncOp func) {
  Block &entry = func.getBody().front();
  Operation *terminator = entry.getTerminator();
  if (terminator->getNumOperands() != 1)
    return func.emitOpError() << "cannot be split: the splitter takes models "
                                 "with one output, this one has "
                              << terminator->getNumOperands();
  OriginalModel model;
  Value v = terminator->getOperand(0);
  while (Operation *def = v.getDefiningOp()) {
    if (auto dense = dyn_cast<DenseOp>(def)) {
      model.classifier = dense;
      break;
    }
    if (!isa<SoftmaxOp, ReshapeOp, ReluOp, ClipOp>(def))
      break;
    model.tail.insert(model.tail.begin(), def);
    v = def->getOperand(0);
  }
  if (!model.classifier)
    return func.emitOpError()
           << "cannot be split: no dense classifier produces its output";
  model.features = model.classifier.getInput();

  llvm::SetVector<Operation *> slice;
  SmallVector<Value> worklist = {model.features};
  while (!worklist.empty()) {
    Operation *def = worklist.pop_back_val().getDefiningOp();
    if (!def || isa<ConstantOp>(def) || !slice.insert(def))
      continue;
    llvm::append_range(worklist, def->getOperands());
  }
  llvm::SmallPtrSet<Operation *, 8> tail(model.tail.begin(), model.tail.end());
  bool hasLayer = false;
  for (Operation &op : entry.without_terminator()) {
    if (slice.contains(&op)) {
      model.body.push_back(&op);
      hasLayer |= op.hasTrait<OpFamily::Layer>();
    } else if (!isa<ConstantOp>(op) && &op != model.classifier &&
               !tail.contains(&op)) {
      return op.emitOpError()
             << "cannot be split: it is neither in the feature extractor nor "
                "after the classifier";
    }
  }
  if (!hasLayer)
    return func.emitOpError() << "cannot be split: there is no convolution or "
                                 "dense layer before the classifier";
  return model;
}

struct SplitBranchesPass
    : public lcp::impl::SplitBranchesBase<SplitBranchesPass> {
  using SplitBranchesBase::SplitBranchesBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (failed(run(func)))
      signalPassFailure();
  }

  LogicalResult run(func::FuncOp func) {
    bool budget = maxParams > 0 || maxMacs > 0;
    if (maxParams < 0 || maxMacs < 0)
      return func.emitOpError() << "budgets must be positive";
    if (budget && branches != 0)
      return func.emitOpError()
             << "give either branches=N or a budget (max-params, max-macs), "
                "not both";
    if (!budget && branches < 1)
      return func.emitOpError()
             << "needs branches=N with N >= 1 (got "
             << static_cast<int64_t>(branches)
             << "), or a budget (max-params=P and/or max-macs=M)";
    if (fatten < 0)
      return func.emitOpError() << "fatten must be a percentage >= 0, got "
                                << static_cast<int64_t>(fatten);
    if (!UnitGraph(func).isWholeFunction())
      return func.emitOpError() << "is already split into branches; "
                                   "--lcp-split takes an original model";

    FailureOr<OriginalModel> model = analyzeModel(func);
    if (failed(model))
      return failure();

    int64_t widest = 0;
    for (Operation *op : model->body)
      if (op->hasTrait<OpFamily::Layer>())
        widest = std::max(widest, shapeOf(op->getOperand(1))[0]);

    int64_t n = branches;
    if (budget) {
      FailureOr<int64_t> chosen = sizeByBudget(func, *model, widest);
      if (failed(chosen))
        return failure();
      n = *chosen;
    } else if (n > widest) {
      return func.emitOpError()
             << "cannot be split into " << n
             << " branches: the widest layer has " << widest
             << " channels, so every layer would shrink to width 1";
    }

    Splitter splitter(func, n, fatten);
    SmallVector<BranchPlan> plans;
    for (int64_t b = 0; b < n; ++b) {
      FailureOr<BranchPlan> plan = splitter.plan(*model, b);
      if (failed(plan))
        return failure();
      plans.push_back(std::move(*plan));
    }
    splitter.build(*model, plans);
    return success();
  }

  /// Procedure 1 of the paper: double n until one branch fits.
  FailureOr<int64_t> sizeByBudget(func::FuncOp func, OriginalModel &model,
                                  int64_t widest) {
    auto fits = [&](const LayerCost &cost) {
      return (maxParams == 0 || cost.params <= maxParams) &&
             (maxMacs == 0 || cost.macs <= maxMacs);
    };
    for (int64_t n = 1;; n *= 2) {
      Splitter splitter(func, n, fatten);
      FailureOr<BranchPlan> plan = splitter.plan(model, 0);
      if (failed(plan))
        return failure();
      if (fits(plan->cost)) {
        emitRemark(func.getLoc())
            << "split into " << n << " branch(es) to fit the budget: one "
            << "branch has " << plan->cost.params << " parameters and "
            << plan->cost.macs << " MACs";
        return n;
      }
      if (plan->widestLayer <= 1 || n > widest)
        return func.emitOpError()
               << "no split meets the budget (max-params="
               << static_cast<int64_t>(maxParams)
               << ", max-macs=" << static_cast<int64_t>(maxMacs) << "): with "
               << n
               << " branches every layer is at its minimum width and one "
                  "branch still has "
               << plan->cost.params << " parameters and " << plan->cost.macs
               << " MACs";
    }
  }
};

} // namespace
