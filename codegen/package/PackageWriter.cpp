//===- PackageWriter.cpp - Compiling a model into a package ---------------===//

#include "codegen/package/PackageWriter.h"
#include "codegen/halide/HalideEmitter.h"
#include "codegen/package/Toolchain.h"
#include "dialect/LcpOps.h"
#include "dialect/ReferenceEvaluator.h"
#include "runtime/Sha256.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/TargetParser/Host.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <thread>

using namespace mlir;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace lcp {

namespace {

/// The host's vector unit, as Halide's "host" target will find it.
halide::VectorUnit hostVectorUnit() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return {16, 32};
  if (features.lookup("avx"))
    return {8, 16};
  if (features.lookup("neon") &&
      llvm::StringRef(LLVM_HOST_TRIPLE).starts_with("aarch64"))
    return {4, 32};
  return {4, 16};
}

/// The host as a Halide target string, from the features LLVM finds on
/// this CPU. Halide 14's own "host" detection takes any CPU with AVX-512
/// BF16 and VNNI for a Sapphire Rapids, whose target lets LLVM use
/// AVX512-FP16 instructions: on a CPU without them (AMD Zen 4, say) the code
/// dies of an illegal instruction. Non-x86 hosts keep Halide's detection.
std::string hostHalideTarget() {
  StringRef triple = LLVM_HOST_TRIPLE;
  if (!triple.starts_with("x86_64"))
    return "host";
  llvm::StringMap<bool> f = llvm::sys::getHostCPUFeatures();
  std::string target = "x86-64-linux";
  auto add = [&](bool present, StringRef feature) {
    if (present)
      target += ("-" + feature).str();
  };
  add(f.lookup("sse4.1"), "sse41");
  add(f.lookup("avx"), "avx");
  add(f.lookup("avx2"), "avx2");
  add(f.lookup("fma"), "fma");
  add(f.lookup("f16c"), "f16c");
  bool avx512 = f.lookup("avx512f") && f.lookup("avx512cd");
  add(avx512, "avx512");
  bool skylake = avx512 && f.lookup("avx512vl") && f.lookup("avx512bw") &&
                 f.lookup("avx512dq");
  add(skylake, "avx512_skylake");
  bool cannonlake =
      skylake && f.lookup("avx512ifma") && f.lookup("avx512vbmi");
  add(cannonlake, "avx512_cannonlake");
  add(cannonlake && f.lookup("avx512bf16") && f.lookup("avx512vnni") &&
          f.lookup("avx512fp16"),
      "avx512_sapphirerapids");
  return target;
}

} // namespace

bool lookupTarget(StringRef name, TargetInfo &target, std::string &error) {
  // NEON: 4 f32 lanes; 16 quad registers on 32-bit ARM, 32 on AArch64.
  static const TargetInfo targets[] = {
      {"cpu:host", "host", LCP_HOST_CC, LCP_HOST_AR, {}},
      {"cpu:rpi3",
       "arm-32-linux",
       "arm-linux-gnueabihf-gcc",
       "arm-linux-gnueabihf-ar",
       {4, 16}},
      {"cpu:arm64",
       "arm-64-linux",
       "aarch64-linux-gnu-gcc",
       "aarch64-linux-gnu-ar",
       {4, 32}},
  };
  StringRef wanted = name == "cpu" ? "cpu:host" : name;
  for (const TargetInfo &t : targets)
    if (t.name == wanted) {
      target = t;
      if (t.halideTarget == "host") {
        target.halideTarget = hostHalideTarget();
        target.vector = hostVectorUnit();
      }
      return true;
    }
  error = "unknown target '" + name.str() +
          "'; lcp-compile knows cpu (= cpu:host), cpu:host, cpu:rpi3 "
          "(32-bit ARM, Raspberry Pi 3 / PYNQ) and cpu:arm64";
  return false;
}

namespace {

/// One unit of the model as the package describes it.
struct Unit {
  Operation *op; // lcp.branch, lcp.stem, lcp.merge, or the func.func
  std::string id;
  std::string kind;
  std::string device;
  std::vector<std::string> inputs; // value names
  std::vector<std::string> outputs;
  halide::GeneratorInfo generator;
  std::string source;
  /// Whether this unit's generator is built; a unit whose code is the same
  /// as an earlier one's (branches of one split are) calls that one's
  /// function with its own weights.
  bool leader = true;
};

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
  void progress(StringRef stage, StringRef what, double time) {
    if (!options.progress)
      return;
    std::lock_guard<std::mutex> guard(progressLock);
    *options.progress << llvm::formatv(
        "lcp-compile: {0,-9} {1,-12} {2,7:f2} s\n", stage, what, time);
    options.progress->flush();
  }

