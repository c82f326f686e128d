//===- ReferenceOps.cpp - Reference semantics of lcp compute ops ----------===//
//
// Straightforward loops that define what each op computes on host tensors.
// They favour clarity over speed: they are the oracle every backend is
// checked against.
//
//===----------------------------------------------------------------------===//

#include "dialect/IntegerParams.h"
#include "dialect/LcpOps.h"
#include "dialect/ShapeInference.h"
#include "support/IntegerSemantics.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace lcp;

namespace {

std::vector<int64_t> resultShape(Operation *op, unsigned index = 0) {
  ArrayRef<int64_t> shape =
      cast<ShapedType>(op->getResult(index).getType()).getShape();
  return std::vector<int64_t>(shape.begin(), shape.end());
}

/// The per-tensor quant type of a value's elements (verified by its op).
quant::UniformQuantizedType quantOf(Value v) {
  return cast<quant::UniformQuantizedType>(
      cast<ShapedType>(v.getType()).getElementType());
}

/// An integer tensor holding values of `type`'s storage.
HostTensor integerTensor(std::vector<int64_t> shape,
                         quant::UniformQuantizedType type) {
  HostTensor t;
  t.shape = std::move(shape);
  t.type = *elementTypeOf(RankedTensorType::get(t.shape, type));
  t.ints.assign(t.numElements(), 0);
  return t;
}

/// The f32 operands this file knows how to evaluate; integer modes are
/// added with quantization.
LogicalResult requireFloat(Operation *op, ArrayRef<const HostTensor *> ins) {
  for (const HostTensor *t : ins)
    if (!t->isFloat())
      return op->emitOpError()
             << "reference evaluation of " << toString(t->type)
             << " operands is not supported";
  return success();
}

/// Strides of `shape` aligned to the trailing dimensions of `rank`, with 0
/// for broadcast (size-1 or missing) dimensions.
std::vector<int64_t> broadcastStrides(const std::vector<int64_t> &shape,
                                      size_t rank) {
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    size_t dim = shape.size() - 1 - i;
    size_t out = rank - 1 - i;
    strides[out] = shape[dim] == 1 ? 0 : stride;
    stride *= shape[dim];
  }
  return strides;
}

/// Calls `fn(outIndex, lhsOffset, rhsOffset)` for every element of the
/// broadcast result shape `out`.
template <typename Fn>
void forEachBroadcast(const std::vector<int64_t> &out,
                      const std::vector<int64_t> &lhs,
                      const std::vector<int64_t> &rhs, Fn fn) {
  size_t rank = out.size();
  std::vector<int64_t> ls = broadcastStrides(lhs, rank);
  std::vector<int64_t> rs = broadcastStrides(rhs, rank);
  std::vector<int64_t> index(rank, 0);
  int64_t total = 1;
  for (int64_t d : out)
    total *= d;
  int64_t lo = 0, ro = 0;
  for (int64_t i = 0; i < total; ++i) {
    fn(i, lo, ro);
    // Odometer increment, keeping the operand offsets in step.
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out[d]) {
        lo += ls[d];
        ro += rs[d];
        break;
      }
      lo -= ls[d] * (out[d] - 1);
      ro -= rs[d] * (out[d] - 1);
      index[d] = 0;
    }
  }
}

template <typename Fn>
LogicalResult evaluateBinary(Operation *op, ArrayRef<const HostTensor *> ins,
                             SmallVectorImpl<HostTensor> &results, Fn fn) {
  if (failed(requireFloat(op, ins)))
    return failure();
  HostTensor out(resultShape(op));
  const float *a = ins[0]->f32.data();
  const float *b = ins[1]->f32.data();
  forEachBroadcast(
      out.shape, ins[0]->shape, ins[1]->shape,
      [&](int64_t i, int64_t l, int64_t r) { out.f32[i] = fn(a[l], b[r]); });
  results.push_back(std::move(out));
  return success();
}

