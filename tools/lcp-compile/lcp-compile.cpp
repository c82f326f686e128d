//===- lcp-compile.cpp - Compile a model into a deployable package --------===//
//
//   lcp-compile MODEL --target=cpu[:host|:rpi3|:arm64] [passes] -o PKG/
//
// Loads the model (.onnx, .mlir, .mlirbc), runs the given passes (any
// lcp-opt pass flag, e.g. --lcp-split="branches=4"), outlines the LCP
// branches if that has not happened, fuses the branches' first layers into
// a stem (unless --fuse-stems=false), and writes the package.
//
//===----------------------------------------------------------------------===//

#include "codegen/package/PackageWriter.h"
#include "dialect/LcpDialect.h"
#include "dialect/LcpOps.h"
#include "dialect/ReferenceEvaluator.h"
#include "import/ModelLoader.h"
#include "passes/Passes.h"
#include "targets/InitAllTargets.h"
#include "targets/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("lcp-compile options");
static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model .onnx|.mlir|.mlirbc>"),
                                      cl::cat(category));
static cl::opt<std::string> outputDir("o",
                                      cl::desc("The package folder to write"),
                                      cl::value_desc("dir"), cl::cat(category));
static cl::opt<std::string>
    targetName("target",
               cl::desc("The target to compile for (default cpu:host; "
                        "--help lists the targets)"),
               cl::init("cpu:host"), cl::cat(category));
static cl::opt<unsigned> jobs("j",
                              cl::desc("Parallel generator builds (default 2)"),
                              cl::init(2), cl::cat(category));
static cl::opt<bool> quiet("q", cl::desc("No progress lines"),
                           cl::cat(category));
static cl::opt<std::string>
    emit("emit",
         cl::desc("package (default), or generators: print the Halide "
                  "generator source of every unit and stop"),
         cl::init("package"), cl::cat(category));
static cl::opt<bool> fuseStems(
    "fuse-stems",
    cl::desc("Fuse the layers every branch begins with into one stem "
             "(lcp-fuse-stems; default on: a cpu package runs on one device)"),
    cl::init(true), cl::cat(category));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  lcp::registerLCPPasses();
  lcp::registerAllTargets();
  PassPipelineCLParser passes("", "Passes to run before code generation");
  std::string overview =
      "lcp-compile: compile a model into a deployable package\n\nTargets:\n" +
      lcp::describeTargets();
  lcp::registerModelLoadCLOptions();
  cl::ParseCommandLineOptions(argc, argv, overview);

  std::string error;
  const lcp::Target *target = lcp::lookupTarget(targetName, error);
  if (!target) {
    llvm::errs() << "lcp-compile: error: " << error;
    return 1;
  }
  bool generatorsOnly = emit == "generators";
  if (!generatorsOnly && emit != "package") {
    llvm::errs() << "lcp-compile: error: --emit must be package or "
                    "generators, not '"
                 << emit << "'\n";
    return 1;
  }
  if (!generatorsOnly && outputDir.empty()) {
    llvm::errs() << "lcp-compile: error: give the package folder with -o\n";
    return 1;
  }

  DialectRegistry registry;
  registry.insert<lcp::LcpDialect, func::FuncDialect>();
  MLIRContext context(registry);
  lcp::OnnxImportOptions importOptions = lcp::modelLoadOptionsFromCL();
  auto start = std::chrono::steady_clock::now();
  OwningOpRef<ModuleOp> module =
      lcp::loadModel(modelPath, &context, importOptions);
  if (!module)
    return 1;
  lcp::DiagnosticPrinter printer(&context);
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  if (!quiet)
    llvm::errs() << llvm::formatv("lcp-compile: {0,-9} {1,-12} {2,7:f2} s\n",
                                  "import", llvm::sys::path::stem(modelPath),
                                  elapsed());

  // The user's passes, then outlining if the model has no units yet.
  // Function passes given on the command line nest under the module.
  PassManager pm(&context, ModuleOp::getOperationName(),
                 OpPassManager::Nesting::Implicit);
  auto errorHandler = [&](const Twine &message) {
    return emitError(UnknownLoc::get(&context)) << message;
  };
  if (failed(passes.addToPipeline(pm, errorHandler)) || failed(pm.run(*module)))
    return 1;
  func::FuncOp entry = lcp::getEntryFunction(*module);
  if (!entry)
    return 1;
  PassManager structure(&context);
  if (entry.getOps<lcp::BranchOp>().empty())
    structure.addNestedPass<func::FuncOp>(lcp::createOutlineBranches());
  lcp::TargetOptions targetOptions;
  targetOptions.fuseStems = fuseStems;
  target->buildPreEmissionPipeline(structure, targetOptions);
  {
    // Their remarks (what they did, or why not) go to stderr unless quiet.
    std::optional<ScopedDiagnosticHandler> silence;
    if (quiet)
      silence.emplace(&context, [](Diagnostic &d) {
        return success(d.getSeverity() == DiagnosticSeverity::Remark);
      });
    if (failed(structure.run(*module)))
      return 1;
  }
  if (!quiet)
    llvm::errs() << llvm::formatv("lcp-compile: {0,-9} {1,-12} {2,7:f2} s\n",
                                  "passes", "", elapsed());

  lcp::PackageOptions options;
  options.target = target;
  options.outputDir = outputDir;
  options.modelName = llvm::sys::path::stem(modelPath).str();
  options.jobs = jobs;
  options.progress = quiet ? nullptr : &llvm::errs();
  options.generatorsOnly = generatorsOnly ? &llvm::outs() : nullptr;
  if (failed(lcp::writePackage(*module, options)))
    return 1;
  return 0;
}
