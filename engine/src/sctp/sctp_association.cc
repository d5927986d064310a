// sctp/sctp_association.cc: socket setup, the owner's API and the send path
// of SctpAssociation. The receive path is in sctp_association_inbound.cc.
#include "sctp/sctp_association.h"

#include <arpa/inet.h>
#include <sys/socket.h>
#include <usrsctp.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/memory/memory.h"
#include "sctp/dcep.h"

namespace konfero::sctp {
namespace {

constexpr size_t kMaxEarlyPackets = 64;

void* AddressOf(uintptr_t id) { return reinterpret_cast<void*>(id); }

sockaddr_conn ConnAddress(uintptr_t id, uint16_t port) {
  sockaddr_conn addr{};
  addr.sconn_family = AF_CONN;
  addr.sconn_port = htons(port);
  addr.sconn_addr = AddressOf(id);
  return addr;
}

// usrsctp's receive upcall: copies the chunk into the association's queue
// (through the registry, which drops it if the association is gone). usrsctp
// hands over `data` allocated with malloc; NULL data means the socket was
// shut down, which the association learns from notifications instead.
int OnReceive(struct socket* /*sock*/, union sctp_sockstore /*addr*/, void* data,
              size_t length, struct sctp_rcvinfo rcv, int flags, void* ulp_info) {
  if (data == nullptr) return 1;
  UsrsctpLibrary::DeliverReceive(
      reinterpret_cast<uintptr_t>(ulp_info), rcv.rcv_sid, ntohl(rcv.rcv_ppid),
      flags, rcv.rcv_flags,
      absl::Span<const uint8_t>(static_cast<const uint8_t*>(data), length));
  std::free(data);  // NOLINT: ownership passed by usrsctp's C API
  return 1;
}

template <typename T>
bool SetOption(struct socket* s, int level, int name, const T& value) {
  return usrsctp_setsockopt(s, level, name, &value, sizeof(value)) == 0;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SctpAssociation>> SctpAssociation::Create(
    const Config& config, Listener& listener) {
  if (config.max_message_size < kMinMaxMessageSize) {
    return absl::InvalidArgumentError("max_message_size must be at least 256 KiB");
  }
  if (config.max_streams == 0) {
    return absl::InvalidArgumentError("max_streams must be positive");
  }
  if (config.rto_min < absl::Milliseconds(1) || config.rto_min > config.rto_initial ||
      config.rto_initial > config.rto_max || config.rto_max > absl::Hours(1)) {
    return absl::InvalidArgumentError("need 1 ms <= rto_min <= rto_initial <= rto_max <= 1 h");
  }
  auto association = absl::WrapUnique(new SctpAssociation(config, listener));
  if (absl::Status status = association->Init(); !status.ok()) return status;
  return association;
}

SctpAssociation::SctpAssociation(const Config& config, Listener& listener)
    : config_(config),
      listener_(listener),
      id_(UsrsctpLibrary::Get().Register(this)),
      negotiated_streams_(config.max_streams) {}

SctpAssociation::~SctpAssociation() {
  if (socket_ != nullptr) {
    // SO_LINGER {1, 0}: close aborts and frees the association at once, so
    // nothing of ours stays behind in usrsctp.
    usrsctp_close(socket_);
    usrsctp_deregister_address(AddressOf(id_));
  }
  UsrsctpLibrary::Get().Unregister(id_);
}

absl::Status SctpAssociation::Init() {
  socket_ = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, &OnReceive, nullptr,
                           0, AddressOf(id_));
  if (socket_ == nullptr) return absl::InternalError("usrsctp_socket failed");
  if (usrsctp_set_non_blocking(socket_, 1) != 0) {
    return absl::InternalError("usrsctp_set_non_blocking failed");
  }
  const linger abort_on_close{1, 0};
  // Room for a whole max-size message at once: without SCTP_EXPLICIT_EOR a
  // message must fit the send buffer in one usrsctp_sendv. Twice that keeps
  // the pipe full while one large message is in flight.
  const int buffer = static_cast<int>(
      std::max<size_t>(1 << 20, 2 * config_.max_message_size));
  const sctp_assoc_value reset{SCTP_FUTURE_ASSOC, SCTP_ENABLE_RESET_STREAM_REQ};
  const sctp_initmsg init{config_.max_streams, config_.max_streams, 0, 0};
  const sctp_rtoinfo rto{SCTP_FUTURE_ASSOC,
                         static_cast<uint32_t>(absl::ToInt64Milliseconds(config_.rto_initial)),
                         static_cast<uint32_t>(absl::ToInt64Milliseconds(config_.rto_max)),
                         static_cast<uint32_t>(absl::ToInt64Milliseconds(config_.rto_min))};
  const int on = 1;
  bool ok = SetOption(socket_, SOL_SOCKET, SO_LINGER, abort_on_close) &&
            SetOption(socket_, SOL_SOCKET, SO_SNDBUF, buffer) &&
            SetOption(socket_, SOL_SOCKET, SO_RCVBUF, buffer) &&
            SetOption(socket_, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, reset) &&
            SetOption(socket_, IPPROTO_SCTP, SCTP_RECVRCVINFO, on) &&
            SetOption(socket_, IPPROTO_SCTP, SCTP_NODELAY, on) &&
            SetOption(socket_, IPPROTO_SCTP, SCTP_INITMSG, init) &&
            SetOption(socket_, IPPROTO_SCTP, SCTP_RTOINFO, rto);
  for (const uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_SEND_FAILED_EVENT,
                              SCTP_SENDER_DRY_EVENT, SCTP_STREAM_RESET_EVENT}) {
    sctp_event event{};
    event.se_assoc_id = SCTP_ALL_ASSOC;
    event.se_on = 1;
    event.se_type = type;
    ok = ok && SetOption(socket_, IPPROTO_SCTP, SCTP_EVENT, event);
  }
  if (!ok) return absl::InternalError("usrsctp_setsockopt failed");
  usrsctp_register_address(AddressOf(id_));
  sockaddr_conn local = ConnAddress(id_, config_.local_port);
  if (usrsctp_bind(socket_, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    return absl::InternalError("usrsctp_bind failed");
  }
  return absl::OkStatus();
}

absl::Status SctpAssociation::Connect() {
  if (connect_called_) return absl::FailedPreconditionError("Connect called twice");
  connect_called_ = true;
  sockaddr_conn remote = ConnAddress(id_, config_.remote_port);
  if (usrsctp_connect(socket_, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) != 0 &&
      errno != EINPROGRESS) {
    return absl::InternalError("usrsctp_connect failed");
  }
  // Every SCTP packet must fit one DTLS record in one datagram: fix the
  // path MTU (no discovery) so usrsctp fragments large messages to it.
  sctp_paddrparams params{};
  std::memcpy(&params.spp_address, &remote, sizeof(remote));
  params.spp_flags = SPP_PMTUD_DISABLE;
  params.spp_pathmtu = static_cast<uint32_t>(config_.mtu);
  if (usrsctp_setsockopt(socket_, IPPROTO_SCTP, SCTP_PEER_ADDR_PARAMS, &params,
                         sizeof(params)) != 0) {
    return absl::InternalError("usrsctp: cannot set the path MTU");
  }
  for (const std::vector<uint8_t>& packet : std::exchange(early_packets_, {})) {
    usrsctp_conninput(AddressOf(id_), packet.data(), packet.size(), 0);
  }
  Process();
  return absl::OkStatus();
}

void SctpAssociation::HandleIncomingPacket(absl::Span<const uint8_t> packet) {
  if (!connect_called_) {
    if (early_packets_.size() < kMaxEarlyPackets) {
      early_packets_.emplace_back(packet.begin(), packet.end());
    }
    return;
  }
  usrsctp_conninput(AddressOf(id_), packet.data(), packet.size(), 0);
  Process();
}

std::vector<std::vector<uint8_t>> SctpAssociation::TakeOutgoing() {
  SctpMutexLock lock(&mu_);
  return std::exchange(outgoing_, {});
}

void SctpAssociation::HandleTimers(absl::Time now) {
  UsrsctpLibrary::Get().AdvanceTimers(now);
  Process();
}

size_t SctpAssociation::max_send_message_size() const {
  if (config_.remote_max_message_size == 0) return config_.max_message_size;
  return std::min(config_.max_message_size, config_.remote_max_message_size);
}

absl::StatusOr<uint16_t> SctpAssociation::OpenChannel(std::string_view label,
                                                      std::string_view protocol,
                                                      const DataChannelOptions& options) {
  if (down_) return absl::FailedPreconditionError("the association is down");
  absl::StatusOr<DcepOpen> open = DcepOpen::FromOptions(label, protocol, options);
  if (!open.ok()) return open.status();
  uint32_t stream_id = config_.role == DtlsRole::kClient ? 0 : 1;
  while (stream_id < negotiated_streams_ && channels_.contains(static_cast<uint16_t>(stream_id))) {
    stream_id += 2;
  }
  if (stream_id >= negotiated_streams_) {
    return absl::ResourceExhaustedError("no free SCTP stream for a new channel");
  }
  const auto sid = static_cast<uint16_t>(stream_id);
  Channel& channel = channels_[sid];
  channel.info = DataChannelInfo{sid, open->label, open->protocol, options, true};
  channel.state = ChannelState::kOpening;
  send_queue_.push_back(PendingSend{sid, Ppid::kDcep, open->Serialize()});
  Process();
  return sid;
}

absl::Status SctpAssociation::Send(uint16_t stream_id, absl::Span<const uint8_t> message,
                                   MessageKind kind) {
  if (message.size() > max_send_message_size()) {
    return absl::InvalidArgumentError("message larger than the max message size");
  }
  const auto it = channels_.find(stream_id);
  if (it == channels_.end() || it->second.state == ChannelState::kClosing) {
    return absl::NotFoundError("no open channel on this stream");
  }
  const bool text = kind == MessageKind::kText;
  PendingSend pending{stream_id, text ? Ppid::kString : Ppid::kBinary, {}};
  if (message.empty()) {
    // RFC 8831 section 6.6: an empty message is one zero byte with its own PPID.
    pending.ppid = text ? Ppid::kStringEmpty : Ppid::kBinaryEmpty;
    pending.payload = {0};
  } else {
    pending.payload.assign(message.begin(), message.end());
  }
  buffered_bytes_ += pending.payload.size();
  send_queue_.push_back(std::move(pending));
  Process();
  return absl::OkStatus();
}

absl::Status SctpAssociation::CloseChannel(uint16_t stream_id) {
  const auto it = channels_.find(stream_id);
  if (it == channels_.end() || it->second.state == ChannelState::kClosing) {
    return absl::NotFoundError("no open channel on this stream");
  }
  it->second.state = ChannelState::kClosing;
  Process();
  return absl::OkStatus();
}

absl::Status SctpAssociation::Shutdown() {
  if (!up_) return absl::FailedPreconditionError("the association is not up");
  if (usrsctp_shutdown(socket_, SHUT_WR) != 0) {
    return absl::InternalError("usrsctp_shutdown failed");
  }
  Process();
  return absl::OkStatus();
}

void SctpAssociation::FlushSends() {
  while (up_ && !send_queue_.empty()) {
    if (!SendNow(send_queue_.front())) break;
    if (send_queue_.front().ppid != Ppid::kDcep) {
      buffered_bytes_ -= send_queue_.front().payload.size();
    }
    send_queue_.pop_front();
  }
  RequestResets();
}

bool SctpAssociation::SendNow(const PendingSend& message) {
  const auto it = channels_.find(message.stream_id);
  if (it == channels_.end()) return true;  // closed meanwhile: drop
  const Channel& channel = it->second;
  sctp_sendv_spa spa{};
  spa.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  spa.sendv_sndinfo.snd_sid = message.stream_id;
  spa.sendv_sndinfo.snd_ppid = htonl(static_cast<uint32_t>(message.ppid));
  spa.sendv_sndinfo.snd_flags = SCTP_EOR;
  if (message.ppid != Ppid::kDcep) {
    const DataChannelOptions& options = channel.info.options;
    // Until the peer has answered, the OPEN may still be in flight: user
    // data goes ordered so that it cannot overtake it (RFC 8832 section 6).
    if (!options.ordered && channel.acked) spa.sendv_sndinfo.snd_flags |= SCTP_UNORDERED;
    if (options.max_retransmits) {
      spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
      spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
      spa.sendv_prinfo.pr_value = *options.max_retransmits;
    } else if (options.max_packet_lifetime_ms) {
      spa.sendv_flags |= SCTP_SEND_PRINFO_VALID;
      spa.sendv_prinfo.pr_policy = SCTP_PR_SCTP_TTL;
      spa.sendv_prinfo.pr_value = *options.max_packet_lifetime_ms;
    }
  }
  const ssize_t sent =
      usrsctp_sendv(socket_, message.payload.data(), message.payload.size(), nullptr, 0,
                    &spa, sizeof(spa), SCTP_SENDV_SPA, 0);
  if (sent < 0 && (errno == EWOULDBLOCK || errno == EAGAIN)) return false;
  // Any other failure (the association is going away) drops the message;
  // the notifications that follow report why.
  return true;
}

void SctpAssociation::RequestResets() {
  if (!up_) return;
  std::vector<uint16_t> streams;
  for (auto& [sid, channel] : channels_) {
    if (channel.state != ChannelState::kClosing || channel.reset_requested ||
        channel.outgoing_reset) {
      continue;
    }
    bool queued = false;
    for (const PendingSend& pending : send_queue_) queued |= pending.stream_id == sid;
    if (!queued) streams.push_back(sid);
  }
  if (streams.empty()) return;
  // struct sctp_reset_streams ends in a flexible array: build it in bytes.
  const size_t size = sizeof(sctp_reset_streams) + streams.size() * sizeof(uint16_t);
  std::vector<uint8_t> buffer(size);
  sctp_reset_streams header{};
  header.srs_assoc_id = SCTP_ALL_ASSOC;
  header.srs_flags = SCTP_STREAM_RESET_OUTGOING;
  header.srs_number_streams = static_cast<uint16_t>(streams.size());
  std::memcpy(buffer.data(), &header, sizeof(header));
  std::memcpy(buffer.data() + sizeof(header), streams.data(),
              streams.size() * sizeof(uint16_t));
  if (usrsctp_setsockopt(socket_, IPPROTO_SCTP, SCTP_RESET_STREAMS, buffer.data(),
                         static_cast<socklen_t>(size)) != 0) {
    return;  // A reset is already in progress: retried on the next call.
  }
  for (const uint16_t sid : streams) channels_[sid].reset_requested = true;
}

void SctpAssociation::OnUsrsctpPacket(absl::Span<const uint8_t> packet) {
  SctpMutexLock lock(&mu_);
  outgoing_.emplace_back(packet.begin(), packet.end());
}

void SctpAssociation::OnUsrsctpReceive(uint16_t stream_id, uint32_t ppid, int flags,
                                       uint16_t rcv_flags,
                                       absl::Span<const uint8_t> data) {
  SctpMutexLock lock(&mu_);
  received_.push_back(Received{stream_id, ppid, flags, rcv_flags,
                               std::vector<uint8_t>(data.begin(), data.end())});
}

}  // namespace konfero::sctp
