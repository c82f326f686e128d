//===- PackageWriter.h - Compiling a model into a package -------*- C++ -*-===//
//
// lcp-compile's back half: from a module whose entry function is made of
// units (branches and the merge, or one unsplit function) to a package
// folder (docs/Package.md). The writer emits every unit with the target's
// emitter, writes manifest.json and weights.safetensors, asks the target for
// the rest (compiled code, for the cpu targets cpu/libmodel.a and .so), and
// moves the folder into place atomically.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_CODEGEN_PACKAGE_PACKAGEWRITER_H
#define LCP_CODEGEN_PACKAGE_PACKAGEWRITER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace lcp {

class Target;

struct PackageOptions {
  /// What the units are compiled for (targets/Target.h).
  const Target *target = nullptr;
  std::string outputDir;
  std::string modelName;
  /// Parallel jobs for generator builds and runs.
  unsigned jobs = 2;
  /// Progress lines (one per stage and unit, with times) go here; null to
  /// stay quiet.
  llvm::raw_ostream *progress = nullptr;
  /// Write only the emitted sources (one per unit) to this stream.
  llvm::raw_ostream *generatorsOnly = nullptr;
};

/// Compiles `module` into a package at `options.outputDir`, written
/// atomically: it appears complete or not at all. An existing folder is
/// replaced only if it is a package. Errors go to the module's diagnostics.
mlir::LogicalResult writePackage(mlir::ModuleOp module,
                                 const PackageOptions &options);

} // namespace lcp

#endif // LCP_CODEGEN_PACKAGE_PACKAGEWRITER_H
