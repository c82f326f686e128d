//===- LcpStructureOps.td - Units (branches, stem, merge), yield -*- tablegen -*-===//

#ifndef LCP_STRUCTURE_OPS_TD
#define LCP_STRUCTURE_OPS_TD

include "dialect/LcpBase.td"
include "dialect/LcpInterfaces.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Lcp_UnitOp<string mnemonic> : Lcp_Op<mnemonic, [
    IsolatedFromAbove, SingleBlock, UnitOpInterface]> {
  // `device` and `replicas` are set by placement (--lcp-place): the device
  // that runs the unit, and the devices that hold copies of it to take
  // over or share the load.
  let arguments = (ins StrAttr:$id, OptionalAttr<StrAttr>:$device,
                       Variadic<AnyRankedTensor>:$inputs,
                       OptionalAttr<StrArrayAttr>:$replicas);
  let results = (outs Variadic<AnyRankedTensor>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $id `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs)
    $body
  }];
  let hasVerifier = 1;
}

def Lcp_BranchOp : Lcp_UnitOp<"branch"> {
  let summary = "One independent branch of an LCP network";
  let description = [{
    A full-depth, narrow copy of the original network that reads only its
    inputs (normally the shared model input) and yields its output. The
    region is isolated from above, so a branch can be compiled and run on its
    own device. `id` names the branch; `device`, set by placement, names the
    device that runs it.

    ```mlir
    %b0 = lcp.branch "b0"(%x) : (tensor<1x1x28x28xf32>) -> tensor<1x392xf32> {
    ^bb0(%in: tensor<1x1x28x28xf32>):
      ...
      lcp.yield %flat : tensor<1x392xf32>
    }
    ```
  }];
}

def Lcp_StemOp : Lcp_UnitOp<"stem"> {
  let summary = "The branches' first layers, fused into one wider unit";
  let description = [{
    What every branch did first to the shared input, done once: layers that
    were `n` narrow copies (a convolution, and what follows it channel by
    channel) become one layer `n` times wider, and the stem yields each
    branch its slice of the channels. It runs before the branches, which
    then read its results instead of the model input. `lcp-fuse-stems`
    builds it; it suits a single device, where the branches' inputs are not
    sent over a network.

    ```mlir
    %s:2 = lcp.stem "stem"(%x) : (tensor<1x3x32x32xf32>)
        -> (tensor<1x8x32x32xf32>, tensor<1x8x32x32xf32>) {
    ^bb0(%in: tensor<1x3x32x32xf32>):
      %c = lcp.conv2d %in, %w, %b ... -> tensor<1x16x32x32xf32>
      %s0 = lcp.slice %c {offsets = array<i64: 0, 0, 0, 0>} ...
      %s1 = lcp.slice %c {offsets = array<i64: 0, 8, 0, 0>} ...
      lcp.yield %s0, %s1 : tensor<1x8x32x32xf32>, tensor<1x8x32x32xf32>
    }
    ```
  }];
}

def Lcp_MergeOp : Lcp_UnitOp<"merge"> {
  let summary = "The final node of an LCP network";
  let description = [{
    Consumes the outputs of the branches, concatenates them and applies the
    final classifier. Like a branch it is isolated from above and is a unit
    of its own.
  }];
}

def Lcp_PartOp : Lcp_UnitOp<"part"> {
  let summary = "A piece of an unsplit model, placed on one device";
  let description = [{
    Model parallelism, the baseline LCP is measured against, cuts the
    original network into parts that run on different devices:
    consecutive layers (`--lcp-place="strategy=layer"`, a pipeline) or a
    slice of one layer's output channels (`strategy=channel`; each part of
    the next layer reads every slice, an all-gather). A part is a unit like
    a branch: isolated from above, it reads earlier units' results or the
    model input and yields what later units read.
    ```mlir
    %p0 = lcp.part "l0.p0"(%x) {device = "rpi0"}
        : (tensor<1x3x32x32xf32>) -> tensor<1x8x32x32xf32> {
    ^bb0(%in: tensor<1x3x32x32xf32>):
      %c = lcp.conv2d %in, %w, %b ... -> tensor<1x8x32x32xf32>
      lcp.yield %c : tensor<1x8x32x32xf32>
    }
    ```
  }];
}

def Lcp_YieldOp : Lcp_Op<"yield", [
    Pure, Terminator, ReturnLike, HasParent<"BranchOp, MergeOp, PartOp, StemOp">]> {
  let summary = "Returns the results of a branch or the merge";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // LCP_STRUCTURE_OPS_TD
