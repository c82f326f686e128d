//===- CpuTarget.cpp - CPUs, through Halide -------------------------------===//

#include "targets/cpu/CpuTarget.h"
#include "codegen/halide/HalideEmitter.h"
#include "codegen/halide/Passes.h"
#include "codegen/halide/Schedule.h"
#include "codegen/package/PackageBuild.h"
#include "passes/Passes.h"
#include "targets/Target.h"
#include "targets/cpu/Toolchain.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/TargetParser/Host.h"

#include <chrono>
#include <cstdlib>

using namespace mlir;
namespace fs = llvm::sys::fs;

namespace lcp {
namespace {

/// The facts of one cpu target: what it is, Halide's name for it, the
/// compilers that link for it, and the vector unit its tiles are shaped
/// for. A halideTarget of "host" is detected on the machine that compiles.
struct CpuFacts {
  const char *name;
  const char *description;
  const char *halideTarget;
  const char *cc;
  const char *ar;
  halide::VectorUnit vector;
};

// NEON: 4 f32 lanes; 16 quad registers on 32-bit ARM, 32 on AArch64.
const CpuFacts kCpuTargets[] = {
    {"cpu:host",
     "this machine's CPU (its vector unit detected)",
     "host",
     LCP_HOST_CC,
     LCP_HOST_AR,
     {}},
    {"cpu:rpi3",
     "32-bit ARM with NEON (Raspberry Pi 3, PYNQ-Z1's Cortex-A9)",
     "arm-32-linux",
     "arm-linux-gnueabihf-gcc",
     "arm-linux-gnueabihf-ar",
     {4, 16}},
    {"cpu:x86-avx2",
     "x86-64 with AVX2 and FMA (Haswell and later; an AWS t2 instance)",
     "x86-64-linux-sse41-avx-f16c-fma-avx2",
     LCP_HOST_CC,
     LCP_HOST_AR,
     {8, 16}},
    {"cpu:arm64",
     "64-bit ARM with NEON (AArch64 Linux)",
     "arm-64-linux",
     "aarch64-linux-gnu-gcc",
     "aarch64-linux-gnu-ar",
     {4, 32}},
};

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
  bool cannonlake = skylake && f.lookup("avx512ifma") && f.lookup("avx512vbmi");
  add(cannonlake, "avx512_cannonlake");
  add(cannonlake && f.lookup("avx512bf16") && f.lookup("avx512vnni") &&
          f.lookup("avx512fp16"),
      "avx512_sapphirerapids");
  return target;
}

double seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

class CpuTarget : public Target {
public:
  explicit CpuTarget(const CpuFacts &facts) : facts(facts) {
    halideTarget = facts.halideTarget;
    vector = facts.vector;
    if (halideTarget == "host") {
      halideTarget = hostHalideTarget();
      vector = hostVectorUnit();
    }
  }

  StringRef getName() const override { return facts.name; }
  StringRef getDescription() const override { return facts.description; }

  std::vector<Device> getDevices() const override {
    Device device;
    device.name = facts.name;
    device.unitTarget = facts.name;
    device.facts["f32_lanes"] = vector.lanes;
    device.facts["vector_registers"] = vector.registers;
    return {device};
  }

  void buildPreEmissionPipeline(OpPassManager &pm,
                                const TargetOptions &options) const override {
    if (options.fuseStems)
      pm.addNestedPass<func::FuncOp>(createFuseStems({vector.lanes}));
    pm.addNestedPass<func::FuncOp>(
        halide::createPlanHalideSchedule({vector.lanes, vector.registers}));
  }

  LogicalResult emitUnit(Operation *unit, StringRef function,
                         llvm::raw_ostream &os,
                         UnitSignature &signature) const override {
    return halide::emitGenerator(unit, function, os, signature);
  }

  LogicalResult buildArtifacts(PackageBuild &build) const override;

