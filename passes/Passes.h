//===- Passes.h - lcp transformation passes ---------------------*- C++ -*-===//

#ifndef LCP_PASSES_PASSES_H
#define LCP_PASSES_PASSES_H

#include "dialect/LcpDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace lcp {

#define GEN_PASS_DECL
#include "passes/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Passes.h.inc"

} // namespace lcp

#endif // LCP_PASSES_PASSES_H
