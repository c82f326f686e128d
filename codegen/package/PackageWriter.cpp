//===- PackageWriter.cpp - Compiling a model into a package ---------------===//

#include "codegen/package/PackageWriter.h"
#include "codegen/package/PackageBuild.h"
#include "codegen/package/Version.h"
#include "dialect/ReferenceEvaluator.h"
#include "dialect/UnitGraph.h"
#include "support/Sha256.h"
#include "targets/Target.h"
#include "targets/cluster/Cluster.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>

using namespace mlir;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace lcp {

namespace {

double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

class PackageBuilder {
public:
  PackageBuilder(ModuleOp module, const PackageOptions &options)
      : module(module), options(options) {}

  LogicalResult run();

private:
  InFlightDiagnostic error() { return mlir::emitError(module.getLoc()); }

  /// Emits every unit with the target's emitter; units with the same IR but
  /// for their weights share the first one's code.
  LogicalResult emitUnits(PackageBuild &build);
  LogicalResult checkValueTypes(PackageBuild &build);
  /// The model's name for its input or output `i`.
  std::string modelValueName(bool input, unsigned i);
  LogicalResult writeWeights(PackageBuild &build);
  LogicalResult writeManifest(PackageBuild &build);
  LogicalResult commit(StringRef tempDir);

  ModuleOp module;
  const PackageOptions &options;
  func::FuncOp func;
  std::optional<UnitGraph> graph;
  /// The element type of every value, by name.
  std::map<std::string, ElementType> valueTypes;
};

LogicalResult PackageBuilder::emitUnits(PackageBuild &build) {
  std::vector<EmittedUnit> &units = build.getUnits();
  for (const Unit &unit : graph->getUnits()) {
    EmittedUnit emitted;
    emitted.unit = &unit;
    auto start = std::chrono::steady_clock::now();
    llvm::raw_string_ostream os(emitted.source);
    if (failed(options.target->emitUnit(unit.op, "lcp_unit_" + unit.id, os,
                                        emitted.signature)))
      return failure();
    build.progress("emit", unit.id, seconds(start));
    units.push_back(std::move(emitted));
  }
  for (auto [i, emitted] : llvm::enumerate(units)) {
    size_t representative = emitted.unit->representative;
    if (representative != i) {
      emitted.representative = false;
      emitted.signature.function = units[representative].signature.function;
    }
  }
  return success();
}

std::string PackageBuilder::modelValueName(bool input, unsigned i) {
  return graph->getModelValueName(input, i);
}

LogicalResult PackageBuilder::checkValueTypes(PackageBuild &build) {
  // Model inputs and outputs are f32 (the C API exchanges floats); inside,
  // a value has the type of the pipeline argument that produces it, and
  // every pipeline that reads it must take that type.
  for (const std::string &v : graph->getInputNames())
    valueTypes[v] = ElementType::F32;
  for (EmittedUnit &emitted : build.getUnits()) {
    const Unit &u = *emitted.unit;
    std::vector<const UnitArgument *> ins =
        emitted.signature.argsOfKind(UnitArgument::Kind::Input);
    std::vector<const UnitArgument *> outs =
        emitted.signature.argsOfKind(UnitArgument::Kind::Output);
    if (ins.size() != u.inputs.size() || outs.size() != u.outputs.size())
      return error() << "unit '" << u.id << "' reads " << u.inputs.size()
                     << " values and defines " << u.outputs.size()
                     << ", but its pipeline takes " << ins.size()
                     << " inputs and " << outs.size() << " outputs";
    for (auto [k, v] : llvm::enumerate(u.inputs))
      if (ins[k]->type != valueTypes.at(v))
        return error() << "unit '" << u.id << "' reads '" << v << "' ("
                       << toString(valueTypes.at(v)) << ") as "
                       << toString(ins[k]->type);
    for (auto [k, v] : llvm::enumerate(u.outputs)) {
      if (outs[k]->type == ElementType::I64)
        return error() << "unit '" << u.id << "' defines '" << v
                       << "' as i64, which packages do not hold (f32, i8, "
                          "i16, i32)";
      valueTypes[v] = outs[k]->type;
    }
  }
  for (auto [i, v] : llvm::enumerate(graph->getOutputNames()))
    if (valueTypes.at(v) != ElementType::F32)
      return error() << "model output '" << modelValueName(false, i) << "' ('"
                     << v << "') is " << toString(valueTypes.at(v))
                     << "; a model's outputs must be f32 (dequantize them "
                        "in the model)";
  return success();
}

/// Appends `bits` little-endian in `bytes` bytes, whatever the host's order.
void appendLittleEndian(std::string &data, uint64_t bits, int64_t bytes) {
  for (int64_t i = 0; i < bytes; ++i)
    data.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

LogicalResult PackageBuilder::writeWeights(PackageBuild &build) {
  std::vector<StoredTensor> tensors;
  for (EmittedUnit &emitted : build.getUnits())
    for (const UnitArgument &arg : emitted.signature.args) {
      if (arg.kind != UnitArgument::Kind::Weight)
        continue;
      std::string name = emitted.unit->id + "." + arg.name;
      if (arg.type == ElementType::I64)
        return error() << "weight '" << name << "' has element type "
                       << toString(arg.type)
                       << ", which packages do not hold (f32, i8, i16, i32)";
      HostTensor tensor;
      if (arg.constant) {
        SmallVector<HostTensor> values;
        if (failed(cast<ConstantOp>(arg.constant).evaluate({}, values)))
          return failure();
        tensor = std::move(values[0]);
        if (tensor.type != arg.type)
          return error() << "weight '" << name << "' holds "
                         << toString(tensor.type)
                         << " values, but its pipeline argument is "
                         << toString(arg.type);
      } else {
        // Values the emitter computed (requantize multipliers): integers.
        if (arg.type == ElementType::F32 ||
            static_cast<int64_t>(arg.values.size()) !=
                checkedNumElements(arg.shape))
          return error() << "weight '" << name << "' has no constant and "
                         << arg.values.size() << " " << toString(arg.type)
                         << " values for shape " << shapeToString(arg.shape);
        tensor.type = arg.type;
        tensor.shape = arg.shape;
        tensor.ints = arg.values;
      }
      if (!arg.permutation.empty())
        tensor = transpose(tensor, arg.permutation);
      if (tensor.shape != arg.shape)
        return error() << "weight '" << name << "' has shape "
                       << shapeToString(tensor.shape)
                       << ", but its pipeline argument is "
                       << shapeToString(arg.shape);
      StoredTensor stored{name, arg.type, arg.shape, {}};
      int64_t width = storageBytes(arg.type);
      if (tensor.isFloat()) {
        stored.bytes.reserve(tensor.f32.size() * width);
        for (float v : tensor.f32) {
          uint32_t bits;
          std::memcpy(&bits, &v, sizeof bits);
          appendLittleEndian(stored.bytes, bits, width);
        }
      } else {
        int64_t hi = (int64_t(1) << (8 * width - 1)) - 1, lo = -hi - 1;
        stored.bytes.reserve(tensor.ints.size() * width);
        for (int64_t v : tensor.ints) {
          if (v < lo || v > hi)
            return error() << "weight '" << name << "' holds " << v
                           << ", which does not fit " << toString(arg.type);
          appendLittleEndian(stored.bytes, static_cast<uint64_t>(v), width);
        }
      }
      tensors.push_back(std::move(stored));
    }
  return build.writeFile("weights.safetensors",
                         writeSafetensors(std::move(tensors)));
}

LogicalResult PackageBuilder::writeManifest(PackageBuild &build) {
  Manifest manifest;
  manifest.model = options.modelName;
  manifest.target = options.target->getName().str();
  manifest.generator = "lcp " LCP_VERSION_STRING;
  if (auto module = func->getParentOfType<ModuleOp>())
    if (auto cluster = module->getAttrOfType<StringAttr>("lcp.cluster")) {
      llvm::Expected<Cluster> parsed =
          parseCluster(cluster.getValue(), "lcp.cluster");
      if (!parsed)
        return func.emitError() << llvm::toString(parsed.takeError());
      manifest.coordinator = parsed->devices[parsed->coordinator].name;
    }
  auto modelTensor = [&](bool input, unsigned i, Type type) {
    TensorInfo t;
    t.name = modelValueName(input, i);
    t.value = input ? graph->getInputNames()[i] : graph->getOutputNames()[i];
    ArrayRef<int64_t> shape = cast<ShapedType>(type).getShape();
    t.shape.assign(shape.begin(), shape.end());
    return t;
  };
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
    manifest.inputs.push_back(modelTensor(true, i, type));
  for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
    manifest.outputs.push_back(modelTensor(false, i, type));
  for (EmittedUnit &emitted : build.getUnits()) {
    const Unit &u = *emitted.unit;
    UnitInfo unit;
    unit.id = u.id;
    unit.kind = u.kind;
    unit.function = emitted.signature.function;
    unit.device = u.device;
    unit.replicas = u.replicas;
    unit.inputs = u.inputs;
    size_t k = 0;
    for (const UnitArgument &arg : emitted.signature.args) {
      if (arg.kind == UnitArgument::Kind::Weight) {
        unit.weights.push_back(u.id + "." + arg.name);
        manifest.weightTypes[unit.weights.back()] = {arg.shape, arg.type};
      }
      if (arg.kind == UnitArgument::Kind::Output) {
        TensorInfo t;
        t.value = u.outputs[k++];
        t.shape = arg.shape;
        t.type = arg.type;
        unit.outputs.push_back(std::move(t));
      }
    }
    manifest.units.push_back(std::move(unit));
  }
  // Checksums of every file in the package.
  std::error_code ec;
  std::string tempDir = build.getDirectory().str();
  std::vector<std::string> paths;
  for (fs::recursive_directory_iterator it(tempDir, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef p = it->path();
    StringRef relative = p.drop_front(tempDir.size() + 1);
    if (relative.starts_with("gen") ||
        it->type() != fs::file_type::regular_file)
      continue;
    paths.push_back(relative.str());
  }
  std::sort(paths.begin(), paths.end());
  for (const std::string &relative : paths) {
    auto buffer = llvm::MemoryBuffer::getFile(tempDir + "/" + relative,
                                              /*IsText=*/false);
    if (!buffer)
      return error() << "cannot read " << relative;
    manifest.checksums[relative] =
        sha256Hex((*buffer)->getBufferStart(), (*buffer)->getBufferSize());
  }
  options.target->describe(manifest);
  return build.writeFile("manifest.json", lcp::writeManifest(manifest));
}

LogicalResult PackageBuilder::commit(StringRef tempDir) {
  // The temporary folder replaces the output in one rename; an older
  // package is moved aside first and removed once the new one is in place.
  std::string out = options.outputDir;
  std::string old;
  if (fs::exists(out)) {
    old = out + ".lcp-old";
    fs::remove_directories(old);
    if (std::error_code ec = fs::rename(out, old))
      return error() << "cannot move the old package aside: " << ec.message();
  }
  if (std::error_code ec = fs::rename(tempDir, out)) {
    if (!old.empty())
      (void)fs::rename(old, out);
    return error() << "cannot move the package into place at " << out << ": "
                   << ec.message();
  }
  if (!old.empty())
    fs::remove_directories(old);
  return success();
}

LogicalResult PackageBuilder::run() {
  func::FuncOp entry = getEntryFunction(module);
  if (!entry)
    return failure();
  std::string out = options.outputDir;
  if (!options.generatorsOnly && fs::exists(out)) {
    // Never overwrite what is not ours.
    if (!fs::is_directory(out) || !fs::exists(out + "/manifest.json"))
      return error() << out
                     << " exists and is not an lcp package; refusing to "
                        "overwrite it (remove it or choose another -o)";
    auto manifest = llvm::MemoryBuffer::getFile(out + "/manifest.json");
    if (!manifest || !isPackageManifest((*manifest)->getBuffer().str()))
      return error() << out
                     << " exists and is not an lcp package; refusing to "
                        "overwrite it (remove it or choose another -o)";
  }
  auto start = std::chrono::steady_clock::now();
  func = entry;
  graph.emplace(func);
  if (failed(graph->verify()))
    return failure();
  std::string tempDir =
      out + ".lcp-tmp-" + std::to_string(llvm::sys::Process::getProcessId());
  PackageBuild build(module.getLoc(), options.modelName, tempDir, options.jobs,
                     options.progress);
  if (failed(emitUnits(build)))
    return failure();
  if (options.generatorsOnly) {
    for (EmittedUnit &u : build.getUnits())
      *options.generatorsOnly << u.source << "\n";
    return success();
  }
  // Before the slow part: a package must be consistent to be loaded.
  if (failed(checkValueTypes(build)))
    return failure();
  fs::remove_directories(tempDir);
  if (std::error_code ec = fs::create_directories(tempDir))
    return error() << "cannot create " << tempDir << ": " << ec.message();
  LogicalResult result = success();
  if (failed(options.target->buildArtifacts(build)) ||
      failed(writeWeights(build)) || failed(writeManifest(build)))
    result = failure();
  // The build's scratch files stay out of the package.
  if (succeeded(result)) {
    fs::remove_directories(tempDir + "/gen");
    result = commit(tempDir);
  }
  if (succeeded(result))
    build.progress("package", options.modelName, seconds(start));
  if (failed(result))
    fs::remove_directories(tempDir);
  return result;
}

} // namespace

LogicalResult writePackage(ModuleOp module, const PackageOptions &options) {
  PackageBuilder builder(module, options);
  return builder.run();
}

} // namespace lcp
