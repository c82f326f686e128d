//===- ChannelNarrowing.cpp - Keeping some channels of every layer --------===//

#include "passes/ChannelNarrowing.h"
#include "passes/Constants.h"

#include "dialect/LcpVisitors.h"
#include "dialect/ShapeInference.h"

using namespace mlir;

namespace lcp {

namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

RankedTensorType withChannels(Value v, int64_t channels) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[1] = channels;
  return RankedTensorType::get(shape, type.getElementType());
}

InFlightDiagnostic unsupported(Operation *op, StringRef verb) {
  return op->emitOpError() << "cannot be " << verb << ": ";
}

FailureOr<ChannelMap> mapOf(const NarrowingPlan &plan, StringRef verb, Value v,
                            Operation *user) {
  auto it = plan.maps.find(v);
  if (it != plan.maps.end())
    return it->second;
  return unsupported(user, verb) << "operand is neither the model input nor "
                                    "computed by the feature extractor";
}

/// Checks that `v` is a constant that can be read.
LogicalResult requireConstant(Operation *user, StringRef verb, Value v,
                              StringRef what) {
  auto constant = dyn_cast_or_null<ConstantOp>(v.getDefiningOp());
  if (!constant)
    return user->emitOpError()
           << "cannot be " << verb << ": its " << what << " is not a constant";
  SmallVector<HostTensor> values;
  if (failed(constant.evaluate({}, values)))
    return failure();
  return success();
}

} // namespace

