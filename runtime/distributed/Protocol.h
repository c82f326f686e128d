//===- Protocol.h - What coordinator and worker agree on --------*- C++ -*-===//
//
// The checks and conversions that both ends of worker.proto apply, kept in
// one place: a tensor message against the manifest's description of its
// value, the limits on what one message may carry, which addresses need
// TLS, and which CPU a worker has. The tensor checks are what the fuzz
// target lcp-fuzz-tensor-message drives.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_RUNTIME_DISTRIBUTED_PROTOCOL_H
#define LCP_RUNTIME_DISTRIBUTED_PROTOCOL_H

#include "runtime/distributed/worker.pb.h"
#include "runtime/format/Package.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lcp::distributed {

/// The metadata key of the shared token that every call carries.
constexpr const char *kTokenKey = "lcp-token";

/// Default limits. One Run message carries a unit group's inputs or
/// results (ResNet-18's largest activation at 224x224 is 3.2 MB); a
/// package arrives in chunks of at most kLoadChunkBytes.
constexpr int64_t kDefaultMaxMessageBytes = int64_t(64) << 20;
constexpr int64_t kDefaultMaxPackageBytes = int64_t(1) << 30;
constexpr int64_t kLoadChunkBytes = int64_t(1) << 20;

/// The files a worker receives of a package, in the order they are sent:
/// the weights and the code for its CPU, never the sources.
const std::vector<std::string> &shippedFiles();

/// Whether `address` ("host:port") names this machine only (127.0.0.0/8,
/// ::1, localhost), where a worker may run without TLS and token.
bool isLoopback(const std::string &address);

/// Checks that `message` holds exactly the value `expected` describes: its
/// name, dtype, shape and byte count. On failure returns false with
/// `error` saying what differs.
bool checkTensor(const Tensor &message, const TensorInfo &expected,
                 std::string &error);

/// A manifest's units and values by name, for checking messages.
struct ManifestIndex {
  explicit ManifestIndex(const Manifest &manifest);
  const Manifest &manifest;
  std::map<std::string, size_t> units;
  std::map<std::string, const TensorInfo *> values;
};

/// A Run request as checked against the manifest: the units it names, in
/// order, and the description of each input it carries (one for one).
struct CheckedRun {
  std::vector<size_t> units;
  std::vector<const TensorInfo *> inputs;
};

/// Checks that `request` names known units, each once, and carries exactly
/// the values they read from outside the group, each as the manifest
/// describes it. On failure returns false with `error`.
bool checkRunRequest(const ManifestIndex &index, const RunRequest &request,
                     CheckedRun &run, std::string &error);

/// Checks that `reply` holds every result of `units`, in order, each as the
/// manifest describes it.
bool checkRunReply(const Manifest &manifest, const std::vector<size_t> &units,
                   const RunReply &reply, std::string &error);

/// The values that units `order` of `manifest`, run in that order, read
/// from outside the group, in order of first use: what a Run request
/// carries.
std::vector<std::string> groupInputs(const Manifest &manifest,
                                     const std::vector<size_t> &order);

/// `message` describing `info` with `bytes` as its data.
void fillTensor(Tensor &message, const TensorInfo &info, const void *data,
                size_t bytes);

/// This process's CPU, in the words of a Halide target string: "x86-64",
/// "arm-32", "arm-64", and the CPU features of kCpuFeatures it has.
std::string hostArch();
std::vector<std::string> hostFeatures();

/// Whether a worker with `arch` and `features` can run code compiled for
/// `halideTarget` (a manifest's "halide_target"); if not, `error` says
/// which part it lacks.
bool canRunTarget(const std::string &halideTarget, const std::string &arch,
                  const std::vector<std::string> &features, std::string &error);

/// Whether `path` may name a shipped file: relative, of plain names
/// ([A-Za-z0-9._-]) without "." or ".." parts, at most 255 characters.
bool isSafeShippedPath(const std::string &path);

} // namespace lcp::distributed

#endif // LCP_RUNTIME_DISTRIBUTED_PROTOCOL_H
