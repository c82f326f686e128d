//===- FuzzSafetensors.cpp - weights files through the package reader -----===//
//
// What parses must point every tensor inside the file, with the bytes its
// shape needs: each is read whole here, so that a sanitizer sees a tensor
// that runs past the end. It must also be written back to a file that
// parses to the same tensors.
//
//===----------------------------------------------------------------------===//

#include "runtime/format/Package.h"

#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::vector<char> bytes(data, data + size);
  std::map<std::string, lcp::WeightTensor> weights;
  std::string error;
  if (!lcp::parseSafetensors(bytes, weights, error)) {
    if (error.empty())
      std::abort(); // a failure must say why
    return 0;
  }
  std::vector<lcp::StoredTensor> stored;
  for (const auto &[name, w] : weights) {
    int64_t count = lcp::checkedNumElements(w.shape, lcp::kMaxTensorElements);
    if (count < 0)
      std::abort();
    size_t length = static_cast<size_t>(count * lcp::storageBytes(w.type));
    const char *begin = static_cast<const char *>(w.data);
    if (length &&
        (begin < bytes.data() || begin + length > bytes.data() + bytes.size()))
      std::abort();
    stored.push_back({name, w.type, w.shape, std::string(begin, length)});
  }
  std::string image = lcp::writeSafetensors(stored);
  std::vector<char> imageBytes(image.begin(), image.end());
  std::map<std::string, lcp::WeightTensor> again;
  if (!lcp::parseSafetensors(imageBytes, again, error) ||
      again.size() != weights.size())
    std::abort();
  for (const auto &[name, w] : weights) {
    const lcp::WeightTensor &v = again.at(name);
    size_t length = lcp::checkedNumElements(w.shape, lcp::kMaxTensorElements) *
                    lcp::storageBytes(w.type);
    if (v.type != w.type || v.shape != w.shape ||
        (length && std::memcmp(v.data, w.data, length) != 0))
      std::abort();
  }
  return 0;
}
