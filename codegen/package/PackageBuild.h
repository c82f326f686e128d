//===- PackageBuild.h - A package while it is being built -------*- C++ -*-===//
//
// What the package writer hands a target (targets/Target.h) so that it can
// turn emitted units into artifacts: the units with their sources and
// signatures, a scratch folder that becomes the package when everything
// succeeds, and the means to run external tools in parallel with their
// output kept for error messages.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_CODEGEN_PACKAGE_PACKAGEBUILD_H
#define LCP_CODEGEN_PACKAGE_PACKAGEBUILD_H

#include "codegen/common/UnitSignature.h"
#include "dialect/UnitGraph.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <mutex>
#include <string>
#include <vector>

namespace lcp {

/// One unit with the code its target emitted for it.
struct EmittedUnit {
  const Unit *unit;
  std::string source;
  UnitSignature signature;
  /// Whether this unit's code is built; the others share the code of their
  /// representative (same IR but for weights) and call its function.
  bool representative = true;
};

class PackageBuild {
public:
  PackageBuild(mlir::Location loc, std::string modelName, std::string dir,
               unsigned jobs, llvm::raw_ostream *progress)
      : loc(loc), modelName(std::move(modelName)), dir(std::move(dir)),
        jobs(jobs), progressStream(progress) {}

  llvm::StringRef getModelName() const { return modelName; }
  /// The folder being built; it becomes the package. Files under "gen/"
  /// are scratch, removed before it does.
  llvm::StringRef getDirectory() const { return dir; }
  std::vector<EmittedUnit> &getUnits() { return units; }

  /// An error about the package as a whole.
  mlir::InFlightDiagnostic error() { return mlir::emitError(loc); }
  /// A progress line (stage, what, seconds), if progress was asked for.
  void progress(llvm::StringRef stage, llvm::StringRef what, double seconds);

  /// Writes `contents` to `relative` inside the folder.
  mlir::LogicalResult writeFile(llvm::StringRef relative,
                                llvm::StringRef contents);
  /// Runs `argv` (a program on PATH or a path), its output going to
  /// gen/<what>.log; on failure remembers the command and its output for
  /// `getFirstFailure`.
  mlir::LogicalResult runCommand(llvm::ArrayRef<std::string> argv,
                                 llvm::StringRef what);
  /// Runs `count` jobs on the build's threads; on failure reports
  /// "<what> " followed by the first failing command.
  mlir::LogicalResult
  parallel(size_t count, llvm::function_ref<mlir::LogicalResult(size_t)> job,
           llvm::StringRef what);
  /// The first command that failed, with its output.
  llvm::StringRef getFirstFailure() const { return firstFailure; }

private:
  mlir::Location loc;
  std::string modelName, dir;
  unsigned jobs;
  llvm::raw_ostream *progressStream;
  std::vector<EmittedUnit> units;
  std::mutex progressLock, errorLock;
  std::string firstFailure;
};

} // namespace lcp

#endif // LCP_CODEGEN_PACKAGE_PACKAGEBUILD_H
