//===- Cluster.cpp - Reading and checking cluster descriptions ------------===//

#include "targets/cluster/Cluster.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>

using namespace lcp;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

namespace {

#include "targets/cluster/ClusterPresets.inc"

constexpr const char *kFormat = "lcp-cluster";
constexpr int64_t kVersion = 1;
// Descriptions are small; anything larger is not one.
constexpr uint64_t kMaxFileBytes = 1 << 20;
constexpr int64_t kMaxDevices = 4096;
constexpr double kMaxMemoryMb = 1e9;

/// Checks one JSON object's fields and reads them, keeping the path of
/// the object ("devices[2]") for errors.
class FieldReader {
public:
  FieldReader(const Object &object, std::string path, llvm::StringRef file,
              std::initializer_list<llvm::StringRef> known)
      : object(object), path(std::move(path)), file(file) {
    for (const auto &[key, value] : object)
      if (!llvm::is_contained(known, llvm::StringRef(key))) {
        std::string list;
        for (llvm::StringRef k : known)
          list += (list.empty() ? "" : ", ") + k.str();
        fail(key, "unknown field (expected one of: " + list + ")");
        return;
      }
  }

  bool failed() const { return !error.empty(); }
  llvm::Error takeError() {
    return error.empty()
               ? llvm::Error::success()
               : llvm::createStringError(llvm::inconvertibleErrorCode(), error);
  }

  bool has(llvm::StringRef key) const { return object.get(key) != nullptr; }

  std::string string(llvm::StringRef key, bool required) {
    const Value *v = object.get(key);
    if (!v) {
      if (required)
        fail(key, "missing");
      return "";
    }
    std::optional<llvm::StringRef> s = v->getAsString();
    if (!s) {
      fail(key, "must be a string");
      return "";
    }
    return s->str();
  }

  /// A finite number that is positive, or at least zero with `allowZero`.
  double number(llvm::StringRef key, bool required, bool allowZero = false,
                double fallback = 0) {
    const Value *v = object.get(key);
    if (!v) {
      if (required)
        fail(key, "missing");
      return fallback;
    }
    std::optional<double> d = v->getAsNumber();
    if (!d || !std::isfinite(*d) || *d < 0 || (*d == 0 && !allowZero)) {
      fail(key, allowZero ? "must be a number of at least 0"
                          : "must be a positive number");
      return fallback;
    }
    return *d;
  }

  const Object *objectField(llvm::StringRef key, bool required) {
    const Value *v = object.get(key);
    if (!v) {
      if (required)
        fail(key, "missing");
      return nullptr;
    }
    if (!v->getAsObject())
      fail(key, "must be an object");
    return v->getAsObject();
  }

  void fail(llvm::StringRef key, const std::string &problem) {
    if (error.empty())
      error = llvm::formatv("{0}: {1}{2}{3}: {4}", file, path,
                            path.empty() ? "" : ".", key, problem)
                  .str();
  }

private:
  const Object &object;
  std::string path;
  llvm::StringRef file;
  std::string error;
};

/// Letters, digits, '_', '-' and '.': what names of devices, clusters and
/// target variants are made of.
bool isWord(llvm::StringRef s) {
  return !s.empty() && s.size() <= 64 && llvm::all_of(s, [](char c) {
    return llvm::isAlnum(c) || c == '_' || c == '-' || c == '.';
  });
}

/// "family:variant", as registered targets are named.
bool isTargetName(llvm::StringRef kind) {
  auto [family, variant] = kind.split(':');
  return kind.contains(':') && isWord(family) && isWord(variant);
}

} // namespace

std::optional<size_t> Cluster::indexOf(llvm::StringRef name) const {
  for (auto [i, d] : llvm::enumerate(devices))
    if (d.name == name)
      return i;
  return std::nullopt;
}

