//===- Passes.td - lcp transformation passes -------------------*- tablegen -*-===//

#ifndef LCP_PASSES_TD
#define LCP_PASSES_TD

include "mlir/Pass/PassBase.td"

def OutlineBranches : Pass<"lcp-outline-branches", "mlir::func::FuncOp"> {
  let summary = "Outline the branches and the merge of an LCP network";
  let description = [{
    Finds the LCP structure of an imported model: n independent subgraphs
    that read only the function's inputs (the shared model input) and meet
    at one `lcp.concat`, whose result alone feeds the rest of the function
    (the final classifier). Each subgraph becomes an `lcp.branch`, and the
    concat with everything after it an `lcp.merge`. Constants used by
    several branches are duplicated, so that every unit is self-contained.

    Where the pattern does not hold (no concat, a concat inside the network
    as in inception blocks, a skip connection around the concat) the
    function is left unchanged and a remark says why.

    ```mlir
    // before: conv/relu/... chains from %x, concat, dense
    // after:
    %b0 = lcp.branch "b0"(%x) ... { ... lcp.yield %f0 }
    %b1 = lcp.branch "b1"(%x) ... { ... lcp.yield %f1 }
    %y = lcp.merge "merge"(%b0, %b1) ... { concat, dense; lcp.yield }
    ```
  }];
  let dependentDialects = ["::lcp::LcpDialect"];
}

#endif // LCP_PASSES_TD
