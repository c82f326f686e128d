//===- Model.cpp - The C API: loading and running packages ----------------===//
//
// The runtime's C API over its three parts: the package format
// (runtime/format), the executor that schedules the unit graph
// (runtime/executor) and the driver that runs each unit's code
// (runtime/drivers; Halide CPU code today).
//
//===----------------------------------------------------------------------===//

#ifdef LCP_RUNTIME_DISTRIBUTED
#include "runtime/distributed/RemoteDriver.h"
#endif
#include "runtime/drivers/HalideCpuDriver.h"
#include "runtime/executor/Executor.h"
#include "runtime/format/Package.h"
#include "runtime/include/lcp_runtime.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

thread_local std::string lastError;

lcp_status fail(lcp_status status, std::string message) {
  lastError = std::move(message);
  return status;
}

} // namespace

struct lcp_model {
  lcp::Package package;
  std::unique_ptr<lcp::UnitDriver> driver;
  /// One per inference in flight; the first runs lcp_model_run.
  std::vector<std::unique_ptr<lcp::Executor>> executors;
  int threads = 1;
#ifdef LCP_RUNTIME_DISTRIBUTED
  lcp::distributed::RemoteDriver *remote = nullptr; // owned by `driver`
#endif
};

namespace {

/// Reads and checks the manifest and weights of `dir` into `model`.
lcp_status readPackage(const char *dir, lcp_model &model) {
  std::string error;
  if (lcp::loadPackage(dir, model.package, error))
    return LCP_OK;
  return fail(error.find("cannot read") != std::string::npos ? LCP_ERROR_IO
                                                             : LCP_ERROR_FORMAT,
              error);
}

/// An executor for one more inference in flight, with its values.
lcp_status addExecutor(lcp_model &model) {
  auto executor = std::make_unique<lcp::Executor>(model.package, *model.driver);
  std::string error;
  if (!executor->allocate(error))
    return fail(LCP_ERROR_IO, error);
  executor->setThreads(model.threads);
  model.executors.push_back(std::move(executor));
  return LCP_OK;
}

/// Binds the driver to the package and allocates the values.
lcp_status finishLoad(std::unique_ptr<lcp_model> model, lcp_model **out) {
  std::string error;
  if (!model->driver->bind(model->package, error))
    return fail(LCP_ERROR_FORMAT, error);
  if (lcp_status s = addExecutor(*model); s != LCP_OK)
    return s;
  *out = model.release();
  return LCP_OK;
}

/// Reads the package in `packageDir` into `model` and opens its own code,
/// cpu/libmodel.so, listed in the manifest.
lcp_status openPackage(const char *packageDir, lcp_model &model,
                       std::unique_ptr<lcp::HalideCpuDriver> &driver) {
  if (lcp_status s = readPackage(packageDir, model); s != LCP_OK)
    return s;
  std::string path = std::string(packageDir) + "/cpu/libmodel.so";
  if (!model.package.checksums.count("cpu/libmodel.so"))
    return fail(LCP_ERROR_FORMAT, path + ": not listed in the manifest (is "
                                         "this a cpu package?)");
  std::string error;
  bool unreadable = false;
  driver = lcp::HalideCpuDriver::open(path, error, unreadable);
  if (!driver)
    return fail(unreadable ? LCP_ERROR_IO : LCP_ERROR_FORMAT, error);
  return LCP_OK;
}

bool checkArrays(const lcp_model &m, const float *const *inputs,
                 float *const *outputs, const char *what, size_t sample) {
  for (size_t i = 0; i < m.package.inputs.size(); ++i)
    if (!inputs[sample * m.package.inputs.size() + i]) {
      fail(LCP_ERROR_ARGUMENT,
           std::string(what) + ": input " + std::to_string(i) + " is null");
      return false;
    }
  for (size_t i = 0; i < m.package.outputs.size(); ++i)
    if (!outputs[sample * m.package.outputs.size() + i]) {
      fail(LCP_ERROR_ARGUMENT,
           std::string(what) + ": output " + std::to_string(i) + " is null");
      return false;
    }
  return true;
}

} // namespace