llvm::Expected<Cluster> lcp::parseCluster(llvm::StringRef text,
                                          llvm::StringRef fileName) {
  auto fail = [&](const std::string &problem) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s",
                                   fileName.str().c_str(), problem.c_str());
  };
  llvm::Expected<Value> parsed = llvm::json::parse(text);
  if (!parsed)
    return fail("not JSON: " + llvm::toString(parsed.takeError()));
  const Object *root = parsed->getAsObject();
  if (!root)
    return fail("a cluster description is a JSON object");

  Cluster cluster;
  FieldReader top(*root, "", fileName,
                  {"format", "version", "name", "description", "network",
                   "coordinator", "devices"});
  if (top.failed())
    return top.takeError();
  if (top.string("format", true) != kFormat && !top.failed())
    top.fail("format", std::string("must be \"") + kFormat + "\"");
  if (!top.failed() && top.number("version", true) != kVersion && !top.failed())
    top.fail("version", "must be " + std::to_string(kVersion));
  cluster.name = top.string("name", true);
  cluster.description = top.string("description", false);
  if (top.failed())
    return top.takeError();
  if (!isWord(cluster.name))
    return fail("name: \"" + cluster.name +
                "\" is not a name (letters, digits, '_', '-', '.')");

  const Object *network = top.objectField("network", true);
  if (top.failed())
    return top.takeError();
  FieldReader net(*network, "network", fileName,
                  {"medium", "bandwidth_mbps", "latency_ms"});
  std::string medium = net.string("medium", true);
  double bandwidth = net.number("bandwidth_mbps", true);
  double latency = net.number("latency_ms", true, /*allowZero=*/true);
  if (net.failed())
    return net.takeError();
  if (medium == "shared")
    cluster.medium = Cluster::Medium::Shared;
  else if (medium == "switched")
    cluster.medium = Cluster::Medium::Switched;
  else
    return fail("network.medium: \"" + medium +
                "\" is neither \"shared\" nor \"switched\"");

  const Value *devicesValue = root->get("devices");
  if (!devicesValue)
    return fail("devices: missing");
  const Array *devices = devicesValue->getAsArray();
  if (!devices || devices->empty())
    return fail("devices: must be a non-empty array");
  llvm::StringSet<> names;
  for (auto [i, entry] : llvm::enumerate(*devices)) {
    std::string path = llvm::formatv("devices[{0}]", i).str();
    const Object *object = entry.getAsObject();
    if (!object)
      return fail(path + ": must be an object");
    FieldReader d(*object, path, fileName,
                  {"name", "count", "kind", "macs_per_s", "memory_mb", "link"});
    ClusterDevice device;
    std::string name = d.string("name", true);
    device.kind = d.string("kind", true);
    device.macsPerSecond = d.number("macs_per_s", true);
    device.memoryMb = d.number("memory_mb", true);
    double count = d.number("count", false, false, 1);
    device.bandwidthMbps = bandwidth;
    device.latencyMs = latency;
    if (const Object *link =
            d.has("link") ? d.objectField("link", true) : nullptr) {
      if (cluster.medium == Cluster::Medium::Shared)
        return fail(path + ".link: a device on a shared medium has the "
                           "medium's link (give it in \"network\")");
      FieldReader l(*link, path + ".link", fileName,
                    {"bandwidth_mbps", "latency_ms"});
      device.bandwidthMbps =
          l.number("bandwidth_mbps", false, false, bandwidth);
      device.latencyMs = l.number("latency_ms", false, true, latency);
      if (l.failed())
        return l.takeError();
    }
    if (d.failed())
      return d.takeError();
    if (!isWord(name))
      return fail(path + ".name: \"" + name +
                  "\" is not a name (letters, digits, '_', '-', '.')");
    if (!isTargetName(device.kind))
      return fail(path + ".kind: \"" + device.kind +
                  "\" is not a target name such as \"cpu:rpi3\"");
    if (count != std::floor(count) || count > kMaxDevices)
      return fail(path + ".count: must be a whole number from 1 to " +
                  std::to_string(kMaxDevices));
    // A petabyte is more than any device has, and keeps byte counts (and
    // their sums over devices) well inside 64 bits.
    if (device.memoryMb > kMaxMemoryMb)
      return fail(path + ".memory_mb: must be at most " +
                  std::to_string(static_cast<int64_t>(kMaxMemoryMb)));
    if (device.memoryBytes() <= 0)
      return fail(path + ".memory_mb: must be at least one byte");
    bool numbered = d.has("count");
    for (int64_t k = 0; k < static_cast<int64_t>(count); ++k) {
      device.name = numbered ? name + std::to_string(k) : name;
      // The number can take a name of 64 characters over the limit.
      if (!isWord(device.name))
        return fail(path + ".name: \"" + device.name +
                    "\" (with its number) is longer than 64 characters");
      if (!names.insert(device.name).second)
        return fail(path + ": a second device named \"" + device.name + "\"");
      if (static_cast<int64_t>(cluster.devices.size()) == kMaxDevices)
        return fail("devices: more than " + std::to_string(kMaxDevices));
      cluster.devices.push_back(device);
    }
  }

  std::string coordinator = top.string("coordinator", false);
  if (top.failed())
    return top.takeError();
  if (!coordinator.empty()) {
    std::optional<size_t> index = cluster.indexOf(coordinator);
    if (!index)
      return fail("coordinator: no device is named \"" + coordinator + "\"");
    cluster.coordinator = *index;
  }
  return cluster;
}

