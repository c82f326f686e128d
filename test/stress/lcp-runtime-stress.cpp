//===- lcp-runtime-stress.cpp - Many inferences on many threads -----------===//
//
// Runs a package's model many times, from several application threads at
// once (one lcp_model each, as the C API asks), each spreading its branches
// over its own worker threads. Every output must equal, bit for bit, the
// first run's: the units are deterministic, so any difference is a race.
// Built under ThreadSanitizer (the `tsan` preset), it is the check that the
// executor and its thread pool are free of data races. With --workers the
// models run across lcp-workers, and the expected bits come from a model
// run here; under AddressSanitizer that is the distributed soak test.
//
//   lcp-runtime-stress PACKAGE [--runs N] [--models M] [--threads T]
//                              [--workers host:port,...]
//
//===----------------------------------------------------------------------===//

#include "lcp_runtime.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
  const char *package = nullptr;
  long runs = 10000;
  int models = 2;
  int threads = 2;
  const char *workers = nullptr;
};

bool parseOptions(int argc, char **argv, Options &options) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto number = [&](long &out) {
      if (i + 1 >= argc)
        return false;
      char *end = nullptr;
      out = std::strtol(argv[++i], &end, 10);
      return *end == '\0' && out > 0;
    };
    long value = 0;
    if (arg == "--runs" && number(value))
      options.runs = value;
    else if (arg == "--models" && number(value))
      options.models = static_cast<int>(value);
    else if (arg == "--threads" && number(value))
      options.threads = static_cast<int>(value);
    else if (arg == "--workers" && i + 1 < argc)
      options.workers = argv[++i];
    else if (arg[0] != '-' && !options.package)
      options.package = argv[i];
    else
      return false;
  }
  return options.package != nullptr;
}

size_t elements(const int64_t *shape, int rank) {
  size_t n = 1;
  for (int d = 0; d < rank; ++d)
    n *= static_cast<size_t>(shape[d]);
  return n;
}

/// One application thread's model, inputs and outputs.
struct Worker {
  lcp_model *model = nullptr;
  std::vector<std::vector<float>> inputs, outputs;
};

bool open(const Options &options, Worker &worker, bool distributed) {
  lcp_distributed_options remote{};
  remote.workers = options.workers;
  lcp_status status =
      distributed
          ? lcp_model_load_distributed(options.package, &remote, &worker.model)
          : lcp_model_load(options.package, &worker.model);
  if (status != LCP_OK ||
      lcp_model_set_threads(worker.model, options.threads) != LCP_OK) {
    std::fprintf(stderr, "lcp-runtime-stress: error: %s\n", lcp_last_error());
    return false;
  }
  // The same inputs for every worker: a fixed, non-trivial pattern.
  for (int i = 0; i < lcp_model_num_inputs(worker.model); ++i) {
    std::vector<float> data(elements(lcp_model_input_shape(worker.model, i),
                                     lcp_model_input_rank(worker.model, i)));
    for (size_t k = 0; k < data.size(); ++k)
      data[k] = static_cast<float>((k * 7919 + i * 31) % 255) / 255.0f;
    worker.inputs.push_back(std::move(data));
  }
  for (int i = 0; i < lcp_model_num_outputs(worker.model); ++i)
    worker.outputs.emplace_back(
        elements(lcp_model_output_shape(worker.model, i),
                 lcp_model_output_rank(worker.model, i)));
  return true;
}

bool run(Worker &worker) {
  std::vector<const float *> in;
  std::vector<float *> out;
  for (auto &v : worker.inputs)
    in.push_back(v.data());
  for (auto &v : worker.outputs)
    out.push_back(v.data());
  if (lcp_model_run(worker.model, in.data(), out.data()) != LCP_OK) {
    std::fprintf(stderr, "lcp-runtime-stress: error: %s\n", lcp_last_error());
    return false;
  }
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options options;
  if (!parseOptions(argc, argv, options)) {
    std::fprintf(stderr, "usage: lcp-runtime-stress PACKAGE [--runs N] "
                         "[--models M] [--threads T] [--workers LIST]\n");
    return 2;
  }
  std::vector<Worker> workers(options.models);
  for (Worker &worker : workers)
    if (!open(options, worker, options.workers != nullptr))
      return 1;
  // The reference: one run before any concurrency, in this process.
  Worker local;
  if (!open(options, local, false) || !run(local))
    return 1;
  const std::vector<std::vector<float>> expected = local.outputs;
  lcp_model_free(local.model);

  std::atomic<long> next{0}, mismatches{0}, failures{0};
  std::vector<std::thread> threads;
  for (Worker &worker : workers)
    threads.emplace_back([&] {
      while (next.fetch_add(1) < options.runs) {
        if (!run(worker)) {
          ++failures;
          return;
        }
        for (size_t i = 0; i < expected.size(); ++i)
          if (std::memcmp(worker.outputs[i].data(), expected[i].data(),
                          expected[i].size() * sizeof(float)) != 0) {
            ++mismatches;
            break;
          }
      }
    });
  for (std::thread &t : threads)
    t.join();
  lcp_distributed_stats remote{}, total{};
  for (Worker &worker : workers) {
    lcp_model_distributed_stats(worker.model, &remote);
    total.calls += remote.calls;
    total.failovers += remote.failovers;
    lcp_model_free(worker.model);
  }
  std::printf("lcp-runtime-stress: %ld inferences on %d models x %d threads: "
              "%ld differed from the first, %ld failed\n",
              options.runs, options.models, options.threads, mismatches.load(),
              failures.load());
  if (options.workers)
    std::printf("lcp-runtime-stress: %llu calls to workers, %llu failovers\n",
                static_cast<unsigned long long>(total.calls),
                static_cast<unsigned long long>(total.failovers));
  return mismatches || failures ? 1 : 0;
}
