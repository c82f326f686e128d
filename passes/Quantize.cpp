//===- Quantize.cpp - Post-training quantization --------------------------===//
//
// Calibrates a float model on sample inputs with the reference evaluator
// and rewrites it to the integer contract of docs/INTEGER.md (int8 or
// fixed16). The arithmetic of every choice (scales, zero points,
// multipliers, weight and bias rounding) comes from
// support/IntegerSemantics.h, the one source of the contract.
//
// Values are grouped into classes that must share one quant type: a relu,
// clip, max pool, reshape or concat has its input's type on integers. A
// class's range is the union of the ranges of its members that something
// outside the class reads, so a convolution followed only by a relu is
// quantized to what the relu leaves, and the branch outputs meeting in the
// merge's concat share the concat's scale.
//
//===----------------------------------------------------------------------===//

#include "passes/Constants.h"
#include "passes/Passes.h"

#include "dialect/LcpOps.h"
#include "dialect/ReferenceEvaluator.h"
#include "dialect/UnitGraph.h"
#include "support/IntegerSemantics.h"
#include "support/Npy.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <cstdio>
#include <limits>

namespace lcp {
#define GEN_PASS_DEF_QUANTIZE
#include "passes/Passes.h.inc"
} // namespace lcp

using namespace mlir;
using namespace lcp;

namespace {

constexpr int64_t kHistogramBins = 2048;

/// The range of one value over the calibration set, and for a percentile
/// range a histogram of it between the observed min and max.
struct ValueRange {
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::vector<uint64_t> histogram;

  bool empty() const { return !(min <= max); }
  void include(const ValueRange &other) {
    min = std::min(min, other.min);
    max = std::max(max, other.max);
  }
  int64_t bin(float v) const {
    double t = (double(v) - min) / (max - min) * kHistogramBins;
    return std::clamp<int64_t>(static_cast<int64_t>(t), 0, kHistogramBins - 1);
  }
  /// [lo, hi] between the (100 - p) and p percentiles, from bin edges
  /// (outward, so the kept range never excludes its percentile).
  ValueRange percentile(double p) const {
    uint64_t total = 0;
    for (uint64_t c : histogram)
      total += c;
    if (total == 0 || max == min)
      return *this;
    auto edge = [&](int64_t i) {
      return min + (max - min) * double(i) / kHistogramBins;
    };
    double tail = (1.0 - p / 100.0) * double(total);
    ValueRange r;
    uint64_t seen = 0;
    for (int64_t i = 0; i < kHistogramBins; ++i) {
      seen += histogram[i];
      if (double(seen) > tail) {
        r.min = edge(i);
        break;
      }
    }
    seen = 0;
    for (int64_t i = kHistogramBins; i-- > 0;) {
      seen += histogram[i];
      if (double(seen) > tail) {
        r.max = edge(i + 1);
        break;
      }
    }
    return r;
  }
};

/// How an op runs on integers (docs/INTEGER.md).
enum class IntegerKind {
  /// Layers (OpFamily::Layer) with constant weights: int32 (int8) or
  /// 48-bit (fixed16) accumulators, requantized to the result's type.
  Layer,
  /// Requantizes its operands' types to its own (OpFamily::Rescales: add,
  /// average pools).
  Requantizing,
  /// Result and operands share one type (OpFamily::SharesQuantType: relu,
  /// clip, max pool, data movement).
  SameType,
  /// No integer semantics: runs in f32 between dequantize and quantize.
  Float,
};

/// `x` as printf's %g writes it: 100, 0.25, 1e-09.
std::string shortNumber(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", x);
  return buffer;
}

bool isConstant(Value v) {
  return isa_and_nonnull<ConstantOp>(v.getDefiningOp());
}

IntegerKind integerKind(Operation *op) {
  if (op->hasTrait<OpFamily::Layer>()) {
    bool constantParams = llvm::all_of(op->getOperands().drop_front(),
                                       [](Value v) { return isConstant(v); });
    return constantParams ? IntegerKind::Layer : IntegerKind::Float;
  }
  if (op->hasTrait<OpFamily::Rescales>())
    return IntegerKind::Requantizing;
  if (op->hasTrait<OpFamily::SharesQuantType>())
    return IntegerKind::SameType;
  return IntegerKind::Float;
}

bool isFloatTensor(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.getElementType().isF32();
}

/// Union-find over values that must share one quant type.
class TypeClasses {
public:
  Value find(Value v) {
    auto it = parent.find(v);
    if (it == parent.end() || it->second == v)
      return v;
    Value root = find(it->second);
    parent[v] = root;
    return root;
  }
  void join(Value a, Value b) {
    Value ra = find(a), rb = find(b);
    if (ra != rb)
      parent[ra] = rb;
  }

private:
  llvm::DenseMap<Value, Value> parent;
};

/// A fixed16 format: `fractionBits` everywhere, or chosen per tensor.
struct Fixed16Format {
  bool automatic = false;
  int32_t fractionBits = 13;
};

/// Fraction bits that hold `maxAbs` in a signed 16-bit value: 15 minus the
/// integer bits, in [0, 30].
int32_t fractionBitsFor(double maxAbs) {
  if (!(maxAbs > 0.0))
    return 15;
  int32_t integerBits = static_cast<int32_t>(std::floor(std::log2(maxAbs))) + 1;
  return std::clamp(15 - integerBits, 0, 30);
}

class QuantizePass : public lcp::impl::QuantizeBase<QuantizePass> {
public:
  using QuantizeBase::QuantizeBase;
  void runOnOperation() override;

private:
  LogicalResult checkOptions(func::FuncOp func);
  FailureOr<HostTensor> loadCalibration(func::FuncOp func);
  LogicalResult observe(func::FuncOp func, const HostTensor &samples);
  quant::UniformQuantizedType typeOfClass(Value v);
  LogicalResult quantizeLayer(Operation *layer, OpBuilder &builder);
  LogicalResult rewrite(func::FuncOp func);

