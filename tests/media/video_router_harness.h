// media/video_router_harness.h: what the VideoRouter tests drive it with: a
// fake VideoPeer that records what the router sends it (RTP, RTCP, control
// messages), builders of the negotiated video of a peer, and a VP8 source
// that writes a publisher's RTP packets.
//
//   FakeVideoPeer alice(PeerVideo(kAlice).Camera(0xA1, 0xA2).Slots(2, 0xA100).Build());
//   router.AddPeer(alice, /*on_hold=*/false);
//   Vp8Source camera({.ssrc = 0xA1});
//   router.OnRtp(alice, camera.Keyframe(), now_us);
//   for (const Received& p : bob.ReceivedRtp()) ...   // rewritten, as bob got it
//
// Every forwarded payload ends with a trailer the router does not touch
// (the source's tag and the packet's original sequence number), so a test
// can tell which publisher packet a subscriber got, whatever the rewriting.
//
// Thread contract: test code, one thread.
#ifndef KONFERO_TESTS_MEDIA_VIDEO_ROUTER_HARNESS_H_
#define KONFERO_TESTS_MEDIA_VIDEO_ROUTER_HARNESS_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/types/span.h"
#include "media/peer_transport.h"
#include "media/video_params.h"
#include "nlohmann/json.hpp"
#include "rtp/rtcp_packet.h"
#include "rtp/rtp_header_extensions.h"
#include "rtp/rtp_packet.h"

namespace konfero::media::testing {

// The publishers' payload types; subscribers' slots use other ones, so that
// a test sees the router translate them.
inline constexpr uint8_t kPublisherVp8 = 96;
inline constexpr uint8_t kPublisherRtx = 97;
inline constexpr uint8_t kSlotVp8 = 100;
inline constexpr uint8_t kSlotRtx = 101;

// Header extension ids, the same for every peer (BUNDLE).
inline constexpr uint8_t kMidId = 1;
inline constexpr uint8_t kAbsSendTimeId = 2;
inline constexpr uint8_t kTransportCcId = 3;
inline constexpr uint8_t kRidId = 4;
inline constexpr uint8_t kRepairedRidId = 5;

// The negotiated video of one peer, built fluently.
class PeerVideo {
 public:
  explicit PeerVideo(uint64_t participant) { setup_.participant = ParticipantId{participant}; }

  // A camera (or screen share) on the announced SSRCs, without simulcast.
  PeerVideo& Camera(uint32_t ssrc, uint32_t rtx_ssrc, std::string mid = "cam") {
    return Publication(VideoSource::kCamera, std::move(mid), {{ssrc, rtx_ssrc}}, {});
  }
  PeerVideo& Screen(uint32_t ssrc, uint32_t rtx_ssrc, std::string mid = "screen") {
    return Publication(VideoSource::kScreen, std::move(mid), {{ssrc, rtx_ssrc}}, {});
  }
  // A simulcast camera: SSRCs learnt from the mid and rid extensions.
  PeerVideo& SimulcastCamera(std::vector<std::string> rids, std::string mid = "cam") {
    return Publication(VideoSource::kCamera, std::move(mid), {}, std::move(rids));
  }
  // `count` slots with mids "s0", "s1", ..., SSRCs first_ssrc + 2 * i and
  // RTX SSRCs one above.
  PeerVideo& Slots(int count, uint32_t first_ssrc) {
    for (int i = 0; i < count; ++i) {
      VideoSlotParams& slot = setup_.video.slots.emplace_back();
      slot.mid = "s" + std::to_string(i);
      slot.ssrc = first_ssrc + 2 * static_cast<uint32_t>(i);
      slot.rtx_ssrc = slot.ssrc + 1;
      slot.codecs = {Vp8(kSlotVp8, kSlotRtx)};
    }
    return *this;
  }
  PeerSetup Build() {
    setup_.video.extensions = {.mid = kMidId,
                               .rid = kRidId,
                               .repaired_rid = kRepairedRidId,
                               .abs_send_time = kAbsSendTimeId,
                               .transport_cc = kTransportCcId};
    setup_.video.transport_cc = true;
    return setup_;
  }

