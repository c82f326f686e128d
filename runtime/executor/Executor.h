//===- Executor.h - Runs a package's unit graph -----------------*- C++ -*-===//
//
// The executor owns an inference's values and decides which unit runs
// when, and on how many threads; a UnitDriver runs each unit's code. Units
// run in manifest order, except that consecutive units that read none of
// each other's results (an LCP model's branches, the parts of one layer
// under channel placement) run side by side when there are several
// threads, each single-threaded inside. A unit alone (a stem, the merge, a
// whole model) spreads its loops over every thread. Units that the driver
// places on other devices (runtime/distributed) go to it in one group per
// device and run, each device's group on a thread of its own, beside the
// units of this process.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_RUNTIME_EXECUTOR_EXECUTOR_H
#define LCP_RUNTIME_EXECUTOR_EXECUTOR_H

#include "runtime/drivers/UnitDriver.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lcp {

class ThreadPool;

class Executor {
public:
  /// `package` and `driver` (already bound to it) outlive the executor.
  Executor(const Package &package, UnitDriver &driver);
  ~Executor();

  /// Allocates every value an inference defines (model inputs, unit
  /// results), zero-filled and 64-byte aligned (a cache line; more than
  /// any vector load needs). Returns false with `error` when out of
  /// memory.
  bool allocate(std::string &error);

  void setThreads(int count) { threads = count; }

  /// Copies `inputs` (one f32 array per model input, none null) in, runs
  /// every unit and copies the model outputs to `outputs` (none null).
  bool run(const float *const *inputs, float *const *outputs,
           std::string &error);

private:
  /// Units of one run that go to the driver together: one unit of this
  /// process, or every unit of the run on one of the driver's devices.
  struct Group {
    int device = -1;
    std::vector<size_t> units;
  };
  struct Run {
    std::vector<Group> groups;
    bool remote = false; // some group runs on another device
  };

  bool readsNoneOf(const UnitInfo &unit, size_t begin, size_t end) const;
  bool runGroup(const Group &group, const LoopPlacement &loops,
                std::string &error);
  bool runInOrder(const Run &run, std::string &error);
  bool runSideBySide(const Run &run, ThreadPool &pool, std::string &error);
  ThreadPool &threadPool();

  struct Value {
    std::unique_ptr<uint8_t, decltype(&std::free)> data{nullptr, std::free};
    size_t bytes = 0;
  };

  const Package &package;
  UnitDriver &driver;
  std::map<std::string, Value> values;
  std::vector<UnitCall> calls; // per unit, pointing into `values`
  /// Consecutive units that read none of each other's results, grouped by
  /// device; planned once.
  std::vector<Run> runs;
  int threads = 1;
  std::unique_ptr<ThreadPool> pool;
  int poolWorkers = 0;
  /// Waits on the devices of runs with remote groups, one thread each.
  std::unique_ptr<ThreadPool> remotePool;
};

} // namespace lcp

#endif // LCP_RUNTIME_EXECUTOR_EXECUTOR_H
