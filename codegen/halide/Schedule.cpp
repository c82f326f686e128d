//===- Schedule.cpp - Halide schedule plans as op attributes --------------===//

#include "codegen/halide/Schedule.h"
#include "dialect/LcpTraits.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace lcp::halide {
namespace {

/// Reads the positive (or, with `allowZero`, non-negative) integer field
/// `key` of `plan`, diagnosing on `op` if it is missing or out of range.
FailureOr<int64_t> readCount(Operation *op, DictionaryAttr plan, StringRef key,
                             bool allowZero = false) {
  auto value = plan.getAs<IntegerAttr>(key);
  if (!value || value.getInt() < (allowZero ? 0 : 1))
    return op->emitOpError()
           << "has a malformed '" << kScheduleAttrName << "': '" << key
           << "' must be an integer " << (allowZero ? ">= 0" : ">= 1");
  return value.getInt();
}

} // namespace

DictionaryAttr ConvSchedule::toAttr(MLIRContext *context) const {
  Builder b(context);
  SmallVector<NamedAttribute> fields;
  fields.push_back(b.getNamedAttr(
      "lanes", b.getStringAttr(acrossChannels ? "channels" : "columns")));
  if (acrossChannels) {
    fields.push_back(
        b.getNamedAttr("vector_lanes", b.getI64IntegerAttr(vectorLanes)));
    fields.push_back(
        b.getNamedAttr("vectors", b.getI64IntegerAttr(channelVectors)));
    fields.push_back(b.getNamedAttr("columns", b.getI64IntegerAttr(columns)));
  } else {
    fields.push_back(
        b.getNamedAttr("channel_block", b.getI64IntegerAttr(channelBlock)));
  }
  fields.push_back(b.getNamedAttr("epilogue", b.getI64IntegerAttr(epilogue)));
  return b.getDictionaryAttr(fields);
}

FailureOr<ConvSchedule> ConvSchedule::read(Conv2DOp op) {
  auto plan = op->getAttrOfType<DictionaryAttr>(kScheduleAttrName);
  if (!plan)
    return op.emitOpError()
           << "has no '" << kScheduleAttrName
           << "' (run --lcp-plan-halide-schedule first; the cpu targets' "
              "pipeline does)";
  ConvSchedule schedule;
  auto lanes = plan.getAs<StringAttr>("lanes");
  if (!lanes ||
      (lanes.getValue() != "columns" && lanes.getValue() != "channels"))
    return op.emitOpError() << "has a malformed '" << kScheduleAttrName
                            << "': 'lanes' must be \"columns\" or \"channels\"";
  schedule.acrossChannels = lanes.getValue() == "channels";
  auto count = [&](StringRef key, int64_t &field, bool allowZero = false) {
    FailureOr<int64_t> value = readCount(op, plan, key, allowZero);
    if (succeeded(value))
      field = *value;
    return value;
  };
  if (schedule.acrossChannels) {
    if (failed(count("vector_lanes", schedule.vectorLanes)) ||
        failed(count("vectors", schedule.channelVectors)) ||
        failed(count("columns", schedule.columns)))
      return failure();
    int64_t channels = cast<ShapedType>(op.getOutput().getType()).getDimSize(1);
    if (channels % (schedule.vectorLanes * schedule.channelVectors) != 0)
      return op.emitOpError()
             << "has a malformed '" << kScheduleAttrName << "': tiles of "
             << schedule.channelVectors << " x " << schedule.vectorLanes
             << " lanes do not divide its " << channels << " output channels";
    // The weights are stored in the tiles' layout, which no other reader
    // of them expects.
    if (!op.getWeight().hasOneUse() ||
        !isa_and_nonnull<ConstantOp>(op.getWeight().getDefiningOp()))
      return op.emitOpError()
             << "has lanes across channels in '" << kScheduleAttrName
             << "', which needs weights that are a constant of its own";
  } else if (failed(count("channel_block", schedule.channelBlock))) {
    return failure();
  }
  if (failed(count("epilogue", schedule.epilogue, /*allowZero=*/true)))
    return failure();
  return schedule;
}

DictionaryAttr PoolSchedule::toAttr(MLIRContext *context) const {
  Builder b(context);
  return b.getDictionaryAttr(
      {b.getNamedAttr("band_rows", b.getI64IntegerAttr(bandRows))});
}

FailureOr<std::optional<PoolSchedule>> PoolSchedule::read(Operation *op) {
  auto plan = op->getAttrOfType<DictionaryAttr>(kScheduleAttrName);
  if (!plan)
    return std::optional<PoolSchedule>();
  PoolSchedule schedule;
  FailureOr<int64_t> rows = readCount(op, plan, "band_rows");
  if (failed(rows))
    return failure();
  schedule.bandRows = *rows;
  return std::optional<PoolSchedule>(schedule);
}

bool isEpilogueStep(Value value, Operation *user) {
  bool unary = user->hasTrait<OpFamily::Channelwise>() &&
               user->hasTrait<OpFamily::Elementwise>() &&
               user->getOperand(0) == value;
  bool binary = user->hasTrait<OpFamily::BroadcastBinary>() &&
                user->getResult(0).getType() == value.getType();
  return unary || binary;
}

} // namespace lcp::halide
