//===- TargetRegistry.cpp - The targets lcp-compile knows by name ---------===//

#include "targets/Target.h"

#include <mutex>

namespace lcp {

Target::~Target() = default;

namespace {

struct Registry {
  std::vector<std::unique_ptr<Target>> targets;
  llvm::StringMap<const Target *> byName;
  /// The aliases of each target, for the listing.
  llvm::DenseMap<const Target *, std::vector<std::string>> aliases;
};

Registry &registry() {
  static Registry instance;
  return instance;
}

} // namespace

void registerTarget(std::unique_ptr<Target> target,
                    llvm::ArrayRef<llvm::StringRef> aliases) {
  Registry &r = registry();
  const Target *t = target.get();
  // Registering twice (two tools' setup in one process) keeps the first.
  if (!r.byName.try_emplace(t->getName(), t).second)
    return;
  for (llvm::StringRef alias : aliases)
    if (r.byName.try_emplace(alias, t).second)
      r.aliases[t].push_back(alias.str());
  r.targets.push_back(std::move(target));
}

const Target *lookupTarget(llvm::StringRef name) {
  return registry().byName.lookup(name);
}

std::string describeTargets() {
  std::string text;
  Registry &r = registry();
  for (const std::unique_ptr<Target> &t : r.targets) {
    text += "  " + t->getName().str();
    for (const std::string &alias : r.aliases.lookup(t.get()))
      text += " (or " + alias + ")";
    text += ": " + t->getDescription().str() + "\n";
  }
  return text;
}

const Target *lookupTarget(llvm::StringRef name, std::string &error) {
  if (const Target *t = lookupTarget(name))
    return t;
  error = "unknown target '" + name.str() + "'; the targets are:\n" +
          describeTargets();
  return nullptr;
}

} // namespace lcp
