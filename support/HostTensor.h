//===- HostTensor.h - Dense tensors in host memory --------------*- C++ -*-===//
//
// The value type of lcp's reference evaluator and runtime: a static shape and
// a dense row-major buffer. Dependency-free so that the runtime (which builds
// without MLIR, also for devices) and the compiler share one definition.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_SUPPORT_HOSTTENSOR_H
#define LCP_SUPPORT_HOSTTENSOR_H

#include <cstdint>
#include <string>
#include <vector>

namespace lcp {

/// Element types a host tensor can hold. Floats live in `f32`; every integer
/// type lives widened in `ints`, so integer arithmetic can be specified once
/// (docs/INTEGER.md) independently of the storage width.
enum class ElementType { F32, I8, I16, I32, I64 };

const char *toString(ElementType type);

/// Bytes per element when stored densely (in a package, a Halide buffer).
int64_t storageBytes(ElementType type);

struct HostTensor {
  std::vector<int64_t> shape;
  ElementType type = ElementType::F32;
  std::vector<float> f32;
  std::vector<int64_t> ints;

  HostTensor() = default;
  /// A zero-filled f32 tensor of the given shape.
  explicit HostTensor(std::vector<int64_t> shape);

  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  int64_t numElements() const;
  bool isFloat() const { return type == ElementType::F32; }

  /// Row-major strides of `shape`, in elements.
  std::vector<int64_t> strides() const;
};

/// `x` with its dimensions permuted: dimension i of the result is dimension
/// `perm[i]` of `x`, as ONNX Transpose defines it. Keeps the element type.
HostTensor transpose(const HostTensor &x, const std::vector<int64_t> &perm);

/// Sample `k` of an f32 tensor whose first dimension counts samples, as a
/// batch of one.
HostTensor sampleOf(const HostTensor &batch, int64_t k);

/// The largest tensor lcp creates or reads, in elements (1 GiB of f32):
/// more than any layer of the models it targets, and a bound on what a
/// corrupt or hostile file can make it allocate.
constexpr int64_t kMaxTensorElements = int64_t(1) << 28;

/// Product of `shape`, or -1 when a dimension is negative or the product of
/// the non-zero dimensions exceeds `limit` (so 0x2^40 is refused too). Used
/// to validate sizes before anything is allocated.
int64_t checkedNumElements(const std::vector<int64_t> &shape,
                           int64_t limit = INT64_MAX);

/// "1x3x28x28", the form MLIR uses in tensor types.
std::string shapeToString(const std::vector<int64_t> &shape);

} // namespace lcp

#endif // LCP_SUPPORT_HOSTTENSOR_H
