//===- GraphImporter.h - The state an ONNX import shares --------*- C++ -*-===//
//
// The importer walks the graph in topological order and keeps, for every
// ONNX value name, what it has become: an SSA value of `main`, a constant
// known at import time (weights, and the results of folded shape
// arithmetic), or a Pad that waits to be folded into the Conv or pool that
// consumes it. Constants turn into `lcp.constant` ops only where a compute
// op needs them as tensors.
//
// Private to import/: the converters of each op family include it.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_IMPORT_GRAPHIMPORTER_H
#define LCP_IMPORT_GRAPHIMPORTER_H

#include "dialect/LcpOps.h"
#include "import/OnnxImporter.h"
#include "import/OnnxTensors.h"
#include "import/onnx.pb.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/STLExtras.h"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lcp::onnx_import {

using mlir::ArrayRef;
using mlir::cast;
using mlir::FailureOr;
using mlir::FileLineColLoc;
using mlir::InFlightDiagnostic;
using mlir::Location;
using mlir::LogicalResult;
using mlir::MLIRContext;
using mlir::ModuleOp;
using mlir::NamedAttribute;
using mlir::NameLoc;
using mlir::OpBuilder;
using mlir::Operation;
using mlir::OwningOpRef;
using mlir::RankedTensorType;
using mlir::ShapedType;
using mlir::SmallVector;
using mlir::SmallVectorImpl;
using mlir::StringRef;
using mlir::Type;
using mlir::TypeRange;
using mlir::Value;
using mlir::ValueRange;

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

/// The state of one import, which every converter shares: the value each
/// ONNX name stands for, the builder, and the helpers that read operands
/// and report errors. The import itself is in OnnxImporter.cpp; the
/// converters, one member per ONNX op type, are in Convert<Family>.cpp.
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
  LogicalResult verifyNodeOps(const onnx::NodeProto &node,
                              ArrayRef<Operation *> ops);

  /// Records the ops a converter creates, for verifyNodeOps.
  struct NewOps : OpBuilder::Listener {
    void notifyOperationInserted(Operation *op,
                                 OpBuilder::InsertPoint) override {
      ops.push_back(op);
    }
    SmallVector<Operation *> ops;
  };

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

  // Converters, one per ONNX op type, registered in opTable():
  // ConvertLayers.cpp, ConvertElementwise.cpp, ConvertPooling.cpp and
  // ConvertShapes.cpp.
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

} // namespace lcp::onnx_import

#endif // LCP_IMPORT_GRAPHIMPORTER_H
