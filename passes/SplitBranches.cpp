//===- SplitBranches.cpp - The paper's splitter: original -> SplitN -------===//
//
// Every value of the original feature extractor carries its channels along
// dimension 1. Planning a branch assigns each such value a *channel map*:
// for each channel of the narrowed value, the original channel it copies.
// Layers that choose a width (convolutions, hidden dense layers) start new
// maps; everything else passes maps through or combines them (flatten,
// concat, residual add). Building a branch then only gathers weights along
// the maps of a layer's output and input.
//
//===----------------------------------------------------------------------===//

#include "passes/Constants.h"
#include "passes/Cost.h"
#include "passes/Passes.h"

#include "dialect/LcpOps.h"
#include "dialect/ShapeInference.h"

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

using ChannelMap = SmallVector<int64_t>;

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

RankedTensorType withChannels(Value v, int64_t channels) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[1] = channels;
  return RankedTensorType::get(shape, type.getElementType());
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

/// What one branch becomes: the narrowed type and channel map of every
/// value, and its cost.
struct BranchPlan {
  DenseMap<Value, ChannelMap> maps;
  DenseMap<Value, RankedTensorType> types;
  LayerCost cost;
  /// Widest narrowed layer: 1 means every layer is at its minimum width.
  int64_t widestLayer = 0;
};

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
  InFlightDiagnostic unsupported(Operation *op) const {
    return op->emitOpError() << "cannot be split: ";
  }
  FailureOr<ChannelMap> mapOf(const BranchPlan &plan, Value v,
                              Operation *user) const;
  Value gatherConstant(OpBuilder &builder, Location loc, Value constant,
                       ArrayRef<std::pair<int64_t, ArrayRef<int64_t>>> axes,
                       StringRef suffix) const;

  func::FuncOp func;
  int64_t n;
  int64_t fatten;
};

FailureOr<ChannelMap> Splitter::mapOf(const BranchPlan &plan, Value v,
                                      Operation *user) const {
  auto it = plan.maps.find(v);
  if (it != plan.maps.end())
    return it->second;
  return unsupported(user) << "operand is neither the model input nor "
                              "computed by the feature extractor";
}

