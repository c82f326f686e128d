//===- OnnxConformance.cpp - lcp against the ONNX backend test data -------===//
//
// Runs the ONNX backend conformance tests that libonnx-testdata ships
// (node, pytorch-converted and pytorch-operator) through the importer and
// the reference evaluator, and compares with the expected outputs:
//   |actual - expected| <= 1e-4 + 1e-4 * |expected|.
//
// A test is in scope when it is made only of supported ops, on f32 data,
// with 2-D spatial ops, in inference mode. Scope is decided from the model
// alone, before anything runs, so a failure can never be mistaken for an
// out-of-scope test. Every in-scope test must pass.
//
// Graph inputs after the first carry weights, shapes or bounds in these
// tests; they are bound as constants, as a deployed model would have them.
//
//   lcp-onnx-conformance [--data DIR] [--markdown FILE] [--filter SUBSTR]
//
//===----------------------------------------------------------------------===//

#include "dialect/LcpDialect.h"
#include "dialect/ReferenceEvaluator.h"
#include "import/OnnxImporter.h"
#include "import/onnx.pb.h"
#include "support/Compare.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string>
    dataDir("data", cl::desc("The ONNX test data directory"),
            cl::init("/usr/share/libonnx-testdata/data"));
static cl::opt<std::string> docsPath(
    "docs",
    cl::desc("Check that the out-of-scope table in this Markdown file (between "
             "the conformance:begin/end markers) is up to date"),
    cl::init(""));
static cl::opt<bool>
    updateDocs("update-docs",
               cl::desc("Rewrite the table in --docs instead of checking it"));
static cl::opt<std::string> filter("filter",
                                   cl::desc("Run only tests whose name "
                                            "contains this"),
                                   cl::init(""));
static cl::opt<bool> verbose("v", cl::desc("Print every test"));

namespace {

const char *kSuites[] = {"node", "pytorch-converted", "pytorch-operator"};
const char *kUnsupportedSuffix = ", which lcp does not import";

bool readFile(const std::string &path, std::string &bytes) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
  if (!buffer)
    return false;
  bytes = (*buffer)->getBuffer().str();
  return true;
}

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     const std::string &name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

bool hasOutput(const onnx::NodeProto &node, int index) {
  return node.output_size() > index && !node.output(index).empty();
}

/// Ranks of the values whose type the model states (inputs, outputs,
/// value_info) or that are initializers.
std::map<std::string, int> knownRanks(const onnx::GraphProto &graph) {
  std::map<std::string, int> ranks;
  auto note = [&](const onnx::ValueInfoProto &v) {
    if (v.type().has_tensor_type() && v.type().tensor_type().has_shape())
      ranks[v.name()] = v.type().tensor_type().shape().dim_size();
  };
  for (const auto &v : graph.input())
    note(v);
  for (const auto &v : graph.output())
    note(v);
  for (const auto &v : graph.value_info())
    note(v);
  for (const auto &t : graph.initializer())
    ranks[t.name()] = t.dims_size();
  return ranks;
}

