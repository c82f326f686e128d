//===- PlanHalideSchedule.cpp - Halide schedule decisions as attributes ---===//
//
// Every decision of the Halide schedule that depends on more than one op
// (how a convolution is tiled, which ops its tiles compute, which pool
// computes them) is made here and written on the ops; the emitter prints
// what it finds. See Passes.td for the rules.
//
//===----------------------------------------------------------------------===//

#include "codegen/halide/Passes.h"
#include "codegen/halide/Schedule.h"
#include "passes/Cost.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/MathExtras.h"

namespace lcp::halide {
#define GEN_PASS_DEF_PLANHALIDESCHEDULE
#include "codegen/halide/Passes.h.inc"
} // namespace lcp::halide

using namespace mlir;

namespace lcp::halide {
namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// Lanes go across output channels when the channels fill whole vectors and
/// the rows would not (columnLaneFill). The tile's results then reach memory
/// one lane at a time (NCHW keeps channels apart), which only a long enough
/// reduction pays for.
ConvSchedule planConvTiles(Conv2DOp op, const VectorUnit &vector) {
  ConvSchedule schedule;
  ArrayRef<int64_t> w = shapeOf(op.getWeight());
  ArrayRef<int64_t> out = shapeOf(op.getOutput());
  int64_t channels = out[1], width = out[3], lanes = vector.lanes;
  double rowFill = columnLaneFill(width, op.getStrides()[1], lanes);
  bool ownWeights = op.getWeight().hasOneUse() &&
                    isa_and_nonnull<ConstantOp>(op.getWeight().getDefiningOp());
  if (op.getGroups() != 1 || channels % lanes != 0 || !ownWeights ||
      w[1] * w[2] * w[3] < 64 || rowFill >= 0.75) {
    // One input vector feeds a block of output channels, each with a
    // broadcast weight.
    schedule.channelBlock = channels % 8 == 0   ? 8
                            : channels % 4 == 0 ? 4
                            : channels % 2 == 0 ? 2
                                                : 1;
    return schedule;
  }
  schedule.acrossChannels = true;
  schedule.vectorLanes = lanes;
  // Choose the tile that keeps the most useful accumulators in registers
  // (all but the weight vectors and two spares), then the one that computes
  // fewest columns past the row's end, then the widest in channels.
  int64_t vectors = channels / lanes;
  double best = 0;
  int64_t bestWaste = 0;
  for (int64_t cv = 1; cv <= std::min<int64_t>(vectors, 4); ++cv) {
    int64_t most = (vector.registers - cv - 2) / cv;
    if (vectors % cv != 0 || most < 1)
      continue;
    int64_t tiles = llvm::divideCeil(width, std::min(width, most));
    int64_t columns = llvm::divideCeil(width, tiles);
    double useful = double(cv * width) / double(tiles);
    int64_t waste = tiles * columns - width;
    if (useful > best || (useful == best && waste <= bestWaste)) {
      best = useful;
      bestWaste = waste;
      schedule.channelVectors = cv;
      schedule.columns = columns;
    }
  }
  return schedule;
}

/// Whether `pool` may compute the tiles it reads band by band: its windows
/// do not overlap, so no tile is computed twice.
bool canComputeTilesInBands(Operation *pool) {
  ArrayRef<int64_t> kernel, strides;
  if (auto max = dyn_cast<MaxPool2DOp>(pool)) {
    if (llvm::any_of(max.getDilations(), [](int64_t d) { return d != 1; }))
      return false;
    kernel = max.getKernel(), strides = max.getStrides();
  } else if (auto avg = dyn_cast<AvgPool2DOp>(pool)) {
    kernel = avg.getKernel(), strides = avg.getStrides();
  } else {
    return false;
  }
  return kernel[0] <= strides[0] && kernel[1] <= strides[1];
}

/// Plans the convolutions of one unit body (or any block) and the pools
/// that read them.
void planBlock(Block &block, const VectorUnit &vector) {
  SmallVector<Conv2DOp> convs(block.getOps<Conv2DOp>());
  if (convs.empty())
    return;
  MLIRContext *context = block.getParentOp()->getContext();
  for (Operation &op : block)
    if (PoolSchedule::appliesTo(&op))
      op.removeAttr(kScheduleAttrName);
  llvm::DenseMap<Operation *, ConvSchedule> schedules;
  for (Conv2DOp conv : convs)
    schedules[conv] = planConvTiles(conv, vector);
  // Two convolutions can meet in one epilogue (a residual add of a block
  // and its projected shortcut): the later one computes it, and the other
  // is stored first.
  llvm::DenseSet<Value> claimed;
  llvm::DenseMap<Operation *, Value> tiles;
  for (Conv2DOp conv : llvm::reverse(convs)) {
    Value end = conv.getOutput();
    int64_t steps = 0;
    while (end.hasOneUse() && isEpilogueStep(end, *end.getUsers().begin())) {
      end = end.getUsers().begin()->getResult(0);
      ++steps;
    }
    if (steps && claimed.insert(end).second) {
      schedules[conv].epilogue = steps;
      tiles[conv] = end;
    } else {
      tiles[conv] = conv.getOutput();
    }
  }
  for (Conv2DOp conv : convs) {
    conv->setAttr(kScheduleAttrName, schedules[conv].toAttr(context));
    Value stored = tiles[conv];
    if (stored.hasOneUse() &&
        canComputeTilesInBands(*stored.getUsers().begin()))
      stored.getUsers().begin()->setAttr(kScheduleAttrName,
                                         PoolSchedule().toAttr(context));
  }
}

struct PlanHalideSchedulePass
    : impl::PlanHalideScheduleBase<PlanHalideSchedulePass> {
  using Base::Base;

  void runOnOperation() override {
    if (lanes < 1 || registers < 1) {
      getOperation().emitError()
          << "--lcp-plan-halide-schedule needs lanes >= 1 and registers >= 1";
      return signalPassFailure();
    }
    VectorUnit vector{lanes, registers};
    getOperation().walk([&](Block *block) { planBlock(*block, vector); });
  }
};

} // namespace
} // namespace lcp::halide
