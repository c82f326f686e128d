//===- UnitGraph.cpp - The units of a model and how they connect ----------===//

#include "dialect/UnitGraph.h"

#include "mlir/IR/OperationSupport.h"

using namespace mlir;

namespace lcp {

bool isSameUnitCode(UnitOpInterface a, UnitOpInterface b) {
  Block &lhs = a.getUnitBody(), &rhs = b.getUnitBody();
  if (lhs.getArgumentTypes() != rhs.getArgumentTypes() ||
      lhs.getOperations().size() != rhs.getOperations().size())
    return false;
  DenseMap<Value, Value> same;
  for (auto [l, r] : llvm::zip(lhs.getArguments(), rhs.getArguments()))
    same[l] = r;
  auto check = [&](Value l, Value r) { return success(same.lookup(l) == r); };
  auto mark = [&](Value l, Value r) { same[l] = r; };
  for (auto [l, r] : llvm::zip(lhs, rhs)) {
    // A constant is a weight, bound at run time: only its type is code.
    auto lc = dyn_cast<ConstantOp>(l), rc = dyn_cast<ConstantOp>(r);
    if (lc && rc && lc.getType() == rc.getType() &&
        l.getDiscardableAttrDictionary() == r.getDiscardableAttrDictionary()) {
      mark(lc.getOutput(), rc.getOutput());
      continue;
    }
    if (!OperationEquivalence::isEquivalentTo(
            &l, &r, check, mark, OperationEquivalence::IgnoreLocations))
      return false;
  }
  return true;
}

UnitGraph::UnitGraph(func::FuncOp func) : func(func) {
  for (auto [i, arg] : llvm::enumerate(func.getArguments())) {
    std::string name = "input:" + std::to_string(i);
    valueNames[arg] = name;
    inputNames.push_back(name);
  }
  Block &body = func.getBody().front();
  auto addUnit = [&](UnitOpInterface op) {
    Unit unit;
    unit.op = op;
    unit.id = op.getUnitId().str();
    unit.kind = op.getUnitKind().str();
    unit.device = op.getUnitDevice().str();
    if (ArrayAttr replicas = op.getUnitReplicas())
      for (Attribute replica : replicas)
        unit.replicas.push_back(cast<StringAttr>(replica).str());
    for (Value input : op.getUnitInputs())
      unit.inputs.push_back(valueNames.lookup(input));
    for (auto [k, output] : llvm::enumerate(op.getUnitOutputs())) {
      std::string name = unit.id + ":" + std::to_string(k);
      valueNames[output] = name;
      unit.outputs.push_back(name);
    }
    unit.representative = units.size();
    for (auto [j, earlier] : llvm::enumerate(units))
      if (earlier.isRepresentative(j) && isSameUnitCode(earlier.op, op)) {
        unit.representative = j;
        break;
      }
    units.push_back(std::move(unit));
  };
  for (Operation &op : body.without_terminator())
    if (auto unit = dyn_cast<UnitOpInterface>(op))
      addUnit(unit);
  if (units.empty()) {
    wholeFunction = true;
    addUnit(cast<UnitOpInterface>(func.getOperation()));
  }
  for (Value v : body.getTerminator()->getOperands())
    outputNames.push_back(valueNames.lookup(v));
}

std::string UnitGraph::getModelValueName(bool input, unsigned i) const {
  auto attr = input ? func.getArgAttrOfType<StringAttr>(i, "lcp.name")
                    : func.getResultAttrOfType<StringAttr>(i, "lcp.name");
  return attr ? attr.str() : (input ? "input" : "output") + std::to_string(i);
}

LogicalResult UnitGraph::verify() const {
  if (wholeFunction)
    return success();
  for (const Unit &unit : units)
    for (const std::string &name : unit.inputs)
      if (name.empty())
        return unit.op->emitOpError() << "reads a value that is neither a "
                                         "model input nor a unit's result";
  for (Operation &op : func.getBody().front().without_terminator())
    if (!isa<ConstantOp, UnitOpInterface>(op))
      return op.emitOpError()
             << "is outside every unit; run --lcp-outline-branches (or "
                "compile an unsplit model, which is one unit)";
  for (const std::string &name : outputNames)
    if (name.empty())
      return func.emitOpError() << "returns a value no unit computes";
  return success();
}

} // namespace lcp
