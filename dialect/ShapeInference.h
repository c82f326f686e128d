//===- ShapeInference.h - Result shapes of lcp ops --------------*- C++ -*-===//
//
// The shape rules of the compute ops, written once: op verifiers use them to
// check a result type, the ONNX importer to compute it. Each function reports
// the first problem through `emitError` (which prefixes the op or the ONNX
// node) and fails.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_DIALECT_SHAPEINFERENCE_H
#define LCP_DIALECT_SHAPEINFERENCE_H

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/LogicalResult.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace lcp::shape {

using Shape = llvm::SmallVector<int64_t, 4>;
using EmitErrorFn = llvm::function_ref<mlir::InFlightDiagnostic()>;
using llvm::ArrayRef;
using mlir::FailureOr;

/// "1x3x28x28", or "scalar" for rank 0: how messages print shapes.
std::string toString(ArrayRef<int64_t> shape);

/// Convolution of NCHW `input` with OIHW `weight`; pads are
/// [top, left, bottom, right].
FailureOr<Shape> inferConv2D(ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
                             std::optional<ArrayRef<int64_t>> bias,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilations, int64_t groups,
                             EmitErrorFn emitError);

/// [M, K] x [N, K]^T (+ [N]).
FailureOr<Shape> inferDense(ArrayRef<int64_t> input, ArrayRef<int64_t> weight,
                            std::optional<ArrayRef<int64_t>> bias,
                            EmitErrorFn emitError);

FailureOr<Shape> inferMatMul(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                             EmitErrorFn emitError);

FailureOr<Shape> inferTranspose(ArrayRef<int64_t> input, ArrayRef<int64_t> perm,
                                EmitErrorFn emitError);

/// NumPy (ONNX multidirectional) broadcasting of two shapes.
FailureOr<Shape> inferBroadcast(ArrayRef<int64_t> lhs, ArrayRef<int64_t> rhs,
                                EmitErrorFn emitError);

/// Max and average pooling of NCHW input. `dilations` is {1, 1} for average
/// pooling.
FailureOr<Shape> inferPool2D(ArrayRef<int64_t> input, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilations, bool ceilMode,
                             EmitErrorFn emitError);

/// Average pooling that does not count padding divides by the number of
/// input elements in a window: every window must hold at least one.
mlir::LogicalResult checkWindowsCoverInput(ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> pads,
                                           EmitErrorFn emitError);

/// Output extent of one pooled or convolved dimension, or -1 if the window
/// does not fit. Shared with the reference evaluator.
int64_t windowOutputSize(int64_t in, int64_t padBefore, int64_t padAfter,
                         int64_t kernel, int64_t stride, int64_t dilation,
                         bool ceilMode);

FailureOr<Shape> inferBatchNorm(ArrayRef<int64_t> input,
                                ArrayRef<ArrayRef<int64_t>> params,
                                EmitErrorFn emitError);

FailureOr<Shape> inferConcat(ArrayRef<ArrayRef<int64_t>> inputs, int64_t axis,
                             EmitErrorFn emitError);

/// Checks that `axis` is in [0, rank).
mlir::LogicalResult checkAxis(int64_t axis, int64_t rank,
                              EmitErrorFn emitError);

/// Checks that a reshape keeps the number of elements.
mlir::LogicalResult checkReshape(ArrayRef<int64_t> input,
                                 ArrayRef<int64_t> output,
                                 EmitErrorFn emitError);

} // namespace lcp::shape

#endif // LCP_DIALECT_SHAPEINFERENCE_H
