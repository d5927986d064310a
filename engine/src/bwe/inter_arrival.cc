// bwe/inter_arrival.cc: send-time grouping and inter-group deltas.
#include "bwe/inter_arrival.h"

#include <algorithm>
#include <cstdlib>

namespace konfero::bwe {

void InterArrival::StartGroup(int64_t send_time_us, int64_t arrival_time_us) {
  current_ = {.first_send_us = send_time_us,
              .last_send_us = send_time_us,
              .first_arrival_us = arrival_time_us,
              .last_arrival_us = arrival_time_us,
              .empty = false};
}

bool InterArrival::BelongsToCurrent(int64_t send_time_us, int64_t arrival_time_us) const {
  if (send_time_us - current_.first_send_us <= kBurstUs) return true;
  const int64_t arrival_delta = arrival_time_us - current_.last_arrival_us;
  const int64_t send_delta = send_time_us - current_.last_send_us;
  const int64_t propagation_delta = arrival_delta - send_delta;
  return propagation_delta < 0 && arrival_delta <= kArrivalBurstUs &&
         arrival_time_us - current_.first_arrival_us < kMaxBurstUs;
}

std::optional<InterArrival::Delta> InterArrival::OnPacket(int64_t send_time_us,
                                                         int64_t arrival_time_us) {
  if (current_.empty) {
    StartGroup(send_time_us, arrival_time_us);
    return std::nullopt;
  }
  // Sent before the current group began: it belongs to a group already
  // measured (it was reordered on the way). Leave it out.
  if (send_time_us < current_.first_send_us) return std::nullopt;
  if (BelongsToCurrent(send_time_us, arrival_time_us)) {
    current_.last_send_us = std::max(current_.last_send_us, send_time_us);
    current_.last_arrival_us = std::max(current_.last_arrival_us, arrival_time_us);
    return std::nullopt;
  }

  // This packet opens a new group: the current one is complete.
  std::optional<Delta> delta;
  if (!previous_.empty) {
    delta = Delta{.send_delta_us = current_.last_send_us - previous_.last_send_us,
                  .arrival_delta_us = current_.last_arrival_us - previous_.last_arrival_us,
                  .arrival_time_us = current_.last_arrival_us};
    if (std::abs(delta->arrival_delta_us - delta->send_delta_us) > kResetThresholdUs) {
      previous_.empty = true;  // the jump is no measurement: start over here
      StartGroup(send_time_us, arrival_time_us);
      return std::nullopt;
    }
  }
  previous_ = current_;
  StartGroup(send_time_us, arrival_time_us);
  return delta;
}

}  // namespace konfero::bwe
