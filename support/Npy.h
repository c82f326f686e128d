//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reads and writes the NumPy .npy format (versions 1.0-3.0), the exchange
// format of lcp-run for inputs and outputs.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_SUPPORT_NPY_H
#define LCP_SUPPORT_NPY_H

#include "support/HostTensor.h"

#include <string>

namespace lcp {

/// Reads a C-ordered little-endian float32 or float64 array (float64 is
/// converted to f32). On failure returns false and sets `error` to a message
/// that says what is wrong with the file (the caller adds the path).
bool readNpy(const std::string &path, HostTensor &tensor, std::string &error);

/// Parses an in-memory .npy image; `readNpy` is this plus reading the file.
bool parseNpy(const std::string &bytes, HostTensor &tensor, std::string &error);

/// Serialises an f32 tensor as .npy version 1.0 ('<f4', C order).
std::string serializeNpy(const HostTensor &tensor);

/// Writes `tensor` to `path` atomically: a temporary file beside it is
/// renamed over `path` only once completely written.
bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error);

} // namespace lcp

#endif // LCP_SUPPORT_NPY_H
