//===- ClusterSimulator.h - What a placement costs on a cluster -*- C++ -*-===//
//
// The one cost model of distributed runs: a discrete-event simulation of
// a placed unit graph on a cluster's devices and network. The placement
// pass balances with it and --lcp-report prints it, from each unit's MACs
// and its device's rate; the distributed benchmark runs it with measured
// unit times to extend emulated runs to clusters this machine cannot
// emulate (bench/distributed/).
//
// The model:
//  - a unit starts when its device is free and its inputs are there, and
//    runs for its compute time;
//  - the model's inputs start at the coordinator, and its outputs must
//    reach it;
//  - a value crosses the network once per device that needs it; a value
//    stays where it was made for the units of the same device;
//  - a transfer takes the link's latency plus bytes / bandwidth; on a
//    shared medium transfers take turns on the one channel, on a switched
//    one each device has its own up and down link (full duplex);
//  - with Routing::Coordinator a value goes between two workers through
//    the coordinator: two transfers; Routing::Direct sends it straight,
//    the least any runtime must send (the model's inputs once to each
//    device that reads them, and each result once to each other device
//    that reads it). Both let devices keep what they made and send a
//    value as soon as it is made;
//  - Routing::Calls is what lcp's runtime does (runtime/distributed): one
//    call per device and run of units, its request carrying every value
//    the group reads from outside, from the coordinator, its reply every
//    result; the next run starts when the last reply is in;
//  - with many inferences in flight, the time per inference is that of the
//    busiest resource (a device's compute, the medium, or a link).
//
//===----------------------------------------------------------------------===//

#ifndef LCP_TARGETS_CLUSTER_CLUSTERSIMULATOR_H
#define LCP_TARGETS_CLUSTER_CLUSTERSIMULATOR_H

#include "targets/cluster/Cluster.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lcp {

/// A value of the unit graph and its size.
struct SimValue {
  std::string name; // "input:0", "b0:0", ...
  int64_t bytes = 0;
};

/// A unit as the simulation sees it.
struct SimUnit {
  std::string id;
  size_t device = 0;  // an index into the cluster's devices
  double seconds = 0; // its compute time on that device
  std::vector<std::string> inputs;
  std::vector<SimValue> outputs;
};

/// A placed unit graph, units in the order they run.
struct SimGraph {
  std::vector<SimValue> inputs;
  std::vector<std::string> outputs;
  std::vector<SimUnit> units;
};

enum class Routing { Coordinator, Direct, Calls };

struct DeviceUse {
  double computeSeconds = 0;
  int64_t bytesIn = 0, bytesOut = 0;
};

struct SimResult {
  /// One inference alone, from input at the coordinator to outputs there.
  double latencySeconds = 0;
  /// With inferences in flight: the busiest resource's time per inference.
  double secondsPerInference = 0;
  std::string bottleneck; // the resource that sets it: "device rpi2", ...
  int64_t bytesOnWire = 0;
  int64_t transfers = 0;
  std::vector<DeviceUse> devices; // per cluster device
};

/// Simulates `graph` on `cluster`. Values a unit reads must be model
/// inputs or results of earlier units (as UnitGraph guarantees).
SimResult simulate(const SimGraph &graph, const Cluster &cluster,
                   Routing routing);

} // namespace lcp

#endif // LCP_TARGETS_CLUSTER_CLUSTERSIMULATOR_H
