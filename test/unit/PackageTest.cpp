//===- PackageTest.cpp - The package format -------------------------------===//

#include "runtime/format/Package.h"

#include <gtest/gtest.h>

#include <cstring>
#include <functional>

using namespace lcp;

namespace {

/// A safetensors image: the 8-byte little-endian header size, `header`
/// padded with spaces to a multiple of 8, then `data`.
std::vector<char> safetensors(std::string header, const std::string &data) {
  header.append((8 - header.size() % 8) % 8, ' ');
  std::string file(8, '\0');
  for (int i = 0; i < 8; ++i)
    file[i] = static_cast<char>((uint64_t(header.size()) >> (8 * i)) & 0xff);
  file += header + data;
  return std::vector<char>(file.begin(), file.end());
}

template <typename T> T at(const WeightTensor &w, size_t i) {
  T v;
  std::memcpy(&v, static_cast<const char *>(w.data) + i * sizeof(T), sizeof v);
  return v;
}

TEST(Safetensors, ReadsIntegerDtypes) {
  // Little-endian: f32 1.0, i32 -70000 and 5, i16 -300, i8 -3, 127, 0.
  std::string data("\x00\x00\x80\x3f"
                   "\x90\xee\xfe\xff\x05\x00\x00\x00"
                   "\xd4\xfe"
                   "\xfd\x7f\x00",
                   17);
  std::vector<char> bytes = safetensors(
      R"({"f": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]},)"
      R"( "w": {"dtype": "I32", "shape": [2, 1], "data_offsets": [4, 12]},)"
      R"( "h": {"dtype": "I16", "shape": [1], "data_offsets": [12, 14]},)"
      R"( "b": {"dtype": "I8", "shape": [1, 3], "data_offsets": [14, 17]},)"
      R"( "__metadata__": {"format": "pt"}})",
      data);
  std::map<std::string, WeightTensor> weights;
  std::string error;
  ASSERT_TRUE(parseSafetensors(bytes, weights, error)) << error;
  ASSERT_EQ(weights.size(), 4u);
  EXPECT_EQ(weights["f"].type, ElementType::F32);
  EXPECT_EQ(at<float>(weights["f"], 0), 1.0f);
  EXPECT_EQ(weights["w"].type, ElementType::I32);
  EXPECT_EQ(weights["w"].shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(at<int32_t>(weights["w"], 0), -70000);
  EXPECT_EQ(at<int32_t>(weights["w"], 1), 5);
  EXPECT_EQ(weights["h"].type, ElementType::I16);
  EXPECT_EQ(at<int16_t>(weights["h"], 0), -300);
  EXPECT_EQ(weights["b"].type, ElementType::I8);
  EXPECT_EQ(weights["b"].shape, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(at<int8_t>(weights["b"], 0), -3);
  EXPECT_EQ(at<int8_t>(weights["b"], 1), 127);
  EXPECT_EQ(at<int8_t>(weights["b"], 2), 0);
}

/// A safetensors header that parseSafetensors must refuse, with `dataSize`
/// zero bytes of data, and a part of the error it must give.
struct BadSafetensors {
  std::string header;
  size_t dataSize;
  std::string message;
};

/// The error parseSafetensors gives for `c` (failing the test if it
/// accepts it).
std::string rejection(const BadSafetensors &c) {
  std::map<std::string, WeightTensor> weights;
  std::string error;
  EXPECT_FALSE(parseSafetensors(
      safetensors(c.header, std::string(c.dataSize, '\0')), weights, error))
      << c.header;
  return error;
}

TEST(Safetensors, RejectsBadDtypesSizesAndAlignment) {
  BadSafetensors cases[] = {
      {R"({"t": {"dtype": "F64", "shape": [1], "data_offsets": [0, 8]}})", 8,
       "tensor 't': dtype F64 is not supported (F32, I8, I16, I32)"},
      {R"({"t": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]}})", 2,
       "tensor 't': dtype U8 is not supported"},
      // Four bytes are two i16, not three.
      {R"({"t": {"dtype": "I16", "shape": [3], "data_offsets": [0, 4]}})", 4,
       "tensor 't': data_offsets [0, 4) do not hold i16 shape 3 in 4 bytes"},
      // Four bytes are four i8, not three.
      {R"({"t": {"dtype": "I8", "shape": [3], "data_offsets": [0, 4]}})", 4,
       "do not hold i8 shape 3"},
      {R"({"t": {"dtype": "I32", "shape": [2], "data_offsets": [0, 4]}})", 8,
       "do not hold i32 shape 2"},
      // An i32 that does not start at a multiple of 4.
      {R"({"t": {"dtype": "I32", "shape": [1], "data_offsets": [2, 6]}})", 8,
       "data_offsets [2, 6) do not hold i32 shape 1"},
      {R"({"t": {"dtype": "I16", "shape": [1], "data_offsets": [4, 6]}})", 5,
       "in 5 bytes of data"},
  };
  for (const BadSafetensors &c : cases) {
    std::string error = rejection(c);
    EXPECT_NE(error.find(c.message), std::string::npos) << error;
  }
}

TEST(Safetensors, WritesWhatItReads) {
  // An i8 tensor written first must still land after the wider ones, so
  // that every tensor starts aligned to its element size.
  std::vector<StoredTensor> tensors = {
      {"b", ElementType::I8, {3}, std::string("\x01\xff\x7f", 3)},
      {"a", ElementType::F32, {1}, std::string("\x00\x00\x80\x3f", 4)},
      {"c", ElementType::I16, {1}, std::string("\xd4\xfe", 2)}};
  std::string image = writeSafetensors(tensors);
  std::vector<char> bytes(image.begin(), image.end());
  std::map<std::string, WeightTensor> weights;
  std::string error;
  ASSERT_TRUE(parseSafetensors(bytes, weights, error)) << error;
  ASSERT_EQ(weights.size(), 3u);
  EXPECT_EQ(at<float>(weights["a"], 0), 1.0f);
  EXPECT_EQ(at<int16_t>(weights["c"], 0), -300);
  EXPECT_EQ(at<int8_t>(weights["b"], 1), -1);
  EXPECT_EQ(weights["b"].shape, std::vector<int64_t>{3});
  for (auto &[name, w] : weights)
    EXPECT_EQ((static_cast<const char *>(w.data) - bytes.data()) %
                  storageBytes(w.type),
              0)
        << name;
}

TEST(Safetensors, RejectsDuplicatesOverlapsAndHoles) {
  BadSafetensors cases[] = {
      {R"({"t": {"dtype": "I8", "shape": [2], "data_offsets": [0, 2]},)"
       R"( "t": {"dtype": "I8", "shape": [2], "data_offsets": [2, 4]}})",
       4, "the header names tensor 't' twice"},
      {R"({"a": {"dtype": "I8", "shape": [4], "data_offsets": [0, 4]},)"
       R"( "b": {"dtype": "I8", "shape": [2], "data_offsets": [2, 4]}})",
       4,
       "tensors 'a' and 'b' overlap: 'b' starts at byte 2, before 'a' ends "
       "at 4"},
      {R"({"a": {"dtype": "I8", "shape": [2], "data_offsets": [0, 2]},)"
       R"( "b": {"dtype": "I8", "shape": [2], "data_offsets": [4, 6]}})",
       6, "bytes [2, 4) of the data belong to no tensor"},
      {R"({"a": {"dtype": "I8", "shape": [2], "data_offsets": [2, 4]}})", 4,
       "bytes [0, 2) of the data belong to no tensor"},
      {R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}})", 8,
       "bytes [4, 8) of the data belong to no tensor"},
      {R"({"__metadata__": {"n": 1}})", 0,
       "__metadata__ must map names to strings"},
  };
  for (const BadSafetensors &c : cases)
    EXPECT_EQ(rejection(c), c.message);
  // Empty tensors take no bytes wherever they are; metadata is allowed.
  std::map<std::string, WeightTensor> weights;
  std::string error;
  EXPECT_TRUE(parseSafetensors(
      safetensors(
          R"({"__metadata__": {"format": "pt"},)"
          R"( "e": {"dtype": "F32", "shape": [0], "data_offsets": [4, 4]},)"
          R"( "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})",
          std::string(8, '\0')),
      weights, error))
      << error;
}

