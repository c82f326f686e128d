//===- lcp-run.cpp - Run a model with the reference evaluator -------------===//
//
//   lcp-run MODEL --input in.npy [--input ...] [--output out.npy ...]
//
// MODEL is .onnx, .mlir or .mlirbc. For a model whose batch is 1, inputs
// whose first dimension is N run as N samples one after another, and the
// outputs are stacked along that dimension.
//
//===----------------------------------------------------------------------===//

#include "dialect/LcpDialect.h"
#include "dialect/ReferenceEvaluator.h"
#include "import/ModelLoader.h"
#include "runtime/Compare.h"
#include "runtime/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory runCategory("lcp-run options");
static cl::opt<std::string> modelPath(cl::Positional, cl::Required,
                                      cl::desc("<model .onnx|.mlir|.mlirbc>"),
                                      cl::cat(runCategory));
static cl::list<std::string>
    inputPaths("input",
               cl::desc("An input as a .npy file, one per model input "
                        "in order"),
               cl::value_desc("file.npy"), cl::cat(runCategory));
static cl::list<std::string> outputPaths(
    "output",
    cl::desc("Where to write an output (.npy), one per model output in "
             "order; without any, outputs are printed"),
    cl::value_desc("file.npy"), cl::cat(runCategory));
static cl::list<std::string> expectPaths(
    "expect",
    cl::desc("Compare each output with a .npy file (|a - b| <= 1e-4 + "
             "1e-4 * |b|) and fail if any differs"),
    cl::value_desc("file.npy"), cl::cat(runCategory));
static cl::opt<int64_t> batchSize(
    "onnx-batch",
    cl::desc("Value bound to a dynamic batch dimension of an ONNX model"),
    cl::init(1), cl::cat(runCategory));