  bool fixed16() const { return mode == "fixed16"; }
  MLIRContext *context() { return &getContext(); }

  Fixed16Format fixedFormat;
  llvm::DenseMap<Value, ValueRange> ranges;
  TypeClasses classes;
  /// Members of a class that an op outside their class reads.
  llvm::DenseSet<Value> readOutside;
  llvm::DenseMap<Value, quant::UniformQuantizedType> classTypes;
  llvm::MapVector<StringRef, int64_t> floatOps;
  int64_t integerLayers = 0;
};

LogicalResult QuantizePass::checkOptions(func::FuncOp func) {
  if (mode != "int8" && mode != "fixed16")
    return emitError(func.getLoc())
           << "lcp-quantize: mode must be int8 or fixed16, got '" << mode
           << "'";
  if (!(percentile > 50.0 && percentile <= 100.0))
    return emitError(func.getLoc())
           << "lcp-quantize: percentile must be in (50, 100], got "
           << shortNumber(percentile);
  if (fixed16()) {
    StringRef f = format;
    int32_t m = 0, n = 0;
    if (f == "auto") {
      fixedFormat.automatic = true;
    } else if (!f.consume_front("Q") || f.consumeInteger(10, m) ||
               !f.consume_front(".") || f.consumeInteger(10, n) || !f.empty() ||
               m < 1 || n < 0 || m + n != 16) {
      return emitError(func.getLoc())
             << "lcp-quantize: format must be Qm.n with m >= 1 and m + n = "
                "16 (the default is Q3.13), or auto; got '"
             << format << "'";
    } else {
      fixedFormat.fractionBits = n;
    }
  }
  if (UnitGraph graph(func); !graph.isWholeFunction())
    return graph.getUnits().front().op->emitOpError()
           << "is a unit: run lcp-quantize before lcp-outline-branches";
  WalkResult quantized = func.walk([](Operation *op) {
    for (Type t : op->getResultTypes())
      if (auto shaped = dyn_cast<ShapedType>(t);
          shaped && isa<quant::QuantizedType>(shaped.getElementType()))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (quantized.wasInterrupted())
    return emitError(func.getLoc())
           << "lcp-quantize: function '" << func.getSymName()
           << "' is already quantized";
  return success();
}

FailureOr<HostTensor> QuantizePass::loadCalibration(func::FuncOp func) {
  if (calibrationFile.empty())
    return emitError(func.getLoc())
           << "lcp-quantize: calibration=FILE.npy is required: samples of "
              "the model's input to observe its ranges on";
  if (func.getNumArguments() != 1)
    return emitError(func.getLoc())
           << "lcp-quantize: calibration needs a model with one input; '"
           << func.getSymName() << "' has " << func.getNumArguments();
  auto input = dyn_cast<RankedTensorType>(func.getArgumentTypes()[0]);
  if (!input || !input.getElementType().isF32() || !input.hasStaticShape() ||
      input.getRank() == 0 || input.getDimSize(0) != 1)
    return emitError(func.getLoc())
           << "lcp-quantize: the model's input must be a static f32 tensor "
              "with a batch of 1, got "
           << func.getArgumentTypes()[0];
  HostTensor samples;
  std::string error;
  if (!readNpy(calibrationFile, samples, error))
    return emitError(func.getLoc()) << "lcp-quantize: calibration file '"
                                    << calibrationFile << "': " << error;
  ArrayRef<int64_t> expected = input.getShape();
  bool fits = samples.isFloat() && samples.rank() == input.getRank() &&
              std::equal(expected.begin() + 1, expected.end(),
                         samples.shape.begin() + 1);
  if (!fits) {
    std::string wanted = "N";
    for (int64_t d : expected.drop_front())
      wanted += "x" + std::to_string(d);
    return emitError(func.getLoc())
           << "lcp-quantize: calibration file '" << calibrationFile
           << "' holds " << toString(samples.type) << " of shape "
           << shapeToString(samples.shape) << "; the model's input is " << input
           << ", so it must hold f32 of shape " << wanted << " for N samples";
  }
  if (samples.shape[0] == 0)
    return emitError(func.getLoc())
           << "lcp-quantize: calibration set '" << calibrationFile
           << "' is empty (0 samples)";
  return samples;
}

/// Records every value's range over the samples; a second run fills the
/// histograms when the range is a percentile.
LogicalResult QuantizePass::observe(func::FuncOp func,
                                    const HostTensor &samples) {
  // Layer weights and biases are quantized from their values, not ranges.
  auto tracked = [](Value v) {
    if (!isFloatTensor(v))
      return false;
    return !isConstant(v) || llvm::any_of(v.getUses(), [](OpOperand &use) {
      return integerKind(use.getOwner()) != IntegerKind::Layer ||
             use.getOperandNumber() == 0;
    });
  };
  auto runAll = [&](ValueObserver observer) -> LogicalResult {
    for (int64_t k = 0; k < samples.shape[0]; ++k)
      if (failed(evaluateFunction(func, {sampleOf(samples, k)}, observer)))
        return emitError(func.getLoc())
               << "lcp-quantize: the float model failed on calibration "
                  "sample "
               << k;
    return success();
  };
  if (failed(runAll([&](Value v, const HostTensor &t) {
        if (!tracked(v))
          return;
        ValueRange &r = ranges[v];
        for (float x : t.f32) {
          if (std::isfinite(x)) {
            r.min = std::min<double>(r.min, x);
            r.max = std::max<double>(r.max, x);
          }
        }
      })))
    return failure();
  if (percentile >= 100.0)
    return success();
  for (auto &[v, r] : ranges)
    r.histogram.assign(kHistogramBins, 0);
  if (failed(runAll([&](Value v, const HostTensor &t) {
        auto it = ranges.find(v);
        if (it == ranges.end() || it->second.empty())
          return;
        ValueRange &r = it->second;
        for (float x : t.f32)
          if (std::isfinite(x))
            ++r.histogram[r.bin(x)];
      })))
    return failure();
  for (auto &[v, r] : ranges)
    r = r.percentile(percentile);
  return success();
}

quant::UniformQuantizedType activationType(MLIRContext *ctx, unsigned width,
                                           double scale, int64_t zeroPoint) {
  int64_t lo = -(int64_t(1) << (width - 1)),
          hi = (int64_t(1) << (width - 1)) - 1;
  return quant::UniformQuantizedType::get(
      quant::QuantizationFlags::Signed, IntegerType::get(ctx, width),
      Float32Type::get(ctx), scale, zeroPoint, lo, hi);
}

/// The quant type of `v`'s class: from the union of the ranges of its
/// members that something outside the class reads (all members if none).
quant::UniformQuantizedType QuantizePass::typeOfClass(Value v) {
  Value root = classes.find(v);
  if (auto it = classTypes.find(root); it != classTypes.end())
    return it->second;
  ValueRange read, all;
  for (auto &[member, r] : ranges) {
    if (classes.find(member) != root)
      continue;
    all.include(r);
    if (readOutside.contains(member))
      read.include(r);
  }
  ValueRange range = read.empty() ? all : read;
  if (range.empty()) // never observed finite: a real zero
    range.min = range.max = 0.0;
  quant::UniformQuantizedType type;
  if (fixed16()) {
    int32_t f = fixedFormat.automatic
                    ? fractionBitsFor(std::max(-range.min, range.max))
                    : fixedFormat.fractionBits;
    type = activationType(context(), 16, std::ldexp(1.0, -f), 0);
  } else {
    integer::QuantParams p =
        integer::int8ActivationParams(range.min, range.max);
    type = activationType(context(), 8, p.scale, p.zeroPoint);
  }
  classTypes[root] = type;
  return type;
}

RankedTensorType withElement(Value v, Type element) {
  return RankedTensorType::get(cast<ShapedType>(v.getType()).getShape(),
                               element);
}

HostTensor constantValue(Value v) {
  SmallVector<HostTensor> values;
  (void)cast<ConstantOp>(v.getDefiningOp()).evaluate({}, values);
  return values.front();
}

/// Quantizes a convolution's or dense layer's weights and bias for its
/// (already quantized) input and its result's type, checks the accumulator
/// bound and the requantize multipliers, and retypes the layer.
LogicalResult QuantizePass::quantizeLayer(Operation *layer,
                                          OpBuilder &builder) {
  Value input = layer->getOperand(0), output = layer->getResult(0);
  auto in = cast<quant::UniformQuantizedType>(
      cast<ShapedType>(input.getType()).getElementType());
  quant::UniformQuantizedType out = typeOfClass(output);
  Value weightValue = layer->getOperand(1);
  HostTensor weight = constantValue(weightValue);
  std::optional<HostTensor> bias;
  if (layer->getNumOperands() > 2)
    bias = constantValue(layer->getOperand(2));
  int64_t channels = weight.shape[0];
  int64_t reduction = weight.numElements() / channels;
  std::string name =
      constantName(cast<ConstantOp>(weightValue.getDefiningOp()), "weight");
  // Inline (small) constants have no name: name the bias after its layer.
  StringRef stem = StringRef(name).ends_with(".weight")
                       ? StringRef(name).drop_back(strlen(".weight"))
                       : StringRef(name);
  std::string biasName =
      bias
          ? constantName(cast<ConstantOp>(layer->getOperand(2).getDefiningOp()),
                         (stem + ".bias").str())
          : "";
  builder.setInsertionPoint(layer);
  Location loc = layer->getLoc();
  Type f32 = builder.getF32Type();
  auto maxAbsOf = [&](int64_t c) {
    double m = 0.0;
    for (int64_t i = 0; i < reduction; ++i)
      m = std::max(m, std::fabs(double(weight.f32[c * reduction + i])));
    return m;
  };
  std::vector<int64_t> wq(weight.numElements()), bq;
  // The layer reads the quantized weights and bias in place of the float
  // ones.
  auto replaceParams = [&](Type wType, Type bType) {
    layer->setOperand(
        1, createQuantizedConstant(
               builder, loc, withElement(weightValue, wType), wq, name + ".q"));
    if (bias)
      layer->setOperand(
          2, createQuantizedConstant(builder, loc,
                                     withElement(layer->getOperand(2), bType),
                                     bq, biasName + ".q"));
  };

  if (fixed16()) {
    int32_t fIn = -std::ilogb(in.getScale()); // the input's scale is 2^-fIn
    double maxAbs = 0.0, maxBias = 0.0;
    for (int64_t c = 0; c < channels; ++c)
      maxAbs = std::max(maxAbs, maxAbsOf(c));
    if (bias)
      for (float b : bias->f32)
        maxBias = std::max(maxBias, std::fabs(double(b)));
    int32_t fW = fixedFormat.fractionBits;
    // The bias is stored in the accumulator's format Q(f_in + f_w) in 32
    // bits: find the fraction bits of the weights that let it fit.
    auto biasFits = [&](int32_t f) {
      return std::ldexp(maxBias, fIn + f) < std::ldexp(1.0, 31) - 1.0;
    };
    if (fixedFormat.automatic) {
      fW = fractionBitsFor(maxAbs);
      while (fW > 0 && !biasFits(fW))
        --fW;
    }
    if (!biasFits(fW))
      return layer->emitOpError()
             << "cannot be quantized to fixed16: its largest bias "
             << shortNumber(maxBias) << " does not fit 32 bits with "
             << fIn + fW << " fraction bits (input Q" << 16 - fIn << "." << fIn
             << ", weights Q" << 16 - fW << "." << fW << "); try format=auto";
    for (int64_t i = 0; i < weight.numElements(); ++i)
      wq[i] = integer::toFixed16(weight.f32[i], fW);
    if (bias)
      for (float b : bias->f32)
        bq.push_back(static_cast<int64_t>(std::round(std::ldexp(b, fIn + fW))));
    int64_t maxBiasQ = 0;
    for (int64_t b : bq)
      maxBiasQ = std::max<int64_t>(maxBiasQ, std::llabs(b));
    if (double(reduction) * std::ldexp(1.0, 30) + double(maxBiasQ) >=
        std::ldexp(1.0, 47))
      return layer->emitOpError()
             << "could overflow its 48-bit accumulator: " << reduction
             << " products of up to 2^30 plus a bias of " << maxBiasQ;
    auto wType = activationType(context(), 16, std::ldexp(1.0, -fW), 0);
    auto bType = quant::UniformQuantizedType::get(
        quant::QuantizationFlags::Signed, builder.getI32Type(), f32,
        std::ldexp(1.0, -(fIn + fW)), 0, INT32_MIN, INT32_MAX);
    replaceParams(wType, bType);
  } else {
    // int8: per output channel, symmetric. A channel whose bias would not
    // fit the int32 budget next to its products gets a coarser scale (an
    // all-zero channel left by pruning, say, with a nonzero bias).
    double budget = std::ldexp(1.0, 31) - 1.0 - double(reduction) * 255 * 127;
    if (budget <= 0)
      return layer->emitOpError()
             << "could overflow its int32 accumulator: " << reduction
             << " products of up to 255 * 127 reach 2^31";
    SmallVector<double> scales;
    for (int64_t c = 0; c < channels; ++c) {
      double s = integer::int8WeightScale(maxAbsOf(c));
      if (bias)
        s = std::max(s, std::fabs(double(bias->f32[c])) /
                            (in.getScale() * (budget - 1.0)));
      scales.push_back(s);
      for (int64_t i = 0; i < reduction; ++i)
        wq[c * reduction + i] =
            integer::quantizeInt8Weight(weight.f32[c * reduction + i], s);
      if (bias)
        bq.push_back(
            integer::quantizeBias(bias->f32[c], in.getScale(), scales[c]));
      integer::Multiplier m;
      if (const char *why = integer::quantizeMultiplier(
              in.getScale() * s / out.getScale(), m))
        return layer->emitOpError()
               << "cannot requantize output channel " << c << ": " << why;
    }
    for (int64_t b : bq)
      if (double(std::llabs(b)) >= budget)
        return layer->emitOpError()
               << "could overflow its int32 accumulator: " << reduction
               << " products of up to 255 * 127 plus a bias of " << b;
    SmallVector<double> biasScales;
    for (double s : scales)
      biasScales.push_back(in.getScale() * s);
    SmallVector<int64_t> zeros(channels, 0);
    auto wType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, builder.getI8Type(), f32, scales,
        zeros, /*quantizedDimension=*/0, -128, 127);
    auto bType = quant::UniformQuantizedPerAxisType::get(
        quant::QuantizationFlags::Signed, builder.getI32Type(), f32, biasScales,
        zeros, 0, INT32_MIN, INT32_MAX);
    replaceParams(wType, bType);
  }
  output.setType(withElement(output, out));
  ++integerLayers;
  return success();
}

LogicalResult QuantizePass::rewrite(func::FuncOp func) {
  Block &block = func.getBody().front();
  OpBuilder builder(context());
  llvm::DenseMap<Value, Value> quantized, dequantized;

  // The integer version of a float value: quantized once, right after it
  // is defined.
  auto quantizedOf = [&](Value v) -> Value {
    if (!isFloatTensor(v))
      return v;
    Value &q = quantized[v];
    if (!q) {
      if (Operation *def = v.getDefiningOp())
        builder.setInsertionPointAfter(def);
      else
        builder.setInsertionPointToStart(&block);
      q = builder.create<QuantizeOp>(v.getLoc(), withElement(v, typeOfClass(v)),
                                     v);
    }
    return q;
  };
  // The float version of an integer value, dequantized once.
  auto floatOf = [&](Value v) -> Value {
    if (isFloatTensor(v) || !isa<RankedTensorType>(v.getType()))
      return v;
    Value &f = dequantized[v];
    if (!f) {
      builder.setInsertionPointAfter(v.getDefiningOp());
      f = builder.create<DequantizeOp>(v.getLoc(),
                                       withElement(v, builder.getF32Type()), v);
    }
    return f;
  };

  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (isa<ConstantOp, QuantizeOp, DequantizeOp>(op))
      continue;
    if (op.hasTrait<OpTrait::IsTerminator>()) {
      for (OpOperand &operand : op.getOpOperands())
        operand.set(floatOf(operand.get()));
      continue;
    }
    IntegerKind kind = integerKind(&op);
    if (kind == IntegerKind::Float) {
      for (OpOperand &operand : op.getOpOperands())
        operand.set(floatOf(operand.get()));
      ++floatOps[op.getName().getStringRef()];
      continue;
    }
    if (kind == IntegerKind::Layer) {
      op.setOperand(0, quantizedOf(op.getOperand(0)));
      if (failed(quantizeLayer(&op, builder)))
        return failure();
      continue;
    }
    for (OpOperand &operand : op.getOpOperands())
      operand.set(quantizedOf(operand.get()));
    Value result = op.getResult(0);
    result.setType(withElement(result, typeOfClass(result)));
  }
  eraseUnusedConstants(block);
  return success();
}

void QuantizePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (func.isExternal())
    return;
  if (failed(checkOptions(func)))
    return signalPassFailure();
  FailureOr<HostTensor> samples = loadCalibration(func);
  if (failed(samples) || failed(observe(func, *samples)))
    return signalPassFailure();

