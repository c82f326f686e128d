//===- Cluster.h - Devices and links that placement spreads units over -*- C++
//-*-===//
//
// A cluster is a set of devices joined by a network: the place a
// distributed LCP model runs. Its description is a JSON file (format
// "lcp-cluster", docs/Clusters.md); lcp ships the paper's setups as presets
// (targets/cluster/presets/, built into the binary), found by name. The
// placement pass (--lcp-place) reads it, assigns units to its devices and
// records the description in the IR, where the report's cost model and the
// package read it.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_TARGETS_CLUSTER_CLUSTER_H
#define LCP_TARGETS_CLUSTER_CLUSTER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lcp {

/// One member of a cluster.
struct ClusterDevice {
  std::string name;
  /// The registered target that compiles the units placed here ("cpu:rpi3").
  std::string kind;
  /// Sustained multiply-accumulates per second on lcp's convolutions.
  double macsPerSecond = 0;
  /// The numbers as the description gives them, so that it is written back
  /// exactly; the accessors convert.
  double memoryMb = 0;
  /// The device's link: its own on a switched network, the medium's on a
  /// shared one.
  double bandwidthMbps = 0;
  double latencyMs = 0;

  int64_t memoryBytes() const {
    return static_cast<int64_t>(memoryMb * 1024 * 1024);
  }
  double linkBitsPerSecond() const { return bandwidthMbps * 1e6; }
  double linkLatencySeconds() const { return latencyMs * 1e-3; }
};

struct Cluster {
  enum class Medium {
    /// One channel that every transfer takes in turn (WiFi).
    Shared,
    /// A link per device through a switch: transfers on different links
    /// overlap.
    Switched,
  };

  std::string name;
  std::string description;
  Medium medium = Medium::Switched;
  std::vector<ClusterDevice> devices;
  /// The device that holds the model's input and receives its outputs.
  size_t coordinator = 0;

  /// The index of the device named `name`, if there is one.
  std::optional<size_t> indexOf(llvm::StringRef name) const;
};

/// Parses and checks a cluster description; errors name `fileName`, the
/// field and the problem.
llvm::Expected<Cluster> parseCluster(llvm::StringRef text,
                                     llvm::StringRef fileName);

/// Reads `nameOrPath`: a preset's name ("rpi3-wifi-8") or a JSON file.
llvm::Expected<Cluster> loadCluster(llvm::StringRef nameOrPath);

/// The description in the form parseCluster reads (every device listed
/// with its own numbers), which the IR keeps.
llvm::json::Value toJson(const Cluster &cluster);

/// The names of the presets, as loadCluster finds them.
std::vector<std::string> clusterPresetNames();

} // namespace lcp

#endif // LCP_TARGETS_CLUSTER_CLUSTER_H
