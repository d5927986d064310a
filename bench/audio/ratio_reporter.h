// bench/audio/ratio_reporter.h: a Google Benchmark reporter that prints the
// usual console table, then the ratio of each benchmark to its baseline in
// the same binary (so a result reads "SIMD is 14.2x the scalar loop").
//
//   RatioReporter r({{"BM_MixScalar/", "BM_MixSimd/"}});
//   benchmark::RunSpecifiedBenchmarks(&r);
//
// A pair {baseline prefix, candidate prefix} ending in '/' matches runs whose
// names share the argument suffix after the prefix ("BM_MixSimd/50" vs
// "BM_MixScalar/50"); a pair without a trailing '/' names two runs exactly.
// A budget {name, ns} prints the share of the budget a run used (e.g. the
// CPU of one 20 ms tick against 20 ms: the load of one core).
#ifndef KONFERO_BENCH_AUDIO_RATIO_REPORTER_H_
#define KONFERO_BENCH_AUDIO_RATIO_REPORTER_H_

#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "benchmark/benchmark.h"

namespace konfero::bench {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  struct Pair {
    std::string baseline;
    std::string candidate;
  };
  struct Budget {
    std::string name;
    double ns;
  };
  explicit RatioReporter(std::vector<Pair> pairs, std::vector<Budget> budgets = {})
      : pairs_(std::move(pairs)), budgets_(std::move(budgets)) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Iteration && r.iterations > 0) {
        // Options such as "/min_time:1.000" are not part of the identity.
        std::string name = r.benchmark_name();
        for (size_t at; (at = name.find("/min_time:")) != std::string::npos;) {
          const size_t end = name.find('/', at + 1);
          name.erase(at, end == std::string::npos ? std::string::npos : end - at);
        }
        const double ns = r.GetAdjustedCPUTime() *
                          benchmark::GetTimeUnitMultiplier(benchmark::kNanosecond) /
                          benchmark::GetTimeUnitMultiplier(r.time_unit);
        // With --benchmark_repetitions keep the fastest: on a shared machine
        // other load only ever slows a run down.
        auto [it, inserted] = cpu_ns_.emplace(name, ns);
        if (!inserted && ns < it->second) it->second = ns;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nRatios (baseline CPU time / candidate CPU time; the fastest "
                "repetition of each):\n");
    for (const Pair& p : pairs_) {
      if (p.candidate.empty() || p.candidate.back() != '/') {
        auto b = cpu_ns_.find(p.baseline);
        auto c = cpu_ns_.find(p.candidate);
        if (b != cpu_ns_.end() && c != cpu_ns_.end() && c->second > 0) {
          std::printf("  %-34s vs %-34s %9.2fx\n", p.candidate.c_str(),
                      p.baseline.c_str(), b->second / c->second);
        }
        continue;
      }
      for (const auto& [name, ns] : cpu_ns_) {
        if (name.rfind(p.candidate, 0) != 0) continue;
        const std::string suffix = name.substr(p.candidate.size());
        auto base = cpu_ns_.find(p.baseline + suffix);
        if (base == cpu_ns_.end() || ns <= 0) continue;
        std::printf("  %-34s vs %-34s %9.2fx\n", (p.candidate + suffix).c_str(),
                    (p.baseline + suffix).c_str(), base->second / ns);
      }
    }
    if (budgets_.empty()) return;
    std::printf("\nShare of the real-time budget (CPU time / budget):\n");
    for (const Budget& b : budgets_) {
      for (const auto& [name, ns] : cpu_ns_) {
        if (name.rfind(b.name, 0) != 0) continue;
        std::printf("  %-40s %6.1f %% of %.1f ms\n", name.c_str(),
                    100.0 * ns / b.ns, b.ns / 1e6);
      }
    }
  }

 private:
  std::vector<Pair> pairs_;
  std::vector<Budget> budgets_;
  std::map<std::string, double> cpu_ns_;
};

// Runs the registered benchmarks with a RatioReporter; for main().
inline int RunWithRatios(int argc, char** argv,
                         std::vector<RatioReporter::Pair> pairs,
                         std::vector<RatioReporter::Budget> budgets = {}) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter(std::move(pairs), std::move(budgets));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}

}  // namespace konfero::bench

#endif  // KONFERO_BENCH_AUDIO_RATIO_REPORTER_H_
