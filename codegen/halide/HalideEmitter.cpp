//===- HalideEmitter.cpp - lcp units as Halide generators -----------------===//
//
// An op visitor over one unit. Each value becomes a Halide Func (or an
// Input buffer); reductions (convolutions, dense layers, pools) and values
// that feed them are computed at root with an explicit schedule, while
// cheap elementwise values with a single elementwise user are inlined into
// it. The output is deterministic: names come from op order, never from
// pointers.
//
//===----------------------------------------------------------------------===//

#include "codegen/halide/HalideEmitter.h"
#include "codegen/halide/Schedule.h"
#include "dialect/IntegerParams.h"
#include "dialect/LcpOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include <cmath>

using namespace mlir;

namespace lcp::halide {
namespace {

/// Halide variable names, innermost dimension first.
constexpr const char *kVars[] = {"x", "y", "c", "n", "d4", "d5"};

std::string floatLiteral(double value) {
  if (std::isinf(value))
    return value > 0 ? "std::numeric_limits<float>::infinity()"
                     : "-std::numeric_limits<float>::infinity()";
  std::string s = llvm::formatv("{0:e9}", value).str();
  return s + "f";
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<ShapedType>(v.getType()).getShape();
}

/// The C++ type of an element type, as Halide's buffers name it.
const char *cppType(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "float";
  case ElementType::I8:
    return "int8_t";
  case ElementType::I16:
    return "int16_t";
  case ElementType::I32:
    return "int32_t";
  case ElementType::I64:
    return "int64_t";
  }
  return "float";
}

bool isQuantized(Value v) {
  return !cast<ShapedType>(v.getType()).getElementType().isF32();
}

/// The storage type of a quantized value, as C++ names it.
const char *storageOf(Value v) { return cppType(*elementTypeOf(v.getType())); }

/// A multiplier's (M0, k) as the device rule reads them; a multiplier whose
/// results are all the zero point is (0, 1), which the rule maps to 0.
std::pair<int32_t, int32_t> deviceMultiplier(const integer::Multiplier &m) {
  return m.zero ? std::pair(0, 1) : std::pair(m.m0, m.k);
}

/// The device rule of docs/INTEGER.md as Halide expressions, written once
/// per generated file.
constexpr const char *kIntegerHelpers = R"(#ifndef LCP_HALIDE_INTEGER_HELPERS
#define LCP_HALIDE_INTEGER_HELPERS
// round(v * M0 * 2^-k), ties toward +infinity, in 64 bits (docs/INTEGER.md).
inline Halide::Expr lcp_rescale(Halide::Expr v, Halide::Expr m0,
                                Halide::Expr k) {
  using namespace Halide;
  Expr k64 = cast<int64_t>(k);
  return (cast<int64_t>(v) * cast<int64_t>(m0) + (cast<int64_t>(1) << (k64 - 1))) >> k64;
}
// zp + round(v * M), clamped to [lo, hi] before narrowing to `type`.
inline Halide::Expr lcp_requantize(Halide::Type type, Halide::Expr v,
                                   Halide::Expr m0, Halide::Expr k, int zp,
                                   int lo, int hi) {
  using namespace Halide;
  return cast(type, clamp(lcp_rescale(v, m0, k) + cast<int64_t>(zp),
                          cast<int64_t>(lo), cast<int64_t>(hi)));
}
#endif
)";

/// An activation or batch norm: elementwise, channel by channel, cheap to
/// recompute where it is read.
bool isChannelwiseElementwise(Operation *op) {
  return op->hasTrait<OpFamily::Channelwise>() &&
         op->hasTrait<OpFamily::Elementwise>();
}

/// The weights of a convolution with lanes across output channels are
/// stored [in][kh][kw][out] instead of [out][in][kh][kw].
constexpr int64_t kChannelsInnermost[] = {1, 2, 3, 0};

class UnitEmitter {
public:
  UnitEmitter(Block &body, StringRef name, UnitSignature &info)
      : body(body), name(name), info(info) {}

  LogicalResult emit(raw_ostream &os);

private:
  /// Tensor-order coordinates (outermost first) of a rank-`rank` value.
  static SmallVector<std::string> coords(int64_t rank) {
    SmallVector<std::string> result;
    for (int64_t i = rank - 1; i >= 0; --i)
      result.push_back(kVars[i]);
    return result;
  }
  /// `f(...)` with tensor-order coordinates given outermost first.
  std::string at(Value v, ArrayRef<std::string> tensorCoords) {
    SmallVector<std::string> halide(tensorCoords.rbegin(), tensorCoords.rend());
    return names.lookup(v) + "(" + llvm::join(halide, ", ") + ")";
  }
  std::string lhs(Value v) { return at(v, coords(shapeOf(v).size())); }

  /// The accumulator Func of integer layer `out`, declared.
  std::string declareAccumulator(Value out) {
    std::string acc = newName("acc");
    accumulators[out] = acc;
    code << "    Func " << acc << "(\"" << acc << "\");\n";
    return acc;
  }
  std::string newName(StringRef prefix) {
    return (prefix + Twine(counter++)).str();
  }
  void defineFunc(Value v, StringRef prefix) {
    std::string n = newName(prefix);
    names[v] = n;
    code << "    Func " << n << "(\"" << n << "\");\n";
  }
  /// A Func that reads `v` with a constant value outside its spatial
  /// extent, for padded windows.
  std::string exterior(Value v, StringRef value) {
    return exterior(names.lookup(v), shapeOf(v), value);
  }
  std::string exterior(StringRef func, ArrayRef<int64_t> s, StringRef value) {
    std::string n = newName("pad");
    code << "    Func " << n << " = BoundaryConditions::constant_exterior("
         << func << ", " << value << ", {";
    for (int64_t i = s.size() - 1; i >= 0; --i)
      code << "{0, " << s[i] << "}" << (i ? ", " : "");
    code << "});\n";
    return n;
  }

  /// Values to compute at root: reductions and what feeds them (inlining a
  /// value into a reduction's inner loop would recompute it per tap).
  bool isReduction(Operation *op) {
    return op->hasTrait<OpFamily::Reduction>();
  }
  void scheduleValue(Operation *op, Value result);
  void scheduleConv(Value result, ArrayRef<int64_t> shape, Value tileValue);
  void schedulePool(Value result);
  void scheduleDense(Value result);

  LogicalResult emitOp(Operation *op);
  LogicalResult emitConv(Conv2DOp op);
  LogicalResult emitDense(DenseOp op);
  LogicalResult emitMatMul(MatMulOp op);
  LogicalResult emitBroadcast(Operation *op, StringRef symbol);
  LogicalResult emitPool(Operation *op);
  LogicalResult emitGlobalAvgPool(GlobalAvgPoolOp op);
  LogicalResult emitLRN(LRNOp op);
  LogicalResult emitConcat(ConcatOp op);
  LogicalResult emitReshape(ReshapeOp op);
  LogicalResult emitTranspose(TransposeOp op);
  LogicalResult emitSlice(SliceOp op);
  LogicalResult emitSoftmax(SoftmaxOp op);
  LogicalResult emitQuantize(QuantizeOp op);
  LogicalResult emitDequantize(DequantizeOp op);
  LogicalResult emitRequantize(RequantizeOp op);
  LogicalResult emitIntegerAdd(AddOp op);
  /// The requantize step of an integer convolution or dense layer, from its
  /// accumulator Func `acc` (element coordinates `at`, channel `channel`).
  LogicalResult emitLayerRequantize(Operation *op, Value input, Value weight,
                                    Value out, StringRef acc);
  /// How an integer layer accumulates: the real-valued Funcs of its input
  /// (`x - zp`) and weights, of C++ type `type` ("float" or "double").
  struct ExactOperands {
    std::string type, input, weight;
  };
  FailureOr<ExactOperands> exactOperands(Operation *op, Value input,
                                         Value weight, Value bias);
  /// `f = bias; f += weight * input;` of a convolution or dense layer (bias
  /// read at `channel`), then, for an integer one (`exact` set), its
  /// requantize step from the accumulator Func `acc`.
  LogicalResult emitMultiplyAdd(Operation *op, Value bias, StringRef channel,
                                StringRef f, StringRef weight, StringRef input,
                                const std::optional<ExactOperands> &exact,
                                StringRef acc);
  /// An int32 table the emitter computes (multipliers per channel or per
  /// window count), passed to the pipeline like a weight.
  std::string addTable(StringRef prefix, std::vector<int64_t> values);

