//===- Schedule.h - Halide schedule plans as op attributes ------*- C++ -*-===//
//
// The schedule decisions of the Halide backend, planned by
// --lcp-plan-halide-schedule and printed by the emitter. They live on the
// ops as one dictionary attribute, `lcp.halide_schedule`, so lit tests see
// them and the emitter only reads them:
//
//   lcp.conv2d       {lanes = "columns", channel_block = 8, epilogue = 1}
//                    {lanes = "channels", vector_lanes = 4, vectors = 2,
//                     columns = 6, epilogue = 0}
//   lcp.max_pool2d,
//   lcp.avg_pool2d   {band_rows = 2}
//
// A convolution's `epilogue` counts the ops after it (each the only user of
// the value before) that its register tiles compute; a pool with
// `band_rows` computes the tiles it reads band by band.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_CODEGEN_HALIDE_SCHEDULE_H
#define LCP_CODEGEN_HALIDE_SCHEDULE_H

#include "dialect/LcpOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Support/LogicalResult.h"

#include <optional>

namespace lcp::halide {

/// The attribute that holds an op's plan.
constexpr llvm::StringLiteral kScheduleAttrName = "lcp.halide_schedule";

/// What the planner assumes of the target's vector unit when it picks tile
/// shapes. A wrong guess costs speed, never correctness: the generated code
/// asks Halide for the target's real vector width where it vectorizes.
struct VectorUnit {
  int64_t lanes = 8;      // f32 lanes per vector register
  int64_t registers = 16; // vector registers
};

/// How a convolution's output is computed in register tiles.
struct ConvSchedule {
  /// Lanes across output channels, with the weights stored output channels
  /// innermost; otherwise lanes across output columns.
  bool acrossChannels = false;
  /// With lanes across columns: output channels per tile.
  int64_t channelBlock = 1;
  /// With lanes across channels: the f32 lanes of a vector, the vectors of
  /// output channels per tile and the output columns per tile.
  int64_t vectorLanes = 1;
  int64_t channelVectors = 1;
  int64_t columns = 1;
  /// Ops after the convolution that its tiles compute.
  int64_t epilogue = 0;

  mlir::DictionaryAttr toAttr(mlir::MLIRContext *context) const;
  /// The plan of `op`, or a diagnostic on `op` if it has none or a
  /// malformed one.
  static mlir::FailureOr<ConvSchedule> read(Conv2DOp op);
};

/// A pool that computes the convolution tiles it reads in bands of rows.
struct PoolSchedule {
  int64_t bandRows = 2;

  /// Whether `op` is a pool that a plan can band (the 2-D pools).
  static bool appliesTo(mlir::Operation *op) {
    return op->hasTrait<OpFamily::Channelwise>() &&
           op->hasTrait<OpFamily::SlidingWindow>();
  }

  mlir::DictionaryAttr toAttr(mlir::MLIRContext *context) const;
  /// The plan of pool `op`: none if it has no attribute, failure (with a
  /// diagnostic) if the attribute is malformed.
  static mlir::FailureOr<std::optional<PoolSchedule>> read(mlir::Operation *op);
};

/// Whether `user`, the only user of `value`, can be computed in the
/// register tiles that compute `value`: a channel-by-channel elementwise op
/// of it, or a broadcast binary op whose result has its type (activations,
/// batch norm, a residual add, a scale).
bool isEpilogueStep(mlir::Value value, mlir::Operation *user);

} // namespace lcp::halide

#endif // LCP_CODEGEN_HALIDE_SCHEDULE_H
