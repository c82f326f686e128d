//===- Model.cpp - The C API: loading and running packages ----------------===//
//
// The runtime's C API over its three parts: the package format
// (runtime/format), the executor that schedules the unit graph
// (runtime/executor) and the driver that runs each unit's code
// (runtime/drivers; Halide CPU code today).
//
//===----------------------------------------------------------------------===//

#include "runtime/drivers/HalideCpuDriver.h"
#include "runtime/executor/Executor.h"
#include "runtime/format/Package.h"
#include "runtime/include/lcp_runtime.h"

#include <memory>
#include <string>
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
  std::unique_ptr<lcp::HalideCpuDriver> driver;
  std::unique_ptr<lcp::Executor> executor;
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

/// Binds the driver to the package and allocates the values.
lcp_status finishLoad(std::unique_ptr<lcp_model> model, lcp_model **out) {
  std::string error;
  if (!model->driver->bind(model->package, error))
    return fail(LCP_ERROR_FORMAT, error);
  model->executor =
      std::make_unique<lcp::Executor>(model->package, *model->driver);
  if (!model->executor->allocate(error))
    return fail(LCP_ERROR_IO, error);
  *out = model.release();
  return LCP_OK;
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
  if (lcp_status s = readPackage(packageDir, *model); s != LCP_OK)
    return s;
  std::string path = std::string(packageDir) + "/cpu/libmodel.so";
  if (!model->package.checksums.count("cpu/libmodel.so"))
    return fail(LCP_ERROR_FORMAT, path + ": not listed in the manifest (is "
                                         "this a cpu package?)");
  std::string error;
  bool unreadable = false;
  model->driver = lcp::HalideCpuDriver::open(path, error, unreadable);
  if (!model->driver)
    return fail(unreadable ? LCP_ERROR_IO : LCP_ERROR_FORMAT, error);
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
  m->executor->setThreads(threads);
  return LCP_OK;
}

lcp_status lcp_model_run(lcp_model *m, const float *const *inputs,
                         float *const *outputs) {
  if (!m || !inputs || !outputs)
    return fail(LCP_ERROR_ARGUMENT, "lcp_model_run: null argument");
  for (size_t i = 0; i < m->package.inputs.size(); ++i)
    if (!inputs[i])
      return fail(LCP_ERROR_ARGUMENT,
                  "lcp_model_run: input " + std::to_string(i) + " is null");
  for (size_t i = 0; i < m->package.outputs.size(); ++i)
    if (!outputs[i])
      return fail(LCP_ERROR_ARGUMENT,
                  "lcp_model_run: output " + std::to_string(i) + " is null");
  std::string error;
  if (!m->executor->run(inputs, outputs, error))
    return fail(LCP_ERROR_EXECUTION, error);
  return LCP_OK;
}

const char *lcp_last_error(void) { return lastError.c_str(); }

} // extern "C"
