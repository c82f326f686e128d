//===- CpuTarget.h - CPUs, through Halide -----------------------*- C++ -*-===//
//
// The cpu targets: every unit becomes a Halide generator (codegen/halide),
// built by Halide 14 in processes of its own into static libraries that
// cpu/libmodel.a and cpu/libmodel.so collect with a unit table for the
// runtime (docs/Package.md).
//
//===----------------------------------------------------------------------===//

#ifndef LCP_TARGETS_CPU_CPUTARGET_H
#define LCP_TARGETS_CPU_CPUTARGET_H

namespace lcp {

/// Registers cpu:host, cpu:rpi3 and cpu:arm64 (and "cpu" for cpu:host).
void registerCpuTargets();

} // namespace lcp

#endif // LCP_TARGETS_CPU_CPUTARGET_H
