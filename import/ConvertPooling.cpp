//===- ConvertPooling.cpp - ONNX pooling and padding ----------------------===//
//
// MaxPool, AveragePool and GlobalAveragePool. A Pad node is deferred and
// folded into the Conv or pool that consumes it.
//
//===----------------------------------------------------------------------===//

#include "dialect/LcpOps.h"
#include "dialect/ShapeInference.h"
#include "import/GraphImporter.h"

#include <limits>

using namespace mlir;

namespace lcp::onnx_import {

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

} // namespace lcp::onnx_import
