//===- Target.h - What lcp compiles for -------------------------*- C++ -*-===//
//
// A target is everything lcp-compile needs to know about where a model will
// run: the passes it runs on the model before emission, the emitter that
// turns each unit into source, and how those sources become the package's
// artifacts. The package writer (codegen/package) owns the package folder,
// the weights and the manifest, and asks the target for the rest.
//
// Targets live one folder each under targets/ and are registered by name in
// one registry (TargetRegistry.cpp) by registerAllTargets()
// (InitAllTargets.h); see docs/ARCHITECTURE.md, "Adding a target".
//
// The interface covers more than CPUs:
//  - a target runs on one or more devices (`getDevices`): a CPU target is
//    one device, a cluster lists its members, each compiled by the target
//    its own kind names, and placement assigns units to them;
//  - a device carries its facts as data (`DeviceFacts`): vector lanes of a
//    CPU, the clock and resource budget of an FPGA part, the cell library
//    and clock of an ASIC flow, the compute rate, memory and link of a
//    cluster member;
//  - the emitter and the artifacts are the target's own: Halide generators
//    and static libraries for CPUs, HLS C++ and Tcl for FPGAs, Verilog for
//    an ASIC.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_TARGETS_TARGET_H
#define LCP_TARGETS_TARGET_H

#include "codegen/common/UnitSignature.h"
#include "runtime/format/Package.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <string>
#include <vector>

namespace lcp {

class PackageBuild;

/// What passes, estimates and placement read of one device, as numbers
/// keyed by what they measure, with the unit in the key: "f32_lanes",
/// "vector_registers" (CPU); "clock_hz", "lut", "ff", "dsp", "bram18"
/// (an FPGA part's budget); "clock_hz", "area_um2" (an ASIC); "macs_per_s",
/// "memory_bytes", "link_bits_per_s", "link_latency_s" (a cluster member).
using DeviceFacts = llvm::StringMap<double>;

/// One device a target's units run on.
struct Device {
  std::string name;
  /// The registered target that compiles the units placed on this device
  /// (for a CPU target, the target itself).
  std::string unitTarget;
  DeviceFacts facts;
  /// Files a flow needs beyond numbers (an ASIC's cell library), by role.
  llvm::StringMap<std::string> files;
};

/// What the user asked of the compilation that a target may act on.
struct TargetOptions {
  /// Fuse the layers every branch begins with into one stem where the
  /// target's cost model says it pays (lcp-fuse-stems); single-device
  /// targets honour it, clusters do not.
  bool fuseStems = true;
};

class Target {
public:
  virtual ~Target();

  /// The name users give with --target, e.g. "cpu:host".
  virtual llvm::StringRef getName() const = 0;
  /// One line for --help and for the list of targets.
  virtual llvm::StringRef getDescription() const = 0;
  /// The devices the target's units run on (one for a single device).
  virtual std::vector<Device> getDevices() const = 0;

  /// Adds to `pm` (on the module) the passes that prepare the model's units
  /// for this target's emitter: fusions that pay on it and the plans the
  /// emitter then only prints.
  virtual void buildPreEmissionPipeline(mlir::OpPassManager &pm,
                                        const TargetOptions &options) const = 0;

  /// Emits the source of `unit` (an op implementing UnitOpInterface) as
  /// function `function`, and describes its arguments in `signature`.
  virtual mlir::LogicalResult emitUnit(mlir::Operation *unit,
                                       llvm::StringRef function,
                                       llvm::raw_ostream &os,
                                       UnitSignature &signature) const = 0;

  /// Turns the emitted units of `build` into the package's artifacts
  /// (compiled code, headers, build scripts), written through `build`.
  virtual mlir::LogicalResult buildArtifacts(PackageBuild &build) const = 0;

  /// Adds what the manifest records of the target beyond its name (for
  /// example the exact code-generator triple) to `manifest.targetFields`.
  virtual void describe(Manifest &manifest) const {}
};

/// Adds `target` to the registry under its name, and under each of
/// `aliases` ("cpu" for "cpu:host").
void registerTarget(std::unique_ptr<Target> target,
                    llvm::ArrayRef<llvm::StringRef> aliases = {});

/// The target registered as `name` (or an alias), or null.
const Target *lookupTarget(llvm::StringRef name);

/// Every registered name with its description, in registration order, as
/// --help and unknown-target errors list them.
std::string describeTargets();

/// Looks up `name`; on failure `error` says so and lists the targets.
const Target *lookupTarget(llvm::StringRef name, std::string &error);

} // namespace lcp

#endif // LCP_TARGETS_TARGET_H
