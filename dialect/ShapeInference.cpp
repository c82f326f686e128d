//===- ShapeInference.cpp - Result shapes of lcp ops ----------------------===//

#include "dialect/ShapeInference.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace lcp::shape {

std::string toString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, "x");
  if (shape.empty())
    os << "scalar";
  return s;
}

namespace {

LogicalResult checkRank(StringRef what, ArrayRef<int64_t> shape, size_t rank,
                        EmitErrorFn emitError) {
  if (shape.size() == rank)
    return success();
  return emitError() << what << " must have rank " << rank << ", got "
                     << toString(shape);
}

LogicalResult checkLength(StringRef what, ArrayRef<int64_t> values,
                          size_t length, EmitErrorFn emitError) {
  if (values.size() == length)
    return success();
  return emitError() << "'" << what << "' must have " << length
                     << " values, got " << values.size();
}

LogicalResult checkPositive(StringRef what, ArrayRef<int64_t> values,
                            EmitErrorFn emitError) {
  for (int64_t v : values)
    if (v <= 0)
      return emitError() << "'" << what << "' values must be positive, got "
                         << v;
  return success();
}

LogicalResult checkNonNegative(StringRef what, ArrayRef<int64_t> values,
                               EmitErrorFn emitError) {
  for (int64_t v : values)
    if (v < 0)
      return emitError() << "'" << what << "' values must not be negative, got "
                         << v;
  return success();
}

} // namespace

int64_t windowOutputSize(int64_t in, int64_t padBefore, int64_t padAfter,
                         int64_t kernel, int64_t stride, int64_t dilation,
                         bool ceilMode) {
  int64_t span = in + padBefore + padAfter - ((kernel - 1) * dilation + 1);
  if (span < 0)
    return -1;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // The last window must start inside the input or the leading padding.
  if (ceilMode && (out - 1) * stride >= in + padBefore)
    --out;
  return out;
}

FailureOr<Shape> inferConv2D(ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
                             std::optional<ArrayRef<int64_t>> bias,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilations, int64_t groups,
                             EmitErrorFn emitError) {
  if (failed(checkRank("input", input, 4, emitError)) ||
      failed(checkRank("weight", weight, 4, emitError)) ||
      failed(checkLength("strides", strides, 2, emitError)) ||
      failed(checkLength("pads", pads, 4, emitError)) ||
      failed(checkLength("dilations", dilations, 2, emitError)) ||
      failed(checkPositive("strides", strides, emitError)) ||
      failed(checkNonNegative("pads", pads, emitError)) ||
      failed(checkPositive("dilations", dilations, emitError)))
    return failure();
  if (groups <= 0)
    return emitError() << "'groups' must be positive, got " << groups;
  if (input[1] % groups != 0)
    return emitError() << "input has " << input[1]
                       << " channels, not divisible by " << groups << " groups";
  if (weight[0] % groups != 0)
    return emitError() << "weight has " << weight[0]
                       << " output channels, not divisible by " << groups
                       << " groups";
  if (weight[1] * groups != input[1])
    return emitError() << "weight has " << weight[1]
                       << " input channels per group, input has " << input[1]
                       << " channels in " << groups << " group(s)";
  if (bias && (bias->size() != 1 || (*bias)[0] != weight[0]))
    return emitError() << "bias must have shape " << weight[0] << ", got "
                       << toString(*bias);
  Shape result = {input[0], weight[0], 0, 0};
  for (int i = 0; i < 2; ++i) {
    result[2 + i] = windowOutputSize(input[2 + i], pads[i], pads[2 + i],
                                     weight[2 + i], strides[i], dilations[i],
                                     /*ceilMode=*/false);
    if (result[2 + i] <= 0)
      return emitError() << "kernel " << weight[2] << "x" << weight[3]
                         << " (dilated) does not fit the padded input "
                         << toString(input);
  }
  return result;
}

FailureOr<Shape> inferDense(ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
                            std::optional<ArrayRef<int64_t>> bias,
                            EmitErrorFn emitError) {
  if (failed(checkRank("input", input, 2, emitError)) ||
      failed(checkRank("weight", weight, 2, emitError)))
    return failure();
  if (weight[1] != input[1])
    return emitError() << "weight has " << weight[1]
                       << " input features, input has " << input[1];
  if (bias && (bias->size() != 1 || (*bias)[0] != weight[0]))
    return emitError() << "bias must have shape " << weight[0] << ", got "
                       << toString(*bias);
  return Shape{input[0], weight[0]};
}

FailureOr<Shape> inferBroadcast(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                                EmitErrorFn emitError) {
  size_t rank = std::max(lhs.size(), rhs.size());
  Shape result(rank, 1);
  for (size_t i = 0; i < rank; ++i) {
    int64_t a = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t b = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (a != b && a != 1 && b != 1)
      return emitError() << "shapes " << toString(lhs) << " and "
                         << toString(rhs) << " do not broadcast";
    result[i] = a == 1 ? b : a;
  }
  return result;
}

