//===- HalideCpuDriver.h - Units compiled by Halide for a CPU ---*- C++ -*-===//
//
// Runs the Halide pipelines of a cpu package: from a libmodel.a linked into
// the app, or from the package's cpu/libmodel.so. Each call passes Halide
// buffers that describe the executor's own arrays, so nothing is copied,
// and Halide's parallel loops run on the executor's thread pool.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_RUNTIME_DRIVERS_HALIDECPUDRIVER_H
#define LCP_RUNTIME_DRIVERS_HALIDECPUDRIVER_H

#include "runtime/drivers/UnitDriver.h"

#include "HalideRuntime.h"

#include <memory>
#include <string>
#include <vector>

namespace lcp {

class HalideCpuDriver final : public UnitDriver {
public:
  /// A unit's pipeline, called with its buffers in manifest order.
  using UnitFunction = int (*)(void **);
  struct Entry {
    std::string id;
    UnitFunction function;
  };

  /// The units of code linked into this process, with the Halide runtime
  /// that came with it (if any).
  static std::unique_ptr<HalideCpuDriver>
  forLinkedCode(std::vector<Entry> entries);

  /// The units of the shared library at `path`. On failure returns null
  /// with `error` set; `unreadable` tells a library that could not be
  /// loaded from one that is not a package's code.
  static std::unique_ptr<HalideCpuDriver>
  open(const std::string &path, std::string &error, bool &unreadable);

  ~HalideCpuDriver() override;

  bool bind(const Package &package, std::string &error) override;
  bool run(const UnitCall &call, const LoopPlacement &loops,
           std::string &error) override;

private:
  HalideCpuDriver() = default;
  /// Points the code's parallel loops at the executor's pools.
  void installParallelLoops();

  void *library = nullptr;
  std::vector<Entry> entries;
  std::vector<UnitFunction> functions; // per unit of the bound package
  /// The Halide runtime's thread-pool size and parallel-loop hook, in the
  /// package's code.
  int (*setHalideThreads)(int) = nullptr;
  halide_do_par_for_t (*setParFor)(halide_do_par_for_t) = nullptr;
};

} // namespace lcp

#endif // LCP_RUNTIME_DRIVERS_HALIDECPUDRIVER_H
