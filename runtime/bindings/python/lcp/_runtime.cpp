//===- _runtime.cpp - The C runtime as the Python module lcp._runtime -----===//
//
// A thin layer over runtime/include/lcp_runtime.h: a loaded package, its
// input and output descriptions, and a run that takes and returns NumPy
// arrays. lcp/__init__.py builds the public API on it. Runs release the GIL;
// one package's model runs one inference at a time (the executor owns the
// inference's buffers), so each model has a lock and Python threads that
// share a model take turns while threads with their own models run at once.
//
//===----------------------------------------------------------------------===//

#include "lcp_runtime.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <mutex>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

/// Raised for every failure of the C API; lcp/__init__.py maps its status
/// to the public exception types.
struct RuntimeError {
  lcp_status status;
  std::string message;
};

void check(lcp_status status) {
  if (status != LCP_OK)
    throw RuntimeError{status, lcp_last_error()};
}

struct Tensor {
  std::string name;
  std::vector<int64_t> shape;
};

class Model {
public:
  /// Loads `packageDir`; with `workers` ("host:port,..."), across them.
  Model(const std::string &packageDir, const std::string &workers,
        const std::string &token, const std::string &tlsCa, bool insecure,
        int deadlineMs) {
    lcp_status status;
    {
      py::gil_scoped_release release;
      if (workers.empty()) {
        status = lcp_model_load(packageDir.c_str(), &model);
      } else {
        lcp_distributed_options options{};
        options.workers = workers.c_str();
        options.token = token.empty() ? nullptr : token.c_str();
        options.tls_ca = tlsCa.empty() ? nullptr : tlsCa.c_str();
        options.insecure = insecure;
        options.deadline_ms = deadlineMs;
        status =
            lcp_model_load_distributed(packageDir.c_str(), &options, &model);
      }
    }
    check(status);
    for (int i = 0, e = lcp_model_num_inputs(model); i < e; ++i)
      inputs.push_back(describe(lcp_model_input_name(model, i),
                                lcp_model_input_rank(model, i),
                                lcp_model_input_shape(model, i)));
    for (int i = 0, e = lcp_model_num_outputs(model); i < e; ++i)
      outputs.push_back(describe(lcp_model_output_name(model, i),
                                 lcp_model_output_rank(model, i),
                                 lcp_model_output_shape(model, i)));
  }
  ~Model() { lcp_model_free(model); }
  Model(const Model &) = delete;
  Model &operator=(const Model &) = delete;

  void setThreads(int count) {
    std::lock_guard<std::mutex> guard(lock);
    check(lcp_model_set_threads(model, count));
    threads = count;
  }

  /// Runs on `args`, float32 C-contiguous arrays of the inputs' shapes
  /// (lcp/__init__.py checks and names what is wrong first; this checks
  /// again so that nothing reaches the C API unchecked). Returns new arrays.
  std::vector<py::array_t<float>> run(const std::vector<py::array> &args) {
    if (args.size() != inputs.size())
      throw RuntimeError{LCP_ERROR_ARGUMENT,
                         "expected " + std::to_string(inputs.size()) +
                             " inputs, got " + std::to_string(args.size())};
    std::vector<const float *> in;
    for (size_t i = 0; i < args.size(); ++i) {
      const py::array &a = args[i];
      bool fits = a.dtype().is(py::dtype::of<float>()) &&
                  (a.flags() & py::array::c_style) &&
                  a.ndim() == static_cast<py::ssize_t>(inputs[i].shape.size());
      for (py::ssize_t d = 0; fits && d < a.ndim(); ++d)
        fits = a.shape(d) == inputs[i].shape[d];
      if (!fits)
        throw RuntimeError{LCP_ERROR_ARGUMENT,
                           "input '" + inputs[i].name +
                               "' is not a C-contiguous float32 array of "
                               "its shape"};
      in.push_back(static_cast<const float *>(a.data()));
    }
    std::vector<py::array_t<float>> results;
    std::vector<float *> out;
    for (const Tensor &t : outputs) {
      results.emplace_back(t.shape);
      out.push_back(results.back().mutable_data());
    }
    lcp_status status;
    std::string message;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> guard(lock);
      status = lcp_model_run(model, in.data(), out.data());
      if (status != LCP_OK)
        message = lcp_last_error(); // thread-local: read on this thread
    }
    if (status != LCP_OK)
      throw RuntimeError{status, message};
    return results;
  }

  /// What the workers did: one dict per worker, and the model's totals.
  py::dict workerStats() {
    std::lock_guard<std::mutex> guard(lock);
    lcp_distributed_stats total;
    check(lcp_model_distributed_stats(model, &total));
    py::list workers;
    for (int i = 0; i < total.workers; ++i) {
      lcp_worker_stats w;
      check(lcp_model_worker_stats(model, i, &w));
      py::dict d;
      d["address"] = std::string(w.address);
      d["live"] = w.live != 0;
      d["joins"] = w.joins;
      d["calls"] = w.calls;
      d["calls_since_join"] = w.calls_since_join;
      d["failures"] = w.failures;
      workers.append(d);
    }
    py::dict d;
    d["workers"] = workers;
    d["failovers"] = total.failovers;
    d["bytes_sent"] = total.bytes_sent;
    d["bytes_received"] = total.bytes_received;
    return d;
  }

  std::vector<Tensor> inputs, outputs;
  int threads = 1;

private:
  static Tensor describe(const char *name, int rank, const int64_t *shape) {
    return {name ? name : "", std::vector<int64_t>(shape, shape + rank)};
  }

  lcp_model *model = nullptr;
  std::mutex lock;
};

/// [(name, shape), ...], which lcp/__init__.py turns into TensorSpecs.
py::list toList(const std::vector<Tensor> &tensors) {
  py::list list;
  for (const Tensor &t : tensors)
    list.append(py::make_tuple(t.name, t.shape));
  return list;
}

} // namespace

PYBIND11_MODULE(_runtime, m) {
  m.doc() = "lcp's C runtime (use the lcp package, not this module)";
  static py::exception<RuntimeError> error(m, "RuntimeError");
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const RuntimeError &e) {
      // args = (status, message), which lcp/__init__.py maps.
      py::tuple args = py::make_tuple(static_cast<int>(e.status), e.message);
      PyErr_SetObject(error.ptr(), args.ptr());
    }
  });
  m.attr("STATUS_IO") = static_cast<int>(LCP_ERROR_IO);
  m.attr("STATUS_FORMAT") = static_cast<int>(LCP_ERROR_FORMAT);
  m.attr("STATUS_ARGUMENT") = static_cast<int>(LCP_ERROR_ARGUMENT);
  m.attr("STATUS_EXECUTION") = static_cast<int>(LCP_ERROR_EXECUTION);
  py::class_<Model>(m, "Model")
      .def(py::init<const std::string &, const std::string &,
                    const std::string &, const std::string &, bool, int>(),
           py::arg("package_dir"), py::arg("workers") = "",
           py::arg("token") = "", py::arg("tls_ca") = "",
           py::arg("insecure") = false, py::arg("deadline_ms") = 0)
      .def("worker_stats", &Model::workerStats)
      .def_property_readonly(
          "inputs", [](const Model &model) { return toList(model.inputs); })
      .def_property_readonly(
          "outputs", [](const Model &model) { return toList(model.outputs); })
      .def_readonly("threads", &Model::threads)
      .def("set_threads", &Model::setThreads)
      .def("run", &Model::run);
}
