//===- LcpVisitors.h - Dispatch on lcp compute ops and families -*- C++ -*-===//
//
// A visitor over the lcp compute ops, in the manner of CIRCT's HWVisitors.h:
// `dispatchComputeOpVisitor(op)` calls the concrete visitor's
// `visitOp(ConcreteOp)`. An op it has no overload for goes to its family
// (dialect/LcpTraits.td), so that a visitor handles "every op that keeps
// channels" in one place:
//
//   visitOp(XOp)  ->  visitKeepsChannelsOp | visitBroadcastBinaryOp
//                 ->  visitUnhandledOp
//
// and an op of another dialect goes to visitInvalidOp. A concrete visitor
// writes `using ComputeOpVisitor::visitOp;` beside its own overloads.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_DIALECT_LCPVISITORS_H
#define LCP_DIALECT_LCPVISITORS_H

#include "dialect/LcpOps.h"

#include "llvm/ADT/TypeSwitch.h"

namespace lcp {

template <typename ConcreteType, typename ResultType = void,
          typename... ExtraArgs>
class ComputeOpVisitor {
public:
  ResultType dispatchComputeOpVisitor(mlir::Operation *op, ExtraArgs... args) {
    auto *self = static_cast<ConcreteType *>(this);
    return llvm::TypeSwitch<mlir::Operation *, ResultType>(op)
        .template Case<
#define GET_OP_LIST
#include "dialect/LcpOps.cpp.inc"
            >([&](auto concrete) -> ResultType {
          return self->visitOp(concrete, args...);
        })
        .Default([&](mlir::Operation *other) -> ResultType {
          return self->visitInvalidOp(other, args...);
        });
  }

  /// An op without an overload of its own: by family.
  template <typename OpTy> ResultType visitOp(OpTy op, ExtraArgs... args) {
    auto *self = static_cast<ConcreteType *>(this);
    if constexpr (OpTy::template hasTrait<OpFamily::KeepsChannels>())
      return self->visitKeepsChannelsOp(op, args...);
    else if constexpr (OpTy::template hasTrait<OpFamily::BroadcastBinary>())
      return self->visitBroadcastBinaryOp(op, args...);
    else
      return self->visitUnhandledOp(op, args...);
  }

  ResultType visitKeepsChannelsOp(mlir::Operation *op, ExtraArgs... args) {
    return static_cast<ConcreteType *>(this)->visitUnhandledOp(op, args...);
  }
  ResultType visitBroadcastBinaryOp(mlir::Operation *op, ExtraArgs... args) {
    return static_cast<ConcreteType *>(this)->visitUnhandledOp(op, args...);
  }
  /// A compute op the visitor does not handle. By default nothing happens;
  /// visitors that must handle every op override this with an error.
  ResultType visitUnhandledOp(mlir::Operation *, ExtraArgs...) {
    return ResultType();
  }
  /// An op of another dialect.
  ResultType visitInvalidOp(mlir::Operation *op, ExtraArgs... args) {
    return static_cast<ConcreteType *>(this)->visitUnhandledOp(op, args...);
  }
};

} // namespace lcp

#endif // LCP_DIALECT_LCPVISITORS_H
