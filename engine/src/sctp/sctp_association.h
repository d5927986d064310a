// sctp/sctp_association.h: one SCTP association (RFC 8831) over usrsctp, with
// WebRTC data channels opened by DCEP (RFC 8832), for one DTLS peer.
//
// Sans-I/O: the association opens no network socket (usrsctp runs in its
// AF_CONN mode) and reads no konfero clock (usrsctp itself does read the
// system clock, see HandleTimers). The owner
// feeds it the SCTP packets that arrive as DTLS application data, takes the
// packets it produces and sends them as DTLS application data, and drives
// its timers:
//
//   SctpAssociation::Config config;
//   config.role = DtlsRole::kServer;            // our DTLS role
//   config.remote_port = 5000;                  // the peer's a=sctp-port
//   config.remote_max_message_size = 262144;    // the peer's a=max-message-size
//   auto assoc = SctpAssociation::Create(config, listener);
//   (*assoc)->Connect();                        // both sides connect
//   for (auto& p : (*assoc)->TakeOutgoing()) dtls.Send(p);
//   ... on DTLS data:   (*assoc)->HandleIncomingPacket(bytes);
//   ... every ~10 ms:   (*assoc)->HandleTimers(clock.Now());
//   auto id = (*assoc)->OpenChannel("chat", "", {});
//   (*assoc)->Send(*id, bytes, MessageKind::kText);
//
// Stream ids follow RFC 8831 section 6.5: even for the DTLS client, odd for
// the DTLS server. Received messages are limited to Config::max_message_size
// (what we advertise as a=max-message-size, RFC 8841; at least 256 KiB), sent
// ones to the smaller of that and the peer's a=max-message-size.
// Closing a channel resets its outgoing stream; the peer answers by
// resetting its own, and each side reports OnChannelClosed once both
// directions are reset (RFC 8831 section 6.7).
//
// Thread contract: an association belongs to one owner thread, which makes
// every call, and every Listener method runs on that thread, from inside one
// of those calls (never from usrsctp's callbacks directly). Listener methods
// may call back into the association but must not destroy it. usrsctp is
// process-wide, so its callbacks for this association may run on another
// association's owner thread (see usrsctp_library.h): they only append to
// queues behind `mu_`, which is why this class has a mutex at all.
// Associations on different threads may run concurrently; they must be
// driven by clocks that agree (UsrsctpLibrary::AdvanceTimers).
#ifndef KONFERO_SCTP_SCTP_ASSOCIATION_H_
#define KONFERO_SCTP_SCTP_ASSOCIATION_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "sctp/data_channel.h"
#include "sctp/sctp_mutex.h"
#include "sctp/usrsctp_library.h"

struct socket;

namespace konfero::sctp {

class SctpAssociation final : private UsrsctpSink {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnAssociationUp(SctpAssociation* association) = 0;
    // The association ended (peer abort, shutdown, or failure to connect);
    // open channels are reported closed first.
    virtual void OnAssociationDown(SctpAssociation* association,
                                   const absl::Status& reason) = 0;
    // A channel the peer opened (already acknowledged), or one we opened
    // whose DATA_CHANNEL_ACK arrived.
    virtual void OnChannelOpen(SctpAssociation* association,
                               const DataChannelInfo& channel) = 0;
    virtual void OnMessage(SctpAssociation* association, uint16_t stream_id,
                           MessageKind kind,
                           absl::Span<const uint8_t> message) = 0;
    virtual void OnChannelClosed(SctpAssociation* association,
                                 uint16_t stream_id) = 0;
  };

  struct Config {
    DtlsRole role = DtlsRole::kClient;
    uint16_t local_port = 5000;
    uint16_t remote_port = 5000;
    // Largest message we accept (our a=max-message-size); also caps what we
    // send, so that any message fits usrsctp's send buffer in one call.
    size_t max_message_size = 256 * 1024;
    // The peer's a=max-message-size: 0 means no limit of its own (RFC 8841
    // section 6); when the SDP has none, pass 65536.
    size_t remote_max_message_size = 256 * 1024;
    // Streams offered in INIT; channel ids stay below what both sides offer.
    uint16_t max_streams = 1024;
    // Largest SCTP packet: it must fit in one DTLS record of one datagram
    // (the DTLS transport's max_application_data_size()).
    size_t mtu = 1100;
    // Retransmission timeout bounds (RFC 4960 section 15 defaults).
    absl::Duration rto_initial = absl::Seconds(3);
    absl::Duration rto_min = absl::Seconds(1);
    absl::Duration rto_max = absl::Seconds(60);
  };

  static constexpr size_t kMinMaxMessageSize = 256 * 1024;

  // InvalidArgument for a max_message_size below 256 KiB, zero streams or
  // RTO bounds out of order;
  // Internal when usrsctp refuses the socket.
  static absl::StatusOr<std::unique_ptr<SctpAssociation>> Create(
      const Config& config, Listener& listener);
  ~SctpAssociation() override;

  SctpAssociation(const SctpAssociation&) = delete;
  SctpAssociation& operator=(const SctpAssociation&) = delete;

  // Starts the handshake (INIT). Both peers call it; SCTP resolves the
  // simultaneous open. FailedPrecondition when called twice.
  absl::Status Connect();

  // An SCTP packet received from the peer (the DTLS application data).
  // Packets that arrive before Connect are held (up to 64) and fed after it,
  // so a peer that connects first is not answered with an ABORT.
  void HandleIncomingPacket(absl::Span<const uint8_t> packet);