  Block &body;
  StringRef name;
  UnitSignature &info;
  llvm::DenseMap<Value, std::string> names;
  /// The RDom of each convolution, for its schedule.
  llvm::DenseMap<Value, std::string> reductionDomains;
  /// The accumulator Func of an integer convolution or dense layer, whose
  /// result (the requantized Func) is computed from it in its tiles.
  llvm::DenseMap<Value, std::string> accumulators;
  /// Each convolution's planned schedule, by its result.
  llvm::DenseMap<Value, ConvSchedule> convSchedules;
  /// The rows of each band of a pool that computes tiles, by its result.
  llvm::DenseMap<Value, int64_t> bandRows;
  /// Weights stored in another layout, by their constant.
  llvm::DenseMap<Operation *, ArrayRef<int64_t>> weightLayouts;
  /// A convolution's epilogue, the elementwise ops after it (each the only
  /// user of the value before) computed in its register tiles: the last
  /// value by the convolution's result, and the reverse.
  llvm::DenseMap<Value, Value> epilogueEnds, epilogueOwners;
  /// Pools that compute the convolution tiles they read band by band: the
  /// pool's result by the tiles' value, and the reverse.
  LogicalResult readSchedules();
  llvm::DenseMap<Value, Value> pooledTiles, poolInputs;
  /// Whether the code calls lcp_rescale or lcp_requantize.
  bool usesIntegerHelpers = false;
  int counter = 0;
  std::string codeText, scheduleText, declText;
  llvm::raw_string_ostream code{codeText};
  llvm::raw_string_ostream schedule{scheduleText};
  llvm::raw_string_ostream decls{declText};
};

void UnitEmitter::scheduleValue(Operation *op, Value result) {
  // A convolution with an epilogue is scheduled with the epilogue's end,
  // which its tiles store; tiles that a pool computes, with the pool.
  if (epilogueEnds.count(result) || pooledTiles.count(result))
    return;
  if (Value conv = epilogueOwners.lookup(result)) {
    scheduleConv(conv, shapeOf(conv), result);
    return;
  }
  if (Value tiles = poolInputs.lookup(result)) {
    schedulePool(result);
    Value conv = epilogueOwners.lookup(tiles);
    if (!conv)
      conv = tiles;
    scheduleConv(conv, shapeOf(conv), tiles);
    return;
  }
  // Slices read each element at most once in all: a value only sliced
  // is inlined into the slices however many there are.
  bool feedsReduction = false,
       manyUsers = !result.hasOneUse() &&
                   !llvm::all_of(result.getUsers(), [](Operation *user) {
                     return isa<SliceOp>(user);
                   });
  bool onlyWindows = !result.use_empty();
  for (Operation *user : result.getUsers()) {
    feedsReduction |= isReduction(user);
    onlyWindows &= user->hasTrait<OpFamily::SlidingWindow>();
  }
  if (!isReduction(op) && !feedsReduction && !manyUsers)
    return; // inlined into its one elementwise user
  // A unary elementwise value of a stored value, read only by
  // convolutions and pools, is inlined too: a padded window materializes
  // its padded input anyway, and an unpadded one pays one extra operation
  // per tap, against a full pass over memory to store the value.
  Operation *source =
      op->getNumOperands() ? op->getOperand(0).getDefiningOp() : nullptr;
  bool readsStoredValue = !source || isReduction(source);
  if (onlyWindows && readsStoredValue && isChannelwiseElementwise(op))
    return;
  ArrayRef<int64_t> s = shapeOf(result);
  std::string f = names.lookup(result);
  int64_t rank = s.size();
  if (isa<Conv2DOp>(op)) {
    scheduleConv(result, s, result);
    return;
  }
  if (isa<DenseOp>(op)) {
    scheduleDense(result);
    return;
  }
  schedule << "    " << f << ".compute_root()";
  // Vectorize the innermost dimension; parallelize the outermost loop with
  // work in it (channels of an image, else its rows or a batch's samples),
  // so that each value is one parallel loop rather than one per channel.
  if (rank >= 1)
    schedule << ".vectorize(x, vec, TailStrategy::GuardWithIf)";
  if (rank >= 3 && s[rank - 3] > 1)
    schedule << ".parallel(c)";
  else if (rank >= 2 && s[rank - 2] > 1)
    schedule << ".parallel(y)";
  schedule << ";\n";
  // Convolutions and matrix products accumulate in an update definition.
  if (isa<Conv2DOp, DenseOp, MatMulOp>(op))
    schedule << "    " << f
             << ".update().vectorize(x, vec, TailStrategy::GuardWithIf)"
             << (rank >= 2 && s[rank - 2] > 1 ? ".parallel(y)" : "") << ";\n";
}

/// Direct convolution on NCHW, register-blocked: the consumers read a Func
/// computed in tiles (`tileFunc`, the end of the convolution's epilogue, or
/// else a wrapper of the convolution); each tile accumulates in registers
/// over the whole reduction, then applies the epilogue as it stores. With lanes
/// across columns, a tile is one row, `vec` columns and `block` output
/// channels, one input vector feeding `block` multiply-adds with broadcast
/// weights. With lanes across channels, a tile is a few vectors of output
/// channels by a few columns, each weight vector feeding one multiply-add per
/// column with a broadcast input.
void UnitEmitter::scheduleConv(Value result, ArrayRef<int64_t> shape,
                               Value tileValue) {
  // An integer convolution accumulates in its own Func; the requantized
  // result is what its tiles store.
  std::string f = accumulators.count(result) ? accumulators.lookup(result)
                                             : names.lookup(result);
  std::string r = reductionDomains.lookup(result);
  ConvSchedule tiling = convSchedules.lookup(result);
  bool wrapped = tileValue == result && !accumulators.count(result);
  std::string tile = wrapped ? f + "_tile" : names.lookup(tileValue);
  std::string xo = f + "_xo", xi = f + "_xi", co = f + "_co", ci = f + "_ci";
  schedule << "    Var " << xo << ", " << xi << ", " << co << ", " << ci << ", "
           << f << "_rows;\n";
  if (wrapped)
    schedule << "    Func " << tile << " = " << f << ".in();\n";
  // Tiles are computed for a band of rows of the pool that reads them, or
  // else at root, with rows and channel blocks fused into one parallel loop
  // so that the few rows of a late layer still give every thread work.
  std::string placement = "compute_root()", parallel;
  if (Value pool = pooledTiles.lookup(tileValue))
    placement = llvm::formatv("compute_at({0}, {0}_yo)", names.lookup(pool));
  else
    parallel =
        llvm::formatv(".fuse(y, {0}, {1}).parallel({1})", co, f + "_rows");
  if (tiling.acrossChannels) {
    int64_t lanes = tiling.vectorLanes;
    schedule << llvm::formatv(
        "    {0}.{9}.split(x, {1}, {2}, {3}, "
        "TailStrategy::GuardWithIf).split(c, {4}, {5}, {6}).reorder({5}, {2}, "
        "{1}, y, {4}, n).vectorize({5}, {7}).unroll({5}).unroll({2}){8};\n",
        tile, xo, xi, tiling.columns, co, ci, tiling.channelVectors * lanes,
        lanes, parallel, placement);
    schedule << llvm::formatv("    {0}.compute_at({1}, {2}).reorder_storage(c, "
                              "x, y, n).reorder(c, x, "
                              "y, n).vectorize(c, {3})"
                              ".unroll(c).unroll(x);\n",
                              f, tile, xo, lanes);
    schedule << llvm::formatv(
        "    {0}.update().reorder(c, x, {1}.x, {1}.y, {1}.z, y, n)"
        ".vectorize(c, {2}).unroll(c).unroll(x);\n",
        f, r, lanes);
    return;
  }
  int64_t block = tiling.channelBlock;
  schedule << llvm::formatv(
      "    {0}.{7}.split(x, {1}, {2}, vec, "
      "TailStrategy::GuardWithIf).split(c, {3}, {4}, {5}).reorder({2}, {4}, "
      "{1}, y, {3}, n).vectorize({2}).unroll({4}){6};\n",
      tile, xo, xi, co, ci, block, parallel, placement);
  schedule << llvm::formatv("    {0}.compute_at({1}, {2}).vectorize(x, vec, "
                            "TailStrategy::RoundUp).unroll(c);\n",
                            f, tile, xo);
  schedule << llvm::formatv(
      "    {0}.update().reorder(x, c, {1}.x, {1}.y, {1}.z, y, n).vectorize(x, "
      "vec, TailStrategy::RoundUp).unroll(c);\n",
      f, r);
}

