// bwe/link_simulator.h: a deterministic network for the estimator tests: a
// sender pacing 1200-byte packets at the estimator's target through a
// bottleneck link, a receiver generating transport-wide feedback, and the
// feedback carried back as RTCP bytes (serialized, parsed) to the
// estimator. All time is synthetic; randomness is seeded.
//
//   LinkSimulation sim({.start_bps = 300'000}, {.capacity_bps = 2'500'000});
//   sim.RunUntil(10 * kSecond);
//   EXPECT_GE(sim.estimator().target_bps(), 1'500'000);
#ifndef KONFERO_TESTS_BWE_LINK_SIMULATOR_H_
#define KONFERO_TESTS_BWE_LINK_SIMULATOR_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "bwe/bandwidth_estimator.h"
#include "bwe/transport_feedback_generator.h"
#include "rtp/rtcp_packet.h"
#include "testing/seeded_random.h"

namespace konfero::bwe::testing {

inline constexpr int64_t kMillisecond = 1'000;
inline constexpr int64_t kSecond = 1'000'000;

struct LinkConfig {
  int64_t capacity_bps = 2'500'000;
  int64_t propagation_delay_us = 25 * kMillisecond;  // each way
  double loss = 0;  // random, before the queue
  // Drop-tail: a packet that would wait longer than this is dropped.
  int64_t max_queue_delay_us = 400 * kMillisecond;
  uint64_t seed = 1;
};

// A FIFO bottleneck of `capacity_bps` followed by a propagation delay.
class BottleneckLink {
 public:
  explicit BottleneckLink(const LinkConfig& config) : config_(config), random_(config.seed) {}

  // The packet's arrival time at the far end, or nullopt if it is lost.
  std::optional<int64_t> Send(size_t bytes, int64_t send_time_us) {
    if (config_.loss > 0 && Uniform() < config_.loss) return std::nullopt;
    const int64_t start_us = std::max(send_time_us, busy_until_us_);
    const int64_t queue_delay_us = start_us - send_time_us;
    if (queue_delay_us > config_.max_queue_delay_us) return std::nullopt;
    max_queue_delay_us_ = std::max(max_queue_delay_us_, queue_delay_us);
    busy_until_us_ =
        start_us + static_cast<int64_t>(bytes) * 8 * kSecond / config_.capacity_bps;
    return busy_until_us_ + config_.propagation_delay_us;
  }

  void set_capacity_bps(int64_t bps) { config_.capacity_bps = bps; }
  void set_loss(double loss) { config_.loss = loss; }
  const LinkConfig& config() const { return config_; }
  // The longest wait in the queue since the last reset.
  int64_t max_queue_delay_us() const { return max_queue_delay_us_; }
  void reset_max_queue_delay() { max_queue_delay_us_ = 0; }

 private:
  double Uniform() {
    uint8_t bytes[8];
    random_.Fill(absl::MakeSpan(bytes));
    uint64_t value = 0;
    for (uint8_t b : bytes) value = (value << 8) | b;
    return static_cast<double>(value >> 11) / static_cast<double>(uint64_t{1} << 53);
  }

  LinkConfig config_;
  test_support::SeededRandom random_;
  int64_t busy_until_us_ = 0;
  int64_t max_queue_delay_us_ = 0;
};

// One subscriber: sender, link, receiver, feedback path.
class LinkSimulation {
 public:
  static constexpr size_t kPacketSize = 1200;
  static constexpr int64_t kStepUs = kMillisecond;
  static constexpr uint32_t kSenderSsrc = 0x5E11D;
  static constexpr uint32_t kMediaSsrc = 0x3ED1A;

  struct Sample {
    int64_t time_us = 0;
    BandwidthEstimator::Stats stats;
  };

  LinkSimulation(BandwidthEstimatorConfig estimator_config, LinkConfig link_config,
                 uint16_t first_seq = 0)
      : estimator_(estimator_config), link_(link_config), next_seq_(first_seq) {}

  // Advances time to `end_us` in 1 ms steps; records the estimator's stats
  // every 100 ms.
  void RunUntil(int64_t end_us) {
    for (; now_us_ < end_us; now_us_ += kStepUs) Step();
  }

