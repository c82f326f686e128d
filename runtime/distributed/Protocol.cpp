//===- Protocol.cpp - What coordinator and worker agree on ----------------===//

#include "runtime/distributed/Protocol.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <sstream>

namespace lcp::distributed {

namespace {

std::string hostOf(const std::string &address) {
  if (!address.empty() && address[0] == '[') {
    size_t close = address.find(']');
    return close == std::string::npos ? address : address.substr(1, close - 1);
  }
  size_t colon = address.rfind(':');
  // A bare IPv6 address has several colons and no port to strip.
  if (colon != std::string::npos && address.find(':') == colon)
    return address.substr(0, colon);
  return address;
}

std::vector<std::string> splitDashes(const std::string &text) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  std::string part;
  while (std::getline(stream, part, '-'))
    parts.push_back(part);
  return parts;
}

/// The CPU features a Halide target string can ask for, each with the
/// checks this CPU must pass. Other features of a target string (no_asserts,
/// say) are compile options, not hardware.
struct CpuFeature {
  const char *name;
  bool (*present)();
};

#if defined(__x86_64__)
const CpuFeature kCpuFeatures[] = {
    {"sse41", [] { return bool(__builtin_cpu_supports("sse4.1")); }},
    {"avx", [] { return bool(__builtin_cpu_supports("avx")); }},
    {"avx2", [] { return bool(__builtin_cpu_supports("avx2")); }},
    {"fma", [] { return bool(__builtin_cpu_supports("fma")); }},
    {"f16c", [] { return bool(__builtin_cpu_supports("f16c")); }},
    {"avx512",
     [] {
       return __builtin_cpu_supports("avx512f") &&
              __builtin_cpu_supports("avx512cd");
     }},
    {"avx512_skylake",
     [] {
       return __builtin_cpu_supports("avx512f") &&
              __builtin_cpu_supports("avx512cd") &&
              __builtin_cpu_supports("avx512vl") &&
              __builtin_cpu_supports("avx512bw") &&
              __builtin_cpu_supports("avx512dq");
     }},
    {"avx512_cannonlake",
     [] {
       return __builtin_cpu_supports("avx512vl") &&
              __builtin_cpu_supports("avx512bw") &&
              __builtin_cpu_supports("avx512dq") &&
              __builtin_cpu_supports("avx512ifma") &&
              __builtin_cpu_supports("avx512vbmi");
     }},
    {"avx512_sapphirerapids",
     [] {
       return __builtin_cpu_supports("avx512ifma") &&
              __builtin_cpu_supports("avx512vbmi") &&
              __builtin_cpu_supports("avx512bf16") &&
              __builtin_cpu_supports("avx512vnni") &&
              __builtin_cpu_supports("avx512fp16");
     }},
};
#else
// ARM code for lcp's targets needs no named feature (NEON is Halide's
// default there).
const CpuFeature kCpuFeatures[] = {{"", [] { return false; }}};
#endif

bool isCpuFeature(const std::string &name) {
  return std::any_of(std::begin(kCpuFeatures), std::end(kCpuFeatures),
                     [&](const CpuFeature &f) { return name == f.name; });
}

} // namespace

const std::vector<std::string> &shippedFiles() {
  static const std::vector<std::string> files = {"weights.safetensors",
                                                 "cpu/libmodel.so"};
  return files;
}

