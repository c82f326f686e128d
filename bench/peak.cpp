// FMA peak probe: independent chains of fused multiply-adds on as many
// vector registers as the compiler gives it, timed for ~0.3 s per thread.
// Prints GFLOP/s for one thread and for all threads run together.
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <thread>
#include <vector>

static double run(long iterations) {
  typedef float v16 __attribute__((vector_size(64)));
  v16 acc[12];
  for (int i = 0; i < 12; ++i)
    acc[i] = (v16){} + 1.0f * i;
  v16 a = (v16){} + 0.999999f, b = (v16){} + 1e-7f;
  auto start = std::chrono::steady_clock::now();
  for (long k = 0; k < iterations; ++k)
    for (int i = 0; i < 12; ++i)
      acc[i] = acc[i] * a + b;
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
  float sink = 0;
  for (int i = 0; i < 12; ++i)
    sink += acc[i][0];
  if (sink == 12345.0f)
    std::printf("%f", sink);
  return iterations * 12.0 * 16 * 2 / seconds / 1e9;
}

int main(int argc, char **argv) {
  long iterations = 20000000;
  int threads = argc > 1 ? std::atoi(argv[1]) : 1;
  std::vector<double> rates(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] { rates[t] = run(iterations); });
  for (auto &t : pool)
    t.join();
  double total = 0;
  for (double r : rates)
    total += r;
  std::printf("%.1f\n", total);
}
