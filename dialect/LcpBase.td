//===- LcpBase.td - The lcp dialect and its shared constraints -*- tablegen -*-===//
//
// The lcp dialect represents LCP ("Low-Communication Parallelization")
// networks: n narrow, independent, full-depth branches that share the input
// and meet only at one final classifier.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_BASE_TD
#define LCP_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/Dialect/Quant/QuantOpsBase.td"

def Lcp_Dialect : Dialect {
  let name = "lcp";
  let cppNamespace = "::lcp";
  let summary = "Branched low-communication CNNs (LCP networks)";
  let description = [{
    The `lcp` dialect describes a CNN as a set of independent **branches**
    (`lcp.branch`), each a region that reads the shared model input and yields
    a small output, and one **merge** (`lcp.merge`), the final node that
    concatenates the branch outputs and applies the classifier. A branch or
    the merge is a *unit*: the piece that the code generators compile and the
    runtime places on a device.

    Compute ops are NCHW, weights OIHW for convolutions and `[out, in]` for
    dense layers, and every shape is static. Every compute op has reference
    semantics on host tensors (`ReferenceEvaluable`), which is the oracle
    that every backend is checked against.
  }];
  let usePropertiesForAttributes = 1;
  // Integer (quantized) tensors use the upstream quant types; a model is a
  // func.func, which the dialect makes a unit (UnitOpInterface).
  let dependentDialects = ["::mlir::quant::QuantizationDialect",
                           "::mlir::func::FuncDialect"];
}

class Lcp_Op<string mnemonic, list<Trait> traits = []>
    : Op<Lcp_Dialect, mnemonic, traits>;

// Tensors of the compute ops: static shapes, f32 or, for integer tensors,
// an upstream quant type (`!quant.uniform<i8:f32, ...>`).
def Lcp_Tensor : StaticShapeTensorOf<[F32, quant_QuantizedType]>;
class Lcp_TensorOfRank<int rank>
    : Type<And<[Lcp_Tensor.predicate, HasAnyRankOfPred<[rank]>]>,
           "statically shaped " # rank # "-D tensor of f32 or quantized values",
           "::mlir::TensorType">;
def Lcp_Tensor1D : Lcp_TensorOfRank<1>;
def Lcp_Tensor2D : Lcp_TensorOfRank<2>;
def Lcp_Tensor4D : Lcp_TensorOfRank<4>;

// Per-dimension integer lists (strides, pads, ...).
defvar Lcp_I64Array = DenseI64ArrayAttr;

#endif // LCP_BASE_TD