template <typename Fn>
LogicalResult evaluateUnary(Operation *op, ArrayRef<const HostTensor *> ins,
                            SmallVectorImpl<HostTensor> &results, Fn fn) {
  if (failed(requireFloat(op, ins)))
    return failure();
  HostTensor out(resultShape(op));
  for (size_t i = 0; i < out.f32.size(); ++i)
    out.f32[i] = fn(ins[0]->f32[i]);
  results.push_back(std::move(out));
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//

namespace {

/// A quantized constant: a dense_resource blob of its storage integers
/// (i8, i16 or i32, little-endian, as many as the shape holds).
LogicalResult evaluateQuantizedConstant(ConstantOp op, quant::QuantizedType q,
                                        SmallVectorImpl<HostTensor> &results) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(op.getValue());
  AsmResourceBlob *blob =
      resource ? resource.getRawHandle().getBlob() : nullptr;
  if (!blob)
    return op.emitOpError() << "a quantized constant needs a dense_resource "
                               "blob of its storage integers";
  HostTensor out;
  out.shape = resultShape(op);
  unsigned width = q.getStorageTypeIntegralWidth();
  std::optional<ElementType> type = elementTypeOf(op.getOutput().getType());
  if (!type)
    return op.emitOpError() << "quantized constants of " << width
                            << "-bit storage are not supported";
  out.type = *type;
  ArrayRef<char> data = blob->getData();
  int64_t count = out.numElements(), bytes = width / 8;
  if (static_cast<int64_t>(data.size()) != count * bytes)
    return op.emitOpError() << "resource blob has " << data.size()
                            << " bytes, the constant needs " << count * bytes;
  out.ints.resize(count);
  for (int64_t i = 0; i < count; ++i) {
    const char *p = data.data() + i * bytes;
    if (bytes == 1)
      out.ints[i] = static_cast<int8_t>(p[0]);
    else if (bytes == 2)
      out.ints[i] = static_cast<int16_t>(uint16_t(uint8_t(p[0])) |
                                         uint16_t(uint8_t(p[1])) << 8);
    else
      out.ints[i] = static_cast<int32_t>(
          uint32_t(uint8_t(p[0])) | uint32_t(uint8_t(p[1])) << 8 |
          uint32_t(uint8_t(p[2])) << 16 | uint32_t(uint8_t(p[3])) << 24);
  }
  results.push_back(std::move(out));
  return success();
}

} // namespace

LogicalResult ConstantOp::evaluate(ArrayRef<const HostTensor *>,
                                   SmallVectorImpl<HostTensor> &results) {
  if (auto q = dyn_cast<quant::QuantizedType>(
          cast<ShapedType>(getType()).getElementType()))
    return evaluateQuantizedConstant(*this, q, results);
  HostTensor out(resultShape(*this));
  if (auto dense = dyn_cast<DenseElementsAttr>(getValue())) {
    auto values = dense.getValues<float>();
    std::copy(values.begin(), values.end(), out.f32.begin());
  } else {
    auto resource = cast<DenseResourceElementsAttr>(getValue());
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return emitOpError() << "the data of resource '"
                           << resource.getRawHandle().getKey()
                           << "' is missing (was the IR printed with elided "
                              "resources?)";
    ArrayRef<char> data = blob->getData();
    if (data.size() != out.f32.size() * sizeof(float))
      return emitOpError() << "resource blob has the wrong size";
    std::memcpy(out.f32.data(), data.data(), data.size());
  }
  results.push_back(std::move(out));
  return success();
}

namespace {

/// Visits every output element of a convolution: `begin(out, oc)`, then
/// `tap(inIndex, weightIndex)` for each tap inside the input (padding
/// contributes nothing, in float and in the integer contract alike), then
/// `end(out)`.
template <typename Begin, typename Tap, typename End>
void forEachConvTap(Conv2DOp op, ArrayRef<int64_t> x, ArrayRef<int64_t> w,
                    ArrayRef<int64_t> out, Begin begin, Tap tap, End end) {
  int64_t n = x[0], c = x[1], h = x[2], wd = x[3];
  int64_t o = w[0], cg = w[1], kh = w[2], kw = w[3];
  int64_t oh = out[2], ow = out[3];
  int64_t groups = op.getGroups(), og = o / groups;
  int64_t sh = op.getStrides()[0], sw = op.getStrides()[1];
  int64_t pt = op.getPads()[0], pl = op.getPads()[1];
  int64_t dh = op.getDilations()[0], dw = op.getDilations()[1];
  for (int64_t b = 0; b < n; ++b)
    for (int64_t oc = 0; oc < o; ++oc) {
      int64_t g = oc / og;
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo) {
          int64_t index = ((b * o + oc) * oh + y) * ow + xo;
          begin(index, oc);
          for (int64_t ic = 0; ic < cg; ++ic) {
            int64_t src = ((b * c + g * cg + ic) * h) * wd;
            int64_t wk = ((oc * cg + ic) * kh) * kw;
            for (int64_t i = 0; i < kh; ++i) {
              int64_t iy = y * sh + i * dh - pt;
              if (iy < 0 || iy >= h)
                continue;
              for (int64_t j = 0; j < kw; ++j) {
                int64_t ix = xo * sw + j * dw - pl;
                if (ix < 0 || ix >= wd)
                  continue;
                tap(src + iy * wd + ix, wk + i * kw + j);
              }
            }
          }
          end(index);
        }
    }
}

} // namespace

