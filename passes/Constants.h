//===- Constants.h - Creating and cleaning up weight constants --*- C++ -*-===//
//
// What the passes that rebuild weights (the splitter, stem fusion) and move
// ops into units (outlining) share.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_PASSES_CONSTANTS_H
#define LCP_PASSES_CONSTANTS_H

#include "dialect/LcpOps.h"

#include "mlir/IR/Builders.h"

namespace lcp {

/// An f32 constant holding `value`: a `dense` literal when small, otherwise
/// a `dense_resource` blob named `name`.
ConstantOp createConstant(mlir::OpBuilder &builder, mlir::Location loc,
                          const HostTensor &value, llvm::StringRef name);

/// The resource name of `constant`'s blob, or `fallback` for a literal.
/// A quantized constant of `type` (a tensor of a quant type with 8-, 16- or
/// 32-bit storage): `values` become a dense_resource blob of its storage
/// integers, little-endian, as the reference evaluator reads them.
ConstantOp createQuantizedConstant(mlir::OpBuilder &builder, mlir::Location loc,
                                   mlir::RankedTensorType type,
                                   llvm::ArrayRef<int64_t> values,
                                   llvm::StringRef name);

std::string constantName(ConstantOp constant, llvm::StringRef fallback);

/// Erases the constants of `block` that nothing uses any more.
void eraseUnusedConstants(mlir::Block &block);

} // namespace lcp

#endif // LCP_PASSES_CONSTANTS_H
