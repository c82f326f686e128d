//===- Place.cpp - Assign units to the devices of a cluster ---------------===//
//
// Three ways to spread a model over a cluster (targets/cluster):
//  - branch: LCP. Each branch goes where it finishes first (longest first,
//    by estimated compute time); the stem, if any, and the
//    merge run on the coordinator, which holds the input and receives the
//    outputs. Devices left over hold replicas of the branches.
//  - layer: model parallelism as a pipeline. The unsplit model is cut
//    before layers into as many consecutive stages as there are devices,
//    balanced by a min-max partition of their compute time, and each stage
//    becomes an `lcp.part` on the next device.
//  - channel: model parallelism within layers. Each convolution and dense
//    layer is cut into parts that compute a slice of its output channels,
//    one per device, with the channel-by-channel ops after it; the next
//    layer's parts each read every slice (an all-gather) and join them. Ops
//    that need whole tensors (reshapes, say) run in the parts that read
//    them, and a last part on the coordinator gathers the outputs.
// Every unit then carries its `device`; the module keeps the cluster's
// description (`lcp.cluster`) and the function the strategy
// (`lcp.placement`), which --lcp-report reads for its estimates.
//
//===----------------------------------------------------------------------===//

#include "dialect/LcpOps.h"
#include "dialect/LcpTraits.h"
#include "dialect/UnitGraph.h"
#include "passes/ChannelNarrowing.h"
#include "passes/Constants.h"
#include "passes/Cost.h"
#include "passes/Outlining.h"
#include "passes/Passes.h"
#include "targets/cluster/Cluster.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <limits>
#include <numeric>

namespace lcp {
#define GEN_PASS_DEF_PLACE
#include "passes/Passes.h.inc"
} // namespace lcp

using namespace mlir;
using namespace lcp;

namespace {

/// The devices in the order model-parallel placement fills them: the
/// coordinator first, since the first part reads the model input there.
SmallVector<size_t> fillOrder(const Cluster &cluster) {
  SmallVector<size_t> order{cluster.coordinator};
  for (size_t d = 0; d < cluster.devices.size(); ++d)
    if (d != cluster.coordinator)
      order.push_back(d);
  return order;
}

/// The memory each device has left, and the error when a unit fits none.
class MemoryLedger {
public:
  explicit MemoryLedger(const Cluster &cluster) : cluster(cluster) {
    for (const ClusterDevice &d : cluster.devices)
      left.push_back(d.memoryBytes());
  }

  bool fits(size_t device, int64_t bytes) const {
    return bytes <= left[device];
  }
  void take(size_t device, int64_t bytes) { left[device] -= bytes; }

