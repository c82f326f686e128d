//===- ModelLoader.h - Loading models in any input format -------*- C++ -*-===//

#ifndef LCP_IMPORT_MODELLOADER_H
#define LCP_IMPORT_MODELLOADER_H

#include "import/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/CommandLine.h"

namespace lcp {

/// Prints diagnostics to stderr as "file: error: message" (with line and
/// column where the location has them). ONNX locations have no line, so
/// their messages name the node instead.
class DiagnosticPrinter {
public:
  explicit DiagnosticPrinter(mlir::MLIRContext *context);

private:
  mlir::ScopedDiagnosticHandler handler;
};

/// Loads a model from `path`: an ONNX model (imported), MLIR text or MLIR
/// bytecode, told apart by extension or content. Errors are printed to
/// stderr; returns null on failure.
mlir::OwningOpRef<mlir::ModuleOp> loadModel(llvm::StringRef path,
                                            mlir::MLIRContext *context,
                                            const OnnxImportOptions &options);

/// Registers the options of model loading that every lcp tool takes:
/// --onnx-batch and --max-model-bytes. Call before parsing the command line.
/// Returns their category, for tools that hide the others.
llvm::cl::OptionCategory &registerModelLoadCLOptions();

/// The import options given on the command line (defaults if the options
/// were not registered).
OnnxImportOptions modelLoadOptionsFromCL();

} // namespace lcp

#endif // LCP_IMPORT_MODELLOADER_H
