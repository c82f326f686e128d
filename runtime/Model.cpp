//===- Model.cpp - The C API: loading and running packages ----------------===//
//
// Runs the units of a package in manifest order. With more than one thread,
// the branches (which depend only on the model inputs) run in parallel and
// the merge runs once they are done. Each call into a unit passes Halide
// buffers that describe the runtime's own arrays, so nothing is copied.
//
//===----------------------------------------------------------------------===//

#include "runtime/format/Package.h"
#include "runtime/ThreadPool.h"
#include "runtime/include/lcp_runtime.h"

#include "HalideRuntime.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// Defined by the Halide runtime in a statically linked libmodel.a; null
// when the package's code is loaded with dlopen instead.
extern "C" __attribute__((weak)) halide_error_handler_t
halide_set_error_handler(halide_error_handler_t handler);
extern "C" __attribute__((weak)) int halide_set_num_threads(int n);
extern "C" __attribute__((weak)) halide_do_par_for_t
halide_set_custom_do_par_for(halide_do_par_for_t do_par_for);

namespace {

thread_local std::string lastError;
/// Halide reports a failure (a buffer of the wrong size, say) through its
/// error handler before the pipeline returns an error code; the default
/// handler aborts the process, so the runtime installs this one.
thread_local std::string halideMessage;

/// The pool that a Halide parallel loop started on this thread spreads
/// over; null to run it inline. Set while a unit that has the machine to
/// itself runs (a stem, the merge, a whole model); null in branches that
/// run side by side, each on one thread, and inside a loop's tasks.
thread_local lcp::ThreadPool *loopPool = nullptr;

/// Halide's parallel loops, on the model's own pool. Halide's own pool
/// would add threads that spin after each loop, taking cores from the
/// branches that run next.
int pooledParFor(void *context, halide_task_t task, int min, int size,
                 uint8_t *closure) {
  lcp::ThreadPool *pool = loopPool;
  if (!pool || size < 2) {
    for (int i = min; i < min + size; ++i)
      if (int result = task(context, i, closure))
        return result;
    return 0;
  }
  std::atomic<int> error{0};
  loopPool = nullptr;
  pool->parallelFor(size, [&](size_t k) {
    if (error == 0)
      if (int result = task(context, min + static_cast<int>(k), closure))
        error = result;
  });
  loopPool = pool;
  return error;
}

void recordHalideError(void *, const char *message) {
  halideMessage = message;
  while (!halideMessage.empty() && halideMessage.back() == '\n')
    halideMessage.pop_back();
}

lcp_status fail(lcp_status status, std::string message) {
  lastError = std::move(message);
  return status;
}

/// The Halide type of a package value's or weight's elements.
halide_type_t halideType(lcp::ElementType type) {
  switch (type) {
  case lcp::ElementType::I8:
    return halide_type_t(halide_type_int, 8);
  case lcp::ElementType::I16:
    return halide_type_t(halide_type_int, 16);
  case lcp::ElementType::I32:
    return halide_type_t(halide_type_int, 32);
  case lcp::ElementType::I64:
    return halide_type_t(halide_type_int, 64);
  case lcp::ElementType::F32:
    break;
  }
  return halide_type_t(halide_type_float, 32);
}

/// A dense row-major array viewed as a Halide buffer.
struct BufferView {
  std::vector<halide_dimension_t> dims;
  halide_buffer_t buffer;

  BufferView(const void *data, halide_type_t type,
             const std::vector<int64_t> &shape) {
    dims.resize(shape.size());
    int32_t stride = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
      // Halide lists dimensions innermost first.
      int64_t extent = shape[shape.size() - 1 - i];
      dims[i] = {0, static_cast<int32_t>(extent), stride, 0};
      stride *= static_cast<int32_t>(extent);
    }
    std::memset(&buffer, 0, sizeof(buffer));
    buffer.host = static_cast<uint8_t *>(const_cast<void *>(data));
    buffer.type = type;
    buffer.dimensions = static_cast<int32_t>(shape.size());
    buffer.dim = dims.empty() ? nullptr : dims.data();
  }
};

} // namespace

struct lcp_model {
  lcp::Package package;
  void *library = nullptr;
  /// The Halide runtime's thread-pool size and parallel-loop hook, in the
  /// package's code.
  int (*setHalideThreads)(int) = nullptr;
  halide_do_par_for_t (*setParFor)(halide_do_par_for_t) = nullptr;
  std::vector<int (*)(void **)> functions; // per unit
  /// Every value an inference defines (model inputs, unit results), with
  /// its shape and element type, allocated once at load, zero-filled and
  /// 64-byte aligned (a cache line; more than any vector load needs).
  struct ValueBuffer {
    std::unique_ptr<uint8_t, decltype(&std::free)> data{nullptr, std::free};
    size_t bytes = 0;
    lcp::ElementType type = lcp::ElementType::F32;
    std::vector<int64_t> shape;
  };
  std::map<std::string, ValueBuffer> values;
  int threads = 1;
  std::unique_ptr<lcp::ThreadPool> pool;
  int poolWorkers = 0;