LogicalResult Conv2DOp::evaluate(ArrayRef<const HostTensor *> ins,
                                 SmallVectorImpl<HostTensor> &results) {
  const HostTensor &x = *ins[0], &w = *ins[1];
  const HostTensor *bias = getBias() ? ins[2] : nullptr;
  if (!x.isFloat()) {
    // acc = bias + sum((x - zp_in) * w), then requantized (int8) or
    // shifted (fixed16).
    FailureOr<LayerRequantizer> r = getLayerRequantizer(
        *this, getInput(), getWeight(), getOutput(), w.shape[0]);
    if (failed(r))
      return failure();
    HostTensor out = integerTensor(resultShape(*this), quantOf(getOutput()));
    int64_t acc = 0, channel = 0;
    bool overflow = false;
    forEachConvTap(
        *this, x.shape, w.shape, out.shape,
        [&](int64_t, int64_t oc) {
          channel = oc;
          acc = bias ? bias->ints[oc] : 0;
        },
        [&](int64_t xi, int64_t wi) {
          acc += (x.ints[xi] - r->inputZeroPoint) * w.ints[wi];
        },
        [&](int64_t index) {
          FailureOr<int64_t> y = r->finish(*this, acc, channel);
          overflow |= failed(y);
          out.ints[index] = succeeded(y) ? *y : 0;
        });
    if (overflow)
      return failure();
    results.push_back(std::move(out));
    return success();
  }
  if (failed(requireFloat(*this, ins)))
    return failure();
  HostTensor out(resultShape(*this));
  float acc = 0.0f;
  forEachConvTap(
      *this, x.shape, w.shape, out.shape,
      [&](int64_t, int64_t oc) { acc = bias ? bias->f32[oc] : 0.0f; },
      [&](int64_t xi, int64_t wi) { acc += x.f32[xi] * w.f32[wi]; },
      [&](int64_t index) { out.f32[index] = acc; });
  results.push_back(std::move(out));
  return success();
}

LogicalResult DenseOp::evaluate(ArrayRef<const HostTensor *> ins,
                                SmallVectorImpl<HostTensor> &results) {
  const HostTensor &x = *ins[0], &w = *ins[1];
  const HostTensor *bias = getBias() ? ins[2] : nullptr;
  if (!x.isFloat()) {
    // As a convolution: bias + sum((x - zp_in) * w), then finished.
    FailureOr<LayerRequantizer> r = getLayerRequantizer(
        *this, getInput(), getWeight(), getOutput(), w.shape[0]);
    if (failed(r))
      return failure();
    HostTensor out = integerTensor(resultShape(*this), quantOf(getOutput()));
    int64_t m = x.shape[0], k = x.shape[1], n = w.shape[0];
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int64_t acc = bias ? bias->ints[j] : 0;
        for (int64_t l = 0; l < k; ++l)
          acc += (x.ints[i * k + l] - r->inputZeroPoint) * w.ints[j * k + l];
        FailureOr<int64_t> y = r->finish(*this, acc, j);
        if (failed(y))
          return failure();
        out.ints[i * n + j] = *y;
      }
    results.push_back(std::move(out));
    return success();
  }
  if (failed(requireFloat(*this, ins)))
    return failure();
  HostTensor out(resultShape(*this));
  int64_t m = x.shape[0], k = x.shape[1], n = w.shape[0];
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      float acc = bias ? bias->f32[j] : 0.0f;
      for (int64_t l = 0; l < k; ++l)
        acc += x.f32[i * k + l] * w.f32[j * k + l];
      out.f32[i * n + j] = acc;
    }
  results.push_back(std::move(out));
  return success();
}

