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

#include "runtime/HostTensor.h"

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
  /// For weights stored in another layout than the constant's: dimension i
  /// of the stored tensor (whose shape is `shape`) is dimension
  /// `permutation[i]` of the constant. Empty when stored as is.
  std::vector<int64_t> permutation;
  /// The buffer's element type: f32, or the storage of a quantized tensor
  /// (i8, i16, i32).
  ElementType type = ElementType::F32;
  /// For weights the emitter computes itself (the requantize multipliers of
  /// integer layers) there is no constant: their values, row-major in
  /// `shape`, of element type `type`.
  std::vector<int64_t> values;
};

/// What the emitter assumes of the target's vector unit when it picks tile
/// shapes. A wrong guess costs speed, never correctness: the generated code
/// asks Halide for the target's real vector width where it vectorizes.
struct VectorUnit {
  int64_t lanes = 8;      // f32 lanes per vector register
  int64_t registers = 16; // vector registers
};

struct GeneratorInfo {
  /// The name the generator is registered under and the name of the
  /// generated function, e.g. "lcp_b0".
  std::string name;
  std::vector<PipelineArg> args;
};

/// Emits the generator of `unit` (an lcp.branch, lcp.merge or func.func
/// with lcp compute ops), registered as `name`, with tiles shaped for
/// `vector`. Fails with a diagnostic on the first op it cannot emit.
mlir::LogicalResult emitGenerator(mlir::Operation *unit, llvm::StringRef name,
                                  const VectorUnit &vector,
                                  llvm::raw_ostream &os, GeneratorInfo &info);

} // namespace lcp::halide

#endif // LCP_CODEGEN_HALIDE_HALIDEEMITTER_H
