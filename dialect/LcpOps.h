//===- LcpOps.h - Ops of the lcp dialect ------------------------*- C++ -*-===//

#ifndef LCP_DIALECT_LCPOPS_H
#define LCP_DIALECT_LCPOPS_H

#include "dialect/LcpDialect.h"
#include "runtime/HostTensor.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialect/LcpInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialect/LcpOps.h.inc"

#include <optional>

namespace lcp {

/// What every unit op (lcp.branch, lcp.stem, lcp.merge) has: an id, the
/// device placement chose, and its kind as packages and reports name it.
struct UnitView {
  mlir::Operation *op;
  llvm::StringRef id;
  llvm::StringRef device; // empty when not placed
  llvm::StringRef kind;   // "branch", "stem" or "merge"
};

/// `op` as a unit, or nothing if it is not a unit op.
std::optional<UnitView> asUnit(mlir::Operation *op);

} // namespace lcp

#endif // LCP_DIALECT_LCPOPS_H
