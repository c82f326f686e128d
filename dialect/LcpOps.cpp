//===- LcpOps.cpp - Verifiers and folders of lcp ops ----------------------===//

#include "dialect/LcpOps.h"
#include "dialect/ShapeInference.h"
#include "support/IntegerSemantics.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace lcp;

#include "dialect/LcpInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "dialect/LcpOps.cpp.inc"

namespace {

ArrayRef<int64_t> shapeOf(Value value) {
  return cast<ShapedType>(value.getType()).getShape();
}

/// The shape of an optional operand, if present.
std::optional<ArrayRef<int64_t>> optionalShapeOf(Value value) {
  if (!value)
    return std::nullopt;
  return shapeOf(value);
}

/// Checks the result's shape against the shape the op's rule computes.
LogicalResult verifyResultShape(Operation *op,
                                FailureOr<shape::Shape> expected) {
  if (failed(expected))
    return failure();
  ArrayRef<int64_t> actual = shapeOf(op->getResult(0));
  if (ArrayRef<int64_t>(*expected) == actual)
    return success();
  return op->emitOpError() << "result shape " << shape::toString(actual)
                           << " does not match the expected "
                           << shape::toString(*expected);
}

/// Branches and the merge: the body's arguments are the unit's inputs and
/// its terminator yields the unit's results.
LogicalResult verifyUnit(UnitOpInterface op, Region &body) {
  StringRef id = op.getUnitId();
  ValueRange inputs = op.getUnitInputs();
  if (id.empty())
    return op->emitOpError() << "needs a non-empty 'id'";
  auto device = op->getAttrOfType<StringAttr>("device");
  if (device && device.getValue().empty())
    return op->emitOpError() << "has an empty 'device'";
  if (auto replicas = op->getAttrOfType<ArrayAttr>("replicas")) {
    if (!device)
      return op->emitOpError() << "has 'replicas' but no 'device'";
    llvm::StringSet<> seen{device.getValue()};
    for (Attribute replica : replicas) {
      StringRef name = cast<StringAttr>(replica).getValue();
      if (name.empty())
        return op->emitOpError() << "has an empty name in 'replicas'";
      if (!seen.insert(name).second)
        return op->emitOpError() << "names device '" << name
                                 << "' twice in 'device' and 'replicas'";
    }
  }
  Block &block = body.front();
  if (block.getNumArguments() != inputs.size())
    return op->emitOpError()
           << "body has " << block.getNumArguments()
           << " argument(s), but the op has " << inputs.size() << " input(s)";
  for (auto [i, input, arg] : llvm::enumerate(inputs, block.getArguments()))
    if (input.getType() != arg.getType())
      return op->emitOpError()
             << "body argument " << i << " has type " << arg.getType()
             << ", but input " << i << " has type " << input.getType();
  // Not getTerminator(): it asserts that the last op is a terminator, and this
  // runs before the body's ops are verified. SingleBlock ensures the block is
  // not empty.
  auto yield = dyn_cast<YieldOp>(block.back());
  if (!yield)
    return op->emitOpError() << "body must end in 'lcp.yield'";
  if (yield.getValues().getTypes() != op->getResultTypes())
    return op->emitOpError()
           << "yields (" << yield.getValues().getTypes()
           << ") but its results are (" << op->getResultTypes() << ")";
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Structure ops
//===----------------------------------------------------------------------===//

LogicalResult BranchOp::verify() { return verifyUnit(*this, getBody()); }

LogicalResult StemOp::verify() { return verifyUnit(*this, getBody()); }

LogicalResult MergeOp::verify() { return verifyUnit(*this, getBody()); }

LogicalResult PartOp::verify() { return verifyUnit(*this, getBody()); }

//===----------------------------------------------------------------------===//
// Compute ops
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  Attribute value = getValue();
  if (!isa<DenseElementsAttr, DenseResourceElementsAttr>(value))
    return emitOpError() << "value must be a dense or dense_resource "
                            "elements attribute";
  // The parser turns a `dense` literal of a non-numeric element type (such as
  // a quant type) into strings, dropping the numbers written.
  if (isa<DenseStringElementsAttr>(value))
    return emitOpError() << "value holds strings, not numbers (a quantized "
                            "constant must be a dense_resource blob)";
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(value)) {
    // A blob that is present must hold exactly the elements of the type;
    // an elided one (printed as "__elided__") has no data to check.
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (blob) {
      auto type = cast<ShapedType>(resource.getType());
      // A quantized value is stored as its integer storage type.
      Type elementType = type.getElementType();
      if (auto quantized = dyn_cast<quant::QuantizedType>(elementType))
        elementType = quantized.getStorageType();
      size_t expected = type.getNumElements() *
                        ((elementType.getIntOrFloatBitWidth() + 7) / 8);
      if (blob->getData().size() != expected)
        return emitOpError()
               << "resource blob holds " << blob->getData().size()
               << " bytes, type " << type << " needs " << expected;
    }
  }
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// Folders: ops that compute nothing, or what an op of the same kind before
// them already computed. --canonicalize applies them.
//===----------------------------------------------------------------------===//

namespace {

/// Whether `attr` (a folded constant operand) is a splat of `value`.
bool isSplatOf(Attribute attr, float value) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  return dense && dense.isSplat() && dense.getElementType().isF32() &&
         dense.getSplatValue<float>() == value;
}

/// x + 0 and x * 1 are x when the constant does not broadcast x wider.
OpFoldResult foldIdentity(Operation *op, Attribute lhs, Attribute rhs,
                          float identity) {
  Value x = op->getOperand(0), y = op->getOperand(1);
  Type type = op->getResult(0).getType();
  if (isSplatOf(rhs, identity) && x.getType() == type)
    return x;
  if (isSplatOf(lhs, identity) && y.getType() == type)
    return y;
  return {};
}

} // namespace

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(*this, adaptor.getLhs(), adaptor.getRhs(), 0.0f);
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldIdentity(*this, adaptor.getLhs(), adaptor.getRhs(), 1.0f);
}

