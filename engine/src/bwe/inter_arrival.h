// bwe/inter_arrival.h: groups packets into send-time bursts and measures
// how the spacing of consecutive groups changed on the way (GCC,
// draft-ietf-rmcat-gcc-02 section 5.2).
//
// A group is the packets sent within kBurstUs of its first packet; a video
// frame is typically one. Packets that arrive in a tight burst while their
// delay is falling (a queue on the path draining at once, common on Wi-Fi)
// join the current group too, so the burst does not read as a sudden delay
// drop. When a packet opens a new group, the group before it is complete,
// and its send and arrival times are compared with the group before that:
// (arrival delta - send delta) is the one-way delay variation.
//
//   InterArrival inter_arrival;
//   for (const auto& p : feedback_packets_by_arrival) {
//     if (auto d = inter_arrival.OnPacket(p.send_us, p.arrival_us)) {
//       trendline.Update(d->delay_variation_ms(), d->arrival_time_us);
//     }
//   }
//
// Send times are on the sender's clock, arrival times on the receiver's;
// only differences within each are used.
//
// Thread contract: value type, not thread-safe.
#ifndef KONFERO_BWE_INTER_ARRIVAL_H_
#define KONFERO_BWE_INTER_ARRIVAL_H_

#include <cstdint>
#include <optional>

namespace konfero::bwe {

class InterArrival {
 public:
  // Packets sent within this of a group's first packet belong to it.
  static constexpr int64_t kBurstUs = 5'000;
  // Arrival bursts: packets arriving within this of the previous one, with
  // a falling delay, join the group, up to kMaxBurstUs from its first
  // arrival.
  static constexpr int64_t kArrivalBurstUs = 5'000;
  static constexpr int64_t kMaxBurstUs = 100'000;
  // A delay change beyond this is a clock jump or a long outage, not
  // queueing: start over.
  static constexpr int64_t kResetThresholdUs = 3'000'000;

  struct Delta {
    int64_t send_delta_us = 0;     // between the groups' last packets
    int64_t arrival_delta_us = 0;  // idem
    int64_t arrival_time_us = 0;   // the completed group's last arrival
    double delay_variation_ms() const {
      return static_cast<double>(arrival_delta_us - send_delta_us) / 1000.0;
    }
  };

  // Feed packets in arrival order. Returns the delta between the two
  // groups before this packet's group when it opens a new one.
  std::optional<Delta> OnPacket(int64_t send_time_us, int64_t arrival_time_us);

 private:
  struct Group {
    int64_t first_send_us = 0;
    int64_t last_send_us = 0;
    int64_t first_arrival_us = 0;
    int64_t last_arrival_us = 0;
    bool empty = true;
  };

  bool BelongsToCurrent(int64_t send_time_us, int64_t arrival_time_us) const;
  void StartGroup(int64_t send_time_us, int64_t arrival_time_us);

  Group current_;
  Group previous_;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_INTER_ARRIVAL_H_