/// A pool that reads a convolution's tiles, computed in bands of a few
/// output rows: the tiles for a band are computed just before it, so the
/// convolution's output is never written out whole.
void UnitEmitter::schedulePool(Value result) {
  std::string p = names.lookup(result);
  schedule << llvm::formatv(
      "    Var {0}_yo, {0}_yi;\n    {0}.compute_root().split(y, {0}_yo, "
      "{0}_yi, {1}, TailStrategy::GuardWithIf).reorder(x, {0}_yi, c, {0}_yo, "
      "n).vectorize(x, vec, TailStrategy::GuardWithIf).parallel({0}_yo);\n",
      p, bandRows.lookup(result));
}

/// A dense layer at batch 1 is a matrix-vector product bound by reading the
/// weights: the reduction is split into vectors along the contiguous rows
/// (rfactor), so each output feature streams its row with full-width loads,
/// and the partial sums are added at the end.
void UnitEmitter::scheduleDense(Value result) {
  std::string f = accumulators.count(result) ? accumulators.lookup(result)
                                             : names.lookup(result);
  std::string r = reductionDomains.lookup(result);
  std::string ro = f + "_ro", ri = f + "_ri", u = f + "_u",
              partial = f + "_partial";
  schedule << "    RVar " << ro << ", " << ri << ";\n    Var " << u << ";\n";
  schedule << llvm::formatv(
      "    Func {0} = {1}.update().split({2}, {3}, {4}, vec, "
      "TailStrategy::GuardWithIf).rfactor({4}, {5});\n",
      partial, f, r, ro, ri, u);
  // The partial sums of one output feature live in registers (computed at
  // that feature), so threads never share a cache line of accumulators.
  schedule << "    " << f << ".compute_root().update().parallel(x);\n";
  schedule << llvm::formatv("    {0}.compute_at({1}, x).vectorize({2});\n",
                            partial, f, u);
  schedule << llvm::formatv(
      "    {0}.update().reorder({1}, {2}).vectorize({1});\n", partial, u, ro);
}

/// Integer layers accumulate in the narrowest type that is exact for them:
/// every product and partial sum is an integer bounded by the layer's bound
/// (from its actual weights and biases: max over channels of |bias| +
/// max|x - zp| * sum|w|), and f32 holds integers below 2^24 exactly, int32
/// below 2^31, f64 below 2^53. So most layers get the f32 path's vectorized
/// multiply-adds, and every layer the bits of the int32 (int8) or 48-bit
/// (fixed16) accumulator of docs/INTEGER.md.
FailureOr<UnitEmitter::ExactOperands> UnitEmitter::exactOperands(Operation *op,
                                                                 Value input,
                                                                 Value weight,
                                                                 Value bias) {
  quant::UniformQuantizedType in = quantTypeOf(input);
  auto constantOf = [](Value v) -> std::optional<HostTensor> {
    SmallVector<HostTensor> values;
    auto c = v ? v.getDefiningOp<ConstantOp>() : ConstantOp();
    if (!c || failed(c.evaluate({}, values)) || values.front().isFloat())
      return std::nullopt;
    return values.front();
  };
  std::optional<HostTensor> w = constantOf(weight), b;
  if (bias)
    b = constantOf(bias);
  if (!in || !w || (bias && !b))
    return op->emitOpError() << "integer code needs a quantized input and "
                                "quantized constant weights and bias";
  // The largest |x - zp| of the input's storage.
  double maxInput =
      std::max<double>(in.getStorageTypeMax() - in.getZeroPoint(),
                       in.getZeroPoint() - in.getStorageTypeMin());
  int64_t channels = w->shape[0], row = w->numElements() / channels;
  double bound = 0.0;
  for (int64_t c = 0; c < channels; ++c) {
    double sum = b ? std::fabs(double(b->ints[c])) : 0.0;
    for (int64_t i = 0; i < row; ++i)
      sum += maxInput * std::fabs(double(w->ints[c * row + i]));
    bound = std::max(bound, sum);
  }
  ExactOperands r;
  // f32 where it is exact (the widest vectors); else int32 (int8 layers,
  // whose bound is below 2^31); else f64 (fixed16), faster than int64.
  if (bound < std::ldexp(1.0, 24))
    r.type = "float";
  else if (bound < std::ldexp(1.0, 31))
    r.type = "int32_t";
  else if (bound < std::ldexp(1.0, 53))
    r.type = "double";
  else
    return op->emitOpError() << "accumulator bound " << bound
                             << " is beyond exact f64 arithmetic";
  // x - zp, materialized once per inference (in a padded buffer or on its
  // own), and the weights converted.
  r.input = newName("real");
  int64_t rank = shapeOf(input).size();
  SmallVector<std::string> vars;
  for (int64_t i = 0; i < rank; ++i)
    vars.push_back(kVars[i]);
  std::string args = llvm::join(vars, ", ");
  code << llvm::formatv(
      "    Func {0}(\"{0}\");\n    {0}({1}) = cast<{2}>({3}({1})) "
      "- cast<{2}>({4});\n",
      r.input, args, r.type, names.lookup(input), in.getZeroPoint());
  r.weight = newName("wreal");
  int64_t wrank = shapeOf(weight).size();
  vars.clear();
  for (int64_t i = 0; i < wrank; ++i)
    vars.push_back(kVars[i]);
  std::string wargs = llvm::join(vars, ", ");
  code << llvm::formatv(
      "    Func {0}(\"{0}\");\n    {0}({1}) = cast<{2}>({3}({1}));\n", r.weight,
      wargs, r.type, names.lookup(weight));
  // A convolution reads each weight at every output pixel: convert them
  // once. A dense layer at batch 1 reads each weight once, and streams
  // them: converting in registers reads a quarter (int8) of the bytes.
  if (isa<Conv2DOp>(op))
    schedule << "    " << r.weight
             << ".compute_root().vectorize(x, vec, "
                "TailStrategy::GuardWithIf);\n";
  return r;
}

