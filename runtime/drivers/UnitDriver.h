//===- UnitDriver.h - How a unit's code runs on its device ------*- C++ -*-===//
//
// The executor (runtime/executor) decides which unit runs when and owns the
// values; a driver runs one unit's code on its device. Halide CPU code is
// the first driver (HalideCpuDriver); an FPGA or a remote device is another
// implementation of the same interface.
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

  /// Called around each inference (from the thread that runs it).
  virtual void beginInference() {}
  virtual void endInference() {}
};

} // namespace lcp

#endif // LCP_RUNTIME_DRIVERS_UNITDRIVER_H