FailureOr<Shape> inferMatMul(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                             EmitErrorFn emitError) {
  if (lhs.size() < 2 || rhs.size() < 2)
    return emitError() << "operands must have rank 2 or more, got "
                       << toString(lhs) << " and " << toString(rhs);
  if (lhs.back() != rhs[rhs.size() - 2])
    return emitError() << "lhs has " << lhs.back() << " columns, rhs has "
                       << rhs[rhs.size() - 2] << " rows";
  FailureOr<Shape> batch =
      inferBroadcast(lhs.drop_back(2), rhs.drop_back(2), [&] {
        return emitError() << "batch dimensions of " << toString(lhs) << " and "
                           << toString(rhs) << ": ";
      });
  if (failed(batch))
    return failure();
  Shape result = *batch;
  result.push_back(lhs[lhs.size() - 2]);
  result.push_back(rhs.back());
  return result;
}

FailureOr<Shape> inferTranspose(ArrayRef<int64_t> input, ArrayRef<int64_t> perm,
                                EmitErrorFn emitError) {
  if (perm.size() != input.size())
    return emitError() << "'perm' has " << perm.size()
                       << " entries, input has rank " << input.size();
  llvm::SmallVector<bool> seen(input.size(), false);
  Shape result;
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(input.size()) || seen[p])
      return emitError() << "'perm' is not a permutation of [0, "
                         << input.size() << ")";
    seen[p] = true;
    result.push_back(input[p]);
  }
  return result;
}

FailureOr<Shape> inferPool2D(ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilations, bool ceilMode,
                             EmitErrorFn emitError) {
  if (failed(checkRank("input", input, 4, emitError)) ||
      failed(checkLength("kernel", kernel, 2, emitError)) ||
      failed(checkLength("strides", strides, 2, emitError)) ||
      failed(checkLength("pads", pads, 4, emitError)) ||
      failed(checkLength("dilations", dilations, 2, emitError)) ||
      failed(checkPositive("kernel", kernel, emitError)) ||
      failed(checkPositive("strides", strides, emitError)) ||
      failed(checkNonNegative("pads", pads, emitError)) ||
      failed(checkPositive("dilations", dilations, emitError)))
    return failure();
  Shape result = {input[0], input[1], 0, 0};
  for (int i = 0; i < 2; ++i) {
    result[2 + i] =
        windowOutputSize(input[2 + i], pads[i], pads[2 + i], kernel[i],
                         strides[i], dilations[i], ceilMode);
    if (result[2 + i] <= 0)
      return emitError() << "window " << kernel[0] << "x" << kernel[1]
                         << " does not fit the padded input "
                         << toString(input);
  }
  return result;
}

FailureOr<Shape> inferBatchNorm(ArrayRef<int64_t> input,
                                ArrayRef<ArrayRef<int64_t>> params,
                                EmitErrorFn emitError) {
  if (input.size() < 2)
    return emitError() << "input must have rank 2 or more, got "
                       << toString(input);
  static const char *names[] = {"scale", "bias", "mean", "variance"};
  for (auto [i, param] : llvm::enumerate(params))
    if (param.size() != 1 || param[0] != input[1])
      return emitError() << "'" << names[i % 4] << "' must have shape "
                         << input[1] << " (the input's channels), got "
                         << toString(param);
  return Shape(input);
}

FailureOr<Shape> inferConcat(ArrayRef<ArrayRef<int64_t>> inputs, int64_t axis,
                             EmitErrorFn emitError) {
  if (inputs.empty())
    return emitError() << "needs at least one input";
  ArrayRef<int64_t> first = inputs.front();
  if (failed(checkAxis(axis, first.size(), emitError)))
    return failure();
  Shape result(first);
  for (ArrayRef<int64_t> other : inputs.drop_front()) {
    if (other.size() != first.size())
      return emitError() << "inputs have different ranks: " << toString(first)
                         << " and " << toString(other);
    for (size_t d = 0; d < first.size(); ++d)
      if (static_cast<int64_t>(d) != axis && other[d] != first[d])
        return emitError() << "inputs " << toString(first) << " and "
                           << toString(other) << " differ in dimension " << d
                           << ", which is not the concatenation axis " << axis;
    result[axis] += other[axis];
  }
  return result;
}

LogicalResult checkWindowsCoverInput(ArrayRef<int64_t> kernel,
                                     ArrayRef<int64_t> pads,
                                     EmitErrorFn emitError) {
  for (int i = 0; i < 4; ++i)
    if (pads[i] >= kernel[i % 2])
      return emitError() << "pad " << pads[i]
                         << " is not smaller than the window " << kernel[i % 2]
                         << ", so a window could hold no input element to "
                            "average";
  return success();
}

LogicalResult checkAxis(int64_t axis, int64_t rank, EmitErrorFn emitError) {
  if (axis >= 0 && axis < rank)
    return success();
  return emitError() << "axis " << axis << " is out of range for rank " << rank;
}

LogicalResult checkReshape(ArrayRef<int64_t> input, ArrayRef<int64_t> output,
                           EmitErrorFn emitError) {
  int64_t in = 1, out = 1;
  for (int64_t d : input)
    in *= d;
  for (int64_t d : output)
    out *= d;
  if (in == out)
    return success();
  return emitError() << "cannot reshape " << toString(input) << " (" << in
                     << " elements) to " << toString(output) << " (" << out
                     << " elements)";
}

} // namespace lcp::shape
