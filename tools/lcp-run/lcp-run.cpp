//===- lcp-run.cpp - Run a model with the reference evaluator -------------===//
//
//   lcp-run MODEL --input in.npy [--input ...] [--output out.npy ...]
//
// MODEL is .onnx, .mlir or .mlirbc, run by the reference evaluator, or a
// package folder, run by the runtime: here, or across lcp-workers with
// --workers (docs/Distributed.md). For a model whose batch is 1, inputs
// whose first dimension is N run as N samples (one after another, or up to
// --in-flight at once), and the outputs are stacked along that dimension.
//
//===----------------------------------------------------------------------===//

#include "dialect/LcpDialect.h"
#include "dialect/ReferenceEvaluator.h"
#include "import/ModelLoader.h"
#include "runtime/include/lcp_runtime.h"
#include "support/Compare.h"
#include "support/Npy.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <optional>

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
// Spelled --threads on the command line; libLLVM already owns an option of
// that name, so main() renames the flag before parsing.
static cl::opt<int> threads(
    "run-threads",
    cl::desc("Threads for a package, also spelled --threads: branches run "
             "in parallel (default 1)"),
    cl::init(1), cl::cat(runCategory));
static cl::opt<std::string> workers(
    "workers",
    cl::desc("Run a package across lcp-workers: comma-separated host:port "
             "(taking the placement's devices in order; an unplaced "
             "package's branches round-robin) or device=host:port"),
    cl::value_desc("list"), cl::cat(runCategory));
static cl::opt<std::string>
    tokenFile("token-file", cl::desc("The workers' shared token (a file)"),
              cl::value_desc("file"), cl::cat(runCategory));
static cl::opt<std::string>
    tlsCa("tls-ca",
          cl::desc("PEM file of the authority that signed the workers' TLS "
                   "certificates (connects with TLS)"),
          cl::value_desc("file"), cl::cat(runCategory));
static cl::opt<bool>
    insecure("insecure",
             cl::desc("Allow workers off loopback without TLS and token"),
             cl::init(false), cl::cat(runCategory));
static cl::opt<int> deadlineMs(
    "deadline-ms",
    cl::desc("Deadline of one call to a worker; a worker that misses it is "
             "routed around (default 10000)"),
    cl::init(10000), cl::cat(runCategory));
static cl::opt<double> emulatedLatencyMs(
    "emulated-latency-ms",
    cl::desc("Emulation only: add this one-way latency before each request "
             "to a worker and after each reply (bench/distributed)"),
    cl::init(0), cl::cat(runCategory));
static cl::opt<int> inFlight(
    "in-flight",
    cl::desc("Inferences in flight at once over the samples (a package; "
             "default 1)"),
    cl::init(1), cl::cat(runCategory));
static cl::opt<bool>
    printStats("worker-stats",
               cl::desc("Print what the workers did (calls, failovers, bytes)"),
               cl::init(false), cl::cat(runCategory));
