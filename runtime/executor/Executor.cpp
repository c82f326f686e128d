//===- Executor.cpp - Runs a package's unit graph -------------------------===//

#include "runtime/executor/Executor.h"
#include "runtime/executor/ThreadPool.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>

namespace lcp {

Executor::Executor(const Package &package, UnitDriver &driver)
    : package(package), driver(driver) {
  // The runs of units that may go side by side, planned once.
  const std::vector<UnitInfo> &units = package.units;
  size_t widest = 0;
  for (size_t begin = 0; begin < units.size();) {
    size_t end = begin + 1;
    while (end < units.size() && readsNoneOf(units[end], begin, end))
      ++end;
    Run run;
    for (size_t i = begin; i < end; ++i) {
      int device = driver.deviceOf(i);
      auto same = std::find_if(
          run.groups.begin(), run.groups.end(),
          [&](const Group &g) { return device >= 0 && g.device == device; });
      if (same == run.groups.end())
        run.groups.push_back({device, {i}});
      else
        same->units.push_back(i);
      run.remote |= device >= 0;
    }
    if (run.remote)
      widest = std::max(widest, run.groups.size());
    runs.push_back(std::move(run));
    begin = end;
  }
  if (widest > 1)
    remotePool = std::make_unique<ThreadPool>(static_cast<int>(widest) - 1);
}

Executor::~Executor() = default;

bool Executor::allocate(std::string &error) {
  auto allocate = [&](const TensorInfo &t) {
    Value &v = values[t.value];
    v.bytes = static_cast<size_t>(t.numElements()) *
              static_cast<size_t>(storageBytes(t.type));
    // aligned_alloc wants a multiple of the alignment, and not zero.
    size_t rounded = std::max<size_t>(64, (v.bytes + 63) / 64 * 64);
    v.data.reset(static_cast<uint8_t *>(std::aligned_alloc(64, rounded)));
    if (!v.data)
      return false;
    std::memset(v.data.get(), 0, rounded);
    return true;
  };
  bool ok = true;
  std::map<std::string, const TensorInfo *> infos;
  for (const TensorInfo &t : package.inputs) {
    ok = ok && allocate(t);
    infos[t.value] = &t;
  }
  for (const UnitInfo &u : package.units)
    for (const TensorInfo &t : u.outputs) {
      ok = ok && allocate(t);
      infos[t.value] = &t;
    }
  if (!ok) {
    error = package.dir + ": out of memory for the model's values";
    return false;
  }

  auto valueArray = [&](const std::string &name) {
    const TensorInfo &t = *infos.at(name);
    return ArrayRef{values.at(name).data.get(), t.type, &t.shape};
  };
  calls.clear();
  for (size_t i = 0; i < package.units.size(); ++i) {
    const UnitInfo &u = package.units[i];
    UnitCall call;
    call.unit = &u;
    call.index = i;
    for (const std::string &v : u.inputs)
      call.inputs.push_back(valueArray(v));
    for (const std::string &w : u.weights) {
      const WeightTensor &t = package.weights.at(w);
      call.weights.push_back(
          ArrayRef{const_cast<void *>(t.data), t.type, &t.shape});
    }
    for (const TensorInfo &t : u.outputs)
      call.outputs.push_back(valueArray(t.value));
    calls.push_back(std::move(call));
  }
  return true;
}

ThreadPool &Executor::threadPool() {
  if (!pool || poolWorkers != threads - 1) {
    pool = std::make_unique<ThreadPool>(threads - 1);
    poolWorkers = threads - 1;
  }
  return *pool;
}

bool Executor::runGroup(const Group &group, const LoopPlacement &loops,
                        std::string &error) {
  if (group.device < 0)
    return driver.run(calls[group.units.front()], loops, error);
  std::vector<const UnitCall *> groupCalls;
  for (size_t i : group.units)
    groupCalls.push_back(&calls[i]);
  return driver.runGroup(group.device, groupCalls, error);
}

bool Executor::runInOrder(const Run &run, std::string &error) {
  LoopPlacement loops{threads > 1 ? &threadPool() : nullptr, threads};
  for (const Group &group : run.groups)
    if (!runGroup(group, loops, error))
      return false;
  return true;
}

bool Executor::runSideBySide(const Run &run, ThreadPool &sideBySide,
                             std::string &error) {
  std::atomic<bool> ok{true};
  std::mutex errorLock;
  sideBySide.parallelFor(run.groups.size(), [&](size_t k) {
    std::string groupError;
    if (!runGroup(run.groups[k], LoopPlacement{nullptr, 0}, groupError)) {
      std::lock_guard<std::mutex> guard(errorLock);
      if (ok.exchange(false))
        error = groupError;
    }
  });
  return ok;
}

/// Whether `unit` reads no result of units [begin, end), so that it can run
/// beside them: the branches of an LCP model, or the parts of one layer
/// under channel placement.
bool Executor::readsNoneOf(const UnitInfo &unit, size_t begin,
                           size_t end) const {
  for (size_t k = begin; k < end; ++k)
    for (const TensorInfo &output : package.units[k].outputs)
      if (std::find(unit.inputs.begin(), unit.inputs.end(), output.value) !=
          unit.inputs.end())
        return false;
  return true;
}

bool Executor::run(const float *const *inputs, float *const *outputs,
                   std::string &error) {
  for (size_t i = 0; i < package.inputs.size(); ++i) {
    const TensorInfo &t = package.inputs[i];
    // Model inputs and outputs are f32 (checked at load).
    std::memcpy(values.at(t.value).data.get(), inputs[i],
                static_cast<size_t>(t.numElements()) * sizeof(float));
  }
  driver.beginInference();
  bool ok = true;
  for (const Run &run : runs) {
    if (run.groups.size() > 1 && run.remote)
      ok = runSideBySide(run, *remotePool, error);
    else if (run.groups.size() > 1 && threads > 1)
      ok = runSideBySide(run, threadPool(), error);
    else
      ok = runInOrder(run, error);
    if (!ok)
      break;
  }
  driver.endInference();
  if (!ok)
    return false;
  for (size_t i = 0; i < package.outputs.size(); ++i) {
    const Value &v = values.at(package.outputs[i].value);
    std::memcpy(outputs[i], v.data.get(), v.bytes);
  }
  return true;
}

} // namespace lcp