extern "C" {

lcp_status lcp_model_load_linked(const char *packageDir,
                                 const lcp_unit_entry *units, int numUnits,
                                 lcp_model **out) {
  if (!packageDir || !out || (!units && numUnits))
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_load: null argument");
  auto model = std::make_unique<lcp_model>();
  if (lcp_status s = readPackage(packageDir, *model); s != LCP_OK)
    return s;
  std::vector<lcp::HalideCpuDriver::Entry> entries;
  for (int i = 0; i < numUnits; ++i)
    entries.push_back({units[i].id, units[i].argv});
  model->driver = lcp::HalideCpuDriver::forLinkedCode(std::move(entries));
  return finishLoad(std::move(model), out);
}

lcp_status lcp_model_load(const char *packageDir, lcp_model **out) {
  if (!packageDir || !out)
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_load: null argument");
  auto model = std::make_unique<lcp_model>();
  std::unique_ptr<lcp::HalideCpuDriver> code;
  if (lcp_status s = openPackage(packageDir, *model, code); s != LCP_OK)
    return s;
  model->driver = std::move(code);
  return finishLoad(std::move(model), out);
}

lcp_status lcp_model_load_distributed(const char *packageDir,
                                      const lcp_distributed_options *options,
                                      lcp_model **out) {
  if (!packageDir || !options || !out)
    return fail(LCP_ERROR_ARGUMENT,
                "lcp_model_load_distributed: null argument");
#ifdef LCP_RUNTIME_DISTRIBUTED
  lcp::distributed::RemoteOptions remote;
  std::stringstream list(options->workers ? options->workers : "");
  for (std::string worker; std::getline(list, worker, ',');)
    if (!worker.empty())
      remote.workers.push_back(worker);
  remote.token = options->token ? options->token : "";
  remote.tlsCa = options->tls_ca ? options->tls_ca : "";
  remote.insecure = options->insecure != 0;
  if (options->deadline_ms < 0)
    return fail(LCP_ERROR_ARGUMENT,
                "lcp_model_load_distributed: negative deadline");
  if (options->deadline_ms > 0)
    remote.deadlineMs = options->deadline_ms;
  if (!(options->emulated_latency_ms >= 0 &&
        options->emulated_latency_ms <= 10000))
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_load_distributed: emulated "
                                    "latency must be from 0 to 10000 ms");
  remote.emulatedLatencyMs = options->emulated_latency_ms;
  auto model = std::make_unique<lcp_model>();
  std::unique_ptr<lcp::HalideCpuDriver> code;
  if (lcp_status s = openPackage(packageDir, *model, code); s != LCP_OK)
    return s;
  // finishLoad binds the remote driver, which binds the local code that
  // runs what no worker takes.
  std::string error;
  auto driver = lcp::distributed::RemoteDriver::connect(
      model->package, std::move(code), remote, error);
  if (!driver)
    return fail(LCP_ERROR_ARGUMENT, packageDir + std::string(": ") + error);
  model->remote = driver.get();
  model->driver = std::move(driver);
  return finishLoad(std::move(model), out);
#else
  (void)options;
  return fail(LCP_ERROR_ARGUMENT,
              "lcp_model_load_distributed: this runtime was built without "
              "gRPC (LCP_RUNTIME_DISTRIBUTED=OFF)");
#endif
}

lcp_status lcp_model_distributed_stats(const lcp_model *m,
                                       lcp_distributed_stats *stats) {
  if (!m || !stats)
    return fail(LCP_ERROR_ARGUMENT,
                "lcp_model_distributed_stats: null argument");
  *stats = lcp_distributed_stats{};
#ifdef LCP_RUNTIME_DISTRIBUTED
  if (m->remote) {
    for (const lcp::distributed::WorkerStats &w : m->remote->stats()) {
      ++stats->workers;
      stats->live += w.live;
      stats->calls += w.calls;
      stats->failures += w.failures;
      stats->bytes_sent += w.bytesSent;
      stats->bytes_received += w.bytesReceived;
    }
    stats->failovers = m->remote->failovers();
  }
#endif
  return LCP_OK;
}

void lcp_model_free(lcp_model *model) { delete model; }

int lcp_model_num_inputs(const lcp_model *m) {
  return m ? static_cast<int>(m->package.inputs.size()) : 0;
}
int lcp_model_num_outputs(const lcp_model *m) {
  return m ? static_cast<int>(m->package.outputs.size()) : 0;
}

static const lcp::TensorInfo *tensorAt(const std::vector<lcp::TensorInfo> &v,
                                       int i) {
  return i >= 0 && static_cast<size_t>(i) < v.size() ? &v[i] : nullptr;
}

