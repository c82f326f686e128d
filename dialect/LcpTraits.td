//===- LcpTraits.td - Op families of lcp ----------------------*- tablegen -*-===//
//
// The families that passes and emitters reason about ("computes channel by
// channel", "has integer semantics", ...), declared once on the ops. Code
// asks `op->hasTrait<lcp::OpFamily::Channelwise>()` or dispatches with the
// visitor of dialect/LcpVisitors.h instead of listing op classes.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_TRAITS_TD
#define LCP_TRAITS_TD

include "mlir/IR/OpBase.td"

class Lcp_Trait<string name> : NativeOpTrait<name> {
  let cppNamespace = "::lcp::OpFamily";
}

// Output channel c (dimension 1) is computed at input channel c of the first
// operand, so narrowing the input's channels narrows the result alike; any
// other operands are per-channel or scalar parameters. lrn reads neighbouring
// channels too; the ops below that are also Channelwise read only channel c.
def Lcp_KeepsChannels : Lcp_Trait<"KeepsChannels">;

// Output channel c reads only channel c of the first operand (relu, clip,
// batch_norm, pools). A layer of such ops after a convolution can be fused
// across branches (lcp-fuse-stems) without changing any value.
def Lcp_ChannelwiseTrait : Lcp_Trait<"Channelwise">;
def Lcp_Channelwise : TraitList<[Lcp_KeepsChannels, Lcp_ChannelwiseTrait]>;

// Each result element reads only the operand elements at its own position
// (after NumPy broadcasting of per-channel or scalar parameters).
def Lcp_Elementwise : Lcp_Trait<"Elementwise">;

// Two operands broadcast against each other (add, mul).
def Lcp_BroadcastBinary : Lcp_Trait<"BroadcastBinary">;

// Each output element reads a spatial window of the first operand
// (convolutions and 2-D pools).
def Lcp_SlidingWindow : Lcp_Trait<"SlidingWindow">;

// Each output element combines many input elements: a code generator
// computes such ops, and what feeds them, on their own rather than inlining
// them into their users.
def Lcp_Reduction : Lcp_Trait<"Reduction">;

// A learned linear layer: operands (input, weight, bias?), and the weight's
// first dimension chooses the number of output channels (conv2d, dense).
// The splitter, pruning and batch-norm folding act on these.
def Lcp_Layer : Lcp_Trait<"Layer">;

// The op is defined on integer (quantized) tensors by docs/INTEGER.md:
// the reference evaluator and every backend have integer code for it.
def Lcp_IntegerSemanticsTrait : Lcp_Trait<"IntegerSemantics">;

// With integer operands, the result has its input's quant type (relu, clip,
// max pool and data movement): lcp-quantize joins the two values' classes.
def Lcp_SharesQuantTypeTrait : Lcp_Trait<"SharesQuantType">;
def Lcp_SharesQuantType : TraitList<[Lcp_IntegerSemanticsTrait,
                                     Lcp_SharesQuantTypeTrait]>;

// With integer operands, the result has a quant type of its own, reached by
// rescaling (add, average pools).
def Lcp_RescalesTrait : Lcp_Trait<"Rescales">;
def Lcp_Rescales : TraitList<[Lcp_IntegerSemanticsTrait, Lcp_RescalesTrait]>;

#endif // LCP_TRAITS_TD
