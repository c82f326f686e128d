//===- ModelMemory.cpp - A bound on the memory a model asks for -----------===//

#include "import/ModelMemory.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <string>

using namespace mlir;

namespace lcp {

static uint64_t elementBytes(Type type) {
  if (auto quant = dyn_cast<quant::QuantizedType>(type))
    return llvm::divideCeil(quant.getStorageTypeIntegralWidth(), 8);
  if (type.isIntOrFloat())
    return llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
  // Complex, index and dialect types: count them as wide as any scalar.
  return 8;
}

std::optional<uint64_t> tensorBytes(ShapedType type) {
  if (!type.hasStaticShape())
    return std::nullopt;
  uint64_t bytes = elementBytes(type.getElementType());
  for (int64_t dim : type.getShape())
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes))
      return std::nullopt;
  return bytes;
}

/// A name for `value` that the user can find in the model: the ONNX node or
/// weight it came from, or the function argument's name.
static std::string describe(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      if (auto name =
              func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "lcp.name"))
        return "input '" + name.str() + "'";
    return "argument " + std::to_string(arg.getArgNumber());
  }
  Operation *op = value.getDefiningOp();
  for (NamedAttribute attr : op->getAttrs())
    if (auto blob = dyn_cast<DenseResourceElementsAttr>(attr.getValue()))
      return "weight '" + blob.getRawHandle().getKey().str() + "'";
  std::string what = op->hasTrait<OpTrait::ConstantLike>()
                         ? "constant"
                         : "result of " + op->getName().getStringRef().str();
  if (auto name = dyn_cast<NameLoc>(op->getLoc()))
    what += " '" + name.getName().str() + "'";
  return what;
}

LogicalResult checkModelMemory(ModuleOp module, uint64_t limit) {
  uint64_t total = 0;
  auto count = [&](Value value, Location loc) -> LogicalResult {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !type.hasStaticShape())
      return success();
    std::optional<uint64_t> bytes = tensorBytes(type);
    if (bytes && !__builtin_add_overflow(total, *bytes, &total) &&
        total <= limit)
      return success();
    InFlightDiagnostic diag = emitError(loc) << describe(value) << " of type "
                                             << type << " needs ";
    if (bytes)
      diag << *bytes << " bytes";
    else
      diag << "more than 2^64 bytes";
    if (bytes && *bytes <= limit)
      diag << ", which brings the model's tensors to more than " << limit
           << " bytes";
    else
      diag << ", more than the limit of " << limit << " bytes";
    return diag << " (lcp's limit on a model's memory; raise it with "
                   "--max-model-bytes)";
  };
  WalkResult result = module.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (auto func = dyn_cast<FunctionOpInterface>(op))
      if (!func.isExternal())
        for (BlockArgument arg : func.getArguments())
          if (failed(count(arg, func.getLoc())))
            return WalkResult::interrupt();
    for (Value value : op->getResults())
      if (failed(count(value, op->getLoc())))
        return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return failure(result.wasInterrupted());
}

std::optional<uint64_t> parseByteSize(llvm::StringRef text) {
  uint64_t value;
  llvm::StringRef rest = text;
  if (rest.consumeInteger(10, value))
    return std::nullopt;
  unsigned shift = llvm::StringSwitch<unsigned>(rest)
                       .Cases("", "B", 0)
                       .Cases("K", "KiB", 10)
                       .Cases("M", "MiB", 20)
                       .Cases("G", "GiB", 30)
                       .Cases("T", "TiB", 40)
                       .Default(~0u);
  if (shift == ~0u || (shift && value > (UINT64_MAX >> shift)))
    return std::nullopt;
  return value << shift;
}

} // namespace lcp