  void describe(Manifest &manifest) const override {
    manifest.targetFields["halide_target"] = halideTarget;
  }

private:
  const CpuFacts &facts;
  std::string halideTarget;
  halide::VectorUnit vector;
};

LogicalResult CpuTarget::buildArtifacts(PackageBuild &build) const {
  std::string dir = build.getDirectory().str();
  std::vector<EmittedUnit> &units = build.getUnits();
  // Generator sources: one translation unit per distinct unit, linked with
  // Halide's GenGen.cpp into one generator program that builds every unit.
  std::vector<EmittedUnit *> built;
  for (EmittedUnit &u : units)
    if (u.representative)
      built.push_back(&u);
  for (EmittedUnit *u : built)
    if (failed(build.writeFile("gen/" + u->unit->id + ".cpp",
                               "#include \"Halide.h\"\n#include <limits>\n\n" +
                                   u->source)))
      return failure();
  std::vector<std::string> sources;
  for (EmittedUnit *u : built)
    sources.push_back(dir + "/gen/" + u->unit->id + ".cpp");
  sources.push_back(LCP_HALIDE_GENGEN);
  std::vector<std::string> objects(sources.size());
  // LCP_GENERATOR_CXX overrides the compiler of generator sources (a
  // wrapper, ccache, or a failing stand-in in the tests).
  std::string cxx = LCP_HOST_CXX;
  if (const char *override = std::getenv("LCP_GENERATOR_CXX"))
    cxx = override;
  const char *step = "a generator build step";
  auto start = std::chrono::steady_clock::now();
  if (failed(build.parallel(
          sources.size(),
          [&](size_t i) {
            auto t0 = std::chrono::steady_clock::now();
            objects[i] = dir + "/gen/" + std::to_string(i) + ".o";
            // -O0: the generator only builds the pipeline once; optimizing
            // its own code costs more than it saves.
            LogicalResult r = build.runCommand(
                {cxx, "-std=c++17", "-O0", "-g0", "-c",
                 "-I" LCP_HALIDE_INCLUDE_DIR, sources[i], "-o", objects[i]},
                "compile-" + std::to_string(i));
            build.progress("compile",
                           i < built.size() ? built[i]->unit->id : "GenGen",
                           seconds(t0));
            return r;
          },
          step)))
    return failure();
  std::vector<std::string> link = {cxx};
  link.insert(link.end(), objects.begin(), objects.end());
  std::string generator = dir + "/gen/generator";
  for (std::string arg : {"-o", generator.c_str(), LCP_HALIDE_LIBRARY,
                          "-lpthread", "-ldl", "-Wl,-rpath," LCP_HALIDE_LIBDIR})
    link.push_back(arg);
  if (failed(build.runCommand(link, "link-generator")))
    return build.error() << "linking the generator " << build.getFirstFailure();
  build.progress("link", "generator", seconds(start));

  // Run the generator once per unit (no Halide runtime inside), and once for
  // the runtime that every unit shares.
  std::string cpuDir = dir + "/cpu";
  fs::create_directories(cpuDir);
  // LCP_HALIDE_FEATURES adds Halide target features (e.g. "profile" to
  // print each Func's share of the run time at exit).
  std::string target = halideTarget;
  if (const char *features = std::getenv("LCP_HALIDE_FEATURES"))
    target += std::string("-") + features;
  if (failed(build.parallel(
          built.size() + 1,
          [&](size_t i) {
            auto t0 = std::chrono::steady_clock::now();
            LogicalResult r = success();
            if (i < built.size()) {
              const std::string &fn = built[i]->signature.function;
              r = build.runCommand({generator, "-g", fn, "-f", fn, "-o", cpuDir,
                                    "-e", "static_library,h",
                                    "target=" + target + "-no_runtime"},
                                   "generate-" + built[i]->unit->id);
            } else {
              r = build.runCommand({generator, "-r", "halide_runtime", "-o",
                                    cpuDir, "-e", "static_library",
                                    "target=" + target},
                                   "generate-runtime");
            }
            build.progress("generate",
                           i < built.size() ? built[i]->unit->id : "runtime",
                           seconds(t0));
            return r;
          },
          step)))
    return failure();

  // The unit table the runtime looks up, and the model header.
  std::string table = "/* The units of this package, for the lcp runtime. "
                      "Generated by lcp-compile. */\n#include "
                      "\"lcp_runtime.h\"\n";
  for (EmittedUnit *u : built)
    table += "#include \"" + u->signature.function + ".h\"\n";
  table += "\nconst lcp_unit_entry lcp_model_units[] = {\n";
  for (EmittedUnit &u : units)
    table +=
        "    {\"" + u.unit->id + "\", " + u.signature.function + "_argv},\n";
  table +=
      "};\nconst int lcp_model_num_units = " + std::to_string(units.size()) +
      ";\n";
  std::string header =
      "/* " + build.getModelName().str() +
      ": units compiled by lcp-compile. Link cpu/libmodel.a and the lcp "
      "runtime, then call lcp_model_load_linked(package_dir, "
      "lcp_model_units, lcp_model_num_units, &model). */\n#ifndef "
      "LCP_MODEL_H\n#define LCP_MODEL_H\n#include \"lcp_runtime.h\"\n#ifdef "
      "__cplusplus\nextern \"C\" {\n#endif\nextern const lcp_unit_entry "
      "lcp_model_units[];\nextern const int lcp_model_num_units;\n#ifdef "
      "__cplusplus\n}\n#endif\n#endif\n";
  if (failed(build.writeFile("cpu/model_units.c", table)) ||
      failed(build.writeFile("cpu/model.h", header)))
    return failure();
  start = std::chrono::steady_clock::now();
  std::string glue = dir + "/gen/model_units.o";
  if (failed(build.runCommand({facts.cc, "-O2", "-fPIC", "-c",
                               "-I" LCP_RUNTIME_INCLUDE_DIR, "-I" + cpuDir,
                               "-I" LCP_HALIDE_INCLUDE_DIR,
                               cpuDir + "/model_units.c", "-o", glue},
                              "compile-glue")))
    return build.error() << "compiling the unit table "
                         << build.getFirstFailure();

  // libmodel.a holds every unit, the Halide runtime and the table.
  std::string script = "CREATE " + cpuDir + "/libmodel.a\n";
  for (EmittedUnit *u : built)
    script += "ADDLIB " + cpuDir + "/" + u->signature.function + ".a\n";
  script += "ADDLIB " + cpuDir + "/halide_runtime.a\nADDMOD " + glue +
            "\nSAVE\nEND\n";
  fs::remove(cpuDir + "/libmodel.a");
  if (failed(build.writeFile("gen/libmodel.mri", script)) ||
      failed(build.runCommand(
          {"/bin/sh", "-c",
           std::string(facts.ar) + " -M < " + dir + "/gen/libmodel.mri"},
          "archive-mri")))
    return build.error() << "archiving libmodel.a " << build.getFirstFailure();
  if (failed(build.runCommand({facts.cc, "-shared", "-o",
                               cpuDir + "/libmodel.so", "-Wl,--whole-archive",
                               cpuDir + "/libmodel.a", "-Wl,--no-whole-archive",
                               "-lpthread", "-ldl", "-lm"},
                              "link-shared")))
    return build.error() << "linking libmodel.so " << build.getFirstFailure();
  build.progress("link", "libmodel", seconds(start));
  return success();
}

} // namespace

void registerCpuTargets() {
  for (const CpuFacts &facts : kCpuTargets)
    registerTarget(std::make_unique<CpuTarget>(facts),
                   StringRef(facts.name) == "cpu:host"
                       ? ArrayRef<StringRef>{"cpu"}
                       : ArrayRef<StringRef>{});
}

} // namespace lcp