  static VideoCodecParams Vp8(uint8_t pt, uint8_t rtx_pt) {
    return {.codec = video::VideoCodec::kVp8, .payload_type = pt, .rtx_payload_type = rtx_pt};
  }

 private:
  PeerVideo& Publication(VideoSource source, std::string mid,
                         std::vector<std::pair<uint32_t, uint32_t>> ssrcs,
                         std::vector<std::string> rids) {
    VideoPublicationParams& p = setup_.video.publications.emplace_back();
    p.mid = std::move(mid);
    p.source = source;
    p.codecs = {Vp8(kPublisherVp8, kPublisherRtx)};
    p.ssrcs = std::move(ssrcs);
    p.rids = std::move(rids);
    return *this;
  }

  PeerSetup setup_;
};

// An RTP packet a fake peer was sent, parsed back.
struct Received {
  std::vector<uint8_t> bytes;
  bool retransmission = false;
  uint32_t ssrc = 0;
  uint8_t payload_type = 0;
  uint16_t sequence_number = 0;
  uint32_t timestamp = 0;
  bool marker = false;
  std::vector<uint8_t> payload;
  // From the payload's trailer (see Vp8Source): which source, which packet.
  uint8_t source_tag = 0;
  uint16_t source_sequence_number = 0;
  std::optional<uint16_t> picture_id;  // the (rewritten) VP8 picture id
  bool has_abs_send_time = false;
  bool has_transport_cc = false;

  // For gtest's failure messages (instead of a byte dump).
  friend void PrintTo(const Received& r, std::ostream* os) {
    *os << "{ssrc " << r.ssrc << ", pt " << int{r.payload_type} << ", seq " << r.sequence_number
        << ", ts " << r.timestamp << ", source " << int{r.source_tag} << "/"
        << r.source_sequence_number << (r.retransmission ? ", rtx" : "") << "}";
  }
};

class FakeVideoPeer final : public VideoPeer {
 public:
  explicit FakeVideoPeer(PeerSetup setup) : setup_(std::move(setup)) {}

  const PeerSetup& setup() const override { return setup_; }
  bool SendRtp(absl::Span<const uint8_t> packet, int64_t /*now_us*/,
               bool retransmission) override {
    rtp_.push_back({{packet.begin(), packet.end()}, retransmission});
    return true;
  }
  void SendRtcp(absl::Span<const uint8_t> rtcp) override {
    rtcp_.emplace_back(rtcp.begin(), rtcp.end());
  }
  void SendData(std::string_view label, sctp::MessageKind /*kind*/,
                absl::Span<const uint8_t> message) override {
    if (label == "control") control_.emplace_back(message.begin(), message.end());
  }
  int64_t bandwidth_estimate_bps() const override { return bandwidth_bps_; }
  LegCounters& counters() override { return counters_; }

  ParticipantId id() const { return setup_.participant; }
  void set_bandwidth_estimate_bps(int64_t bps) { bandwidth_bps_ = bps; }
  // A renegotiation: the same transport with new sections.
  void set_setup(PeerSetup setup) { setup_ = std::move(setup); }