LogicalResult MatMulOp::evaluate(ArrayRef<const HostTensor *> ins,
                                 SmallVectorImpl<HostTensor> &results) {
  if (failed(requireFloat(*this, ins)))
    return failure();
  const HostTensor &a = *ins[0], &b = *ins[1];
  HostTensor out(resultShape(*this));
  int64_t m = a.shape[a.rank() - 2], k = a.shape[a.rank() - 1];
  int64_t n = b.shape[b.rank() - 1];
  // Broadcast over the batch dimensions, one matrix at a time.
  std::vector<int64_t> batch(out.shape.begin(), out.shape.end() - 2);
  std::vector<int64_t> aBatch(a.shape.begin(), a.shape.end() - 2);
  std::vector<int64_t> bBatch(b.shape.begin(), b.shape.end() - 2);
  forEachBroadcast(batch, aBatch, bBatch,
                   [&](int64_t i, int64_t ai, int64_t bi) {
                     const float *pa = &a.f32[ai * m * k];
                     const float *pb = &b.f32[bi * k * n];
                     float *po = &out.f32[i * m * n];
                     for (int64_t r = 0; r < m; ++r)
                       for (int64_t col = 0; col < n; ++col) {
                         float acc = 0.0f;
                         for (int64_t l = 0; l < k; ++l)
                           acc += pa[r * k + l] * pb[l * n + col];
                         po[r * n + col] = acc;
                       }
                   });
  results.push_back(std::move(out));
  return success();
}

// Transpose and slice only move elements, of any type: an integer result
// has its input's quant type (SharesQuantType).
LogicalResult TransposeOp::evaluate(ArrayRef<const HostTensor *> ins,
                                    SmallVectorImpl<HostTensor> &results) {
  ArrayRef<int64_t> perm = getPerm();
  HostTensor out =
      transpose(*ins[0], std::vector<int64_t>(perm.begin(), perm.end()));
  results.push_back(std::move(out));
  return success();
}

LogicalResult SliceOp::evaluate(ArrayRef<const HostTensor *> ins,
                                SmallVectorImpl<HostTensor> &results) {
  const HostTensor &x = *ins[0];
  HostTensor out;
  out.shape = resultShape(*this);
  out.type = x.type;
  if (x.isFloat())
    out.f32.assign(static_cast<size_t>(out.numElements()), 0.0f);
  else
    out.ints.assign(static_cast<size_t>(out.numElements()), 0);
  std::vector<int64_t> inStrides = x.strides();
  ArrayRef<int64_t> offsets = getOffsets();
  size_t rank = out.shape.size();
  std::vector<int64_t> index(rank, 0);
  for (int64_t i = 0; i < out.numElements(); ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < rank; ++d)
      offset += (index[d] + offsets[d]) * inStrides[d];
    if (x.isFloat())
      out.f32[i] = x.f32[offset];
    else
      out.ints[i] = x.ints[offset];
    for (size_t d = rank; d-- > 0;) {
      if (++index[d] < out.shape[d])
        break;
      index[d] = 0;
    }
  }
  results.push_back(std::move(out));
  return success();
}

LogicalResult QuantizeOp::evaluate(ArrayRef<const HostTensor *> ins,
                                   SmallVectorImpl<HostTensor> &results) {
  if (failed(requireFloat(*this, ins)))
    return failure();
  quant::UniformQuantizedType type = quantOf(getOutput());
  HostTensor out = integerTensor(resultShape(*this), type);
  // The compiler writes 1 / scale as an f32 constant.
  float invScale = static_cast<float>(1.0 / type.getScale());
  for (int64_t i = 0; i < out.numElements(); ++i)
    out.ints[i] = integer::quantizeInput(
        ins[0]->f32[i], invScale, type.getZeroPoint(), type.getStorageTypeMin(),
        type.getStorageTypeMax());
  results.push_back(std::move(out));
  return success();
}

LogicalResult DequantizeOp::evaluate(ArrayRef<const HostTensor *> ins,
                                     SmallVectorImpl<HostTensor> &results) {
  quant::UniformQuantizedType type = quantOf(getInput());
  HostTensor out(resultShape(*this));
  float scale = static_cast<float>(type.getScale());
  for (int64_t i = 0; i < out.numElements(); ++i)
    out.f32[i] = integer::dequantize(static_cast<int32_t>(ins[0]->ints[i]),
                                     scale, type.getZeroPoint());
  results.push_back(std::move(out));
  return success();
}

