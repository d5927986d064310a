// bwe/sent_packet_history.h: the packets recently sent on one transport,
// by transport-wide sequence number, so that transport-wide cc feedback
// (which names packets only by that number) can be matched to their send
// times and sizes.
//
// A ring of fixed slots indexed by the unwrapped sequence number modulo the
// capacity (a power of two), all allocated in the constructor: recording a
// packet and looking one up never allocate. A number is found while it is
// among the last `capacity` numbers sent. Each slot also remembers what
// feedback has said about its packet, so a packet reported twice (feedback
// can repeat itself) is used once.
//
//   SentPacketHistory history;
//   history.OnPacketSent(seq, bytes, now_us);       // every packet sent
//   if (auto sent = history.OnReceived(seq)) {       // feedback: arrived
//     UseDelaySample(sent->send_time_us, arrival_us, sent->size);
//   }
//   if (history.OnLost(other_seq)) ++lost;           // feedback: missing
//
// Thread contract: not thread-safe; the thread that sends on the transport
// and handles its RTCP calls everything.
#ifndef KONFERO_BWE_SENT_PACKET_HISTORY_H_
#define KONFERO_BWE_SENT_PACKET_HISTORY_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bwe/sequence_unwrapper.h"

namespace konfero::bwe {

struct SentPacket {
  int64_t sequence_number = 0;  // unwrapped
  int64_t send_time_us = 0;
  size_t size = 0;  // bytes
};

class SentPacketHistory {
 public:
  // 2^15: at 20 Mbit/s of 1200-byte packets, some 15 s of sending, far more
  // than a feedback round trip. 16 bytes a slot: 512 KiB.
  static constexpr size_t kDefaultCapacity = size_t{1} << 15;
  static constexpr size_t kMaxCapacity = size_t{1} << 15;  // half the 16-bit space

  // `capacity` is rounded up to a power of two in [16, kMaxCapacity].
  explicit SentPacketHistory(size_t capacity = kDefaultCapacity);

  // Records a packet just sent. False (and ignored) if `seq` is not newer
  // than the last number recorded: numbers are assigned in sending order.
  bool OnPacketSent(uint16_t seq, size_t bytes, int64_t send_time_us);

  // The packet, while held.
  std::optional<SentPacket> Find(uint16_t seq) const;

  // Feedback says `seq` arrived. Returns the packet the first time its
  // arrival is reported; nullopt for a repeat or a packet not held.
  std::optional<SentPacket> OnReceived(uint16_t seq);

  // Feedback says `seq` is missing. Returns the packet if nothing was
  // reported about it before; nullopt otherwise (a repeat, or an arrival
  // already reported) or if not held.
  std::optional<SentPacket> OnLost(uint16_t seq);

  size_t capacity() const { return slots_.size(); }
  // The last number recorded, unwrapped.
  std::optional<int64_t> newest() const { return unwrapper_.last(); }

 private:
  enum class State : uint8_t { kEmpty, kSent, kReportedLost, kReportedReceived };
  struct Slot {
    int64_t send_time_us = 0;
    uint32_t size = 0;
    uint16_t seq = 0;
    State state = State::kEmpty;
  };

  // The slot holding `seq`, or nullptr.
  Slot* Locate(uint16_t seq);
  const Slot* Locate(uint16_t seq) const;
  SentPacket ToPacket(const Slot& slot) const;

  size_t mask_ = 0;
  std::vector<Slot> slots_;
  SequenceUnwrapper unwrapper_;  // follows the sent numbers
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_SENT_PACKET_HISTORY_H_