void NarrowingPlan::keepAll(Value v) {
  ArrayRef<int64_t> shape = shapeOf(v);
  ChannelMap identity(shape.size() > 1 ? shape[1] : 0);
  for (size_t i = 0; i < identity.size(); ++i)
    identity[i] = i;
  maps[v] = identity;
  types[v] = cast<RankedTensorType>(v.getType());
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

Value gatherConstant(OpBuilder &builder, Location loc, Value constant,
                     ArrayRef<std::pair<int64_t, ArrayRef<int64_t>>> axes,
                     StringRef suffix) {
  auto op = cast<ConstantOp>(constant.getDefiningOp());
  SmallVector<HostTensor> values;
  // The constant was checked to evaluate when the model was planned.
  (void)op.evaluate({}, values);
  HostTensor sliced = gather(values.front(), axes);
  return createConstant(builder, loc, sliced,
                        constantName(op, "weight") + "." + suffix.str());
}

namespace {

/// Plans one op at a time: the channel map and type of its result, from
/// those of its operands. Ops that keep channels share one rule, whatever
/// they compute.
class NarrowingPlanner
    : public ComputeOpVisitor<NarrowingPlanner, LogicalResult> {
public:
  NarrowingPlanner(NarrowingPlan &plan, WidthPolicy policy, StringRef verb)
      : plan(plan), policy(policy), verb(verb) {}

  LogicalResult planOp(Operation *op) {
    outMap.clear();
    outType = {};
    result = op->getResult(0);
    if (failed(dispatchComputeOpVisitor(op)))
      return failure();
    plan.maps[result] = std::move(outMap);
    plan.types[result] = outType;
    return success();
  }

  using ComputeOpVisitor::visitOp;

  LogicalResult visitOp(Conv2DOp conv) {
    Operation *op = conv;
    if (failed(requireConstant(op, verb, conv.getWeight(), "weight")) ||
        (conv.getBias() &&
         failed(requireConstant(op, verb, conv.getBias(), "bias"))))
      return failure();
    FailureOr<ChannelMap> inMap = mapOf(plan, verb, conv.getInput(), op);
    if (failed(inMap))
      return failure();
    ArrayRef<int64_t> w = shapeOf(conv.getWeight());
    int64_t groups = conv.getGroups();
    int64_t inChannels = shapeOf(conv.getInput())[1];
    int64_t newGroups = 1;
    if (groups == 1) {
      FailureOr<ChannelMap> chosen = policy(op);
      if (failed(chosen))
        return failure();
      outMap = *chosen;
    } else if (groups == inChannels && w[1] == 1) {
      // Depthwise: each input channel keeps its own filters.
      int64_t multiplier = w[0] / groups;
      for (int64_t c : *inMap)
        for (int64_t k = 0; k < multiplier; ++k)
          outMap.push_back(c * multiplier + k);
      newGroups = inMap->size();
    } else {
      return unsupported(op, verb) << "grouped convolutions (" << groups
                                   << " groups) other than depthwise are not "
                                      "supported";
    }
    SmallVector<int64_t> newWeight = {
        static_cast<int64_t>(outMap.size()),
        groups == 1 ? static_cast<int64_t>(inMap->size()) : 1, w[2], w[3]};
    SmallVector<int64_t> inShape(plan.types[conv.getInput()].getShape());
    FailureOr<shape::Shape> out = shape::inferConv2D(
        inShape, newWeight, std::nullopt, conv.getStrides(), conv.getPads(),
        conv.getDilations(), newGroups, [&] { return unsupported(op, verb); });
    if (failed(out))
      return failure();
    outType = RankedTensorType::get(
        *out, cast<RankedTensorType>(result.getType()).getElementType());
    plan.cost += convCost(*out, newWeight, static_cast<bool>(conv.getBias()));
    plan.widestLayer = std::max<int64_t>(plan.widestLayer, newWeight[0]);
    return success();
  }

  LogicalResult visitOp(DenseOp dense) {
    Operation *op = dense;
    if (failed(requireConstant(op, verb, dense.getWeight(), "weight")) ||
        (dense.getBias() &&
         failed(requireConstant(op, verb, dense.getBias(), "bias"))))
      return failure();
    FailureOr<ChannelMap> inMap = mapOf(plan, verb, dense.getInput(), op);
    if (failed(inMap))
      return failure();
    FailureOr<ChannelMap> chosen = policy(op);
    if (failed(chosen))
      return failure();
    outMap = *chosen;
    SmallVector<int64_t> newWeight = {static_cast<int64_t>(outMap.size()),
                                      static_cast<int64_t>(inMap->size())};
    outType = withChannels(result, outMap.size());
    plan.cost += denseCost(outType.getShape(), newWeight,
                           static_cast<bool>(dense.getBias()));
    plan.widestLayer = std::max<int64_t>(plan.widestLayer, newWeight[0]);
    return success();
  }

  LogicalResult visitKeepsChannelsOp(Operation *op) {
    FailureOr<ChannelMap> inMap = mapOf(plan, verb, op->getOperand(0), op);
    if (failed(inMap))
      return failure();
    for (Value param : op->getOperands().drop_front())
      if (failed(requireConstant(op, verb, param, "parameter")))
        return failure();
    outMap = *inMap;
    outType = withChannels(result, outMap.size());
    return success();
  }

  LogicalResult visitBroadcastBinaryOp(Operation *op) {
    // Operands from the feature extractor must be narrowed alike (a
    // residual add joins equal widths); a constant is sliced by the
    // result's map where it is not broadcast.
    std::optional<ChannelMap> map;
    for (Value operand : op->getOperands()) {
      if (isa_and_nonnull<ConstantOp>(operand.getDefiningOp())) {
        if (failed(requireConstant(op, verb, operand, "operand")))
          return failure();
        continue;
      }
      FailureOr<ChannelMap> m = mapOf(plan, verb, operand, op);
      if (failed(m))
        return failure();
      if (map && *map != *m)
        return unsupported(op, verb)
               << "its operands are narrowed to different "
                  "channels";
      map = *m;
    }
    if (!map)
      return unsupported(op, verb) << "it has no computed operand";
    outMap = *map;
    outType = withChannels(result, outMap.size());
    return success();
  }

  LogicalResult visitOp(ReshapeOp reshape) {
    Operation *op = reshape;
    FailureOr<ChannelMap> inMap = mapOf(plan, verb, reshape.getInput(), op);
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
      return unsupported(op, verb)
             << "only a flatten ([N, C, ...] to [N, C*...]) "
                "can be narrowed";
    }
    outType = withChannels(result, outMap.size());
    return success();
  }

  LogicalResult visitOp(ConcatOp concat) {
    Operation *op = concat;
    if (concat.getAxis() != 1)
      return unsupported(op, verb)
             << "only concatenation along channels (axis 1) "
                "can be narrowed";
    int64_t offset = 0;
    for (Value input : concat.getInputs()) {
      FailureOr<ChannelMap> m = mapOf(plan, verb, input, op);
      if (failed(m))
        return failure();
      for (int64_t c : *m)
        outMap.push_back(offset + c);
      offset += shapeOf(input)[1];
    }
    outType = withChannels(result, outMap.size());
    return success();
  }

  LogicalResult visitUnhandledOp(Operation *op) {
    return unsupported(op, verb) << "the pass does not know how to narrow it";
  }

private:
  NarrowingPlan &plan;
  WidthPolicy policy;
  StringRef verb;
  /// The op being planned: its result, and what it gets.
  Value result;
  ChannelMap outMap;
  RankedTensorType outType;
};

} // namespace

