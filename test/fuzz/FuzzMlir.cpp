//===- FuzzMlir.cpp - MLIR text through lcp's parsers and verifiers -------===//
//
// Any text is a candidate module. What parses (and so verifies: the parser
// runs the verifiers) must print and parse again: a printed form that its
// own parser rejects is a finding, as is a crash or a sanitizer report.
// MLIR bytecode is upstream's reader and is left out (docs/Security.md).
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"
#include "PeakMemoryGuard.h"
#include "import/MlirTextLimits.h"

#include "mlir/Bytecode/BytecodeReader.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static lcp::FuzzContext contexts;
  lcp::PeakMemoryGuard memory;
  // MLIR's lexer relies on the null terminator that a file read by
  // MemoryBuffer has; a std::string keeps one after its bytes.
  std::string text(reinterpret_cast<const char *>(data), size);
  llvm::MemoryBufferRef buffer(text, "fuzz.mlir");
  if (mlir::isBytecode(buffer))
    return 0;
  // lcp's readers refuse deeper text before parsing, as the fuzzer does.
  if (llvm::Error error = lcp::checkMlirTextLimits(buffer)) {
    llvm::consumeError(std::move(error));
    return 0;
  }
  mlir::MLIRContext &context = contexts.next();
  mlir::ParserConfig config(&context);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, config, "fuzz.mlir");
  if (!module)
    return 0;
  std::string printed;
  llvm::raw_string_ostream os(printed);
  module->print(os);
  if (!mlir::parseSourceString<mlir::ModuleOp>(printed, config, "printed")) {
    llvm::errs() << "the printed module does not parse:\n" << printed;
    std::abort();
  }
  return 0;
}
