//===- OnnxImporter.cpp - ONNX models to lcp IR ---------------------------===//
//
// The importer walks the graph in topological order and keeps, for every
// ONNX value name, what it has become: an SSA value of `main`, a constant
// known at import time (weights, and the results of folded shape
// arithmetic), or a Pad that waits to be folded into the Conv or pool that
// consumes it. Constants turn into `lcp.constant` ops only where a compute
// op needs them as tensors.
//
//===----------------------------------------------------------------------===//

#include "import/OnnxImporter.h"
#include "dialect/LcpOps.h"
#include "dialect/ResourceNames.h"
#include "dialect/ShapeInference.h"
#include "import/ModelLoader.h"
#include "import/onnx.pb.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/bit.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

using namespace mlir;

namespace lcp {
namespace {

/// The newest default-domain opset whose operator versions lcp knows.
constexpr int64_t kNewestOpset = 17;
/// Constants up to this many elements are printed inline (`dense<...>`),
/// larger ones become `dense_resource` blobs.
constexpr int64_t kInlineConstantLimit = 16;

//===----------------------------------------------------------------------===//
// TensorProto
//===----------------------------------------------------------------------===//

/// Size in bytes of one element of raw_data, or 0 for unsupported types.
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

template <typename T> T loadLE(const char *p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

/// Converts a TensorProto, checking that its data matches its dims before
/// anything is allocated.
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

//===----------------------------------------------------------------------===//
// Host-side helpers for folding
//===----------------------------------------------------------------------===//

/// Normalises a possibly negative axis; returns -1 if out of range.
int64_t normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return -1;
  return axis < 0 ? axis + rank : axis;
}

/// Elements of an integer or float constant as int64 (shape arithmetic).
std::vector<int64_t> asInts(const HostTensor &t) {
  if (!t.isFloat())
    return t.ints;
  std::vector<int64_t> result;
  for (float v : t.f32)
    result.push_back(static_cast<int64_t>(v));
  return result;
}

/// Gathers the elements of `t` at the row-major offsets `offsets`.
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

//===----------------------------------------------------------------------===//
// Graph import
//===----------------------------------------------------------------------===//

/// What an ONNX value name stands for during import.
struct ImportedValue {
  enum class Kind { Tensor, Constant, DeferredPad };
  Kind kind = Kind::Tensor;
  Value value;         // Kind::Tensor
  HostTensor constant; // Kind::Constant
  // Kind::DeferredPad: the padded value, spatial pads [top, left, bottom,
  // right] and the fill value.
  std::string padSource;
  std::array<int64_t, 4> pads = {0, 0, 0, 0};
  float padValue = 0.0f;
  std::string padNode;
};

/// The node attributes by name, with typed getters.
class NodeAttributes {
public:
  explicit NodeAttributes(const onnx::NodeProto &node) {
    for (const onnx::AttributeProto &attr : node.attribute())
      byName[attr.name()] = &attr;
  }
  bool has(StringRef name) const { return byName.count(name.str()); }
  const onnx::AttributeProto *get(StringRef name) const {
    auto it = byName.find(name.str());
    return it == byName.end() ? nullptr : it->second;
  }
  int64_t getInt(StringRef name, int64_t fallback) const {
    const onnx::AttributeProto *a = get(name);
    return a ? a->i() : fallback;
  }
  float getFloat(StringRef name, float fallback) const {
    const onnx::AttributeProto *a = get(name);
    return a ? a->f() : fallback;
  }
  std::string getString(StringRef name, StringRef fallback) const {
    const onnx::AttributeProto *a = get(name);
    return a ? a->s() : fallback.str();
  }
  std::optional<std::vector<int64_t>> getInts(StringRef name) const {
    const onnx::AttributeProto *a = get(name);
    if (!a)
      return std::nullopt;
    return std::vector<int64_t>(a->ints().begin(), a->ints().end());
  }

private:
  std::map<std::string, const onnx::AttributeProto *> byName;
};

class GraphImporter;
using ConvertFn = LogicalResult (GraphImporter::*)(const onnx::NodeProto &,
                                                   int64_t version);

struct OpSupport {
  const char *opType;
  std::vector<int64_t> sinceVersions;
  ConvertFn convert;
};

class GraphImporter {
public:
  GraphImporter(MLIRContext *context, StringRef sourceName,
                const OnnxImportOptions &options)
      : context(context), builder(context), sourceName(sourceName.str()),
        fileLoc(FileLineColLoc::get(context, sourceName, 0, 0)),
        options(options) {}

  OwningOpRef<ModuleOp> importModel(const onnx::ModelProto &model);

  static const std::vector<OpSupport> &opTable();

private:
  // Diagnostics.
  InFlightDiagnostic error() { return emitError(fileLoc); }
  InFlightDiagnostic nodeError(const onnx::NodeProto &node) {
    return emitError(fileLoc)
           << "node '" << displayName(node) << "' (" << node.op_type() << "): ";
  }
  static std::string displayName(const onnx::NodeProto &node) {
    return node.name().empty() ? "<unnamed " + node.op_type() + ">"
                               : node.name();
  }
  Location nodeLoc(const onnx::NodeProto &node) {
    return NameLoc::get(builder.getStringAttr(displayName(node)), fileLoc);
  }

  LogicalResult importGraph(const onnx::GraphProto &graph);
  LogicalResult importInputs(const onnx::GraphProto &graph,
                             SmallVectorImpl<Type> &argTypes,
                             SmallVectorImpl<std::string> &argNames);
  LogicalResult sortNodes(const onnx::GraphProto &graph,
                          std::vector<const onnx::NodeProto *> &order);
  LogicalResult importNode(const onnx::NodeProto &node);

  // Operands.
  const ImportedValue *lookup(const onnx::NodeProto &node, int index) {
    if (index >= node.input_size() || node.input(index).empty())
      return nullptr;
    auto it = env.find(node.input(index));
    return it == env.end() ? nullptr : &it->second;
  }
  bool hasInput(const onnx::NodeProto &node, int index) {
    return lookup(node, index) != nullptr;
  }
  const HostTensor *constantInput(const onnx::NodeProto &node, int index) {
    const ImportedValue *v = lookup(node, index);
    return v && v->kind == ImportedValue::Kind::Constant ? &v->constant
                                                         : nullptr;
  }
  FailureOr<Value> tensorInput(const onnx::NodeProto &node, int index);
  FailureOr<const HostTensor *> requireConstant(const onnx::NodeProto &node,
                                                int index, StringRef what);
  FailureOr<SmallVector<int64_t>> inputShape(const onnx::NodeProto &node,
                                             int index);
  /// The constant `name` as an SSA value, created once. A constant the
  /// importer derives from model values (a transposed and scaled weight, a
  /// folded bias) passes a `derivation` that says how; it is cached under
  /// (name, derivation), so it never stands in for a model value of the
  /// same name, nor for another derivation of the same value.
  Value materialize(const std::string &name, const HostTensor &constant,
                    Location loc, StringRef derivation = "");

  /// The input `index` of a Conv or pool, with the spatial pads of a Pad
  /// node that feeds it (zeros if none). `fillOk` says whether the Pad's
  /// fill value can be folded into this consumer.
  FailureOr<Value> paddedInput(const onnx::NodeProto &node, int index,
                               llvm::function_ref<bool(float)> fillOk,
                               StringRef fillRule,
                               std::array<int64_t, 4> &pads);

  // Results.
  void setOutput(const onnx::NodeProto &node, int index, Value value) {
    ImportedValue v;
    v.value = value;
    env[node.output(index)] = std::move(v);
  }
  void setConstant(const onnx::NodeProto &node, int index, HostTensor t) {
    ImportedValue v;
    v.kind = ImportedValue::Kind::Constant;
    v.constant = std::move(t);
    env[node.output(index)] = std::move(v);
  }
  LogicalResult rejectExtraOutputs(const onnx::NodeProto &node, int allowed,
                                   StringRef what);

  template <typename OpTy>
  Value create(const onnx::NodeProto &node, ArrayRef<int64_t> shape,
               ValueRange operands, ArrayRef<NamedAttribute> attrs = {}) {
    Type type = RankedTensorType::get(shape, builder.getF32Type());
    return builder
        .create<OpTy>(nodeLoc(node), TypeRange{type}, operands, attrs)
        ->getResult(0);
  }
  Value reshape(const onnx::NodeProto &node, Value input,
                ArrayRef<int64_t> shape) {
    if (cast<ShapedType>(input.getType()).getShape() == shape)
      return input;
    return create<ReshapeOp>(node, shape, input);
  }

  /// Resolves auto_pad (NOTSET, SAME_UPPER, SAME_LOWER, VALID) and the
  /// explicit pads of a Conv or pool into [top, left, bottom, right].
  FailureOr<SmallVector<int64_t>>
  resolvePads(const onnx::NodeProto &node, const NodeAttributes &attrs,
              ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
              ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations);