std::vector<std::string> lcp::clusterPresetNames() {
  std::vector<std::string> names;
  for (const ClusterPreset &preset : kClusterPresets)
    names.push_back(preset.name);
  return names;
}

llvm::Expected<Cluster> lcp::loadCluster(llvm::StringRef nameOrPath) {
  for (const ClusterPreset &preset : kClusterPresets)
    if (nameOrPath == preset.name)
      return parseCluster(preset.text, std::string("preset ") + preset.name);
  auto fail = [&](const std::string &problem) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s: %s",
                                   nameOrPath.str().c_str(), problem.c_str());
  };
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(nameOrPath, /*IsText=*/true);
  if (!buffer)
    return fail("cannot read: " + buffer.getError().message() +
                " (and no preset is named so; presets: " +
                llvm::join(clusterPresetNames(), ", ") + ")");
  if ((*buffer)->getBufferSize() > kMaxFileBytes)
    return fail("is " + std::to_string((*buffer)->getBufferSize()) +
                " bytes; a cluster description is at most " +
                std::to_string(kMaxFileBytes));
  return parseCluster((*buffer)->getBuffer(), nameOrPath);
}

Value lcp::toJson(const Cluster &cluster) {
  Array devices;
  for (const ClusterDevice &d : cluster.devices) {
    Object device{{"name", d.name},
                  {"kind", d.kind},
                  {"macs_per_s", d.macsPerSecond},
                  {"memory_mb", d.memoryMb}};
    if (cluster.medium == Cluster::Medium::Switched)
      device["link"] = Object{{"bandwidth_mbps", d.bandwidthMbps},
                              {"latency_ms", d.latencyMs}};
    devices.push_back(std::move(device));
  }
  const ClusterDevice &first = cluster.devices.front();
  Object root{
      {"format", kFormat},
      {"version", kVersion},
      {"name", cluster.name},
      {"network", Object{{"medium", cluster.medium == Cluster::Medium::Shared
                                        ? "shared"
                                        : "switched"},
                         {"bandwidth_mbps", first.bandwidthMbps},
                         {"latency_ms", first.latencyMs}}},
      {"coordinator", cluster.devices[cluster.coordinator].name},
      {"devices", std::move(devices)}};
  if (!cluster.description.empty())
    root["description"] = cluster.description;
  return root;
}