OpFoldResult ReluOp::fold(FoldAdaptor) {
  // relu(relu(x)) = relu(x).
  if (auto inner = getInput().getDefiningOp<ReluOp>())
    return inner.getOutput();
  return {};
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // A reshape of a reshape reads the first one's input.
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getOutput();
  }
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPerm();
  for (auto [i, p] : llvm::enumerate(perm))
    if (p != static_cast<int64_t>(i))
      return {};
  return getInput();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput(); // the verifier leaves no offset but zero
  return {};
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  return {};
}

LogicalResult Conv2DOp::verify() {
  return verifyResultShape(
      *this, shape::inferConv2D(shapeOf(getInput()), shapeOf(getWeight()),
                                optionalShapeOf(getBias()), getStrides(),
                                getPads(), getDilations(), getGroups(),
                                [&] { return emitOpError(); }));
}

LogicalResult DenseOp::verify() {
  return verifyResultShape(
      *this, shape::inferDense(shapeOf(getInput()), shapeOf(getWeight()),
                               optionalShapeOf(getBias()),
                               [&] { return emitOpError(); }));
}

LogicalResult MatMulOp::verify() {
  return verifyResultShape(
      *this, shape::inferMatMul(shapeOf(getLhs()), shapeOf(getRhs()),
                                [&] { return emitOpError(); }));
}

LogicalResult TransposeOp::verify() {
  return verifyResultShape(
      *this, shape::inferTranspose(shapeOf(getInput()), getPerm(),
                                   [&] { return emitOpError(); }));
}

//===----------------------------------------------------------------------===//
// Conversions between f32 and integers
//===----------------------------------------------------------------------===//

namespace {

/// The per-tensor quant type of `v`'s elements, if it has one that the
/// integer contract covers (signed 8 or 16 bits, expressed in f32).
quant::UniformQuantizedType perTensorType(Value v) {
  auto q = dyn_cast<quant::UniformQuantizedType>(
      cast<ShapedType>(v.getType()).getElementType());
  if (!q || !q.isSigned() || !q.getExpressedType().isF32() ||
      (q.getStorageTypeIntegralWidth() != 8 &&
       q.getStorageTypeIntegralWidth() != 16))
    return nullptr;
  return q;
}

LogicalResult verifyConversion(Operation *op, bool quantizedIn,
                               bool quantizedOut) {
  Value in = op->getOperand(0), out = op->getResult(0);
  if (shapeOf(in) != shapeOf(out))
    return op->emitOpError()
           << "result shape " << shape::toString(shapeOf(out))
           << " differs from the input's " << shape::toString(shapeOf(in));
  for (auto [v, quantized, what] : {std::tuple(in, quantizedIn, "input"),
                                    std::tuple(out, quantizedOut, "result")}) {
    Type element = cast<ShapedType>(v.getType()).getElementType();
    if (quantized && !perTensorType(v))
      return op->emitOpError()
             << what << " must have a per-tensor !quant.uniform type of i8 or "
             << "i16 expressed in f32, not " << element;
    if (!quantized && !element.isF32())
      return op->emitOpError() << what << " must be f32, not " << element;
  }
  return success();
}

} // namespace

LogicalResult QuantizeOp::verify() {
  return verifyConversion(*this, /*quantizedIn=*/false, /*quantizedOut=*/true);
}

LogicalResult DequantizeOp::verify() {
  return verifyConversion(*this, /*quantizedIn=*/true, /*quantizedOut=*/false);
}