  // Converters, one per ONNX op type.
  LogicalResult convertConv(const onnx::NodeProto &, int64_t);
  LogicalResult convertGemm(const onnx::NodeProto &, int64_t);
  LogicalResult convertMatMul(const onnx::NodeProto &, int64_t);
  LogicalResult convertAdd(const onnx::NodeProto &, int64_t);
  LogicalResult convertMul(const onnx::NodeProto &, int64_t);
  LogicalResult convertBinary(const onnx::NodeProto &, int64_t, bool isAdd);
  LogicalResult convertRelu(const onnx::NodeProto &, int64_t);
  LogicalResult convertClip(const onnx::NodeProto &, int64_t);
  LogicalResult convertMaxPool(const onnx::NodeProto &, int64_t);
  LogicalResult convertAveragePool(const onnx::NodeProto &, int64_t);
  LogicalResult convertPool(const onnx::NodeProto &, int64_t, bool isMax);
  LogicalResult convertGlobalAveragePool(const onnx::NodeProto &, int64_t);
  LogicalResult convertBatchNormalization(const onnx::NodeProto &, int64_t);
  LogicalResult convertLRN(const onnx::NodeProto &, int64_t);
  LogicalResult convertConcat(const onnx::NodeProto &, int64_t);
  LogicalResult convertSoftmax(const onnx::NodeProto &, int64_t);
  LogicalResult convertFlatten(const onnx::NodeProto &, int64_t);
  LogicalResult convertReshape(const onnx::NodeProto &, int64_t);
  LogicalResult convertTranspose(const onnx::NodeProto &, int64_t);
  LogicalResult convertPad(const onnx::NodeProto &, int64_t);
  LogicalResult convertDropout(const onnx::NodeProto &, int64_t);
  LogicalResult convertIdentity(const onnx::NodeProto &, int64_t);
  LogicalResult convertConstant(const onnx::NodeProto &, int64_t);
  LogicalResult convertShape(const onnx::NodeProto &, int64_t);
  LogicalResult convertGather(const onnx::NodeProto &, int64_t);
  LogicalResult convertUnsqueeze(const onnx::NodeProto &, int64_t);
  LogicalResult convertSqueeze(const onnx::NodeProto &, int64_t);
  LogicalResult convertSlice(const onnx::NodeProto &, int64_t);
  LogicalResult convertCast(const onnx::NodeProto &, int64_t);
  LogicalResult reshapeTo(const onnx::NodeProto &node, ArrayRef<int64_t> shape);

