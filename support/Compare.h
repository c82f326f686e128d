//===- Compare.h - Comparing float tensors with a tolerance -----*- C++ -*-===//
//
// lcp's one definition of "matches" for float results:
//   |actual - expected| <= atol + rtol * |expected|, elementwise,
// with atol = rtol = 1e-4 unless a test states otherwise.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_SUPPORT_COMPARE_H
#define LCP_SUPPORT_COMPARE_H

#include "support/HostTensor.h"

#include <string>

namespace lcp {

struct Tolerance {
  double atol = 1e-4;
  double rtol = 1e-4;
};

/// Returns true if the shapes agree and every element is within tolerance
/// (NaN matches NaN only). Otherwise `report` says where and by how much the
/// tensors differ first, and how many elements do.
bool allClose(const HostTensor &actual, const HostTensor &expected,
              Tolerance tolerance, std::string &report);

} // namespace lcp

#endif // LCP_SUPPORT_COMPARE_H
