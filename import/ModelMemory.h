//===- ModelMemory.h - A bound on the memory a model asks for ---*- C++ -*-===//
//
// A model file declares the shapes of its weights and values, and lcp
// allocates what they declare when it evaluates, calibrates or compiles the
// model. A few bytes of a corrupt or hostile file can declare terabytes, so
// every loaded module is measured against a limit before anything else runs.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_IMPORT_MODELMEMORY_H
#define LCP_IMPORT_MODELMEMORY_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <optional>

namespace lcp {

/// The default of --max-model-bytes: 4 GiB, more than the weights and every
/// value of the models lcp targets at batch 64 need together.
constexpr uint64_t kDefaultMaxModelBytes = uint64_t(4) << 30;

/// The bytes a tensor of `type` takes, or nullopt when its shape is dynamic
/// or the size does not fit 64 bits.
std::optional<uint64_t> tensorBytes(mlir::ShapedType type);

/// Fails, with an error at the value that crosses the limit, when the
/// tensors of `module` (function arguments, constants and every op result,
/// counted once each as the reference evaluator keeps them) need more than
/// `limit` bytes together.
mlir::LogicalResult checkModelMemory(mlir::ModuleOp module, uint64_t limit);

/// Parses a byte size: digits with an optional binary suffix K, M, G or T
/// (also KiB, MiB, GiB, TiB). Nullopt when malformed or over 64 bits.
std::optional<uint64_t> parseByteSize(llvm::StringRef text);

} // namespace lcp

#endif // LCP_IMPORT_MODELMEMORY_H
