//===- HostTensorTest.cpp - Size checks on shapes -------------------------===//

#include "support/HostTensor.h"

#include <gtest/gtest.h>

using namespace lcp;

namespace {

TEST(CheckedNumElements, CountsWithinTheLimit) {
  EXPECT_EQ(checkedNumElements({}), 1);
  EXPECT_EQ(checkedNumElements({2, 3, 4}), 24);
  EXPECT_EQ(checkedNumElements({2, 3, 4}, 24), 24);
  EXPECT_EQ(checkedNumElements({2, 0, 4}), 0);
}

TEST(CheckedNumElements, RefusesNegativeAndOversizedShapes) {
  EXPECT_EQ(checkedNumElements({2, -1}), -1);
  EXPECT_EQ(checkedNumElements({2, 3, 4}, 23), -1);
  EXPECT_EQ(checkedNumElements({int64_t(1) << 32, int64_t(1) << 32}), -1);
}

// An empty tensor's other dimensions are bounded too: code that walks the
// shape multiplies them (an ONNX fuzzer finding: strides of a folded Add
// over an initializer of shape 2x2x0x0x8064x86x... overflowed).
TEST(CheckedNumElements, BoundsTheOtherDimensionsOfAnEmptyShape) {
  EXPECT_EQ(checkedNumElements({0, 1 << 20}, 1 << 20), 0);
  EXPECT_EQ(checkedNumElements({0, 1 << 20, 2}, 1 << 20), -1);
  EXPECT_EQ(checkedNumElements({int64_t(1) << 40, 0, int64_t(1) << 40}), -1);
}

} // namespace