LogicalResult UnitEmitter::emitConv(Conv2DOp op) {
  ArrayRef<int64_t> w = shapeOf(op.getWeight());
  ArrayRef<int64_t> strides = op.getStrides(), pads = op.getPads(),
                    dil = op.getDilations();
  int64_t groups = op.getGroups();
  int64_t perGroup = w[0] / groups;
  Value out = op.getOutput();
  bool integer = isQuantized(out);
  std::optional<ExactOperands> exact;
  if (integer) {
    FailureOr<ExactOperands> e =
        exactOperands(op, op.getInput(), op.getWeight(), op.getBias());
    if (failed(e))
      return failure();
    exact = *e;
  }
  bool hasPadding =
      llvm::any_of(op.getPads(), [](int64_t p) { return p != 0; });
  // Padding is a real zero (for integers: x - zp = 0).
  std::string padded = integer ? exterior(exact->input, shapeOf(op.getInput()),
                                          "cast<" + exact->type + ">(0)")
                               : exterior(op.getInput(), "0.0f");
  // The padded input is materialized once, so that the inner loops read a
  // plain buffer instead of testing every tap against the borders.
  // Its outermost loop with work in it is parallel: channels, else rows.
  if (hasPadding)
    schedule << llvm::formatv("    {0}.compute_root().vectorize({0}.args()[0], "
                              "vec, TailStrategy::GuardWithIf).parallel({0}."
                              "args()[{1}]);\n",
                              padded, shapeOf(op.getInput())[1] > 1 ? 2 : 1);
  else if (integer)
    schedule << "    " << exact->input
             << ".compute_root().vectorize(x, vec, "
                "TailStrategy::GuardWithIf);\n";
  std::string acc;
  if (integer) {
    acc = declareAccumulator(out);
  } else {
    defineFunc(out, "conv");
  }
  std::string r = newName("r");
  reductionDomains[out] = r;
  code << llvm::formatv("    RDom {0}(0, {1}, 0, {2}, 0, {3}, \"{0}\");\n", r,
                        w[3], w[2], w[1]);
  std::string channel =
      groups == 1
          ? r + ".z"
          : llvm::formatv("(c / {0}) * {1} + {2}.z", perGroup, w[1], r).str();
  // Weights stored output channels innermost are read w(c, kw, kh, in).
  std::string weights = integer ? exact->weight : names.lookup(op.getWeight());
  std::string weight =
      convSchedules.lookup(out).acrossChannels
          ? llvm::formatv("{0}(c, {1}.x, {1}.y, {1}.z)", weights, r).str()
          : llvm::formatv("{0}({1}.x, {1}.y, {1}.z, c)", weights, r).str();
  std::string tap =
      padded + llvm::formatv("(x * {0} + {1}.x * {2} - {3}, y * {4} + {1}.y * "
                             "{5} - {6}, {7}, n)",
                             strides[1], r, dil[1], pads[1], strides[0], dil[0],
                             pads[0], channel)
                   .str();
  return emitMultiplyAdd(op, op.getBias(), "c",
                         integer ? acc + "(x, y, c, n)" : lhs(out), weight, tap,
                         exact, acc);
}

LogicalResult UnitEmitter::emitMultiplyAdd(
    Operation *op, Value bias, StringRef channel, StringRef f, StringRef weight,
    StringRef input, const std::optional<ExactOperands> &exact, StringRef acc) {
  std::string init =
      bias ? at(bias, {channel.str()}) : std::string(exact ? "0" : "0.0f");
  if (exact)
    init = "cast<" + exact->type + ">(" + init + ")";
  code << "    " << f << " = " << init << ";\n";
  code << "    " << f << " += " << weight << " * " << input << ";\n";
  if (!exact)
    return success();
  return emitLayerRequantize(op, op->getOperand(0), op->getOperand(1),
                             op->getResult(0), acc);
}

std::string UnitEmitter::addTable(StringRef prefix,
                                  std::vector<int64_t> values) {
  std::string n = newName(prefix);
  decls << "  Input<Buffer<int32_t, 1>> " << n << "{\"" << n << "\"};\n";
  UnitArgument arg{UnitArgument::Kind::Weight, n, {int64_t(values.size())}};
  arg.type = ElementType::I32;
  arg.values = std::move(values);
  info.args.push_back(std::move(arg));
  return n;
}

LogicalResult UnitEmitter::emitLayerRequantize(Operation *op, Value input,
                                               Value weight, Value out,
                                               StringRef acc) {
  bool isConv = isa<Conv2DOp>(op);
  int64_t channels = shapeOf(weight)[0];
  FailureOr<LayerRequantizer> r =
      getLayerRequantizer(op, input, weight, out, channels);
  if (failed(r))
    return failure();
  defineFunc(out, "rq");
  // The accumulator holds an exact integer (see exactOperands).
  std::string a =
      ("cast<int64_t>(" + acc + (isConv ? "(x, y, c, n)" : "(x, y)") + ")")
          .str();
  std::string y;
  if (r->fixed16) {
    // Back to int16: shift right by f_in + f_w - f_out, rounding half up.
    std::string shifted =
        r->shift > 0
            ? llvm::formatv("(({0} + (cast<int64_t>(1) << {1})) >> {2})", a,
                            r->shift - 1, r->shift)
                  .str()
            : llvm::formatv("({0} * (cast<int64_t>(1) << {1}))", a, -r->shift)
                  .str();
    y = llvm::formatv("cast<int16_t>(clamp({0}, cast<int64_t>({1}), "
                      "cast<int64_t>({2})))",
                      shifted, r->lo, r->hi);
  } else {
    std::vector<int64_t> m0s, ks;
    for (const integer::Multiplier &m : r->multipliers) {
      auto [m0, k] = deviceMultiplier(m);
      m0s.push_back(m0);
      ks.push_back(k);
    }
    std::string m0 = addTable("m0_", std::move(m0s));
    std::string k = addTable("k_", std::move(ks));
    std::string ch = isConv ? "c" : "x";
    usesIntegerHelpers = true;
    y = llvm::formatv("lcp_requantize(Int({7}), {0}, {1}({2}), {3}({2}), "
                      "{4}, {5}, {6})",
                      a, m0, ch, k, r->outputZeroPoint, r->lo, r->hi,
                      quantTypeOf(out).getStorageTypeIntegralWidth());
  }
  code << "    " << lhs(out) << " = " << y << ";\n";
  return success();
}

LogicalResult UnitEmitter::emitDense(DenseOp op) {
  int64_t k = shapeOf(op.getWeight())[1];
  Value out = op.getOutput();
  bool integer = isQuantized(out);
  std::optional<ExactOperands> exact;
  std::string acc;
  if (integer) {
    FailureOr<ExactOperands> e =
        exactOperands(op, op.getInput(), op.getWeight(), op.getBias());
    if (failed(e))
      return failure();
    exact = *e;
    schedule << "    " << exact->input
             << ".compute_root().vectorize(x, vec, "
                "TailStrategy::GuardWithIf);\n";
    acc = declareAccumulator(out);
  } else {
    defineFunc(out, "dense");
  }
  std::string r = newName("r");
  reductionDomains[out] = r;
  code << llvm::formatv("    RDom {0}(0, {1}, \"{0}\");\n", r, k);
  std::string weight =
      (integer ? exact->weight : names.lookup(op.getWeight())) + "(" + r +
      ", x)";
  std::string x =
      (integer ? exact->input : names.lookup(op.getInput())) + "(" + r + ", y)";
  return emitMultiplyAdd(op, op.getBias(), "x",
                         integer ? acc + "(x, y)" : lhs(out), weight, x, exact,
                         acc);
}

/// Coordinates of an operand broadcast to `out` (NumPy alignment): size-1
/// dimensions read index 0.
SmallVector<std::string> broadcastCoords(ArrayRef<int64_t> operand,
                                         ArrayRef<std::string> out) {
  SmallVector<std::string> result;
  size_t offset = out.size() - operand.size();
  for (size_t i = 0; i < operand.size(); ++i)
    result.push_back(operand[i] == 1 ? "0" : out[offset + i]);
  return result;
}

