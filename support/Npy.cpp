//===- Npy.cpp - NumPy .npy files -----------------------------------------===//

#include "support/Npy.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace lcp {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

/// Returns the text after `'key':` in a header dictionary, or npos.
size_t findKey(const std::string &header, const std::string &key) {
  for (const char *quote : {"'", "\""}) {
    std::string pattern = quote + key + quote;
    size_t pos = header.find(pattern);
    if (pos == std::string::npos)
      continue;
    pos = header.find(':', pos + pattern.size());
    if (pos != std::string::npos)
      return pos + 1;
  }
  return std::string::npos;
}

size_t skipSpace(const std::string &s, size_t pos) {
  while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t'))
    ++pos;
  return pos;
}

bool isLittleEndianHost() {
  uint16_t probe = 1;
  unsigned char first;
  std::memcpy(&first, &probe, 1);
  return first == 1;
}

} // namespace

bool parseNpy(const std::string &bytes, HostTensor &tensor,
              std::string &error) {
  if (bytes.size() < kMagicSize + 4 ||
      std::memcmp(bytes.data(), kMagic, kMagicSize) != 0) {
    error = "not a NumPy .npy file (bad magic)";
    return false;
  }
  unsigned major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, headerStart;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) |
                (static_cast<unsigned char>(bytes[9]) << 8);
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) {
      error = "truncated .npy header";
      return false;
    }
    headerLen = 0;
    for (int i = 3; i >= 0; --i)
      headerLen = (headerLen << 8) | static_cast<unsigned char>(bytes[8 + i]);
    headerStart = 12;
  } else {
    error = "unsupported .npy format version " + std::to_string(major);
    return false;
  }
  if (headerLen > bytes.size() - headerStart) {
    error = "truncated .npy header";
    return false;
  }
  std::string header = bytes.substr(headerStart, headerLen);

  size_t pos = findKey(header, "descr");
  if (pos == std::string::npos) {
    error = "header has no 'descr'";
    return false;
  }
  pos = skipSpace(header, pos);
  size_t end = header.find_first_of("'\"", pos + 1);
  if (pos >= header.size() || end == std::string::npos) {
    error = "malformed 'descr' in header";
    return false;
  }
  std::string descr = header.substr(pos + 1, end - pos - 1);
  size_t elementSize;
  if (descr == "<f4" || (descr == "=f4" && isLittleEndianHost()))
    elementSize = 4;
  else if (descr == "<f8" || (descr == "=f8" && isLittleEndianHost()))
    elementSize = 8;
  else {
    error = "element type '" + descr +
            "' is not supported (expected float32 '<f4' or float64 '<f8')";
    return false;
  }

  pos = findKey(header, "fortran_order");
  if (pos != std::string::npos &&
      header.compare(skipSpace(header, pos), 4, "True") == 0) {
    error = "Fortran-ordered arrays are not supported (save with C order)";
    return false;
  }

  pos = findKey(header, "shape");
  if (pos == std::string::npos ||
      (pos = skipSpace(header, pos)) >= header.size() || header[pos] != '(') {
    error = "header has no 'shape' tuple";
    return false;
  }
  end = header.find(')', pos);
  if (end == std::string::npos) {
    error = "malformed 'shape' in header";
    return false;
  }
  std::vector<int64_t> shape;
  std::string dims = header.substr(pos + 1, end - pos - 1);
  std::stringstream stream(dims);
  std::string item;
  while (std::getline(stream, item, ',')) {
    size_t first = item.find_first_not_of(" \tL");
    if (first == std::string::npos)
      continue;
    char *last = nullptr;
    long long value = std::strtoll(item.c_str() + first, &last, 10);
    // What follows the digits: Python 2's long suffix and spaces, nothing
    // else ("(1 1, 2)" is not a shape).
    const char *rest = last;
    while (*rest == 'L' || *rest == ' ' || *rest == '\t')
      ++rest;
    if (last == item.c_str() + first || value < 0 || *rest != '\0') {
      error = "malformed dimension '" + item + "' in 'shape'";
      return false;
    }
    shape.push_back(value);
  }

  int64_t count = checkedNumElements(shape, kMaxTensorElements);
  if (count < 0) {
    error = "shape (" + dims + ") is too large";
    return false;
  }
  size_t dataStart = headerStart + headerLen;
  size_t expected = static_cast<size_t>(count) * elementSize;
  if (bytes.size() - dataStart != expected) {
    error = "data holds " + std::to_string(bytes.size() - dataStart) +
            " bytes, shape (" + dims + ") needs " + std::to_string(expected);
    return false;
  }
  if (!isLittleEndianHost()) {
    error = "big-endian hosts are not supported";
    return false;
  }

  tensor = HostTensor();
  tensor.shape = std::move(shape);
  tensor.f32.resize(static_cast<size_t>(count));
  const char *data = bytes.data() + dataStart;
  if (count == 0) {
    // Nothing to copy (and f32.data() may be null, which memcpy forbids).
  } else if (elementSize == 4) {
    std::memcpy(tensor.f32.data(), data, expected);
  } else {
    for (int64_t i = 0; i < count; ++i) {
      double value;
      std::memcpy(&value, data + i * 8, 8);
      tensor.f32[i] = static_cast<float>(value);
    }
  }
  return true;
}

bool readNpy(const std::string &path, HostTensor &tensor, std::string &error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = "cannot open file";
    return false;
  }
  std::stringstream buffer;
  buffer << file.rdbuf();
  return parseNpy(buffer.str(), tensor, error);
}

std::string serializeNpy(const HostTensor &tensor) {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < tensor.shape.size(); ++i)
    header += (i ? ", " : "") + std::to_string(tensor.shape[i]);
  if (tensor.shape.size() == 1)
    header += ','; // a one-element tuple is "(3,)"
  header += "), }";
  // Pad with spaces so the data starts 64-byte aligned; the header ends in
  // a newline, as the format requires.
  size_t total = kMagicSize + 4 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';

  std::string out(kMagic, kMagicSize);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>((header.size() >> 8) & 0xff);
  out += header;
  out.append(reinterpret_cast<const char *>(tensor.f32.data()),
             tensor.f32.size() * sizeof(float));
  return out;
}

bool writeNpy(const std::string &path, const HostTensor &tensor,
              std::string &error) {
  if (!tensor.isFloat()) {
    error = "only f32 tensors can be written";
    return false;
  }
  std::string temp = path + ".tmp";
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file) {
      error = "cannot create file";
      return false;
    }
    std::string bytes = serializeNpy(tensor);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file) {
      std::remove(temp.c_str());
      error = "cannot write file";
      return false;
    }
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    error = "cannot rename temporary file into place";
    return false;
  }
  return true;
}

} // namespace lcp
