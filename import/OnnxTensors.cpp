//===- OnnxTensors.cpp - TensorProtos and folding on the host -------------===//

#include "import/OnnxTensors.h"
#include "import/onnx.pb.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace lcp::onnx_import {

size_t elementSize(int32_t type) {
  switch (type) {
  case onnx::TensorProto::FLOAT:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::UINT32:
    return 4;
  case onnx::TensorProto::DOUBLE:
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::UINT64:
    return 8;
  case onnx::TensorProto::INT16:
  case onnx::TensorProto::UINT16:
    return 2;
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return 1;
  default:
    return 0;
  }
}

std::string dataTypeName(int32_t type) {
  if (onnx::TensorProto::DataType_IsValid(type))
    return onnx::TensorProto::DataType_Name(
        static_cast<onnx::TensorProto::DataType>(type));
  return "type " + std::to_string(type);
}

namespace {
template <typename T> T loadLE(const char *p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}
} // namespace

bool convertTensor(const onnx::TensorProto &proto, HostTensor &tensor,
                   std::string &error) {
  if (proto.data_location() == onnx::TensorProto::EXTERNAL ||
      proto.external_data_size() > 0) {
    error = "its data is stored outside the model file (external data), "
            "which lcp does not support yet; save the model with all "
            "tensors inside the file";
    return false;
  }
  if (proto.has_segment()) {
    error = "segmented tensors are not supported";
    return false;
  }
  int32_t type = proto.data_type();
  size_t size = elementSize(type);
  if (size == 0) {
    error = "element type " + dataTypeName(type) + " is not supported";
    return false;
  }
  std::vector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  int64_t count = checkedNumElements(shape, kMaxTensorElements);
  if (count < 0) {
    error = "dims " + shapeToString(shape) +
            " are negative or too large (limit " +
            std::to_string(kMaxTensorElements) + " elements)";
    return false;
  }

  bool isFloat =
      type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::DOUBLE;
  int64_t stored;
  const char *fieldName;
  if (proto.has_raw_data()) {
    stored = static_cast<int64_t>(proto.raw_data().size());
    if (stored != count * static_cast<int64_t>(size)) {
      error = "dims " + shapeToString(shape) + " need " +
              std::to_string(count * size) + " bytes of raw_data, it holds " +
              std::to_string(stored);
      return false;
    }
  } else {
    switch (type) {
    case onnx::TensorProto::FLOAT:
      stored = proto.float_data_size(), fieldName = "float_data";
      break;
    case onnx::TensorProto::DOUBLE:
      stored = proto.double_data_size(), fieldName = "double_data";
      break;
    case onnx::TensorProto::INT64:
      stored = proto.int64_data_size(), fieldName = "int64_data";
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      stored = proto.uint64_data_size(), fieldName = "uint64_data";
      break;
    default:
      stored = proto.int32_data_size(), fieldName = "int32_data";
      break;
    }
    if (stored != count) {
      error = "dims " + shapeToString(shape) + " need " +
              std::to_string(count) + " elements, " + fieldName + " holds " +
              std::to_string(stored);
      return false;
    }
  }

  tensor = HostTensor();
  tensor.shape = std::move(shape);
  tensor.type = isFloat ? ElementType::F32 : ElementType::I64;
  if (isFloat)
    tensor.f32.resize(count);
  else
    tensor.ints.resize(count);
  const std::string &raw = proto.raw_data();
  for (int64_t i = 0; i < count; ++i) {
    if (proto.has_raw_data()) {
      const char *p = raw.data() + i * size;
      switch (type) {
      case onnx::TensorProto::FLOAT:
        tensor.f32[i] = loadLE<float>(p);
        break;
      case onnx::TensorProto::DOUBLE:
        tensor.f32[i] = static_cast<float>(loadLE<double>(p));
        break;
      case onnx::TensorProto::INT64:
        tensor.ints[i] = loadLE<int64_t>(p);
        break;
      case onnx::TensorProto::UINT64:
        tensor.ints[i] = static_cast<int64_t>(loadLE<uint64_t>(p));
        break;
      case onnx::TensorProto::INT32:
        tensor.ints[i] = loadLE<int32_t>(p);
        break;
      case onnx::TensorProto::UINT32:
        tensor.ints[i] = loadLE<uint32_t>(p);
        break;
      case onnx::TensorProto::INT16:
        tensor.ints[i] = loadLE<int16_t>(p);
        break;
      case onnx::TensorProto::UINT16:
        tensor.ints[i] = loadLE<uint16_t>(p);
        break;
      case onnx::TensorProto::INT8:
        tensor.ints[i] = loadLE<int8_t>(p);
        break;
      default: // UINT8, BOOL
        tensor.ints[i] = loadLE<uint8_t>(p);
        break;
      }
      continue;
    }
    switch (type) {
    case onnx::TensorProto::FLOAT:
      tensor.f32[i] = proto.float_data(i);
      break;
    case onnx::TensorProto::DOUBLE:
      tensor.f32[i] = static_cast<float>(proto.double_data(i));
      break;
    case onnx::TensorProto::INT64:
      tensor.ints[i] = proto.int64_data(i);
      break;
    case onnx::TensorProto::UINT32:
    case onnx::TensorProto::UINT64:
      tensor.ints[i] = static_cast<int64_t>(proto.uint64_data(i));
      break;
    default:
      tensor.ints[i] = proto.int32_data(i);
      break;
    }
  }
  return true;
}

int64_t normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return -1;
  return axis < 0 ? axis + rank : axis;
}

std::vector<int64_t> asInts(const HostTensor &t) {
  if (!t.isFloat())
    return t.ints;
  // Truncates toward zero as C++ does; NaN and values beyond int64, whose
  // conversion C++ leaves undefined, become 0 and the nearest bound (found
  // by lcp's ONNX fuzzer: a float -inf as a Pad's pads).
  std::vector<int64_t> result;
  for (float v : t.f32) {
    if (std::isnan(v))
      result.push_back(0);
    else if (v >= 0x1p63f)
      result.push_back(std::numeric_limits<int64_t>::max());
    else if (v < -0x1p63f)
      result.push_back(std::numeric_limits<int64_t>::min());
    else
      result.push_back(static_cast<int64_t>(v));
  }
  return result;
}

HostTensor gatherElements(const HostTensor &t, std::vector<int64_t> shape,
                          const std::vector<int64_t> &offsets) {
  HostTensor out;
  out.shape = std::move(shape);
  out.type = t.type;
  for (int64_t o : offsets) {
    if (t.isFloat())
      out.f32.push_back(t.f32[o]);
    else
      out.ints.push_back(t.ints[o]);
  }
  return out;
}

HostTensor transpose2D(const HostTensor &t) {
  int64_t rows = t.shape[0], cols = t.shape[1];
  std::vector<int64_t> offsets;
  for (int64_t c = 0; c < cols; ++c)
    for (int64_t r = 0; r < rows; ++r)
      offsets.push_back(r * cols + c);
  return gatherElements(t, {cols, rows}, offsets);
}

} // namespace lcp::onnx_import