LogicalResult RequantizeOp::evaluate(ArrayRef<const HostTensor *> ins,
                                     SmallVectorImpl<HostTensor> &results) {
  quant::UniformQuantizedType in = quantOf(getInput()),
                              to = quantOf(getOutput());
  integer::Multiplier m;
  // The verifier checked that the ratio is representable.
  (void)integer::quantizeMultiplier(in.getScale() / to.getScale(), m);
  HostTensor out = integerTensor(resultShape(*this), to);
  for (int64_t i = 0; i < out.numElements(); ++i)
    out.ints[i] = integer::requantize(
        static_cast<int32_t>(ins[0]->ints[i] - in.getZeroPoint()), m,
        to.getZeroPoint(), to.getStorageTypeMin(), to.getStorageTypeMax());
  results.push_back(std::move(out));
  return success();
}

LogicalResult AddOp::evaluate(ArrayRef<const HostTensor *> ins,
                              SmallVectorImpl<HostTensor> &results) {
  if (!ins[0]->isFloat() || !ins[1]->isFloat()) {
    // A residual add: y = clamp(zp_out + rescale_a(a - zp_a) +
    // rescale_b(b - zp_b)), each operand brought to the output's scale on
    // its own (M = scale_operand / scale_out), without zero point or clamp.
    if (ins[0]->isFloat() || ins[1]->isFloat())
      return emitOpError() << "integer evaluation needs both operands "
                              "quantized";
    quant::UniformQuantizedType a = quantOf(getLhs()), b = quantOf(getRhs()),
                                out = quantOf(getOutput());
    FailureOr<integer::Multiplier> ma =
        rescaleMultiplier(*this, a.getScale(), out.getScale(), "an operand");
    FailureOr<integer::Multiplier> mb =
        rescaleMultiplier(*this, b.getScale(), out.getScale(), "an operand");
    if (failed(ma) || failed(mb))
      return failure();
    HostTensor result = integerTensor(resultShape(*this), out);
    forEachBroadcast(
        result.shape, ins[0]->shape, ins[1]->shape,
        [&](int64_t i, int64_t l, int64_t r) {
          int64_t y = out.getZeroPoint() +
                      integer::rescale(static_cast<int32_t>(ins[0]->ints[l] -
                                                            a.getZeroPoint()),
                                       *ma) +
                      integer::rescale(static_cast<int32_t>(ins[1]->ints[r] -
                                                            b.getZeroPoint()),
                                       *mb);
          result.ints[i] = std::clamp<int64_t>(y, out.getStorageTypeMin(),
                                               out.getStorageTypeMax());
        });
    results.push_back(std::move(result));
    return success();
  }
  return evaluateBinary(*this, ins, results,
                        [](float a, float b) { return a + b; });
}

LogicalResult MulOp::evaluate(ArrayRef<const HostTensor *> ins,
                              SmallVectorImpl<HostTensor> &results) {
  return evaluateBinary(*this, ins, results,
                        [](float a, float b) { return a * b; });
}

LogicalResult ReluOp::evaluate(ArrayRef<const HostTensor *> ins,
                               SmallVectorImpl<HostTensor> &results) {
  if (!ins[0]->isFloat()) {
    // On integers: max(q, zero point), the quantized real zero. Input and
    // result share one quant type.
    if (getInput().getType() != getOutput().getType())
      return emitOpError() << "integer evaluation needs the input's and "
                              "result's quant types to be the same";
    HostTensor out = *ins[0];
    int64_t zeroPoint = quantOf(getOutput()).getZeroPoint();
    for (int64_t &q : out.ints)
      q = std::max(q, zeroPoint);
    results.push_back(std::move(out));
    return success();
  }
  return evaluateUnary(*this, ins, results,
                       [](float v) { return v > 0.0f ? v : 0.0f; });
}

