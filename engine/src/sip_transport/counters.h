// sip_transport/counters.h: the SIP transport's counters, written on its
// thread and read from any (relaxed atomics: statistics, not
// synchronisation).
//
// Thread contract: any thread.
#ifndef KONFERO_SIP_TRANSPORT_COUNTERS_H_
#define KONFERO_SIP_TRANSPORT_COUNTERS_H_

#include <atomic>
#include <cstdint>

namespace konfero::sip_transport {

struct Counter {
  void Add(uint64_t n = 1) { value.fetch_add(n, std::memory_order_relaxed); }
  void Sub(uint64_t n = 1) { value.fetch_sub(n, std::memory_order_relaxed); }
  uint64_t Get() const { return value.load(std::memory_order_relaxed); }
  std::atomic<uint64_t> value{0};
};

struct TransportCounters {
  Counter datagrams_in, datagrams_out, messages_in, messages_out, connections_open,
      connections_refused, oversize_dropped, stream_errors, idle_closed, send_errors;
};

}  // namespace konfero::sip_transport

#endif  // KONFERO_SIP_TRANSPORT_COUNTERS_H_
