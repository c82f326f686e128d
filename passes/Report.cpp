//===- Report.cpp - Parameters, MACs and memory per unit ------------------===//

#include "passes/Cost.h"
#include "passes/Passes.h"

#include "dialect/UnitGraph.h"
#include "targets/cluster/ClusterSimulator.h"

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

/// What a placement (--lcp-place) costs, by the cluster simulator.
struct PlacementReport {
  std::string cluster;
  std::string strategy;
  struct DeviceRow {
    std::string name, kind;
    int units = 0, replicas = 0;
    int64_t macs = 0;
    int64_t memoryBytes = 0, memoryLimit = 0;
  };
  std::vector<DeviceRow> devices;
  SimResult viaCoordinator; // devices keep values, relayed by the coordinator
  SimResult direct;         // the least any runtime must send
  SimResult calls;          // as lcp's runtime runs it
};

struct FunctionReport {
  std::string name;
  SmallVector<UnitReport> units;
  LayerCost total;
  int64_t peakBytes = 0;
  std::optional<PlacementReport> placement;
};

/// The placement report of `graph`, whose units `units` reports, if
/// --lcp-place placed it; a cluster description in the IR that does not
/// read is an error.
FailureOr<std::optional<PlacementReport>>
reportPlacement(const UnitGraph &graph, ArrayRef<UnitReport> units) {
  func::FuncOp func = graph.getFunction();
  auto strategy = func->getAttrOfType<StringAttr>("lcp.placement");
  auto module = func->getParentOfType<ModuleOp>();
  auto json =
      module ? module->getAttrOfType<StringAttr>("lcp.cluster") : StringAttr();
  if (!strategy || !json)
    return std::optional<PlacementReport>();
  llvm::Expected<Cluster> cluster = parseCluster(json, "lcp.cluster");
  if (!cluster) {
    module.emitError() << llvm::toString(cluster.takeError());
    return failure();
  }
  PlacementReport report;
  report.cluster = cluster->name;
  report.strategy = strategy.str();
  for (const ClusterDevice &d : cluster->devices)
    report.devices.push_back({d.name, d.kind, 0, 0, 0, 0, d.memoryBytes()});
  auto deviceIndex = [&](const Unit &u, StringRef name) -> FailureOr<size_t> {
    if (name.empty())
      return cluster->coordinator;
    if (std::optional<size_t> index = cluster->indexOf(name))
      return *index;
    return u.op->emitError() << "is placed on '" << name << "', which cluster '"
                             << cluster->name << "' does not have";
  };

  SimGraph sim;
  for (auto [i, arg] : llvm::enumerate(func.getArguments()))
    sim.inputs.push_back({graph.getInputNames()[i], bytesOf(arg.getType())});
  sim.outputs = graph.getOutputNames();
  for (auto [u, unitReport] : llvm::zip(graph.getUnits(), units)) {
    FailureOr<size_t> device = deviceIndex(u, u.device);
    if (failed(device))
      return failure();
    int64_t macs = unitReport.cost.macs;
    int64_t memory = weightBytes(u.getBody()) + unitReport.peakBytes;
    PlacementReport::DeviceRow &row = report.devices[*device];
    ++row.units;
    row.macs += macs;
    row.memoryBytes += memory;
    for (const std::string &replica : u.replicas) {
      FailureOr<size_t> copy = deviceIndex(u, replica);
      if (failed(copy))
        return failure();
      ++report.devices[*copy].replicas;
      report.devices[*copy].memoryBytes += memory;
    }
    SimUnit unit;
    unit.id = u.id;
    unit.device = *device;
    unit.seconds =
        static_cast<double>(macs) / cluster->devices[*device].macsPerSecond;
    unit.inputs = u.inputs;
    for (auto [name, value] : llvm::zip(u.outputs, u.op.getUnitOutputs()))
      unit.outputs.push_back({name, bytesOf(value.getType())});
    sim.units.push_back(std::move(unit));
  }
  report.viaCoordinator = simulate(sim, *cluster, Routing::Coordinator);
  report.direct = simulate(sim, *cluster, Routing::Direct);
  report.calls = simulate(sim, *cluster, Routing::Calls);
  return std::optional<PlacementReport>(std::move(report));
}

