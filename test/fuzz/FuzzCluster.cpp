//===- FuzzCluster.cpp - Cluster descriptions through their reader --------===//
//
// Any text is a candidate description (users write them, and a worker's
// coordinator may hand one over). A clean error is a pass and must say
// why; what parses must be written back as a description that parses to
// the same text again (the form the IR keeps).
//
//===----------------------------------------------------------------------===//

#include "targets/cluster/Cluster.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>

static std::string written(const lcp::Cluster &cluster) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << lcp::toJson(cluster);
  return text;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  llvm::Expected<lcp::Cluster> cluster = lcp::parseCluster(text, "fuzz.json");
  if (!cluster) {
    if (llvm::toString(cluster.takeError()).empty())
      std::abort(); // a failure must say why
    return 0;
  }
  std::string once = written(*cluster);
  llvm::Expected<lcp::Cluster> again = lcp::parseCluster(once, "written");
  if (!again || written(*again) != once) {
    std::fprintf(stderr, "the written description does not read back: %s\n%s",
                 again ? "it reads differently"
                       : llvm::toString(again.takeError()).c_str(),
                 once.c_str());
    std::abort();
  }
  return 0;
}
