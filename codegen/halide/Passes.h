//===- Passes.h - Halide backend passes -------------------------*- C++ -*-===//

#ifndef LCP_CODEGEN_HALIDE_PASSES_H
#define LCP_CODEGEN_HALIDE_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace lcp::halide {

#define GEN_PASS_DECL
#include "codegen/halide/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/halide/Passes.h.inc"

} // namespace lcp::halide

#endif // LCP_CODEGEN_HALIDE_PASSES_H
