// sctp/usrsctp_library.h: the process-wide usrsctp stack, shared by every
// SctpAssociation in the process.
//
// usrsctp keeps all of its state in process globals (one stack, one timer
// wheel, one packet-output callback), so this wrapper is konfero's one
// justified global: a refcounted, mutex-guarded singleton. The first
// association to register initializes usrsctp with usrsctp_init_nothreads
// (no timer thread: its timers run only when an owner calls AdvanceTimers;
// usrsctp 0.9.5 still starts its idle address-iterator thread); the last to
// unregister finishes it.
//
// usrsctp hands outgoing packets and received data to C callbacks that carry
// only a void*. Associations register as a Sink and get a numeric id, which
// is what usrsctp sees as the AF_CONN address and socket ulp_info; callbacks
// look the id up under the registry mutex, so a callback that races with an
// association's destruction finds nothing and drops its bytes instead of
// touching freed memory.
//
// Thread contract: every method may be called from any thread. usrsctp may
// invoke a Sink from whichever thread is inside usrsctp at that moment
// (including another association's owner thread running the shared timer
// wheel), with the registry mutex held: sinks must only queue and return.
#ifndef KONFERO_SCTP_USRSCTP_LIBRARY_H_
#define KONFERO_SCTP_USRSCTP_LIBRARY_H_

#include <cstddef>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "sctp/sctp_mutex.h"

namespace konfero::sctp {

class UsrsctpSink {
 public:
  virtual ~UsrsctpSink() = default;
  // An SCTP packet usrsctp wants sent to the peer.
  virtual void OnUsrsctpPacket(absl::Span<const uint8_t> packet) = 0;
  // Data or (with MSG_NOTIFICATION in flags) a notification, possibly one
  // piece of a larger message (MSG_EOR marks the last piece).
  virtual void OnUsrsctpReceive(uint16_t stream_id, uint32_t ppid, int flags,
                                uint16_t rcv_flags,
                                absl::Span<const uint8_t> data) = 0;
};

class UsrsctpLibrary {
 public:
  static UsrsctpLibrary& Get();

  UsrsctpLibrary(const UsrsctpLibrary&) = delete;
  UsrsctpLibrary& operator=(const UsrsctpLibrary&) = delete;

  // Initializes usrsctp if needed; the returned id (never 0) identifies the
  // sink in usrsctp's AF_CONN addresses until Unregister.
  uintptr_t Register(UsrsctpSink* sink) ABSL_LOCKS_EXCLUDED(lifecycle_mu_, mu_);
  // After this returns no callback reaches the sink. The last Unregister
  // finishes usrsctp (and resets the timer baseline).
  void Unregister(uintptr_t id) ABSL_LOCKS_EXCLUDED(lifecycle_mu_, mu_);

  // Runs usrsctp's timer wheel up to `now`. The wheel is process-wide: every
  // association's owner calls this, and it advances by the time elapsed since
  // the latest call from anyone. All associations alive at once must
  // therefore be driven by clocks that agree (the system clock, or one
  // ManualClock per test).
  void AdvanceTimers(absl::Time now) ABSL_LOCKS_EXCLUDED(lifecycle_mu_, mu_);

  // The C callbacks registered with usrsctp.
  static int OnOutput(void* addr, void* buffer, size_t length, uint8_t tos,
                      uint8_t set_df);
  static void DeliverReceive(uintptr_t id, uint16_t stream_id, uint32_t ppid,
                             int flags, uint16_t rcv_flags,
                             absl::Span<const uint8_t> data);

 private:
  UsrsctpLibrary() = default;
  ~UsrsctpLibrary() = default;

  // Lock order: lifecycle_mu_ before mu_. usrsctp callbacks take only mu_,
  // so usrsctp may be entered with lifecycle_mu_ held (init, finish, timers:
  // which keeps usrsctp_finish from racing the timer wheel) but never with
  // mu_ held.
  SctpMutex lifecycle_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  int users_ ABSL_GUARDED_BY(lifecycle_mu_) = 0;
  bool initialized_ ABSL_GUARDED_BY(lifecycle_mu_) = false;
  // Time up to which the timer wheel has run; InfiniteFuture until the first
  // AdvanceTimers after (re)initialization.
  absl::Time timers_run_until_ ABSL_GUARDED_BY(lifecycle_mu_) =
      absl::InfiniteFuture();

  SctpMutex mu_;
  absl::flat_hash_map<uintptr_t, UsrsctpSink*> sinks_ ABSL_GUARDED_BY(mu_);
  uintptr_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace konfero::sctp

#endif  // KONFERO_SCTP_USRSCTP_LIBRARY_H_
