//===- Package.cpp - The package format -----------------------------------===//

#include "runtime/format/Package.h"
#include "support/HostTensor.h"
#include "support/Sha256.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include <sys/stat.h>

using json = nlohmann::json;

namespace lcp {

int64_t TensorInfo::numElements() const {
  return checkedNumElements(shape, kMaxTensorElements);
}

bool isUnitKind(const std::string &kind) {
  for (const char *k : kUnitKinds)
    if (kind == k)
      return true;
  return false;
}

namespace {

/// The manifest's dtypes, as lcp's ElementType's toString spells them.
bool parseDtype(const std::string &name, ElementType &type) {
  for (ElementType t :
       {ElementType::F32, ElementType::I8, ElementType::I16, ElementType::I32})
    if (name == toString(t)) {
      type = t;
      return true;
    }
  return false;
}

/// The safetensors dtypes a package holds.
bool parseSafetensorsDtype(const std::string &name, ElementType &type) {
  static const std::pair<const char *, ElementType> dtypes[] = {
      {"F32", ElementType::F32},
      {"I8", ElementType::I8},
      {"I16", ElementType::I16},
      {"I32", ElementType::I32}};
  for (const auto &[n, t] : dtypes)
    if (name == n) {
      type = t;
      return true;
    }
  return false;
}

/// The largest file a package may hold: more than the weights of any model
/// lcp compiles, and a bound on what a corrupt package (a sparse file, say)
/// makes the loader read.
constexpr uint64_t kMaxPackageFileBytes = uint64_t(4) << 30;

/// Resolves `path` inside the package whose folder resolves to `root`: a
/// symbolic link may point within the package, never out of it, and the
/// file must be a regular one (a FIFO or a device would hang or never end).
/// On success `resolved` is the path to read; a missing file's error ends
/// with `hint`.
bool resolveInPackage(const std::string &root, const std::string &dir,
                      const std::string &path, const char *hint,
                      std::string &resolved, std::string &error) {
  std::string named = dir + "/" + path;
  char buffer[PATH_MAX];
  if (!realpath(named.c_str(), buffer)) {
    error = named + ": cannot read (" + hint + ")";
    return false;
  }
  resolved = buffer;
  if (resolved.compare(0, root.size() + 1, root + "/") != 0) {
    error = named + ": resolves to " + resolved +
            ", outside the package (a symbolic link that leaves it)";
    return false;
  }
  struct stat info;
  if (stat(resolved.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    error = named + ": not a regular file";
    return false;
  }
  if (static_cast<uint64_t>(info.st_size) > kMaxPackageFileBytes) {
    error = named + ": " + std::to_string(info.st_size) +
            " bytes, more than a package file may hold (" +
            std::to_string(kMaxPackageFileBytes) + ")";
    return false;
  }
  return true;
}

bool readFile(const std::string &path, std::vector<char> &bytes) {
  std::ifstream file(path, std::ios::binary);
  if (!file)
    return false;
  bytes.assign(std::istreambuf_iterator<char>(file),
               std::istreambuf_iterator<char>());
  return !file.bad();
}

/// Typed access to the manifest that reports the first problem by path.
class Reader {
public:
  explicit Reader(std::string &error) : error(error) {}

  bool fail(const std::string &where, const std::string &what) {
    if (error.empty())
      error = "manifest.json: " + where + ": " + what;
    return false;
  }
  bool string(const json &j, const char *key, const std::string &where,
              std::string &out, bool optional = false) {
    if (!j.contains(key) || j[key].is_null()) {
      if (optional)
        return true;
      return fail(where, std::string("missing '") + key + "'");
    }
    if (!j[key].is_string())
      return fail(where, std::string("'") + key + "' must be a string");
    out = j[key].get<std::string>();
    return true;
  }
  bool shape(const json &j, const std::string &where,
             std::vector<int64_t> &out) {
    if (!j.contains("shape") || !j["shape"].is_array())
      return fail(where, "missing 'shape' array");
    out.clear();
    for (const json &d : j["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0)
        return fail(where, "'shape' must hold non-negative integers");
      out.push_back(d.get<int64_t>());
    }
    if (checkedNumElements(out, kMaxTensorElements) < 0)
      return fail(where, "shape is too large");
    return true;
  }
  bool tensor(const json &j, const std::string &where, TensorInfo &t,
              bool named) {
    if (!j.is_object())
      return fail(where, "must be an object");
    if (named && !string(j, "name", where, t.name))
      return false;
    if (!string(j, "value", where, t.value) || !shape(j, where, t.shape))
      return false;
    // Packages from before integer values have no dtype: all f32.
    return dtype(j, where, t.type, /*optional=*/true);
  }
  /// Reads `j["dtype"]` into `type`; an optional one may be absent.
  bool dtype(const json &j, const std::string &where, ElementType &type,
             bool optional = false) {
    std::string name;
    if (!string(j, "dtype", where, name, optional))
      return false;
    if (name.empty() && optional)
      return true;
    if (!parseDtype(name, type))
      return fail(where, "unknown dtype '" + name + "' (f32, i8, i16, i32)");
    return true;
  }
  bool strings(const json &j, const char *key, const std::string &where,
               std::vector<std::string> &out, bool optional = false) {
    if (optional && !j.contains(key))
      return true;
    if (!j.contains(key) || !j[key].is_array())
      return fail(where, std::string("missing '") + key + "' array");
    for (const json &s : j[key]) {
      if (!s.is_string())
        return fail(where, std::string("'") + key + "' must hold strings");
      out.push_back(s.get<std::string>());
    }
    return true;
  }

private:
  std::string &error;
};

bool parseManifestSchema(const std::string &text, Manifest &p,
                         std::string &error) {
  json m = json::parse(text, nullptr, /*allow_exceptions=*/false);
  Reader r(error);
  if (m.is_discarded() || !m.is_object())
    return r.fail("top level", "not a JSON object");
  std::string format;
  if (!r.string(m, "format", "top level", format))
    return false;
  if (format != kPackageFormat)
    return r.fail("format", "'" + format + "' is not an lcp package");
  if (!m.contains("version") || !m["version"].is_number_integer())
    return r.fail("top level", "missing 'version'");
  if (m["version"].get<int64_t>() != kPackageVersion)
    return r.fail("version", "version " +
                                 std::to_string(m["version"].get<int64_t>()) +
                                 " is not supported (this runtime reads " +
                                 std::to_string(kPackageVersion) + ")");
  if (!r.string(m, "model", "top level", p.model) ||
      !r.string(m, "target", "top level", p.target) ||
      !r.string(m, "generator", "top level", p.generator, /*optional=*/true) ||
      !r.string(m, "coordinator", "top level", p.coordinator,
                /*optional=*/true))
    return false;
  // The target's own fields ("halide_target"): the other top-level strings.
  for (auto it = m.begin(); it != m.end(); ++it)
    if (it.value().is_string() &&
        !std::set<std::string>{"format", "model", "target", "generator",
                               "coordinator"}
             .count(it.key()))
      p.targetFields[it.key()] = it.value().get<std::string>();
  for (const char *key : {"inputs", "outputs", "units"})
    if (!m.contains(key) || !m[key].is_array() || m[key].empty())
      return r.fail("top level", std::string("missing or empty '") + key + "'");
  // The C API exchanges floats: a model's inputs and outputs are f32.
  for (const char *key : {"inputs", "outputs"})
    for (size_t i = 0; i < m[key].size(); ++i) {
      TensorInfo t;
      std::string where = key + ("[" + std::to_string(i) + "]");
      if (!r.tensor(m[key][i], where, t, true))
        return false;
      if (t.type != ElementType::F32)
        return r.fail(where, std::string("dtype ") + toString(t.type) +
                                 ": a model's inputs and outputs are f32");
      (key == std::string("inputs") ? p.inputs : p.outputs).push_back(t);
    }
  for (size_t i = 0; i < m["units"].size(); ++i) {
    const json &u = m["units"][i];
    std::string where = "units[" + std::to_string(i) + "]";
    UnitInfo unit;
    if (!u.is_object())
      return r.fail(where, "must be an object");
    if (!r.string(u, "id", where, unit.id) ||
        !r.string(u, "kind", where, unit.kind) ||
        !r.string(u, "function", where, unit.function) ||
        !r.string(u, "device", where, unit.device, /*optional=*/true) ||
        !r.strings(u, "replicas", where, unit.replicas, /*optional=*/true) ||
        !r.strings(u, "inputs", where, unit.inputs) ||
        !r.strings(u, "weights", where, unit.weights))
      return false;
    if (!u.contains("outputs") || !u["outputs"].is_array())
      return r.fail(where, "missing 'outputs' array");
    for (size_t k = 0; k < u["outputs"].size(); ++k) {
      TensorInfo t;
      if (!r.tensor(u["outputs"][k],
                    "unit '" + unit.id + "' (" + where + ").outputs[" +
                        std::to_string(k) + "]",
                    t, false))
        return false;
      unit.outputs.push_back(t);
    }
    p.units.push_back(unit);
  }
  // "weights": {"file": ..., "tensors": {name: {dtype, shape}}}; packages
  // from before lcp recorded the tensors have the file only.
  if (m.contains("weights") && m["weights"].is_object() &&
      m["weights"].contains("tensors")) {
    const json &tensors = m["weights"]["tensors"];
    if (!tensors.is_object())
      return r.fail("weights", "'tensors' must be an object");
    for (auto it = tensors.begin(); it != tensors.end(); ++it) {
      std::string where = "weights.tensors['" + it.key() + "']";
      WeightInfo w;
      if (!it.value().is_object())
        return r.fail(where, "must be an object");
      if (!r.dtype(it.value(), where, w.type) ||
          !r.shape(it.value(), where, w.shape))
        return false;
      p.weightTypes[it.key()] = w;
    }
  }
  if (!m.contains("files") || !m["files"].is_object())
    return r.fail("top level", "missing 'files' (checksums)");
  for (auto it = m["files"].begin(); it != m["files"].end(); ++it) {
    if (!it.value().is_string())
      return r.fail("files", "checksum of '" + it.key() + "' is not a string");
    if (it.key().find("..") != std::string::npos || it.key().empty() ||
        it.key()[0] == '/')
      return r.fail("files", "path '" + it.key() + "' leaves the package");
    p.checksums[it.key()] = it.value().get<std::string>();
  }
  return true;
}

/// Checks that the units, values and names agree with each other: unit ids
/// are unique and their kinds known, every value is defined once, by an
/// input or a unit, before it is read (so its shape and dtype are known),
/// and the model's input and output names are unique.
bool checkConsistency(const Manifest &p, std::string &error) {
  auto fail = [&](const std::string &what) {
    error = "manifest.json: " + what;
    return false;
  };
  std::map<std::string, const TensorInfo *> defined;
  std::set<std::string> names;
  for (const TensorInfo &t : p.inputs) {
    if (!names.insert(t.name).second)
      return fail("two inputs are named '" + t.name + "'");
    if (!defined.emplace(t.value, &t).second)
      return fail("inputs '" + t.name + "' and '" + defined[t.value]->name +
                  "' bind the same value '" + t.value + "'");
  }
  std::set<std::string> ids;
  for (const UnitInfo &u : p.units) {
    if (u.id.empty() || !ids.insert(u.id).second)
      return fail("unit id '" + u.id + "' is " +
                  (u.id.empty() ? "empty" : "used by two units"));
    if (!isUnitKind(u.kind)) {
      std::string kinds;
      for (const char *k : kUnitKinds)
        kinds += std::string(kinds.empty() ? "" : ", ") + k;
      return fail("unit '" + u.id + "' has kind '" + u.kind + "', not one of " +
                  kinds);
    }
    for (const std::string &v : u.inputs)
      if (!defined.count(v))
        return fail("unit '" + u.id + "' reads '" + v +
                    "', which no input or earlier unit defines");
    for (const TensorInfo &t : u.outputs)
      if (!defined.emplace(t.value, &t).second)
        return fail("unit '" + u.id + "' defines '" + t.value +
                    "', which an input or earlier unit already defines");
    std::set<std::string> weights;
    for (const std::string &w : u.weights) {
      if (!weights.insert(w).second)
        return fail("unit '" + u.id + "' lists weight '" + w + "' twice");
      if (!p.weightTypes.empty() && !p.weightTypes.count(w))
        return fail("unit '" + u.id + "' lists weight '" + w +
                    "', which weights.tensors does not describe");
    }
  }
  names.clear();
  for (const TensorInfo &t : p.outputs) {
    if (!names.insert(t.name).second)
      return fail("two outputs are named '" + t.name + "'");
    auto it = defined.find(t.value);
    if (it == defined.end() || it->second->shape != t.shape ||
        it->second->type != t.type)
      return fail("output '" + t.name + "' reads '" + t.value +
                  "', which no unit defines with shape " +
                  shapeToString(t.shape) + " and dtype " + toString(t.type));
  }
  return true;
}

json tensorJson(const TensorInfo &t, bool named) {
  json j = {
      {"value", t.value}, {"shape", t.shape}, {"dtype", toString(t.type)}};
  if (named)
    j["name"] = t.name;
  return j;
}

/// The safetensors dtype of `type`, or null for a type packages do not hold.
const char *safetensorsDtype(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "F32";
  case ElementType::I8:
    return "I8";
  case ElementType::I16:
    return "I16";
  case ElementType::I32:
    return "I32";
  case ElementType::I64:
    return nullptr;
  }
  return nullptr;
}

} // namespace

bool parseManifest(const std::string &text, Manifest &manifest,
                   std::string &error) {
  manifest = Manifest();
  return parseManifestSchema(text, manifest, error) &&
         checkConsistency(manifest, error);
}

bool isPackageManifest(const std::string &text) {
  json m = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return m.is_object() && m.contains("format") && m["format"].is_string() &&
         m["format"].get<std::string>() == kPackageFormat;
}

std::string writeManifest(const Manifest &manifest) {
  json inputs = json::array(), outputs = json::array(), units = json::array();
  for (const TensorInfo &t : manifest.inputs)
    inputs.push_back(tensorJson(t, /*named=*/true));
  for (const TensorInfo &t : manifest.outputs)
    outputs.push_back(tensorJson(t, /*named=*/true));
  json weights = {{"file", "weights.safetensors"}};
  if (!manifest.weightTypes.empty()) {
    json tensors = json::object();
    for (const auto &[name, w] : manifest.weightTypes)
      tensors[name] = {{"dtype", toString(w.type)}, {"shape", w.shape}};
    weights["tensors"] = std::move(tensors);
  }
  for (const UnitInfo &u : manifest.units) {
    json unitOutputs = json::array();
    for (const TensorInfo &t : u.outputs)
      unitOutputs.push_back(tensorJson(t, /*named=*/false));
    json unit = {{"id", u.id},
                 {"kind", u.kind},
                 {"function", u.function},
                 {"device", u.device.empty() ? json(nullptr) : json(u.device)},
                 {"inputs", u.inputs},
                 {"weights", u.weights},
                 {"outputs", std::move(unitOutputs)}};
    // Only placed packages with replicas have the field, so that others
    // read as before.
    if (!u.replicas.empty())
      unit["replicas"] = u.replicas;
    units.push_back(std::move(unit));
  }
  json m = {{"format", kPackageFormat},        {"version", kPackageVersion},
            {"model", manifest.model},         {"target", manifest.target},
            {"generator", manifest.generator}, {"inputs", std::move(inputs)},
            {"outputs", std::move(outputs)},   {"units", std::move(units)},
            {"weights", std::move(weights)},   {"quantization", nullptr},
            {"files", manifest.checksums}};
  if (!manifest.coordinator.empty())
    m["coordinator"] = manifest.coordinator;
  for (const auto &[key, value] : manifest.targetFields)
    m[key] = value;
  return m.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string writeSafetensors(std::vector<StoredTensor> tensors) {
  // An 8-byte little-endian header size, a JSON header naming each
  // tensor's dtype, shape and byte range, then the data. Wider elements
  // first: every tensor then starts at a multiple of its element size
  // (Halide assumes buffers are aligned so) with no gaps between tensors,
  // which safetensors readers reject.
  std::stable_sort(tensors.begin(), tensors.end(),
                   [](const StoredTensor &a, const StoredTensor &b) {
                     return storageBytes(a.type) > storageBytes(b.type);
                   });
  json header = json::object();
  std::string data;
  for (const StoredTensor &t : tensors) {
    size_t begin = data.size();
    data += t.bytes;
    header[t.name] = {{"dtype", safetensorsDtype(t.type)},
                      {"shape", t.shape},
                      {"data_offsets", {begin, data.size()}}};
  }
  std::string headerText =
      header.dump(-1, ' ', false, json::error_handler_t::replace);
  // Pad the header so that the data starts 8-byte aligned.
  headerText.append((8 - headerText.size() % 8) % 8, ' ');
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i)
    file[i] =
        static_cast<char>((uint64_t(headerText.size()) >> (8 * i)) & 0xff);
  return file + headerText + data;
}

bool parseSafetensors(const std::vector<char> &bytes,
                      std::map<std::string, WeightTensor> &weights,
                      std::string &error) {
  if (bytes.size() < 8) {
    error = "too short for a safetensors header";
    return false;
  }
  uint64_t headerSize = 0;
  for (int i = 7; i >= 0; --i)
    headerSize = (headerSize << 8) | static_cast<unsigned char>(bytes[i]);
  if (headerSize > bytes.size() - 8) {
    error = "header size " + std::to_string(headerSize) +
            " runs past the end of the file";
    return false;
  }
  // JSON readers keep one of two equal keys; which one differs between
  // them, so a header that names a tensor twice is refused.
  std::set<std::string> keys;
  std::string duplicate;
  json::parser_callback_t noDuplicates =
      [&](int depth, json::parse_event_t event, json &parsed) {
        if (event == json::parse_event_t::key && depth == 1 &&
            !keys.insert(parsed.get<std::string>()).second && duplicate.empty())
          duplicate = parsed.get<std::string>();
        return true;
      };
  json header = json::parse(bytes.begin() + 8, bytes.begin() + 8 + headerSize,
                            noDuplicates, /*allow_exceptions=*/false);
  if (header.is_discarded() || !header.is_object()) {
    error = "header is not a JSON object";
    return false;
  }
  if (!duplicate.empty()) {
    error = "the header names tensor '" + duplicate + "' twice";
    return false;
  }
  // (begin, end, name) of every tensor, to check that they tile the data.
  std::vector<std::tuple<uint64_t, uint64_t, std::string>> ranges;
  size_t dataStart = 8 + headerSize;
  size_t dataSize = bytes.size() - dataStart;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") {
      bool strings = it.value().is_object();
      for (const json &v : it.value())
        strings = strings && v.is_string();
      if (!strings) {
        error = "__metadata__ must map names to strings";
        return false;
      }
      continue;
    }
    const json &t = it.value();
    std::string where = "tensor '" + it.key() + "': ";
    if (!t.is_object() || !t.contains("dtype") || !t["dtype"].is_string() ||
        !t.contains("shape") || !t["shape"].is_array() ||
        !t.contains("data_offsets") || !t["data_offsets"].is_array() ||
        t["data_offsets"].size() != 2) {
      error = where + "needs dtype, shape and data_offsets";
      return false;
    }
    WeightTensor w;
    if (!parseSafetensorsDtype(t["dtype"].get<std::string>(), w.type)) {
      error = where + "dtype " + t["dtype"].get<std::string>() +
              " is not supported (F32, I8, I16, I32)";
      return false;
    }
    for (const json &d : t["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0) {
        error = where + "bad shape";
        return false;
      }
      w.shape.push_back(d.get<int64_t>());
    }
    const json &offsets = t["data_offsets"];
    if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned()) {
      error = where + "bad data_offsets";
      return false;
    }
    uint64_t begin = offsets[0].get<uint64_t>(),
             end = offsets[1].get<uint64_t>();
    // Each tensor starts aligned to its element size, as Halide assumes of
    // a buffer.
    uint64_t width = static_cast<uint64_t>(storageBytes(w.type));
    int64_t count = checkedNumElements(w.shape, kMaxTensorElements);
    if (count < 0 || begin > end || end > dataSize ||
        end - begin != static_cast<uint64_t>(count) * width ||
        begin % width != 0) {
      error = where + "data_offsets [" + std::to_string(begin) + ", " +
              std::to_string(end) + ") do not hold " + toString(w.type) +
              " shape " + shapeToString(w.shape) + " in " +
              std::to_string(dataSize) + " bytes of data";
      return false;
    }
    w.data = bytes.data() + dataStart + begin;
    weights[it.key()] = w;
    if (begin != end) // An empty tensor shares no bytes.
      ranges.emplace_back(begin, end, it.key());
  }
  // As the format requires: no two tensors share bytes, and no byte
  // belongs to none (a hole could hide another file's contents).
  std::sort(ranges.begin(), ranges.end());
  uint64_t covered = 0;
  const std::string *previous = nullptr;
  for (const auto &[begin, end, name] : ranges) {
    if (begin < covered) {
      error = "tensors '" + *previous + "' and '" + name + "' overlap: '" +
              name + "' starts at byte " + std::to_string(begin) +
              ", before '" + *previous + "' ends at " + std::to_string(covered);
      return false;
    }
    if (begin > covered) {
      error = "bytes [" + std::to_string(covered) + ", " +
              std::to_string(begin) + ") of the data belong to no tensor";
      return false;
    }
    covered = end;
    previous = &name;
  }
  if (covered != dataSize) {
    error = "bytes [" + std::to_string(covered) + ", " +
            std::to_string(dataSize) + ") of the data belong to no tensor";
    return false;
  }
  return true;
}

