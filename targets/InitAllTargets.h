//===- InitAllTargets.h - Every target lcp is built with --------*- C++ -*-===//
//
// Tools call registerAllTargets() once, as MLIR tools call
// registerAllDialects(). A new target adds its folder's registration call
// here, and its folder to targets/CMakeLists.txt and its library to the
// tools that compile for it.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_TARGETS_INITALLTARGETS_H
#define LCP_TARGETS_INITALLTARGETS_H

#include "targets/cpu/CpuTarget.h"

#include <mutex>

namespace lcp {

inline void registerAllTargets() {
  static std::once_flag once;
  std::call_once(once, [] { registerCpuTargets(); });
}

} // namespace lcp

#endif // LCP_TARGETS_INITALLTARGETS_H
