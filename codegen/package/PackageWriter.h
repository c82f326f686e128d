//===- PackageWriter.h - Compiling a model into a package -------*- C++ -*-===//
//
// lcp-compile's back half: from a module whose entry function is made of
// units (branches and the merge, or one unsplit function) to a package
// folder (docs/Package.md): manifest.json, weights.safetensors and, for the
// cpu targets, the units compiled by Halide into static libraries, headers,
// cpu/libmodel.a and cpu/libmodel.so.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_CODEGEN_PACKAGE_PACKAGEWRITER_H
#define LCP_CODEGEN_PACKAGE_PACKAGEWRITER_H

#include "codegen/halide/HalideEmitter.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace lcp {

/// A compilation target: what lcp-compile builds the units for.
struct TargetInfo {
  std::string name;         // "cpu:host", "cpu:rpi3", "cpu:arm64"
  std::string halideTarget; // "host", "arm-32-linux", "arm-64-linux"
  std::string cc;           // the C compiler for glue and linking
  std::string ar;
  /// The vector unit tiles are shaped for.
  halide::VectorUnit vector;
};

/// The known targets by name; fails with a message listing them.
bool lookupTarget(llvm::StringRef name, TargetInfo &target, std::string &error);

struct PackageOptions {
  TargetInfo target;
  std::string outputDir;
  std::string modelName;
  /// Parallel jobs for generator builds and runs.
  unsigned jobs = 2;
  /// Progress lines (one per stage and unit, with times) go here; null to
  /// stay quiet.
  llvm::raw_ostream *progress = nullptr;
  /// Write only the generator sources (one per unit) to this stream.
  llvm::raw_ostream *generatorsOnly = nullptr;
};

/// Compiles `module` into a package at `options.outputDir`, written
/// atomically: it appears complete or not at all. An existing folder is
/// replaced only if it is a package. Errors go to the module's diagnostics.
mlir::LogicalResult writePackage(mlir::ModuleOp module,
                                 const PackageOptions &options);

} // namespace lcp

#endif // LCP_CODEGEN_PACKAGE_PACKAGEWRITER_H
