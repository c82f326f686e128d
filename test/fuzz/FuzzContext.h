//===- FuzzContext.h - An MLIR context for fuzz targets ---------*- C++ -*-===//
//
// The fuzz targets that read into MLIR (ONNX bytes, MLIR text) share this:
// a context with the dialects lcp reads, and a diagnostic handler that
// keeps the reader's errors quiet (bad input is the point) but turns an
// "internal error" into a crash, since that is lcp breaking its own
// promise (for example, an imported module that does not verify).
//
//===----------------------------------------------------------------------===//

#ifndef LCP_TEST_FUZZ_FUZZCONTEXT_H
#define LCP_TEST_FUZZ_FUZZCONTEXT_H

#include "dialect/LcpDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace lcp {

class FuzzContext {
public:
  /// The context for the next input. A context keeps every type, attribute
  /// and weight blob it has seen, so it is replaced every 64 inputs;
  /// otherwise a long run would grow without bound and look like a leak.
  mlir::MLIRContext &next() {
    if (!context || ++uses > kRecycleEvery) {
      handler.reset();
      context.reset();
      mlir::DialectRegistry registry;
      registry.insert<LcpDialect, mlir::func::FuncDialect,
                      mlir::quant::QuantizationDialect>();
      // libFuzzer runs one input at a time; threads would only add noise.
      context = std::make_unique<mlir::MLIRContext>(
          registry, mlir::MLIRContext::Threading::DISABLED);
      context->loadAllAvailableDialects();
      handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
          context.get(), [](mlir::Diagnostic &diag) {
            std::string message = diag.str();
            // lcp words its own invariant failures "internal error: ...";
            // the phrase elsewhere in a message may be the input's text.
            if (llvm::StringRef(message).starts_with("internal error:")) {
              std::fprintf(stderr, "lcp internal error: %s\n", message.c_str());
              std::abort();
            }
            return mlir::success();
          });
      uses = 1;
    }
    return *context;
  }

private:
  static constexpr int kRecycleEvery = 64;
  std::unique_ptr<mlir::MLIRContext> context;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
  int uses = 0;
};

} // namespace lcp

#endif // LCP_TEST_FUZZ_FUZZCONTEXT_H