FailureOr<FunctionReport> reportFunction(func::FuncOp func) {
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
  FailureOr<std::optional<PlacementReport>> placement =
      reportPlacement(graph, report.units);
  if (failed(placement))
    return failure();
  report.placement = std::move(*placement);
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
  if (!report.placement)
    return;
  const PlacementReport &p = *report.placement;
  os << "  placed on cluster '" << p.cluster << "' (strategy=" << p.strategy
     << "):\n";
  os << llvm::formatv("  {0,-12} {1,-13} {2,5} {3,8} {4,16} {5,12} {6,14} "
                      "{7,12} {8,12}\n",
                      "device", "kind", "units", "replicas", "MACs",
                      "compute ms", "memory B", "in B", "out B");
  for (auto [d, row] : llvm::enumerate(p.devices)) {
    const DeviceUse &use = p.viaCoordinator.devices[d];
    os << llvm::formatv(
        "  {0,-12} {1,-13} {2,5} {3,8} {4,16} {5,12:f3} {6,14} "
        "{7,12} {8,12}{9}\n",
        row.name, row.kind, row.units, row.replicas, row.macs,
        use.computeSeconds * 1e3, row.memoryBytes, use.bytesIn, use.bytesOut,
        row.memoryBytes > row.memoryLimit
            ? "  (over its " + std::to_string(row.memoryLimit) + " bytes)"
            : std::string());
  }
  const SimResult &r = p.viaCoordinator;
  os << llvm::formatv("  estimate: {0:f3} ms per inference alone, {1:f1} "
                      "inferences/s in flight (bound by {2})\n",
                      r.latencySeconds * 1e3,
                      r.secondsPerInference > 0 ? 1 / r.secondsPerInference
                                                : 0.0,
                      r.bottleneck);
  os << llvm::formatv("  on the wire: {0} B in {1} transfers through the "
                      "coordinator; {2} B sent directly ({3:f3} ms alone)\n",
                      r.bytesOnWire, r.transfers, p.direct.bytesOnWire,
                      p.direct.latencySeconds * 1e3);
  os << llvm::formatv(
      "  as lcp's runtime runs it (a call per device and "
      "run): {0:f3} ms alone, {1:f1} inferences/s in flight, "
      "{2} B in {3} messages\n",
      p.calls.latencySeconds * 1e3,
      p.calls.secondsPerInference > 0 ? 1 / p.calls.secondsPerInference : 0.0,
      p.calls.bytesOnWire, p.calls.transfers);
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
  llvm::json::Object result{
      {"function", report.name},
      {"units", std::move(units)},
      {"total",
       llvm::json::Object{{"params", report.total.params},
                          {"macs", report.total.macs},
                          {"peak_activation_bytes", report.peakBytes}}}};
  if (report.placement) {
    const PlacementReport &p = *report.placement;
    llvm::json::Array devices;
    for (auto [d, row] : llvm::enumerate(p.devices)) {
      const DeviceUse &use = p.viaCoordinator.devices[d];
      devices.push_back(
          llvm::json::Object{{"name", row.name},
                             {"kind", row.kind},
                             {"units", row.units},
                             {"replicas", row.replicas},
                             {"macs", row.macs},
                             {"compute_seconds", use.computeSeconds},
                             {"memory_bytes", row.memoryBytes},
                             {"memory_limit_bytes", row.memoryLimit},
                             {"bytes_in", use.bytesIn},
                             {"bytes_out", use.bytesOut}});
    }
    auto estimate = [](const SimResult &r) {
      return llvm::json::Object{
          {"latency_seconds", r.latencySeconds},
          {"seconds_per_inference_in_flight", r.secondsPerInference},
          {"bottleneck", r.bottleneck},
          {"bytes_on_wire", r.bytesOnWire},
          {"transfers", r.transfers}};
    };
    result["placement"] =
        llvm::json::Object{{"cluster", p.cluster},
                           {"strategy", p.strategy},
                           {"devices", std::move(devices)},
                           {"via_coordinator", estimate(p.viaCoordinator)},
                           {"direct", estimate(p.direct)},
                           {"runtime", estimate(p.calls)}};
  }
  return result;
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
    std::vector<FunctionReport> reports;
    for (func::FuncOp func : module.getOps<func::FuncOp>())
      if (!func.isExternal()) {
        FailureOr<FunctionReport> report = reportFunction(func);
        if (failed(report))
          return signalPassFailure();
        reports.push_back(std::move(*report));
      }
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
