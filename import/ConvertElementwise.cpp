//===- ConvertElementwise.cpp - ONNX element-wise ops ---------------------===//
//
// Add and Mul (with ONNX broadcasting, folded when both sides are
// constants), Relu and Clip; Dropout and Identity in inference mode pass
// their input through.
//
//===----------------------------------------------------------------------===//

#include "dialect/LcpOps.h"
#include "dialect/ShapeInference.h"
#include "import/GraphImporter.h"

using namespace mlir;

namespace lcp::onnx_import {

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
      else // int64 arithmetic wraps, as in NumPy and ONNX Runtime
        folded.ints.push_back(static_cast<int64_t>(
            isAdd ? uint64_t(ca->ints[ai]) + uint64_t(cb->ints[bi])
                  : uint64_t(ca->ints[ai]) * uint64_t(cb->ints[bi])));
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
  setOutput(node, 0,
            create<ClipOp>(node, cast<ShapedType>(x->getType()).getShape(), *x,
                           named));
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

} // namespace lcp::onnx_import
