//===- LcpStructureOps.td - Branches, the merge, yield ---------*- tablegen -*-===//

#ifndef LCP_STRUCTURE_OPS_TD
#define LCP_STRUCTURE_OPS_TD

include "dialect/LcpBase.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Lcp_UnitOp<string mnemonic> : Lcp_Op<mnemonic, [
    IsolatedFromAbove, SingleBlock]> {
  let arguments = (ins StrAttr:$id, OptionalAttr<StrAttr>:$device,
                       Variadic<AnyRankedTensor>:$inputs);
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

def Lcp_MergeOp : Lcp_UnitOp<"merge"> {
  let summary = "The final node of an LCP network";
  let description = [{
    Consumes the outputs of the branches, concatenates them and applies the
    final classifier. Like a branch it is isolated from above and is a unit
    of its own.
  }];
}

def Lcp_YieldOp : Lcp_Op<"yield", [
    Pure, Terminator, ReturnLike, HasParent<"BranchOp, MergeOp">]> {
  let summary = "Returns the results of a branch or the merge";
  let arguments = (ins Variadic<AnyRankedTensor>:$values);
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

#endif // LCP_STRUCTURE_OPS_TD
