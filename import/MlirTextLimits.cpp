//===- MlirTextLimits.cpp - What MLIR text lcp hands to the parser --------===//

#include "import/MlirTextLimits.h"

#include "mlir/Bytecode/BytecodeReader.h"
#include "llvm/Support/FormatVariadic.h"

#include <cctype>

using namespace llvm;

namespace lcp {
namespace {

/// Whether a keyword may start at `i`: not inside an identifier, nor the
/// name of a value, symbol, block or alias (%i128, @i128, ^i128, #i128).
bool startsToken(StringRef text, size_t i) {
  // In a shape the element type follows the dimensions: 4x?xi32, [4]xi32,
  // *xi32. Such a prefix is skipped (within an identifier it is not).
  if (i >= 2 && text[i - 1] == 'x' &&
      StringRef("0123456789?*]").contains(text[i - 2]))
    for (--i; i > 0 && StringRef("0123456789x?*[]").contains(text[i - 1]);)
      --i;
  if (i == 0)
    return true;
  char p = text[i - 1];
  return !(isalnum(static_cast<unsigned char>(p)) ||
           StringRef("_.$%@^#!").contains(p));
}

/// Refuses an integer type (iN, siN, uiN) at `i` wider than
/// kMaxMlirIntegerWidth: MLIR allows 2^24 bits, so a few bytes of text such
/// as `dense<[1, 1, ...]> : tensor<1000xi16777215>` would take gigabytes
/// (found by lcp's MLIR fuzzer).
Error checkIntegerWidth(MemoryBufferRef buffer, size_t i, size_t line,
                        size_t lineStart) {
  StringRef text = buffer.getBuffer();
  if (!startsToken(text, i))
    return Error::success();
  StringRef rest = text.substr(i);
  if (!rest.consume_front("si") && !rest.consume_front("ui") &&
      !rest.consume_front("i"))
    return Error::success();
  size_t digits = 0;
  while (digits < rest.size() &&
         isdigit(static_cast<unsigned char>(rest[digits])))
    ++digits;
  if (digits == 0 ||
      (digits < rest.size() &&
       (isalnum(static_cast<unsigned char>(rest[digits])) ||
        rest[digits] == '_' || rest[digits] == '.' || rest[digits] == '$')))
    return Error::success();
  StringRef width = rest.take_front(digits);
  unsigned bits;
  if (digits <= 6 && !width.getAsInteger(10, bits) &&
      bits <= kMaxMlirIntegerWidth)
    return Error::success();
  return createStringError(
      inconvertibleErrorCode(),
      formatv("{0}:{1}:{2}: error: integer type '{3}' is wider than {4} bits, "
              "the widest lcp reads",
              buffer.getBufferIdentifier(), line, i - lineStart + 1,
              text.substr(i, rest.data() - text.data() - i + digits),
              kMaxMlirIntegerWidth));
}

} // namespace

Error checkMlirTextLimits(MemoryBufferRef buffer, unsigned maxDepth) {
  if (mlir::isBytecode(buffer))
    return Error::success();
  StringRef text = buffer.getBuffer();
  unsigned depth = 0;
  size_t line = 1, lineStart = 0;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    switch (c) {
    case '\n':
      ++line;
      lineStart = i + 1;
      break;
    case '"':
      // A string literal ends at the next unescaped quote or at the line's
      // end (where the lexer reports it as unterminated).
      for (++i; i < e && text[i] != '"' && text[i] != '\n'; ++i)
        if (text[i] == '\\')
          ++i;
      if (i < e && text[i] == '\n')
        --i;
      break;
    case '/':
      if (i + 1 < e && text[i + 1] == '/')
        while (i + 1 < e && text[i + 1] != '\n')
          ++i;
      break;
    case '-':
      if (i + 1 < e && text[i + 1] == '>')
        ++i;
      break;
    case 'i':
    case 's':
    case 'u':
      if (Error error = checkIntegerWidth(buffer, i, line, lineStart))
        return error;
      if (c != 's')
        break;
      // MLIR 19's parser dereferences null on sparse<> with non-integer
      // indices (found by lcp's MLIR fuzzer); lcp has no use for them.
      if (text.substr(i).starts_with("sparse<") && startsToken(text, i))
        return createStringError(
            inconvertibleErrorCode(),
            formatv("{0}:{1}:{2}: error: sparse elements attributes are not "
                    "supported by lcp",
                    buffer.getBufferIdentifier(), line, i - lineStart + 1));
      break;
    case '(':
    case '[':
    case '{':
    case '<':
      if (++depth > maxDepth)
        return createStringError(
            inconvertibleErrorCode(),
            formatv("{0}:{1}:{2}: error: brackets nest deeper than {3} "
                    "levels; lcp refuses such text because MLIR's parser "
                    "recurses once per level",
                    buffer.getBufferIdentifier(), line, i - lineStart + 1,
                    maxDepth));
      break;
    case '>':
      if (i + 1 < e && text[i + 1] == '=')
        break;
      [[fallthrough]];
    case ')':
    case ']':
    case '}':
      if (depth)
        --depth;
      break;
    default:
      break;
    }
  }
  return Error::success();
}

} // namespace lcp
