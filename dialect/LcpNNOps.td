//===- LcpNNOps.td - Compute ops of lcp ------------------------*- tablegen -*-===//
//
// The neural-network ops that branches and the merge are made of. Every op
// states its shapes explicitly (NCHW, static) and has a verifier that checks
// them with the same shape rules the ONNX importer uses (ShapeInference.h),
// and reference semantics (ReferenceEvaluable).
//
//===----------------------------------------------------------------------===//

#ifndef LCP_NN_OPS_TD
#define LCP_NN_OPS_TD

include "dialect/LcpBase.td"
include "dialect/LcpInterfaces.td"
include "dialect/LcpTraits.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Lcp_ComputeOp<string mnemonic, list<Trait> traits = []>
    : Lcp_Op<mnemonic, !listconcat(traits, [
        Pure, DeclareOpInterfaceMethods<ReferenceEvaluable>])> {
  let hasVerifier = 1;
}

def Lcp_ConstantOp : Lcp_ComputeOp<"constant", [Lcp_IntegerSemanticsTrait,
    ConstantLike, AllTypesMatch<["value", "output"]>]> {
  let summary = "A constant tensor, normally a weight";
  let description = [{
    Weights of imported models are `dense_resource` blobs, so that large
    models stay compact in bytecode (`.mlirbc`); small constants may be
    `dense` literals.

    ```mlir
    %w = lcp.constant dense_resource<conv1.weight> : tensor<4x1x3x3xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Lcp_Conv2DOp : Lcp_ComputeOp<"conv2d", [Lcp_Layer, Lcp_SlidingWindow, Lcp_Reduction, Lcp_IntegerSemanticsTrait]> {
  let summary = "2-D convolution (cross-correlation), NCHW with OIHW weights";
  let description = [{
    `output[n, o, y, x] = bias[o] + sum over c, i, j of
    input[n, g*C/G + c, y*sh + i*dh - pt, x*sw + j*dw - pl] * weight[o, c, i, j]`
    where `g = o / (O/G)` is the group of output channel `o`. Padding is
    zeros; `pads` is `[top, left, bottom, right]`.
  }];
  let arguments = (ins Lcp_Tensor4D:$input, Lcp_Tensor4D:$weight,
      Optional<Lcp_Tensor1D>:$bias,
      DefaultValuedAttr<Lcp_I64Array, "{1, 1}">:$strides,
      DefaultValuedAttr<Lcp_I64Array, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<Lcp_I64Array, "{1, 1}">:$dilations,
      DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Lcp_Tensor4D:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Lcp_DenseOp : Lcp_ComputeOp<"dense", [Lcp_Layer, Lcp_Reduction, Lcp_IntegerSemanticsTrait]> {
  let summary = "Fully connected layer: input [M, K] times weight [N, K]^T";
  let description = [{
    `output[m, n] = bias[n] + sum over k of input[m, k] * weight[n, k]`.
  }];
  let arguments = (ins Lcp_Tensor2D:$input, Lcp_Tensor2D:$weight,
                       Optional<Lcp_Tensor1D>:$bias);
  let results = (outs Lcp_Tensor2D:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:`
    functional-type(operands, results)
  }];
}

