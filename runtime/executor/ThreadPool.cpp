//===- ThreadPool.cpp - Workers that stay alive between runs --------------===//

#include "runtime/executor/ThreadPool.h"

#include <chrono>

namespace lcp {

namespace {

/// How long a thread polls for work, or for the others to finish, before
/// it sleeps: longer than the gap between two parallel loops of a unit,
/// short enough not to matter when the model is idle.
constexpr std::chrono::microseconds kSpin(50);

/// Polls `done` until it holds or kSpin has passed; returns whether it
/// holds.
template <typename Done> bool spinUntil(Done done) {
  auto start = std::chrono::steady_clock::now();
  while (!done()) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__) || defined(__arm__)
    asm volatile("yield");
#endif
    if (std::chrono::steady_clock::now() - start > kSpin)
      return done();
  }
  return true;
}

} // namespace

ThreadPool::ThreadPool(int workers) {
  for (int i = 0; i < workers; ++i)
    threads.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> guard(lock);
    stopping = true;
  }
  wake.notify_all();
  for (std::thread &t : threads)
    t.join();
}

void ThreadPool::drain() {
  for (size_t i; (i = next++) < count;)
    (*job)(i);
}

void ThreadPool::work() {
  unsigned long seen = 0;
  for (;;) {
    spinUntil([&] { return stopping || generation != seen; });
    {
      std::unique_lock<std::mutex> guard(lock);
      wake.wait(guard, [&] { return stopping || generation != seen; });
      if (stopping)
        return;
      seen = generation;
      // A worker that wakes after its generation finished finds no job and
      // goes back to sleep; one that finds a job is counted before it reads
      // any of the job's state, so parallelFor waits for it.
      if (!job)
        continue;
      ++active;
    }
    drain();
    {
      std::lock_guard<std::mutex> guard(lock);
      --active;
    }
    finished.notify_all();
  }
}

void ThreadPool::parallelFor(size_t n, const std::function<void(size_t)> &f) {
  {
    std::lock_guard<std::mutex> guard(lock);
    job = &f;
    count = n;
    next = 0;
    ++generation;
  }
  wake.notify_all();
  drain();
  // Workers that woke for this generation finish their last call; the
  // counter reaching `n` means no call is still being handed out.
  spinUntil([&] { return active == 0; });
  std::unique_lock<std::mutex> guard(lock);
  finished.wait(guard, [&] { return active == 0; });
  job = nullptr;
  count = 0;
}

} // namespace lcp
