//===- PeakMemoryGuard.h - One input's growth of peak memory ----*- C++ -*-===//
//
// libFuzzer's -rss_limit_mb sees the process's peak memory, which only
// grows, and blames whichever input runs when it looks: an input that
// briefly takes hundreds of megabytes goes unnamed until, millions of
// inputs later, the total passes the limit. A guard around one input
// aborts when that input raised the peak by more than a bound, so that
// libFuzzer keeps exactly that input as a finding.
//
//===----------------------------------------------------------------------===//

#ifndef LCP_TEST_FUZZ_PEAKMEMORYGUARD_H
#define LCP_TEST_FUZZ_PEAKMEMORYGUARD_H

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

namespace lcp {

class PeakMemoryGuard {
public:
  /// No input of at most 64 KB needs this much more memory than any
  /// before it; the sanitizers' own caches grow by far less per input.
  static constexpr long kMaxGrowthKB = 128 * 1024;

  PeakMemoryGuard() : before(peakKB()) {}
  ~PeakMemoryGuard() {
    long growth = peakKB() - before;
    if (growth > kMaxGrowthKB) {
      std::fprintf(stderr,
                   "lcp fuzz: this input raised peak memory by %ld MB "
                   "(more than %ld MB)\n",
                   growth / 1024, kMaxGrowthKB / 1024);
      std::abort();
    }
  }

private:
  static long peakKB() {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
  }
  long before;
};

} // namespace lcp

#endif // LCP_TEST_FUZZ_PEAKMEMORYGUARD_H
