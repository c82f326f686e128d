//===- MlirTextLimits.h - What MLIR text lcp parses -------------*- C++ -*-===//
//
// MLIR's text parser recurses once per nested region, attribute, type and
// parenthesised list, so a file of a few kilobytes of opening brackets
// exhausts the stack; integer types may be 2^24 bits wide, so short text
// can ask for gigabytes; and MLIR 19's parser and printer break on some
// inputs (malformed sparse attributes, boolean arrays from integers, empty
// symbol references, a value used before its definition in a region that
// does not enclose the use). lcp scans text with a loop and refuses these
// before handing it to that parser.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_IMPORT_MLIRTEXTLIMITS_H
#define LCP_IMPORT_MLIRTEXTLIMITS_H

#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <cstdint>

namespace lcp {

/// The deepest bracket nesting lcp reads in MLIR text. Real modules nest a
/// few tens of levels (regions in regions, types in types).
constexpr unsigned kMaxMlirNesting = 256;

/// The widest integer type lcp reads in MLIR text; its ops use at most 64.
constexpr unsigned kMaxMlirIntegerWidth = 64;

/// The largest alignment lcp reads for a resource blob in MLIR text (lcp
/// writes its blobs aligned to their element type; a page is plenty).
constexpr uint32_t kMaxBlobAlignment = 4096;

/// Fails with "name:line:col: ..." at the first bracket of `buffer` that
/// opens level `maxDepth + 1`. Counts (, [, { and < outside string literals
/// and comments; `->` and `>=` are not brackets. Bytecode passes unchecked
/// (its reader is not recursive in this way). Also refuses integer types
/// wider than kMaxMlirIntegerWidth bits, resource blobs aligned beyond
/// kMaxBlobAlignment, and the constructs MLIR 19
/// mishandles: `sparse<...>`, `array<i1 ...>`, `@""`, and a value used
/// before its definition in a region that does not enclose the use.
llvm::Error checkMlirTextLimits(llvm::MemoryBufferRef buffer,
                                unsigned maxDepth = kMaxMlirNesting);

} // namespace lcp

#endif // LCP_IMPORT_MLIRTEXTLIMITS_H
