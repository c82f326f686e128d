//===- MlirTextLimits.cpp - What MLIR text lcp hands to the parser --------===//

#include "import/MlirTextLimits.h"

#include "mlir/Bytecode/BytecodeReader.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"

#include <cctype>
#include <limits>
#include <optional>
#include <vector>

using namespace llvm;

namespace lcp {
namespace {

bool isIdentifierChar(char c) {
  return isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
         c == '$' || c == '-';
}

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

/// One pass over MLIR text with a loop (no recursion), refusing what lcp
/// does not hand to MLIR's parser.
class TextChecker {
public:
  TextChecker(MemoryBufferRef buffer, unsigned maxDepth)
      : buffer(buffer), text(buffer.getBuffer()), maxDepth(maxDepth) {}

  Error run();

private:
  std::string position(size_t pos) const;
  Error errorAt(size_t pos, const Twine &message) const;
  Error checkIntegerWidth(size_t i) const;
  Error checkBlobAlignment(size_t i) const;
  Error value(size_t &i);
  Error define(StringRef name, size_t pos);
  Error openRegion();
  void closeRegion();
  void forgetRegionArguments();
  void seeRegionContent();

  MemoryBufferRef buffer;
  StringRef text;
  unsigned maxDepth;
  unsigned depth = 0;
  bool inMetadata = false;

  // SSA values and the `{...}` regions they live in. MLIR 19's parser
  // frees a value's op while an earlier use still points at it when a
  // value is used before its definition inside a region that does not
  // enclose the use and parsing then fails (found by running the MLIR
  // fuzzer's corpus under valgrind). Such a use is never valid, as a value
  // is not visible outside its region, so lcp refuses it up front.
  std::vector<unsigned> regionParent{0}; // region 0 is the top level
  std::vector<unsigned> openRegions{0};
  std::vector<std::vector<StringRef>> definedIn{{}}; // per open region
  StringMap<unsigned> visible; // open definitions of a name
  struct Use {
    unsigned region;
    size_t pos;
  };
  StringMap<std::vector<Use>> forwardUses; // uses before any visible def

