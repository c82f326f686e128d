//===- Package.h - The package format ---------------------------*- C++ -*-===//
//
// A package is a folder: manifest.json (units, shapes, data flow, SHA-256
// checksums), weights.safetensors, and per-target code (cpu/). This is the
// one definition of that format (docs/Package.md): lcp-compile writes it
// with writeManifest and writeSafetensors, the runtime reads it with
// loadPackage. Plain C++17 (the JSON library stays in Package.cpp), so the
// compiler and a device both link it.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_RUNTIME_FORMAT_PACKAGE_H
#define LCP_RUNTIME_FORMAT_PACKAGE_H

#include "support/HostTensor.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lcp {

constexpr const char *kPackageFormat = "lcp-package";
constexpr int kPackageVersion = 1;

struct TensorInfo {
  std::string name;  // the model's name for an input or output
  std::string value; // the value it binds: "input:0", "b0:0", ...
  std::vector<int64_t> shape;
  /// From "dtype"; f32 in packages that predate integer values.
  ElementType type = ElementType::F32;
  int64_t numElements() const;
};

/// The kinds of unit a manifest names (the dialect's unit ops and a whole
/// unsplit model).
constexpr const char *kUnitKinds[] = {"branch", "stem", "merge", "part",
                                      "model"};
bool isUnitKind(const std::string &kind);

struct UnitInfo {
  std::string id;
  std::string kind; // one of kUnitKinds
  std::string function;
  std::string device; // placement's device, or "" for the local one
  std::vector<std::string> inputs;   // values
  std::vector<std::string> weights;  // tensor names in the weights file
  std::vector<TensorInfo> outputs;   // value, shape, type of each result
  std::vector<std::string> replicas; // devices that hold copies
};

/// The dtype and shape a unit's code takes for a weight (manifest.json's
/// "weights"."tensors"), checked against the weights file at load.
struct WeightInfo {
  std::vector<int64_t> shape;
  ElementType type = ElementType::F32; // F32, I8, I16 or I32
};

/// A weight as the weights file holds it.
struct WeightTensor : WeightInfo {
  const void *data = nullptr; // little-endian, aligned to its type
};

/// What manifest.json holds.
struct Manifest {
  std::string model;
  std::string target;
  std::string generator; // "lcp <version>"
  /// The placement's coordinator device (the process that holds the input
  /// and runs the units placed there), or "" for an unplaced package.
  std::string coordinator;
  /// Top-level string fields the target adds (the cpu targets:
  /// "halide_target").
  std::map<std::string, std::string> targetFields;
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> outputs;
  std::vector<UnitInfo> units;
  /// Every weight a unit lists; empty in packages written before lcp
  /// recorded them (their weights are checked by the code at first run).
  std::map<std::string, WeightInfo> weightTypes;
  std::map<std::string, std::string> checksums; // relative path -> sha256
};

/// A loaded package: its manifest and its weights.
struct Package : Manifest {
  std::string dir;
  std::vector<char> weightBytes; // owns the weight data
  std::map<std::string, WeightTensor> weights;
};

/// manifest.json's text for `manifest` (2-space indented, keys sorted).
std::string writeManifest(const Manifest &manifest);

/// Parses and checks manifest.json's text: the schema and that every value
/// is defined before it is read. On failure returns false with `error`
/// naming the field and the problem.
bool parseManifest(const std::string &text, Manifest &manifest,
                   std::string &error);

/// Whether `text` is the manifest of an lcp package (of any version), so
/// that a folder holding it may be replaced by a new package.
bool isPackageManifest(const std::string &text);

/// A tensor to store in a safetensors file: little-endian bytes.
struct StoredTensor {
  std::string name;
  ElementType type = ElementType::F32; // F32, I8, I16 or I32
  std::vector<int64_t> shape;
  std::string bytes;
};

/// The safetensors image of `tensors`, wider elements first so that each
/// tensor starts aligned to its element size with no gaps.
std::string writeSafetensors(std::vector<StoredTensor> tensors);

/// Reads and checks `dir`/manifest.json and the weights: the schema, the
/// checksums of every listed file, and that every weight has the size its
/// shape needs. With `only`, just the listed files of it are read and
/// checked (a worker receives the weights and the code it runs, not the
/// sources). On failure returns false with `error` naming the file and the
/// problem.
bool loadPackage(const std::string &dir, Package &package, std::string &error,
                 const std::vector<std::string> *only = nullptr);

/// Parses a safetensors image (dtypes F32, I8, I16, I32) into `weights`,
/// pointing into `bytes`.
bool parseSafetensors(const std::vector<char> &bytes,
                      std::map<std::string, WeightTensor> &weights,
                      std::string &error);

} // namespace lcp

#endif // LCP_RUNTIME_FORMAT_PACKAGE_H