  LogicalResult collectUnits(func::FuncOp func);
  LogicalResult checkValueTypes();
  /// The model's name for its input or output `i`.
  std::string modelValueName(bool input, unsigned i);
  LogicalResult buildCode();
  LogicalResult writeWeights();
  LogicalResult writeManifest();
  LogicalResult commit();

  /// Runs `argv`, its output going to a log file; on failure reports the
  /// command and what it printed.
  LogicalResult runCommand(ArrayRef<std::string> argv, StringRef what);
  /// Runs `count` jobs on `options.jobs` threads; fails if any fails.
  LogicalResult parallel(size_t count,
                         llvm::function_ref<LogicalResult(size_t)> job);
  LogicalResult writeFile(StringRef relative, StringRef contents);

  ModuleOp module;
  const PackageOptions &options;
  func::FuncOp func;
  std::vector<Unit> units;
  std::vector<std::string> inputValues, outputValues;
  /// The element type of every value, by name.
  std::map<std::string, ElementType> valueTypes;
  std::string tempDir;
  std::mutex progressLock, errorLock;
  std::string firstFailure;
};

LogicalResult PackageBuilder::collectUnits(func::FuncOp f) {
  func = f;
  DenseMap<Value, std::string> valueNames;
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    std::string name = "input:" + std::to_string(i);
    valueNames[arg] = name;
    inputValues.push_back(name);
  }
  Block &body = func.getBody().front();
  for (Operation &op : body.without_terminator()) {
    if (isa<ConstantOp>(op))
      continue;
    Unit unit;
    unit.op = &op;
    std::optional<UnitView> view = asUnit(&op);
    if (!view)
      continue;
    unit.id = view->id.str();
    unit.kind = view->kind.str();
    unit.device = view->device.str();
    for (Value operand : op.getOperands()) {
      if (!valueNames.count(operand))
        return op.emitOpError() << "reads a value that is neither a model "
                                   "input nor a unit's result";
      unit.inputs.push_back(valueNames.lookup(operand));
    }
    for (auto [k, result] : llvm::enumerate(op.getResults())) {
      std::string name = unit.id + ":" + std::to_string(k);
      valueNames[result] = name;
      unit.outputs.push_back(name);
    }
    units.push_back(std::move(unit));
  }
  if (units.empty()) {
    // An unsplit model is one unit: the whole function.
    Unit unit;
    unit.op = func;
    unit.id = "model";
    unit.kind = "model";
    unit.inputs = inputValues;
    for (size_t k = 0; k < func.getNumResults(); ++k)
      unit.outputs.push_back("model:" + std::to_string(k));
    for (auto [k, v] : llvm::enumerate(body.getTerminator()->getOperands()))
      valueNames[v] = unit.outputs[k];
    units.push_back(std::move(unit));
  } else {
    for (Operation &op : body.without_terminator())
      if (!isa<ConstantOp>(op) && !asUnit(&op))
        return op.emitOpError()
               << "is outside every unit; run --lcp-outline-branches (or "
                  "compile an unsplit model, which is one unit)";
  }
  for (Value v : body.getTerminator()->getOperands()) {
    if (!valueNames.count(v))
      return func.emitOpError() << "returns a value no unit computes";
    outputValues.push_back(valueNames.lookup(v));
  }
  for (Unit &unit : units) {
    auto start = std::chrono::steady_clock::now();
    llvm::raw_string_ostream os(unit.source);
    if (failed(halide::emitGenerator(unit.op, "lcp_unit_" + unit.id,
                                     options.target.vector, os,
                                     unit.generator)))
      return failure();
    progress("emit", unit.id, seconds(start));
  }
  std::map<std::string, std::string> functionBySource;
  for (Unit &unit : units) {
    std::string key = unit.source;
    for (size_t at; (at = key.find(unit.generator.name)) != std::string::npos;)
      key.replace(at, unit.generator.name.size(), "@UNIT@");
    auto [it, inserted] = functionBySource.emplace(key, unit.generator.name);
    if (!inserted) {
      unit.leader = false;
      unit.generator.name = it->second;
    }
  }
  return success();
}