LogicalResult UnitEmitter::emitMatMul(MatMulOp op) {
  ArrayRef<int64_t> a = shapeOf(op.getLhs()), b = shapeOf(op.getRhs());
  Value out = op.getOutput();
  int64_t rank = shapeOf(out).size();
  SmallVector<std::string> t = coords(rank);
  defineFunc(out, "matmul");
  std::string r = newName("r");
  code << llvm::formatv("    RDom {0}(0, {1}, \"{0}\");\n", r, a.back());
  SmallVector<std::string> batch(t.begin(), t.end() - 2);
  SmallVector<std::string> ac = broadcastCoords(a.drop_back(2), batch);
  ac.push_back(t[rank - 2]);
  ac.push_back(r);
  SmallVector<std::string> bc = broadcastCoords(b.drop_back(2), batch);
  bc.push_back(r);
  bc.push_back(t[rank - 1]);
  code << "    " << lhs(out) << " = 0.0f;\n";
  code << "    " << lhs(out) << " += " << at(op.getLhs(), ac) << " * "
       << at(op.getRhs(), bc) << ";\n";
  return success();
}

LogicalResult UnitEmitter::emitBroadcast(Operation *op, StringRef symbol) {
  Value out = op->getResult(0);
  SmallVector<std::string> t = coords(shapeOf(out).size());
  defineFunc(out, symbol == "+" ? "add" : "mul");
  code << "    " << lhs(out) << " = "
       << at(op->getOperand(0), broadcastCoords(shapeOf(op->getOperand(0)), t))
       << " " << symbol << " "
       << at(op->getOperand(1), broadcastCoords(shapeOf(op->getOperand(1)), t))
       << ";\n";
  return success();
}

LogicalResult UnitEmitter::emitPool(Operation *op) {
  Value input = op->getOperand(0), out = op->getResult(0);
  ArrayRef<int64_t> in = shapeOf(input);
  bool isMax = isa<MaxPool2DOp>(op);
  ArrayRef<int64_t> kernel, strides, pads, dil;
  SmallVector<int64_t> unitDilation = {1, 1};
  if (auto max = dyn_cast<MaxPool2DOp>(op)) {
    kernel = max.getKernel(), strides = max.getStrides(), pads = max.getPads(),
    dil = max.getDilations();
  } else {
    auto avg = cast<AvgPool2DOp>(op);
    kernel = avg.getKernel(), strides = avg.getStrides(), pads = avg.getPads(),
    dil = unitDilation;
  }
  // Padding never wins a max; an average sums zeros and divides by the
  // number of positions counted. On integers: the storage minimum, and the
  // zero point (a real zero).
  quant::UniformQuantizedType qin = quantTypeOf(input), qout = quantTypeOf(out);
  std::string padValue =
      qin ? llvm::formatv("cast<{0}>({1})", storageOf(input),
                          isMax ? qin.getStorageTypeMin() : qin.getZeroPoint())
                .str()
          : (isMax ? floatLiteral(-INFINITY) : "0.0f");
  std::string padded = exterior(input, padValue);
  defineFunc(out, isMax ? "maxpool" : "avgpool");
  std::string r = newName("r");
  code << llvm::formatv("    RDom {0}(0, {1}, 0, {2}, \"{0}\");\n", r,
                        kernel[1], kernel[0]);
  std::string window =
      llvm::formatv("{0}(x * {1} + {2}.x * {3} - {4}, y * {5} + {2}.y * {6} - "
                    "{7}, c, n)",
                    padded, strides[1], r, dil[1], pads[1], strides[0], dil[0],
                    pads[0])
          .str();
  if (isMax) {
    code << "    " << lhs(out) << " = maximum(" << window << ");\n";
    return success();
  }
  bool includePad = cast<AvgPool2DOp>(op).getCountIncludePad();
  // Rows [start, start + k) clipped to the counted range: the input, or the
  // input with its explicit padding.
  auto extent = [&](StringRef var, int64_t stride, int64_t k, int64_t before,
                    int64_t size, int64_t after) {
    int64_t lo = includePad ? -before : 0;
    int64_t hi = includePad ? size + after : size;
    return llvm::formatv("(min({0} * {1} - {2} + {3}, {4}) - max({0} * {1} - "
                         "{2}, {5}))",
                         var, stride, before, k, hi, lo)
        .str();
  };
  std::string count =
      extent("y", strides[0], kernel[0], pads[0], in[2], pads[2]) + " * " +
      extent("x", strides[1], kernel[1], pads[1], in[3], pads[3]);
  if (!qin) {
    code << "    " << lhs(out) << " = sum(" << window << ") / cast<float>("
         << count << ");\n";
    return success();
  }
  // sum(x - zp) in int32, requantized with one multiplier per count of
  // positions (docs/INTEGER.md), looked up in a table by the count.
  std::vector<int64_t> m0s, ks;
  for (int64_t n = 0; n <= kernel[0] * kernel[1]; ++n) {
    integer::Multiplier m; // a count of 0 gives the zero point
    if (n) {
      FailureOr<integer::Multiplier> mn = averageMultiplier(op, qin, qout, n);
      if (failed(mn))
        return failure();
      m = *mn;
    } else {
      m.zero = true;
    }
    auto [m0, k] = deviceMultiplier(m);
    m0s.push_back(m0);
    ks.push_back(k);
  }
  std::string m0 = addTable("m0_", std::move(m0s));
  std::string k = addTable("k_", std::move(ks));
  usesIntegerHelpers = true;
  code << llvm::formatv(
      "    {0} = lcp_requantize(Int({1}), sum(cast<int32_t>({2}) "
      "- {3}), {4}({5}), {6}({5}), {7}, {8}, {9});\n",
      lhs(out), qout.getStorageTypeIntegralWidth(), window, qin.getZeroPoint(),
      m0,
      llvm::formatv("clamp({0}, 0, {1})", count, kernel[0] * kernel[1]).str(),
      k, qout.getZeroPoint(), qout.getStorageTypeMin(),
      qout.getStorageTypeMax());
  return success();
}

LogicalResult UnitEmitter::emitGlobalAvgPool(GlobalAvgPoolOp op) {
  ArrayRef<int64_t> in = shapeOf(op.getInput());
  defineFunc(op.getOutput(), "gap");
  std::string r = newName("r");
  code << llvm::formatv("    RDom {0}(0, {1}, 0, {2}, \"{0}\");\n", r, in[3],
                        in[2]);
  std::string element =
      names.lookup(op.getInput()) + "(" + r + ".x, " + r + ".y, c, n)";
  quant::UniformQuantizedType qin = quantTypeOf(op.getInput()),
                              qout = quantTypeOf(op.getOutput());
  if (!qin) {
    code << "    " << lhs(op.getOutput()) << " = sum(" << element << ") / "
         << floatLiteral(in[2] * in[3]) << ";\n";
    return success();
  }
  FailureOr<integer::Multiplier> m =
      averageMultiplier(op, qin, qout, in[2] * in[3]);
  if (failed(m))
    return failure();
  auto [m0, k] = deviceMultiplier(*m);
  usesIntegerHelpers = true;
  code << llvm::formatv(
      "    {0} = lcp_requantize(Int({1}), sum(cast<int32_t>({2}) "
      "- {3}), {4}, {5}, {6}, {7}, {8});\n",
      lhs(op.getOutput()), qout.getStorageTypeIntegralWidth(), element,
      qin.getZeroPoint(), m0, k, qout.getZeroPoint(), qout.getStorageTypeMin(),
      qout.getStorageTypeMax());
  return success();
}

