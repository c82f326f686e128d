//===- IntegerSemanticsTest.cpp - The integer contract, case by case -----===//
//
// Corner cases of support/IntegerSemantics.h with results worked out by
// hand from docs/INTEGER.md: ties of both rounding rules, saturation at
// both ends, the largest accumulators, zero points at the extremes.
//
//===----------------------------------------------------------------------===//

#include "support/IntegerSemantics.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace lcp::integer;

namespace {

TEST(IntegerSemantics, MultiplierIsM0TimesPowerOfTwo) {
  struct Case {
    double m;
    int32_t m0, k;
  };
  const Case cases[] = {
      {0.5, 1 << 30, 31},     // 2^30 * 2^-31
      {0.75, 1610612736, 31}, // 0.75 * 2^31
      {1.0, 1 << 30, 30},     // 2^30 * 2^-30
      {3.0, 1610612736, 29},  // 0.75 * 2^31 * 2^-29
      {std::ldexp(1.0, -32), 1 << 30, 62},
      // 1 - 2^-40 rounds up to 2^31 at k = 31: halved to 2^30, k = 30.
      {1.0 - std::ldexp(1.0, -40), 1 << 30, 30},
  };
  for (const Case &c : cases) {
    Multiplier m;
    ASSERT_EQ(quantizeMultiplier(c.m, m), nullptr) << c.m;
    EXPECT_FALSE(m.zero) << c.m;
    EXPECT_EQ(m.m0, c.m0) << c.m;
    EXPECT_EQ(m.k, c.k) << c.m;
  }
}

TEST(IntegerSemantics, MultiplierLimits) {
  Multiplier m;
  // Below 2^-32 every result is the zero point.
  ASSERT_EQ(quantizeMultiplier(std::ldexp(1.0, -33), m), nullptr);
  EXPECT_TRUE(m.zero);
  ASSERT_EQ(quantizeMultiplier(0.0, m), nullptr);
  EXPECT_TRUE(m.zero);
  // 2^30 and more would need k < 1.
  EXPECT_NE(quantizeMultiplier(std::ldexp(1.0, 30), m), nullptr);
  EXPECT_NE(quantizeMultiplier(-1.0, m), nullptr);
  EXPECT_NE(quantizeMultiplier(NAN, m), nullptr);
}

TEST(IntegerSemantics, RoundingShiftRightTiesGoUp) {
  EXPECT_EQ(roundingShiftRight(3, 1), 2);   // 1.5 -> 2
  EXPECT_EQ(roundingShiftRight(-3, 1), -1); // -1.5 -> -1
  EXPECT_EQ(roundingShiftRight(5, 2), 1);   // 1.25 -> 1
  EXPECT_EQ(roundingShiftRight(6, 2), 2);   // 1.5 -> 2
  EXPECT_EQ(roundingShiftRight(-6, 2), -1); // -1.5 -> -1
  EXPECT_EQ(roundingShiftRight(-7, 2), -2); // -1.75 -> -2
}

TEST(IntegerSemantics, RequantizeRoundsAndSaturates) {
  Multiplier half;
  ASSERT_EQ(quantizeMultiplier(0.5, half), nullptr);
  EXPECT_EQ(requantize(3, half, 0, -128, 127), 2);   // 1.5 -> 2
  EXPECT_EQ(requantize(-3, half, 0, -128, 127), -1); // -1.5 -> -1
  EXPECT_EQ(requantize(-3, half, 10, -128, 127), 9); // zero point added
  EXPECT_EQ(requantize(1000, half, 100, -128, 127), 127);
  EXPECT_EQ(requantize(-1000, half, -100, -128, 127), -128);
  // Zero points at the extremes.
  EXPECT_EQ(requantize(0, half, -128, -128, 127), -128);
  EXPECT_EQ(requantize(1, half, 127, -128, 127), 127);
  // The largest int32 accumulator with the largest M0 stays in int64:
  // (2^31 - 1) * (2^31 - 1) + 2^61 < 2^63; times 2^-62 it is about 1.
  Multiplier big{2147483647, 62, false};
  EXPECT_EQ(requantize(2147483647, big, 0, -128, 127), 1);
  EXPECT_EQ(requantize(-2147483647, big, 0, -128, 127), -1);
  // A zero multiplier gives the zero point.
  Multiplier zero{0, 0, true};
  EXPECT_EQ(requantize(2147483647, zero, 7, -128, 127), 7);
}

TEST(IntegerSemantics, Int8ActivationParamsHoldZeroExactly) {
  // [-1, 3]: scale 4 / 255, zp = round(-128 + 255 / 4) = round(-64.25) = -64.
  QuantParams p = int8ActivationParams(-1.0, 3.0);
  EXPECT_DOUBLE_EQ(p.scale, 4.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, -64);
  // Only positive values: min widens to 0, zp = -128.
  p = int8ActivationParams(0.5, 2.55);
  EXPECT_DOUBLE_EQ(p.scale, 2.55 / 255.0);
  EXPECT_EQ(p.zeroPoint, -128);
  // Only negative values: max widens to 0, zp = round(-128 + 255) = 127.
  p = int8ActivationParams(-2.0, -1.0);
  EXPECT_EQ(p.zeroPoint, 127);
  // All zero: the scale floor.
  p = int8ActivationParams(0.0, 0.0);
  EXPECT_DOUBLE_EQ(p.scale, kMinScale);
  EXPECT_EQ(p.zeroPoint, -128);
}

TEST(IntegerSemantics, WeightsAndBiases) {
  EXPECT_DOUBLE_EQ(int8WeightScale(2.54), 0.02);
  EXPECT_DOUBLE_EQ(int8WeightScale(0.0), kMinScale);
  EXPECT_EQ(quantizeInt8Weight(2.54, 0.02), 127);
  EXPECT_EQ(quantizeInt8Weight(-2.54, 0.02), -127);
  EXPECT_EQ(quantizeInt8Weight(-3.0, 0.02), -127); // never -128
  EXPECT_EQ(quantizeInt8Weight(0.01, 0.02), 1);    // 0.5 away from zero
  EXPECT_EQ(quantizeInt8Weight(-0.01, 0.02), -1);  // -0.5 away from zero
  EXPECT_EQ(quantizeBias(0.3, 0.1, 0.5), 6);       // 0.3 / 0.05
  EXPECT_EQ(quantizeBias(-0.125, 0.25, 1.0), -1);  // -0.5 away from zero
}

TEST(IntegerSemantics, Fixed16) {
  // Q3.13: 1.0 is 8192; the range is [-4, 4).
  EXPECT_EQ(toFixed16(1.0, 13), 8192);
  EXPECT_EQ(toFixed16(-4.0, 13), -32768);
  EXPECT_EQ(toFixed16(4.0, 13), 32767); // saturates
  EXPECT_EQ(toFixed16(-5.0, 13), -32768);
  // 1.5 / 2^13 rounds half away from zero.
  EXPECT_EQ(toFixed16(1.5 / 8192, 13), 2);
  EXPECT_EQ(toFixed16(-1.5 / 8192, 13), -2);
  // Q26 accumulator back to Q13: shift 13, ties up, saturating.
  EXPECT_EQ(fixed16FromAccumulator(int64_t(8192) * 8192, 13), 8192);
  EXPECT_EQ(fixed16FromAccumulator(4096 + 8192, 13), 2);   // 1.5 -> 2
  EXPECT_EQ(fixed16FromAccumulator(-4096 - 8192, 13), -1); // -1.5 -> -1
  EXPECT_EQ(fixed16FromAccumulator(int64_t(1) << 46, 13), 32767);
  EXPECT_EQ(fixed16FromAccumulator(-(int64_t(1) << 46), 13), -32768);
  EXPECT_EQ(fixed16FromAccumulator(3, 0), 3);
  EXPECT_EQ(fixed16FromAccumulator(3, -2), 12);
}

TEST(IntegerSemantics, InputQuantization) {
  // x * invScale = 2.5 -> floor(3.0) = 3, plus zp.
  EXPECT_EQ(quantizeInput(0.25f, 10.0f, 0, -128, 127), 3);
  EXPECT_EQ(quantizeInput(-0.25f, 10.0f, 0, -128, 127),
            -2); // floor(-2.0): ties up
  EXPECT_EQ(quantizeInput(0.25f, 10.0f, -128, -128, 127), -125);
  EXPECT_EQ(quantizeInput(100.0f, 10.0f, 0, -128, 127), 127);
  EXPECT_EQ(quantizeInput(-100.0f, 10.0f, 0, -128, 127), -128);
  EXPECT_EQ(quantizeInput(NAN, 10.0f, 5, -128, 127), 5);
  // int16 (fixed16 inputs: zero point 0, invScale 2^13).
  EXPECT_EQ(quantizeInput(1.0f, 8192.0f, 0, -32768, 32767), 8192);
  EXPECT_EQ(quantizeInput(5.0f, 8192.0f, 0, -32768, 32767), 32767);
  EXPECT_FLOAT_EQ(dequantize(-64, 0.5f, -64), 0.0f);
  EXPECT_FLOAT_EQ(dequantize(0, 0.5f, -64), 32.0f);
}

} // namespace

// The table-driven corner cases (test/Inputs/requantize_corners.txt, results
// computed by requantize_corners.py from docs/INTEGER.md): the same rows
// run through the reference evaluator and the compiled CPU package in
// test/codegen/requantize-corners.test.
TEST(IntegerSemantics, RequantizeTable) {
  std::ifstream table(LCP_TEST_INPUTS "/requantize_corners.txt");
  ASSERT_TRUE(table) << "cannot open requantize_corners.txt";
  std::string line;
  int rows = 0;
  while (std::getline(table, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::istringstream fields(line);
    int bits, zpIn, zpOut;
    double scaleOut;
    int32_t q, y;
    ASSERT_TRUE(fields >> bits >> scaleOut >> zpIn >> zpOut >> q >> y) << line;
    int32_t lo = -(1 << (bits - 1)), hi = (1 << (bits - 1)) - 1;
    Multiplier m;
    ASSERT_EQ(quantizeMultiplier(1.0 / scaleOut, m), nullptr) << line;
    EXPECT_EQ(requantize(q - zpIn, m, zpOut, lo, hi), y) << line;
    ++rows;
  }
  EXPECT_GT(rows, 700);
}
