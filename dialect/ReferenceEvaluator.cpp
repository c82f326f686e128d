//===- ReferenceEvaluator.cpp - Running lcp IR on host tensors ------------===//

#include "dialect/ReferenceEvaluator.h"
#include "dialect/IntegerParams.h"
#include "dialect/LcpOps.h"

#include "llvm/ADT/DenseMap.h"

using namespace mlir;

namespace lcp {
namespace {

/// Values of one region's SSA names. A value is dropped once its last user
/// ran, so peak memory follows the live activations, not the whole model.
class RegionInterpreter {
public:
  explicit RegionInterpreter(ValueObserver observe) : observe(observe) {}

  LogicalResult run(Region &region, ArrayRef<HostTensor> args,
                    SmallVectorImpl<HostTensor> &results);

private:
  const HostTensor *lookup(Value value) {
    auto it = values.find(value);
    return it == values.end() ? nullptr : &it->second;
  }
  void release(Operation *op);

  ValueObserver observe;
  llvm::DenseMap<Value, HostTensor> values;
  llvm::DenseMap<Value, unsigned> remainingUses;
};

/// Whether `tensor` has `type`'s shape and holds its kind of element: f32,
/// or the integer storage of a quant type.
bool matchesType(const HostTensor &tensor, Type type) {
  auto shaped = dyn_cast<RankedTensorType>(type);
  if (!shaped || ArrayRef<int64_t>(tensor.shape) != shaped.getShape())
    return false;
  return elementTypeOf(shaped) == tensor.type;
}

void RegionInterpreter::release(Operation *op) {
  for (Value operand : op->getOperands()) {
    auto it = remainingUses.find(operand);
    if (it != remainingUses.end() && --it->second == 0)
      values.erase(operand);
  }
}

LogicalResult RegionInterpreter::run(Region &region, ArrayRef<HostTensor> args,
                                     SmallVectorImpl<HostTensor> &results) {
  Block &block = region.front();
  for (auto [arg, tensor] : llvm::zip(block.getArguments(), args)) {
    if (observe)
      observe(arg, tensor);
    values[arg] = tensor;
    remainingUses[arg] = std::distance(arg.use_begin(), arg.use_end());
  }

  for (Operation &op : block) {
    SmallVector<const HostTensor *> operands;
    for (Value operand : op.getOperands()) {
      const HostTensor *t = lookup(operand);
      if (!t)
        return op.emitOpError() << "operand has no value during evaluation";
      operands.push_back(t);
    }

    if (op.hasTrait<OpTrait::IsTerminator>()) {
      for (const HostTensor *t : operands)
        results.push_back(*t);
      return success();
    }

    SmallVector<Type> types(op.getOperandTypes());
    llvm::append_range(types, op.getResultTypes());
    for (Type type : types) {
      auto shaped = dyn_cast<ShapedType>(type);
      if (shaped && shaped.hasStaticShape() &&
          shaped.getNumElements() > kMaxTensorElements)
        return op.emitOpError()
               << "has a " << type << " value, larger than lcp's limit of "
               << kMaxTensorElements << " elements per tensor";
    }

    SmallVector<HostTensor> opResults;
    if (auto evaluable = dyn_cast<ReferenceEvaluable>(op)) {
      if (failed(evaluable.evaluate(operands, opResults)))
        return failure();
    } else if (auto unit = dyn_cast<UnitOpInterface>(op)) {
      SmallVector<HostTensor> unitArgs;
      for (const HostTensor *t : operands)
        unitArgs.push_back(*t);
      RegionInterpreter interpreter(observe);
      if (failed(interpreter.run(*unit.getUnitBody().getParent(), unitArgs,
                                 opResults)))
        return failure();
    } else {
      return op.emitOpError() << "has no reference semantics";
    }

    for (auto [result, tensor] : llvm::zip(op.getResults(), opResults)) {
      if (!matchesType(tensor, result.getType()))
        return op.emitOpError()
               << "evaluated to " << toString(tensor.type) << " of shape "
               << shapeToString(tensor.shape) << ", expected "
               << result.getType()
               << ": its reference semantics do not cover these element "
                  "types yet";
      if (observe)
        observe(result, tensor);
      remainingUses[result] =
          std::distance(result.use_begin(), result.use_end());
      values[result] = std::move(tensor);
    }
    release(&op);
  }
  return block.getParentOp()->emitOpError()
         << "region ended without a terminator";
}

} // namespace

FailureOr<SmallVector<HostTensor>> evaluateFunction(func::FuncOp func,
                                                    ArrayRef<HostTensor> inputs,
                                                    ValueObserver observe) {
  if (func.isExternal())
    return func.emitOpError() << "has no body to evaluate";
  ArrayRef<Type> argTypes = func.getArgumentTypes();
  if (inputs.size() != argTypes.size())
    return func.emitOpError()
           << "takes " << argTypes.size() << " inputs, given " << inputs.size();
  for (auto [i, input, type] : llvm::enumerate(inputs, argTypes)) {
    if (!input.isFloat() || !matchesType(input, type))
      return func.emitOpError() << "input " << i << " must be " << type
                                << ", given " << toString(input.type)
                                << " of shape " << shapeToString(input.shape);
  }
  SmallVector<HostTensor> results;
  RegionInterpreter interpreter(observe);
  if (failed(interpreter.run(func.getBody(), inputs, results)))
    return failure();
  return results;
}

func::FuncOp getEntryFunction(ModuleOp module) {
  if (auto main = module.lookupSymbol<func::FuncOp>("main"))
    return main;
  func::FuncOp found;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.isExternal())
      continue;
    if (found) {
      emitError(module.getLoc())
          << "module has several public functions and none is named 'main'";
      return nullptr;
    }
    found = func;
  }
  if (!found)
    emitError(module.getLoc()) << "module has no function to run";
  return found;
}

} // namespace lcp