def Lcp_MatMulOp : Lcp_ComputeOp<"matmul", [Lcp_Reduction]> {
  let summary = "Batched matrix product with broadcast batch dimensions";
  let description = [{
    Both operands have rank 2 or more; the last two dimensions multiply as
    matrices (`[..., M, K] x [..., K, N] -> [..., M, N]`) and the leading
    (batch) dimensions broadcast as in NumPy.
  }];
  let arguments = (ins Lcp_Tensor:$lhs, Lcp_Tensor:$rhs);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def Lcp_TransposeOp : Lcp_ComputeOp<"transpose", [Lcp_SharesQuantType]> {
  let summary = "Permutes dimensions: output dim i is input dim perm[i]";
  let arguments = (ins Lcp_Tensor:$input, Lcp_I64Array:$perm);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Lcp_SliceOp : Lcp_ComputeOp<"slice", [Lcp_SharesQuantType]> {
  let summary = "A static box of a tensor: the output's shape from offsets";
  let description = [{
    Output element `i` is input element `offsets + i`; the box must lie
    inside the input.

    ```mlir
    %s = lcp.slice %x {offsets = array<i64: 0, 8, 0, 0>}
        : (tensor<1x16x7x7xf32>) -> tensor<1x8x7x7xf32>
    ```
  }];
  let arguments = (ins Lcp_Tensor:$input, Lcp_I64Array:$offsets);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Lcp_QuantizeOp : Lcp_ComputeOp<"quantize", [Lcp_Elementwise, Lcp_IntegerSemanticsTrait]> {
  let summary = "f32 to integers: the one float step a device takes";
  let description = [{
    `q = clamp(floor(x * inv_scale + 0.5) + zero_point, min, max)` in f32
    without a fused multiply-add, where `inv_scale` is `1 / scale` rounded
    to f32 and `[min, max]` is the storage range of the result's per-tensor
    quant type (i8 or i16). NaN quantizes to the zero point.
    (docs/INTEGER.md)

    ```mlir
    %q = lcp.quantize %x : (tensor<1x1x28x28xf32>)
        -> tensor<1x1x28x28x!quant.uniform<i8:f32, 0.0125:-20>>
    ```
  }];
  let arguments = (ins Lcp_Tensor:$input);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Lcp_DequantizeOp : Lcp_ComputeOp<"dequantize", [Lcp_Elementwise, Lcp_IntegerSemanticsTrait]> {
  let summary = "Integers to f32: scale * (q - zero_point)";
  let description = [{
    In f32, from a per-tensor quant type (docs/INTEGER.md).
  }];
  let arguments = (ins Lcp_Tensor:$input);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Lcp_RequantizeOp : Lcp_ComputeOp<"requantize", [Lcp_Elementwise, Lcp_IntegerSemanticsTrait]> {
  let summary = "Integers from one scale and zero point to another";
  let description = [{
    `y = clamp(zp_out + round((q - zp_in) * M), min, max)` with
    `M = scale_in / scale_out` written as `M0 * 2^-k` and rounded half up
    on integers (docs/INTEGER.md). The quantize pass puts one on every
    branch output, so that all reach the merge's concat at one scale.
  }];
  let arguments = (ins Lcp_Tensor:$input);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

class Lcp_BroadcastBinaryOp<string mnemonic, string formula,
                            list<Trait> traits = []>
    : Lcp_ComputeOp<mnemonic, !listconcat(traits, [
        Lcp_BroadcastBinary, Lcp_Elementwise])> {
  let summary = "Elementwise " # formula # " with NumPy broadcasting";
  let arguments = (ins Lcp_Tensor:$lhs, Lcp_Tensor:$rhs);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Lcp_AddOp : Lcp_BroadcastBinaryOp<"add", "lhs + rhs", [Lcp_Rescales]>;
def Lcp_MulOp : Lcp_BroadcastBinaryOp<"mul", "lhs * rhs">;

def Lcp_ReluOp : Lcp_ComputeOp<"relu", [Lcp_Channelwise, Lcp_Elementwise, Lcp_SharesQuantType]> {
  let summary = "max(x, 0), elementwise";
  let arguments = (ins Lcp_Tensor:$input);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Lcp_ClipOp : Lcp_ComputeOp<"clip", [Lcp_Channelwise, Lcp_Elementwise, Lcp_SharesQuantType]> {
  let summary = "min(max(x, min), max), elementwise";
  let description = [{
    An absent bound does not clip. A NaN input stays NaN.
  }];
  let arguments = (ins Lcp_Tensor:$input, OptionalAttr<F32Attr>:$min,
                       OptionalAttr<F32Attr>:$max);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Lcp_MaxPool2DOp : Lcp_ComputeOp<"max_pool2d", [Lcp_Channelwise, Lcp_SlidingWindow, Lcp_Reduction, Lcp_SharesQuantType]> {
  let summary = "2-D max pooling, NCHW";
  let description = [{
    Takes the maximum over each window of `kernel` elements spaced by
    `dilations`; padded positions (`pads` is `[top, left, bottom, right]`)
    never win. With `ceil_mode` the output size rounds up, and windows that
    would start in the bottom or right padding are dropped.
  }];
  let arguments = (ins Lcp_Tensor4D:$input, Lcp_I64Array:$kernel,
      DefaultValuedAttr<Lcp_I64Array, "{1, 1}">:$strides,
      DefaultValuedAttr<Lcp_I64Array, "{0, 0, 0, 0}">:$pads,
      DefaultValuedAttr<Lcp_I64Array, "{1, 1}">:$dilations,
      UnitAttr:$ceil_mode);
  let results = (outs Lcp_Tensor4D:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Lcp_AvgPool2DOp : Lcp_ComputeOp<"avg_pool2d", [Lcp_Channelwise, Lcp_SlidingWindow, Lcp_Reduction, Lcp_Rescales]> {
  let summary = "2-D average pooling, NCHW";
  let description = [{
    Averages each `kernel` window. The divisor is the number of window
    elements inside the input, or, with `count_include_pad`, also those in
    the explicit `pads` (`[top, left, bottom, right]`); positions beyond the
    padding that `ceil_mode` adds are never counted.
  }];
  let arguments = (ins Lcp_Tensor4D:$input, Lcp_I64Array:$kernel,
      DefaultValuedAttr<Lcp_I64Array, "{1, 1}">:$strides,
      DefaultValuedAttr<Lcp_I64Array, "{0, 0, 0, 0}">:$pads,
      UnitAttr:$ceil_mode, UnitAttr:$count_include_pad);
  let results = (outs Lcp_Tensor4D:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Lcp_GlobalAvgPoolOp : Lcp_ComputeOp<"global_avg_pool", [Lcp_Channelwise, Lcp_Reduction, Lcp_Rescales]> {
  let summary = "Mean over H and W: [N, C, H, W] -> [N, C, 1, 1]";
  let arguments = (ins Lcp_Tensor4D:$input);
  let results = (outs Lcp_Tensor4D:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Lcp_BatchNormOp : Lcp_ComputeOp<"batch_norm", [Lcp_Channelwise, Lcp_Elementwise]> {
  let summary = "Inference-mode batch normalization over dimension 1";
  let description = [{
    `y = scale[c] * (x - mean[c]) / sqrt(var[c] + epsilon) + bias[c]` for
    every element of channel `c` (dimension 1).
  }];
  let arguments = (ins Lcp_Tensor:$input, Lcp_Tensor1D:$scale,
      Lcp_Tensor1D:$bias, Lcp_Tensor1D:$mean,
      Lcp_Tensor1D:$variance,
      DefaultValuedAttr<F32Attr, "1e-5f">:$epsilon);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance attr-dict `:`
    functional-type(operands, results)
  }];
}

def Lcp_LRNOp : Lcp_ComputeOp<"lrn", [Lcp_KeepsChannels, Lcp_Reduction]> {
  let summary = "Local response normalization across channels (ONNX LRN)";
  let description = [{
    `y = x / (bias + alpha / size * square_sum) ^ beta` where `square_sum` sums
    `x^2` over channels `[c - floor((size-1)/2), c + ceil((size-1)/2)]`
    clamped to the valid range.
  }];
  let arguments = (ins Lcp_Tensor4D:$input, I64Attr:$size,
      DefaultValuedAttr<F32Attr, "1e-4f">:$alpha,
      DefaultValuedAttr<F32Attr, "0.75f">:$beta,
      DefaultValuedAttr<F32Attr, "1.0f">:$bias);
  let results = (outs Lcp_Tensor4D:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Lcp_ConcatOp : Lcp_ComputeOp<"concat", [Lcp_SharesQuantType]> {
  let summary = "Joins tensors along `axis`";
  let arguments = (ins Variadic<Lcp_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Lcp_ReshapeOp : Lcp_ComputeOp<"reshape", [Lcp_SharesQuantType]> {
  let summary = "Reinterprets the row-major elements with a new shape";
  let arguments = (ins Lcp_Tensor:$input);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Lcp_SoftmaxOp : Lcp_ComputeOp<"softmax", [Lcp_Reduction]> {
  let summary = "exp(x) / sum(exp(x)) along `axis`";
  let arguments = (ins Lcp_Tensor:$input, I64Attr:$axis);
  let results = (outs Lcp_Tensor:$output);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

#endif // LCP_NN_OPS_TD
