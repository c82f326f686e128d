//===- lcp-opt.cpp - The lcp optimizer driver -----------------------------===//
//
// mlir-opt for lcp: takes .mlir, .mlirbc or .onnx input. An ONNX model is
// imported first and handed to MlirOptMain as bytecode, so every mlir-opt
// flag (-o, --pass-pipeline, -split-input-file, -verify-diagnostics, ...)
// keeps working.
//
//===----------------------------------------------------------------------===//

#include "codegen/halide/Passes.h"
#include "dialect/LcpDialect.h"
#include "import/ModelLoader.h"
#include "import/MlirTextLimits.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  DialectRegistry registry;
  registry
      .insert<lcp::LcpDialect, func::FuncDialect, quant::QuantizationDialect>();
  lcp::registerLCPPasses();
  lcp::halide::registerHalidePasses();
  mlir::registerCanonicalizerPass();
  mlir::registerCSEPass();
  lcp::registerModelLoadCLOptions();

  auto [inputFilename, outputFilename] =
      registerAndParseCLIOptions(argc, argv, "lcp optimizer driver", registry);
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  // An output named .mlirbc gets bytecode, as its name says.
  if (llvm::StringRef(outputFilename).ends_with(".mlirbc"))
    config.emitBytecode(true);

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> input =
      openInputFile(inputFilename, &errorMessage);
  if (!input) {
    llvm::errs() << inputFilename << ": error: " << errorMessage << "\n";
    return 1;
  }

  if (lcp::isOnnxModel(inputFilename, input->getBuffer())) {
    input = lcp::importOnnxToBytecode(*input, inputFilename, registry,
                                      lcp::modelLoadOptionsFromCL());
    if (!input)
      return 1;
  } else if (llvm::Error error = lcp::checkMlirTextLimits(*input)) {
    llvm::errs() << llvm::toString(std::move(error)) << "\n";
    return 1;
  }

  // Results go to a string first and reach the output file in one atomic
  // rename, so a failing run never leaves a half-written file behind.
  std::string result;
  llvm::raw_string_ostream resultStream(result);
  if (failed(MlirOptMain(resultStream, std::move(input), registry, config)))
    return 1;
  if (llvm::Error error =
          llvm::writeToOutput(outputFilename, [&](llvm::raw_ostream &os) {
            os << result;
            return llvm::Error::success();
          })) {
    llvm::errs() << outputFilename
                 << ": error: " << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  return 0;
}
