//===- Constants.cpp - Creating and cleaning up weight constants ----------===//

#include "passes/Constants.h"
#include "dialect/ResourceNames.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;

namespace lcp {

/// Constants up to this many elements are written inline.
constexpr int64_t kInlineLimit = 16;

ConstantOp createConstant(OpBuilder &builder, Location loc,
                          const HostTensor &value, StringRef name) {
  auto type = RankedTensorType::get(value.shape, builder.getF32Type());
  ElementsAttr attr;
  if (value.numElements() <= kInlineLimit)
    attr = DenseElementsAttr::get(type, ArrayRef<float>(value.f32));
  else
    attr = DenseResourceElementsAttr::get(
        type, resourceKey(name),
        HeapAsmResourceBlob::allocateAndCopyInferAlign(
            ArrayRef<float>(value.f32)));
  return builder.create<ConstantOp>(loc, type, attr);
}

ConstantOp createQuantizedConstant(OpBuilder &builder, Location loc,
                                   RankedTensorType type,
                                   ArrayRef<int64_t> values, StringRef name) {
  auto q = cast<quant::QuantizedType>(type.getElementType());
  unsigned bytes = q.getStorageTypeIntegralWidth() / 8;
  assert((bytes == 1 || bytes == 2 || bytes == 4) && "unsupported storage");
  std::vector<char> data(values.size() * bytes);
  for (auto [i, v] : llvm::enumerate(values))
    for (unsigned b = 0; b < bytes; ++b)
      data[i * bytes + b] = static_cast<char>((uint64_t(v) >> (8 * b)) & 0xff);
  auto attr = DenseResourceElementsAttr::get(
      type, resourceKey(name),
      HeapAsmResourceBlob::allocateAndCopyWithAlign(ArrayRef<char>(data),
                                                    alignof(int32_t)));
  return builder.create<ConstantOp>(loc, type, attr);
}

std::string constantName(ConstantOp constant, StringRef fallback) {
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
    return resource.getRawHandle().getKey().str();
  return fallback.str();
}

void eraseUnusedConstants(Block &block) {
  for (ConstantOp c : llvm::make_early_inc_range(block.getOps<ConstantOp>()))
    if (c->use_empty())
      c->erase();
}

} // namespace lcp
