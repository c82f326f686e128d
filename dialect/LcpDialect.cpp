//===- LcpDialect.cpp - The lcp dialect -----------------------------------===//

#include "dialect/LcpDialect.h"
#include "dialect/LcpOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

using namespace mlir;
using namespace lcp;

#include "dialect/LcpDialect.cpp.inc"

namespace {

/// A function without branches is one unit: the whole model.
struct FuncUnitModel
    : public UnitOpInterface::ExternalModel<FuncUnitModel, func::FuncOp> {
  StringRef getUnitId(Operation *) const { return "model"; }
  StringRef getUnitKind(Operation *) const { return "model"; }
  StringRef getUnitDevice(Operation *) const { return ""; }
  ArrayAttr getUnitReplicas(Operation *) const { return nullptr; }
  Block &getUnitBody(Operation *op) const {
    return cast<func::FuncOp>(op).getBody().front();
  }
  ValueRange getUnitInputs(Operation *op) const {
    return cast<func::FuncOp>(op).getArguments();
  }
  ValueRange getUnitOutputs(Operation *op) const {
    return getUnitBody(op).getTerminator()->getOperands();
  }
};

} // namespace

void LcpDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialect/LcpOps.cpp.inc"
      >();
  // lcp models are func.func ops; the func dialect is a dependency.
  func::FuncOp::attachInterface<FuncUnitModel>(*getContext());
}