static cl::opt<unsigned> repeat(
    "repeat",
    cl::desc("Run each sample this many times and print timings (packages)"),
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

/// What runs a model: the reference evaluator on IR, or a compiled package
/// through the runtime's C API.
class Runner {
public:
  virtual ~Runner() = default;
  std::vector<std::vector<int64_t>> inputShapes, outputShapes;
  /// Runs one batch-shaped sample; false after printing an error.
  virtual bool run(ArrayRef<lcp::HostTensor> inputs,
                   std::vector<lcp::HostTensor> &outputs) = 0;
  /// Runs every sample of `inputs`, one after another unless the runner
  /// overlaps them.
  virtual bool runAll(const std::vector<std::vector<lcp::HostTensor>> &inputs,
                      std::vector<std::vector<lcp::HostTensor>> &outputs) {
    outputs.resize(inputs.size());
    for (size_t k = 0; k < inputs.size(); ++k)
      if (!run(inputs[k], outputs[k]))
        return false;
    return true;
  }
};

class ReferenceRunner : public Runner {
public:
  explicit ReferenceRunner(func::FuncOp func) : func(func) {
    for (Type t : func.getArgumentTypes())
      inputShapes.push_back(typeShape(t));
    for (Type t : func.getResultTypes())
      outputShapes.push_back(typeShape(t));
  }
  bool run(ArrayRef<lcp::HostTensor> inputs,
           std::vector<lcp::HostTensor> &outputs) override {
    FailureOr<SmallVector<lcp::HostTensor>> results =
        lcp::evaluateFunction(func, inputs);
    if (failed(results))
      return false;
    outputs.assign(results->begin(), results->end());
    return true;
  }

private:
  func::FuncOp func;
};

class PackageRunner : public Runner {
public:
  ~PackageRunner() override { lcp_model_free(model); }
  bool load(const std::string &dir, int threads) {
    lcp_status status;
    if (workers.empty()) {
      status = lcp_model_load(dir.c_str(), &model);
    } else {
      std::string token;
      if (!tokenFile.empty()) {
        auto buffer = llvm::MemoryBuffer::getFile(tokenFile);
        if (!buffer) {
          llvm::errs() << tokenFile << ": error: cannot read the token\n";
          return false;
        }
        token = (*buffer)->getBuffer().rtrim("\r\n").str();
      }
      lcp_distributed_options options{};
      options.workers = workers.c_str();
      options.token = token.empty() ? nullptr : token.c_str();
      options.tls_ca = tlsCa.empty() ? nullptr : tlsCa.c_str();
      options.insecure = insecure;
      options.deadline_ms = deadlineMs;
      options.emulated_latency_ms = emulatedLatencyMs;
      status = lcp_model_load_distributed(dir.c_str(), &options, &model);
    }
    if (status != LCP_OK || lcp_model_set_threads(model, threads) != LCP_OK ||
        lcp_model_set_in_flight(model, inFlight) != LCP_OK) {
      llvm::errs() << "error: " << lcp_last_error() << "\n";
      return false;
    }
    for (int i = 0; i < lcp_model_num_inputs(model); ++i) {
      const int64_t *s = lcp_model_input_shape(model, i);
      inputShapes.emplace_back(s, s + lcp_model_input_rank(model, i));
    }
    for (int i = 0; i < lcp_model_num_outputs(model); ++i) {
      const int64_t *s = lcp_model_output_shape(model, i);
      outputShapes.emplace_back(s, s + lcp_model_output_rank(model, i));
    }
    return true;
  }
  bool run(ArrayRef<lcp::HostTensor> inputs,
           std::vector<lcp::HostTensor> &outputs) override {
    std::vector<const float *> in;
    for (const lcp::HostTensor &t : inputs)
      in.push_back(t.f32.data());
    outputs.clear();
    std::vector<float *> out;
    for (const std::vector<int64_t> &shape : outputShapes)
      outputs.emplace_back(shape);
    for (lcp::HostTensor &t : outputs)
      out.push_back(t.f32.data());
    auto start = std::chrono::steady_clock::now();
    lcp_status status = lcp_model_run(model, in.data(), out.data());
    times.push_back(std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count());
    if (status != LCP_OK) {
      llvm::errs() << "error: " << lcp_last_error() << "\n";
      return false;
    }
    return true;
  }
  bool runAll(const std::vector<std::vector<lcp::HostTensor>> &inputs,
              std::vector<std::vector<lcp::HostTensor>> &outputs) override {
    if (inFlight == 1)
      return Runner::runAll(inputs, outputs);
    std::vector<const float *> in;
    std::vector<float *> out;
    outputs.assign(inputs.size(), {});
    for (size_t k = 0; k < inputs.size(); ++k) {
      for (const lcp::HostTensor &t : inputs[k])
        in.push_back(t.f32.data());
      for (const std::vector<int64_t> &shape : outputShapes)
        outputs[k].emplace_back(shape);
      for (lcp::HostTensor &t : outputs[k])
        out.push_back(t.f32.data());
    }
    auto start = std::chrono::steady_clock::now();
    lcp_status status = lcp_model_run_many(
        model, static_cast<int>(inputs.size()), in.data(), out.data());
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start)
                    .count();
    if (status != LCP_OK) {
      llvm::errs() << "error: " << lcp_last_error() << "\n";
      return false;
    }
    if (repeat > 1)
      llvm::outs() << llvm::formatv(
          "throughput: {0} inferences, {1} in flight: {2:f3} ms, {3:f1} "
          "per second\n",
          inputs.size(), inFlight, ms, 1000.0 * inputs.size() / ms);
    return true;
  }
  void printDistributedStats() const {
    lcp_distributed_stats stats;
    lcp_model_distributed_stats(model, &stats);
    llvm::outs() << llvm::formatv(
        "workers: {0} ({1} live), {2} calls, {3} failures, {4} failovers, "
        "{5} bytes sent, {6} received\n",
        stats.workers, stats.live, stats.calls, stats.failures, stats.failovers,
        stats.bytes_sent, stats.bytes_received);
    for (int i = 0; i < stats.workers; ++i) {
      lcp_worker_stats w;
      lcp_model_worker_stats(model, i, &w);
      llvm::outs() << llvm::formatv(
          "worker {0} {1}: {2}, joined {3} time(s), {4} calls ({5} since it "
          "joined), {6} failures\n",
          i, w.address, w.live ? "live" : "down", w.joins, w.calls,
          w.calls_since_join, w.failures);
    }
  }
  std::vector<double> times;

private:
  lcp_model *model = nullptr;
};

