//===- RemoteDriver.h - Units that run on lcp-workers -----------*- C++ -*-===//
//
// The coordinator's side of distributed execution, behind the runtime's
// driver interface: the placement's devices are mapped onto workers, the
// package's code and weights are shipped to each worker once, and every
// group of units that a run places on a device becomes one Run call with
// the values it reads. Units without a remote device run in this process
// through the local driver.
//
// Failover: a worker that cannot be reached, misses the call's deadline or
// answers with results of the wrong value, dtype, shape or size is marked
// down, and the group runs again on another live worker or locally, so an
// answer is never lost or wrong. A prober thread calls Health on workers
// that are down, with a backoff from 100 ms doubling to 5 s, and ships the
// package again to one that restarted; it then rejoins.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_RUNTIME_DISTRIBUTED_REMOTEDRIVER_H
#define LCP_RUNTIME_DISTRIBUTED_REMOTEDRIVER_H

#include "runtime/distributed/Protocol.h"
#include "runtime/drivers/UnitDriver.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace lcp::distributed {

struct RemoteOptions {
  /// Worker addresses ("host:port"), or "device=host:port" to give a
  /// placement's device its worker. Plain addresses take the package's
  /// devices in the order units first name them, wrapping around when
  /// there are fewer workers than devices; an unplaced package's branches
  /// (and parts) go round-robin over them.
  std::vector<std::string> workers;
  /// Sent with every call (the workers' --token-file).
  std::string token;
  /// PEM file of the certificate authority that signed the workers'
  /// certificates; TLS is used when set.
  std::string tlsCa;
  /// Allows a non-loopback worker without TLS and token.
  bool insecure = false;
  /// The deadline of one Run call; a worker that misses it is routed
  /// around.
  int deadlineMs = 10000;
  /// The deadline of connecting, Health and Load.
  int connectMs = 5000;
  int64_t maxMessageBytes = kDefaultMaxMessageBytes;
  /// Emulation only (bench/distributed): added before each request and
  /// after each reply, the one-way latency of a link that the machine
  /// cannot shape itself (the paper's WiFi: 8.8 ms).
  double emulatedLatencyMs = 0;
};

/// What each worker has done, for `lcp-run --stats` and the benchmark.
struct WorkerStats {
  std::string address;
  bool live = false;
  uint64_t calls = 0, failures = 0, bytesSent = 0, bytesReceived = 0;
  /// Times it became live (1 after a clean start; more after rejoins), and
  /// the calls it answered since the last.
  uint64_t joins = 0, callsSinceJoin = 0;
  /// The last failure, if any.
  std::string lastError;
};

class WorkerConnection;

class RemoteDriver final : public UnitDriver {
public:
  /// Connects to the workers of `options` for `package` (already loaded)
  /// and ships it to them. `local` runs the units that stay here and any
  /// group no worker can take. Configuration errors (a malformed address,
  /// TLS off loopback missing, a worker that refuses the token or cannot
  /// run the package's code) fail with `error`; a worker that cannot be
  /// reached yet starts down and joins when it answers.
  static std::unique_ptr<RemoteDriver>
  connect(const Package &package, std::unique_ptr<UnitDriver> local,
          const RemoteOptions &options, std::string &error);
  ~RemoteDriver() override;

  bool bind(const Package &package, std::string &error) override;
  bool run(const UnitCall &call, const LoopPlacement &loops,
           std::string &error) override;
  int deviceOf(size_t index) const override;
  bool runGroup(int device, const std::vector<const UnitCall *> &calls,
                std::string &error) override;

  std::vector<WorkerStats> stats() const;
  /// Worker `index`'s address, for as long as the driver lives.
  const char *address(size_t index) const;
  /// Groups that ran on a worker other than their own, or locally.
  uint64_t failovers() const { return failoverCount; }
  /// Whether every worker is live (waits up to `ms` for down ones).
  bool waitAllLive(int ms) const;

private:
  RemoteDriver() = default;
  bool tryWorker(WorkerConnection &worker,
                 const std::vector<const UnitCall *> &calls,
                 std::string &error);
  void probe();

  const Package *package = nullptr;
  /// manifest.json's text, shipped to workers, and its SHA-256, by which
  /// they name the package.
  std::string manifestText, packageId;
  std::unique_ptr<ManifestIndex> index;
  std::unique_ptr<UnitDriver> local;
  RemoteOptions options;
  std::vector<std::unique_ptr<WorkerConnection>> workers;
  /// Per unit: the worker that runs it, or -1 for here.
  std::vector<int> unitWorker;
  std::atomic<uint64_t> failoverCount{0};

  std::thread prober;
  mutable std::mutex proberLock;
  std::condition_variable proberWake;
  bool stopping = false;
};

} // namespace lcp::distributed

#endif // LCP_RUNTIME_DISTRIBUTED_REMOTEDRIVER_H