/// Why a test is out of scope, or "" if it is in scope. Decided from the
/// model only.
std::string outOfScopeReason(const onnx::ModelProto &model,
                             const std::set<std::string> &supported) {
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::NodeProto &node : graph.node())
    if (!supported.count(node.op_type()) ||
        (!node.domain().empty() && node.domain() != "ai.onnx"))
      return "uses " + node.op_type() + kUnsupportedSuffix;

  std::map<std::string, int> ranks = knownRanks(graph);
  std::set<std::string> initializers;
  for (const auto &t : graph.initializer())
    initializers.insert(t.name());
  std::string firstInput;
  for (const onnx::ValueInfoProto &v : graph.input())
    if (!initializers.count(v.name())) {
      firstInput = v.name();
      break;
    }
  std::map<std::string, const onnx::NodeProto *> producers;
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &out : node.output())
      producers[out] = &node;
  // Consumers of each value, to see whether a Pad folds.
  std::map<std::string, std::vector<const onnx::NodeProto *>> consumers;
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &in : node.input())
      consumers[in].push_back(&node);

  for (const onnx::NodeProto &node : graph.node()) {
    const std::string &op = node.op_type();
    bool spatial = op == "Conv" || op == "MaxPool" || op == "AveragePool" ||
                   op == "GlobalAveragePool" || op == "LRN";
    if (spatial) {
      int rank = -1;
      if (const onnx::AttributeProto *k = findAttr(node, "kernel_shape"))
        rank = k->ints_size() + 2;
      else if (op == "Conv" && node.input_size() > 1 &&
               ranks.count(node.input(1)))
        rank = ranks[node.input(1)];
      else if (ranks.count(node.input(0)))
        rank = ranks[node.input(0)];
      if (rank != 4)
        return std::to_string(rank - 2) + "-D spatial " + op +
               " (lcp supports 2-D, NCHW)";
    }
    if (op == "MaxPool" && hasOutput(node, 1))
      return "MaxPool's Indices output (rejected by design)";
    if (op == "BatchNormalization") {
      const onnx::AttributeProto *t = findAttr(node, "training_mode");
      if ((t && t->i()) || hasOutput(node, 1))
        return "BatchNormalization in training mode";
    }
    if (op == "Dropout" && (hasOutput(node, 1) || node.input_size() > 2))
      return "Dropout in training mode or with its mask output";
    if (op == "Pad") {
      const onnx::AttributeProto *mode = findAttr(node, "mode");
      if (mode && mode->s() != "constant")
        return "Pad in " + mode->s() +
               " mode (lcp folds constant padding "
               "into a following Conv or pool only)";
      for (const onnx::NodeProto *user : consumers[node.output(0)])
        if (user->op_type() != "Conv" && user->op_type() != "AveragePool" &&
            user->op_type() != "MaxPool")
          return "a Pad that no Conv or pool consumes (lcp folds Pad into "
                 "a following Conv or pool only)";
      if (consumers[node.output(0)].empty())
        return "a Pad that no Conv or pool consumes (lcp folds Pad into "
               "a following Conv or pool only)";
    }
    // Gather, Slice and Shape exist in lcp only as shape arithmetic on
    // constants; on the runtime input they are computation.
    if ((op == "Gather" || op == "Slice") && node.input(0) == firstInput)
      return op + " of computed data (lcp folds " + op + " on constants only)";
    if (op == "Cast") {
      const onnx::AttributeProto *to = findAttr(node, "to");
      if (to && to->i() != onnx::TensorProto::FLOAT)
        return "Cast to a type other than FLOAT";
    }
  }
  int runtimeInputs = 0;
  for (const onnx::ValueInfoProto &v : graph.input()) {
    if (initializers.count(v.name()))
      continue;
    // The first input is data; later ones are bound as constants and may
    // be integer (shapes, indices).
    int32_t type = v.type().tensor_type().elem_type();
    if (runtimeInputs++ == 0 && type != onnx::TensorProto::FLOAT)
      return "non-f32 data (" +
             onnx::TensorProto::DataType_Name(
                 static_cast<onnx::TensorProto::DataType>(type)) +
             ")";
  }
  if (runtimeInputs == 0)
    return "no runtime input (the whole model is constant)";
  for (const onnx::ValueInfoProto &v : graph.output()) {
    int32_t type = v.type().tensor_type().elem_type();
    if (type != onnx::TensorProto::FLOAT)
      return "non-f32 output (" +
             onnx::TensorProto::DataType_Name(
                 static_cast<onnx::TensorProto::DataType>(type)) +
             ")";
  }

  return "";
}

struct OpCounts {
  int passed = 0, failed = 0;
};