  // Whether each open '(' is a block's argument list (`^bb0(`).
  std::vector<bool> blockArgumentLists;
  unsigned parenGroups = 0, parenGroup = 0;
  std::vector<unsigned> parenGroupStack;
  // The arguments of a function or region (`@f(%a: i32)`), which belong to
  // the region that follows. Until a value or block appears in it, that
  // '{' may be an attribute dictionary (`attributes {...} {`), so they are
  // defined in every such region until one is a real region.
  struct Argument {
    StringRef name;
    size_t pos;
  };
  std::vector<Argument> regionArguments;
  unsigned regionArgumentsGroup = 0, regionArgumentsDepth = 0;
  int regionArgumentsTried = -1; // the region they were last defined in
};

std::string TextChecker::position(size_t pos) const {
  StringRef before = text.take_front(pos);
  size_t line = before.count('\n') + 1;
  size_t lineStart = before.rfind('\n');
  size_t column = lineStart == StringRef::npos ? pos + 1 : pos - lineStart;
  return formatv("{0}:{1}", line, column);
}

Error TextChecker::errorAt(size_t pos, const Twine &message) const {
  return createStringError(inconvertibleErrorCode(),
                           formatv("{0}:{1}: error: {2}",
                                   buffer.getBufferIdentifier(), position(pos),
                                   message.str()));
}

/// An integer type (iN, siN, uiN) as the text spells it.
struct IntegerTypeToken {
  StringRef spelling;
  /// Its width; UINT_MAX when it has more than six digits.
  unsigned bits;
};

/// The integer type `text` starts with, if it starts with one. Leading
/// zeros count as MLIR's lexer counts them: i01 is i1.
std::optional<IntegerTypeToken> integerTypeAt(StringRef text) {
  StringRef rest = text;
  if (!rest.consume_front("si") && !rest.consume_front("ui") &&
      !rest.consume_front("i"))
    return std::nullopt;
  size_t digits = 0;
  while (digits < rest.size() &&
         isdigit(static_cast<unsigned char>(rest[digits])))
    ++digits;
  if (digits == 0 || (digits < rest.size() && isIdentifierChar(rest[digits]) &&
                      rest[digits] != '-'))
    return std::nullopt;
  unsigned bits;
  if (digits > 6 || rest.take_front(digits).getAsInteger(10, bits))
    bits = std::numeric_limits<unsigned>::max();
  return IntegerTypeToken{text.take_front(rest.data() - text.data() + digits),
                          bits};
}

/// Refuses an integer type (iN, siN, uiN) at `i` wider than
/// kMaxMlirIntegerWidth: MLIR allows 2^24 bits, so a few bytes of text such
/// as `dense<[1, 1, ...]> : tensor<1000xi16777215>` would take gigabytes
/// (found by lcp's MLIR fuzzer).
Error TextChecker::checkIntegerWidth(size_t i) const {
  if (!startsToken(text, i))
    return Error::success();
  std::optional<IntegerTypeToken> type = integerTypeAt(text.substr(i));
  if (!type || type->bits <= kMaxMlirIntegerWidth)
    return Error::success();
  return errorAt(i, formatv("integer type '{0}' is wider than {1} bits, the "
                            "widest lcp reads",
                            type->spelling, kMaxMlirIntegerWidth));
}

/// Refuses a resource blob (a "0x..." string in the file metadata) whose
/// alignment, its first four bytes, is above kMaxBlobAlignment: MLIR
/// allocates each blob at its alignment, so eight hex digits could ask for
/// 2 GiB aligned (an input of lcp's MLIR fuzzer raised ASan's peak memory
/// by 254 MB with an alignment of 1 GiB).
Error TextChecker::checkBlobAlignment(size_t i) const {
  StringRef literal = text.substr(i + 1);
  if (!literal.consume_front("0x") || literal.size() < 8)
    return Error::success();
  uint32_t alignment = 0;
  for (int byte = 3; byte >= 0; --byte) {
    unsigned value;
    if (literal.substr(2 * byte, 2).getAsInteger(16, value))
      return Error::success(); // not hex: the parser reports it
    alignment = alignment << 8 | value;
  }
  if (alignment <= kMaxBlobAlignment)
    return Error::success();
  return errorAt(i, formatv("a resource blob asks for alignment {0}; lcp "
                            "reads blobs aligned to at most {1} bytes",
                            alignment, kMaxBlobAlignment));
}

Error TextChecker::openRegion() {
  regionParent.push_back(openRegions.back());
  openRegions.push_back(regionParent.size() - 1);
  definedIn.emplace_back();
  if (!regionArguments.empty()) {
    for (const Argument &argument : regionArguments)
      if (Error error = define(argument.name, argument.pos))
        return error;
    regionArgumentsTried = openRegions.back();
  }
  return Error::success();
}

void TextChecker::closeRegion() {
  if (openRegions.size() == 1)
    return; // an unbalanced '}': the parser reports it
  for (StringRef name : definedIn.back())
    if (--visible[name] == 0)
      visible.erase(name);
  definedIn.pop_back();
  if (static_cast<int>(openRegions.back()) == regionArgumentsTried)
    regionArgumentsTried = -1; // not their region: try the next '{'
  openRegions.pop_back();
  if (openRegions.size() < regionArgumentsDepth)
    forgetRegionArguments(); // a declaration without a body
}

void TextChecker::forgetRegionArguments() {
  regionArguments.clear();
  regionArgumentsTried = -1;
}

/// A value or block inside the region the pending arguments were defined
/// in: it is their region, not an attribute dictionary.
void TextChecker::seeRegionContent() {
  if (regionArgumentsTried >= 0 &&
      static_cast<int>(openRegions.back()) == regionArgumentsTried)
    forgetRegionArguments();
}

Error TextChecker::define(StringRef name, size_t pos) {
  unsigned here = openRegions.back();
  auto uses = forwardUses.find(name);
  if (uses != forwardUses.end()) {
    for (const Use &use : uses->second) {
      unsigned r = use.region;
      while (r != here && r != 0)
        r = regionParent[r];
      if (r != here)
        return errorAt(pos, formatv("'{0}' is defined in a region that does "
                                    "not enclose its use at {1}; lcp refuses "
                                    "such text because MLIR 19's parser can "
                                    "crash on it",
                                    name, position(use.pos)));
    }
    forwardUses.erase(uses);
  }
  ++visible[name];
  definedIn.back().push_back(name);
  return Error::success();
}

/// Reads the value name at `i` ('%'): a definition when it starts a result
/// list (`%a, %b:2 = ...`) or names an argument (`(%arg0: f32`), else a use.
/// Leaves `i` on the name's last character.
Error TextChecker::value(size_t &i) {
  auto nameEnd = [&](size_t from) {
    size_t j = from + 1;
    while (j < text.size() && isIdentifierChar(text[j]))
      ++j;
    return j;
  };
  auto skipSpace = [&](size_t j) {
    while (j < text.size() && (text[j] == ' ' || text[j] == '\t'))
      ++j;
    return j;
  };
  size_t end = nameEnd(i);
  StringRef name = text.slice(i, end);
  // A result list: names (each perhaps with ":count"), commas, then '='.
  SmallVector<std::pair<StringRef, size_t>> results{{name, i}};
  size_t j = end;
  while (true) {
    if (j < text.size() && text[j] == ':' && j + 1 < text.size() &&
        isdigit(static_cast<unsigned char>(text[j + 1])))
      for (++j;
           j < text.size() && isdigit(static_cast<unsigned char>(text[j]));)
        ++j;
    j = skipSpace(j);
    if (j < text.size() && text[j] == ',') {
      j = skipSpace(j + 1);
      if (j < text.size() && text[j] == '%') {
        size_t next = nameEnd(j);
        results.push_back({text.slice(j, next), j});
        j = next;
        continue;
      }
    }
    break;
  }
  bool isResultList = j < text.size() && text[j] == '=' &&
                      (j + 1 >= text.size() || text[j + 1] != '=');
  // An argument: "(%x: type" or ", %x: type", colon right after the name.
  size_t before = i;
  while (before > 0 && (text[before - 1] == ' ' || text[before - 1] == '\t' ||
                        text[before - 1] == '\n'))
    --before;
  bool isArgument = end < text.size() && text[end] == ':' &&
                    (end + 1 >= text.size() ||
                     !isdigit(static_cast<unsigned char>(text[end + 1]))) &&
                    before > 0 &&
                    (text[before - 1] == '(' || text[before - 1] == ',');
  if (isResultList) {
    for (auto [result, pos] : results)
      if (Error error = define(result, pos))
        return error;
    i = j - 1; // the '=' is read next
    return Error::success();
  }
  if (isArgument && !blockArgumentLists.empty() && blockArgumentLists.back()) {
    if (Error error = define(name, i))
      return error;
  } else if (isArgument) {
    if (regionArgumentsGroup != parenGroup || regionArgumentsTried >= 0)
      forgetRegionArguments(); // a new argument list
    regionArguments.push_back({name, i});
    regionArgumentsGroup = parenGroup;
    regionArgumentsDepth = openRegions.size();
  } else if (!visible.count(name)) {
    forwardUses[name].push_back({openRegions.back(), i});
  }
  i = end - 1;
  return Error::success();
}

Error TextChecker::run() {
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    switch (c) {
    case '"': {
      // A string literal ends at the next unescaped quote or at the line's
      // end (where the lexer reports it as unterminated).
      size_t start = i;
      for (++i; i < e && text[i] != '"' && text[i] != '\n'; ++i)
        if (text[i] == '\\')
          ++i;
      if (i < e && text[i] == '\n')
        --i;
      if (inMetadata)
        if (Error error = checkBlobAlignment(start))
          return error;
      break;
    }
    case '/':
      if (i + 1 < e && text[i + 1] == '/')
        while (i + 1 < e && text[i + 1] != '\n')
          ++i;
      break;
    case '-':
      if (i + 1 < e && text[i + 1] == '>')
        ++i;
      break;
    case '%':
      seeRegionContent();
      if (Error error = value(i))
        return error;
      break;
    case '^':
      seeRegionContent();
      break;
    case '@':
      // An empty symbol reference parses but prints as
      // "@<<INVALID EMPTY SYMBOL>>", which does not parse again (found by
      // lcp's MLIR fuzzer).
      if (text.substr(i + 1).starts_with("\"\""))
        return errorAt(i, "empty symbol references (@\"\") are not "
                          "supported by lcp");
      break;
    case 'a':
      // MLIR 19 builds a broken array<i1> from integer elements
      // (array<i1: 0>, or array<i01: 0>) and crashes printing it (found by
      // lcp's MLIR fuzzer); lcp has no boolean arrays.
      if (text.substr(i).starts_with("array<") && startsToken(text, i)) {
        std::optional<IntegerTypeToken> element =
            integerTypeAt(text.substr(i + 6).ltrim(" \t\r\n"));
        if (element && element->bits == 1)
          return errorAt(i, "boolean dense arrays (array<i1 ...>) are not "
                            "supported by lcp");
      }
      break;
    case 'i':
    case 's':
    case 'u':
      if (Error error = checkIntegerWidth(i))
        return error;
      // MLIR 19's parser dereferences null on sparse<> with non-integer
      // indices (found by lcp's MLIR fuzzer); lcp has no use for them.
      if (c == 's' && text.substr(i).starts_with("sparse<") &&
          startsToken(text, i))
        return errorAt(i, "sparse elements attributes are not supported by "
                          "lcp");
      break;
    case '(':
    case '[':
    case '{':
      // The file metadata ({-# dialect_resources: ... #-}) holds the
      // resource blobs.
      if (text.substr(i).starts_with("{-#"))
        inMetadata = true;
      [[fallthrough]];
    case '<':
      if (++depth > maxDepth)
        return errorAt(i, formatv("brackets nest deeper than {0} levels; lcp "
                                  "refuses such text because MLIR's parser "
                                  "recurses once per level",
                                  maxDepth));
      if (c == '(') {
        // A block's arguments: "^name(".
        size_t j = i;
        while (j > 0 && isIdentifierChar(text[j - 1]))
          --j;
        blockArgumentLists.push_back(j < i && j > 0 && text[j - 1] == '^');
        parenGroupStack.push_back(parenGroup);
        parenGroup = ++parenGroups;
      }
      if (c == '{')
        if (Error error = openRegion())
          return error;
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
      if (c == ')' && !parenGroupStack.empty()) {
        blockArgumentLists.pop_back();
        parenGroup = parenGroupStack.back();
        parenGroupStack.pop_back();
      }
      if (c == '}')
        closeRegion();
      break;
    default:
      break;
    }
  }
  return Error::success();
}

} // namespace

Error checkMlirTextLimits(MemoryBufferRef buffer, unsigned maxDepth) {
  if (mlir::isBytecode(buffer))
    return Error::success();
  return TextChecker(buffer, maxDepth).run();
}

} // namespace lcp
