//===- HalideEmitter.h - lcp units as Halide generators ---------*- C++ -*-===//
//
// Emits the C++ source of one Halide generator per unit (a branch, the
// merge, or a whole unsplit function). Weights are not baked into the code:
// every constant becomes an `Input` buffer that the runtime binds from the
// package's weights file, so a 500 MB model compiles to kilobytes of code.
//
// Tensors are NCHW and row-major; a Halide buffer lists dimensions
// innermost first, so tensor dimension i is Halide dimension (rank-1-i).
//
//===----------------------------------------------------------------------===//

#ifndef LCP_CODEGEN_HALIDE_HALIDEEMITTER_H
#define LCP_CODEGEN_HALIDE_HALIDEEMITTER_H

#include "codegen/common/UnitSignature.h"

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace lcp::halide {

/// Emits the generator of `unit` (an op implementing UnitOpInterface),
/// registered as `name` (the generated function, e.g. "lcp_unit_b0"), with
/// the schedule planned on its ops (--lcp-plan-halide-schedule, see
/// Schedule.h), and describes the function's arguments in `signature`.
/// Fails with a diagnostic on the first op it cannot emit.
mlir::LogicalResult emitGenerator(mlir::Operation *unit, llvm::StringRef name,
                                  llvm::raw_ostream &os,
                                  UnitSignature &signature);

} // namespace lcp::halide

#endif // LCP_CODEGEN_HALIDE_HALIDEEMITTER_H