  ~lcp_model() {
    if (library)
      dlclose(library);
  }

  lcp_status bindUnits(const lcp_unit_entry *units, int numUnits) {
    for (const lcp::UnitInfo &u : package.units) {
      int (*fn)(void **) = nullptr;
      for (int i = 0; i < numUnits; ++i)
        if (u.id == units[i].id)
          fn = units[i].argv;
      if (!fn)
        return fail(LCP_ERROR_FORMAT, package.dir + ": the code has no unit '" +
                                          u.id + "' that the manifest lists");
      functions.push_back(fn);
    }
    return LCP_OK;
  }

  lcp_status runUnit(size_t index) {
    const lcp::UnitInfo &u = package.units[index];
    std::vector<std::unique_ptr<BufferView>> views;
    std::vector<void *> args;
    auto add = [&](const void *data, lcp::ElementType type,
                   const std::vector<int64_t> &shape) {
      views.push_back(
          std::make_unique<BufferView>(data, halideType(type), shape));
      args.push_back(&views.back()->buffer);
    };
    for (const std::string &v : u.inputs) {
      const ValueBuffer &b = values.at(v);
      add(b.data.get(), b.type, b.shape);
    }
    for (const std::string &w : u.weights) {
      const lcp::WeightTensor &t = package.weights.at(w);
      add(t.data, t.type, t.shape);
    }
    for (const lcp::TensorInfo &t : u.outputs) {
      const ValueBuffer &b = values.at(t.value);
      add(b.data.get(), b.type, b.shape);
    }
    halideMessage.clear();
    int result = functions[index](args.data());
    if (result != 0)
      return fail(LCP_ERROR_EXECUTION,
                  "unit '" + u.id + "' (" + u.function +
                      ") failed with Halide error " + std::to_string(result) +
                      (halideMessage.empty() ? "" : ": " + halideMessage));
    return LCP_OK;
  }

  lcp::ThreadPool &threadPool() {
    if (!pool || poolWorkers != threads - 1) {
      pool = std::make_unique<lcp::ThreadPool>(threads - 1);
      poolWorkers = threads - 1;
    }
    return *pool;
  }

  /// Runs units [begin, end) in order; their parallel loops spread over all
  /// the threads.
  lcp_status runInOrder(size_t begin, size_t end) {
    if (!setParFor && setHalideThreads)
      setHalideThreads(threads); // Halide's own pool, then
    loopPool = threads > 1 ? &threadPool() : nullptr;
    lcp_status status = LCP_OK;
    for (size_t i = begin; i < end && status == LCP_OK; ++i)
      status = runUnit(i);
    loopPool = nullptr;
    return status;
  }

  /// Runs units [begin, end) side by side on the pool, each running its
  /// parallel loops inline, so that they do not contend for one work queue.
  lcp_status runSideBySide(size_t begin, size_t end) {
    std::atomic<bool> ok{true};
    std::string firstError;
    std::mutex errorLock;
    threadPool().parallelFor(end - begin, [&](size_t k) {
      if (runUnit(begin + k) != LCP_OK) {
        std::lock_guard<std::mutex> guard(errorLock);
        if (ok.exchange(false))
          firstError = lastError;
      }
    });
    return ok ? LCP_OK : fail(LCP_ERROR_EXECUTION, firstError);
  }
};