/// A manifest that parses: two branches and a merge.
Manifest twoBranchManifest() {
  Manifest m;
  m.model = "net";
  m.target = "cpu:host";
  m.inputs.push_back({"x", "input:0", {1, 2}, ElementType::F32});
  m.outputs.push_back({"y", "merge:0", {1, 3}, ElementType::F32});
  for (const char *id : {"b0", "b1"})
    m.units.push_back({id,
                       "branch",
                       "lcp_unit_b0",
                       "",
                       {"input:0"},
                       {std::string(id) + ".w0"},
                       {{"", std::string(id) + ":0", {1, 4}}}});
  m.units.push_back({"merge",
                     "merge",
                     "lcp_unit_merge",
                     "",
                     {"b0:0", "b1:0"},
                     {},
                     {{"", "merge:0", {1, 3}}}});
  m.checksums["weights.safetensors"] = "00";
  return m;
}

TEST(Manifest, RejectsUnitsValuesAndNamesThatDisagree) {
  Manifest good = twoBranchManifest();
  Manifest back;
  std::string error;
  ASSERT_TRUE(parseManifest(writeManifest(good), back, error)) << error;

  struct Case {
    std::function<void(Manifest &)> change;
    std::string message;
  } cases[] = {
      {[](Manifest &m) { m.units[1].id = "b0"; },
       "manifest.json: unit id 'b0' is used by two units"},
      {[](Manifest &m) { m.units[1].kind = "gpu"; },
       "manifest.json: unit 'b1' has kind 'gpu', not one of branch, stem, "
       "merge, part, model"},
      {[](Manifest &m) { m.units[1].outputs[0].value = "b0:0"; },
       "manifest.json: unit 'b1' defines 'b0:0', which an input or earlier "
       "unit already defines"},
      {[](Manifest &m) { m.units[0].outputs[0].value = "input:0"; },
       "manifest.json: unit 'b0' defines 'input:0', which an input or "
       "earlier unit already defines"},
      {[](Manifest &m) { m.units[2].inputs[1] = "b2:0"; },
       "manifest.json: unit 'merge' reads 'b2:0', which no input or earlier "
       "unit defines"},
      {[](Manifest &m) { std::swap(m.units[1], m.units[2]); },
       "manifest.json: unit 'merge' reads 'b1:0', which no input or earlier "
       "unit defines"},
      {[](Manifest &m) { m.units[0].weights.push_back("b0.w0"); },
       "manifest.json: unit 'b0' lists weight 'b0.w0' twice"},
      {[](Manifest &m) {
         m.inputs.push_back({"x", "input:1", {1, 2}, ElementType::F32});
       },
       "manifest.json: two inputs are named 'x'"},
      {[](Manifest &m) {
         m.inputs.push_back({"z", "input:0", {1, 2}, ElementType::F32});
       },
       "manifest.json: inputs 'z' and 'x' bind the same value 'input:0'"},
      {[](Manifest &m) { m.outputs.push_back(m.outputs[0]); },
       "manifest.json: two outputs are named 'y'"},
      {[](Manifest &m) {
         m.outputs[0].shape = {1, 4};
       },
       "manifest.json: output 'y' reads 'merge:0', which no unit defines "
       "with shape 1x4 and dtype f32"},
      {[](Manifest &m) {
         m.weightTypes["b0.w0"] = {{4, 2}, ElementType::F32};
       },
       "manifest.json: unit 'b1' lists weight 'b1.w0', which "
       "weights.tensors does not describe"},
  };
  for (const Case &c : cases) {
    Manifest m = twoBranchManifest();
    c.change(m);
    EXPECT_FALSE(parseManifest(writeManifest(m), back, error)) << c.message;
    EXPECT_EQ(error, c.message);
  }
}

