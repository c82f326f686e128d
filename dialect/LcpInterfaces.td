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

def UnitOpInterface : OpInterface<"UnitOpInterface"> {
  let cppNamespace = "::lcp";
  let description = [{
    A unit of a model: the piece that a backend compiles on its own and a
    runtime places on one device. `lcp.branch`, `lcp.stem`, `lcp.merge` and
    `lcp.part` are units, and so is a whole `func.func` that has none of them (an
    unsplit model). `UnitGraph` (dialect/UnitGraph.h) is built from them.
  }];
  let methods = [
    InterfaceMethod<[{
        The unit's id ("b0", "merge"; "model" for a whole function), which
        packages and reports name it by.
      }],
      "::llvm::StringRef", "getUnitId", (ins), [{}],
      [{ return $_op.getId(); }]>,
    InterfaceMethod<[{
        The unit's kind: "branch", "stem", "merge", "part" or "model".
      }],
      "::llvm::StringRef", "getUnitKind", (ins), [{}],
      [{ return $_op->getName().stripDialect(); }]>,
    InterfaceMethod<[{
        The device placement chose for the unit, or "" if it is not placed.
      }],
      "::llvm::StringRef", "getUnitDevice", (ins), [{}],
      [{ return $_op.getDevice().value_or(""); }]>,
    InterfaceMethod<[{
        The devices that hold copies of the unit (placement's replicas),
        or null if none do.
      }],
      "::mlir::ArrayAttr", "getUnitReplicas", (ins), [{}],
      [{ return $_op.getReplicasAttr(); }]>,
    InterfaceMethod<[{
        The block of ops the unit runs; its arguments are the unit's inputs
        and its terminator's operands its outputs.
      }],
      "::mlir::Block &", "getUnitBody", (ins), [{}],
      [{ return $_op.getBody().front(); }]>,
    InterfaceMethod<[{
        The values of the enclosing function that the unit reads, one per
        body argument (a whole function reads its own arguments).
      }],
      "::mlir::ValueRange", "getUnitInputs", (ins), [{}],
      [{ return $_op->getOperands(); }]>,
    InterfaceMethod<[{
        The values of the enclosing function that the unit defines, one per
        yielded value (a whole function defines what it returns).
      }],
      "::mlir::ValueRange", "getUnitOutputs", (ins), [{}],
      [{ return $_op->getResults(); }]>,
  ];
}

#endif // LCP_INTERFACES_TD
