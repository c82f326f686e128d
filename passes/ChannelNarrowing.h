//===- ChannelNarrowing.h - Keeping some channels of every layer -*- C++
//-*-===//
//
// The engine behind the splitter and structured pruning. Every value of a
// feature extractor carries its channels along dimension 1. Narrowing
// gives each such value a *channel map*: for each channel it keeps, the
// original channel it copies. Layers that choose a width (convolutions that
// are not grouped, dense layers) get their output map from a policy (a
// branch's share for the splitter, the filters with the largest L1 norm for
// pruning); everything else passes maps through or combines them (flatten,
// concat, residual add). Building then gathers each layer's weights along
// the maps of its output and input.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_PASSES_CHANNELNARROWING_H
#define LCP_PASSES_CHANNELNARROWING_H

#include "passes/Cost.h"

#include "dialect/LcpOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace lcp {

/// For each channel a narrowed value keeps, the original channel it copies.
using ChannelMap = llvm::SmallVector<int64_t>;

/// What narrowing a sequence of ops gives each of its values.
struct NarrowingPlan {
  llvm::DenseMap<mlir::Value, ChannelMap> maps;
  llvm::DenseMap<mlir::Value, mlir::RankedTensorType> types;
  /// Parameters and MACs of the narrowed layers.
  LayerCost cost;
  /// The widest narrowed layer.
  int64_t widestLayer = 0;

  /// Keeps every channel of `v`, a value the ops read from outside.
  void keepAll(mlir::Value v);
};

/// The output channels a width-choosing layer keeps: a convolution that is
/// not grouped, or a dense layer (whose input map is already planned).
using WidthPolicy =
    llvm::function_ref<mlir::FailureOr<ChannelMap>(mlir::Operation *layer)>;

/// Plans `ops` in order (constants are skipped); the values they read from
/// outside must be in `plan`. On an op it cannot narrow, fails with an
/// error on that op: "cannot be <verb>: ...".
mlir::LogicalResult planNarrowing(llvm::ArrayRef<mlir::Operation *> ops,
                                  NarrowingPlan &plan, WidthPolicy policy,
                                  llvm::StringRef verb);

/// Clones `ops` at `builder` as `plan` narrows them, with their weights
/// gathered along the maps into new constants named with `suffix`.
/// `mapping` maps the values the ops read from outside, and receives every
/// result. Constants are cloned with their users.
void buildNarrowed(mlir::OpBuilder &builder,
                   llvm::ArrayRef<mlir::Operation *> ops,
                   const NarrowingPlan &plan, mlir::IRMapping &mapping,
                   llvm::StringRef suffix);

/// The elements of `t` whose index along each listed axis is in that
/// axis's map.
HostTensor
gather(const HostTensor &t,
       llvm::ArrayRef<std::pair<int64_t, llvm::ArrayRef<int64_t>>> axes);

/// A new constant: `constant`'s value gathered along `axes`.
mlir::Value
gatherConstant(mlir::OpBuilder &builder, mlir::Location loc,
               mlir::Value constant,
               llvm::ArrayRef<std::pair<int64_t, llvm::ArrayRef<int64_t>>> axes,
               llvm::StringRef suffix);

} // namespace lcp

#endif // LCP_PASSES_CHANNELNARROWING_H
