//===- MlirTextLimits.cpp - What MLIR text lcp hands to the parser --------===//

#include "import/MlirTextLimits.h"

#include "mlir/Bytecode/BytecodeReader.h"
#include "llvm/Support/FormatVariadic.h"

#include <cctype>

using namespace llvm;

namespace lcp {

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
    case 's':
      // MLIR 19's parser dereferences null on sparse<> with non-integer
      // indices (found by lcp's MLIR fuzzer); lcp has no use for them.
      if (text.substr(i).starts_with("sparse<") &&
          (i == 0 || !(isalnum(text[i - 1]) || text[i - 1] == '_' ||
                       text[i - 1] == '.' || text[i - 1] == '$')))
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
