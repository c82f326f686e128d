//===- UnitSignature.h - What a unit's compiled code takes ------*- C++ -*-===//
//
// The backend-neutral calling convention of one compiled unit: its
// function's name and arguments, activations first, then weights, then
// outputs. Every emitter (Halide for CPUs today; HLS C++ and netlists
// later) describes its units this way, and the package writer stores the
// weights and the manifest from it alone.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_CODEGEN_COMMON_UNITSIGNATURE_H
#define LCP_CODEGEN_COMMON_UNITSIGNATURE_H

#include "support/HostTensor.h"

#include "mlir/IR/Operation.h"

#include <string>
#include <vector>

namespace lcp {

/// One argument of a unit's function.
struct UnitArgument {
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

struct UnitSignature {
  /// The name of the unit's function in the compiled code, e.g.
  /// "lcp_unit_b0".
  std::string function;
  std::vector<UnitArgument> args;

  /// The arguments of one kind, in order.
  std::vector<const UnitArgument *> argsOfKind(UnitArgument::Kind kind) const {
    std::vector<const UnitArgument *> result;
    for (const UnitArgument &arg : args)
      if (arg.kind == kind)
        result.push_back(&arg);
    return result;
  }
};

} // namespace lcp

#endif // LCP_CODEGEN_COMMON_UNITSIGNATURE_H