LogicalResult ClipOp::evaluate(ArrayRef<const HostTensor *> ins,
                               SmallVectorImpl<HostTensor> &results) {
  if (!ins[0]->isFloat()) {
    // On integers: clamp to the bounds quantized by the compiler rule
    // (zp + round(bound / scale)), within the storage range; an absent
    // bound is the storage limit. Input and result share one quant type.
    if (getInput().getType() != getOutput().getType())
      return emitOpError() << "integer evaluation needs the input's and "
                              "result's quant types to be the same";
    auto [lo, hi] = clipBounds(quantOf(getOutput()), getMin(), getMax());
    HostTensor out = *ins[0];
    for (int64_t &q : out.ints)
      q = std::min(std::max(q, lo), hi);
    results.push_back(std::move(out));
    return success();
  }
  float lo = getMin() ? getMin()->convertToFloat()
                      : -std::numeric_limits<float>::infinity();
  float hi = getMax() ? getMax()->convertToFloat()
                      : std::numeric_limits<float>::infinity();
  return evaluateUnary(*this, ins, results, [&](float v) {
    if (std::isnan(v))
      return v;
    return std::min(std::max(v, lo), hi);
  });
}

namespace {

/// Shared loop of max and average pooling: calls `reduce(window values)` for
/// each output element with the in-bounds values of its window and the count
/// of positions that lie inside the explicit padding.
template <typename T, typename Reduce>
void pool2D(const std::vector<T> &src, ArrayRef<int64_t> in,
            std::vector<T> &dst, ArrayRef<int64_t> out,
            ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
            ArrayRef<int64_t> pads, ArrayRef<int64_t> dilations,
            Reduce reduce) {
  int64_t planes = in[0] * in[1];
  int64_t h = in[2], w = in[3];
  int64_t oh = out[2], ow = out[3];
  std::vector<T> window;
  for (int64_t p = 0; p < planes; ++p) {
    const T *plane = &src[p * h * w];
    for (int64_t y = 0; y < oh; ++y)
      for (int64_t xo = 0; xo < ow; ++xo) {
        window.clear();
        int64_t padded = 0;
        for (int64_t i = 0; i < kernel[0]; ++i) {
          int64_t iy = y * strides[0] + i * dilations[0] - pads[0];
          bool rowInPads = iy >= -pads[0] && iy < h + pads[2];
          for (int64_t j = 0; j < kernel[1]; ++j) {
            int64_t ix = xo * strides[1] + j * dilations[1] - pads[1];
            if (iy >= 0 && iy < h && ix >= 0 && ix < w)
              window.push_back(plane[iy * w + ix]);
            else if (rowInPads && ix >= -pads[1] && ix < w + pads[3])
              ++padded;
          }
        }
        dst[(p * oh + y) * ow + xo] = reduce(window, padded);
      }
  }
}

} // namespace

namespace {

/// Integer average: sum(x - zp_in) over `count` elements in int32,
/// requantized with M = scale_in / (scale_out * count).
FailureOr<int64_t> integerAverage(Operation *op, quant::UniformQuantizedType in,
                                  quant::UniformQuantizedType out, int64_t sum,
                                  int64_t count) {
  if (count == 0)
    return out.getZeroPoint();
  FailureOr<integer::Multiplier> m = averageMultiplier(op, in, out, count);
  if (failed(m))
    return failure();
  if (sum < INT32_MIN || sum > INT32_MAX)
    return op->emitOpError() << "int32 accumulator overflows (" << sum << ")";
  return integer::requantize(static_cast<int32_t>(sum), *m, out.getZeroPoint(),
                             out.getStorageTypeMin(), out.getStorageTypeMax());
}

} // namespace

LogicalResult MaxPool2DOp::evaluate(ArrayRef<const HostTensor *> ins,
                                    SmallVectorImpl<HostTensor> &results) {
  if (!ins[0]->isFloat()) {
    // Exact on integers; padding is the storage minimum, never chosen over
    // a real value.
    if (getInput().getType().getElementType() !=
        getOutput().getType().getElementType())
      return emitOpError() << "integer evaluation needs the input's and "
                              "result's quant types to be the same";
    quant::UniformQuantizedType type = quantOf(getOutput());
    HostTensor out = integerTensor(resultShape(*this), type);
    int64_t lowest = type.getStorageTypeMin();
    pool2D(ins[0]->ints, ins[0]->shape, out.ints, out.shape, getKernel(),
           getStrides(), getPads(), getDilations(),
           [&](const std::vector<int64_t> &window, int64_t) {
             int64_t best = lowest;
             for (int64_t v : window)
               best = std::max(best, v);
             return best;
           });
    results.push_back(std::move(out));
    return success();
  }
  if (failed(requireFloat(*this, ins)))
    return failure();
  HostTensor out(resultShape(*this));
  pool2D(ins[0]->f32, ins[0]->shape, out.f32, out.shape, getKernel(),
         getStrides(), getPads(), getDilations(),
         [](const std::vector<float> &window, int64_t) {
           float best = -std::numeric_limits<float>::infinity();
           for (float v : window)
             if (v > best || std::isnan(v))
               best = v;
           return best;
         });
  results.push_back(std::move(out));
  return success();
}