TEST(Manifest, WritesWhatItReads) {
  Manifest m;
  m.model = "net";
  m.target = "cpu:arm64";
  m.generator = "lcp test";
  m.targetFields["halide_target"] = "arm-64-linux";
  m.inputs.push_back({"x", "input:0", {1, 2}, ElementType::F32});
  m.outputs.push_back({"y", "merge:0", {1, 3}, ElementType::F32});
  m.units.push_back({"b0",
                     "branch",
                     "lcp_unit_b0",
                     "",
                     {"input:0"},
                     {"b0.w0"},
                     {{"", "b0:0", {1, 4}, ElementType::I8}}});
  m.units.push_back({"merge",
                     "merge",
                     "lcp_unit_merge",
                     "pi-1",
                     {"b0:0"},
                     {},
                     {{"", "merge:0", {1, 3}, ElementType::F32}},
                     {"pi-2", "pi-3"}});
  m.weightTypes["b0.w0"] = {{4, 2}, ElementType::I8};
  m.checksums["weights.safetensors"] = "00";
  std::string text = writeManifest(m);
  EXPECT_TRUE(isPackageManifest(text));
  EXPECT_NE(text.find("\"halide_target\": \"arm-64-linux\""),
            std::string::npos);
  Manifest back;
  std::string error;
  ASSERT_TRUE(parseManifest(text, back, error)) << error;
  EXPECT_EQ(back.model, "net");
  EXPECT_EQ(back.target, "cpu:arm64");
  EXPECT_EQ(back.generator, "lcp test");
  ASSERT_EQ(back.units.size(), 2u);
  EXPECT_EQ(back.units[0].device, "");
  EXPECT_EQ(back.units[1].device, "pi-1");
  EXPECT_TRUE(back.units[0].replicas.empty());
  EXPECT_EQ(back.units[1].replicas,
            (std::vector<std::string>{"pi-2", "pi-3"}));
  // Only units with replicas write the field.
  EXPECT_EQ(text.find("\"replicas\""), text.rfind("\"replicas\""));
  EXPECT_EQ(back.units[0].weights, std::vector<std::string>{"b0.w0"});
  EXPECT_EQ(back.units[0].outputs[0].type, ElementType::I8);
  EXPECT_EQ(back.units[0].outputs[0].shape, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(back.outputs[0].value, "merge:0");
  ASSERT_EQ(back.weightTypes.size(), 1u);
  EXPECT_EQ(back.weightTypes["b0.w0"].type, ElementType::I8);
  EXPECT_EQ(back.weightTypes["b0.w0"].shape, (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(back.checksums, m.checksums);

  // The weight records come last (keys sorted) and are checked like values.
  std::string bad = text;
  bad.replace(bad.rfind("\"i8\""), 4, "\"f64\"");
  EXPECT_FALSE(parseManifest(bad, back, error));
  EXPECT_EQ(error, "manifest.json: weights.tensors['b0.w0']: unknown dtype "
                   "'f64' (f32, i8, i16, i32)");
}

TEST(Manifest, RejectsOtherFormatsAndVersions) {
  Manifest back;
  std::string error;
  EXPECT_FALSE(isPackageManifest(R"({"format": "onnx"})"));
  EXPECT_FALSE(isPackageManifest("not json"));
  EXPECT_FALSE(parseManifest(R"({"format": "lcp-package", "version": 99})",
                             back, error));
  EXPECT_NE(error.find("version 99 is not supported"), std::string::npos)
      << error;
}

} // namespace
