//===- UnitDriver.h - How a unit's code runs on its device ------*- C++ -*-===//
//
// The executor (runtime/executor) decides which unit runs when and owns the
// values; a driver runs one unit's code on its device. Halide CPU code is
// the first driver (HalideCpuDriver); remote devices (RemoteDriver, in
// runtime/distributed) and an FPGA are other implementations of the same
// interface.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_RUNTIME_DRIVERS_UNITDRIVER_H
#define LCP_RUNTIME_DRIVERS_UNITDRIVER_H

#include "runtime/format/Package.h"

#include <cstdint>
#include <string>
#include <vector>

namespace lcp {

class ThreadPool;

/// A dense row-major array: a value of an inference or a weight.
struct ArrayRef {
  void *data = nullptr;
  ElementType type = ElementType::F32;
  const std::vector<int64_t> *shape = nullptr;
};

/// One call of a unit: its inputs, weights and outputs, in manifest order.
struct UnitCall {
  const UnitInfo *unit = nullptr;
  size_t index = 0; // the unit's position in the manifest
  std::vector<ArrayRef> inputs, weights, outputs;
};

/// Where a unit's parallel loops run.
struct LoopPlacement {
  /// The pool to spread them over, or null to run them on the calling
  /// thread.
  ThreadPool *pool = nullptr;
  /// The threads the unit has to itself (the pool's workers and the
  /// caller), or 0 when units run side by side, one thread each.
  int threads = 1;
};

class UnitDriver {
public:
  virtual ~UnitDriver();

  /// Checks that the driver has code for every unit of `package`; on
  /// failure returns false with `error` naming the unit.
  virtual bool bind(const Package &package, std::string &error) = 0;

  /// Runs `call` with its parallel loops placed as `loops` says. On
  /// failure returns false with `error` naming the unit and the problem.
  /// Called from several threads at once for units that run side by side.
  virtual bool run(const UnitCall &call, const LoopPlacement &loops,
                   std::string &error) = 0;

  /// Where unit `index` of the bound package runs: -1 for this process
  /// (units of a run go side by side on its threads), else a device of
  /// the driver's. Units of one run on the same device go to runGroup
  /// together, so that a value they share crosses to the device once.
  virtual int deviceOf(size_t index) const { return -1; }

  /// Runs `calls`, units of one run on device `device` (>= 0), in order.
  /// Called from several threads at once for different devices.
  virtual bool runGroup(int device, const std::vector<const UnitCall *> &calls,
                        std::string &error) {
    for (const UnitCall *call : calls)
      if (!run(*call, LoopPlacement{nullptr, 0}, error))
        return false;
    return true;
  }

  /// Called around each inference (from the thread that runs it).
  virtual void beginInference() {}
  virtual void endInference() {}
};

} // namespace lcp

#endif // LCP_RUNTIME_DRIVERS_UNITDRIVER_H
