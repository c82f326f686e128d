//===- ResourceNames.cpp - Keys of weight blobs ---------------------------===//

#include "dialect/ResourceNames.h"

#include "llvm/ADT/StringExtras.h"

namespace lcp {

std::string resourceKey(llvm::StringRef name) {
  std::string key;
  if (name.empty() || !(llvm::isAlpha(name.front()) || name.front() == '_'))
    key = "_";
  for (char c : name)
    key += llvm::isAlnum(c) || c == '_' || c == '$' || c == '.' ? c : '_';
  return key;
}

} // namespace lcp
