//===- OnnxImporter.cpp - ONNX models to lcp IR ---------------------------===//
//
// The entry points, the table of supported ops and the walk over the
// graph: inputs, a topological order of the nodes, and one converter call
// per node (GraphImporter.h says what a conversion shares).
//
//===----------------------------------------------------------------------===//

#include "import/OnnxImporter.h"
#include "dialect/LcpOps.h"
#include "dialect/ResourceNames.h"
#include "dialect/ShapeInference.h"
#include "import/GraphImporter.h"
#include "import/ModelLoader.h"

#include "mlir/Bytecode/BytecodeWriter.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

using namespace mlir;

namespace lcp::onnx_import {
namespace {

/// The newest default-domain opset whose operator versions lcp knows.
constexpr int64_t kNewestOpset = 17;
/// Constants up to this many elements are printed inline (`dense<...>`),
/// larger ones become `dense_resource` blobs.
constexpr int64_t kInlineConstantLimit = 16;

} // namespace

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
  if (failed(checkModelMemory(*module, options.maxModelBytes)))
    return nullptr;
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
  NewOps created;
  builder.setListener(&created);
  LogicalResult converted = (this->*entry->convert)(node, version);
  builder.setListener(nullptr);
  if (failed(converted) || failed(verifyNodeOps(node, created.ops)))
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

LogicalResult GraphImporter::verifyNodeOps(const onnx::NodeProto &node,
                                           ArrayRef<Operation *> ops) {
  // The verifiers hold the rules on attribute values (a NaN Clip bound, a
  // negative epsilon), so the converters need not repeat them; what they
  // refuse is reported here as an error of the node, not later as IR that
  // does not verify.
  std::string message;
  Operation *failing = nullptr;
  {
    ScopedDiagnosticHandler capture(context, [&](Diagnostic &diag) {
      if (message.empty())
        message = diag.str();
      return success();
    });
    auto it =
        llvm::find_if(ops, [](Operation *op) { return failed(verify(op)); });
    if (it == ops.end())
      return success();
    failing = *it;
  }
  // "'lcp.clip' op 'max' must be ...": the node names the op already.
  StringRef text(message);
  text.consume_front("'" + failing->getName().getStringRef().str() + "' op ");
  return nodeError(node) << text;
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

} // namespace lcp::onnx_import

namespace lcp {

using onnx_import::convertTensor;
using onnx_import::GraphImporter;
using onnx_import::OpSupport;

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
