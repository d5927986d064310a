// load_stats.h: what the simulated participants measured, summed over the
// run, and the percentile helpers the report uses.
//
//   stats.join_ms.push_back(ms);            // one per completed join
//   double p99 = Percentile(stats.join_ms, 0.99);
//   stats.send_lateness.Add(ms);            // bounded: a histogram
//
// Thread contract: the io_context's thread writes; the report reads after
// the loop has ended.
#ifndef KONFERO_BENCH_LOAD_LOAD_STATS_H_
#define KONFERO_BENCH_LOAD_LOAD_STATS_H_

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace konfero::load {

// The q-quantile (0..1) of `values` by the nearest-rank method; NaN if empty.
inline double Percentile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(values.size())));
  return values[std::clamp<size_t>(rank, 1, values.size()) - 1];
}

// Milliseconds in 0.5 ms buckets up to 500 ms (then one overflow bucket):
// for per-frame figures too many to keep one by one.
class MsHistogram {
 public:
  void Add(double ms) {
    const double bucket = std::max(0.0, ms) / kBucketMs;
    ++counts_[std::min<size_t>(static_cast<size_t>(bucket), kBuckets - 1)];
    ++total_;
  }
  uint64_t total() const { return total_; }
  // The upper edge of the bucket holding the q-quantile; NaN if empty.
  double Quantile(double q) const {
    if (total_ == 0) return std::nan("");
    const uint64_t rank = std::max<uint64_t>(
        1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(total_))));
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return static_cast<double>(i + 1) * kBucketMs;
    }
    return static_cast<double>(kBuckets) * kBucketMs;
  }

 private:
  static constexpr double kBucketMs = 0.5;
  static constexpr size_t kBuckets = 1001;
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t total_ = 0;
};

struct LoadStats {
  // Joins: from opening the WebSocket to the first SRTP packet of the mix.
  uint64_t join_attempts = 0;
  uint64_t joins_completed = 0;
  uint64_t join_failures = 0;
  std::map<std::string, uint64_t> failure_reasons;  // "stage: message", joins and sessions
  std::vector<double> join_ms;
  std::vector<double> signalling_ms;  // WebSocket open to `joined`
  // A participant whose socket or media failed after its join completed.
  uint64_t session_failures = 0;
  uint64_t leaves = 0;            // churn leaves drained with a pong
  uint64_t leave_timeouts = 0;    // no pong within the deadline
  uint64_t aborted_at_stop = 0;   // joins still under way when the run ended

  // Media, summed over every join's peer when it closes.
  uint64_t audio_sent = 0;
  uint64_t mix_received = 0;
  uint64_t mix_expected = 0;
  uint64_t video_sent = 0;
  uint64_t video_received = 0;
  uint64_t video_expected = 0;
  uint64_t srtp_failures = 0;
  uint64_t send_errors = 0;
  uint64_t keyframe_requests = 0;
  uint64_t frames_skipped = 0;  // audio frames the generator was too late to send
  MsHistogram send_lateness;    // each audio frame: actual send time minus due time

  // Hearing the mix, one probe per listener and talk spurt.
  uint64_t probes = 0;          // spurts a listener should have heard
  uint64_t probes_heard = 0;
  uint64_t probes_loud_before_onset = 0;  // the mix was not silent before the onset
  std::vector<double> onset_latency_ms;   // first tone frame sent -> first loud mix frame
  std::vector<double> mix_level_dbfs;     // level of the loud frames heard

  uint64_t unexpected_errors = 0;  // non-fatal error frames not explained by chat
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_LOAD_STATS_H_