namespace {

/// How the given inputs map onto the model's: run once, or once per sample.
struct RunPlan {
  int64_t samples = 1;
  bool batched = false;
};

std::vector<int64_t> typeShape(Type type) {
  ArrayRef<int64_t> s = cast<ShapedType>(type).getShape();
  return std::vector<int64_t>(s.begin(), s.end());
}

bool planRun(func::FuncOp func, ArrayRef<lcp::HostTensor> inputs,
             RunPlan &plan) {
  for (auto [i, input, type] :
       llvm::enumerate(inputs, func.getArgumentTypes())) {
    std::vector<int64_t> expected = typeShape(type);
    if (input.shape == expected)
      continue;
    bool sampleShaped = !expected.empty() && expected[0] == 1 &&
                        input.shape.size() == expected.size() &&
                        std::equal(expected.begin() + 1, expected.end(),
                                   input.shape.begin() + 1);
    if (!sampleShaped) {
      llvm::errs() << inputPaths[i] << ": error: has shape "
                   << lcp::shapeToString(input.shape) << ", the model's input "
                   << i << " is " << lcp::shapeToString(expected)
                   << (expected.size() && expected[0] == 1
                           ? " (or Nx... for N samples)"
                           : "")
                   << "\n";
      return false;
    }
    if (plan.batched && plan.samples != input.shape[0]) {
      llvm::errs() << inputPaths[i] << ": error: has " << input.shape[0]
                   << " samples, an earlier input has " << plan.samples << "\n";
      return false;
    }
    plan.batched = true;
    plan.samples = input.shape[0];
  }
  if (plan.batched)
    for (auto [i, input] : llvm::enumerate(inputs))
      if (input.shape[0] != plan.samples) {
        llvm::errs() << inputPaths[i] << ": error: has " << input.shape[0]
                     << " samples, another input has " << plan.samples << "\n";
        return false;
      }
  return true;
}

/// Sample `k` of a batched tensor, as a batch of one.
lcp::HostTensor sliceSample(const lcp::HostTensor &t, int64_t k) {
  lcp::HostTensor sample;
  sample.shape = t.shape;
  sample.shape[0] = 1;
  int64_t size = sample.numElements();
  sample.f32.assign(t.f32.begin() + k * size, t.f32.begin() + (k + 1) * size);
  return sample;
}

void printTensor(llvm::raw_ostream &os, StringRef name,
                 const lcp::HostTensor &t) {
  os << name << ": shape " << lcp::shapeToString(t.shape) << "\n";
  int64_t row = t.shape.empty() ? 1 : t.shape.back();
  for (int64_t i = 0; i < t.numElements(); ++i) {
    os << (i % row ? " " : "  ") << llvm::format("%.6g", t.f32[i]);
    if ((i + 1) % row == 0)
      os << "\n";
  }
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(runCategory);
  cl::ParseCommandLineOptions(
      argc, argv, "lcp-run: evaluate a model with lcp's reference evaluator\n");

  DialectRegistry registry;
  registry
      .insert<lcp::LcpDialect, func::FuncDialect, quant::QuantizationDialect>();
  MLIRContext context(registry);
  lcp::OnnxImportOptions options;
  options.batchSize = batchSize;
  OwningOpRef<ModuleOp> module = lcp::loadModel(modelPath, &context, options);
  if (!module)
    return 1;

  lcp::DiagnosticPrinter printer(&context);
  func::FuncOp func = lcp::getEntryFunction(*module);
  if (!func)
    return 1;
  unsigned numInputs = func.getNumArguments();
  unsigned numOutputs = func.getNumResults();
  if (inputPaths.size() != numInputs) {
    llvm::errs() << modelPath << ": error: the model takes " << numInputs
                 << " input(s), " << inputPaths.size() << " --input given\n";
    return 1;
  }
  if (!expectPaths.empty() && expectPaths.size() != numOutputs) {
    llvm::errs() << modelPath << ": error: the model has " << numOutputs
                 << " output(s), " << expectPaths.size() << " --expect given\n";
    return 1;
  }
  if (!outputPaths.empty() && outputPaths.size() != numOutputs) {
    llvm::errs() << modelPath << ": error: the model has " << numOutputs
                 << " output(s), " << outputPaths.size() << " --output given\n";
    return 1;
  }

  std::vector<lcp::HostTensor> inputs(numInputs);
  for (unsigned i = 0; i < numInputs; ++i) {
    std::string error;
    if (!lcp::readNpy(inputPaths[i], inputs[i], error)) {
      llvm::errs() << inputPaths[i] << ": error: " << error << "\n";
      return 1;
    }
  }
  RunPlan plan;
  if (!planRun(func, inputs, plan))
    return 1;

  std::vector<lcp::HostTensor> outputs(numOutputs);
  for (int64_t k = 0; k < plan.samples; ++k) {
    SmallVector<lcp::HostTensor> sampleInputs;
    for (const lcp::HostTensor &input : inputs)
      sampleInputs.push_back(plan.batched ? sliceSample(input, k) : input);
    FailureOr<SmallVector<lcp::HostTensor>> results =
        lcp::evaluateFunction(func, sampleInputs);
    if (failed(results))
      return 1;
    for (unsigned j = 0; j < numOutputs; ++j) {
      lcp::HostTensor &result = (*results)[j];
      if (!plan.batched) {
        outputs[j] = std::move(result);
        continue;
      }
      if (result.shape.empty() || result.shape[0] != 1) {
        llvm::errs() << modelPath << ": error: output " << j << " has shape "
                     << lcp::shapeToString(result.shape)
                     << ", whose first dimension is not a batch of 1, so "
                        "samples cannot be stacked\n";
        return 1;
      }
      if (k == 0) {
        outputs[j].shape = result.shape;
        outputs[j].shape[0] = plan.samples;
        outputs[j].f32.reserve(result.f32.size() * plan.samples);
      }
      outputs[j].f32.insert(outputs[j].f32.end(), result.f32.begin(),
                            result.f32.end());
    }
  }

  bool allMatch = true;
  for (unsigned j = 0; j < expectPaths.size(); ++j) {
    lcp::HostTensor expected;
    std::string error;
    if (!lcp::readNpy(expectPaths[j], expected, error)) {
      llvm::errs() << expectPaths[j] << ": error: " << error << "\n";
      return 1;
    }
    if (!lcp::allClose(outputs[j], expected, lcp::Tolerance(), error)) {
      llvm::errs() << expectPaths[j] << ": error: output " << j
                   << " does not match: " << error << "\n";
      allMatch = false;
    } else {
      llvm::outs() << "output " << j << " matches " << expectPaths[j] << " ("
                   << outputs[j].numElements() << " elements)\n";
    }
  }

  for (unsigned j = 0; j < numOutputs; ++j) {
    if (outputPaths.empty()) {
      if (!expectPaths.empty())
        continue;
      printTensor(llvm::outs(), "output " + std::to_string(j), outputs[j]);
      continue;
    }
    std::string error;
    if (!lcp::writeNpy(outputPaths[j], outputs[j], error)) {
      llvm::errs() << outputPaths[j] << ": error: " << error << "\n";
      return 1;
    }
  }
  return allMatch ? 0 : 1;
}
