//===- ReferenceEvaluator.h - Running lcp IR on host tensors ----*- C++ -*-===//
//
// Interprets a model function (its branches, merge and compute ops) with
// the ops' reference semantics. This is the oracle of lcp: lcp-run, the
// conformance tests and every backend's numerical tests go through it.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_DIALECT_REFERENCEEVALUATOR_H
#define LCP_DIALECT_REFERENCEEVALUATOR_H

#include "support/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

namespace lcp {

/// Sees every value an evaluation computes: the function's arguments and
/// every op's results, inside units too (quantization calibrates on it).
using ValueObserver = llvm::function_ref<void(mlir::Value, const HostTensor &)>;

/// Evaluates `func` on `inputs`, which must match its argument types. Errors
/// (a shape mismatch, an op without reference semantics) are emitted as
/// diagnostics on the offending op or function.
mlir::FailureOr<llvm::SmallVector<HostTensor>>
evaluateFunction(mlir::func::FuncOp func, llvm::ArrayRef<HostTensor> inputs,
                 ValueObserver observe = nullptr);

/// The function a model module runs: `main` if present, else the only
/// public function. Emits an error and returns null if there is none.
mlir::func::FuncOp getEntryFunction(mlir::ModuleOp module);

} // namespace lcp

#endif // LCP_DIALECT_REFERENCEEVALUATOR_H
