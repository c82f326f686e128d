//===- LcpInterfaces.td - Interfaces of lcp ops ----------------*- tablegen -*-===//

#ifndef LCP_INTERFACES_TD
#define LCP_INTERFACES_TD

include "mlir/IR/OpBase.td"

def ReferenceEvaluable : OpInterface<"ReferenceEvaluable"> {
  let cppNamespace = "::lcp";
  let description = [{
    An op with reference semantics on host tensors. The reference evaluator
    (`lcp-run`, the conformance tests) calls `evaluate` for every compute op,
    and every backend is checked against its results. Integer (quantized)
    modes use the same entry point with integer `HostTensor`s.
  }];
  let methods = [
    InterfaceMethod<[{
        Computes the op's results from the values of its operands, given in
        operand order (absent optional operands are not listed). Emits an
        error on the op and fails for inputs it cannot evaluate.
      }],
      "::mlir::LogicalResult", "evaluate",
      (ins "::llvm::ArrayRef<const ::lcp::HostTensor *>":$operands,
           "::llvm::SmallVectorImpl<::lcp::HostTensor> &":$results)>
  ];
}

#endif // LCP_INTERFACES_TD