  // Classes of values that share a type, decided before any op changes.
  for (Operation &op : func.getBody().getOps())
    if (integerKind(&op) == IntegerKind::SameType)
      for (Value operand : op.getOperands())
        classes.join(operand, op.getResult(0));
  for (auto &[v, r] : ranges)
    if (llvm::any_of(v.getUsers(), [](Operation *user) {
          return integerKind(user) != IntegerKind::SameType;
        }))
      readOutside.insert(v);

  if (failed(rewrite(func)))
    return signalPassFailure();

  std::string format = "";
  if (fixed16())
    format = fixedFormat.automatic
                 ? " (per-tensor Q formats)"
                 : llvm::formatv(" Q{0}.{1}", 16 - fixedFormat.fractionBits,
                                 fixedFormat.fractionBits)
                       .str();
  std::string inFloat;
  for (auto [name, count] : floatOps)
    inFloat +=
        llvm::formatv("{0}{1} x{2}", inFloat.empty() ? "" : ", ", name, count);
  int64_t n = samples->shape[0];
  emitRemark(func.getLoc())
      << "lcp-quantize: " << mode.getValue() << format << " from " << n
      << " calibration sample" << (n == 1 ? "" : "s") << ": " << integerLayers
      << " layers in integers; in f32: "
      << (inFloat.empty() ? "none" : inFloat);
}

} // namespace
