//===- FuzzTensorMessage.cpp - Run messages through the protocol's checks -===//
//
// A worker takes Run requests and a coordinator takes Run replies from the
// network; both are checked against the manifest before a byte is used.
// The first input byte chooses which (even: a request, odd: a reply to
// the units the second byte's bits pick); the rest is the message. What
// passes must be exactly what the manifest describes.
//
//===----------------------------------------------------------------------===//

#include "runtime/distributed/Protocol.h"

#include <cstdio>
#include <cstdlib>

using namespace lcp;
using namespace lcp::distributed;

namespace {

// Two branches of different dtypes and a merge, as a placed package has.
const char *kManifest = R"({
  "format": "lcp-package", "version": 1, "model": "fuzz", "target": "cpu:host",
  "inputs": [{"name": "x", "value": "input:0", "shape": [1, 1, 4, 4],
              "dtype": "f32"}],
  "outputs": [{"name": "y", "value": "m:0", "shape": [1, 2], "dtype": "f32"}],
  "units": [
    {"id": "b0", "kind": "branch", "function": "b0", "device": null,
     "inputs": ["input:0"], "weights": [],
     "outputs": [{"value": "b0:0", "shape": [1, 2], "dtype": "i8"}]},
    {"id": "b1", "kind": "branch", "function": "b1", "device": null,
     "inputs": ["input:0"], "weights": [],
     "outputs": [{"value": "b1:0", "shape": [1, 3], "dtype": "i32"}]},
    {"id": "m", "kind": "merge", "function": "m", "device": null,
     "inputs": ["b0:0", "b1:0"], "weights": [],
     "outputs": [{"value": "m:0", "shape": [1, 2], "dtype": "f32"}]}],
  "weights": {"file": "weights.safetensors"},
  "files": {"weights.safetensors": "0"}
})";

const Manifest &manifest() {
  static Manifest m = [] {
    Manifest parsed;
    std::string error;
    if (!parseManifest(kManifest, parsed, error)) {
      std::fprintf(stderr, "the fuzz target's manifest: %s\n", error.c_str());
      std::abort();
    }
    return parsed;
  }();
  return m;
}

size_t bytesOf(const TensorInfo &t) {
  return static_cast<size_t>(t.numElements() * storageBytes(t.type));
}

[[noreturn]] void fail(const char *what) {
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2)
    return 0;
  static const ManifestIndex index(manifest());
  std::string error;
  if (data[0] % 2 == 0) {
    RunRequest request;
    if (!request.ParseFromArray(data + 1, static_cast<int>(size - 1)))
      return 0;
    CheckedRun run;
    if (!checkRunRequest(index, request, run, error)) {
      if (error.empty())
        fail("a refused request must say why");
      return 0;
    }
    if (run.inputs.size() != static_cast<size_t>(request.inputs_size()) ||
        run.units.size() != static_cast<size_t>(request.units_size()))
      fail("a request passed with tensors or units unaccounted for");
    for (size_t i = 0; i < run.inputs.size(); ++i)
      if (request.inputs(static_cast<int>(i)).data().size() !=
          bytesOf(*run.inputs[i]))
        fail("a request passed with a tensor of the wrong size");
    return 0;
  }
  std::vector<size_t> units;
  for (size_t u = 0; u < manifest().units.size(); ++u)
    if (data[1] & (1u << u))
      units.push_back(u);
  RunReply reply;
  if (!reply.ParseFromArray(data + 2, static_cast<int>(size - 2)))
    return 0;
  if (!checkRunReply(manifest(), units, reply, error)) {
    if (error.empty())
      fail("a refused reply must say why");
    return 0;
  }
  int k = 0;
  for (size_t u : units)
    for (const TensorInfo &t : manifest().units[u].outputs)
      if (reply.outputs(k++).data().size() != bytesOf(t))
        fail("a reply passed with a result of the wrong size");
  if (k != reply.outputs_size())
    fail("a reply passed with results unaccounted for");
  return 0;
}