LogicalResult AvgPool2DOp::evaluate(ArrayRef<const HostTensor *> ins,
                                    SmallVectorImpl<HostTensor> &results) {
  bool includePad = getCountIncludePad();
  if (!ins[0]->isFloat()) {
    // Counted padding contributes real zeros (x - zp = 0) to the sum.
    quant::UniformQuantizedType in = quantOf(getInput()),
                                to = quantOf(getOutput());
    HostTensor out = integerTensor(resultShape(*this), to);
    bool ok = true;
    pool2D(ins[0]->ints, ins[0]->shape, out.ints, out.shape, getKernel(),
           getStrides(), getPads(), {1, 1},
           [&](const std::vector<int64_t> &window, int64_t padded) {
             int64_t sum = 0;
             for (int64_t v : window)
               sum += v - in.getZeroPoint();
             int64_t count = static_cast<int64_t>(window.size()) +
                             (includePad ? padded : 0);
             FailureOr<int64_t> y = integerAverage(*this, in, to, sum, count);
             ok &= succeeded(y);
             return succeeded(y) ? *y : int64_t(0);
           });
    if (!ok)
      return failure();
    results.push_back(std::move(out));
    return success();
  }
  if (failed(requireFloat(*this, ins)))
    return failure();
  HostTensor out(resultShape(*this));
  pool2D(ins[0]->f32, ins[0]->shape, out.f32, out.shape, getKernel(),
         getStrides(), getPads(), {1, 1},
         [&](const std::vector<float> &window, int64_t padded) {
           float sum = 0.0f;
           for (float v : window)
             sum += v;
           int64_t count =
               static_cast<int64_t>(window.size()) + (includePad ? padded : 0);
           return count ? sum / static_cast<float>(count) : 0.0f;
         });
  results.push_back(std::move(out));
  return success();
}

LogicalResult GlobalAvgPoolOp::evaluate(ArrayRef<const HostTensor *> ins,
                                        SmallVectorImpl<HostTensor> &results) {
  if (!ins[0]->isFloat()) {
    quant::UniformQuantizedType in = quantOf(getInput()),
                                out = quantOf(getOutput());
    const HostTensor &x = *ins[0];
    HostTensor result = integerTensor(resultShape(*this), out);
    int64_t plane = x.shape[2] * x.shape[3];
    for (int64_t p = 0; p < result.numElements(); ++p) {
      int64_t sum = 0;
      for (int64_t i = 0; i < plane; ++i)
        sum += x.ints[p * plane + i] - in.getZeroPoint();
      FailureOr<int64_t> y = integerAverage(*this, in, out, sum, plane);
      if (failed(y))
        return failure();
      result.ints[p] = *y;
    }
    results.push_back(std::move(result));
    return success();
  }
  if (failed(requireFloat(*this, ins)))
    return failure();
  const HostTensor &x = *ins[0];
  HostTensor out(resultShape(*this));
  int64_t plane = x.shape[2] * x.shape[3];
  for (int64_t p = 0; p < out.numElements(); ++p) {
    float sum = 0.0f;
    for (int64_t i = 0; i < plane; ++i)
      sum += x.f32[p * plane + i];
    out.f32[p] = sum / static_cast<float>(plane);
  }
  results.push_back(std::move(out));
  return success();
}

LogicalResult BatchNormOp::evaluate(ArrayRef<const HostTensor *> ins,
                                    SmallVectorImpl<HostTensor> &results) {
  if (failed(requireFloat(*this, ins)))
    return failure();
  const HostTensor &x = *ins[0];
  HostTensor out(resultShape(*this));
  int64_t channels = x.shape[1];
  int64_t inner = x.numElements() / (x.shape[0] * channels);
  float epsilon = getEpsilon().convertToFloat();
  for (int64_t i = 0; i < x.numElements(); ++i) {
    int64_t c = (i / inner) % channels;
    float scale = ins[1]->f32[c], bias = ins[2]->f32[c];
    float mean = ins[3]->f32[c], var = ins[4]->f32[c];
    out.f32[i] = scale * (x.f32[i] - mean) / std::sqrt(var + epsilon) + bias;
  }
  results.push_back(std::move(out));
  return success();
}