/// Runs one test directory's data sets; returns "" on success or the first
/// problem.
std::string runTest(const std::string &dir, const std::string &modelBytes,
                    const onnx::ModelProto &model) {
  std::vector<std::string> dataSets;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    if (llvm::sys::path::filename(it->path()).starts_with("test_data_set_"))
      dataSets.push_back(it->path());
  std::sort(dataSets.begin(), dataSets.end());
  if (dataSets.empty())
    return "no test data sets";

  std::set<std::string> initializers;
  for (const auto &t : model.graph().initializer())
    initializers.insert(t.name());
  std::vector<std::string> inputNames;
  for (const auto &v : model.graph().input())
    if (!initializers.count(v.name()))
      inputNames.push_back(v.name());

  for (const std::string &set : dataSets) {
    auto load = [&](const std::string &file, lcp::HostTensor &t,
                    std::string &error) {
      std::string bytes;
      if (!readFile(file, bytes)) {
        error = "cannot read " + file;
        return false;
      }
      return lcp::parseTensorProto(bytes, t, error);
    };
    lcp::OnnxImportOptions options;
    lcp::HostTensor input;
    std::string error;
    if (!load(set + "/input_0.pb", input, error))
      return error;
    options.inputShapes[inputNames[0]] = input.shape;
    for (size_t i = 1; i < inputNames.size(); ++i) {
      lcp::HostTensor bound;
      if (!load(set + "/input_" + std::to_string(i) + ".pb", bound, error))
        return error;
      options.boundInputs[inputNames[i]] = bound;
    }

    MLIRContext context;
    std::string diagnostics;
    llvm::raw_string_ostream diagStream(diagnostics);
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      diagStream << diag << "\n";
      return success();
    });
    OwningOpRef<ModuleOp> module =
        lcp::importOnnxModel(modelBytes, "model.onnx", &context, options);
    if (!module)
      return "import failed: " + diagnostics;
    func::FuncOp func = lcp::getEntryFunction(*module);
    if (!func)
      return "no entry function: " + diagnostics;
    FailureOr<SmallVector<lcp::HostTensor>> results =
        lcp::evaluateFunction(func, {input});
    if (failed(results))
      return "evaluation failed: " + diagnostics;
    for (size_t j = 0; j < results->size(); ++j) {
      lcp::HostTensor expected;
      if (!load(set + "/output_" + std::to_string(j) + ".pb", expected, error))
        return error;
      std::string report;
      if (!lcp::allClose((*results)[j], expected, lcp::Tolerance(), report))
        return llvm::sys::path::filename(set).str() + " output " +
               std::to_string(j) + ": " + report;
    }
  }
  return "";
}

