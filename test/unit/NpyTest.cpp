//===- NpyTest.cpp - The .npy reader and writer ---------------------------===//

#include "support/Npy.h"
#include "support/Compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>

using namespace lcp;

namespace {

HostTensor iota(std::vector<int64_t> shape) {
  HostTensor t(std::move(shape));
  for (size_t i = 0; i < t.f32.size(); ++i)
    t.f32[i] = 0.5f * static_cast<float>(i) - 3.0f;
  return t;
}

std::string replaceFirst(std::string s, const std::string &from,
                         const std::string &to) {
  size_t pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return pos == std::string::npos ? s : s.replace(pos, from.size(), to);
}

TEST(Npy, RoundTripsShapesOfEveryRank) {
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{}, {7}, {2, 3}, {1, 1, 28, 28}, {0, 4}}) {
    HostTensor original = iota(shape);
    HostTensor parsed;
    std::string error;
    ASSERT_TRUE(parseNpy(serializeNpy(original), parsed, error)) << error;
    EXPECT_EQ(parsed.shape, original.shape);
    EXPECT_EQ(parsed.f32, original.f32);
  }
}

TEST(Npy, HeaderIsAlignedAndEndsInNewline) {
  std::string bytes = serializeNpy(iota({3}));
  size_t headerLen = static_cast<unsigned char>(bytes[8]) |
                     (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + headerLen) % 64, 0u);
  EXPECT_EQ(bytes[10 + headerLen - 1], '\n');
  EXPECT_NE(bytes.find("'shape': (3,)"), std::string::npos);
}

TEST(Npy, RejectsMalformedFiles) {
  std::string good = serializeNpy(iota({2, 2}));
  struct Case {
    std::string bytes;
    std::string message;
  } cases[] = {
      {"", "bad magic"},
      {"\x93NUMPX" + good.substr(6), "bad magic"},
      {good.substr(0, 20), "truncated .npy header"},
      {good.substr(0, good.size() - 4), "data holds 12 bytes"},
      {good + "xxxx", "data holds 20 bytes"},
      // Found by the fuzzer: "2 2" was read as 2.
      {replaceFirst(good, "(2, 2)", "(2 2,4)"), "malformed dimension '2 2'"},
  };
  for (const Case &c : cases) {
    HostTensor t;
    std::string error;
    EXPECT_FALSE(parseNpy(c.bytes, t, error));
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
  }
}

TEST(Npy, RejectsUnsupportedElementTypesAndOrders) {
  std::string good = serializeNpy(iota({2}));
  std::string ints = good;
  ints.replace(ints.find("<f4"), 3, "<i4");
  std::string fortran = good;
  fortran.replace(fortran.find("False"), 5, "True ");
  HostTensor t;
  std::string error;
  EXPECT_FALSE(parseNpy(ints, t, error));
  EXPECT_NE(error.find("'<i4' is not supported"), std::string::npos) << error;
  EXPECT_FALSE(parseNpy(fortran, t, error));
  EXPECT_NE(error.find("Fortran"), std::string::npos) << error;
}

TEST(Npy, RejectsShapesTooLargeBeforeAllocating) {
  std::string good = serializeNpy(iota({2}));
  std::string huge = good;
  huge.replace(huge.find("(2,)"), 4, "(99999999999,99999999)");
  HostTensor t;
  std::string error;
  EXPECT_FALSE(parseNpy(huge, t, error));
  EXPECT_NE(error.find("too large"), std::string::npos) << error;
}

TEST(Npy, WritesAtomically) {
  std::string path = ::testing::TempDir() + "/lcp-npy-test.npy";
  HostTensor t = iota({4, 5});
  std::string error;
  ASSERT_TRUE(writeNpy(path, t, error)) << error;
  HostTensor back;
  ASSERT_TRUE(readNpy(path, back, error)) << error;
  EXPECT_EQ(back.f32, t.f32);
  std::ifstream temp(path + ".tmp");
  EXPECT_FALSE(temp.good()) << "the temporary file was left behind";
  std::remove(path.c_str());
}

TEST(Compare, UsesAbsoluteAndRelativeTolerance) {
  HostTensor expected = iota({3});
  expected.f32 = {1000.0f, 0.0f, -2.0f};
  HostTensor actual = expected;
  std::string report;
  // Within atol + rtol * |b|: 1e-4 + 0.1 at 1000.
  actual.f32[0] = 1000.09f;
  actual.f32[1] = 0.00009f;
  EXPECT_TRUE(allClose(actual, expected, Tolerance(), report)) << report;
  actual.f32[1] = 0.0002f;
  EXPECT_FALSE(allClose(actual, expected, Tolerance(), report));
  EXPECT_NE(report.find("1 of 3 elements differ; first at flat index 1"),
            std::string::npos)
      << report;
}

TEST(Compare, RejectsShapeMismatchAndTreatsNaNAsEqualOnlyToNaN) {
  HostTensor a = iota({2, 3}), b = iota({3, 2});
  std::string report;
  EXPECT_FALSE(allClose(a, b, Tolerance(), report));
  EXPECT_NE(report.find("shape 2x3 differs from the expected 3x2"),
            std::string::npos);
  HostTensor nan = iota({1});
  nan.f32[0] = std::nanf("");
  EXPECT_TRUE(allClose(nan, nan, Tolerance(), report));
  EXPECT_FALSE(allClose(iota({1}), nan, Tolerance(), report));
}

} // namespace