LogicalResult LRNOp::evaluate(ArrayRef<const HostTensor *> ins,
                              SmallVectorImpl<HostTensor> &results) {
  if (failed(requireFloat(*this, ins)))
    return failure();
  const HostTensor &x = *ins[0];
  HostTensor out(resultShape(*this));
  int64_t n = x.shape[0], c = x.shape[1], plane = x.shape[2] * x.shape[3];
  int64_t size = getSize();
  float alpha = getAlpha().convertToFloat(), beta = getBeta().convertToFloat();
  float bias = getBias().convertToFloat();
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t ch = 0; ch < c; ++ch)
      for (int64_t p = 0; p < plane; ++p) {
        float sum = 0.0f;
        for (int64_t k = std::max<int64_t>(0, ch - before);
             k <= std::min(c - 1, ch + after); ++k) {
          float v = x.f32[(b * c + k) * plane + p];
          sum += v * v;
        }
        int64_t i = (b * c + ch) * plane + p;
        out.f32[i] = x.f32[i] / std::pow(bias + alpha / size * sum, beta);
      }
  results.push_back(std::move(out));
  return success();
}

LogicalResult ConcatOp::evaluate(ArrayRef<const HostTensor *> ins,
                                 SmallVectorImpl<HostTensor> &results) {
  bool integers = !ins[0]->isFloat();
  HostTensor out;
  if (integers) {
    // Only moves bytes: every input must already be at the result's scale
    // and zero point (the quantize pass requantizes branch outputs).
    Type element = getOutput().getType().getElementType();
    for (Value input : getInputs())
      if (cast<ShapedType>(input.getType()).getElementType() != element)
        return emitOpError() << "integer evaluation needs every input at the "
                                "result's scale and zero point; requantize "
                                "them first";
    out = integerTensor(resultShape(*this), quantOf(getOutput()));
  } else {
    if (failed(requireFloat(*this, ins)))
      return failure();
    out = HostTensor(resultShape(*this));
  }
  int64_t axis = getAxis();
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= out.shape[d];
  int64_t outRow = out.numElements() / outer;
  int64_t offset = 0;
  for (const HostTensor *in : ins) {
    int64_t row = in->numElements() / outer;
    for (int64_t o = 0; o < outer; ++o) {
      if (integers)
        std::copy_n(&in->ints[o * row], row, &out.ints[o * outRow + offset]);
      else
        std::copy_n(&in->f32[o * row], row, &out.f32[o * outRow + offset]);
    }
    offset += row;
  }
  results.push_back(std::move(out));
  return success();
}

LogicalResult ReshapeOp::evaluate(ArrayRef<const HostTensor *> ins,
                                  SmallVectorImpl<HostTensor> &results) {
  HostTensor out = *ins[0];
  out.shape = resultShape(*this);
  results.push_back(std::move(out));
  return success();
}

LogicalResult SoftmaxOp::evaluate(ArrayRef<const HostTensor *> ins,
                                  SmallVectorImpl<HostTensor> &results) {
  if (failed(requireFloat(*this, ins)))
    return failure();
  const HostTensor &x = *ins[0];
  HostTensor out(resultShape(*this));
  int64_t axis = getAxis();
  int64_t len = x.shape[axis];
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < x.rank(); ++d)
    inner *= x.shape[d];
  int64_t outer = x.numElements() / (len * inner);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      int64_t base = o * len * inner + i;
      float maxValue = -std::numeric_limits<float>::infinity();
      for (int64_t k = 0; k < len; ++k)
        maxValue = std::max(maxValue, x.f32[base + k * inner]);
      float sum = 0.0f;
      for (int64_t k = 0; k < len; ++k) {
        float e = std::exp(x.f32[base + k * inner] - maxValue);
        out.f32[base + k * inner] = e;
        sum += e;
      }
      for (int64_t k = 0; k < len; ++k)
        out.f32[base + k * inner] /= sum;
    }
  results.push_back(std::move(out));
  return success();
}
