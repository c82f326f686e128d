//===- PackageBuild.cpp - A package while it is being built ---------------===//

#include "codegen/package/PackageBuild.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <atomic>
#include <thread>

using namespace mlir;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace lcp {

void PackageBuild::progress(StringRef stage, StringRef what, double seconds) {
  if (!progressStream)
    return;
  std::lock_guard<std::mutex> guard(progressLock);
  *progressStream << llvm::formatv("lcp-compile: {0,-9} {1,-12} {2,7:f2} s\n",
                                   stage, what, seconds);
  progressStream->flush();
}

LogicalResult PackageBuild::writeFile(StringRef relative, StringRef contents) {
  SmallString<256> full(dir);
  path::append(full, relative);
  fs::create_directories(path::parent_path(full));
  std::error_code ec;
  llvm::raw_fd_ostream os(full, ec);
  if (ec)
    return error() << "cannot write " << full << ": " << ec.message();
  os << contents;
  return success();
}

LogicalResult PackageBuild::runCommand(ArrayRef<std::string> argv,
                                       StringRef what) {
  SmallString<256> log(dir);
  path::append(log, "gen", (what + ".log").str());
  fs::create_directories(path::parent_path(log));
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  SmallVector<StringRef> args(argv.begin(), argv.end());
  std::string program = argv[0];
  if (!StringRef(program).contains('/')) {
    llvm::ErrorOr<std::string> found = llvm::sys::findProgramByName(program);
    if (!found) {
      std::lock_guard<std::mutex> guard(errorLock);
      if (firstFailure.empty())
        firstFailure = "failed: '" + program +
                       "' is not on PATH (is the target's toolchain "
                       "installed?)";
      return failure();
    }
    program = *found;
  }
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(program, args, std::nullopt, redirects,
                                     /*SecondsToWait=*/0, /*MemoryLimit=*/0,
                                     &message);
  if (rc == 0)
    return success();
  std::string output;
  if (auto buffer = llvm::MemoryBuffer::getFile(log))
    output = (*buffer)->getBuffer().take_back(4000).str();
  std::lock_guard<std::mutex> guard(errorLock);
  if (firstFailure.empty())
    firstFailure = "failed (" +
                   (message.empty() ? "exit " + std::to_string(rc) : message) +
                   "): " + llvm::join(argv, " ") + "\n" + output;
  return failure();
}

LogicalResult
PackageBuild::parallel(size_t count,
                       llvm::function_ref<LogicalResult(size_t)> job,
                       StringRef what) {
  std::atomic<size_t> next{0};
  std::atomic<bool> ok{true};
  auto worker = [&] {
    for (size_t i; ok && (i = next++) < count;)
      if (failed(job(i)))
        ok = false;
  };
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < std::max(1u, jobs) && t < count; ++t)
    threads.emplace_back(worker);
  worker();
  for (std::thread &t : threads)
    t.join();
  if (!ok)
    return error() << what << " " << firstFailure;
  return success();
}

} // namespace lcp
