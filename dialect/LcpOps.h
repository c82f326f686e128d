//===- LcpOps.h - Ops of the lcp dialect ------------------------*- C++ -*-===//

#ifndef LCP_DIALECT_LCPOPS_H
#define LCP_DIALECT_LCPOPS_H

#include "dialect/LcpDialect.h"
#include "dialect/LcpTraits.h"
#include "support/HostTensor.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialect/LcpInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialect/LcpOps.h.inc"

#endif // LCP_DIALECT_LCPOPS_H