LogicalResult planNarrowing(ArrayRef<Operation *> ops, NarrowingPlan &plan,
                            WidthPolicy policy, StringRef verb) {
  NarrowingPlanner planner(plan, policy, verb);
  for (Operation *op : ops)
    if (!isa<ConstantOp>(op) && failed(planner.planOp(op)))
      return failure();
  return success();
}

void buildNarrowed(OpBuilder &builder, ArrayRef<Operation *> ops,
                   const NarrowingPlan &plan, IRMapping &mapping,
                   StringRef suffix) {
  auto slice = [&](Value constant, int64_t axis, Value mapped) {
    return gatherConstant(builder, constant.getLoc(), constant,
                          {{axis, plan.maps.lookup(mapped)}}, suffix);
  };
  for (Operation *op : ops) {
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
      SmallVector<Value> operands = {mapping.lookup(conv.getInput()),
                                     gatherConstant(builder, conv.getLoc(),
                                                    conv.getWeight(), axes,
                                                    suffix)};
      if (conv.getBias())
        operands.push_back(gatherConstant(
            builder, conv.getLoc(), conv.getBias(), {{0, outMap}}, suffix));
      created = builder.clone(*op, mapping);
      created->setOperands(operands);
      if (depthwise)
        cast<Conv2DOp>(created).setGroups(inMap.size());
    } else if (auto dense = dyn_cast<DenseOp>(op)) {
      SmallVector<Value> operands = {
          mapping.lookup(dense.getInput()),
          gatherConstant(builder, dense.getLoc(), dense.getWeight(),
                         {{0, outMap}, {1, plan.maps.lookup(dense.getInput())}},
                         suffix)};
      if (dense.getBias())
        operands.push_back(gatherConstant(
            builder, dense.getLoc(), dense.getBias(), {{0, outMap}}, suffix));
      created = builder.clone(*op, mapping);
      created->setOperands(operands);
    } else if (isa<BatchNormOp>(op)) {
      created = builder.clone(*op, mapping);
      for (unsigned i = 1; i < 5; ++i)
        created->setOperand(i, slice(op->getOperand(i), 0, result));
    } else if (op->hasTrait<OpFamily::BroadcastBinary>()) {
      created = builder.clone(*op, mapping);
      int64_t rank = shapeOf(result).size();
      for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
        if (!isa_and_nonnull<ConstantOp>(operand.getDefiningOp()))
          continue;
        // Aligned to the trailing dimensions, as broadcasting does.
        ArrayRef<int64_t> shape = shapeOf(operand);
        int64_t axis = 1 - (rank - static_cast<int64_t>(shape.size()));
        if (axis >= 0 && shape[axis] != 1)
          created->setOperand(i, slice(operand, axis, result));
      }
    } else {
      created = builder.clone(*op, mapping);
    }
    created->getResult(0).setType(plan.types.lookup(result));
    mapping.map(result, created->getResult(0));
  }
}

} // namespace lcp
