//===- HalideCpuDriver.cpp - Units compiled by Halide for a CPU -----------===//

#include "runtime/drivers/HalideCpuDriver.h"
#include "runtime/executor/ThreadPool.h"

#include <dlfcn.h>

#include <atomic>
#include <cstring>

// Defined by the Halide runtime in a statically linked libmodel.a; null
// when the package's code is loaded with dlopen instead.
extern "C" __attribute__((weak)) halide_error_handler_t
halide_set_error_handler(halide_error_handler_t handler);
extern "C" __attribute__((weak)) int halide_set_num_threads(int n);
extern "C" __attribute__((weak)) halide_do_par_for_t
halide_set_custom_do_par_for(halide_do_par_for_t do_par_for);

namespace lcp {

UnitDriver::~UnitDriver() = default;

namespace {

/// Halide reports a failure (a buffer of the wrong size, say) through its
/// error handler before the pipeline returns an error code; the default
/// handler aborts the process, so the driver installs this one.
thread_local std::string halideMessage;

void recordHalideError(void *, const char *message) {
  halideMessage = message;
  while (!halideMessage.empty() && halideMessage.back() == '\n')
    halideMessage.pop_back();
}

/// The pool that a Halide parallel loop started on this thread spreads
/// over; null to run it inline. Set while a unit that has the machine to
/// itself runs (a stem, the merge, a whole model); null in branches that
/// run side by side, each on one thread, and inside a loop's tasks.
thread_local ThreadPool *loopPool = nullptr;

/// Halide's parallel loops, on the executor's pool. Halide's own pool
/// would add threads that spin after each loop, taking cores from the
/// branches that run next.
int pooledParFor(void *context, halide_task_t task, int min, int size,
                 uint8_t *closure) {
  ThreadPool *pool = loopPool;
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

/// The Halide type of a package value's or weight's elements.
halide_type_t halideType(ElementType type) {
  switch (type) {
  case ElementType::I8:
    return halide_type_t(halide_type_int, 8);
  case ElementType::I16:
    return halide_type_t(halide_type_int, 16);
  case ElementType::I32:
    return halide_type_t(halide_type_int, 32);
  case ElementType::I64:
    return halide_type_t(halide_type_int, 64);
  case ElementType::F32:
    break;
  }
  return halide_type_t(halide_type_float, 32);
}

/// A dense row-major array viewed as a Halide buffer.
struct BufferView {
  std::vector<halide_dimension_t> dims;
  halide_buffer_t buffer;

  explicit BufferView(const ArrayRef &array) {
    const std::vector<int64_t> &shape = *array.shape;
    dims.resize(shape.size());
    int32_t stride = 1;
    for (size_t i = 0; i < shape.size(); ++i) {
      // Halide lists dimensions innermost first.
      int64_t extent = shape[shape.size() - 1 - i];
      dims[i] = {0, static_cast<int32_t>(extent), stride, 0};
      stride *= static_cast<int32_t>(extent);
    }
    std::memset(&buffer, 0, sizeof(buffer));
    buffer.host = static_cast<uint8_t *>(array.data);
    buffer.type = halideType(array.type);
    buffer.dimensions = static_cast<int32_t>(shape.size());
    buffer.dim = dims.empty() ? nullptr : dims.data();
  }
};

} // namespace

std::unique_ptr<HalideCpuDriver>
HalideCpuDriver::forLinkedCode(std::vector<Entry> entries) {
  std::unique_ptr<HalideCpuDriver> driver(new HalideCpuDriver);
  driver->entries = std::move(entries);
  if (halide_set_error_handler)
    halide_set_error_handler(recordHalideError);
  if (halide_set_num_threads)
    driver->setHalideThreads = halide_set_num_threads;
  if (halide_set_custom_do_par_for)
    driver->setParFor = halide_set_custom_do_par_for;
  driver->installParallelLoops();
  return driver;
}

std::unique_ptr<HalideCpuDriver> HalideCpuDriver::open(const std::string &path,
                                                       std::string &error,
                                                       bool &unreadable) {
  std::unique_ptr<HalideCpuDriver> driver(new HalideCpuDriver);
  unreadable = false;
  driver->library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!driver->library) {
    unreadable = true;
    error = path + ": cannot load: " + dlerror();
    return nullptr;
  }
  // The layout of lcp_unit_entry (lcp_runtime.h), which the package's
  // code defines.
  struct TableEntry {
    const char *id;
    UnitFunction function;
  };
  auto units = reinterpret_cast<const TableEntry *>(
      dlsym(driver->library, "lcp_model_units"));
  auto count = reinterpret_cast<const int *>(
      dlsym(driver->library, "lcp_model_num_units"));
  if (!units || !count) {
    error = path + ": has no lcp_model_units table";
    return nullptr;
  }
  for (int i = 0; i < *count; ++i)
    driver->entries.push_back({units[i].id, units[i].function});
  using SetHandler = halide_error_handler_t (*)(halide_error_handler_t);
  if (auto set = reinterpret_cast<SetHandler>(
          dlsym(driver->library, "halide_set_error_handler")))
    set(recordHalideError);
  driver->setHalideThreads = reinterpret_cast<int (*)(int)>(
      dlsym(driver->library, "halide_set_num_threads"));
  driver->setParFor =
      reinterpret_cast<halide_do_par_for_t (*)(halide_do_par_for_t)>(
          dlsym(driver->library, "halide_set_custom_do_par_for"));
  driver->installParallelLoops();
  return driver;
}

void HalideCpuDriver::installParallelLoops() {
  // Once, for as long as the code is loaded: the hook is global to the
  // code's Halide runtime, which every model loaded from it shares, so
  // setting and restoring it around each inference would let one model's
  // end of inference hand another's loops to Halide's own pool mid-run
  // (the runtime stress test saw Halide spawn threads). pooledParFor takes
  // its pool from the calling thread, so one hook serves every model.
  if (setParFor)
    setParFor(pooledParFor);
}

HalideCpuDriver::~HalideCpuDriver() {
  if (library)
    dlclose(library);
}

bool HalideCpuDriver::bind(const Package &package, std::string &error) {
  functions.clear();
  for (const UnitInfo &u : package.units) {
    UnitFunction fn = nullptr;
    for (const Entry &e : entries)
      if (e.id == u.id)
        fn = e.function;
    if (!fn) {
      error = package.dir + ": the code has no unit '" + u.id +
              "' that the manifest lists";
      return false;
    }
    functions.push_back(fn);
  }
  return true;
}

bool HalideCpuDriver::run(const UnitCall &call, const LoopPlacement &loops,
                          std::string &error) {
  // Without the parallel-loop hook, Halide's own pool, sized to the unit.
  if (!setParFor && setHalideThreads && loops.threads > 0)
    setHalideThreads(loops.threads);
  std::vector<BufferView> views;
  views.reserve(call.inputs.size() + call.weights.size() + call.outputs.size());
  for (const std::vector<ArrayRef> *group :
       {&call.inputs, &call.weights, &call.outputs})
    for (const ArrayRef &array : *group)
      views.emplace_back(array);
  std::vector<void *> args;
  args.reserve(views.size());
  for (BufferView &view : views)
    args.push_back(&view.buffer);

  halideMessage.clear();
  ThreadPool *outer = loopPool;
  loopPool = loops.pool;
  int result = functions[call.index](args.data());
  loopPool = outer;
  if (result == 0)
    return true;
  const UnitInfo &u = *call.unit;
  error = "unit '" + u.id + "' (" + u.function + ") failed with Halide error " +
          std::to_string(result) +
          (halideMessage.empty() ? "" : ": " + halideMessage);
  return false;
}

} // namespace lcp
