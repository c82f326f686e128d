//===- Compare.cpp - Comparing float tensors with a tolerance -------------===//

#include "support/Compare.h"

#include <cmath>
#include <sstream>

namespace lcp {

bool allClose(const HostTensor &actual, const HostTensor &expected,
              Tolerance tolerance, std::string &report) {
  if (actual.shape != expected.shape) {
    report = "shape " + shapeToString(actual.shape) +
             " differs from the "
             "expected " +
             shapeToString(expected.shape);
    return false;
  }
  if (!actual.isFloat() || !expected.isFloat()) {
    report = "only f32 tensors are compared with a tolerance";
    return false;
  }
  int64_t mismatches = 0, first = -1;
  double maxError = 0.0;
  for (size_t i = 0; i < actual.f32.size(); ++i) {
    double a = actual.f32[i], b = expected.f32[i];
    if (std::isnan(a) && std::isnan(b))
      continue;
    double error = std::fabs(a - b);
    bool ok = error <= tolerance.atol + tolerance.rtol * std::fabs(b);
    if (std::isinf(a) || std::isinf(b))
      ok = a == b;
    if (!ok) {
      if (first < 0)
        first = static_cast<int64_t>(i);
      ++mismatches;
    }
    if (!std::isnan(error) && error > maxError)
      maxError = error;
  }
  if (mismatches == 0)
    return true;
  std::ostringstream os;
  os.precision(9);
  os << mismatches << " of " << actual.f32.size()
     << " elements differ; first at flat index " << first << ": "
     << actual.f32[first] << " vs expected " << expected.f32[first]
     << " (largest difference " << maxError << ", tolerance " << tolerance.atol
     << " + " << tolerance.rtol << " * |expected|)";
  report = os.str();
  return false;
}

} // namespace lcp
