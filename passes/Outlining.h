//===- Outlining.h - Moving ops into a unit ---------------------*- C++ -*-===//
//
// What the passes that make units (outlining branches, model-parallel
// placement) share: which ops every unit computes for itself, and moving
// ops into a new unit op.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_PASSES_OUTLINING_H
#define LCP_PASSES_OUTLINING_H

#include "dialect/LcpOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace lcp {

/// Ops every unit that reads them computes for itself instead of receiving
/// their value: constants, and the quantization of a model input (so that a
/// quantized model's branches take the f32 input as a float model's do).
inline bool isReplicated(mlir::Operation *op) {
  if (mlir::isa<ConstantOp>(op))
    return true;
  auto quantize = mlir::dyn_cast<QuantizeOp>(op);
  return quantize && mlir::isa<mlir::BlockArgument>(quantize.getInput());
}

/// Copies `ops` (in order) into a new unit op of type `UnitOp`, before the
/// last of them, whose inputs are the values they use from outside and
/// whose results are `outputs`, and points the uses of `outputs` outside
/// `ops` at its results. The caller erases `ops`.
template <typename UnitOp>
UnitOp outlineUnit(mlir::OpBuilder &builder, llvm::StringRef id,
                   llvm::ArrayRef<mlir::Operation *> ops,
                   mlir::ValueRange outputs) {
  llvm::SmallPtrSet<mlir::Operation *, 16> inUnit(ops.begin(), ops.end());
  // Inputs: values defined outside the unit and not by a replicated op
  // (those are cloned in, so that the unit is self-contained, and their own
  // operands become inputs).
  llvm::SetVector<mlir::Value> inputs;
  llvm::SetVector<mlir::Operation *> replicated;
  for (mlir::Operation *op : ops)
    for (mlir::Value operand : op->getOperands()) {
      mlir::Operation *def = operand.getDefiningOp();
      if (def && inUnit.contains(def))
        continue;
      if (def && isReplicated(def)) {
        replicated.insert(def);
        for (mlir::Value v : def->getOperands())
          inputs.insert(v);
      } else {
        inputs.insert(operand);
      }
    }

  mlir::Location loc = ops.back()->getLoc();
  builder.setInsertionPoint(ops.back());
  auto unit = builder.create<UnitOp>(
      loc, mlir::TypeRange(outputs.getTypes()), inputs.getArrayRef(),
      llvm::ArrayRef<mlir::NamedAttribute>{
          builder.getNamedAttr("id", builder.getStringAttr(id))});
  mlir::Block *block = builder.createBlock(&unit.getBody());
  mlir::IRMapping mapping;
  for (mlir::Value input : inputs)
    mapping.map(input, block->addArgument(input.getType(), input.getLoc()));
  for (mlir::Operation *op : replicated)
    builder.clone(*op, mapping);
  for (mlir::Operation *op : ops)
    builder.clone(*op, mapping);
  llvm::SmallVector<mlir::Value> yielded;
  for (mlir::Value output : outputs)
    yielded.push_back(mapping.lookup(output));
  builder.create<YieldOp>(loc, yielded);
  for (auto [output, result] : llvm::zip(outputs, unit.getResults()))
    output.replaceUsesWithIf(result, [&](mlir::OpOperand &use) {
      return !inUnit.contains(use.getOwner());
    });
  return unit;
}

} // namespace lcp

#endif // LCP_PASSES_OUTLINING_H
