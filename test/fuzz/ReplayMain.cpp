//===- ReplayMain.cpp - Runs a fuzz target over saved inputs --------------===//
//
// The main() of a fuzz target in builds without libFuzzer (gcc, or clang
// without LLVM_USE_SANITIZE_COVERAGE): it runs LLVMFuzzerTestOneInput once
// on every file named on the command line, or found in a folder named
// there, as `<fuzzer> -runs=0 <folders>` does with libFuzzer. Flags (which
// start with '-') are accepted and ignored, so that ctest runs either kind
// of binary with the same command. A crash is the test's failure.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool runFile(const std::filesystem::path &path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    std::fprintf(stderr, "%s: error: cannot read\n", path.c_str());
    return false;
  }
  std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                          std::istreambuf_iterator<char>());
  // A copy of exactly `size` bytes, so that a read past the end is one
  // that a sanitizer sees.
  std::vector<uint8_t> input(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(input.data(), input.size());
  return true;
}

int main(int argc, char **argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (!arg.empty() && arg[0] == '-')
      continue;
    std::error_code ec;
    if (fs::is_directory(arg, ec)) {
      for (const fs::directory_entry &entry :
           fs::recursive_directory_iterator(arg, ec))
        if (entry.is_regular_file())
          files.push_back(entry.path());
    } else {
      files.push_back(arg);
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path &path : files)
    if (!runFile(path))
      return 1;
  std::printf("replayed %zu inputs\n", files.size());
  return 0;
}