/// Gathers the elements of `t` whose index along each listed axis is in
/// the axis's map.
HostTensor gather(const HostTensor &t,
                  ArrayRef<std::pair<int64_t, ArrayRef<int64_t>>> axes) {
  std::vector<int64_t> shape = t.shape;
  for (auto [axis, map] : axes)
    shape[axis] = map.size();
  HostTensor out(shape);
  std::vector<int64_t> strides = t.strides();
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t i = 0; i < out.numElements(); ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      int64_t source = index[d];
      for (auto [axis, map] : axes)
        if (axis == static_cast<int64_t>(d))
          source = map[index[d]];
      offset += source * strides[d];
    }
    out.f32[i] = t.f32[offset];
    for (size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

Value Splitter::gatherConstant(
    OpBuilder &builder, Location loc, Value constant,
    ArrayRef<std::pair<int64_t, ArrayRef<int64_t>>> axes,
    StringRef suffix) const {
  auto op = cast<ConstantOp>(constant.getDefiningOp());
  SmallVector<HostTensor> values;
  // The constant was checked to evaluate when the model was planned.
  (void)op.evaluate({}, values);
  HostTensor sliced = gather(values.front(), axes);
  return createConstant(builder, loc, sliced,
                        constantName(op, "weight") + "." + suffix.str());
}

/// Checks that `v` is a constant the splitter can read.
LogicalResult requireConstant(Operation *user, Value v, StringRef what) {
  auto constant = dyn_cast_or_null<ConstantOp>(v.getDefiningOp());
  if (!constant)
    return user->emitOpError()
           << "cannot be split: its " << what << " is not a constant";
  SmallVector<HostTensor> values;
  if (failed(constant.evaluate({}, values)))
    return failure();
  return success();
}

FailureOr<BranchPlan> Splitter::plan(OriginalModel &model, int64_t b) {
  BranchPlan plan;
  for (BlockArgument arg : func.getArguments()) {
    ArrayRef<int64_t> shape = shapeOf(arg);
    ChannelMap identity(shape.size() > 1 ? shape[1] : 0);
    for (size_t i = 0; i < identity.size(); ++i)
      identity[i] = i;
    plan.maps[arg] = identity;
    plan.types[arg] = cast<RankedTensorType>(arg.getType());
  }

  for (Operation *op : model.body) {
    if (isa<ConstantOp>(op))
      continue;
    Value result = op->getResult(0);
    ChannelMap outMap;
    RankedTensorType outType;

    if (auto conv = dyn_cast<Conv2DOp>(op)) {
      if (failed(requireConstant(op, conv.getWeight(), "weight")) ||
          (conv.getBias() &&
           failed(requireConstant(op, conv.getBias(), "bias"))))
        return failure();
      FailureOr<ChannelMap> inMap = mapOf(plan, conv.getInput(), op);
      if (failed(inMap))
        return failure();
      ArrayRef<int64_t> w = shapeOf(conv.getWeight());
      int64_t groups = conv.getGroups();
      int64_t inChannels = shapeOf(conv.getInput())[1];
      int64_t newGroups = 1;
      if (groups == 1) {
        outMap = widthMap(w[0], b);
      } else if (groups == inChannels && w[1] == 1) {
        // Depthwise: each input channel keeps its own filters.
        int64_t multiplier = w[0] / groups;
        for (int64_t c : *inMap)
          for (int64_t k = 0; k < multiplier; ++k)
            outMap.push_back(c * multiplier + k);
        newGroups = inMap->size();
      } else {
        return unsupported(op) << "grouped convolutions (" << groups
                               << " groups) other than depthwise are not "
                                  "supported";
      }
      SmallVector<int64_t> newWeight = {
          static_cast<int64_t>(outMap.size()),
          groups == 1 ? static_cast<int64_t>(inMap->size()) : 1, w[2], w[3]};
      SmallVector<int64_t> inShape(plan.types[conv.getInput()].getShape());
      FailureOr<shape::Shape> out = shape::inferConv2D(
          inShape, newWeight, std::nullopt, conv.getStrides(), conv.getPads(),
          conv.getDilations(), newGroups, [&] { return unsupported(op); });
      if (failed(out))
        return failure();
      outType = RankedTensorType::get(
          *out, cast<RankedTensorType>(result.getType()).getElementType());
      plan.cost += convCost(*out, newWeight, static_cast<bool>(conv.getBias()));
      plan.widestLayer = std::max<int64_t>(plan.widestLayer, newWeight[0]);
    } else if (auto dense = dyn_cast<DenseOp>(op)) {
      if (failed(requireConstant(op, dense.getWeight(), "weight")) ||
          (dense.getBias() &&
           failed(requireConstant(op, dense.getBias(), "bias"))))
        return failure();
      FailureOr<ChannelMap> inMap = mapOf(plan, dense.getInput(), op);
      if (failed(inMap))
        return failure();
      ArrayRef<int64_t> w = shapeOf(dense.getWeight());
      outMap = widthMap(w[0], b);
      SmallVector<int64_t> newWeight = {static_cast<int64_t>(outMap.size()),
                                        static_cast<int64_t>(inMap->size())};
      outType = withChannels(result, outMap.size());
      plan.cost += denseCost(outType.getShape(), newWeight,
                             static_cast<bool>(dense.getBias()));
      plan.widestLayer = std::max<int64_t>(plan.widestLayer, newWeight[0]);
    } else if (isa<ReluOp, ClipOp, LRNOp, MaxPool2DOp, AvgPool2DOp,
                   GlobalAvgPoolOp, BatchNormOp>(op)) {
      FailureOr<ChannelMap> inMap = mapOf(plan, op->getOperand(0), op);
      if (failed(inMap))
        return failure();
      for (Value param : op->getOperands().drop_front())
        if (failed(requireConstant(op, param, "parameter")))
          return failure();
      outMap = *inMap;
      outType = withChannels(result, outMap.size());
    } else if (isa<AddOp, MulOp>(op)) {
      // Operands from the feature extractor must be narrowed alike (a
      // residual add joins equal widths); a constant is sliced by the
      // result's map where it is not broadcast.
      std::optional<ChannelMap> map;
      for (Value operand : op->getOperands()) {
        if (isa_and_nonnull<ConstantOp>(operand.getDefiningOp())) {
          if (failed(requireConstant(op, operand, "operand")))
            return failure();
          continue;
        }
        FailureOr<ChannelMap> m = mapOf(plan, operand, op);
        if (failed(m))
          return failure();
        if (map && *map != *m)
          return unsupported(op) << "its operands are narrowed to different "
                                    "channels";
        map = *m;
      }
      if (!map)
        return unsupported(op) << "it has no computed operand";
      outMap = *map;
      outType = withChannels(result, outMap.size());
    } else if (auto reshape = dyn_cast<ReshapeOp>(op)) {
      FailureOr<ChannelMap> inMap = mapOf(plan, reshape.getInput(), op);
      if (failed(inMap))
        return failure();
      ArrayRef<int64_t> in = shapeOf(reshape.getInput());
      ArrayRef<int64_t> out = shapeOf(result);
      int64_t inner = 1;
      for (int64_t d : in.drop_front(2))
        inner *= d;
      if (in == out) {
        outMap = *inMap;
      } else if (out.size() == 2 && in.size() >= 2 && out[0] == in[0] &&
                 out[1] == in[1] * inner) {
        // Flatten: channel c's block of `inner` features moves together.
        for (int64_t c : *inMap)
          for (int64_t s = 0; s < inner; ++s)
            outMap.push_back(c * inner + s);
      } else {
        return unsupported(op) << "only a flatten ([N, C, ...] to [N, C*...]) "
                                  "can be narrowed";
      }
      outType = withChannels(result, outMap.size());
    } else if (auto concat = dyn_cast<ConcatOp>(op)) {
      if (concat.getAxis() != 1)
        return unsupported(op) << "only concatenation along channels (axis 1) "
                                  "can be narrowed";
      int64_t offset = 0;
      for (Value input : concat.getInputs()) {
        FailureOr<ChannelMap> m = mapOf(plan, input, op);
        if (failed(m))
          return failure();
        for (int64_t c : *m)
          outMap.push_back(offset + c);
        offset += shapeOf(input)[1];
      }
      outType = withChannels(result, outMap.size());
    } else {
      return unsupported(op) << "the splitter does not know how to narrow it";
    }
    plan.maps[result] = std::move(outMap);
    plan.types[result] = outType;
  }
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

    auto slice = [&](Value constant, int64_t axis, Value mapped,
                     StringRef what) {
      return gatherConstant(builder, constant.getLoc(), constant,
                            {{axis, plan.maps.lookup(mapped)}},
                            (id + what).str());
    };
    for (Operation *op : model.body) {
      if (isa<ConstantOp>(op))
        continue;
      // Constants come into the branch with their users, so that it stays
      // isolated; the ones replaced by slices below are erased afterwards.
      for (Value operand : op->getOperands())
        if (isa_and_nonnull<ConstantOp>(operand.getDefiningOp()) &&
            !mapping.contains(operand))
          mapping.map(operand,
                      builder.clone(*operand.getDefiningOp())->getResult(0));
      Value result = op->getResult(0);
      const ChannelMap &outMap = plan.maps.lookup(result);
      Operation *created = nullptr;
      if (auto conv = dyn_cast<Conv2DOp>(op)) {
        bool depthwise = conv.getGroups() != 1;
        SmallVector<std::pair<int64_t, ArrayRef<int64_t>>> axes = {{0, outMap}};
        ChannelMap inMap = plan.maps.lookup(conv.getInput());
        if (!depthwise)
          axes.push_back({1, inMap});
        SmallVector<Value> operands = {
            mapping.lookup(conv.getInput()),
            gatherConstant(builder, conv.getLoc(), conv.getWeight(), axes, id)};
        if (conv.getBias())
          operands.push_back(gatherConstant(builder, conv.getLoc(),
                                            conv.getBias(), {{0, outMap}}, id));
        created = builder.clone(*op, mapping);
        created->setOperands(operands);
        if (depthwise)
          cast<Conv2DOp>(created).setGroups(inMap.size());
      } else if (auto dense = dyn_cast<DenseOp>(op)) {
        SmallVector<Value> operands = {
            mapping.lookup(dense.getInput()),
            gatherConstant(
                builder, dense.getLoc(), dense.getWeight(),
                {{0, outMap}, {1, plan.maps.lookup(dense.getInput())}}, id)};
        if (dense.getBias())
          operands.push_back(gatherConstant(
              builder, dense.getLoc(), dense.getBias(), {{0, outMap}}, id));
        created = builder.clone(*op, mapping);
        created->setOperands(operands);
      } else if (isa<BatchNormOp>(op)) {
        created = builder.clone(*op, mapping);
        for (unsigned i = 1; i < 5; ++i)
          created->setOperand(i, slice(op->getOperand(i), 0, result, ""));
      } else if (isa<AddOp, MulOp>(op)) {
        created = builder.clone(*op, mapping);
        int64_t rank = shapeOf(result).size();
        for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
          if (!isa_and_nonnull<ConstantOp>(operand.getDefiningOp()))
            continue;
          // Aligned to the trailing dimensions, as broadcasting does.
          ArrayRef<int64_t> shape = shapeOf(operand);
          int64_t axis = 1 - (rank - static_cast<int64_t>(shape.size()));
          if (axis >= 0 && shape[axis] != 1)
            created->setOperand(i, slice(operand, axis, result, ""));
        }
      } else {
        created = builder.clone(*op, mapping);
      }
      created->getResult(0).setType(plan.types.lookup(result));
      mapping.map(result, created->getResult(0));
    }
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
      hasLayer |= isa<Conv2DOp, DenseOp>(op);
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
    if (!func.getOps<BranchOp>().empty() || !func.getOps<MergeOp>().empty())
      return func.emitOpError() << "is already split into branches; "
                                   "--lcp-split takes an original model";

    FailureOr<OriginalModel> model = analyzeModel(func);
    if (failed(model))
      return failure();

    int64_t widest = 0;
    for (Operation *op : model->body)
      if (isa<Conv2DOp, DenseOp>(op))
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
