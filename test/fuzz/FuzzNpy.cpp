//===- FuzzNpy.cpp - .npy images through the reader -----------------------===//
//
// What parses must hold as many elements as its shape says, and must come
// back bit for bit through the writer.
//
//===----------------------------------------------------------------------===//

#include "support/Npy.h"

#include <cstdlib>
#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  lcp::HostTensor tensor;
  std::string error;
  if (!lcp::parseNpy(bytes, tensor, error)) {
    if (error.empty())
      std::abort(); // a failure must say why
    return 0;
  }
  if (tensor.numElements() < 0 ||
      static_cast<size_t>(tensor.numElements()) != tensor.f32.size())
    std::abort();
  lcp::HostTensor again;
  if (!lcp::parseNpy(lcp::serializeNpy(tensor), again, error) ||
      again.shape != tensor.shape || again.f32.size() != tensor.f32.size() ||
      (!tensor.f32.empty() &&
       std::memcmp(again.f32.data(), tensor.f32.data(),
                   tensor.f32.size() * sizeof(float)) != 0))
    std::abort();
  return 0;
}
