// sctp/sctp_association_inbound.cc: the receive path of SctpAssociation:
// usrsctp notifications (association up/down, stream resets), message
// reassembly, DCEP (RFC 8832) and delivery to the listener.
#include <usrsctp.h>

#include <cstring>
#include <utility>

#include "sctp/dcep.h"
#include "sctp/sctp_association.h"

namespace konfero::sctp {
namespace {

// Notifications are copied into a zeroed, properly aligned struct, so a
// short one reads as zeros rather than past its end.
template <typename T>
T ReadNotification(absl::Span<const uint8_t> bytes) {
  T value{};
  std::memcpy(&value, bytes.data(), std::min(sizeof(T), bytes.size()));
  return value;
}

}  // namespace

void SctpAssociation::Process() {
  if (processing_) return;
  processing_ = true;
  while (true) {
    std::vector<Received> batch;
    {
      SctpMutexLock lock(&mu_);
      batch.swap(received_);
    }
    for (Received& chunk : batch) HandleReceived(chunk);
    FlushSends();
    SctpMutexLock lock(&mu_);
    if (received_.empty()) break;
  }
  processing_ = false;
}

void SctpAssociation::HandleReceived(Received& chunk) {
  if ((chunk.flags & MSG_NOTIFICATION) != 0) {
    // Notifications are small and always arrive whole.
    if ((chunk.flags & MSG_EOR) != 0) HandleNotification(chunk.data);
    return;
  }
  // usrsctp's partial delivery hands a large message over in pieces; the
  // last one carries MSG_EOR. Without I-DATA one message per stream is in
  // progress at a time.
  Reassembly& reassembly = reassembly_[chunk.stream_id];
  if (reassembly.data.empty() && !reassembly.too_big) reassembly.ppid = chunk.ppid;
  if (!reassembly.too_big) {
    if (reassembly.data.size() + chunk.data.size() > config_.max_message_size) {
      reassembly.too_big = true;  // Dropped: larger than we advertised.
      reassembly.data = {};
    } else if (reassembly.data.empty()) {
      reassembly.data = std::move(chunk.data);
    } else {
      reassembly.data.insert(reassembly.data.end(), chunk.data.begin(), chunk.data.end());
    }
  }
  if ((chunk.flags & MSG_EOR) == 0) return;
  Reassembly done = std::move(reassembly);
  reassembly_.erase(chunk.stream_id);
  if (!done.too_big) HandleMessage(chunk.stream_id, done.ppid, std::move(done.data));
}

void SctpAssociation::HandleNotification(absl::Span<const uint8_t> bytes) {
  if (bytes.size() < sizeof(sctp_notification::sn_header)) return;
  const auto header = ReadNotification<decltype(sctp_notification::sn_header)>(bytes);
  switch (header.sn_type) {
    case SCTP_ASSOC_CHANGE:
      HandleAssocChange(bytes);
      break;
    case SCTP_STREAM_RESET_EVENT:
      HandleStreamReset(bytes);
      break;
    default:
      // SCTP_SEND_FAILED_EVENT (a partially reliable message abandoned) and
      // SCTP_SENDER_DRY_EVENT need no action: Process flushes queued
      // messages after every notification anyway.
      break;
  }
}

void SctpAssociation::HandleAssocChange(absl::Span<const uint8_t> bytes) {
  const auto change = ReadNotification<sctp_assoc_change>(bytes);
  switch (change.sac_state) {
    case SCTP_COMM_UP:
    case SCTP_RESTART: {
      const bool was_up = up_;
      up_ = true;
      negotiated_streams_ = std::min({config_.max_streams, change.sac_outbound_streams,
                                      change.sac_inbound_streams});
      if (was_up) break;
      // Channels opened before the handshake on streams the peer does not
      // have cannot be carried: report them closed.
      std::vector<uint16_t> lost;
      for (const auto& [sid, channel] : channels_) {
        if (sid >= negotiated_streams_) lost.push_back(sid);
      }
      for (const uint16_t sid : lost) {
        channels_.erase(sid);
        listener_.OnChannelClosed(this, sid);
      }
      listener_.OnAssociationUp(this);
      break;
    }
    case SCTP_COMM_LOST:
      GoDown(absl::UnavailableError("SCTP association lost"));
      break;
    case SCTP_SHUTDOWN_COMP:
      GoDown(absl::CancelledError("SCTP association shut down"));
      break;
    case SCTP_CANT_STR_ASSOC:
      GoDown(absl::UnavailableError("SCTP association could not be established"));
      break;
    default:
      break;
  }
}

void SctpAssociation::GoDown(const absl::Status& reason) {
  if (down_) return;
  up_ = false;
  down_ = true;
  send_queue_.clear();
  buffered_bytes_ = 0;
  reassembly_.clear();
  std::vector<uint16_t> closed;
  for (const auto& [sid, channel] : channels_) {
    if (channel.announced || channel.info.opened_locally) closed.push_back(sid);
  }
  channels_.clear();
  for (const uint16_t sid : closed) listener_.OnChannelClosed(this, sid);
  listener_.OnAssociationDown(this, reason);
}

void SctpAssociation::HandleStreamReset(absl::Span<const uint8_t> bytes) {
  const auto event = ReadNotification<sctp_stream_reset_event>(bytes);
  const size_t length = std::min<size_t>(event.strreset_length, bytes.size());
  std::vector<uint16_t> streams;
  for (size_t offset = sizeof(sctp_stream_reset_event);
       offset + sizeof(uint16_t) <= length; offset += sizeof(uint16_t)) {
    uint16_t sid;
    std::memcpy(&sid, bytes.data() + offset, sizeof(sid));
    streams.push_back(sid);
  }
  if (streams.empty()) {
    // An empty list means every stream.
    for (const auto& [sid, channel] : channels_) streams.push_back(sid);
  }
  const bool failed = (event.strreset_flags &
                       (SCTP_STREAM_RESET_DENIED | SCTP_STREAM_RESET_FAILED)) != 0;
  for (const uint16_t sid : streams) {
    const auto it = channels_.find(sid);
    if (it == channels_.end()) continue;
    Channel& channel = it->second;
    if ((event.strreset_flags & SCTP_STREAM_RESET_OUTGOING_SSN) != 0) {
      if (failed) {
        channel.reset_requested = false;  // Try again from FlushSends.
      } else {
        channel.outgoing_reset = true;
      }
    }
    if ((event.strreset_flags & SCTP_STREAM_RESET_INCOMING_SSN) != 0 && !failed) {
      // The peer closed its direction: close ours too (RFC 8831 section 6.7).
      channel.incoming_reset = true;
      channel.state = ChannelState::kClosing;
      reassembly_.erase(sid);
    }
    MaybeFinishClose(sid);
  }
}

void SctpAssociation::MaybeFinishClose(uint16_t stream_id) {
  const auto it = channels_.find(stream_id);
  if (it == channels_.end()) return;
  const Channel& channel = it->second;
  if (channel.state != ChannelState::kClosing || !channel.outgoing_reset ||
      !channel.incoming_reset) {
    return;
  }
  const bool report = channel.announced || channel.info.opened_locally;
  channels_.erase(it);
  if (report) listener_.OnChannelClosed(this, stream_id);
}

void SctpAssociation::HandleMessage(uint16_t stream_id, uint32_t ppid,
                                    std::vector<uint8_t> message) {
  if (ppid == static_cast<uint32_t>(Ppid::kDcep)) {
    HandleDcep(stream_id, message);
    return;
  }
  const auto it = channels_.find(stream_id);
  // Data on a stream without a channel (the OPEN was rejected) or after the
  // peer reset it is dropped.
  if (it == channels_.end() || it->second.incoming_reset) return;
  Channel& channel = it->second;
  if (!channel.acked) {
    // Any message from the peer implies its ACK (RFC 8832 section 6).
    channel.acked = true;
    if (channel.state == ChannelState::kOpening) {
      channel.state = ChannelState::kOpen;
      channel.announced = true;
      listener_.OnChannelOpen(this, channel.info);
      if (!channels_.contains(stream_id)) return;
    }
  }
  MessageKind kind;
  switch (static_cast<Ppid>(ppid)) {
    case Ppid::kString:
      kind = MessageKind::kText;
      break;
    case Ppid::kBinary:
      kind = MessageKind::kBinary;
      break;
    case Ppid::kStringEmpty:
      kind = MessageKind::kText;
      message.clear();
      break;
    case Ppid::kBinaryEmpty:
      kind = MessageKind::kBinary;
      message.clear();
      break;
    default:
      return;  // Deprecated partial PPIDs (52, 54) and unknown ones.
  }
  listener_.OnMessage(this, stream_id, kind, message);
}

void SctpAssociation::HandleDcep(uint16_t stream_id, absl::Span<const uint8_t> payload) {
  const std::optional<DcepMessageType> type = PeekDcepType(payload);
  if (!type) return;
  if (*type == DcepMessageType::kOpen) {
    HandleOpen(stream_id, payload);
    return;
  }
  if (!IsDcepAck(payload)) return;
  const auto it = channels_.find(stream_id);
  if (it == channels_.end() || !it->second.info.opened_locally) return;
  Channel& channel = it->second;
  channel.acked = true;
  if (channel.state != ChannelState::kOpening) return;
  channel.state = ChannelState::kOpen;
  channel.announced = true;
  listener_.OnChannelOpen(this, channel.info);
}

void SctpAssociation::HandleOpen(uint16_t stream_id, absl::Span<const uint8_t> payload) {
  const std::optional<DcepOpen> open = DcepOpen::Parse(payload);
  if (!open || channels_.contains(stream_id)) return;
  // RFC 8832 section 6 gives the DTLS client even stream ids and the server
  // odd ones, but aiortc 1.4 picks odd ids as DTLS client. An OPEN on a free
  // stream is accepted whatever its parity (as usrsctp-based stacks do): the
  // id is free, so nothing collides, and OpenChannel skips ids in use.
  Channel& channel = channels_[stream_id];
  channel.info = DataChannelInfo{stream_id, open->label, open->protocol,
                                 open->ToOptions(), false};
  channel.state = ChannelState::kOpen;
  channel.acked = true;
  channel.announced = true;
  // The ACK goes first on the stream, before anything the listener sends.
  send_queue_.push_back(PendingSend{stream_id, Ppid::kDcep, SerializeDcepAck()});
  listener_.OnChannelOpen(this, channel.info);
}

}  // namespace konfero::sctp
