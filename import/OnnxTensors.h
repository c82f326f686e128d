//===- OnnxTensors.h - TensorProtos and folding on the host -----*- C++ -*-===//
//
// Reading ONNX TensorProtos into host tensors, and the helpers that fold
// shape arithmetic on them at import time.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_IMPORT_ONNXTENSORS_H
#define LCP_IMPORT_ONNXTENSORS_H

#include "support/HostTensor.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace lcp::onnx_import {

/// Size in bytes of one element of raw_data, or 0 for unsupported types.
size_t elementSize(int32_t type);

/// The ONNX name of a TensorProto data type, for messages.
std::string dataTypeName(int32_t type);

/// Converts a TensorProto, checking that its data matches its dims before
/// anything is allocated.
bool convertTensor(const onnx::TensorProto &proto, HostTensor &tensor,
                   std::string &error);

/// Normalises a possibly negative axis; returns -1 if out of range.
int64_t normalizeAxis(int64_t axis, int64_t rank);

/// Elements of an integer or float constant as int64 (shape arithmetic).
std::vector<int64_t> asInts(const HostTensor &t);

/// Gathers the elements of `t` at the row-major offsets `offsets`.
HostTensor gatherElements(const HostTensor &t, std::vector<int64_t> shape,
                          const std::vector<int64_t> &offsets);

/// The transpose of a rank-2 tensor.
HostTensor transpose2D(const HostTensor &t);

} // namespace lcp::onnx_import

#endif // LCP_IMPORT_ONNXTENSORS_H