LogicalResult UnitEmitter::emitLRN(LRNOp op) {
  int64_t size = op.getSize();
  int64_t before = (size - 1) / 2;
  std::string padded = exterior(op.getInput(), "0.0f");
  std::string squares = newName("lrn_sum");
  std::string r = newName("r");
  code << llvm::formatv("    RDom {0}(0, {1}, \"{0}\");\n", r, size);
  code << "    Func " << squares << "(\"" << squares << "\");\n";
  // Strict f32 (no fused multiply-adds), in the reference evaluator's
  // order: in a quantized model the LRN runs between integer layers, and
  // its bits decide how the next quantize step rounds.
  code << llvm::formatv("    {0}(x, y, c, n) = sum(strict_float({1}(x, y, c - "
                        "{2} + {3}, n) * {1}(x, y, c - {2} + {3}, n)));\n",
                        squares, padded, before, r);
  schedule << "    " << squares << ".compute_root().vectorize(x, vec, "
           << "TailStrategy::GuardWithIf).parallel(c);\n";
  defineFunc(op.getOutput(), "lrn");
  // Halide's own pow differs from the C library's in the last bits; in a
  // quantized unit those bits decide roundings, so it calls powf, as the
  // reference evaluator does (scalar calls, a small cost next to the
  // convolutions).
  bool exact =
      llvm::any_of(body.getOps<QuantizeOp>(), [](auto) { return true; });
  std::string base = floatLiteral(op.getBias().convertToFloat()) + " + " +
                     floatLiteral(op.getAlpha().convertToFloat() / size) +
                     " * " + squares + "(x, y, c, n)";
  std::string exponent = floatLiteral(op.getBeta().convertToFloat());
  std::string power =
      exact ? llvm::formatv("Internal::Call::make(Float(32), \"powf\", "
                            "{{strict_float({0}), {1}}, "
                            "Internal::Call::PureExtern)",
                            base, exponent)
                  .str()
            : "pow(" + base + ", " + exponent + ")";
  code << "    " << lhs(op.getOutput()) << " = strict_float("
       << lhs(op.getInput()) << " / " << power << ");\n";
  return success();
}

LogicalResult UnitEmitter::emitConcat(ConcatOp op) {
  Value out = op.getOutput();
  int64_t rank = shapeOf(out).size();
  int64_t axis = op.getAxis();
  SmallVector<std::string> t = coords(rank);
  std::string var = t[axis];
  defineFunc(out, "concat");
  code << "    " << lhs(out) << " = select(";
  int64_t offset = 0;
  for (auto [i, input] : llvm::enumerate(op.getInputs())) {
    // select evaluates every branch, so each reads a clamped coordinate to
    // keep its bounds inside its input.
    SmallVector<std::string> c(t);
    int64_t size = shapeOf(input)[axis];
    c[axis] =
        llvm::formatv("clamp({0} - {1}, 0, {2})", var, offset, size - 1).str();
    offset += size;
    bool last = i + 1 == op.getInputs().size();
    if (!last)
      code << var << " < " << offset << ", ";
    code << at(input, c) << (last ? ");\n" : ", ");
  }
  if (op.getInputs().size() == 1) // select needs a condition
    return op.emitOpError() << "single-input concat is not emitted";
  return success();
}

LogicalResult UnitEmitter::emitReshape(ReshapeOp op) {
  ArrayRef<int64_t> in = shapeOf(op.getInput()), out = shapeOf(op.getOutput());
  SmallVector<std::string> t = coords(out.size());
  // The row-major linear index of an output element, decomposed along the
  // input's dimensions.
  std::string linear;
  int64_t stride = 1;
  for (int64_t i = out.size() - 1; i >= 0; --i) {
    if (out[i] == 1)
      continue;
    std::string term =
        stride == 1 ? t[i] : llvm::formatv("{0} * {1}", t[i], stride).str();
    linear = linear.empty() ? term : term + " + " + linear;
    stride *= out[i];
  }
  if (linear.empty())
    linear = "0";
  SmallVector<std::string> c;
  stride = 1;
  SmallVector<int64_t> inStrides(in.size());
  for (int64_t i = in.size() - 1; i >= 0; --i) {
    inStrides[i] = stride;
    stride *= in[i];
  }
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == 1) {
      c.push_back("0");
      continue;
    }
    std::string index = "(" + linear + ")";
    if (inStrides[i] != 1)
      index = llvm::formatv("{0} / {1}", index, inStrides[i]).str();
    if (i != 0)
      index = llvm::formatv("({0}) % {1}", index, in[i]).str();
    c.push_back(index);
  }
  defineFunc(op.getOutput(), "reshape");
  code << "    " << lhs(op.getOutput()) << " = " << at(op.getInput(), c)
       << ";\n";
  return success();
}

