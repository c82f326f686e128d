//===- ModelLoader.cpp - Loading models in any input format ---------------===//

#include "import/ModelLoader.h"
#include "dialect/LcpDialect.h"
#include "import/TextNesting.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace lcp {

static LogicalResult printDiagnostic(Diagnostic &diag) {
  llvm::raw_ostream &os = llvm::errs();
  Location loc = diag.getLocation();
  if (auto name = dyn_cast<NameLoc>(loc))
    loc = name.getChildLoc();
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().getValue();
    if (file.getLine())
      os << ":" << file.getLine() << ":" << file.getColumn();
    os << ": ";
  }
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    os << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    os << "warning: ";
    break;
  case DiagnosticSeverity::Note:
    os << "note: ";
    break;
  case DiagnosticSeverity::Remark:
    os << "remark: ";
    break;
  }
  os << diag << "\n";
  for (Diagnostic &note : diag.getNotes())
    (void)printDiagnostic(note);
  return success();
}

DiagnosticPrinter::DiagnosticPrinter(MLIRContext *context)
    : handler(context, printDiagnostic) {}

OwningOpRef<ModuleOp> loadModel(StringRef path, MLIRContext *context,
                                const OnnxImportOptions &options) {
  context->loadDialect<LcpDialect, func::FuncDialect>();
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> file =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false);
  if (!file) {
    llvm::errs() << path << ": error: " << file.getError().message() << "\n";
    return nullptr;
  }
  if (isOnnxModel(path, (*file)->getBuffer())) {
    DiagnosticPrinter printer(context);
    return importOnnxModel((*file)->getBuffer(), path, context, options);
  }
  if (llvm::Error error = checkMlirTextNesting(**file)) {
    llvm::errs() << llvm::toString(std::move(error)) << "\n";
    return nullptr;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, context);
  return parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(context));
}

} // namespace lcp