namespace {

lcp_status finishLoad(std::unique_ptr<lcp_model> model, lcp_model **out) {
  auto allocate = [&](const lcp::TensorInfo &t) {
    lcp_model::ValueBuffer &v = model->values[t.value];
    v.bytes = static_cast<size_t>(t.numElements()) *
              static_cast<size_t>(lcp::storageBytes(t.type));
    // aligned_alloc wants a multiple of the alignment, and not zero.
    size_t rounded = std::max<size_t>(64, (v.bytes + 63) / 64 * 64);
    v.data.reset(static_cast<uint8_t *>(std::aligned_alloc(64, rounded)));
    if (!v.data)
      return false;
    std::memset(v.data.get(), 0, rounded);
    v.type = t.type;
    v.shape = t.shape;
    return true;
  };
  bool ok = true;
  for (const lcp::TensorInfo &t : model->package.inputs)
    ok = ok && allocate(t);
  for (const lcp::UnitInfo &u : model->package.units)
    for (const lcp::TensorInfo &t : u.outputs)
      ok = ok && allocate(t);
  if (!ok)
    return fail(LCP_ERROR_IO,
                model->package.dir + ": out of memory for the model's values");
  *out = model.release();
  return LCP_OK;
}

/// Reads and checks the manifest and weights of `dir` into `model`.
lcp_status readPackage(const char *dir, lcp_model &model) {
  std::string error;
  if (lcp::loadPackage(dir, model.package, error))
    return LCP_OK;
  return fail(error.find("cannot read") != std::string::npos ? LCP_ERROR_IO
                                                             : LCP_ERROR_FORMAT,
              error);
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
  if (lcp_status s = model->bindUnits(units, numUnits); s != LCP_OK)
    return s;
  if (halide_set_error_handler)
    halide_set_error_handler(recordHalideError);
  if (halide_set_num_threads)
    model->setHalideThreads = halide_set_num_threads;
  if (halide_set_custom_do_par_for)
    model->setParFor = halide_set_custom_do_par_for;
  return finishLoad(std::move(model), out);
}

lcp_status lcp_model_load(const char *packageDir, lcp_model **out) {
  if (!packageDir || !out)
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_load: null argument");
  auto model = std::make_unique<lcp_model>();
  if (lcp_status s = readPackage(packageDir, *model); s != LCP_OK)
    return s;
  std::string path = std::string(packageDir) + "/cpu/libmodel.so";
  if (!model->package.checksums.count("cpu/libmodel.so"))
    return fail(LCP_ERROR_FORMAT, path + ": not listed in the manifest (is "
                                         "this a cpu package?)");
  model->library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!model->library)
    return fail(LCP_ERROR_IO, path + ": cannot load: " + dlerror());
  auto units = reinterpret_cast<const lcp_unit_entry *>(
      dlsym(model->library, "lcp_model_units"));
  auto count = reinterpret_cast<const int *>(
      dlsym(model->library, "lcp_model_num_units"));
  if (!units || !count)
    return fail(LCP_ERROR_FORMAT, path + ": has no lcp_model_units table");
  using SetHandler = halide_error_handler_t (*)(halide_error_handler_t);
  if (auto set = reinterpret_cast<SetHandler>(
          dlsym(model->library, "halide_set_error_handler")))
    set(recordHalideError);
  model->setHalideThreads = reinterpret_cast<int (*)(int)>(
      dlsym(model->library, "halide_set_num_threads"));
  model->setParFor =
      reinterpret_cast<halide_do_par_for_t (*)(halide_do_par_for_t)>(
          dlsym(model->library, "halide_set_custom_do_par_for"));
  if (lcp_status s = model->bindUnits(units, *count); s != LCP_OK)
    return s;
  return finishLoad(std::move(model), out);
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

lcp_status lcp_model_set_threads(lcp_model *m, int threads) {
  if (!m || threads < 1)
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_set_threads: need a model and "
                                    "threads >= 1");
  m->threads = threads;
  return LCP_OK;
}

lcp_status lcp_model_run(lcp_model *m, const float *const *inputs,
                         float *const *outputs) {
  if (!m || !inputs || !outputs)
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_run: null argument");
  for (size_t i = 0; i < m->package.inputs.size(); ++i) {
    const lcp::TensorInfo &t = m->package.inputs[i];
    if (!inputs[i])
      return fail(LCP_ERROR_ARGUMENT,
                  "lcp_model_run: input " + std::to_string(i) + " is null");
    // Model inputs and outputs are f32 (checked at load).
    std::memcpy(m->values.at(t.value).data.get(), inputs[i],
                static_cast<size_t>(t.numElements()) * sizeof(float));
  }
  // Units run in order, except that consecutive branches (which read
  // only what came before them, never each other) run side by side when
  // there are several threads, each single-threaded inside. Any other unit
  // (a stem, the merge, a whole model) spreads its loops over every thread.
  halide_do_par_for_t previous =
      m->setParFor ? m->setParFor(pooledParFor) : nullptr;
  lcp_status status = LCP_OK;
  const std::vector<lcp::UnitInfo> &units = m->package.units;
  for (size_t begin = 0; begin < units.size() && status == LCP_OK;) {
    size_t end = begin + 1;
    if (units[begin].kind == "branch")
      while (end < units.size() && units[end].kind == "branch")
        ++end;
    status = m->threads > 1 && end - begin > 1 ? m->runSideBySide(begin, end)
                                               : m->runInOrder(begin, end);
    begin = end;
  }
  if (m->setParFor)
    m->setParFor(previous);
  if (status != LCP_OK)
    return status;
  for (size_t i = 0; i < m->package.outputs.size(); ++i) {
    const lcp::TensorInfo &t = m->package.outputs[i];
    if (!outputs[i])
      return fail(LCP_ERROR_ARGUMENT,
                  "lcp_model_run: output " + std::to_string(i) + " is null");
    const lcp_model::ValueBuffer &v = m->values.at(t.value);
    std::memcpy(outputs[i], v.data.get(), v.bytes);
  }
  return LCP_OK;
}

const char *lcp_last_error(void) { return lastError.c_str(); }

} // extern "C"