LogicalResult UnitEmitter::emitTranspose(TransposeOp op) {
  ArrayRef<int64_t> perm = op.getPerm();
  SmallVector<std::string> t = coords(perm.size());
  SmallVector<std::string> c(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    c[perm[i]] = t[i];
  defineFunc(op.getOutput(), "transpose");
  code << "    " << lhs(op.getOutput()) << " = " << at(op.getInput(), c)
       << ";\n";
  return success();
}

LogicalResult UnitEmitter::emitSlice(SliceOp op) {
  ArrayRef<int64_t> offsets = op.getOffsets();
  SmallVector<std::string> c = coords(offsets.size());
  for (auto [coord, offset] : llvm::zip(c, offsets))
    if (offset != 0)
      coord += " + " + std::to_string(offset);
  defineFunc(op.getOutput(), "slice");
  code << "    " << lhs(op.getOutput()) << " = " << at(op.getInput(), c)
       << ";\n";
  return success();
}

LogicalResult UnitEmitter::emitSoftmax(SoftmaxOp op) {
  Value in = op.getInput(), out = op.getOutput();
  int64_t rank = shapeOf(in).size(), axis = op.getAxis();
  SmallVector<std::string> t = coords(rank);
  std::string r = newName("r");
  code << llvm::formatv("    RDom {0}(0, {1}, \"{0}\");\n", r,
                        shapeOf(in)[axis]);
  SmallVector<std::string> reduced(t);
  reduced[axis] = r;
  std::string maxName = newName("softmax_max"),
              expName = newName("softmax_exp"),
              sumName = newName("softmax_sum");
  std::string pure = at(in, t);
  auto call = [&](StringRef f, ArrayRef<std::string> c) {
    SmallVector<std::string> h(c.rbegin(), c.rend());
    return (f + "(" + llvm::join(h, ", ") + ")").str();
  };
  code << "    Func " << maxName << "(\"" << maxName << "\"), " << expName
       << "(\"" << expName << "\"), " << sumName << "(\"" << sumName
       << "\");\n";
  code << "    " << call(maxName, t) << " = maximum(" << at(in, reduced)
       << ");\n";
  code << "    " << call(expName, t) << " = exp(" << pure << " - "
       << call(maxName, t) << ");\n";
  code << "    " << call(sumName, t) << " = sum(" << call(expName, reduced)
       << ");\n";
  defineFunc(out, "softmax");
  code << "    " << lhs(out) << " = " << call(expName, t) << " / "
       << call(sumName, t) << ";\n";
  schedule << "    " << maxName << ".compute_root();\n    " << expName
           << ".compute_root();\n    " << sumName << ".compute_root();\n";
  return success();
}

LogicalResult UnitEmitter::emitQuantize(QuantizeOp op) {
  // The one float step on a device, in strict f32 (no fused multiply-add):
  // clamp(floor(x * inv_scale + 0.5) + zp, lo, hi); NaN reads as zero.
  quant::UniformQuantizedType q = quantTypeOf(op.getOutput());
  float invScale = static_cast<float>(1.0 / q.getScale());
  float zp = static_cast<float>(q.getZeroPoint());
  defineFunc(op.getOutput(), "quantize");
  std::string x = lhs(op.getInput());
  code << llvm::formatv(
      "    {0} = cast<{1}>(strict_float(clamp(select(is_nan({2}), {3}, "
      "floor({2} * {4} + 0.5f) + {3}), {5}, {6})));\n",
      lhs(op.getOutput()), storageOf(op.getOutput()), x, floatLiteral(zp),
      floatLiteral(invScale), floatLiteral(q.getStorageTypeMin()),
      floatLiteral(q.getStorageTypeMax()));
  return success();
}

LogicalResult UnitEmitter::emitDequantize(DequantizeOp op) {
  quant::UniformQuantizedType q = quantTypeOf(op.getInput());
  defineFunc(op.getOutput(), "dequantize");
  code << llvm::formatv(
      "    {0} = strict_float({1} * cast<float>(cast<int32_t>({2}) - {3}));\n",
      lhs(op.getOutput()), floatLiteral(static_cast<float>(q.getScale())),
      lhs(op.getInput()), q.getZeroPoint());
  return success();
}

LogicalResult UnitEmitter::emitRequantize(RequantizeOp op) {
  quant::UniformQuantizedType in = quantTypeOf(op.getInput()),
                              out = quantTypeOf(op.getOutput());
  FailureOr<integer::Multiplier> m =
      rescaleMultiplier(op, in.getScale(), out.getScale(), "the value");
  if (failed(m))
    return failure();
  auto [m0, k] = deviceMultiplier(*m);
  defineFunc(op.getOutput(), "requantize");
  usesIntegerHelpers = true;
  code << llvm::formatv("    {0} = lcp_requantize(Int({1}), cast<int32_t>({2}) "
                        "- {3}, {4}, {5}, {6}, {7}, {8});\n",
                        lhs(op.getOutput()), out.getStorageTypeIntegralWidth(),
                        lhs(op.getInput()), in.getZeroPoint(), m0, k,
                        out.getZeroPoint(), out.getStorageTypeMin(),
                        out.getStorageTypeMax());
  return success();
}

LogicalResult UnitEmitter::emitIntegerAdd(AddOp op) {
  // Each operand brought to the output's scale on its own, then summed with
  // the zero point and clamped (docs/INTEGER.md).
  Value out = op.getOutput();
  quant::UniformQuantizedType qo = quantTypeOf(out);
  SmallVector<std::string> t = coords(shapeOf(out).size());
  std::string terms;
  for (Value operand : {op.getLhs(), op.getRhs()}) {
    quant::UniformQuantizedType q = quantTypeOf(operand);
    if (!q)
      return op.emitOpError() << "integer add needs both operands quantized";
    FailureOr<integer::Multiplier> m =
        rescaleMultiplier(op, q.getScale(), qo.getScale(), "an operand");
    if (failed(m))
      return failure();
    auto [m0, k] = deviceMultiplier(*m);
    terms += llvm::formatv("lcp_rescale(cast<int32_t>({0}) - {1}, {2}, {3}) + ",
                           at(operand, broadcastCoords(shapeOf(operand), t)),
                           q.getZeroPoint(), m0, k);
  }
  usesIntegerHelpers = true;
  defineFunc(out, "add");
  code << llvm::formatv("    {0} = cast<{1}>(clamp({2}cast<int64_t>({3}), "
                        "cast<int64_t>({4}), cast<int64_t>({5})));\n",
                        lhs(out), storageOf(out), terms, qo.getZeroPoint(),
                        qo.getStorageTypeMin(), qo.getStorageTypeMax());
  return success();
}

LogicalResult UnitEmitter::emitOp(Operation *op) {
  if (auto c = dyn_cast<ConstantOp>(op)) {
    std::string n = newName("w");
    names[c.getOutput()] = n;
    ArrayRef<int64_t> s = shapeOf(c.getOutput());
    UnitArgument arg{UnitArgument::Kind::Weight, n, {}, op};
    ArrayRef<int64_t> layout = weightLayouts.lookup(op);
    for (size_t i = 0; i < s.size(); ++i)
      arg.shape.push_back(layout.empty() ? s[i] : s[layout[i]]);
    arg.permutation.assign(layout.begin(), layout.end());
    std::optional<ElementType> type = elementTypeOf(c.getOutput().getType());
    if (!type)
      return c.emitOpError() << "has elements of type "
                             << getElementTypeOrSelf(c.getOutput().getType())
                             << ", which the Halide backend does not take";
    arg.type = *type;
    decls << "  Input<Buffer<" << cppType(*type) << ", " << s.size() << ">> "
          << n << "{\"" << n << "\"};";
    if (!layout.empty())
      decls << " // stored [in][kh][kw][out]";
    decls << "\n";
    info.args.push_back(std::move(arg));
    return success();
  }
  LogicalResult result =
      llvm::TypeSwitch<Operation *, LogicalResult>(op)
          .Case([&](Conv2DOp o) { return emitConv(o); })
          .Case([&](DenseOp o) { return emitDense(o); })
          .Case([&](MatMulOp o) { return emitMatMul(o); })
          .Case([&](AddOp o) {
            return isQuantized(o.getOutput()) ? emitIntegerAdd(o)
                                              : emitBroadcast(o, "+");
          })
          .Case([&](QuantizeOp o) { return emitQuantize(o); })
          .Case([&](DequantizeOp o) { return emitDequantize(o); })
          .Case([&](RequantizeOp o) { return emitRequantize(o); })
          .Case([&](MulOp o) { return emitBroadcast(o, "*"); })
          .Case([&](ReluOp o) {
            defineFunc(o.getOutput(), "relu");
            // On integers: max(q, zero point), the quantized real zero.
            quant::UniformQuantizedType q = quantTypeOf(o.getOutput());
            std::string zero =
                q ? llvm::formatv("cast<{0}>({1})", storageOf(o.getOutput()),
                                  q.getZeroPoint())
                        .str()
                  : "0.0f";
            code << "    " << lhs(o.getOutput()) << " = max("
                 << lhs(o.getInput()) << ", " << zero << ");\n";
            return success();
          })
          .Case([&](ClipOp o) {
            defineFunc(o.getOutput(), "clip");
            if (quant::UniformQuantizedType q = quantTypeOf(o.getOutput())) {
              auto [lo, hi] = clipBounds(q, o.getMin(), o.getMax());
              code << llvm::formatv(
                  "    {0} = clamp({1}, cast<{2}>({3}), cast<{2}>({4}));\n",
                  lhs(o.getOutput()), lhs(o.getInput()),
                  storageOf(o.getOutput()), lo, hi);
              return success();
            }
            std::string v = lhs(o.getInput());
            if (o.getMin())
              v = "max(" + v + ", " +
                  floatLiteral(o.getMin()->convertToFloat()) + ")";
            if (o.getMax())
              v = "min(" + v + ", " +
                  floatLiteral(o.getMax()->convertToFloat()) + ")";
            code << "    " << lhs(o.getOutput()) << " = " << v << ";\n";
            return success();
          })
          .Case<MaxPool2DOp, AvgPool2DOp>(
              [&](Operation *o) { return emitPool(o); })
          .Case([&](GlobalAvgPoolOp o) { return emitGlobalAvgPool(o); })
          .Case([&](BatchNormOp o) {
            defineFunc(o.getOutput(), "batchnorm");
            int64_t rank = shapeOf(o.getInput()).size();
            std::string ch = kVars[rank - 2];
            code << "    " << lhs(o.getOutput()) << " = "
                 << names.lookup(o.getScale()) << "(" << ch << ") * ("
                 << lhs(o.getInput()) << " - " << names.lookup(o.getMean())
                 << "(" << ch << ")) / sqrt(" << names.lookup(o.getVariance())
                 << "(" << ch << ") + "
                 << floatLiteral(o.getEpsilon().convertToFloat()) << ") + "
                 << names.lookup(o.getBias()) << "(" << ch << ");\n";
            return success();
          })
          .Case([&](LRNOp o) { return emitLRN(o); })
          .Case([&](ConcatOp o) { return emitConcat(o); })
          .Case([&](ReshapeOp o) { return emitReshape(o); })
          .Case([&](TransposeOp o) { return emitTranspose(o); })
          .Case([&](SliceOp o) { return emitSlice(o); })
          .Case([&](SoftmaxOp o) { return emitSoftmax(o); })
          .Default([&](Operation *o) {
            return o->emitOpError() << "has no Halide code generation";
          });
  if (failed(result))
    return failure();
  scheduleValue(op, op->getResult(0));
  return success();
}

LogicalResult UnitEmitter::readSchedules() {
  for (Conv2DOp conv : body.getOps<Conv2DOp>()) {
    FailureOr<ConvSchedule> schedule = ConvSchedule::read(conv);
    if (failed(schedule))
      return failure();
    convSchedules[conv.getOutput()] = *schedule;
    if (schedule->acrossChannels)
      weightLayouts[conv.getWeight().getDefiningOp()] = kChannelsInnermost;
    Value end = conv.getOutput();
    for (int64_t i = 0; i < schedule->epilogue; ++i) {
      if (!end.hasOneUse() || !isEpilogueStep(end, *end.getUsers().begin()))
        return conv.emitOpError()
               << "has an epilogue of " << schedule->epilogue << " ops in '"
               << kScheduleAttrName << "', but only " << i
               << " ops after it can be computed in its tiles";
      end = end.getUsers().begin()->getResult(0);
    }
    if (end == conv.getOutput())
      continue;
    if (epilogueOwners.count(end))
      return conv.emitOpError() << "has an epilogue in '" << kScheduleAttrName
                                << "' that another convolution computes";
    epilogueEnds[conv.getOutput()] = end;
    epilogueOwners[end] = conv.getOutput();
  }
  for (Operation &op : body) {
    if (!PoolSchedule::appliesTo(&op))
      continue;
    FailureOr<std::optional<PoolSchedule>> schedule = PoolSchedule::read(&op);
    if (failed(schedule))
      return failure();
    if (!*schedule)
      continue;
    Value tiles = op.getOperand(0);
    bool isTiles = epilogueOwners.count(tiles) ||
                   (convSchedules.count(tiles) && !epilogueEnds.count(tiles));
    if (!isTiles || !tiles.hasOneUse())
      return op.emitOpError()
             << "has 'band_rows' in '" << kScheduleAttrName
             << "', but is not the only reader of a convolution's tiles";
    pooledTiles[tiles] = op.getResult(0);
    poolInputs[op.getResult(0)] = tiles;
    bandRows[op.getResult(0)] = (*schedule)->bandRows;
  }
  return success();
}

LogicalResult UnitEmitter::emit(raw_ostream &os) {
  for (auto [i, arg] : llvm::enumerate(body.getArguments())) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    std::optional<ElementType> element =
        type && type.hasStaticShape() ? elementTypeOf(type) : std::nullopt;
    if (!element)
      return emitError(arg.getLoc())
             << "unit input " << i << " has type " << arg.getType()
             << "; the Halide backend takes static f32 or quantized (i8, i16, "
                "i32) tensors";
    std::string n = "input" + std::to_string(i);
    names[arg] = n;
    decls << "  Input<Buffer<" << cppType(*element) << ", " << type.getRank()
          << ">> " << n << "{\"" << n << "\"};\n";
    UnitArgument input{
        UnitArgument::Kind::Input, n,
        std::vector<int64_t>(type.getShape().begin(), type.getShape().end())};
    input.type = *element;
    info.args.push_back(std::move(input));
  }
  // Schedules first: they decide how the weights, declared before their
  // users, are stored.
  if (failed(readSchedules()))
    return failure();
  Operation *terminator = body.getTerminator();
  for (Operation &op : body.without_terminator()) {
    for (Type t : op.getResultTypes())
      if (!elementTypeOf(t))
        return op.emitOpError() << "produces " << t
                                << "; the Halide backend takes f32 or "
                                   "quantized (i8, i16, i32) tensors";
    // Ops with integer semantics have integer code; the rest take f32 only.
    if (!op.hasTrait<OpFamily::IntegerSemantics>() &&
        llvm::any_of(op.getOperands(), isQuantized))
      return op.emitOpError()
             << "has quantized operands, which its Halide code does not "
                "take (dequantize them first; lcp-quantize does)";
    if (failed(emitOp(&op)))
      return failure();
  }
  SmallVector<std::string> outputs;
  SmallVector<ArrayRef<int64_t>> outputShapes;
  for (auto [i, v] : llvm::enumerate(terminator->getOperands())) {
    std::string n = "output" + std::to_string(i);
    ArrayRef<int64_t> s = shapeOf(v);
    ElementType element = *elementTypeOf(v.getType());
    decls << "  Output<Buffer<" << cppType(element) << ", " << s.size() << ">> "
          << n << "{\"" << n << "\"};\n";
    UnitArgument output{UnitArgument::Kind::Output, n,
                        std::vector<int64_t>(s.begin(), s.end())};
    output.type = element;
    info.args.push_back(std::move(output));
    code << "    " << n << "(" <<
        [&] {
          SmallVector<std::string> h;
          for (size_t d = 0; d < s.size(); ++d)
            h.push_back(kVars[d]);
          return llvm::join(h, ", ");
        }()
         << ") = " << lhs(v) << ";\n";
    outputs.push_back(n);
    outputShapes.push_back(s);
  }

  // Every buffer's extents are static: telling Halide lets it drop bounds
  // checks and pick vector loops that fit.
  std::string bounds;
  llvm::raw_string_ostream b(bounds);
  for (const UnitArgument &arg : info.args) {
    b << "    " << arg.name;
    for (size_t d = 0; d < arg.shape.size(); ++d)
      b << ".dim(" << d << ").set_bounds(0, "
        << arg.shape[arg.shape.size() - 1 - d] << ")";
    b << ";\n";
  }

  os << "// Halide generator of lcp unit '" << info.function
     << "', emitted by lcp. Weights are runtime inputs.\n";
  if (usesIntegerHelpers)
    os << kIntegerHelpers;
  os << "class " << info.function << "_generator : public Halide::Generator<"
     << info.function << "_generator> {\npublic:\n";
  os << declText;
  os << "\n  void generate() {\n";
  os << "    using namespace Halide;\n";
  os << "    Var x(\"x\"), y(\"y\"), c(\"c\"), n(\"n\"), d4(\"d4\"), "
        "d5(\"d5\");\n";
  os << "    const int vec = natural_vector_size<float>();\n";
  os << "    (void)c;\n    (void)n;\n    (void)d4;\n    (void)d5;\n";
  os << codeText;
  os << "\n    // Static shapes.\n" << bounds;
  os << "\n    // Schedule.\n" << scheduleText;
  for (auto [out, shape] : llvm::zip(outputs, outputShapes)) {
    os << "    " << out << ".vectorize(x, vec, TailStrategy::GuardWithIf)";
    if (shape.size() >= 3 && shape[shape.size() - 3] > 1)
      os << ".parallel(c)";
    os << ";\n";
  }
  os << "  }\n};\n";
  os << "HALIDE_REGISTER_GENERATOR(" << info.function << "_generator, "
     << info.function << ")\n";
  return success();
}

} // namespace

LogicalResult emitGenerator(Operation *unit, StringRef name, raw_ostream &os,
                            UnitSignature &info) {
  info.function = name.str();
  info.args.clear();
  Region &region = unit->getRegion(0);
  if (!region.hasOneBlock())
    return unit->emitOpError() << "must have one block to emit";
  UnitEmitter emitter(region.front(), name, info);
  return emitter.emit(os);
}

} // namespace lcp::halide