  // The SCTP packets to send to the peer, oldest first.
  std::vector<std::vector<uint8_t>> TakeOutgoing();

  // Runs SCTP timers (retransmission, delayed SACK, heartbeat) up to `now`.
  // Call it every 10 ms or so with the real time: usrsctp's timer wheel
  // moves only here, but usrsctp also reads the system clock itself (a chunk
  // is retransmitted on timeout only once an RTO of real time has passed
  // since it was sent; heartbeats and PR-SCTP lifetimes are real-time too).
  // A ManualClock running ahead of real time thus drives delayed SACKs and
  // error counting but not timeout retransmissions.
  void HandleTimers(absl::Time now);

  // Opens a channel: picks a free stream id of our parity and sends
  // DATA_CHANNEL_OPEN (held back until the association is up). Messages may
  // be sent at once. OnChannelOpen follows when the peer acknowledges.
  // FailedPrecondition once the association is down; ResourceExhausted when
  // no stream id is free; InvalidArgument for bad options.
  absl::StatusOr<uint16_t> OpenChannel(std::string_view label,
                                       std::string_view protocol,
                                       const DataChannelOptions& options);

  // Queues one message. Empty messages are allowed (PPID 56/57).
  // NotFound for an unknown or closing channel; InvalidArgument above
  // max_send_message_size().
  absl::Status Send(uint16_t stream_id, absl::Span<const uint8_t> message,
                    MessageKind kind);

  // Closes a channel by resetting its stream once its queued messages are
  // handed to SCTP. NotFound for an unknown or already closing channel.
  absl::Status CloseChannel(uint16_t stream_id);

  // Ends the association gracefully (SCTP SHUTDOWN after the data already
  // handed to usrsctp); both sides then report their channels closed and
  // OnAssociationDown. FailedPrecondition unless up.
  absl::Status Shutdown();

  size_t max_send_message_size() const;
  bool is_up() const { return up_; }
  DtlsRole role() const { return config_.role; }
  // Bytes accepted by Send but not yet handed to usrsctp.
  size_t buffered_amount() const { return buffered_bytes_; }

 private:
  enum class ChannelState { kOpening, kOpen, kClosing };
  struct Channel {
    DataChannelInfo info;
    ChannelState state = ChannelState::kOpening;
    // Set once the peer has sent anything on the stream (ACK or data); until
    // then our messages go ordered (RFC 8832 section 6).
    bool acked = false;
    bool announced = false;
    bool outgoing_reset = false;
    bool incoming_reset = false;
    bool reset_requested = false;
  };
  struct PendingSend {
    uint16_t stream_id;
    Ppid ppid;
    std::vector<uint8_t> payload;
  };
  // A receive callback's chunk, queued until the owner thread drains it.
  struct Received {
    uint16_t stream_id;
    uint32_t ppid;
    int flags;
    uint16_t rcv_flags;
    std::vector<uint8_t> data;
  };
  struct Reassembly {
    uint32_t ppid = 0;
    bool too_big = false;
    std::vector<uint8_t> data;
  };

  SctpAssociation(const Config& config, Listener& listener);
  absl::Status Init();

  // UsrsctpSink: may run on any thread; only queue under mu_.
  void OnUsrsctpPacket(absl::Span<const uint8_t> packet) override;
  void OnUsrsctpReceive(uint16_t stream_id, uint32_t ppid, int flags,
                        uint16_t rcv_flags,
                        absl::Span<const uint8_t> data) override;

  // Owner thread: handles everything usrsctp queued, then retries queued
  // sends and stream resets. Re-entrant calls from listeners return at once;
  // the outer loop picks up what they queued.
  void Process();
  void HandleReceived(Received& chunk);
  void HandleNotification(absl::Span<const uint8_t> bytes);
  void HandleAssocChange(absl::Span<const uint8_t> bytes);
  void HandleStreamReset(absl::Span<const uint8_t> bytes);
  void HandleMessage(uint16_t stream_id, uint32_t ppid,
                     std::vector<uint8_t> message);
  void HandleDcep(uint16_t stream_id, absl::Span<const uint8_t> payload);
  void HandleOpen(uint16_t stream_id, absl::Span<const uint8_t> payload);
  void MaybeFinishClose(uint16_t stream_id);
  void GoDown(const absl::Status& reason);

  // Hands queued messages to usrsctp in order until it has no room.
  void FlushSends();
  // Returns false when usrsctp has no room now (try again later).
  bool SendNow(const PendingSend& message);
  void RequestResets();


  const Config config_;
  Listener& listener_;
  const uintptr_t id_;
  struct socket* socket_ = nullptr;
  bool connect_called_ = false;
  bool up_ = false;
  bool down_ = false;
  std::vector<std::vector<uint8_t>> early_packets_;
  bool processing_ = false;
  uint16_t negotiated_streams_;

  absl::flat_hash_map<uint16_t, Channel> channels_;
  absl::flat_hash_map<uint16_t, Reassembly> reassembly_;
  std::deque<PendingSend> send_queue_;
  size_t buffered_bytes_ = 0;

  SctpMutex mu_;
  std::vector<std::vector<uint8_t>> outgoing_ ABSL_GUARDED_BY(mu_);
  std::vector<Received> received_ ABSL_GUARDED_BY(mu_);
};

}  // namespace konfero::sctp

#endif  // KONFERO_SCTP_SCTP_ASSOCIATION_H_