  MLIRContext *context;
  OpBuilder builder;
  std::string sourceName;
  Location fileLoc;
  const OnnxImportOptions &options;
  int64_t opset = 0;
  std::map<std::string, ImportedValue> env;
  std::map<std::string, Value> materialized;
  std::map<std::string, Value> derivedMaterialized;
};

const std::vector<OpSupport> &GraphImporter::opTable() {
  static const std::vector<OpSupport> table = {
      {"Add", {1, 6, 7, 13, 14}, &GraphImporter::convertAdd},
      {"AveragePool", {1, 7, 10, 11}, &GraphImporter::convertAveragePool},
      {"BatchNormalization",
       {1, 6, 7, 9, 14, 15},
       &GraphImporter::convertBatchNormalization},
      {"Cast", {1, 6, 9, 13}, &GraphImporter::convertCast},
      {"Clip", {1, 6, 11, 12, 13}, &GraphImporter::convertClip},
      {"Concat", {1, 4, 11, 13}, &GraphImporter::convertConcat},
      {"Constant", {1, 9, 11, 12, 13}, &GraphImporter::convertConstant},
      {"Conv", {1, 11}, &GraphImporter::convertConv},
      {"Dropout", {1, 6, 7, 10, 12, 13}, &GraphImporter::convertDropout},
      {"Flatten", {1, 9, 11, 13}, &GraphImporter::convertFlatten},
      {"Gather", {1, 11, 13}, &GraphImporter::convertGather},
      {"Gemm", {1, 6, 7, 9, 11, 13}, &GraphImporter::convertGemm},
      {"GlobalAveragePool", {1}, &GraphImporter::convertGlobalAveragePool},
      {"Identity", {1, 13, 14, 16}, &GraphImporter::convertIdentity},
      {"LRN", {1, 13}, &GraphImporter::convertLRN},
      {"MatMul", {1, 9, 13}, &GraphImporter::convertMatMul},
      {"MaxPool", {1, 8, 10, 11, 12}, &GraphImporter::convertMaxPool},
      {"Mul", {1, 6, 7, 13, 14}, &GraphImporter::convertMul},
      {"Pad", {1, 2, 11, 13}, &GraphImporter::convertPad},
      {"Relu", {1, 6, 13, 14}, &GraphImporter::convertRelu},
      {"Reshape", {1, 5, 13, 14}, &GraphImporter::convertReshape},
      {"Shape", {1, 13, 15}, &GraphImporter::convertShape},
      {"Slice", {1, 10, 11, 13}, &GraphImporter::convertSlice},
      {"Softmax", {1, 11, 13}, &GraphImporter::convertSoftmax},
      {"Squeeze", {1, 11, 13}, &GraphImporter::convertSqueeze},
      {"Transpose", {1, 13}, &GraphImporter::convertTranspose},
      {"Unsqueeze", {1, 11, 13}, &GraphImporter::convertUnsqueeze},
  };
  return table;
}

OwningOpRef<ModuleOp>
GraphImporter::importModel(const onnx::ModelProto &model) {
  if (!model.has_graph()) {
    error() << "is not an ONNX model: it has no graph";
    return nullptr;
  }
  bool haveDefaultOpset = false;
  for (const onnx::OperatorSetIdProto &entry : model.opset_import()) {
    if (entry.domain().empty() || entry.domain() == "ai.onnx") {
      opset = entry.version();
      haveDefaultOpset = true;
    }
  }
  if (!haveDefaultOpset) {
    // IR version 1 and 2 models predate opset_import and mean opset 1.
    if (model.ir_version() >= 3 || model.ir_version() <= 0) {
      error() << "is not an ONNX model lcp can read: it declares no opset "
                 "for the default ONNX domain";
      return nullptr;
    }
    opset = 1;
  }
  if (opset < 1 || opset > kNewestOpset) {
    error() << "uses opset " << opset << "; lcp supports opsets 1 to "
            << kNewestOpset;
    return nullptr;
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  builder.setInsertionPointToEnd(module->getBody());
  if (failed(importGraph(model.graph())))
    return nullptr;
  if (failed(verify(*module))) {
    error() << "internal error: the imported IR does not verify";
    return nullptr;
  }
  return module;
}

LogicalResult
GraphImporter::importInputs(const onnx::GraphProto &graph,
                            SmallVectorImpl<Type> &argTypes,
                            SmallVectorImpl<std::string> &argNames) {
  std::set<std::string> initializers;
  for (const onnx::TensorProto &init : graph.initializer()) {
    if (init.name().empty())
      return error() << "has an initializer without a name";
    HostTensor tensor;
    std::string message;
    if (!convertTensor(init, tensor, message))
      return error() << "initializer '" << init.name() << "': " << message;
    ImportedValue v;
    v.kind = ImportedValue::Kind::Constant;
    v.constant = std::move(tensor);
    env[init.name()] = std::move(v);
    initializers.insert(init.name());
  }

  std::set<std::string> seen;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    const std::string &name = input.name();
    if (!seen.insert(name).second)
      return error() << "graph input '" << name << "' is declared twice";
    // Before IR version 4 initializers were listed as inputs too.
    if (initializers.count(name))
      continue;
    auto bound = options.boundInputs.find(name);
    if (bound != options.boundInputs.end()) {
      ImportedValue v;
      v.kind = ImportedValue::Kind::Constant;
      v.constant = bound->second;
      env[name] = std::move(v);
      continue;
    }
    if (!input.type().has_tensor_type())
      return error() << "graph input '" << name
                     << "' is not a tensor; lcp models take tensors";
    const onnx::TypeProto::Tensor &tensorType = input.type().tensor_type();
    if (tensorType.elem_type() != onnx::TensorProto::FLOAT)
      return error() << "graph input '" << name << "' has element type "
                     << dataTypeName(tensorType.elem_type())
                     << "; lcp models take FLOAT inputs";
    if (!tensorType.has_shape())
      return error() << "graph input '" << name
                     << "' has no shape; lcp needs static input shapes";
    SmallVector<int64_t> shape;
    auto given = options.inputShapes.find(name);
    if (given != options.inputShapes.end()) {
      const auto &dims = tensorType.shape().dim();
      bool agrees = given->second.size() == static_cast<size_t>(dims.size());
      for (int i = 0; agrees && i < dims.size(); ++i)
        agrees = given->second[i] >= 0 &&
                 (!dims[i].has_dim_value() || dims[i].dim_value() <= 0 ||
                  dims[i].dim_value() == given->second[i]);
      if (!agrees)
        return error() << "graph input '" << name << "': the given shape "
                       << shape::toString(given->second)
                       << " does not agree with the model's";
      shape.assign(given->second.begin(), given->second.end());
    }
    for (auto [i, dim] : llvm::enumerate(tensorType.shape().dim())) {
      if (given != options.inputShapes.end())
        break;
      if (dim.has_dim_value() && dim.dim_value() > 0) {
        shape.push_back(dim.dim_value());
        continue;
      }
      if (i != 0)
        return error() << "graph input '" << name << "' has a dynamic "
                       << "dimension " << i
                       << (dim.has_dim_param() ? " ('" + dim.dim_param() + "')"
                                               : std::string())
                       << "; only the first (batch) dimension may be "
                          "dynamic";
      if (options.batchSize <= 0)
        return error() << "the batch size must be positive, got "
                       << options.batchSize;
      shape.push_back(options.batchSize);
    }
    if (checkedNumElements(std::vector<int64_t>(shape.begin(), shape.end()),
                           kMaxTensorElements) < 0)
      return error() << "graph input '" << name << "' of shape "
                     << shape::toString(shape) << " is too large";
    argTypes.push_back(RankedTensorType::get(shape, builder.getF32Type()));
    argNames.push_back(name);
  }
  return success();
}

LogicalResult
GraphImporter::sortNodes(const onnx::GraphProto &graph,
                         std::vector<const onnx::NodeProto *> &order) {
  int numNodes = graph.node_size();
  std::map<std::string, int> producer;
  for (int i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    for (const std::string &out : node.output()) {
      if (out.empty())
        continue;
      if (env.count(out))
        return nodeError(node) << "output '" << out
                               << "' has the name of a graph input or "
                                  "initializer";
      auto [it, inserted] = producer.emplace(out, i);
      if (!inserted)
        return nodeError(node)
               << "output '" << out << "' is also produced by node '"
               << displayName(graph.node(it->second)) << "'";
    }
  }

  // Kahn's algorithm; what remains unsorted lies on a cycle.
  std::vector<int> pending(numNodes, 0);
  std::vector<std::vector<int>> consumers(numNodes);
  for (int i = 0; i < numNodes; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    for (const std::string &in : node.input()) {
      if (in.empty() || env.count(in))
        continue;
      auto it = producer.find(in);
      if (it == producer.end())
        return nodeError(node) << "input '" << in
                               << "' is produced by no node, initializer or "
                                  "graph input";
      ++pending[i];
      consumers[it->second].push_back(i);
    }
  }
  std::vector<int> ready;
  for (int i = numNodes - 1; i >= 0; --i)
    if (pending[i] == 0)
      ready.push_back(i);
  while (!ready.empty()) {
    int i = ready.back();
    ready.pop_back();
    order.push_back(&graph.node(i));
    // Keep the file's order among independent nodes: push in reverse.
    for (auto it = consumers[i].rbegin(); it != consumers[i].rend(); ++it)
      if (--pending[*it] == 0)
        ready.push_back(*it);
  }
  if (static_cast<int>(order.size()) != numNodes) {
    for (int i = 0; i < numNodes; ++i)
      if (pending[i] > 0)
        return nodeError(graph.node(i))
               << "the graph has a cycle: this node depends, directly or "
                  "indirectly, on its own output";
  }
  return success();
}

LogicalResult GraphImporter::importGraph(const onnx::GraphProto &graph) {
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  if (failed(importInputs(graph, argTypes, argNames)))
    return failure();

  auto func = builder.create<func::FuncOp>(
      fileLoc, "main", builder.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    ImportedValue v;
    v.value = entry->getArgument(i);
    env[name] = std::move(v);
    func.setArgAttr(i, "lcp.name", builder.getStringAttr(name));
  }
  builder.setInsertionPointToStart(entry);

  std::vector<const onnx::NodeProto *> order;
  if (failed(sortNodes(graph, order)))
    return failure();
  for (const onnx::NodeProto *node : order)
    if (failed(importNode(*node)))
      return failure();

  SmallVector<Value> results;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    auto it = env.find(output.name());
    if (it == env.end())
      return error() << "graph output '" << output.name()
                     << "' is produced by no node";
    const ImportedValue &v = it->second;
    if (v.kind == ImportedValue::Kind::DeferredPad)
      return error() << "graph output '" << output.name()
                     << "' is the result of Pad node '" << v.padNode
                     << "'; lcp supports Pad only where it folds into a "
                        "following Conv or pool";
    if (v.kind == ImportedValue::Kind::Constant) {
      if (!v.constant.isFloat())
        return error() << "graph output '" << output.name()
                       << "' is an integer constant; lcp models produce "
                          "FLOAT tensors";
      results.push_back(materialize(output.name(), v.constant, fileLoc));
    } else {
      results.push_back(v.value);
    }
  }
  if (results.empty())
    return error() << "graph has no outputs";
  builder.create<func::ReturnOp>(fileLoc, results);
  func.setFunctionType(
      builder.getFunctionType(argTypes, ValueRange(results).getTypes()));
  for (auto [i, output] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "lcp.name", builder.getStringAttr(output.name()));
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node) {
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    return nodeError(node) << "op '" << node.op_type() << "' of domain '"
                           << node.domain()
                           << "' is not supported; lcp imports ops of the "
                              "default ONNX domain (see docs/SupportedOps.md)";
  const std::vector<OpSupport> &table = opTable();
  auto entry = llvm::find_if(
      table, [&](const OpSupport &op) { return node.op_type() == op.opType; });
  if (entry == table.end()) {
    InFlightDiagnostic diag = nodeError(node);
    diag << "op type '" << node.op_type() << "' (opset " << opset
         << ") is not supported; lcp imports ";
    llvm::interleaveComma(table, diag,
                          [&](const OpSupport &op) { diag << op.opType; });
    return diag << " (see docs/SupportedOps.md)";
  }
  int64_t version = 0;
  for (int64_t since : entry->sinceVersions)
    if (since <= opset)
      version = since;
  if (version == 0)
    return nodeError(node) << "op '" << node.op_type()
                           << "' does not exist in opset " << opset;
  for (int i = 0; i < node.input_size(); ++i)
    if (!node.input(i).empty() && !env.count(node.input(i)))
      return nodeError(node)
             << "input '" << node.input(i) << "' is not defined";
  if (node.output_size() == 0 || node.output(0).empty())
    return nodeError(node) << "has no output";
  if (failed((this->*entry->convert)(node, version)))
    return failure();
  // Bound what evaluating the model can allocate.
  for (const std::string &out : node.output()) {
    auto it = env.find(out);
    if (it == env.end() || it->second.kind != ImportedValue::Kind::Tensor)
      continue;
    auto type = cast<ShapedType>(it->second.value.getType());
    ArrayRef<int64_t> dims = type.getShape();
    if (checkedNumElements(std::vector<int64_t>(dims.begin(), dims.end()),
                           kMaxTensorElements) < 0)
      return nodeError(node)
             << "result '" << out << "' of shape "
             << shape::toString(type.getShape()) << " has more than "
             << kMaxTensorElements << " elements, lcp's limit for one tensor";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Operand helpers
//===----------------------------------------------------------------------===//

Value GraphImporter::materialize(const std::string &name,
                                 const HostTensor &constant, Location loc,
                                 StringRef derivation) {
  std::string key = name;
  if (!derivation.empty())
    key += '\0' + derivation.str();
  std::map<std::string, Value> &cache =
      derivation.empty() ? materialized : derivedMaterialized;
  auto it = cache.find(key);
  if (it != cache.end())
    return it->second;
  OpBuilder::InsertionGuard guard(builder);
  // Constants go to the top of the function so they dominate every use.
  Block *entry = builder.getInsertionBlock();
  while (!isa<func::FuncOp>(entry->getParentOp()))
    entry = entry->getParentOp()->getBlock();
  builder.setInsertionPointToStart(entry);
  auto type = RankedTensorType::get(constant.shape, builder.getF32Type());
  ElementsAttr value;
  if (constant.numElements() <= kInlineConstantLimit) {
    value = DenseElementsAttr::get(type, ArrayRef<float>(constant.f32));
  } else {
    value = DenseResourceElementsAttr::get(
        type, resourceKey(name),
        HeapAsmResourceBlob::allocateAndCopyInferAlign(
            ArrayRef<float>(constant.f32)));
  }
  Value result = builder.create<ConstantOp>(loc, type, value);
  cache[key] = result;
  return result;
}

FailureOr<Value> GraphImporter::tensorInput(const onnx::NodeProto &node,
                                            int index) {
  const ImportedValue *v = lookup(node, index);
  if (!v)
    return nodeError(node) << "needs input " << index;
  switch (v->kind) {
  case ImportedValue::Kind::Tensor:
    return v->value;
  case ImportedValue::Kind::Constant:
    if (!v->constant.isFloat())
      return nodeError(node) << "input " << index << " ('" << node.input(index)
                             << "') is an integer tensor; lcp computes on "
                                "FLOAT tensors";
    return materialize(node.input(index), v->constant, nodeLoc(node));
  case ImportedValue::Kind::DeferredPad:
    return nodeError(node) << "input " << index << " comes from Pad node '"
                           << v->padNode
                           << "'; lcp supports Pad only where it folds into "
                              "the Conv, MaxPool or AveragePool that "
                              "consumes it";
  }
  return failure();
}

FailureOr<const HostTensor *>
GraphImporter::requireConstant(const onnx::NodeProto &node, int index,
                               StringRef what) {
  if (const HostTensor *t = constantInput(node, index))
    return t;
  return nodeError(node) << what << " (input " << index << ", '"
                         << (index < node.input_size() ? node.input(index)
                                                       : std::string())
                         << "') must be a constant or foldable shape "
                            "arithmetic";
}

FailureOr<SmallVector<int64_t>>
GraphImporter::inputShape(const onnx::NodeProto &node, int index) {
  const ImportedValue *v = lookup(node, index);
  if (!v)
    return nodeError(node) << "needs input " << index;
  if (v->kind == ImportedValue::Kind::Tensor)
    return SmallVector<int64_t>(
        cast<ShapedType>(v->value.getType()).getShape());
  if (v->kind == ImportedValue::Kind::Constant)
    return SmallVector<int64_t>(v->constant.shape.begin(),
                                v->constant.shape.end());
  return nodeError(node) << "input " << index << " comes from Pad node '"
                         << v->padNode
                         << "', which only folds into a Conv or pool";
}

FailureOr<Value>
GraphImporter::paddedInput(const onnx::NodeProto &node, int index,
                           llvm::function_ref<bool(float)> fillOk,
                           StringRef fillRule, std::array<int64_t, 4> &pads) {
  pads = {0, 0, 0, 0};
  const ImportedValue *v = lookup(node, index);
  if (!v || v->kind != ImportedValue::Kind::DeferredPad)
    return tensorInput(node, index);
  bool allZero = llvm::all_of(v->pads, [](int64_t p) { return p == 0; });
  if (!allZero && !fillOk(v->padValue))
    return nodeError(node) << "cannot fold Pad node '" << v->padNode
                           << "' with fill value " << v->padValue
                           << " into this op: " << fillRule;
  pads = v->pads;
  const ImportedValue &source = env.at(v->padSource);
  if (source.kind == ImportedValue::Kind::Constant) {
    if (!source.constant.isFloat())
      return nodeError(node) << "input " << index << " is an integer tensor";
    return materialize(v->padSource, source.constant, nodeLoc(node));
  }
  if (source.kind != ImportedValue::Kind::Tensor)
    return nodeError(node) << "Pad node '" << v->padNode
                           << "' pads the result of another Pad, which lcp "
                              "does not fold";
  return source.value;
}

LogicalResult GraphImporter::rejectExtraOutputs(const onnx::NodeProto &node,
                                                int allowed, StringRef what) {
  for (int i = allowed; i < node.output_size(); ++i)
    if (!node.output(i).empty())
      return nodeError(node) << "output " << i << " ('" << node.output(i)
                             << "', " << what << ") is not supported";
  return success();
}

FailureOr<SmallVector<int64_t>>
GraphImporter::resolvePads(const onnx::NodeProto &node,
                           const NodeAttributes &attrs, ArrayRef<int64_t> input,
                           ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> dilations) {
  std::string autoPad = attrs.getString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET" || autoPad.empty()) {
    std::vector<int64_t> pads =
        attrs.getInts("pads").value_or(std::vector<int64_t>(4, 0));
    if (pads.size() != 4)
      return nodeError(node)
             << "'pads' must have 4 values for a 2-D op, got " << pads.size();
    return SmallVector<int64_t>(pads.begin(), pads.end());
  }
  if (autoPad == "VALID")
    return SmallVector<int64_t>(4, 0);
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return nodeError(node) << "unknown auto_pad '" << autoPad << "'";
  SmallVector<int64_t> pads(4, 0);
  for (int i = 0; i < 2; ++i) {
    if (strides[i] <= 0)
      return nodeError(node) << "'strides' values must be positive";
    int64_t in = input[2 + i];
    int64_t out = (in + strides[i] - 1) / strides[i];
    int64_t total = std::max<int64_t>(
        0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - in);
    int64_t small = total / 2, large = total - small;
    pads[i] = autoPad == "SAME_UPPER" ? small : large;
    pads[2 + i] = autoPad == "SAME_UPPER" ? large : small;
  }
  return pads;
}

//===----------------------------------------------------------------------===//
// Converters
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::convertConv(const onnx::NodeProto &node, int64_t) {
  NodeAttributes attrs(node);
  std::array<int64_t, 4> folded;
  FailureOr<Value> x = paddedInput(
      node, 0, [](float fill) { return fill == 0.0f; },
      "a convolution pads with zeros", folded);
  FailureOr<Value> w = tensorInput(node, 1);
  if (failed(x) || failed(w))
    return failure();
  std::optional<Value> b;
  if (hasInput(node, 2)) {
    FailureOr<Value> bias = tensorInput(node, 2);
    if (failed(bias))
      return failure();
    b = *bias;
  }
  ArrayRef<int64_t> xShape = cast<ShapedType>(x->getType()).getShape();
  ArrayRef<int64_t> wShape = cast<ShapedType>(w->getType()).getShape();
  if (xShape.size() != 4)
    return nodeError(node) << "only 2-D convolutions (input of rank 4) are "
                              "supported, the input has shape "
                           << shape::toString(xShape);
  if (wShape.size() != 4)
    return nodeError(node) << "weight must have rank 4, got "
                           << shape::toString(wShape);
  if (auto kernel = attrs.getInts("kernel_shape"))
    if (ArrayRef<int64_t>(*kernel) != wShape.drop_front(2))
      return nodeError(node)
             << "kernel_shape " << shape::toString(*kernel)
             << " does not match the weight " << shape::toString(wShape);
  std::vector<int64_t> strides =
      attrs.getInts("strides").value_or(std::vector<int64_t>{1, 1});
  std::vector<int64_t> dilations =
      attrs.getInts("dilations").value_or(std::vector<int64_t>{1, 1});
  if (strides.size() != 2 || dilations.size() != 2)
    return nodeError(node) << "'strides' and 'dilations' must have 2 values";
  // auto_pad sizes its padding from the Conv's input, which is the padded
  // tensor when a Pad was folded.
  SmallVector<int64_t> paddedShape(xShape);
  paddedShape[2] += folded[0] + folded[2];
  paddedShape[3] += folded[1] + folded[3];
  FailureOr<SmallVector<int64_t>> pads = resolvePads(
      node, attrs, paddedShape, wShape.drop_front(2), strides, dilations);
  if (failed(pads))
    return failure();
  for (int i = 0; i < 4; ++i)
    (*pads)[i] += folded[i];
  int64_t groups = attrs.getInt("group", 1);
  auto emit = [&] { return nodeError(node); };
  FailureOr<shape::Shape> out = shape::inferConv2D(
      xShape, wShape,
      b ? std::optional(cast<ShapedType>(b->getType()).getShape())
        : std::nullopt,
      strides, *pads, dilations, groups, emit);
  if (failed(out))
    return failure();
  SmallVector<Value> operands = {*x, *w};
  if (b)
    operands.push_back(*b);
  setOutput(
      node, 0,
      create<Conv2DOp>(
          node, *out, operands,
          {builder.getNamedAttr("strides",
                                builder.getDenseI64ArrayAttr(strides)),
           builder.getNamedAttr("pads", builder.getDenseI64ArrayAttr(*pads)),
           builder.getNamedAttr("dilations",
                                builder.getDenseI64ArrayAttr(dilations)),
           builder.getNamedAttr("groups", builder.getI64IntegerAttr(groups))}));
  return success();
}

LogicalResult GraphImporter::convertGemm(const onnx::NodeProto &node,
                                         int64_t version) {
  NodeAttributes attrs(node);
  float alpha = attrs.getFloat("alpha", 1.0f);
  float beta = attrs.getFloat("beta", 1.0f);
  bool transA = attrs.getInt("transA", 0);
  bool transB = attrs.getInt("transB", 0);
  if (version < 11 && !hasInput(node, 2))
    return nodeError(node) << "input C is required before opset 11";
  auto emit = [&] { return nodeError(node); };

  // A: [M, K] after the optional transpose.
  FailureOr<SmallVector<int64_t>> aShape = inputShape(node, 0);
  FailureOr<SmallVector<int64_t>> bShape = inputShape(node, 1);
  if (failed(aShape) || failed(bShape))
    return failure();
  if (aShape->size() != 2 || bShape->size() != 2)
    return nodeError(node) << "A and B must be matrices, got "
                           << shape::toString(*aShape) << " and "
                           << shape::toString(*bShape);
  FailureOr<Value> a = tensorInput(node, 0);
  if (failed(a))
    return failure();
  Value lhs = *a;
  if (transA)
    lhs = create<TransposeOp>(
        node, {(*aShape)[1], (*aShape)[0]}, lhs,
        {builder.getNamedAttr("perm", builder.getDenseI64ArrayAttr({1, 0}))});
  int64_t m = transA ? (*aShape)[1] : (*aShape)[0];
  int64_t k = transA ? (*aShape)[0] : (*aShape)[1];
  int64_t kb = transB ? (*bShape)[1] : (*bShape)[0];
  int64_t n = transB ? (*bShape)[0] : (*bShape)[1];
  if (k != kb)
    return nodeError(node) << "A (after transA) has " << k
                           << " columns, B (after transB) has " << kb
                           << " rows";

  // C, scaled by beta, and whether it is a per-column bias.
  const HostTensor *c = constantInput(node, 2);
  std::optional<HostTensor> bias;
  if (c && c->isFloat()) {
    FailureOr<shape::Shape> cShape = shape::inferBroadcast(
        SmallVector<int64_t>{m, n},
        SmallVector<int64_t>(c->shape.begin(), c->shape.end()), emit);
    if (failed(cShape))
      return failure();
    if (ArrayRef<int64_t>(*cShape) != ArrayRef<int64_t>{m, n})
      return nodeError(node) << "C of shape " << shape::toString(c->shape)
                             << " does not broadcast to " << m << "x" << n;
    int64_t cCount = c->numElements();
    bool perColumn = cCount == 1 || (c->shape.back() == n && cCount == n);
    if (perColumn) {
      HostTensor scaled(std::vector<int64_t>{n});
      for (int64_t j = 0; j < n; ++j)
        scaled.f32[j] = beta * c->f32[cCount == 1 ? 0 : j];
      bias = std::move(scaled);
    }
  }

  // A constant per-column C became `bias`; any other C is added after the
  // product.
  bool addCAfter = hasInput(node, 2) && !bias;
  std::string biasDerivation =
      llvm::formatv("bias beta={0:x} n={1}", llvm::bit_cast<uint32_t>(beta), n)
          .str();
  auto scalar = [&](float value) {
    HostTensor t(std::vector<int64_t>{});
    t.f32 = {value};
    return materialize(
        "scalar", t, nodeLoc(node),
        llvm::formatv("scalar {0:x}", llvm::bit_cast<uint32_t>(value)).str());
  };

  Value result;
  if (const HostTensor *b = constantInput(node, 1); b && b->isFloat()) {
    // The usual classifier: fold transB and alpha into a [N, K] weight.
    HostTensor weight = transB ? *b : transpose2D(*b);
    for (float &v : weight.f32)
      v *= alpha;
    SmallVector<Value> operands = {
        lhs, materialize(node.input(1), weight, nodeLoc(node),
                         llvm::formatv("weight transB={0} alpha={1:x}", transB,
                                       llvm::bit_cast<uint32_t>(alpha))
                             .str())};
    if (bias)
      operands.push_back(
          materialize(node.input(2), *bias, nodeLoc(node), biasDerivation));
    result = create<DenseOp>(node, {m, n}, operands);
  } else {
    FailureOr<Value> bValue = tensorInput(node, 1);
    if (failed(bValue))
      return failure();
    Value rhs = *bValue;
    if (transB)
      rhs = create<TransposeOp>(
          node, {k, n}, rhs,
          {builder.getNamedAttr("perm", builder.getDenseI64ArrayAttr({1, 0}))});
    result = create<MatMulOp>(node, {m, n}, ValueRange{lhs, rhs});
    if (alpha != 1.0f)
      result = create<MulOp>(node, {m, n}, ValueRange{result, scalar(alpha)});
    if (bias)
      result = create<AddOp>(
          node, {m, n},
          ValueRange{result, materialize(node.input(2), *bias, nodeLoc(node),
                                         biasDerivation)});
  }

  if (addCAfter) {
    FailureOr<Value> cValue = tensorInput(node, 2);
    if (failed(cValue))
      return failure();
    ArrayRef<int64_t> cShape = cast<ShapedType>(cValue->getType()).getShape();
    FailureOr<shape::Shape> outShape =
        shape::inferBroadcast(ArrayRef<int64_t>{m, n}, cShape, emit);
    if (failed(outShape))
      return failure();
    if (ArrayRef<int64_t>(*outShape) != ArrayRef<int64_t>{m, n})
      return nodeError(node) << "C of shape " << shape::toString(cShape)
                             << " does not broadcast to " << m << "x" << n;
    Value scaledC = *cValue;
    if (beta != 1.0f)
      scaledC = create<MulOp>(node, cShape, ValueRange{scaledC, scalar(beta)});
    result = create<AddOp>(node, {m, n}, ValueRange{result, scaledC});
  }
  setOutput(node, 0, result);
  return success();
}

LogicalResult GraphImporter::convertMatMul(const onnx::NodeProto &node,
                                           int64_t) {
  FailureOr<Value> a = tensorInput(node, 0);
  FailureOr<Value> b = tensorInput(node, 1);
  if (failed(a) || failed(b))
    return failure();
  SmallVector<int64_t> aShape(cast<ShapedType>(a->getType()).getShape());
  SmallVector<int64_t> bShape(cast<ShapedType>(b->getType()).getShape());
  if (aShape.empty() || bShape.empty())
    return nodeError(node) << "operands must not be scalars";
  // NumPy's 1-D promotion: [K] is a row for A and a column for B, and the
  // added dimension is removed again from the result.
  Value lhs = *a, rhs = *b;
  bool rowVector = aShape.size() == 1, columnVector = bShape.size() == 1;
  if (rowVector)
    lhs = reshape(node, lhs, {1, aShape[0]});
  if (columnVector)
    rhs = reshape(node, rhs, {bShape[0], 1});
  FailureOr<shape::Shape> out =
      shape::inferMatMul(cast<ShapedType>(lhs.getType()).getShape(),
                         cast<ShapedType>(rhs.getType()).getShape(),
                         [&] { return nodeError(node); });
  if (failed(out))
    return failure();
  Value result = create<MatMulOp>(node, *out, ValueRange{lhs, rhs});
  SmallVector<int64_t> finalShape(out->begin(), out->end());
  if (columnVector)
    finalShape.pop_back();
  if (rowVector)
    finalShape.erase(finalShape.end() - (columnVector ? 1 : 2));
  setOutput(node, 0, reshape(node, result, finalShape));
  return success();
}

LogicalResult GraphImporter::convertAdd(const onnx::NodeProto &node,
                                        int64_t version) {
  return convertBinary(node, version, /*isAdd=*/true);
}

LogicalResult GraphImporter::convertMul(const onnx::NodeProto &node,
                                        int64_t version) {
  return convertBinary(node, version, /*isAdd=*/false);
}

LogicalResult GraphImporter::convertBinary(const onnx::NodeProto &node,
                                           int64_t version, bool isAdd) {
  FailureOr<SmallVector<int64_t>> aShape = inputShape(node, 0);
  FailureOr<SmallVector<int64_t>> bShape = inputShape(node, 1);
  if (failed(aShape) || failed(bShape))
    return failure();
  NodeAttributes attrs(node);
  SmallVector<int64_t> bAligned = *bShape;
  if (version < 7) {
    // Before opset 7, B broadcasts only with broadcast=1, aligned at `axis`
    // (by default at the trailing dimensions).
    if (!attrs.getInt("broadcast", 0)) {
      if (*aShape != *bShape)
        return nodeError(node) << "shapes " << shape::toString(*aShape)
                               << " and " << shape::toString(*bShape)
                               << " differ and 'broadcast' is not set";
    } else if (attrs.has("axis")) {
      int64_t axis = normalizeAxis(attrs.getInt("axis", 0), aShape->size());
      if (axis < 0 || axis + bShape->size() > aShape->size())
        return nodeError(node) << "'axis' does not place B inside A";
      bAligned.append(aShape->size() - axis - bShape->size(), 1);
    }
  }
  auto emit = [&] { return nodeError(node); };
  FailureOr<shape::Shape> out = shape::inferBroadcast(*aShape, bAligned, emit);
  if (failed(out))
    return failure();

  const HostTensor *ca = constantInput(node, 0);
  const HostTensor *cb = constantInput(node, 1);
  if (ca && cb && ca->isFloat() == cb->isFloat()) {
    // Both known: fold (this is how exporters compute shapes, too).
    HostTensor folded;
    folded.shape.assign(out->begin(), out->end());
    folded.type = ca->type;
    int64_t count = folded.numElements();
    std::vector<int64_t> aStrides(out->size(), 0), bStrides(out->size(), 0);
    auto fill = [&](ArrayRef<int64_t> shape, std::vector<int64_t> &strides) {
      int64_t stride = 1;
      for (size_t i = 0; i < shape.size(); ++i) {
        size_t d = shape.size() - 1 - i, o = out->size() - 1 - i;
        strides[o] = shape[d] == 1 ? 0 : stride;
        stride *= shape[d];
      }
    };
    fill(*aShape, aStrides);
    fill(bAligned, bStrides);
    for (int64_t i = 0; i < count; ++i) {
      int64_t rem = i, ai = 0, bi = 0;
      for (size_t d = out->size(); d-- > 0;) {
        int64_t idx = rem % (*out)[d];
        rem /= (*out)[d];
        ai += idx * aStrides[d];
        bi += idx * bStrides[d];
      }
      if (folded.isFloat())
        folded.f32.push_back(isAdd ? ca->f32[ai] + cb->f32[bi]
                                   : ca->f32[ai] * cb->f32[bi]);
      else
        folded.ints.push_back(isAdd ? ca->ints[ai] + cb->ints[bi]
                                    : ca->ints[ai] * cb->ints[bi]);
    }
    setConstant(node, 0, std::move(folded));
    return success();
  }

  FailureOr<Value> a = tensorInput(node, 0);
  FailureOr<Value> b = tensorInput(node, 1);
  if (failed(a) || failed(b))
    return failure();
  Value rhs = reshape(node, *b, bAligned);
  if (isAdd)
    setOutput(node, 0, create<AddOp>(node, *out, ValueRange{*a, rhs}));
  else
    setOutput(node, 0, create<MulOp>(node, *out, ValueRange{*a, rhs}));
  return success();
}

LogicalResult GraphImporter::convertRelu(const onnx::NodeProto &node, int64_t) {
  FailureOr<Value> x = tensorInput(node, 0);
  if (failed(x))
    return failure();
  setOutput(
      node, 0,
      create<ReluOp>(node, cast<ShapedType>(x->getType()).getShape(), *x));
  return success();
}

LogicalResult GraphImporter::convertClip(const onnx::NodeProto &node,
                                         int64_t version) {
  FailureOr<Value> x = tensorInput(node, 0);
  if (failed(x))
    return failure();
  NodeAttributes attrs(node);
  std::optional<float> lo, hi;
  if (version < 11) {
    if (attrs.has("min"))
      lo = attrs.getFloat("min", 0.0f);
    if (attrs.has("max"))
      hi = attrs.getFloat("max", 0.0f);
  } else {
    for (int i : {1, 2}) {
      if (!hasInput(node, i))
        continue;
      FailureOr<const HostTensor *> bound = requireConstant(
          node, i, i == 1 ? "the lower bound" : "the upper bound");
      if (failed(bound))
        return failure();
      if ((*bound)->numElements() != 1 || !(*bound)->isFloat())
        return nodeError(node)
               << "bound " << node.input(i) << " must be a FLOAT scalar";
      (i == 1 ? lo : hi) = (*bound)->f32[0];
    }
  }
  SmallVector<NamedAttribute> named;
  if (lo)
    named.push_back(builder.getNamedAttr("min", builder.getF32FloatAttr(*lo)));
  if (hi)
    named.push_back(builder.getNamedAttr("max", builder.getF32FloatAttr(*hi)));
  if (lo && hi && *lo > *hi)
    return nodeError(node) << "min (" << *lo << ") is greater than max (" << *hi
                           << ")";
  setOutput(node, 0,
            create<ClipOp>(node, cast<ShapedType>(x->getType()).getShape(), *x,
                           named));
  return success();
}

LogicalResult GraphImporter::convertMaxPool(const onnx::NodeProto &node,
                                            int64_t version) {
  return convertPool(node, version, /*isMax=*/true);
}

LogicalResult GraphImporter::convertAveragePool(const onnx::NodeProto &node,
                                                int64_t version) {
  return convertPool(node, version, /*isMax=*/false);
}

LogicalResult GraphImporter::convertPool(const onnx::NodeProto &node,
                                         int64_t version, bool isMax) {
  if (failed(rejectExtraOutputs(node, 1, "the indices of the maxima")))
    return failure();
  NodeAttributes attrs(node);
  bool includePad =
      !isMax && version >= 7 && attrs.getInt("count_include_pad", 0);
  std::array<int64_t, 4> folded;
  FailureOr<Value> x =
      isMax ? paddedInput(
                  node, 0,
                  [](float fill) {
                    return fill <= -std::numeric_limits<float>::max();
                  },
                  "max pooling pads with -inf", folded)
            : paddedInput(
                  node, 0, [](float fill) { return fill == 0.0f; },
                  "average pooling pads with zeros", folded);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> xShape = cast<ShapedType>(x->getType()).getShape();
  if (xShape.size() != 4)
    return nodeError(node) << "only 2-D pooling (input of rank 4) is "
                              "supported, the input has shape "
                           << shape::toString(xShape);
  std::optional<std::vector<int64_t>> kernel = attrs.getInts("kernel_shape");
  if (!kernel || kernel->size() != 2)
    return nodeError(node) << "needs a 'kernel_shape' of 2 values";
  std::vector<int64_t> strides =
      attrs.getInts("strides").value_or(std::vector<int64_t>{1, 1});
  std::vector<int64_t> dilations = {1, 1};
  if (isMax && version >= 10)
    dilations = attrs.getInts("dilations").value_or(dilations);
  if (strides.size() != 2 || dilations.size() != 2)
    return nodeError(node) << "'strides' and 'dilations' must have 2 values";
  bool ceilMode = version >= 10 && attrs.getInt("ceil_mode", 0);
  SmallVector<int64_t> paddedShape(xShape);
  paddedShape[2] += folded[0] + folded[2];
  paddedShape[3] += folded[1] + folded[3];
  FailureOr<SmallVector<int64_t>> pads =
      resolvePads(node, attrs, paddedShape, *kernel, strides, dilations);
  if (failed(pads))
    return failure();
  if (llvm::any_of(folded, [](int64_t p) { return p != 0; })) {
    // A zero-filled Pad before an average pool counts its zeros: that is
    // count_include_pad, which must then hold for the pool's own pads too.
    if (!isMax && !includePad &&
        llvm::any_of(*pads, [](int64_t p) { return p != 0; }))
      return nodeError(node)
             << "cannot fold the preceding Pad: this pool has pads of its "
                "own without count_include_pad";
    includePad = !isMax;
    for (int i = 0; i < 4; ++i)
      (*pads)[i] += folded[i];
  }
  if (!isMax && !includePad &&
      failed(shape::checkWindowsCoverInput(*kernel, *pads,
                                           [&] { return nodeError(node); })))
    return failure();
  FailureOr<shape::Shape> out =
      shape::inferPool2D(xShape, *kernel, strides, *pads, dilations, ceilMode,
                         [&] { return nodeError(node); });
  if (failed(out))
    return failure();
  SmallVector<NamedAttribute> named = {
      builder.getNamedAttr("kernel", builder.getDenseI64ArrayAttr(*kernel)),
      builder.getNamedAttr("strides", builder.getDenseI64ArrayAttr(strides)),
      builder.getNamedAttr("pads", builder.getDenseI64ArrayAttr(*pads))};
  if (ceilMode)
    named.push_back(builder.getNamedAttr("ceil_mode", builder.getUnitAttr()));
  if (isMax) {
    named.push_back(builder.getNamedAttr(
        "dilations", builder.getDenseI64ArrayAttr(dilations)));
    setOutput(node, 0, create<MaxPool2DOp>(node, *out, *x, named));
  } else {
    if (includePad)
      named.push_back(
          builder.getNamedAttr("count_include_pad", builder.getUnitAttr()));
    setOutput(node, 0, create<AvgPool2DOp>(node, *out, *x, named));
  }
  return success();
}

LogicalResult
GraphImporter::convertGlobalAveragePool(const onnx::NodeProto &node, int64_t) {
  FailureOr<Value> x = tensorInput(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> s = cast<ShapedType>(x->getType()).getShape();
  if (s.size() != 4)
    return nodeError(node) << "only 2-D pooling (input of rank 4) is "
                              "supported, the input has shape "
                           << shape::toString(s);
  setOutput(node, 0, create<GlobalAvgPoolOp>(node, {s[0], s[1], 1, 1}, *x));
  return success();
}

LogicalResult
GraphImporter::convertBatchNormalization(const onnx::NodeProto &node,
                                         int64_t version) {
  NodeAttributes attrs(node);
  if (version >= 14 && attrs.getInt("training_mode", 0))
    return nodeError(node) << "training mode is not supported; export the "
                              "model in inference (eval) mode";
  if (version < 9 && !attrs.getInt("spatial", 1))
    return nodeError(node) << "spatial=0 (per-element statistics) is not "
                              "supported";
  if (failed(rejectExtraOutputs(node, 1, "a training-mode statistic")))
    return failure();
  SmallVector<Value> operands;
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = tensorInput(node, i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  SmallVector<ArrayRef<int64_t>> params;
  for (Value v : ArrayRef<Value>(operands).drop_front())
    params.push_back(cast<ShapedType>(v.getType()).getShape());
  FailureOr<shape::Shape> out =
      shape::inferBatchNorm(cast<ShapedType>(operands[0].getType()).getShape(),
                            params, [&] { return nodeError(node); });
  if (failed(out))
    return failure();
  setOutput(node, 0,
            create<BatchNormOp>(
                node, *out, operands,
                {builder.getNamedAttr("epsilon",
                                      builder.getF32FloatAttr(
                                          attrs.getFloat("epsilon", 1e-5f)))}));
  return success();
}

LogicalResult GraphImporter::convertLRN(const onnx::NodeProto &node, int64_t) {
  NodeAttributes attrs(node);
  FailureOr<Value> x = tensorInput(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> s = cast<ShapedType>(x->getType()).getShape();
  if (s.size() != 4)
    return nodeError(node) << "only inputs of rank 4 are supported, got "
                           << shape::toString(s);
  if (!attrs.has("size") || attrs.getInt("size", 0) <= 0)
    return nodeError(node) << "needs a positive 'size'";
  setOutput(
      node, 0,
      create<LRNOp>(
          node, s, *x,
          {builder.getNamedAttr(
               "size", builder.getI64IntegerAttr(attrs.getInt("size", 1))),
           builder.getNamedAttr("alpha", builder.getF32FloatAttr(
                                             attrs.getFloat("alpha", 1e-4f))),
           builder.getNamedAttr(
               "beta", builder.getF32FloatAttr(attrs.getFloat("beta", 0.75f))),
           builder.getNamedAttr("bias", builder.getF32FloatAttr(
                                            attrs.getFloat("bias", 1.0f)))}));
  return success();
}

LogicalResult GraphImporter::convertConcat(const onnx::NodeProto &node,
                                           int64_t version) {
  NodeAttributes attrs(node);
  if (version >= 4 && !attrs.has("axis"))
    return nodeError(node) << "needs an 'axis'";
  SmallVector<SmallVector<int64_t>> shapes;
  bool allConstant = true;
  for (int i = 0; i < node.input_size(); ++i) {
    FailureOr<SmallVector<int64_t>> s = inputShape(node, i);
    if (failed(s))
      return failure();
    shapes.push_back(*s);
    allConstant &= constantInput(node, i) != nullptr;
  }
  if (shapes.empty())
    return nodeError(node) << "needs at least one input";
  int64_t axis = normalizeAxis(attrs.getInt("axis", 1), shapes.front().size());
  if (axis < 0)
    return nodeError(node) << "axis " << attrs.getInt("axis", 1)
                           << " is out of range for rank "
                           << shapes.front().size();
  SmallVector<ArrayRef<int64_t>> refs(shapes.begin(), shapes.end());
  FailureOr<shape::Shape> out =
      shape::inferConcat(refs, axis, [&] { return nodeError(node); });
  if (failed(out))
    return failure();

  if (allConstant) {
    HostTensor folded;
    folded.shape.assign(out->begin(), out->end());
    folded.type = constantInput(node, 0)->type;
    int64_t outer = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer *= (*out)[d];
    for (int64_t o = 0; o < outer; ++o)
      for (int i = 0; i < node.input_size(); ++i) {
        const HostTensor *t = constantInput(node, i);
        if (t->isFloat() != folded.isFloat())
          return nodeError(node) << "inputs mix FLOAT and integer tensors";
        int64_t row = t->numElements() / std::max<int64_t>(outer, 1);
        for (int64_t j = 0; j < row; ++j) {
          if (t->isFloat())
            folded.f32.push_back(t->f32[o * row + j]);
          else
            folded.ints.push_back(t->ints[o * row + j]);
        }
      }
    setConstant(node, 0, std::move(folded));
    return success();
  }

  SmallVector<Value> operands;
  for (int i = 0; i < node.input_size(); ++i) {
    FailureOr<Value> v = tensorInput(node, i);
    if (failed(v))
      return failure();
    operands.push_back(*v);
  }
  setOutput(node, 0,
            create<ConcatOp>(node, *out, operands,
                             {builder.getNamedAttr(
                                 "axis", builder.getI64IntegerAttr(axis))}));
  return success();
}

LogicalResult GraphImporter::convertSoftmax(const onnx::NodeProto &node,
                                            int64_t version) {
  NodeAttributes attrs(node);
  FailureOr<Value> x = tensorInput(node, 0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> s = cast<ShapedType>(x->getType()).getShape();
  int64_t rank = s.size();
  int64_t requested = attrs.getInt("axis", version >= 13 ? -1 : 1);
  int64_t axis = normalizeAxis(requested, rank);
  if (axis < 0)
    return nodeError(node) << "axis " << requested
                           << " is out of range for rank " << rank;
  auto axisAttr = [&](int64_t a) {
    return builder.getNamedAttr("axis", builder.getI64IntegerAttr(a));
  };
  if (version >= 13 || axis == rank - 1) {
    setOutput(node, 0, create<SoftmaxOp>(node, s, *x, {axisAttr(axis)}));
    return success();
  }
  // Before opset 13 Softmax works on the input coerced to 2-D at `axis`.
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= s[d];
  Value flat = reshape(node, *x, {outer, inner});
  Value soft = create<SoftmaxOp>(node, {outer, inner}, flat, {axisAttr(1)});
  setOutput(node, 0, reshape(node, soft, s));
  return success();
}

LogicalResult GraphImporter::reshapeTo(const onnx::NodeProto &node,
                                       ArrayRef<int64_t> shape) {
  if (const HostTensor *c = constantInput(node, 0)) {
    HostTensor folded = *c;
    folded.shape.assign(shape.begin(), shape.end());
    setConstant(node, 0, std::move(folded));
    return success();
  }
  FailureOr<Value> x = tensorInput(node, 0);
  if (failed(x))
    return failure();
  setOutput(node, 0, reshape(node, *x, shape));
  return success();
}

LogicalResult GraphImporter::convertFlatten(const onnx::NodeProto &node,
                                            int64_t) {
  FailureOr<SmallVector<int64_t>> s = inputShape(node, 0);
  if (failed(s))
    return failure();
  int64_t rank = s->size();
  int64_t axis = NodeAttributes(node).getInt("axis", 1);
  if (axis < -rank || axis > rank)
    return nodeError(node) << "axis " << axis << " is out of range for rank "
                           << rank;
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? outer : inner) *= (*s)[d];
  return reshapeTo(node, {outer, inner});
}

LogicalResult GraphImporter::convertReshape(const onnx::NodeProto &node,
                                            int64_t version) {
  NodeAttributes attrs(node);
  FailureOr<SmallVector<int64_t>> in = inputShape(node, 0);
  if (failed(in))
    return failure();
  std::vector<int64_t> requested;
  if (version < 5) {
    std::optional<std::vector<int64_t>> attr = attrs.getInts("shape");
    if (!attr)
      return nodeError(node) << "needs a 'shape' attribute";
    requested = *attr;
  } else {
    FailureOr<const HostTensor *> shapeInput =
        requireConstant(node, 1, "the target shape");
    if (failed(shapeInput))
      return failure();
    requested = asInts(**shapeInput);
  }
  bool allowZero = version >= 14 && attrs.getInt("allowzero", 0);
  SmallVector<int64_t> out;
  int64_t inferred = -1, known = 1, total = 1;
  for (int64_t d : *in)
    total *= d;
  for (auto [i, d] : llvm::enumerate(requested)) {
    if (d == 0 && !allowZero) {
      if (i >= in->size())
        return nodeError(node)
               << "target shape entry " << i
               << " is 0 (copy) but the input has rank " << in->size();
      d = (*in)[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return nodeError(node) << "target shape has more than one -1";
      inferred = i;
      out.push_back(1);
      continue;
    }
    if (d < 0)
      return nodeError(node) << "target shape entry " << i << " is " << d;
    out.push_back(d);
    known *= d;
  }
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return nodeError(node) << "cannot infer the -1 in target shape for "
                             << total << " elements";
    out[inferred] = total / known;
  }
  if (checkedNumElements(std::vector<int64_t>(out.begin(), out.end()),
                         kMaxTensorElements) < 0)
    return nodeError(node) << "result '" << node.output(0) << "' of shape "
                           << shape::toString(out) << " has more than "
                           << kMaxTensorElements
                           << " elements, lcp's limit for one tensor";
  if (failed(shape::checkReshape(*in, out, [&] { return nodeError(node); })))
    return failure();
  return reshapeTo(node, out);
}

LogicalResult GraphImporter::convertTranspose(const onnx::NodeProto &node,
                                              int64_t) {
  FailureOr<SmallVector<int64_t>> in = inputShape(node, 0);
  if (failed(in))
    return failure();
  int64_t rank = in->size();
  std::vector<int64_t> perm;
  if (auto attr = NodeAttributes(node).getInts("perm"))
    perm = *attr;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  FailureOr<shape::Shape> out =
      shape::inferTranspose(*in, perm, [&] { return nodeError(node); });
  if (failed(out))
    return failure();
  if (const HostTensor *c = constantInput(node, 0)) {
    std::vector<int64_t> strides = c->strides();
    std::vector<int64_t> offsets, index(rank, 0);
    int64_t count = c->numElements();
    for (int64_t i = 0; i < count; ++i) {
      int64_t offset = 0;
      for (int64_t d = 0; d < rank; ++d)
        offset += index[d] * strides[perm[d]];
      offsets.push_back(offset);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < (*out)[d])
          break;
        index[d] = 0;
      }
    }
    setConstant(node, 0,
                gatherElements(*c,
                               std::vector<int64_t>(out->begin(), out->end()),
                               offsets));
    return success();
  }
  FailureOr<Value> x = tensorInput(node, 0);
  if (failed(x))
    return failure();
  setOutput(
      node, 0,
      create<TransposeOp>(
          node, *out, *x,
          {builder.getNamedAttr("perm", builder.getDenseI64ArrayAttr(perm))}));
  return success();
}

LogicalResult GraphImporter::convertPad(const onnx::NodeProto &node,
                                        int64_t version) {
  NodeAttributes attrs(node);
  std::string mode = attrs.getString("mode", "constant");
  if (mode != "constant")
    return nodeError(node) << "mode '" << mode
                           << "' is not supported; lcp folds only constant "
                              "padding into a following Conv or pool";
  std::vector<int64_t> pads;
  float fill = 0.0f;
  if (version < 11) {
    std::optional<std::vector<int64_t>> attr =
        attrs.getInts(version < 2 ? "paddings" : "pads");
    if (!attr)
      return nodeError(node) << "needs pads";
    pads = *attr;
    fill = attrs.getFloat("value", 0.0f);
  } else {
    FailureOr<const HostTensor *> p = requireConstant(node, 1, "the pads");
    if (failed(p))
      return failure();
    pads = asInts(**p);
    if (hasInput(node, 2)) {
      FailureOr<const HostTensor *> v =
          requireConstant(node, 2, "the constant value");
      if (failed(v))
        return failure();
      if ((*v)->numElements() != 1 || !(*v)->isFloat())
        return nodeError(node) << "the constant value must be a FLOAT scalar";
      fill = (*v)->f32[0];
    }
    if (hasInput(node, 3))
      return nodeError(node) << "the 'axes' input is not supported";
  }
  FailureOr<SmallVector<int64_t>> in = inputShape(node, 0);
  if (failed(in))
    return failure();
  if (in->size() != 4)
    return nodeError(node) << "only padding of rank-4 (NCHW) tensors is "
                              "supported, input has shape "
                           << shape::toString(*in);
  if (pads.size() != 8)
    return nodeError(node) << "'pads' must have 8 values (begin and end of "
                              "each of the 4 dimensions), got "
                           << pads.size();
  // ONNX order: [n_begin, c_begin, h_begin, w_begin, n_end, c_end, ...].
  if (pads[0] || pads[1] || pads[4] || pads[5])
    return nodeError(node) << "padding the batch or channel dimension is "
                              "not supported";
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return nodeError(node) << "negative pads (cropping) are not supported";
  ImportedValue v;
  v.kind = ImportedValue::Kind::DeferredPad;
  v.padSource = node.input(0);
  v.pads = {pads[2], pads[3], pads[6], pads[7]};
  v.padValue = fill;
  v.padNode = displayName(node);
  env[node.output(0)] = std::move(v);
  return success();
}

LogicalResult GraphImporter::convertDropout(const onnx::NodeProto &node,
                                            int64_t version) {
  if (failed(rejectExtraOutputs(node, 1, "the dropout mask")))
    return failure();
  if (version >= 12 && hasInput(node, 2)) {
    const HostTensor *training = constantInput(node, 2);
    if (!training || asInts(*training) != std::vector<int64_t>{0})
      return nodeError(node) << "training mode is not supported; export the "
                                "model in inference (eval) mode";
  }
  return convertIdentity(node, version);
}

LogicalResult GraphImporter::convertIdentity(const onnx::NodeProto &node,
                                             int64_t) {
  const ImportedValue *v = lookup(node, 0);
  if (!v)
    return nodeError(node) << "needs input 0";
  env[node.output(0)] = *v;
  return success();
}

LogicalResult GraphImporter::convertConstant(const onnx::NodeProto &node,
                                             int64_t) {
  NodeAttributes attrs(node);
  HostTensor t;
  if (const onnx::AttributeProto *value = attrs.get("value")) {
    std::string message;
    if (!convertTensor(value->t(), t, message))
      return nodeError(node) << "'value': " << message;
  } else if (const onnx::AttributeProto *f = attrs.get("value_float")) {
    t = HostTensor(std::vector<int64_t>{});
    t.f32 = {f->f()};
  } else if (const onnx::AttributeProto *fs = attrs.get("value_floats")) {
    t = HostTensor(std::vector<int64_t>{fs->floats_size()});
    t.f32.assign(fs->floats().begin(), fs->floats().end());
  } else if (const onnx::AttributeProto *i = attrs.get("value_int")) {
    t.type = ElementType::I64;
    t.ints = {i->i()};
  } else if (const onnx::AttributeProto *is = attrs.get("value_ints")) {
    t.type = ElementType::I64;
    t.shape = {is->ints_size()};
    t.ints.assign(is->ints().begin(), is->ints().end());
  } else {
    return nodeError(node) << "only 'value', 'value_float(s)' and "
                              "'value_int(s)' constants are supported";
  }
  setConstant(node, 0, std::move(t));
  return success();
}

LogicalResult GraphImporter::convertShape(const onnx::NodeProto &node,
                                          int64_t version) {
  FailureOr<SmallVector<int64_t>> in = inputShape(node, 0);
  if (failed(in))
    return failure();
  int64_t rank = in->size();
  NodeAttributes attrs(node);
  int64_t start = version >= 15 ? attrs.getInt("start", 0) : 0;
  int64_t end = version >= 15 ? attrs.getInt("end", rank) : rank;
  // Out-of-range start and end clamp, as the spec says.
  auto clampIndex = [&](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  start = clampIndex(start);
  end = clampIndex(end);
  HostTensor t;
  t.type = ElementType::I64;
  for (int64_t d = start; d < end; ++d)
    t.ints.push_back((*in)[d]);
  t.shape = {static_cast<int64_t>(t.ints.size())};
  setConstant(node, 0, std::move(t));
  return success();
}

LogicalResult GraphImporter::convertGather(const onnx::NodeProto &node,
                                           int64_t) {
  FailureOr<const HostTensor *> data =
      requireConstant(node, 0, "Gather's data");
  FailureOr<const HostTensor *> indices =
      requireConstant(node, 1, "Gather's indices");
  if (failed(data) || failed(indices))
    return failure();
  const HostTensor &d = **data;
  int64_t rank = d.rank();
  int64_t axis = normalizeAxis(NodeAttributes(node).getInt("axis", 0), rank);
  if (axis < 0)
    return nodeError(node) << "axis is out of range for rank " << rank;
  std::vector<int64_t> idx = asInts(**indices);
  int64_t extent = d.shape[axis];
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= d.shape[i];
  for (int64_t i = axis + 1; i < rank; ++i)
    inner *= d.shape[i];
  std::vector<int64_t> shape(d.shape.begin(), d.shape.begin() + axis);
  shape.insert(shape.end(), (*indices)->shape.begin(), (*indices)->shape.end());
  shape.insert(shape.end(), d.shape.begin() + axis + 1, d.shape.end());
  std::vector<int64_t> offsets;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k : idx) {
      if (k < -extent || k >= extent)
        return nodeError(node) << "index " << k << " is out of range for "
                               << "dimension of size " << extent;
      if (k < 0)
        k += extent;
      for (int64_t i = 0; i < inner; ++i)
        offsets.push_back((o * extent + k) * inner + i);
    }
  setConstant(node, 0, gatherElements(d, shape, offsets));
  return success();
}

LogicalResult GraphImporter::convertUnsqueeze(const onnx::NodeProto &node,
                                              int64_t version) {
  FailureOr<SmallVector<int64_t>> in = inputShape(node, 0);
  if (failed(in))
    return failure();
  std::vector<int64_t> axes;
  if (version < 13) {
    std::optional<std::vector<int64_t>> attr =
        NodeAttributes(node).getInts("axes");
    if (!attr)
      return nodeError(node) << "needs 'axes'";
    axes = *attr;
  } else {
    FailureOr<const HostTensor *> a = requireConstant(node, 1, "the axes");
    if (failed(a))
      return failure();
    axes = asInts(**a);
  }
  int64_t outRank = in->size() + axes.size();
  std::vector<bool> inserted(outRank, false);
  for (int64_t axis : axes) {
    int64_t a = normalizeAxis(axis, outRank);
    if (a < 0 || inserted[a])
      return nodeError(node)
             << "axis " << axis << " is out of range or repeated";
    inserted[a] = true;
  }
  SmallVector<int64_t> out;
  auto next = in->begin();
  for (int64_t d = 0; d < outRank; ++d)
    out.push_back(inserted[d] ? 1 : *next++);
  return reshapeTo(node, out);
}

LogicalResult GraphImporter::convertSqueeze(const onnx::NodeProto &node,
                                            int64_t version) {
  FailureOr<SmallVector<int64_t>> in = inputShape(node, 0);
  if (failed(in))
    return failure();
  int64_t rank = in->size();
  std::optional<std::vector<int64_t>> axes;
  if (version < 13) {
    axes = NodeAttributes(node).getInts("axes");
  } else if (hasInput(node, 1)) {
    FailureOr<const HostTensor *> a = requireConstant(node, 1, "the axes");
    if (failed(a))
      return failure();
    axes = asInts(**a);
  }
  std::vector<bool> removed(rank, false);
  if (axes) {
    for (int64_t axis : *axes) {
      int64_t a = normalizeAxis(axis, rank);
      if (a < 0 || (*in)[a] != 1)
        return nodeError(node)
               << "axis " << axis << " is out of range or not of size 1";
      removed[a] = true;
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      removed[d] = (*in)[d] == 1;
  }
  SmallVector<int64_t> out;
  for (int64_t d = 0; d < rank; ++d)
    if (!removed[d])
      out.push_back((*in)[d]);
  return reshapeTo(node, out);
}

LogicalResult GraphImporter::convertSlice(const onnx::NodeProto &node,
                                          int64_t version) {
  FailureOr<const HostTensor *> data = requireConstant(node, 0, "Slice's data");
  if (failed(data))
    return failure();
  const HostTensor &d = **data;
  int64_t rank = d.rank();
  std::vector<int64_t> starts, ends, axes, steps;
  NodeAttributes attrs(node);
  if (version < 10) {
    starts = attrs.getInts("starts").value_or(std::vector<int64_t>{});
    ends = attrs.getInts("ends").value_or(std::vector<int64_t>{});
    axes = attrs.getInts("axes").value_or(std::vector<int64_t>{});
  } else {
    const char *names[] = {"the starts", "the ends", "the axes", "the steps"};
    std::vector<int64_t> *targets[] = {&starts, &ends, &axes, &steps};
    for (int i = 1; i <= 4; ++i) {
      if (i > 2 && !hasInput(node, i))
        continue;
      FailureOr<const HostTensor *> t = requireConstant(node, i, names[i - 1]);
      if (failed(t))
        return failure();
      *targets[i - 1] = asInts(**t);
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return nodeError(node) << "starts, ends, axes and steps differ in length";

  std::vector<int64_t> begin(rank, 0), step(rank, 1), count(d.shape);
  for (size_t i = 0; i < starts.size(); ++i) {
    int64_t axis = normalizeAxis(axes[i], rank);
    if (axis < 0)
      return nodeError(node) << "axis " << axes[i] << " is out of range";
    int64_t dim = d.shape[axis], s = steps[i];
    if (s == 0)
      return nodeError(node) << "a step is 0";
    int64_t b = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t e = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (s > 0) {
      b = std::clamp<int64_t>(b, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      count[axis] = std::max<int64_t>(0, (e - b + s - 1) / s);
    } else {
      b = std::clamp<int64_t>(b, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      count[axis] = std::max<int64_t>(0, (b - e - s - 1) / -s);
    }
    begin[axis] = b;
    step[axis] = s;
  }
  std::vector<int64_t> strides = d.strides(), offsets, index(rank, 0);
  int64_t total = checkedNumElements(count);
  for (int64_t i = 0; i < total; ++i) {
    int64_t offset = 0;
    for (int64_t a = 0; a < rank; ++a)
      offset += (begin[a] + index[a] * step[a]) * strides[a];
    offsets.push_back(offset);
    for (int64_t a = rank - 1; a >= 0; --a) {
      if (++index[a] < count[a])
        break;
      index[a] = 0;
    }
  }
  setConstant(node, 0, gatherElements(d, count, offsets));
  return success();
}

LogicalResult GraphImporter::convertCast(const onnx::NodeProto &node,
                                         int64_t version) {
  NodeAttributes attrs(node);
  bool toFloat;
  if (version < 6) {
    std::string to = attrs.getString("to", "");
    toFloat = to == "FLOAT" || to == "DOUBLE";
  } else {
    int64_t to = attrs.getInt("to", 0);
    toFloat = to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE;
  }
  if (const HostTensor *c = constantInput(node, 0)) {
    HostTensor t;
    t.shape = c->shape;
    if (toFloat) {
      if (c->isFloat())
        t.f32 = c->f32;
      else
        for (int64_t v : c->ints)
          t.f32.push_back(static_cast<float>(v));
    } else {
      t.type = ElementType::I64;
      t.ints = asInts(*c);
    }
    setConstant(node, 0, std::move(t));
    return success();
  }
  if (!toFloat)
    return nodeError(node) << "casting a computed tensor to an integer type "
                              "is not supported";
  return convertIdentity(node, version);
}

} // namespace

//===----------------------------------------------------------------------===//
// Public entry points
//===----------------------------------------------------------------------===//

bool isOnnxModel(StringRef filename, StringRef contents) {
  StringRef ext = llvm::sys::path::extension(filename);
  if (ext == ".onnx")
    return true;
  if (ext == ".mlir" || ext == ".mlirbc")
    return false;
  // A serialized ModelProto starts with field 1 (ir_version, varint: 0x08)
  // or, rarely, another small field; MLIR bytecode starts with "ML\xefR".
  if (contents.starts_with("ML\xef\x52"))
    return false;
  return !contents.empty() && contents.front() == 0x08;
}

OwningOpRef<ModuleOp> importOnnxModel(StringRef contents, StringRef sourceName,
                                      MLIRContext *context,
                                      const OnnxImportOptions &options) {
  context->loadDialect<LcpDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(context, sourceName, 0, 0);
  if (contents.empty()) {
    emitError(fileLoc) << "is empty, not an ONNX model";
    return nullptr;
  }
  if (contents.size() > static_cast<size_t>(INT32_MAX)) {
    emitError(fileLoc) << "is larger than 2 GiB, the limit of a protobuf "
                          "ONNX file; models that large need external data, "
                          "which lcp does not support yet";
    return nullptr;
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(contents.data(),
                            static_cast<int>(contents.size()))) {
    emitError(fileLoc) << "is not a valid ONNX model: protobuf parsing "
                          "failed (the file is truncated, corrupt or of "
                          "another format)";
    return nullptr;
  }
  if (model.ir_version() <= 0 || !model.has_graph()) {
    emitError(fileLoc) << "is not a valid ONNX model: it has no "
                       << (model.has_graph() ? "IR version" : "graph");
    return nullptr;
  }
  GraphImporter importer(context, sourceName, options);
  return importer.importModel(model);
}

std::unique_ptr<llvm::MemoryBuffer>
importOnnxToBytecode(const llvm::MemoryBuffer &input, StringRef sourceName,
                     const DialectRegistry &registry,
                     const OnnxImportOptions &options) {
  MLIRContext context(registry);
  DiagnosticPrinter printer(&context);
  OwningOpRef<ModuleOp> module =
      importOnnxModel(input.getBuffer(), sourceName, &context, options);
  if (!module)
    return nullptr;
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  if (failed(writeBytecodeToFile(*module, os))) {
    llvm::errs() << sourceName << ": error: cannot write bytecode\n";
    return nullptr;
  }
  return llvm::MemoryBuffer::getMemBufferCopy(bytes, sourceName);
}

bool parseTensorProto(StringRef bytes, HostTensor &tensor, std::string &error,
                      std::string *name) {
  onnx::TensorProto proto;
  if (!proto.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    error = "not a serialized TensorProto";
    return false;
  }
  if (name)
    *name = proto.name();
  return convertTensor(proto, tensor, error);
}

std::vector<std::string> supportedOnnxOps() {
  std::vector<std::string> names;
  for (const OpSupport &op : GraphImporter::opTable())
    names.push_back(op.opType);
  return names;
}

} // namespace lcp
