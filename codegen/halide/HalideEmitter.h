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

#include "mlir/IR/Operation.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace lcp::halide {

/// One argument of a generated pipeline, in the order the pipeline takes
/// them: activations first, then weights, then outputs.
struct PipelineArg {
  enum class Kind { Input, Weight, Output };
  Kind kind;
  std::string name;
  std::vector<int64_t> shape;
  /// For weights: the constant op that holds the values.
  mlir::Operation *constant = nullptr;
};

struct GeneratorInfo {
  /// The name the generator is registered under and the name of the
  /// generated function, e.g. "lcp_b0".
  std::string name;
  std::vector<PipelineArg> args;
};

/// Emits the generator of `unit` (an lcp.branch, lcp.merge or func.func
/// with lcp compute ops), registered as `name`. Fails with a diagnostic on
/// the first op it cannot emit.
mlir::LogicalResult emitGenerator(mlir::Operation *unit, llvm::StringRef name,
                                  llvm::raw_ostream &os, GeneratorInfo &info);

} // namespace lcp::halide

#endif // LCP_CODEGEN_HALIDE_HALIDEEMITTER_H