  BandwidthEstimator& estimator() { return estimator_; }
  BottleneckLink& link() { return link_; }
  const TransportFeedbackGenerator& generator() const { return generator_; }
  int64_t now_us() const { return now_us_; }
  const std::vector<Sample>& samples() const { return samples_; }
  uint64_t packets_sent() const { return packets_sent_; }

  // The first sample time in [from, to) whose target satisfies `pred`.
  template <typename Pred>
  std::optional<int64_t> FirstTime(int64_t from_us, int64_t to_us, Pred pred) const {
    for (const Sample& s : samples_) {
      if (s.time_us >= from_us && s.time_us < to_us && pred(s.stats.target_bps)) {
        return s.time_us;
      }
    }
    return std::nullopt;
  }
  int64_t MaxTarget(int64_t from_us, int64_t to_us) const {
    int64_t max = 0;
    for (const Sample& s : samples_) {
      if (s.time_us >= from_us && s.time_us < to_us) max = std::max(max, s.stats.target_bps);
    }
    return max;
  }
  int64_t MeanTarget(int64_t from_us, int64_t to_us) const {
    int64_t sum = 0;
    int64_t n = 0;
    for (const Sample& s : samples_) {
      if (s.time_us >= from_us && s.time_us < to_us) {
        sum += s.stats.target_bps;
        ++n;
      }
    }
    return n == 0 ? 0 : sum / n;
  }

 private:
  struct InFlight {
    uint16_t seq = 0;
    int64_t arrival_us = 0;
  };
  struct FeedbackInFlight {
    int64_t delivery_us = 0;
    std::vector<uint8_t> bytes;
  };

  void Step() {
    // Sender: paced at the current target.
    while (next_send_us_ <= now_us_) {
      const uint16_t seq = next_seq_++;
      estimator_.OnPacketSent(seq, kPacketSize, next_send_us_);
      ++packets_sent_;
      if (auto arrival = link_.Send(kPacketSize, next_send_us_)) {
        in_flight_.push_back({seq, *arrival});
      }
      next_send_us_ += static_cast<int64_t>(kPacketSize) * 8 * kSecond /
                       std::max<int64_t>(estimator_.target_bps(), 1);
    }
    // Receiver.
    while (!in_flight_.empty() && in_flight_.front().arrival_us <= now_us_) {
      generator_.OnPacketReceived(in_flight_.front().seq, in_flight_.front().arrival_us);
      in_flight_.pop_front();
    }
    while (auto feedback = generator_.MaybeBuild(now_us_, kSenderSsrc, kMediaSsrc)) {
      std::vector<uint8_t> bytes(feedback->SerializedSize());
      const size_t written = feedback->SerializeTo(bytes);
      EXPECT_EQ(written, bytes.size()) << "feedback at " << now_us_ << " not encodable";
      feedback_in_flight_.push_back(
          {now_us_ + link_.config().propagation_delay_us, std::move(bytes)});
    }
    // Sender: RTCP in.
    while (!feedback_in_flight_.empty() && feedback_in_flight_.front().delivery_us <= now_us_) {
      const auto compound = rtp::ParseRtcp(feedback_in_flight_.front().bytes);
      feedback_in_flight_.pop_front();
      const rtp::TransportFeedback* feedback =
          compound && compound->packets.size() == 1
              ? std::get_if<rtp::TransportFeedback>(&compound->packets[0])
              : nullptr;
      if (feedback == nullptr) {
        ADD_FAILURE() << "feedback at " << now_us_ << " does not parse back";
        continue;
      }
      estimator_.OnTransportFeedback(*feedback, now_us_);
    }
    if (now_us_ % (100 * kMillisecond) == 0) {
      samples_.push_back({now_us_, estimator_.stats()});
    }
  }

  BandwidthEstimator estimator_;
  BottleneckLink link_;
  TransportFeedbackGenerator generator_;
  uint16_t next_seq_;
  int64_t now_us_ = 0;
  int64_t next_send_us_ = 0;
  uint64_t packets_sent_ = 0;
  std::deque<InFlight> in_flight_;
  std::deque<FeedbackInFlight> feedback_in_flight_;
  std::vector<Sample> samples_;
};

}  // namespace konfero::bwe::testing

#endif  // KONFERO_TESTS_BWE_LINK_SIMULATOR_H_
