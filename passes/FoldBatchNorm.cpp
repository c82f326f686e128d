//===- FoldBatchNorm.cpp - Batch norm into weights, or scale and shift ----===//
//
// Inference-mode batch norm is an affine map per channel,
//   y = s[c] * x + t[c],  s = scale / sqrt(var + eps),  t = bias - mean * s,
// so after a convolution or a dense layer that only it reads, it folds into
// that layer's weights (row c of the weight times s[c]) and bias
// (s[c] * b[c] + t[c]). Elsewhere it becomes lcp.mul and lcp.add with
// constants, so that later passes (quantization) meet no batch norm.
//
//===----------------------------------------------------------------------===//

#include "passes/Constants.h"
#include "passes/Passes.h"

#include "dialect/LcpOps.h"

#include "mlir/IR/Builders.h"

#include <cmath>

namespace lcp {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "passes/Passes.h.inc"
} // namespace lcp

using namespace mlir;
using namespace lcp;

namespace {

/// The value of `v` if it is a constant (f32), else nothing.
std::optional<HostTensor> constantValue(Value v) {
  auto constant = dyn_cast_or_null<ConstantOp>(v ? v.getDefiningOp() : nullptr);
  SmallVector<HostTensor> values;
  if (!constant || failed(constant.evaluate({}, values)) ||
      !values.front().isFloat())
    return std::nullopt;
  return std::move(values.front());
}

/// A constant next to `like` (a constant, for its resource name).
Value newConstant(OpBuilder &builder, Value like, const HostTensor &value,
                  StringRef suffix) {
  auto constant = cast<ConstantOp>(like.getDefiningOp());
  return createConstant(builder, constant.getLoc(), value,
                        constantName(constant, "weight") + "." + suffix.str());
}

struct FoldBatchNormPass : lcp::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override;
};

void FoldBatchNormPass::runOnOperation() {
  SmallVector<BatchNormOp> norms;
  getOperation()->walk([&](BatchNormOp op) { norms.push_back(op); });
  int64_t intoLayers = 0, intoAffine = 0;
  for (BatchNormOp bn : norms) {
    std::optional<HostTensor> scale = constantValue(bn.getScale()),
                              shift = constantValue(bn.getBias()),
                              mean = constantValue(bn.getMean()),
                              var = constantValue(bn.getVariance());
    if (!scale || !shift || !mean || !var) {
      bn.emitRemark() << "not folded: its parameters are not constants";
      continue;
    }
    int64_t channels = scale->numElements();
    double epsilon = bn.getEpsilon().convertToFloat();
    // In double, then rounded once: the folded model stays within 1e-5 of
    // the original.
    std::vector<double> s(channels), t(channels);
    for (int64_t c = 0; c < channels; ++c) {
      s[c] = scale->f32[c] / std::sqrt(double(var->f32[c]) + epsilon);
      t[c] = shift->f32[c] - mean->f32[c] * s[c];
    }
    OpBuilder builder(bn);
    Operation *layer = bn.getInput().getDefiningOp();
    bool foldable =
        layer && layer->hasTrait<OpFamily::Layer>() &&
        bn.getInput().hasOneUse() && constantValue(layer->getOperand(1)) &&
        (layer->getNumOperands() < 3 || constantValue(layer->getOperand(2)));
    if (foldable) {
      // Weights are [out, ...] for both: row c scales by s[c].
      HostTensor weight = *constantValue(layer->getOperand(1));
      int64_t row = weight.numElements() / channels;
      for (int64_t i = 0; i < weight.numElements(); ++i)
        weight.f32[i] = float(weight.f32[i] * s[i / row]);
      HostTensor bias({channels});
      std::optional<HostTensor> old = layer->getNumOperands() > 2
                                          ? constantValue(layer->getOperand(2))
                                          : std::nullopt;
      for (int64_t c = 0; c < channels; ++c)
        bias.f32[c] = float((old ? old->f32[c] : 0.0) * s[c] + t[c]);
      builder.setInsertionPoint(layer);
      Value newWeight =
          newConstant(builder, layer->getOperand(1), weight, "folded");
      Value newBias = newConstant(builder, bn.getScale(), bias, "folded_bias");
      OperationState state(layer->getLoc(), layer->getName());
      state.addOperands({layer->getOperand(0), newWeight, newBias});
      state.addTypes(layer->getResultTypes());
      state.addAttributes(layer->getAttrs());
      Operation *folded = builder.create(state);
      bn.replaceAllUsesWith(folded->getResult(0));
      bn.erase();
      layer->erase();
      ++intoLayers;
    } else {
      // y = x * s + t, with s and t shaped to broadcast along dimension 1.
      SmallVector<int64_t> shape(cast<ShapedType>(bn.getType()).getRank(), 1);
      shape[1] = channels;
      HostTensor sTensor(std::vector<int64_t>(shape.begin(), shape.end()));
      HostTensor tTensor(sTensor.shape);
      for (int64_t c = 0; c < channels; ++c) {
        sTensor.f32[c] = float(s[c]);
        tTensor.f32[c] = float(t[c]);
      }
      Value sValue = newConstant(builder, bn.getScale(), sTensor, "scale");
      Value tValue = newConstant(builder, bn.getBias(), tTensor, "shift");
      Value scaled = builder.create<MulOp>(bn.getLoc(), bn.getType(),
                                           bn.getInput(), sValue);
      Value shifted =
          builder.create<AddOp>(bn.getLoc(), bn.getType(), scaled, tValue);
      bn.replaceAllUsesWith(shifted);
      bn.erase();
      ++intoAffine;
    }
  }
  // Constants that only the folded ops used.
  getOperation()->walk([](Block *block) { eraseUnusedConstants(*block); });
  if (!norms.empty())
    emitRemark(getOperation().getLoc())
        << "folded " << intoLayers
        << " batch_norm op(s) into the preceding convolution or dense layer, "
        << intoAffine << " into a scale and shift";
}

} // namespace
