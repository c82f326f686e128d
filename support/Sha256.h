//===- Sha256.h - SHA-256 digests (FIPS 180-4) ------------------*- C++ -*-===//

#ifndef LCP_SUPPORT_SHA256_H
#define LCP_SUPPORT_SHA256_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace lcp {

/// The SHA-256 digest of `size` bytes, as 64 lowercase hex digits.
std::string sha256Hex(const void *data, size_t size);

} // namespace lcp

#endif // LCP_SUPPORT_SHA256_H