  /// Says that `unit`, needing `bytes`, fits on no device it may go to.
  InFlightDiagnostic refuse(Operation *unit, StringRef id, int64_t bytes,
                            int64_t weights) const {
    size_t roomiest = std::max_element(left.begin(), left.end()) - left.begin();
    return unit->emitError()
           << "unit '" << id << "' needs " << bytes << " bytes (weights "
           << weights << ", activations " << bytes - weights
           << "), more than any device of cluster '" << cluster.name
           << "' has left (the most: " << left[roomiest] << " of "
           << cluster.devices[roomiest].memoryBytes() << " bytes on '"
           << cluster.devices[roomiest].name << "')";
  }

private:
  const Cluster &cluster;
  std::vector<int64_t> left;
};

/// What a unit needs of its device.
struct UnitNeeds {
  int64_t macs = 0;
  int64_t weightBytes = 0;
  int64_t memoryBytes = 0; // weights and peak activations
};

UnitNeeds needsOf(UnitOpInterface unit) {
  Block &body = unit.getUnitBody();
  UnitNeeds needs;
  needs.macs = costOfRegions(unit).macs;
  needs.weightBytes = weightBytes(body);
  needs.memoryBytes = needs.weightBytes + peakActivationBytes(body);
  return needs;
}

void setDevice(Operation *unit, const ClusterDevice &device) {
  unit->setAttr("device", StringAttr::get(unit->getContext(), device.name));
}

//===----------------------------------------------------------------------===//
// strategy=branch
//===----------------------------------------------------------------------===//

LogicalResult placeBranches(func::FuncOp func, const Cluster &cluster) {
  UnitGraph graph(func);
  if (graph.isWholeFunction())
    return func.emitError()
           << "strategy=branch places the branches of an LCP model, and @"
           << func.getSymName()
           << " is one unit: outline its branches (--lcp-outline-branches) or "
              "split it (--lcp-split) first, or choose strategy=layer or "
              "strategy=channel (model parallelism)";
  MemoryLedger memory(cluster);
  size_t coordinator = cluster.coordinator;
  for (const Unit &unit : graph.getUnits())
    unit.op->removeAttr("replicas");
  SmallVector<const Unit *> branches;
  for (const Unit &unit : graph.getUnits()) {
    if (unit.kind == "part")
      return unit.op->emitError()
             << "is a part of model-parallel placement; strategy=branch "
                "places an LCP model's branches";
    if (unit.kind == "branch") {
      branches.push_back(&unit);
      continue;
    }
    // The stem feeds every branch and the merge reads them all: both run
    // where the input and the outputs are.
    UnitNeeds needs = needsOf(unit.op);
    if (!memory.fits(coordinator, needs.memoryBytes))
      return memory.refuse(unit.op, unit.id, needs.memoryBytes,
                           needs.weightBytes);
    memory.take(coordinator, needs.memoryBytes);
    setDevice(unit.op, cluster.devices[coordinator]);
  }

  // Longest first, each where its compute would finish first. Transfers
  // are left out: every branch reads the same input and yields a small
  // output, so they would shift all devices but the coordinator alike,
  // and keeping branches off the network is not LCP's trade (the report
  // estimates them).
  SmallVector<UnitNeeds> needs;
  for (const Unit *branch : branches)
    needs.push_back(needsOf(branch->op));
  SmallVector<size_t> order(branches.size());
  std::iota(order.begin(), order.end(), 0);
  llvm::stable_sort(
      order, [&](size_t a, size_t b) { return needs[a].macs > needs[b].macs; });
  std::vector<double> busy(cluster.devices.size(), 0.0);
  std::vector<bool> used(cluster.devices.size(), false);
  for (size_t b : order) {
    const Unit &branch = *branches[b];
    size_t best = cluster.devices.size();
    double bestFinish = std::numeric_limits<double>::infinity();
    for (size_t d = 0; d < cluster.devices.size(); ++d) {
      if (!memory.fits(d, needs[b].memoryBytes))
        continue;
      double finish = busy[d] + static_cast<double>(needs[b].macs) /
                                    cluster.devices[d].macsPerSecond;
      if (finish < bestFinish) {
        best = d;
        bestFinish = finish;
      }
    }
    if (best == cluster.devices.size())
      return memory.refuse(branch.op, branch.id, needs[b].memoryBytes,
                           needs[b].weightBytes);
    busy[best] = bestFinish;
    used[best] = true;
    memory.take(best, needs[b].memoryBytes);
    setDevice(branch.op, cluster.devices[best]);
  }

  // Devices no branch went to hold copies, the costliest branches first,
  // for failover and to share the load.
  size_t next = 0;
  for (size_t d = 0; d < cluster.devices.size() && !order.empty(); ++d) {
    if (used[d] || d == coordinator)
      continue;
    for (size_t tries = 0; tries < order.size(); ++tries) {
      size_t b = order[next++ % order.size()];
      if (!memory.fits(d, needs[b].memoryBytes))
        continue;
      memory.take(d, needs[b].memoryBytes);
      Operation *op = branches[b]->op;
      SmallVector<Attribute> replicas;
      if (auto existing = op->getAttrOfType<ArrayAttr>("replicas"))
        replicas.append(existing.begin(), existing.end());
      replicas.push_back(
          StringAttr::get(op->getContext(), cluster.devices[d].name));
      op->setAttr("replicas", ArrayAttr::get(op->getContext(), replicas));
      break;
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// strategy=layer
//===----------------------------------------------------------------------===//

/// The ops of an unsplit model that placement moves into parts: all but
/// constants (and what every unit computes for itself) and the return.
SmallVector<Operation *> computeOps(func::FuncOp func) {
  SmallVector<Operation *> ops;
  for (Operation &op : func.getBody().front().without_terminator())
    if (!isReplicated(&op))
      ops.push_back(&op);
  return ops;
}

LogicalResult requireUnsplit(func::FuncOp func, StringRef strategy) {
  if (UnitGraph(func).isWholeFunction())
    return success();
  return func.emitError() << "strategy=" << strategy
                          << " is model parallelism of an unsplit model, and @"
                          << func.getSymName()
                          << " already has units; place an LCP model with "
                             "strategy=branch";
}

LogicalResult placeLayers(func::FuncOp func, const Cluster &cluster) {
  if (failed(requireUnsplit(func, "layer")))
    return failure();
  SmallVector<Operation *> ops = computeOps(func);
  if (ops.empty())
    return func.emitError() << "has no ops to place";

  // Segments start at layers: a stage is a run of segments.
  SmallVector<size_t> starts{0};
  for (size_t i = 1; i < ops.size(); ++i)
    if (ops[i]->hasTrait<OpFamily::Layer>())
      starts.push_back(i);
  size_t segments = starts.size();
  starts.push_back(ops.size());
  // A stage holds its weights and, at its peak, about what its largest op
  // reads and writes.
  SmallVector<int64_t> macs(segments, 0), weights(segments, 0),
      activations(segments, 0);
  for (size_t s = 0; s < segments; ++s)
    for (size_t i = starts[s]; i < starts[s + 1]; ++i) {
      macs[s] += costOf(ops[i]).macs;
      int64_t touched = bytesOf(ops[i]->getResultTypes());
      for (Value operand : ops[i]->getOperands())
        (isa_and_nonnull<ConstantOp>(operand.getDefiningOp()) ? weights[s]
                                                              : touched) +=
            bytesOf(operand.getType());
      activations[s] = std::max(activations[s], touched);
    }

  // Min-max partition of the segments into k stages, stage j on the j-th
  // device of the fill order, each within that device's memory.
  SmallVector<size_t> devices = fillOrder(cluster);
  size_t k = std::min(devices.size(), segments);
  const double inf = std::numeric_limits<double>::infinity();
  auto stageTime = [&](size_t a, size_t b, size_t j) {
    const ClusterDevice &device = cluster.devices[devices[j]];
    int64_t m = 0, held = 0, peak = 0;
    for (size_t s = a; s < b; ++s) {
      m += macs[s];
      held += weights[s];
      peak = std::max(peak, activations[s]);
    }
    held += peak;
    if (held > device.memoryBytes())
      return inf;
    return static_cast<double>(m) / device.macsPerSecond;
  };
  // best[j][b]: the least bottleneck of segments [0, b) in j + 1 stages.
  std::vector<std::vector<double>> best(k,
                                        std::vector<double>(segments + 1, inf));
  std::vector<std::vector<size_t>> cut(k, std::vector<size_t>(segments + 1, 0));
  for (size_t b = 1; b <= segments; ++b)
    best[0][b] = stageTime(0, b, 0);
  for (size_t j = 1; j < k; ++j)
    for (size_t b = j + 1; b <= segments; ++b)
      for (size_t a = j; a < b; ++a) {
        double t = std::max(best[j - 1][a], stageTime(a, b, j));
        if (t < best[j][b]) {
          best[j][b] = t;
          cut[j][b] = a;
        }
      }
  if (best[k - 1][segments] == inf)
    return func.emitError()
           << "cannot cut @" << func.getSymName() << " into " << k
           << " stages that fit the memory of cluster '" << cluster.name
           << "' (" << cluster.devices[devices[0]].memoryBytes()
           << " bytes on '" << cluster.devices[devices[0]].name << "')";
  SmallVector<size_t> bounds(k + 1);
  bounds[k] = segments;
  for (size_t j = k - 1; j > 0; --j)
    bounds[j] = cut[j][bounds[j + 1]];

  OpBuilder builder(func.getContext());
  SmallVector<Operation *> erase;
  for (size_t j = 0; j < k; ++j) {
    ArrayRef<Operation *> stage(ops.begin() + starts[bounds[j]],
                                ops.begin() + starts[bounds[j + 1]]);
    llvm::SmallPtrSet<Operation *, 16> inStage(stage.begin(), stage.end());
    SmallVector<Value> outputs;
    for (Operation *op : stage)
      for (Value result : op->getResults())
        if (llvm::any_of(result.getUsers(), [&](Operation *user) {
              return !inStage.contains(user);
            }))
          outputs.push_back(result);
    auto part =
        outlineUnit<PartOp>(builder, "s" + std::to_string(j), stage, outputs);
    setDevice(part, cluster.devices[devices[j]]);
    erase.append(stage.begin(), stage.end());
  }
  for (Operation *op : llvm::reverse(erase))
    op->erase();
  eraseUnusedConstants(func.getBody().front());
  return success();
}

//===----------------------------------------------------------------------===//
// strategy=channel
//===----------------------------------------------------------------------===//

/// Where each slice of a value's channels (dimension 1) begins; the last
/// entry is the channel count.
using Slicing = SmallVector<int64_t>;

Slicing sliceChannels(int64_t channels, size_t devices) {
  int64_t parts = std::min<int64_t>(channels, devices);
  Slicing offsets{0};
  for (int64_t p = 0; p < parts; ++p)
    offsets.push_back(offsets.back() + channels / parts +
                      (p < channels % parts ? 1 : 0));
  return offsets;
}

RankedTensorType withChannels(Type type, int64_t channels) {
  auto tensor = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(tensor.getShape());
  shape[1] = channels;
  return RankedTensorType::get(shape, tensor.getElementType());
}

/// Plans and builds the channel-parallel parts of one function.
class ChannelPlacer {
public:
  ChannelPlacer(func::FuncOp func, const Cluster &cluster)
      : func(func), cluster(cluster), devices(fillOrder(cluster)),
        builder(func.getContext()) {}

  LogicalResult run() {
    if (failed(requireUnsplit(func, "channel")) || failed(plan()))
      return failure();
    for (size_t g = 0; g < groups.size(); ++g)
      for (size_t j = 0; j + 1 < groups[g].slicing.size(); ++j)
        buildPart(g, j);
    buildGather();
    for (Operation *op : llvm::reverse(ops))
      op->erase();
    eraseUnusedConstants(func.getBody().front());
    // Each device holds its parts.
    MemoryLedger memory(cluster);
    for (PartOp part : func.getOps<PartOp>()) {
      UnitNeeds needs = needsOf(part);
      size_t device = *cluster.indexOf(part.getUnitDevice());
      if (!memory.fits(device, needs.memoryBytes))
        return memory.refuse(part, part.getId(), needs.memoryBytes,
                             needs.weightBytes);
      memory.take(device, needs.memoryBytes);
    }
    return success();
  }

private:
  /// A layer and the channel-by-channel ops that run in its parts.
  struct Group {
    Operation *layer;
    SmallVector<Operation *> members; // the layer first
    Slicing slicing;
  };

  /// Whether `op` is a layer whose output channels split into parts.
  static bool isSplitLayer(Operation *op) {
    if (auto conv = dyn_cast<Conv2DOp>(op))
      return conv.getGroups() == 1 &&
             isa<ConstantOp>(conv.getWeight().getDefiningOp()) &&
             (!conv.getBias() ||
              isa_and_nonnull<ConstantOp>(conv.getBias().getDefiningOp()));
    if (auto dense = dyn_cast<DenseOp>(op))
      return isa_and_nonnull<ConstantOp>(dense.getWeight().getDefiningOp()) &&
             (!dense.getBias() ||
              isa_and_nonnull<ConstantOp>(dense.getBias().getDefiningOp()));
    return false;
  }

  /// Whether `v` is a constant of per-channel parameters for `channels`
  /// channels, or a scalar.
  static bool isChannelParameter(Value v, int64_t channels) {
    if (!isa_and_nonnull<ConstantOp>(v.getDefiningOp()))
      return false;
    auto type = cast<RankedTensorType>(v.getType());
    return type.getNumElements() == 1 ||
           (type.getRank() == 1 && type.getDimSize(0) == channels);
  }

  LogicalResult plan() {
    ops = computeOps(func);
    for (Operation *op : ops) {
      SmallVector<Type> types(op->getOperandTypes());
      llvm::append_range(types, op->getResultTypes());
      for (Type t : types)
        if (auto tensor = dyn_cast<RankedTensorType>(t);
            tensor && isa<quant::QuantizedType>(tensor.getElementType()))
          return op->emitError()
                 << "strategy=channel splits float layers, and this model "
                    "is quantized: place it before quantizing, or choose "
                    "strategy=layer";
      if (isSplitLayer(op)) {
        int64_t channels =
            cast<RankedTensorType>(op->getResult(0).getType()).getDimSize(1);
        groups.push_back({op, {op}, sliceChannels(channels, devices.size())});
        sliced[op->getResult(0)] = groups.size() - 1;
        continue;
      }
      if (op->getNumResults() != 1)
        continue;
      Value result = op->getResult(0);
      // A channel-by-channel op of a sliced value runs in its parts.
      if (op->hasTrait<OpFamily::Channelwise>()) {
        auto it = sliced.find(op->getOperand(0));
        if (it == sliced.end())
          continue;
        size_t g = it->second;
        int64_t channels = groups[g].slicing.back();
        if (!llvm::all_of(op->getOperands().drop_front(), [&](Value v) {
              return isChannelParameter(v, channels);
            }))
          continue;
        groups[g].members.push_back(op);
        sliced[result] = g;
        continue;
      }
      // So does an element-wise op of two values sliced alike, in the
      // parts of the later one.
      if (op->hasTrait<OpFamily::Elementwise>() && op->getNumOperands() == 2) {
        auto a = sliced.find(op->getOperand(0)),
             b = sliced.find(op->getOperand(1));
        if (a == sliced.end() || b == sliced.end() ||
            groups[a->second].slicing != groups[b->second].slicing ||
            op->getOperand(0).getType() != result.getType() ||
            op->getOperand(1).getType() != result.getType())
          continue;
        size_t g = std::max(a->second, b->second);
        groups[g].members.push_back(op);
        sliced[result] = g;
      }
    }
    if (groups.empty())
      return func.emitError()
             << "strategy=channel splits convolutions and dense layers, and @"
             << func.getSymName() << " has none to split";
    for (auto [g, group] : llvm::enumerate(groups))
      for (Operation *op : group.members)
        groupOf[op] = g;
    return success();
  }

  /// Builds the part's ops into a free block; inputs become its arguments.
  struct PartBuilder {
    explicit PartBuilder(Block *block) : block(block) {}

    Block *block;
    IRMapping mapping;
    SmallVector<Value> inputs;
    DenseMap<Value, unsigned> argumentOf;

    Value input(Value outside) {
      auto [it, inserted] = argumentOf.try_emplace(outside, inputs.size());
      if (inserted) {
        inputs.push_back(outside);
        block->addArgument(outside.getType(), outside.getLoc());
      }
      return block->getArgument(it->second);
    }
  };

  /// The value `v` whole, inside the part being built.
  Value whole(PartBuilder &part, Value v) {
    if (Value local = part.mapping.lookupOrNull(v))
      return local;
    Operation *def = v.getDefiningOp();
    Value result;
    if (!def) {
      result = part.input(v); // a model input
    } else if (isReplicated(def)) {
      for (Value operand : def->getOperands())
        whole(part, operand);
      result = builder.clone(*def, part.mapping)->getResult(0);
    } else if (auto it = sliced.find(v); it != sliced.end()) {
      // The all-gather: every part's slice, joined.
      SmallVector<Value> slices;
      for (size_t j = 0; j + 1 < groups[it->second].slicing.size(); ++j)
        slices.push_back(part.input(sliceValues.lookup({v, j})));
      result = slices.size() == 1
                   ? slices.front()
                   : builder
                         .create<ConcatOp>(v.getLoc(), v.getType(), slices,
                                           builder.getI64IntegerAttr(1))
                         .getResult();
    } else {
      // Needs whole tensors: computed where it is read.
      for (Value operand : def->getOperands())
        whole(part, operand);
      Operation *clone = builder.clone(*def, part.mapping);
      result = clone->getResult(cast<OpResult>(v).getResultNumber());
    }
    part.mapping.map(v, result);
    return result;
  }

  /// Slice `j` of the sliced value `v`, inside the part being built.
  Value slice(PartBuilder &part, Value v, size_t j) {
    if (Value local = part.mapping.lookupOrNull(v))
      return local;
    Value local = part.input(sliceValues.lookup({v, j}));
    part.mapping.map(v, local);
    return local;
  }

  /// `constant` (of the original), cut to channels [lo, hi) along its
  /// first dimension, inside the part being built.
  Value sliceConstant(PartBuilder &part, Value constant, int64_t lo, int64_t hi,
                      StringRef suffix) {
    if (Value local = part.mapping.lookupOrNull(constant))
      return local;
    SmallVector<int64_t> indices(hi - lo);
    std::iota(indices.begin(), indices.end(), lo);
    Value local = gatherConstant(builder, constant.getLoc(), constant,
                                 {{0, indices}}, suffix);
    part.mapping.map(constant, local);
    return local;
  }

  void buildPart(size_t g, size_t j) {
    Group &group = groups[g];
    int64_t lo = group.slicing[j], hi = group.slicing[j + 1];
    std::string id = llvm::formatv("l{0}_p{1}", g, j).str();
    auto block = std::make_unique<Block>();
    PartBuilder part(block.get());
    builder.setInsertionPointToEnd(block.get());
    for (Operation *op : group.members) {
      if (op == group.layer) {
        // The layer reads its input whole and its weights' slice.
        whole(part, op->getOperand(0));
        for (Value w : op->getOperands().drop_front())
          sliceConstant(part, w, lo, hi, id);
      } else {
        for (Value operand : op->getOperands()) {
          if (sliced.count(operand))
            slice(part, operand, j);
          else if (isChannelParameter(operand, group.slicing.back()) &&
                   cast<RankedTensorType>(operand.getType()).getNumElements() !=
                       1)
            sliceConstant(part, operand, lo, hi, id);
          else
            whole(part, operand);
        }
      }
      Operation *clone = builder.clone(*op, part.mapping);
      clone->getResult(0).setType(
          withChannels(op->getResult(0).getType(), hi - lo));
    }
    // Yield each result that something outside the part reads.
    SmallVector<Value> outside;
    for (Operation *op : group.members) {
      Value result = op->getResult(0);
      if (llvm::any_of(result.getUsers(), [&](Operation *user) {
            auto it = groupOf.find(user);
            return it == groupOf.end() || it->second != g;
          }))
        outside.push_back(result);
    }
    SmallVector<Value> yielded;
    SmallVector<Type> types;
    for (Value v : outside) {
      yielded.push_back(part.mapping.lookup(v));
      types.push_back(yielded.back().getType());
    }
    builder.create<YieldOp>(group.layer->getLoc(), yielded);

    builder.setInsertionPoint(func.getBody().front().getTerminator());
    auto unit = builder.create<PartOp>(group.layer->getLoc(), types,
                                       builder.getStringAttr(id), StringAttr(),
                                       part.inputs, ArrayAttr());
    unit.getBody().push_back(block.release());
    setDevice(unit, cluster.devices[devices[j]]);
    for (auto [v, result] : llvm::zip(outside, unit.getResults()))
      sliceValues[{v, j}] = result;
  }

  /// The part on the coordinator that joins the slices of what the model
  /// returns, and computes what follows its last layer.
  void buildGather() {
    Operation *ret = func.getBody().front().getTerminator();
    auto block = std::make_unique<Block>();
    PartBuilder part(block.get());
    builder.setInsertionPointToEnd(block.get());
    SmallVector<Value> yielded;
    SmallVector<Type> types;
    for (Value v : ret->getOperands()) {
      yielded.push_back(whole(part, v));
      types.push_back(v.getType());
    }
    builder.create<YieldOp>(ret->getLoc(), yielded);
    builder.setInsertionPoint(ret);
    auto unit = builder.create<PartOp>(ret->getLoc(), types,
                                       builder.getStringAttr("gather"),
                                       StringAttr(), part.inputs, ArrayAttr());
    unit.getBody().push_back(block.release());
    setDevice(unit, cluster.devices[cluster.coordinator]);
    ret->setOperands(unit.getResults());
  }

  func::FuncOp func;
  const Cluster &cluster;
  SmallVector<size_t> devices;
  OpBuilder builder;
  SmallVector<Operation *> ops;
  SmallVector<Group> groups;
  DenseMap<Operation *, size_t> groupOf;
  /// The group whose parts hold each sliced value's slices.
  DenseMap<Value, size_t> sliced;
  /// The function-level value of slice j of each sliced value that
  /// something outside its part reads.
  DenseMap<std::pair<Value, size_t>, Value> sliceValues;
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct PlacePass : public lcp::impl::PlaceBase<PlacePass> {
  using PlaceBase::PlaceBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (cluster.empty()) {
      module.emitError() << "--lcp-place needs cluster=NAME|FILE (presets: "
                         << llvm::join(clusterPresetNames(), ", ") << ")";
      return signalPassFailure();
    }
    llvm::Expected<Cluster> loaded = loadCluster(cluster);
    if (!loaded) {
      module.emitError() << "--lcp-place: "
                         << llvm::toString(loaded.takeError());
      return signalPassFailure();
    }
    if (strategy != "branch" && strategy != "layer" && strategy != "channel") {
      module.emitError() << "--lcp-place: unknown strategy '" << strategy
                         << "' (expected branch, layer or channel)";
      return signalPassFailure();
    }
    for (func::FuncOp func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      LogicalResult placed = strategy == "branch" ? placeBranches(func, *loaded)
                             : strategy == "layer"
                                 ? placeLayers(func, *loaded)
                                 : ChannelPlacer(func, *loaded).run();
      if (failed(placed))
        return signalPassFailure();
      func->setAttr("lcp.placement", StringAttr::get(&getContext(), strategy));
    }
    std::string json;
    llvm::raw_string_ostream os(json);
    os << toJson(*loaded);
    module->setAttr("lcp.cluster", StringAttr::get(&getContext(), json));
  }
};

} // namespace