std::string PackageBuilder::modelValueName(bool input, unsigned i) {
  auto attr = input ? func.getArgAttrOfType<StringAttr>(i, "lcp.name")
                    : func.getResultAttrOfType<StringAttr>(i, "lcp.name");
  return attr ? attr.str() : (input ? "input" : "output") + std::to_string(i);
}

LogicalResult PackageBuilder::checkValueTypes() {
  // Model inputs and outputs are f32 (the C API exchanges floats); inside,
  // a value has the type of the pipeline argument that produces it, and
  // every pipeline that reads it must take that type.
  for (const std::string &v : inputValues)
    valueTypes[v] = ElementType::F32;
  for (Unit &u : units) {
    std::vector<const halide::PipelineArg *> ins, outs;
    for (const halide::PipelineArg &arg : u.generator.args) {
      if (arg.kind == halide::PipelineArg::Kind::Input)
        ins.push_back(&arg);
      if (arg.kind == halide::PipelineArg::Kind::Output)
        outs.push_back(&arg);
    }
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
  for (auto [i, v] : llvm::enumerate(outputValues))
    if (valueTypes.at(v) != ElementType::F32)
      return error() << "model output '" << modelValueName(false, i) << "' ('"
                     << v << "') is " << toString(valueTypes.at(v))
                     << "; a model's outputs must be f32 (dequantize them "
                        "in the model)";
  return success();
}

LogicalResult PackageBuilder::writeFile(StringRef relative,
                                        StringRef contents) {
  SmallString<256> full(tempDir);
  path::append(full, relative);
  fs::create_directories(path::parent_path(full));
  std::error_code ec;
  llvm::raw_fd_ostream os(full, ec);
  if (ec)
    return error() << "cannot write " << full << ": " << ec.message();
  os << contents;
  return success();
}

LogicalResult PackageBuilder::runCommand(ArrayRef<std::string> argv,
                                         StringRef what) {
  SmallString<256> log(tempDir);
  path::append(log, "gen", (what + ".log").str());
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  SmallVector<StringRef> args(argv.begin(), argv.end());
  std::string program = argv[0];
  if (!StringRef(program).contains('/')) {
    llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(program);
    if (!found) {
      std::lock_guard<std::mutex> guard(errorLock);
      if (firstFailure.empty())
        firstFailure = "failed: '" + program +
                       "' is not on PATH (is the target's toolchain "
                       "installed?)";
      return failure();
    }
    program = *found;
  }
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(program, args, std::nullopt, redirects,
                                     /*SecondsToWait=*/0, /*MemoryLimit=*/0,
                                     &message);
  if (rc == 0)
    return success();
  std::string output;
  if (auto buffer = llvm::MemoryBuffer::getFile(log))
    output = (*buffer)->getBuffer().take_back(4000).str();
  std::lock_guard<std::mutex> guard(errorLock);
  if (firstFailure.empty())
    firstFailure = "failed (" +
                   (message.empty() ? "exit " + std::to_string(rc) : message) +
                   "): " + llvm::join(argv, " ") + "\n" + output;
  return failure();
}

LogicalResult
PackageBuilder::parallel(size_t count,
                         llvm::function_ref<LogicalResult(size_t)> job) {
  std::atomic<size_t> next{0};
  std::atomic<bool> ok{true};
  auto worker = [&] {
    for (size_t i; ok && (i = next++) < count;)
      if (failed(job(i)))
        ok = false;
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < std::max(1u, options.jobs) && t < count; ++t)
    threads.emplace_back(worker);
  worker();
  for (std::thread &t : threads)
    t.join();
  if (!ok)
    return error() << "a generator build step " << firstFailure;
  return success();
}

LogicalResult PackageBuilder::buildCode() {
  const TargetInfo &target = options.target;
  // Generator sources: one translation unit per unit, linked with Halide's
  // GenGen.cpp into one generator program that builds every unit.
  std::vector<Unit *> built;
  for (Unit &u : units)
    if (u.leader)
      built.push_back(&u);
  for (Unit *u : built)
    if (failed(writeFile("gen/" + u->id + ".cpp",
                         "#include \"Halide.h\"\n#include <limits>\n\n" +
                             u->source)))
      return failure();
  std::vector<std::string> sources;
  for (Unit *u : built)
    sources.push_back(tempDir + "/gen/" + u->id + ".cpp");
  sources.push_back(LCP_HALIDE_GENGEN);
  std::vector<std::string> objects(sources.size());
  // LCP_GENERATOR_CXX overrides the compiler of generator sources (a
  // wrapper, ccache, or a failing stand-in in the tests).
  std::string cxx = LCP_HOST_CXX;
  if (const char *override = std::getenv("LCP_GENERATOR_CXX"))
    cxx = override;
  auto start = std::chrono::steady_clock::now();
  if (failed(parallel(sources.size(), [&](size_t i) {
        auto t0 = std::chrono::steady_clock::now();
        objects[i] = tempDir + "/gen/" + std::to_string(i) + ".o";
        // -O0: the generator only builds the pipeline once; optimizing its
        // own code costs more than it saves.
        LogicalResult r = runCommand({cxx, "-std=c++17", "-O0", "-g0", "-c",
                                      "-I" LCP_HALIDE_INCLUDE_DIR, sources[i],
                                      "-o", objects[i]},
                                     "compile-" + std::to_string(i));
        progress("compile", i < built.size() ? built[i]->id : "GenGen",
                 seconds(t0));
        return r;
      })))
    return failure();
  std::vector<std::string> link = {cxx};
  link.insert(link.end(), objects.begin(), objects.end());
  std::string generator = tempDir + "/gen/generator";
  for (std::string arg : {"-o", generator.c_str(), LCP_HALIDE_LIBRARY,
                          "-lpthread", "-ldl", "-Wl,-rpath," LCP_HALIDE_LIBDIR})
    link.push_back(arg);
  if (failed(runCommand(link, "link-generator")))
    return error() << "linking the generator " << firstFailure;
  progress("link", "generator", seconds(start));

  // Run the generator once per unit (no Halide runtime inside), and once for
  // the runtime that every unit shares.
  std::string cpuDir = tempDir + "/cpu";
  fs::create_directories(cpuDir);
  // LCP_HALIDE_FEATURES adds Halide target features (e.g. "profile" to
  // print each Func's share of the run time at exit).
  std::string halideTarget = target.halideTarget;
  if (const char *features = std::getenv("LCP_HALIDE_FEATURES"))
    halideTarget += std::string("-") + features;
  if (failed(parallel(built.size() + 1, [&](size_t i) {
        auto t0 = std::chrono::steady_clock::now();
        LogicalResult r = success();
        if (i < built.size()) {
          std::string fn = built[i]->generator.name;
          r = runCommand({generator, "-g", fn, "-f", fn, "-o", cpuDir, "-e",
                          "static_library,h",
                          "target=" + halideTarget + "-no_runtime"},
                         "generate-" + built[i]->id);
        } else {
          r = runCommand({generator, "-r", "halide_runtime", "-o", cpuDir, "-e",
                          "static_library", "target=" + halideTarget},
                         "generate-runtime");
        }
        progress("generate", i < built.size() ? built[i]->id : "runtime",
                 seconds(t0));
        return r;
      })))
    return failure();

  // The unit table the runtime looks up, and the model header.
  std::string table = "/* The units of this package, for the lcp runtime. "
                      "Generated by lcp-compile. */\n#include "
                      "\"lcp_runtime.h\"\n";
  for (Unit *u : built)
    table += "#include \"" + u->generator.name + ".h\"\n";
  table += "\nconst lcp_unit_entry lcp_model_units[] = {\n";
  for (Unit &u : units)
    table += "    {\"" + u.id + "\", " + u.generator.name + "_argv},\n";
  table +=
      "};\nconst int lcp_model_num_units = " + std::to_string(units.size()) +
      ";\n";
  std::string header =
      "/* " + options.modelName +
      ": units compiled by lcp-compile. Link cpu/libmodel.a and the lcp "
      "runtime, then call lcp_model_load_linked(package_dir, "
      "lcp_model_units, lcp_model_num_units, &model). */\n#ifndef "
      "LCP_MODEL_H\n#define LCP_MODEL_H\n#include \"lcp_runtime.h\"\n#ifdef "
      "__cplusplus\nextern \"C\" {\n#endif\nextern const lcp_unit_entry "
      "lcp_model_units[];\nextern const int lcp_model_num_units;\n#ifdef "
      "__cplusplus\n}\n#endif\n#endif\n";
  if (failed(writeFile("cpu/model_units.c", table)) ||
      failed(writeFile("cpu/model.h", header)))
    return failure();
  start = std::chrono::steady_clock::now();
  std::string glue = tempDir + "/gen/model_units.o";
  if (failed(runCommand({target.cc, "-O2", "-fPIC", "-c",
                         "-I" LCP_RUNTIME_INCLUDE_DIR, "-I" + cpuDir,
                         "-I" LCP_HALIDE_INCLUDE_DIR, cpuDir + "/model_units.c",
                         "-o", glue},
                        "compile-glue")))
    return error() << "compiling the unit table " << firstFailure;

  // libmodel.a holds every unit, the Halide runtime and the table.
  std::string script = "CREATE " + cpuDir + "/libmodel.a\n";
  for (Unit *u : built)
    script += "ADDLIB " + cpuDir + "/" + u->generator.name + ".a\n";
  script += "ADDLIB " + cpuDir + "/halide_runtime.a\nADDMOD " + glue +
            "\nSAVE\nEND\n";
  fs::remove(cpuDir + "/libmodel.a");
  if (failed(writeFile("gen/libmodel.mri", script)) ||
      failed(runCommand({"/bin/sh", "-c",
                         target.ar + " -M < " + tempDir + "/gen/libmodel.mri"},
                        "archive-mri")))
    return error() << "archiving libmodel.a " << firstFailure;
  if (failed(runCommand({target.cc, "-shared", "-o", cpuDir + "/libmodel.so",
                         "-Wl,--whole-archive", cpuDir + "/libmodel.a",
                         "-Wl,--no-whole-archive", "-lpthread", "-ldl", "-lm"},
                        "link-shared")))
    return error() << "linking libmodel.so " << firstFailure;
  progress("link", "libmodel", seconds(start));
  return success();
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

/// Appends `bits` little-endian in `bytes` bytes, whatever the host's order.
void appendLittleEndian(std::string &data, uint64_t bits, int64_t bytes) {
  for (int64_t i = 0; i < bytes; ++i)
    data.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

LogicalResult PackageBuilder::writeWeights() {
  // safetensors: an 8-byte little-endian header size, a JSON header naming
  // each tensor's dtype, shape and byte range, then the data.
  struct Stored {
    std::string name;
    ElementType type;
    std::vector<int64_t> shape;
    std::string bytes;
  };
  std::vector<Stored> tensors;
  for (Unit &u : units)
    for (halide::PipelineArg &arg : u.generator.args) {
      if (arg.kind != halide::PipelineArg::Kind::Weight)
        continue;
      std::string name = u.id + "." + arg.name;
      const char *dtype = safetensorsDtype(arg.type);
      if (!dtype)
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
      Stored stored{name, arg.type, arg.shape, {}};
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
  // Wider elements first: every tensor then starts at a multiple of its
  // element size (Halide assumes buffers are aligned so) with no gaps
  // between tensors, which safetensors readers reject.
  std::stable_sort(tensors.begin(), tensors.end(),
                   [](const Stored &a, const Stored &b) {
                     return storageBytes(a.type) > storageBytes(b.type);
                   });
  llvm::json::Object header;
  std::string data;
  for (Stored &t : tensors) {
    size_t begin = data.size();
    data += t.bytes;
    llvm::json::Array shape;
    for (int64_t d : t.shape)
      shape.push_back(d);
    header[t.name] = llvm::json::Object{
        {"dtype", safetensorsDtype(t.type)},
        {"shape", std::move(shape)},
        {"data_offsets", llvm::json::Array{static_cast<int64_t>(begin),
                                           static_cast<int64_t>(data.size())}}};
  }
  std::string headerText;
  llvm::raw_string_ostream(headerText) << llvm::json::Value(std::move(header));
  // Pad the header so that the data starts 8-byte aligned.
  headerText.append((8 - headerText.size() % 8) % 8, ' ');
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i)
    file[i] =
        static_cast<char>((uint64_t(headerText.size()) >> (8 * i)) & 0xff);
  file += headerText;
  file += data;
  return writeFile("weights.safetensors", file);
}

LogicalResult PackageBuilder::writeManifest() {
  auto shapeJson = [](ArrayRef<int64_t> shape) {
    llvm::json::Array a;
    for (int64_t d : shape)
      a.push_back(d);
    return a;
  };
  llvm::json::Array inputs, outputs, unitList;
  for (auto [i, type] : llvm::enumerate(func.getArgumentTypes()))
    inputs.push_back(llvm::json::Object{
        {"name", modelValueName(true, i)},
        {"value", inputValues[i]},
        {"shape", shapeJson(cast<ShapedType>(type).getShape())},
        {"dtype", "f32"}});
  for (auto [i, type] : llvm::enumerate(func.getResultTypes()))
    outputs.push_back(llvm::json::Object{
        {"name", modelValueName(false, i)},
        {"value", outputValues[i]},
        {"shape", shapeJson(cast<ShapedType>(type).getShape())},
        {"dtype", "f32"}});
  for (Unit &u : units) {
    llvm::json::Array in, weights, out;
    for (const std::string &v : u.inputs)
      in.push_back(v);
    size_t k = 0;
    for (halide::PipelineArg &arg : u.generator.args) {
      if (arg.kind == halide::PipelineArg::Kind::Weight)
        weights.push_back(u.id + "." + arg.name);
      if (arg.kind == halide::PipelineArg::Kind::Output)
        out.push_back(llvm::json::Object{{"value", u.outputs[k++]},
                                         {"shape", shapeJson(arg.shape)},
                                         {"dtype", toString(arg.type)}});
    }
    llvm::json::Object unit{{"id", u.id},
                            {"kind", u.kind},
                            {"function", u.generator.name},
                            {"inputs", std::move(in)},
                            {"weights", std::move(weights)},
                            {"outputs", std::move(out)}};
    unit["device"] = u.device.empty() ? llvm::json::Value(nullptr)
                                      : llvm::json::Value(u.device);
    unitList.push_back(std::move(unit));
  }
  // Checksums of every file in the package, in sorted order.
  llvm::json::Object files;
  std::error_code ec;
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
    files[relative] =
        sha256Hex((*buffer)->getBufferStart(), (*buffer)->getBufferSize());
  }
  llvm::json::Object manifest{
      {"format", "lcp-package"},
      {"version", 1},
      {"model", options.modelName},
      {"target", options.target.name},
      {"halide_target", options.target.halideTarget},
      {"generator", "lcp " LCP_VERSION_STRING},
      {"inputs", std::move(inputs)},
      {"outputs", std::move(outputs)},
      {"units", std::move(unitList)},
      {"weights", llvm::json::Object{{"file", "weights.safetensors"}}},
      {"quantization", nullptr},
      {"files", std::move(files)}};
  std::string text;
  llvm::raw_string_ostream(text)
      << llvm::formatv("{0:2}", llvm::json::Value(std::move(manifest))) << "\n";
  return writeFile("manifest.json", text);
}

LogicalResult PackageBuilder::commit() {
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
    if (!manifest ||
        !(*manifest)->getBuffer().contains("\"format\": \"lcp-package\""))
      return error() << out
                     << " exists and is not an lcp package; refusing to "
                        "overwrite it (remove it or choose another -o)";
  }
  auto start = std::chrono::steady_clock::now();
  if (failed(collectUnits(entry)))
    return failure();
  if (options.generatorsOnly) {
    for (Unit &u : units)
      *options.generatorsOnly << u.source << "\n";
    return success();
  }
  // Before the slow part: a package must be consistent to be loaded.
  if (failed(checkValueTypes()))
    return failure();
  tempDir =
      out + ".lcp-tmp-" + std::to_string(llvm::sys::Process::getProcessId());
  fs::remove_directories(tempDir);
  if (std::error_code ec = fs::create_directories(tempDir))
    return error() << "cannot create " << tempDir << ": " << ec.message();
  LogicalResult result = success();
  if (failed(buildCode()) || failed(writeWeights()) || failed(writeManifest()))
    result = failure();
  // The build's scratch files stay out of the package.
  if (succeeded(result)) {
    fs::remove_directories(tempDir + "/gen");
    result = commit();
  }
  if (succeeded(result))
    progress("package", options.modelName, seconds(start));
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
