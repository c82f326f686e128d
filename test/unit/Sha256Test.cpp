//===- Sha256Test.cpp - Package checksums against sha256sum ---------------===//
//
// The oracle is coreutils' sha256sum, run on the same bytes, for lengths
// around the 64-byte block and 56-byte padding boundaries.

#include "support/Sha256.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>

namespace {

std::string sha256sum(const std::string &bytes) {
  std::string path = ::testing::TempDir() + "/lcp-sha256-test.bin";
  std::ofstream(path, std::ios::binary) << bytes;
  std::string command = "sha256sum '" + path + "'";
  FILE *pipe = popen(command.c_str(), "r");
  char digest[65] = {0};
  if (!pipe || fread(digest, 1, 64, pipe) != 64)
    return "sha256sum failed";
  pclose(pipe);
  std::remove(path.c_str());
  return digest;
}

TEST(Sha256, MatchesSha256sumAcrossBlockBoundaries) {
  for (size_t length : {0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000,
                        4097}) {
    std::string bytes;
    for (size_t i = 0; i < length; ++i)
      bytes += static_cast<char>((i * 131 + length) & 0xff);
    EXPECT_EQ(lcp::sha256Hex(bytes.data(), bytes.size()), sha256sum(bytes))
        << "length " << length;
  }
}

} // namespace
