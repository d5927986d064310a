// sctp/usrsctp_library.cc: refcounted init of the process-global usrsctp
// stack and the id registry its C callbacks go through.
#include "sctp/usrsctp_library.h"

#include <usrsctp.h>

#include <algorithm>
#include <cstdint>
#include <limits>

namespace konfero::sctp {

UsrsctpLibrary& UsrsctpLibrary::Get() {
  // The one process-global of konfero's own, because usrsctp's state is
  // process-global. Constructed once (thread-safe static init) and never
  // destroyed, so late usrsctp callbacks never meet a dead registry.
  static UsrsctpLibrary* const library = new UsrsctpLibrary();
  return *library;
}

uintptr_t UsrsctpLibrary::Register(UsrsctpSink* sink) {
  SctpMutexLock life(&lifecycle_mu_);
  if (!initialized_) {
    // Port 0: no UDP encapsulation; packets leave through OnOutput only.
    // No threads: timers run in AdvanceTimers, on the owners' threads.
    usrsctp_init_nothreads(0, &UsrsctpLibrary::OnOutput, nullptr);
    // Data channels rely on partial reliability (RFC 3758) and stream
    // reconfiguration (RFC 6525): make sure both are on.
    usrsctp_sysctl_set_sctp_pr_enable(1);
    usrsctp_sysctl_set_sctp_reconfig_enable(1);
    // No ECN: the packets travel inside DTLS, with no IP header to mark.
    usrsctp_sysctl_set_sctp_ecn_enable(0);
    initialized_ = true;
    timers_run_until_ = absl::InfiniteFuture();
  }
  ++users_;
  SctpMutexLock lock(&mu_);
  const uintptr_t id = next_id_++;
  sinks_[id] = sink;
  return id;
}

void UsrsctpLibrary::Unregister(uintptr_t id) {
  SctpMutexLock life(&lifecycle_mu_);
  {
    SctpMutexLock lock(&mu_);
    sinks_.erase(id);
  }
  if (--users_ == 0 && initialized_) {
    // usrsctp_finish fails while any socket lingers; the stack then simply
    // stays up for the next association.
    if (usrsctp_finish() == 0) initialized_ = false;
    timers_run_until_ = absl::InfiniteFuture();
  }
}

void UsrsctpLibrary::AdvanceTimers(absl::Time now) {
  SctpMutexLock life(&lifecycle_mu_);
  if (!initialized_) return;
  if (timers_run_until_ == absl::InfiniteFuture() || now <= timers_run_until_) {
    // First call: `now` is the baseline. A clock behind the one that drove
    // the wheel so far does not run time backwards.
    if (timers_run_until_ == absl::InfiniteFuture()) timers_run_until_ = now;
    return;
  }
  const int64_t ms = absl::ToInt64Milliseconds(now - timers_run_until_);
  if (ms <= 0) return;
  const auto elapsed_ms = static_cast<uint32_t>(
      std::min<int64_t>(ms, std::numeric_limits<int32_t>::max()));
  timers_run_until_ += absl::Milliseconds(elapsed_ms);
  // With lifecycle_mu_ but not mu_ held: expiring timers send packets
  // through OnOutput, which takes mu_.
  usrsctp_handle_timers(elapsed_ms);
}

int UsrsctpLibrary::OnOutput(void* addr, void* buffer, size_t length,
                             uint8_t /*tos*/, uint8_t /*set_df*/) {
  UsrsctpLibrary& library = Get();
  SctpMutexLock lock(&library.mu_);
  const auto it = library.sinks_.find(reinterpret_cast<uintptr_t>(addr));
  if (it != library.sinks_.end()) {
    it->second->OnUsrsctpPacket(
        absl::Span<const uint8_t>(static_cast<const uint8_t*>(buffer), length));
  }
  return 0;
}

void UsrsctpLibrary::DeliverReceive(uintptr_t id, uint16_t stream_id,
                                    uint32_t ppid, int flags,
                                    uint16_t rcv_flags,
                                    absl::Span<const uint8_t> data) {
  UsrsctpLibrary& library = Get();
  SctpMutexLock lock(&library.mu_);
  const auto it = library.sinks_.find(id);
  if (it != library.sinks_.end()) {
    it->second->OnUsrsctpReceive(stream_id, ppid, flags, rcv_flags, data);
  }
}

}  // namespace konfero::sctp