  // Everything the peer was sent, parsed; a packet that does not parse
  // fails the test where it is used (ssrc 0).
  std::vector<Received> ReceivedRtp() const {
    std::vector<Received> out;
    for (const SentRtp& sent : rtp_) out.push_back(Parse(sent));
    return out;
  }
  // The feedback packets of every RTCP datagram the peer was sent.
  std::vector<rtp::RtcpPacket> ReceivedRtcp() const {
    std::vector<rtp::RtcpPacket> out;
    for (const std::vector<uint8_t>& datagram : rtcp_) {
      if (std::optional<rtp::RtcpCompound> c = rtp::ParseRtcp(datagram)) {
        out.insert(out.end(), c->packets.begin(), c->packets.end());
      }
    }
    return out;
  }
  int PliCount() const {
    int n = 0;
    for (const rtp::RtcpPacket& p : ReceivedRtcp()) n += std::holds_alternative<rtp::Pli>(p);
    return n;
  }
  std::vector<rtp::Pli> Plis() const { return Only<rtp::Pli>(); }
  std::vector<rtp::Nack> Nacks() const { return Only<rtp::Nack>(); }
  // Control messages of this "type", parsed.
  std::vector<nlohmann::json> Control(std::string_view type) const {
    std::vector<nlohmann::json> out;
    for (const std::string& text : control_) {
      nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
      if (j.is_object() && j.value("type", "") == type) out.push_back(std::move(j));
    }
    return out;
  }
  // The participant each slot shows in the last "video-slots" message
  // (0 for an empty slot), and the source names; empty if none came.
  std::vector<uint64_t> ShownParticipants() const {
    std::vector<uint64_t> out;
    const std::vector<nlohmann::json> messages = Control("video-slots");
    if (messages.empty()) return out;
    for (const nlohmann::json& slot : messages.back()["slots"]) {
      out.push_back(slot["participant"].is_null() ? 0 : slot["participant"].get<uint64_t>());
    }
    return out;
  }
  std::vector<std::string> ShownSources() const {
    std::vector<std::string> out;
    const std::vector<nlohmann::json> messages = Control("video-slots");
    if (messages.empty()) return out;
    for (const nlohmann::json& slot : messages.back()["slots"]) {
      out.push_back(slot.value("source", ""));
    }
    return out;
  }
  size_t control_count() const { return control_.size(); }

  void Clear() {
    rtp_.clear();
    rtcp_.clear();
    control_.clear();
  }

 private:
  struct SentRtp {
    std::vector<uint8_t> bytes;
    bool retransmission = false;
  };

  template <typename T>
  std::vector<T> Only() const {
    std::vector<T> out;
    for (const rtp::RtcpPacket& p : ReceivedRtcp()) {
      if (const T* t = std::get_if<T>(&p)) out.push_back(*t);
    }
    return out;
  }

  static Received Parse(const SentRtp& sent) {
    Received r;
    r.bytes = sent.bytes;
    r.retransmission = sent.retransmission;
    std::optional<rtp::RtpPacketView> view = rtp::RtpPacketView::Parse(r.bytes);
    if (!view) return r;
    r.ssrc = view->ssrc();
    r.payload_type = view->payload_type();
    r.sequence_number = view->sequence_number();
    r.timestamp = view->timestamp();
    r.marker = view->marker();
    r.payload.assign(view->payload().begin(), view->payload().end());
    r.has_abs_send_time = view->FindExtension(kAbsSendTimeId).has_value();
    r.has_transport_cc = view->FindExtension(kTransportCcId).has_value();
    if (r.payload.size() >= 3) {
      const size_t n = r.payload.size();
      r.source_tag = r.payload[n - 3];
      r.source_sequence_number = static_cast<uint16_t>(r.payload[n - 2] << 8 | r.payload[n - 1]);
    }
    // Vp8Source writes X=1, I=1, M=1: the 15-bit picture id in bytes 2-3.
    if (r.payload_type != kSlotRtx && r.payload.size() >= 4 && (r.payload[0] & 0x80) != 0) {
      r.picture_id = static_cast<uint16_t>((r.payload[2] & 0x7F) << 8 | r.payload[3]);
    }
    return r;
  }