const char *lcp_model_input_name(const lcp_model *m, int i) {
  auto t = m ? tensorAt(m->package.inputs, i) : nullptr;
  return t ? t->name.c_str() : nullptr;
}
const char *lcp_model_output_name(const lcp_model *m, int i) {
  auto t = m ? tensorAt(m->package.outputs, i) : nullptr;
  return t ? t->name.c_str() : nullptr;
}
int lcp_model_input_rank(const lcp_model *m, int i) {
  auto t = m ? tensorAt(m->package.inputs, i) : nullptr;
  return t ? static_cast<int>(t->shape.size()) : -1;
}
int lcp_model_output_rank(const lcp_model *m, int i) {
  auto t = m ? tensorAt(m->package.outputs, i) : nullptr;
  return t ? static_cast<int>(t->shape.size()) : -1;
}
const int64_t *lcp_model_input_shape(const lcp_model *m, int i) {
  auto t = m ? tensorAt(m->package.inputs, i) : nullptr;
  return t ? t->shape.data() : nullptr;
}
const int64_t *lcp_model_output_shape(const lcp_model *m, int i) {
  auto t = m ? tensorAt(m->package.outputs, i) : nullptr;
  return t ? t->shape.data() : nullptr;
}

lcp_status lcp_model_worker_stats(const lcp_model *m, int index,
                                  lcp_worker_stats *stats) {
  if (!m || !stats)
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_worker_stats: null argument");
#ifdef LCP_RUNTIME_DISTRIBUTED
  if (m->remote) {
    std::vector<lcp::distributed::WorkerStats> all = m->remote->stats();
    if (index >= 0 && static_cast<size_t>(index) < all.size()) {
      const lcp::distributed::WorkerStats &w = all[index];
      stats->address = m->remote->address(index);
      stats->live = w.live;
      stats->joins = w.joins;
      stats->calls = w.calls;
      stats->calls_since_join = w.callsSinceJoin;
      stats->failures = w.failures;
      return LCP_OK;
    }
  }
#endif
  return fail(LCP_ERROR_ARGUMENT,
              "lcp_model_worker_stats: no worker " + std::to_string(index));
}

lcp_status lcp_model_set_threads(lcp_model *m, int threads) {
  if (!m || threads < 1)
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_set_threads: need a model and "
                                    "threads >= 1");
  m->threads = threads;
  for (auto &executor : m->executors)
    executor->setThreads(threads);
  return LCP_OK;
}

lcp_status lcp_model_set_in_flight(lcp_model *m, int count) {
  if (!m || count < 1 || count > 256)
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_set_in_flight: need a model "
                                    "and 1 to 256 inferences");
  if (static_cast<size_t>(count) < m->executors.size())
    m->executors.resize(count);
  while (m->executors.size() < static_cast<size_t>(count))
    if (lcp_status s = addExecutor(*m); s != LCP_OK)
      return s;
  return LCP_OK;
}

lcp_status lcp_model_run_many(lcp_model *m, int count,
                              const float *const *inputs,
                              float *const *outputs) {
  if (!m || count < 0 || (count && (!inputs || !outputs)))
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_run_many: null argument");
  for (int k = 0; k < count; ++k)
    if (!checkArrays(*m, inputs, outputs, "lcp_model_run_many", k))
      return LCP_ERROR_ARGUMENT;
  // Each in-flight slot takes the next inference until none is left.
  std::atomic<int> next{0};
  std::atomic<bool> ok{true};
  std::mutex errorLock;
  std::string firstError;
  auto slot = [&](lcp::Executor &executor) {
    for (int k; ok && (k = next++) < count;) {
      std::string error;
      if (!executor.run(inputs + k * m->package.inputs.size(),
                        outputs + k * m->package.outputs.size(), error)) {
        std::lock_guard<std::mutex> guard(errorLock);
        if (ok.exchange(false))
          firstError = "inference " + std::to_string(k) + ": " + error;
      }
    }
  };
  size_t slots = std::min<size_t>(m->executors.size(), count);
  std::vector<std::thread> threads;
  for (size_t i = 1; i < slots; ++i)
    threads.emplace_back(slot, std::ref(*m->executors[i]));
  if (slots > 0)
    slot(*m->executors[0]);
  for (std::thread &t : threads)
    t.join();
  if (!ok)
    return fail(LCP_ERROR_EXECUTION, firstError);
  return LCP_OK;
}

lcp_status lcp_model_run(lcp_model *m, const float *const *inputs,
                         float *const *outputs) {
  if (!m || !inputs || !outputs)
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_run: null argument");
  if (!checkArrays(*m, inputs, outputs, "lcp_model_run", 0))
    return LCP_ERROR_ARGUMENT;
  std::string error;
  if (!m->executors.front()->run(inputs, outputs, error))
    return fail(LCP_ERROR_EXECUTION, error);
  return LCP_OK;
}

const char *lcp_last_error(void) { return lastError.c_str(); }

} // extern "C"