LogicalResult RequantizeOp::verify() {
  if (failed(verifyConversion(*this, true, true)))
    return failure();
  integer::Multiplier m;
  double ratio = perTensorType(getInput()).getScale() /
                 perTensorType(getOutput()).getScale();
  if (const char *why = integer::quantizeMultiplier(ratio, m))
    return emitOpError() << "scale ratio " << ratio
                         << " cannot be requantized: " << why;
  return success();
}

LogicalResult SliceOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput()), out = shapeOf(getOutput());
  ArrayRef<int64_t> offsets = getOffsets();
  if (in.size() != out.size())
    return emitOpError() << "result rank " << out.size()
                         << " differs from the input's " << in.size();
  if (offsets.size() != in.size())
    return emitOpError() << "has " << offsets.size()
                         << " offsets for an input of rank " << in.size();
  for (size_t d = 0; d < in.size(); ++d)
    if (offsets[d] < 0 || offsets[d] + out[d] > in[d])
      return emitOpError() << "box " << shape::toString(out) << " at offsets ["
                           << offsets << "] leaves the input "
                           << shape::toString(in) << " in dimension " << d;
  return success();
}

LogicalResult AddOp::verify() {
  return verifyResultShape(
      *this, shape::inferBroadcast(shapeOf(getLhs()), shapeOf(getRhs()),
                                   [&] { return emitOpError(); }));
}

LogicalResult MulOp::verify() {
  return verifyResultShape(
      *this, shape::inferBroadcast(shapeOf(getLhs()), shapeOf(getRhs()),
                                   [&] { return emitOpError(); }));
}

LogicalResult ReluOp::verify() {
  return verifyResultShape(*this, shape::Shape(shapeOf(getInput())));
}

LogicalResult ClipOp::verify() {
  if (getMin() && getMin()->isNaN())
    return emitOpError() << "'min' must be a number, got NaN";
  if (getMax() && getMax()->isNaN())
    return emitOpError() << "'max' must be a number, got NaN";
  if (getMin() && getMax() &&
      getMin()->convertToFloat() > getMax()->convertToFloat())
    return emitOpError() << "'min' (" << getMin()->convertToFloat()
                         << ") is greater than 'max' ("
                         << getMax()->convertToFloat() << ")";
  return verifyResultShape(*this, shape::Shape(shapeOf(getInput())));
}

LogicalResult MaxPool2DOp::verify() {
  return verifyResultShape(
      *this, shape::inferPool2D(shapeOf(getInput()), getKernel(), getStrides(),
                                getPads(), getDilations(), getCeilMode(),
                                [&] { return emitOpError(); }));
}

LogicalResult AvgPool2DOp::verify() {
  if (!getCountIncludePad() && getKernel().size() == 2 &&
      getPads().size() == 4 &&
      failed(shape::checkWindowsCoverInput(getKernel(), getPads(),
                                           [&] { return emitOpError(); })))
    return failure();
  return verifyResultShape(
      *this, shape::inferPool2D(shapeOf(getInput()), getKernel(), getStrides(),
                                getPads(), {1, 1}, getCeilMode(),
                                [&] { return emitOpError(); }));
}

LogicalResult GlobalAvgPoolOp::verify() {
  ArrayRef<int64_t> in = shapeOf(getInput());
  return verifyResultShape(*this, shape::Shape{in[0], in[1], 1, 1});
}

LogicalResult BatchNormOp::verify() {
  // Written so that NaN fails too.
  if (!(getEpsilon().convertToFloat() >= 0))
    return emitOpError() << "'epsilon' must be a non-negative number, got "
                         << getEpsilon().convertToFloat();
  ArrayRef<int64_t> params[] = {shapeOf(getScale()), shapeOf(getBias()),
                                shapeOf(getMean()), shapeOf(getVariance())};
  return verifyResultShape(
      *this, shape::inferBatchNorm(shapeOf(getInput()), params,
                                   [&] { return emitOpError(); }));
}

LogicalResult LRNOp::verify() {
  if (getSize() <= 0)
    return emitOpError() << "'size' must be positive, got " << getSize();
  return verifyResultShape(*this, shape::Shape(shapeOf(getInput())));
}

LogicalResult ConcatOp::verify() {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Value input : getInputs())
    shapes.push_back(shapeOf(input));
  return verifyResultShape(*this, shape::inferConcat(shapes, getAxis(), [&] {
    return emitOpError();
  }));
}

LogicalResult ReshapeOp::verify() {
  return shape::checkReshape(shapeOf(getInput()), shapeOf(getOutput()),
                             [&] { return emitOpError(); });
}

LogicalResult SoftmaxOp::verify() {
  if (failed(shape::checkAxis(getAxis(), shapeOf(getInput()).size(),
                              [&] { return emitOpError(); })))
    return failure();
  return verifyResultShape(*this, shape::Shape(shapeOf(getInput())));
}