bool loadPackage(const std::string &dir, Package &p, std::string &error,
                 const std::vector<std::string> *only) {
  p = Package();
  p.dir = dir;
  const char *notPackage = "is this an lcp package?";
  char rootBuffer[PATH_MAX];
  if (!realpath(dir.c_str(), rootBuffer)) {
    error = dir + "/manifest.json: cannot read (" + notPackage + ")";
    return false;
  }
  std::string root = rootBuffer;
  std::string resolved, problem;
  std::vector<char> manifest;
  if (!resolveInPackage(root, dir, "manifest.json", notPackage, resolved,
                        error))
    return false;
  if (!readFile(resolved, manifest)) {
    error = dir + "/manifest.json: cannot read (" + notPackage + ")";
    return false;
  }
  if (!parseManifest(std::string(manifest.begin(), manifest.end()), p,
                     problem)) {
    error = dir + "/" + problem;
    return false;
  }
  // Every listed file must be there, inside the package, with its checksum.
  for (const auto &[path, expected] : p.checksums) {
    if (only && std::find(only->begin(), only->end(), path) == only->end())
      continue;
    std::vector<char> bytes;
    if (!resolveInPackage(root, dir, path, "listed in manifest.json", resolved,
                          error))
      return false;
    if (!readFile(resolved, bytes)) {
      error = dir + "/" + path + ": cannot read (listed in manifest.json)";
      return false;
    }
    std::string actual = sha256Hex(bytes.data(), bytes.size());
    if (actual != expected) {
      error = dir + "/" + path + ": SHA-256 " + actual +
              " differs from the manifest's " + expected +
              " (the file is corrupt or was changed)";
      return false;
    }
    if (path == "weights.safetensors")
      p.weightBytes = std::move(bytes);
  }
  if (!p.checksums.count("weights.safetensors")) {
    error = dir + "/manifest.json: files: no checksum for weights.safetensors";
    return false;
  }
  if (!parseSafetensors(p.weightBytes, p.weights, problem)) {
    error = dir + "/weights.safetensors: " + problem;
    return false;
  }
  for (const UnitInfo &u : p.units)
    for (const std::string &w : u.weights) {
      auto stored = p.weights.find(w);
      if (stored == p.weights.end()) {
        error = dir + "/weights.safetensors: unit '" + u.id +
                "' needs weight '" + w + "', which the file does not hold";
        return false;
      }
      auto declared = p.weightTypes.find(w);
      if (declared != p.weightTypes.end() &&
          (declared->second.type != stored->second.type ||
           declared->second.shape != stored->second.shape)) {
        auto describe = [](const auto &t) {
          return std::string(toString(t.type)) + " of shape " +
                 shapeToString(t.shape);
        };
        error = dir + "/weights.safetensors: weight '" + w + "' is " +
                describe(stored->second) + ", but unit '" + u.id + "' takes " +
                describe(declared->second) +
                " (manifest.json, weights.tensors)";
        return false;
      }
    }
  return true;
}

} // namespace lcp
