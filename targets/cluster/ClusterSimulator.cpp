//===- ClusterSimulator.cpp - What a placement costs on a cluster ---------===//

#include "targets/cluster/ClusterSimulator.h"

#include <algorithm>
#include <map>

using namespace lcp;

namespace {

class Simulation {
public:
  Simulation(const Cluster &cluster, Routing routing)
      : cluster(cluster), routing(routing),
        deviceFree(cluster.devices.size(), 0.0),
        upFree(cluster.devices.size(), 0.0),
        downFree(cluster.devices.size(), 0.0),
        upBusy(cluster.devices.size(), 0.0),
        downBusy(cluster.devices.size(), 0.0), result() {
    result.devices.resize(cluster.devices.size());
  }

  /// `value` (of `bytes`) is on `device` from time `at`.
  void place(const std::string &value, int64_t bytes, size_t device,
             double at) {
    sizes[value] = bytes;
    homes[value] = device;
    arrival[{value, device}] = at;
  }

  /// When `value` is on `device`, sending it there if it is not.
  double fetch(const std::string &value, size_t device) {
    auto it = arrival.find({value, device});
    if (it != arrival.end())
      return it->second;
    size_t home = homes.at(value);
    size_t coordinator = cluster.coordinator;
    double at;
    if (routing == Routing::Coordinator && home != coordinator &&
        device != coordinator)
      at = transfer(value, coordinator, device, fetch(value, coordinator));
    else
      at = transfer(value, home, device, arrival.at({value, home}));
    arrival[{value, device}] = at;
    return at;
  }

  void run(const SimUnit &unit) {
    double ready = deviceFree[unit.device];
    for (const std::string &input : unit.inputs)
      ready = std::max(ready, fetch(input, unit.device));
    double done = ready + unit.seconds;
    deviceFree[unit.device] = done;
    result.devices[unit.device].computeSeconds += unit.seconds;
    for (const SimValue &output : unit.outputs)
      place(output.name, output.bytes, unit.device, done);
  }

  SimResult finish(const std::vector<std::string> &outputs) {
    double end = 0;
    for (const std::string &output : outputs)
      end = std::max(end, fetch(output, cluster.coordinator));
    result.latencySeconds = end;
    // The busiest resource sets the pace of a pipeline of inferences.
    auto consider = [&](double seconds, std::string what) {
      if (seconds > result.secondsPerInference) {
        result.secondsPerInference = seconds;
        result.bottleneck = std::move(what);
      }
    };
    for (size_t d = 0; d < cluster.devices.size(); ++d)
      consider(result.devices[d].computeSeconds,
               "device " + cluster.devices[d].name);
    if (cluster.medium == Cluster::Medium::Shared) {
      consider(mediumBusy, "the shared medium");
    } else {
      for (size_t d = 0; d < cluster.devices.size(); ++d) {
        consider(upBusy[d], "the uplink of " + cluster.devices[d].name);
        consider(downBusy[d], "the downlink of " + cluster.devices[d].name);
      }
    }
    return result;
  }

private:
  /// Sends `value` from `from` to `to`, ready at `ready`; returns when it
  /// has arrived.
  double transfer(const std::string &value, size_t from, size_t to,
                  double ready) {
    const ClusterDevice &a = cluster.devices[from], &b = cluster.devices[to];
    int64_t bytes = sizes.at(value);
    double bandwidth = std::min(a.linkBitsPerSecond(), b.linkBitsPerSecond());
    double wire = static_cast<double>(bytes) * 8 / bandwidth;
    double latency = std::max(a.linkLatencySeconds(), b.linkLatencySeconds());
    double start;
    if (cluster.medium == Cluster::Medium::Shared) {
      start = std::max(ready, mediumFree);
      mediumFree = start + wire;
      mediumBusy += wire;
    } else {
      start = std::max({ready, upFree[from], downFree[to]});
      upFree[from] = downFree[to] = start + wire;
      upBusy[from] += wire;
      downBusy[to] += wire;
    }
    result.bytesOnWire += bytes;
    ++result.transfers;
    result.devices[from].bytesOut += bytes;
    result.devices[to].bytesIn += bytes;
    return start + wire + latency;
  }

  const Cluster &cluster;
  Routing routing;
  std::map<std::string, int64_t> sizes;
  std::map<std::string, size_t> homes;
  std::map<std::pair<std::string, size_t>, double> arrival;
  std::vector<double> deviceFree, upFree, downFree, upBusy, downBusy;
  double mediumFree = 0, mediumBusy = 0;
  SimResult result;
};

} // namespace

SimResult lcp::simulate(const SimGraph &graph, const Cluster &cluster,
                        Routing routing) {
  Simulation sim(cluster, routing);
  for (const SimValue &input : graph.inputs)
    sim.place(input.name, input.bytes, cluster.coordinator, 0.0);
  for (const SimUnit &unit : graph.units)
    sim.run(unit);
  return sim.finish(graph.outputs);
}
