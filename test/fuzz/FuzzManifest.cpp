//===- FuzzManifest.cpp - manifest.json text through the package reader ---===//
//
// What parses must be written back to a manifest that parses to the same
// thing (the writer and the reader are one definition of the format).
//
//===----------------------------------------------------------------------===//

#include "runtime/format/Package.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  lcp::Manifest manifest;
  std::string error;
  if (!lcp::parseManifest(text, manifest, error)) {
    if (error.empty())
      std::abort(); // a failure must say why
    return 0;
  }
  std::string written = lcp::writeManifest(manifest);
  lcp::Manifest again;
  if (!lcp::parseManifest(written, again, error) ||
      lcp::writeManifest(again) != written) {
    std::fprintf(stderr, "the written manifest does not read back: %s\n%s",
                 error.c_str(), written.c_str());
    std::abort();
  }
  return 0;
}
