//===- FuzzOnnx.cpp - ONNX bytes through import and verification ----------===//
//
// Any bytes are a candidate ModelProto. A clean error is a pass; a crash,
// a sanitizer report, a hang or an "internal error" (an imported module
// that does not verify) is a finding.
//
//===----------------------------------------------------------------------===//

#include "FuzzContext.h"
#include "import/OnnxImporter.h"

#include "mlir/IR/Verifier.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static lcp::FuzzContext contexts;
  mlir::MLIRContext &context = contexts.next();
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      lcp::importOnnxModel(bytes, "fuzz.onnx", &context, {});
  // The importer verifies what it built; check it independently too.
  if (module && failed(mlir::verify(*module)))
    std::abort();
  return 0;
}