  PeerSetup setup_;
  LegCounters counters_;
  int64_t bandwidth_bps_ = 50'000'000;
  std::vector<SentRtp> rtp_;
  std::vector<std::vector<uint8_t>> rtcp_;
  std::vector<std::string> control_;
};

// One publisher stream (a camera or a simulcast layer) as VP8 RTP packets:
// each frame's first packet has the VP8 payload header (a keyframe's with
// its size), and every payload ends with the trailer [tag, seq >> 8, seq].
class Vp8Source {
 public:
  struct Config {
    uint32_t ssrc = 0;
    uint16_t first_sequence_number = 1000;
    uint32_t first_timestamp = 90'000;
    uint16_t first_picture_id = 100;
    uint8_t tag = 0;
    size_t payload_size = 100;  // bytes after the RTP header
    // Extensions the packets carry (empty: none).
    std::string mid = {};
    std::string rid = {};
    uint16_t width = 640;
    uint16_t height = 360;
  };

  explicit Vp8Source(const Config& config)
      : config_(config),
        sequence_number_(config.first_sequence_number),
        timestamp_(config.first_timestamp),
        picture_id_(config.first_picture_id) {}

  // The first packet of a new frame (the timestamp and picture id advance
  // from the previous frame's).
  std::vector<uint8_t> Keyframe() { return Packet(true, true); }
  std::vector<uint8_t> Delta() { return Packet(false, true); }
  // A further packet of the current frame.
  std::vector<uint8_t> Continuation() { return Packet(false, false); }
  // Skips a sequence number, as if the packet were lost on the way in.
  uint16_t Lose() { return sequence_number_++; }

  uint16_t next_sequence_number() const { return sequence_number_; }
  uint32_t ssrc() const { return config_.ssrc; }

 private:
  std::vector<uint8_t> Packet(bool keyframe, bool begins_frame) {
    if (begins_frame && started_) {
      timestamp_ += 3000;
      picture_id_ = static_cast<uint16_t>((picture_id_ + 1) & 0x7FFF);
    }
    started_ = true;
    std::vector<uint8_t> payload = {
        static_cast<uint8_t>(0x80 | (begins_frame ? 0x10 : 0)),  // X, S, PID 0
        0x80,                                                    // I
        static_cast<uint8_t>(0x80 | (picture_id_ >> 8)),         // M, picture id
        static_cast<uint8_t>(picture_id_)};
    if (begins_frame && keyframe) {
      const uint16_t w = config_.width, h = config_.height;
      payload.insert(payload.end(),
                     {0xB0, 0x54, 0x00, 0x9D, 0x01, 0x2A, static_cast<uint8_t>(w),
                      static_cast<uint8_t>(w >> 8), static_cast<uint8_t>(h),
                      static_cast<uint8_t>(h >> 8)});
    } else if (begins_frame) {
      payload.insert(payload.end(), {0xB1, 0x54, 0x00});  // P=1: an interframe
    }
    const uint16_t seq = sequence_number_++;
    const size_t filler = config_.payload_size > payload.size() + 3
                              ? config_.payload_size - payload.size() - 3
                              : 0;
    payload.insert(payload.end(), filler, 0x5A);
    payload.insert(payload.end(), {config_.tag, static_cast<uint8_t>(seq >> 8),
                                   static_cast<uint8_t>(seq)});

    std::vector<uint8_t> bytes(1500);
    rtp::RtpPacketWriter writer(bytes, rtp::RtpHeader{.marker = false,
                                                      .payload_type = kPublisherVp8,
                                                      .sequence_number = seq,
                                                      .timestamp = timestamp_,
                                                      .ssrc = config_.ssrc});
    if (!config_.mid.empty()) (void)rtp::AddExtension(writer, kMidId, rtp::Mid{config_.mid});
    if (!config_.rid.empty()) (void)rtp::AddExtension(writer, kRidId, rtp::Mid{config_.rid});
    (void)writer.SetPayload(payload);
    bytes.resize(writer.size());
    return bytes;
  }

  Config config_;
  uint16_t sequence_number_;
  uint32_t timestamp_;
  uint16_t picture_id_;
  bool started_ = false;
};

}  // namespace konfero::media::testing

#endif  // KONFERO_TESTS_MEDIA_VIDEO_ROUTER_HARNESS_H_
