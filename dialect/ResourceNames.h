//===- ResourceNames.h - Keys of weight blobs -------------------*- C++ -*-===//
//
// Weights live in dense_resource blobs whose keys the IR prints bare, so a
// key must be a bare identifier (letters, digits, '_', '$', '.', starting
// with a letter or '_'). Model names are not: ONNX's exporter writes
// "onnx::Conv_64". Every blob key goes through here.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_DIALECT_RESOURCENAMES_H
#define LCP_DIALECT_RESOURCENAMES_H

#include "llvm/ADT/StringRef.h"

#include <string>

namespace lcp {

/// `name` with every character a bare identifier cannot hold replaced by
/// '_', and a leading '_' if it does not start with a letter or '_'.
std::string resourceKey(llvm::StringRef name);

} // namespace lcp

#endif // LCP_DIALECT_RESOURCENAMES_H
