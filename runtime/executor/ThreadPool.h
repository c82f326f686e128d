//===- ThreadPool.h - Workers that stay alive between runs ------*- C++ -*-===//
//
// Branches of one inference run side by side on these workers, and the
// parallel loops of the other units spread over them. Starting threads per
// run would cost more than a small branch takes, so the pool is created
// once per model and reused; a thread spins briefly before it sleeps, since
// the next loop of an inference usually comes within microseconds.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_RUNTIME_EXECUTOR_THREADPOOL_H
#define LCP_RUNTIME_EXECUTOR_THREADPOOL_H

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace lcp {

class ThreadPool {
public:
  /// A pool of `workers` threads besides the caller's.
  explicit ThreadPool(int workers);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  /// Calls job(i) for every i in [0, count) on the workers and the calling
  /// thread, and returns when all calls have returned.
  void parallelFor(size_t count, const std::function<void(size_t)> &job);

private:
  void work();
  void drain();

  std::vector<std::thread> threads;
  std::mutex lock;
  std::condition_variable wake, finished;
  const std::function<void(size_t)> *job = nullptr;
  size_t count = 0;
  std::atomic<size_t> next{0};
  // Written under `lock`; atomic so that spinning threads may read them.
  std::atomic<size_t> active{0};
  std::atomic<unsigned long> generation{0};
  std::atomic<bool> stopping{false};
};

} // namespace lcp

#endif // LCP_RUNTIME_EXECUTOR_THREADPOOL_H