bool planRun(ArrayRef<std::vector<int64_t>> inputShapes,
             ArrayRef<lcp::HostTensor> inputs, RunPlan &plan) {
  for (auto [i, input, expected] : llvm::enumerate(inputs, inputShapes)) {
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
  std::vector<std::string> renamed;
  for (int i = 0; i < argc; ++i) {
    StringRef arg = argv[i];
    if (arg == "--threads" || arg == "-threads")
      arg = "--run-threads";
    else if (arg.starts_with("--threads="))
      renamed.push_back("--run-threads=" + arg.drop_front(10).str());
    if (renamed.size() < static_cast<size_t>(i + 1))
      renamed.push_back(arg.str());
  }
  std::vector<char *> args;
  for (std::string &a : renamed)
    args.push_back(a.data());
  argc = static_cast<int>(args.size());
  argv = args.data();
  cl::HideUnrelatedOptions({&runCategory, &lcp::registerModelLoadCLOptions()});
  cl::ParseCommandLineOptions(
      argc, argv,
      "lcp-run: run a model with lcp's reference evaluator, or a package "
      "compiled by lcp-compile\n");

  DialectRegistry registry;
  registry
      .insert<lcp::LcpDialect, func::FuncDialect, quant::QuantizationDialect>();
  MLIRContext context(registry);
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<Runner> runner;
  std::optional<lcp::DiagnosticPrinter> printer;
  bool isPackage = llvm::sys::fs::is_directory(modelPath);
  if (isPackage) {
    auto package = std::make_unique<PackageRunner>();
    if (!package->load(modelPath, threads))
      return 1;
    runner = std::move(package);
  } else {
    if (threads != 1 || repeat != 1 || inFlight != 1 || !workers.empty()) {
      llvm::errs() << modelPath
                   << ": error: --threads, --repeat, --in-flight and "
                      "--workers are for compiled packages; the reference "
                      "evaluator runs once, here\n";
      return 1;
    }
    lcp::OnnxImportOptions options = lcp::modelLoadOptionsFromCL();
    module = lcp::loadModel(modelPath, &context, options);
    if (!module)
      return 1;
    printer.emplace(&context);
    func::FuncOp func = lcp::getEntryFunction(*module);
    if (!func)
      return 1;
    runner = std::make_unique<ReferenceRunner>(func);
  }
  unsigned numInputs = runner->inputShapes.size();
  unsigned numOutputs = runner->outputShapes.size();
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
  if (!planRun(runner->inputShapes, inputs, plan))
    return 1;

  // Every sample, `repeat` times over.
  std::vector<std::vector<lcp::HostTensor>> runInputs, runResults;
  for (int64_t k = 0; k < plan.samples; ++k) {
    std::vector<lcp::HostTensor> sampleInputs;
    for (const lcp::HostTensor &input : inputs)
      sampleInputs.push_back(plan.batched ? lcp::sampleOf(input, k) : input);
    for (unsigned r = 0; r < repeat; ++r)
      runInputs.push_back(sampleInputs);
  }
  if (!runner->runAll(runInputs, runResults))
    return 1;
  std::vector<lcp::HostTensor> outputs(numOutputs);
  for (int64_t k = 0; k < plan.samples; ++k) {
    std::vector<lcp::HostTensor> &results = runResults[k * repeat];
    for (unsigned j = 0; j < numOutputs; ++j) {
      lcp::HostTensor &result = results[j];
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
  auto *package = dynamic_cast<PackageRunner *>(runner.get());
  if (package && printStats)
    package->printDistributedStats();
  if (package && repeat > 1 && inFlight == 1) {
    // The first run of each sample warms up; the rest are timed.
    std::vector<double> timed;
    for (size_t i = 0; i < package->times.size(); ++i)
      if (i % repeat != 0)
        timed.push_back(package->times[i]);
    std::sort(timed.begin(), timed.end());
    llvm::outs() << llvm::formatv(
        "timing: {0} runs after warm-up, {1} thread(s): median {2:f3} ms, "
        "min {3:f3} ms, max {4:f3} ms\n",
        timed.size(), threads, timed[timed.size() / 2], timed.front(),
        timed.back());
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
