//===- ModelLoader.cpp - Loading models in any input format ---------------===//

#include "import/ModelLoader.h"
#include "dialect/LcpDialect.h"
#include "import/ModelMemory.h"
#include "import/MlirTextLimits.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/ManagedStatic.h"
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
  if (llvm::Error error = checkMlirTextLimits(**file)) {
    llvm::errs() << llvm::toString(std::move(error)) << "\n";
    return nullptr;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, context);
  OwningOpRef<ModuleOp> module =
      parseSourceFile<ModuleOp>(sourceMgr, ParserConfig(context));
  if (module && failed(checkModelMemory(*module, options.maxModelBytes)))
    return nullptr;
  return module;
}

namespace {
/// Reads --max-model-bytes as a byte size with an optional K/M/G/T suffix.
struct ByteSizeParser : llvm::cl::parser<unsigned long long> {
  using parser::parser;
  bool parse(llvm::cl::Option &option, StringRef, StringRef arg,
             unsigned long long &value) {
    std::optional<uint64_t> bytes = parseByteSize(arg);
    if (!bytes)
      return option.error("'" + arg +
                          "' is not a byte size (digits with an optional "
                          "K, M, G or T suffix)");
    value = *bytes;
    return false;
  }
  StringRef getValueName() const override { return "bytes"; }
};

struct ModelLoadCLOptions {
  llvm::cl::OptionCategory category{"lcp model loading options"};
  llvm::cl::opt<int64_t> batchSize{
      "onnx-batch",
      llvm::cl::desc("Value bound to a dynamic batch dimension of an ONNX "
                     "model's inputs (default 1)"),
      llvm::cl::init(1), llvm::cl::cat(category)};
  llvm::cl::opt<unsigned long long, false, ByteSizeParser> maxModelBytes{
      "max-model-bytes",
      llvm::cl::desc("Refuse a model whose weights and values need more "
                     "memory than this, e.g. 8G (default 4G)"),
      llvm::cl::init(kDefaultMaxModelBytes), llvm::cl::cat(category)};
};
} // namespace

static llvm::ManagedStatic<ModelLoadCLOptions> clOptions;

llvm::cl::OptionCategory &registerModelLoadCLOptions() {
  return clOptions->category;
}

OnnxImportOptions modelLoadOptionsFromCL() {
  OnnxImportOptions options;
  if (!clOptions.isConstructed())
    return options;
  options.batchSize = clOptions->batchSize;
  options.maxModelBytes = clOptions->maxModelBytes;
  return options;
}

} // namespace lcp
