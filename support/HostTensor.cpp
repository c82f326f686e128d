//===- HostTensor.cpp - Dense tensors in host memory ----------------------===//

#include "support/HostTensor.h"

namespace lcp {

const char *toString(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "f32";
  case ElementType::I8:
    return "i8";
  case ElementType::I16:
    return "i16";
  case ElementType::I32:
    return "i32";
  case ElementType::I64:
    return "i64";
  }
  return "?";
}

int64_t storageBytes(ElementType type) {
  switch (type) {
  case ElementType::I8:
    return 1;
  case ElementType::I16:
    return 2;
  case ElementType::F32:
  case ElementType::I32:
    return 4;
  case ElementType::I64:
    return 8;
  }
  return 0;
}

HostTensor::HostTensor(std::vector<int64_t> s) : shape(std::move(s)) {
  f32.assign(static_cast<size_t>(numElements()), 0.0f);
}

int64_t HostTensor::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::vector<int64_t> HostTensor::strides() const {
  std::vector<int64_t> result(shape.size(), 1);
  for (int64_t i = rank() - 2; i >= 0; --i)
    result[i] = result[i + 1] * shape[i + 1];
  return result;
}

HostTensor sampleOf(const HostTensor &batch, int64_t k) {
  HostTensor sample;
  sample.shape = batch.shape;
  sample.shape[0] = 1;
  int64_t size = sample.numElements();
  sample.f32.assign(batch.f32.begin() + k * size,
                    batch.f32.begin() + (k + 1) * size);
  return sample;
}

HostTensor transpose(const HostTensor &x, const std::vector<int64_t> &perm) {
  std::vector<int64_t> shape;
  for (int64_t d : perm)
    shape.push_back(x.shape[d]);
  HostTensor out;
  out.shape = shape;
  out.type = x.type;
  bool isFloat = x.isFloat();
  if (isFloat)
    out.f32.assign(static_cast<size_t>(out.numElements()), 0.0f);
  else
    out.ints.assign(static_cast<size_t>(out.numElements()), 0);
  std::vector<int64_t> inStrides = x.strides();
  size_t rank = shape.size();
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < out.numElements(); ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < rank; ++d)
      offset += index[d] * inStrides[perm[d]];
    if (isFloat)
      out.f32[i] = x.f32[offset];
    else
      out.ints[i] = x.ints[offset];
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

int64_t checkedNumElements(const std::vector<int64_t> &shape, int64_t limit) {
  // The non-zero dimensions are bounded even when one is zero: code that
  // walks a shape (strides, say) multiplies them whether or not the tensor
  // is empty.
  int64_t n = 1;
  bool empty = false;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    if (d == 0) {
      empty = true;
      continue;
    }
    if (n > limit / d)
      return -1;
    n *= d;
  }
  return empty ? 0 : n;
}

std::string shapeToString(const std::vector<int64_t> &shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += 'x';
    s += std::to_string(shape[i]);
  }
  return s;
}

} // namespace lcp
