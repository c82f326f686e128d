//===- ConvertLayers.cpp - ONNX layers: weights, normalization ------------===//
//
// Conv, Gemm and MatMul become lcp.conv and lcp.dense (weights transposed
// and scaled where ONNX asks for it); BatchNormalization, LRN and Softmax
// map one to one.
//
//===----------------------------------------------------------------------===//

#include "dialect/LcpOps.h"
#include "dialect/ShapeInference.h"
#include "import/GraphImporter.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;

namespace lcp::onnx_import {

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
  float epsilon = attrs.getFloat("epsilon", 1e-5f);
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
  setOutput(
      node, 0,
      create<BatchNormOp>(
          node, *out, operands,
          {builder.getNamedAttr("epsilon", builder.getF32FloatAttr(epsilon))}));
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
  // The op's verifier refuses a size that is not positive.
  if (!attrs.has("size"))
    return nodeError(node) << "needs the attribute 'size'";
  setOutput(
      node, 0,
      create<LRNOp>(
          node, s, *x,
          {builder.getNamedAttr(
               "size", builder.getI64IntegerAttr(attrs.getInt("size", 0))),
           builder.getNamedAttr("alpha", builder.getF32FloatAttr(
                                             attrs.getFloat("alpha", 1e-4f))),
           builder.getNamedAttr(
               "beta", builder.getF32FloatAttr(attrs.getFloat("beta", 0.75f))),
           builder.getNamedAttr("bias", builder.getF32FloatAttr(
                                            attrs.getFloat("bias", 1.0f)))}));
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

} // namespace lcp::onnx_import
