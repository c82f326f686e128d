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
    return finishAt(end);
  }

  /// lcp's runtime: the units of each run (consecutive units that read none
  /// of each other's results, as runtime/executor plans them) go to their
  /// devices in one call per device; a call's request carries every value
  /// its units read from outside the group, from the coordinator, and its
  /// reply every result back; the next run starts when the last reply is
  /// in. Units on the coordinator run there, one at a time.
  SimResult runCalls(const SimGraph &graph) {
    std::map<std::string, int64_t> bytesOf;
    for (const SimValue &v : graph.inputs)
      bytesOf[v.name] = v.bytes;
    size_t coordinator = cluster.coordinator;
    double now = 0;
    const std::vector<SimUnit> &units = graph.units;
    for (size_t begin = 0; begin < units.size();) {
      size_t end = begin + 1;
      while (end < units.size() && readsNoneOf(units, end, begin, end))
        ++end;
      // The run's calls: one per device, its units in order.
      struct Call {
        size_t device;
        int64_t in = 0, out = 0;
        double seconds = 0;
      };
      std::vector<Call> calls;
      double runEnd = now, coordinatorFree = now;
      for (size_t i = begin; i < end; ++i) {
        const SimUnit &u = units[i];
        if (u.device == coordinator) {
          coordinatorFree += u.seconds;
          result.devices[coordinator].computeSeconds += u.seconds;
          runEnd = std::max(runEnd, coordinatorFree);
          continue;
        }
        auto call =
            std::find_if(calls.begin(), calls.end(),
                         [&](const Call &c) { return c.device == u.device; });
        if (call == calls.end())
          call = calls.insert(calls.end(), Call{u.device});
        call->seconds += u.seconds;
        for (const SimValue &o : u.outputs)
          call->out += o.bytes;
      }
      deviceFree[coordinator] =
          std::max(deviceFree[coordinator], coordinatorFree);
      for (Call &call : calls) {
        std::vector<std::string> defined, read;
        for (size_t i = begin; i < end; ++i) {
          const SimUnit &u = units[i];
          if (u.device != call.device)
            continue;
          for (const std::string &v : u.inputs)
            if (std::find(defined.begin(), defined.end(), v) == defined.end() &&
                std::find(read.begin(), read.end(), v) == read.end()) {
              read.push_back(v);
              call.in += bytesOf.at(v);
            }
          for (const SimValue &o : u.outputs)
            defined.push_back(o.name);
        }
      }
      // Every request goes out at the run's start, then each device
      // computes and replies.
      std::vector<double> arrived;
      for (const Call &call : calls)
        arrived.push_back(
            transferBytes(call.in, coordinator, call.device, now));
      for (size_t k = 0; k < calls.size(); ++k) {
        const Call &call = calls[k];
        double start = std::max(arrived[k], deviceFree[call.device]);
        deviceFree[call.device] = start + call.seconds;
        result.devices[call.device].computeSeconds += call.seconds;
        runEnd =
            std::max(runEnd, transferBytes(call.out, call.device, coordinator,
                                           start + call.seconds));
      }
      for (size_t i = begin; i < end; ++i)
        for (const SimValue &o : units[i].outputs)
          bytesOf[o.name] = o.bytes;
      now = runEnd;
      begin = end;
    }
    return finishAt(now);
  }

private:
  static bool readsNoneOf(const std::vector<SimUnit> &units, size_t unit,
                          size_t begin, size_t end) {
    for (size_t k = begin; k < end; ++k)
      for (const SimValue &o : units[k].outputs)
        if (std::find(units[unit].inputs.begin(), units[unit].inputs.end(),
                      o.name) != units[unit].inputs.end())
          return false;
    return true;
  }

  SimResult finishAt(double end) {
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

  /// Sends `value` from `from` to `to`, ready at `ready`; returns when it
  /// has arrived.
  double transfer(const std::string &value, size_t from, size_t to,
                  double ready) {
    return transferBytes(sizes.at(value), from, to, ready);
  }

  /// One message of `bytes` from `from` to `to`.
  double transferBytes(int64_t bytes, size_t from, size_t to, double ready) {
    const ClusterDevice &a = cluster.devices[from], &b = cluster.devices[to];
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
  if (routing == Routing::Calls)
    return sim.runCalls(graph);
  for (const SimValue &input : graph.inputs)
    sim.place(input.name, input.bytes, cluster.coordinator, 0.0);
  for (const SimUnit &unit : graph.units)
    sim.run(unit);
  return sim.finish(graph.outputs);
}