bool isLoopback(const std::string &address) {
  std::string host = hostOf(address);
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

bool checkTensor(const Tensor &message, const TensorInfo &expected,
                 std::string &error) {
  if (message.value() != expected.value) {
    error = "tensor '" + message.value().substr(0, 64) + "' where '" +
            expected.value + "' was expected";
    return false;
  }
  std::string where = "tensor '" + expected.value + "': ";
  if (message.dtype() != toString(expected.type)) {
    error = where + "dtype '" + message.dtype().substr(0, 16) + "', expected " +
            toString(expected.type);
    return false;
  }
  std::vector<int64_t> shape(message.shape().begin(), message.shape().end());
  if (shape != expected.shape) {
    error = where + "shape " +
            (shape.size() > 8 ? std::to_string(shape.size()) + "-d"
                              : shapeToString(shape)) +
            ", expected " + shapeToString(expected.shape);
    return false;
  }
  size_t bytes = static_cast<size_t>(expected.numElements()) *
                 static_cast<size_t>(storageBytes(expected.type));
  if (message.data().size() != bytes) {
    error = where + std::to_string(message.data().size()) +
            " bytes of data, its shape needs " + std::to_string(bytes);
    return false;
  }
  return true;
}

std::vector<std::string> groupInputs(const Manifest &manifest,
                                     const std::vector<size_t> &order) {
  std::vector<std::string> needed;
  std::set<std::string> defined;
  for (size_t index : order) {
    const UnitInfo &u = manifest.units[index];
    for (const std::string &v : u.inputs)
      if (!defined.count(v) &&
          std::find(needed.begin(), needed.end(), v) == needed.end())
        needed.push_back(v);
    for (const TensorInfo &t : u.outputs)
      defined.insert(t.value);
  }
  return needed;
}

ManifestIndex::ManifestIndex(const Manifest &manifest) : manifest(manifest) {
  for (const TensorInfo &t : manifest.inputs)
    values[t.value] = &t;
  for (size_t i = 0; i < manifest.units.size(); ++i) {
    units[manifest.units[i].id] = i;
    for (const TensorInfo &t : manifest.units[i].outputs)
      values[t.value] = &t;
  }
}

bool checkRunRequest(const ManifestIndex &index, const RunRequest &request,
                     CheckedRun &run, std::string &error) {
  run = CheckedRun();
  if (request.units().empty()) {
    error = "no units given";
    return false;
  }
  for (const std::string &id : request.units()) {
    auto it = index.units.find(id);
    if (it == index.units.end()) {
      error = "the package has no unit '" + id.substr(0, 64) + "'";
      return false;
    }
    if (std::find(run.units.begin(), run.units.end(), it->second) !=
        run.units.end()) {
      error = "unit '" + id + "' is given twice";
      return false;
    }
    run.units.push_back(it->second);
  }
  std::vector<std::string> needed = groupInputs(index.manifest, run.units);
  if (static_cast<size_t>(request.inputs_size()) != needed.size()) {
    error = std::to_string(request.inputs_size()) +
            " input tensors, the units read " + std::to_string(needed.size());
    return false;
  }
  for (size_t i = 0; i < needed.size(); ++i) {
    const TensorInfo *info = index.values.at(needed[i]);
    if (!checkTensor(request.inputs(static_cast<int>(i)), *info, error))
      return false;
    run.inputs.push_back(info);
  }
  return true;
}

bool checkRunReply(const Manifest &manifest, const std::vector<size_t> &units,
                   const RunReply &reply, std::string &error) {
  size_t expected = 0;
  for (size_t index : units)
    expected += manifest.units[index].outputs.size();
  if (static_cast<size_t>(reply.outputs_size()) != expected) {
    error = std::to_string(reply.outputs_size()) + " results, expected " +
            std::to_string(expected);
    return false;
  }
  int k = 0;
  for (size_t index : units)
    for (const TensorInfo &t : manifest.units[index].outputs)
      if (!checkTensor(reply.outputs(k++), t, error))
        return false;
  return true;
}

void fillTensor(Tensor &message, const TensorInfo &info, const void *data,
                size_t bytes) {
  message.set_value(info.value);
  message.set_dtype(toString(info.type));
  for (int64_t d : info.shape)
    message.add_shape(d);
  message.set_data(data, bytes);
}

std::string hostArch() {
#if defined(__x86_64__)
  return "x86-64";
#elif defined(__aarch64__)
  return "arm-64";
#elif defined(__arm__)
  return "arm-32";
#else
  return "unknown";
#endif
}

std::vector<std::string> hostFeatures() {
  std::vector<std::string> present;
  for (const CpuFeature &f : kCpuFeatures)
    if (*f.name && f.present())
      present.push_back(f.name);
  return present;
}

bool canRunTarget(const std::string &halideTarget, const std::string &arch,
                  const std::vector<std::string> &features,
                  std::string &error) {
  // "host" stays in packages compiled on non-x86 machines: the code is for
  // the compiling machine's kind, which the coordinator is.
  std::vector<std::string> parts = splitDashes(halideTarget);
  std::string targetArch = halideTarget == "host" ? hostArch()
                           : parts.size() >= 2    ? parts[0] + "-" + parts[1]
                                                  : halideTarget;
  if (targetArch != arch) {
    error = "its CPU is " + arch + ", the package's code is for " + targetArch +
            " (" + halideTarget + ")";
    return false;
  }
  for (size_t i = 3; i < parts.size(); ++i)
    if (isCpuFeature(parts[i]) && std::find(features.begin(), features.end(),
                                            parts[i]) == features.end()) {
      error = "its CPU lacks " + parts[i] + ", which the package's code (" +
              halideTarget + ") uses";
      return false;
    }
  return true;
}

bool isSafeShippedPath(const std::string &path) {
  if (path.empty() || path.size() > 255 || path.front() == '/')
    return false;
  std::stringstream stream(path);
  std::string part;
  while (std::getline(stream, part, '/')) {
    if (part.empty() || part == "." || part == "..")
      return false;
    for (char c : part)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' &&
          c != '_' && c != '-')
        return false;
  }
  return path.back() != '/';
}

} // namespace lcp::distributed
