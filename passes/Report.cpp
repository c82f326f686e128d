//===- Report.cpp - Parameters, MACs and memory per unit ------------------===//

#include "passes/Cost.h"
#include "passes/Passes.h"

#include "dialect/UnitGraph.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace lcp {
#define GEN_PASS_DEF_REPORT
#include "passes/Passes.h.inc"
} // namespace lcp

using namespace mlir;
using namespace lcp;

namespace {

struct UnitReport {
  std::string id;
  std::string kind;
  std::string device;
  LayerCost cost;
  int64_t peakBytes = 0;
  int64_t inputBytes = 0;
  int64_t outputBytes = 0;
};

struct FunctionReport {
  std::string name;
  SmallVector<UnitReport> units;
  LayerCost total;
  int64_t peakBytes = 0;
};

FunctionReport reportFunction(func::FuncOp func) {
  FunctionReport report;
  report.name = func.getSymName().str();
  UnitGraph graph(func);
  for (const Unit &u : graph.getUnits()) {
    UnitReport unit;
    unit.id = u.id;
    unit.kind = u.kind;
    unit.device = u.device;
    unit.cost = costOfRegions(u.op);
    unit.peakBytes = peakActivationBytes(u.getBody());
    unit.inputBytes = bytesOf(u.op.getUnitInputs().getTypes());
    unit.outputBytes = bytesOf(u.op.getUnitOutputs().getTypes());
    report.units.push_back(unit);
  }
  report.total = costOfRegions(func);
  report.peakBytes = peakActivationBytes(func.getBody().front());
  return report;
}

void printText(llvm::raw_ostream &os, const FunctionReport &report) {
  os << "lcp-report: @" << report.name << "\n";
  os << llvm::formatv("  {0,-10} {1,-7} {2,14} {3,16} {4,14} {5,12} {6,12}\n",
                      "unit", "kind", "params", "MACs", "peak act. B", "in B",
                      "out B");
  for (const UnitReport &u : report.units)
    os << llvm::formatv("  {0,-10} {1,-7} {2,14} {3,16} {4,14} {5,12} {6,12}\n",
                        u.id, u.kind, u.cost.params, u.cost.macs, u.peakBytes,
                        u.inputBytes, u.outputBytes);
  os << llvm::formatv("  {0,-10} {1,-7} {2,14} {3,16} {4,14}\n", "total", "",
                      report.total.params, report.total.macs, report.peakBytes);
}

llvm::json::Value toJson(const FunctionReport &report) {
  llvm::json::Array units;
  for (const UnitReport &u : report.units) {
    llvm::json::Object unit{{"id", u.id},
                            {"kind", u.kind},
                            {"params", u.cost.params},
                            {"macs", u.cost.macs},
                            {"peak_activation_bytes", u.peakBytes},
                            {"input_bytes", u.inputBytes},
                            {"output_bytes", u.outputBytes}};
    if (!u.device.empty())
      unit["device"] = u.device;
    units.push_back(std::move(unit));
  }
  return llvm::json::Object{
      {"function", report.name},
      {"units", std::move(units)},
      {"total",
       llvm::json::Object{{"params", report.total.params},
                          {"macs", report.total.macs},
                          {"peak_activation_bytes", report.peakBytes}}}};
}

std::string humanCount(int64_t n) {
  if (n >= 1000000000)
    return llvm::formatv("{0:f2}G", n / 1e9);
  if (n >= 1000000)
    return llvm::formatv("{0:f2}M", n / 1e6);
  if (n >= 1000)
    return llvm::formatv("{0:f1}k", n / 1e3);
  return std::to_string(n);
}

void printDot(llvm::raw_ostream &os, ArrayRef<FunctionReport> reports) {
  os << "digraph lcp {\n  rankdir=LR;\n  node [shape=box, "
        "fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\"];\n";
  for (const FunctionReport &report : reports) {
    std::string prefix = report.name + "_";
    os << "  \"" << prefix << "input\" [label=\"input\", shape=ellipse];\n";
    os << "  \"" << prefix << "output\" [label=\"output\", shape=ellipse];\n";
    const UnitReport *merge = nullptr;
    for (const UnitReport &u : report.units) {
      os << "  \"" << prefix << u.id << "\" [label=\"" << u.id << "\\n"
         << humanCount(u.cost.params) << " params\\n"
         << humanCount(u.cost.macs) << " MACs";
      if (!u.device.empty())
        os << "\\non " << u.device;
      os << "\"];\n";
      if (u.kind == "merge")
        merge = &u;
    }
    for (const UnitReport &u : report.units) {
      if (u.kind == "merge")
        continue;
      os << "  \"" << prefix << "input\" -> \"" << prefix << u.id
         << "\" [label=\"" << u.inputBytes << " B\"];\n";
      os << "  \"" << prefix << u.id << "\" -> \"" << prefix
         << (merge ? merge->id : std::string("output")) << "\" [label=\""
         << u.outputBytes << " B\"];\n";
    }
    if (merge)
      os << "  \"" << prefix << merge->id << "\" -> \"" << prefix
         << "output\" [label=\"" << merge->outputBytes << " B\"];\n";
  }
  os << "}\n";
}

LogicalResult
writeAtomically(ModuleOp module, StringRef path,
                llvm::function_ref<void(llvm::raw_ostream &)> write) {
  if (llvm::Error error = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
        write(os);
        return llvm::Error::success();
      }))
    return module.emitError() << "cannot write " << path << ": "
                              << llvm::toString(std::move(error));
  return success();
}

struct ReportPass : public lcp::impl::ReportBase<ReportPass> {
  using ReportBase::ReportBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<FunctionReport> reports;
    for (func::FuncOp func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        reports.push_back(reportFunction(func));
    for (const FunctionReport &report : reports)
      printText(llvm::errs(), report);

    if (!jsonFile.empty()) {
      llvm::json::Array functions;
      for (const FunctionReport &report : reports)
        functions.push_back(toJson(report));
      llvm::json::Value json(
          llvm::json::Object{{"functions", std::move(functions)}});
      if (failed(writeAtomically(module, jsonFile, [&](llvm::raw_ostream &os) {
            os << llvm::formatv("{0:2}", json) << "\n";
          })))
        return signalPassFailure();
    }
    if (!dotFile.empty() &&
        failed(writeAtomically(module, dotFile, [&](llvm::raw_ostream &os) {
          printDot(os, reports);
        })))
      return signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