/// Compares (or, with --update-docs, replaces) the generated table with the
/// one between the markers in --docs.
LogicalResult checkOrUpdateDocs(const std::string &table) {
  const std::string begin = "<!-- conformance:begin -->\n";
  const std::string end = "<!-- conformance:end -->";
  std::string doc;
  if (!readFile(docsPath, doc)) {
    llvm::errs() << docsPath << ": error: cannot read\n";
    return failure();
  }
  size_t from = doc.find(begin), to = doc.find(end);
  if (from == std::string::npos || to == std::string::npos || to < from) {
    llvm::errs() << docsPath << ": error: no conformance:begin/end markers\n";
    return failure();
  }
  from += begin.size();
  if (doc.compare(from, to - from, table) == 0)
    return success();
  if (!updateDocs) {
    llvm::errs() << docsPath
                 << ": error: the out-of-scope table is out of date; run "
                    "lcp-onnx-conformance --docs "
                 << docsPath << " --update-docs\n";
    return failure();
  }
  doc.replace(from, to - from, table);
  std::error_code ec;
  llvm::raw_fd_ostream file(docsPath, ec);
  if (ec) {
    llvm::errs() << docsPath << ": error: " << ec.message() << "\n";
    return failure();
  }
  file << doc;
  return success();
}

} // namespace

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(argc, argv,
                              "lcp against the ONNX conformance test data\n");
  std::vector<std::string> supportedList = lcp::supportedOnnxOps();
  std::set<std::string> supported(supportedList.begin(), supportedList.end());

  std::map<std::string, OpCounts> perOp;
  // Out-of-scope groups: reason -> test names.
  std::map<std::string, std::vector<std::string>> outOfScope;
  std::vector<std::pair<std::string, std::string>> failures;
  int passed = 0, failed = 0;

  for (const char *suite : kSuites) {
    std::string suiteDir = dataDir + "/" + suite;
    std::vector<std::string> tests;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(suiteDir, ec), end;
         it != end && !ec; it.increment(ec))
      tests.push_back(it->path());
    if (ec || tests.empty()) {
      llvm::errs() << suiteDir << ": error: no tests found (is "
                   << "libonnx-testdata installed?)\n";
      return 1;
    }
    std::sort(tests.begin(), tests.end());
    for (const std::string &dir : tests) {
      std::string name =
          std::string(suite) + "/" + llvm::sys::path::filename(dir).str();
      if (!filter.empty() && name.find(filter) == std::string::npos)
        continue;
      std::string bytes;
      onnx::ModelProto model;
      if (!readFile(dir + "/model.onnx", bytes) ||
          !model.ParseFromString(bytes)) {
        outOfScope["unreadable model file"].push_back(name);
        continue;
      }
      std::string reason = outOfScopeReason(model, supported);
      if (!reason.empty()) {
        outOfScope[reason].push_back(name);
        continue;
      }
      std::set<std::string> ops;
      for (const auto &node : model.graph().node())
        ops.insert(node.op_type());
      std::string problem = runTest(dir, bytes, model);
      for (const std::string &op : ops)
        (problem.empty() ? perOp[op].passed : perOp[op].failed)++;
      if (problem.empty()) {
        ++passed;
        if (verbose)
          llvm::outs() << "PASS " << name << "\n";
      } else {
        ++failed;
        failures.emplace_back(name, problem);
        llvm::outs() << "FAIL " << name << ": " << problem << "\n";
      }
    }
  }

  llvm::outs() << "\nIn-scope tests per op (a test counts for every op it "
                  "uses):\n";
  for (const auto &[op, counts] : perOp)
    llvm::outs() << llvm::format("  %-20s %4d passed, %d failed\n", op.c_str(),
                                 counts.passed, counts.failed);
  int skipped = 0;
  for (const auto &[reason, names] : outOfScope)
    skipped += names.size();
  llvm::outs() << "\nOut of scope: " << skipped << " tests in "
               << outOfScope.size() << " groups (see docs/SupportedOps.md)\n";

  if (!docsPath.empty() && filter.empty()) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "| reason | tests | examples |\n|---|---:|---|\n";
    std::string unsupportedOps;
    int unsupportedTests = 0;
    for (const auto &[reason, names] : outOfScope) {
      if (llvm::StringRef(reason).ends_with(kUnsupportedSuffix)) {
        llvm::StringRef op = llvm::StringRef(reason).drop_front(5).drop_back(
            strlen(kUnsupportedSuffix));
        unsupportedOps += (unsupportedOps.empty() ? "" : ", ") + op.str() +
                          " (" + std::to_string(names.size()) + ")";
        unsupportedTests += names.size();
        continue;
      }
      os << "| " << reason << " | " << names.size() << " | ";
      for (size_t i = 0; i < std::min<size_t>(3, names.size()); ++i)
        os << (i ? ", " : "") << "`" << names[i] << "`";
      os << (names.size() > 3 ? ", ..." : "") << " |\n";
    }
    os << "\nTests of ops lcp does not import (" << unsupportedTests
       << " tests, count per op): " << unsupportedOps << ".\n";
    if (mlir::failed(checkOrUpdateDocs(text)))
      return 1;
  }

  llvm::outs() << "\n" << passed << " passed, " << failed << " failed\n";
  if (passed == 0) {
    llvm::errs() << "error: no in-scope test ran\n";
    return 1;
  }
  return failed == 0 ? 0 : 1;
}
