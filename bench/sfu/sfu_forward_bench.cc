// sfu_forward_bench: what the SFU (media/video_router.h) costs per
// forwarded video packet, SRTP included, against the bare SRTP cost.
//
// BM_Forward/<profile>/N: one publisher's 1200-byte VP8 packets (non-key, a
// new frame every fourth packet) go through VideoRouter::OnRtp to N
// subscribers, each with one video slot. Per subscriber the router selects
// the layer, rewrites SSRC, payload type, sequence number, timestamp and
// VP8 picture id, writes the header extensions, stores the packet in the
// slot's NACK history and hands it to the subscriber's transport, here a
// fake one that copies it into its send buffer and SRTP-protects it (what
// PeerTransport::SendRtp does, minus stamping two extension values and the
// sendmmsg, which are the same with or without a router). The router's
// timer runs every 10 ms of synthetic time (150 packets a second), as on a
// worker. BM_SrtpOnly/<profile>/N protects N copies of the same packet with
// N sessions: the crypto alone. Both count subscriber-packets; the ratio
// printed at the end is the forwarding overhead on top of the crypto.
// BM_RouterOnly/N is BM_Forward with transports that drop the packet (no
// copy, no SRTP): the router's own share, to see where the time goes.
//
// Goal (issue text): 1000 subscriber streams of 720p video (about 150
// packets a second each) per core, that is pps_per_core >= 150 000.
//
// Thread contract: a benchmark program; one thread.
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/types/span.h"
#include "audio/ratio_reporter.h"
#include "benchmark/benchmark.h"
#include "dtls/srtp_session.h"
#include "media/peer_transport.h"
#include "media/video_params.h"
#include "media/video_router.h"
#include "rtp/rtp_packet.h"

namespace konfero::media {
namespace {

using dtls::SrtpProfile;

constexpr size_t kPacketSize = 1200;
constexpr uint8_t kVp8 = 96;
constexpr uint8_t kRtx = 97;
constexpr uint32_t kPublisherSsrc = 0x5000'0000;
constexpr int64_t kPacketIntervalUs = 6'667;  // 150 packets a second
constexpr int64_t kTimerIntervalUs = 10'000;
constexpr int kPacketsPerFrame = 4;

dtls::SrtpKeyingMaterial Keys(SrtpProfile profile, uint32_t seed) {
  dtls::SrtpKeyingMaterial keys;
  keys.profile = profile;
  const size_t salt = dtls::SrtpMasterSaltLength(profile);
  const auto byte = [&](uint32_t k) { return static_cast<uint8_t>(seed * 7 + k); };
  keys.local_key.assign(16, byte(1));
  keys.local_salt.assign(salt, byte(2));
  keys.remote_key.assign(16, byte(3));
  keys.remote_salt.assign(salt, byte(4));
  return keys;
}

VideoCodecParams Vp8Codec() {
  return {.codec = video::VideoCodec::kVp8, .payload_type = kVp8, .rtx_payload_type = kRtx};
}

// A peer's transport as the router sees it. A subscriber copies each packet
// into its send buffer and protects it; without an SRTP session it only
// counts the packet. The publisher sends nothing.
class BenchPeer final : public VideoPeer {
 public:
  BenchPeer(PeerSetup setup, std::unique_ptr<dtls::SrtpSession> srtp)
      : setup_(std::move(setup)), srtp_(std::move(srtp)) {}

  const PeerSetup& setup() const override { return setup_; }
  bool SendRtp(absl::Span<const uint8_t> packet, int64_t /*now_us*/,
               bool /*retransmission*/) override {
    if (!srtp_) {
      benchmark::DoNotOptimize(packet.data());
      ++sent_;
      return true;
    }
    if (packet.size() > buffer_.size() - dtls::SrtpSession::kMaxRtpOverhead) return false;
    std::memcpy(buffer_.data(), packet.data(), packet.size());
    const std::optional<size_t> size = srtp_->ProtectRtp(absl::MakeSpan(buffer_), packet.size());
    if (!size) return false;
    ++sent_;
    return true;
  }
  void SendRtcp(absl::Span<const uint8_t> /*rtcp*/) override {}
  void SendData(std::string_view, sctp::MessageKind, absl::Span<const uint8_t>) override {}
  int64_t bandwidth_estimate_bps() const override { return 50'000'000; }
  LegCounters& counters() override { return counters_; }

  uint64_t sent() const { return sent_; }

 private:
  PeerSetup setup_;
  std::unique_ptr<dtls::SrtpSession> srtp_;
  LegCounters counters_;
  std::array<uint8_t, 1500> buffer_{};
  uint64_t sent_ = 0;
};

PeerSetup PublisherSetup() {
  PeerSetup setup;
  setup.participant = ParticipantId{1};
  VideoPublicationParams& camera = setup.video.publications.emplace_back();
  camera.mid = "0";
  camera.source = VideoSource::kCamera;
  camera.codecs = {Vp8Codec()};
  camera.ssrcs = {{kPublisherSsrc, kPublisherSsrc + 1}};
  setup.video.extensions = {.mid = 1, .abs_send_time = 2, .transport_cc = 3};
  return setup;
}

PeerSetup SubscriberSetup(uint32_t index) {
  PeerSetup setup;
  setup.participant = ParticipantId{100 + uint64_t{index}};
  VideoSlotParams& slot = setup.video.slots.emplace_back();
  slot.mid = "1";
  slot.ssrc = 0x1000'0000 + 2 * index;
  slot.rtx_ssrc = slot.ssrc + 1;
  slot.codecs = {Vp8Codec()};
  setup.video.extensions = {.mid = 1, .abs_send_time = 2, .transport_cc = 3};
  setup.video.transport_cc = true;
  return setup;
}

// The publisher's stream: one packet buffer rewritten in place for each
// packet (sequence number, timestamp, VP8 start bit and picture id), as a
// receive buffer is reused.
class Vp8Stream {
 public:
  // The next packet; `keyframe` makes it the first packet of a keyframe.
  absl::Span<uint8_t> Next(bool keyframe = false) {
    const bool begins = keyframe || count_ % kPacketsPerFrame == 0;
    if (begins && count_ > 0) {
      timestamp_ += 3000;
      picture_id_ = static_cast<uint16_t>((picture_id_ + 1) & 0x7FFF);
    }
    ++count_;
    Write(keyframe, begins);
    ++sequence_number_;
    return absl::MakeSpan(packet_.data(), size_);
  }

 private:
  void Write(bool keyframe, bool begins_frame) {
    std::array<uint8_t, kPacketSize> payload{};
    payload.fill(0x5A);
    payload[0] = static_cast<uint8_t>(0x80 | (begins_frame ? 0x10 : 0));  // X, S, PID 0
    payload[1] = 0x80;                                                    // I
    payload[2] = static_cast<uint8_t>(0x80 | (picture_id_ >> 8));         // M
    payload[3] = static_cast<uint8_t>(picture_id_);
    if (begins_frame) {
      // VP8 frame tag (P=0 for a keyframe), start code, 1280x720.
      const std::array<uint8_t, 10> header = {
          static_cast<uint8_t>(keyframe ? 0xB0 : 0xB1), 0x54, 0x00, 0x9D, 0x01, 0x2A,
          0x00, 0x05, 0xD0, 0x02};
      std::memcpy(&payload[4], header.data(), header.size());
    }
    rtp::RtpPacketWriter writer(packet_, rtp::RtpHeader{.marker = false,
                                                        .payload_type = kVp8,
                                                        .sequence_number = sequence_number_,
                                                        .timestamp = timestamp_,
                                                        .ssrc = kPublisherSsrc});
    (void)writer.SetPayload(std::span<const uint8_t>(payload.data(),
                                                     kPacketSize - rtp::kRtpFixedHeaderSize));
    size_ = writer.size();
  }

  std::array<uint8_t, 1500> packet_{};
  size_t size_ = 0;
  uint16_t sequence_number_ = 1;
  uint32_t timestamp_ = 90'000;
  uint16_t picture_id_ = 1;
  uint64_t count_ = 0;
};

// A room with one publisher and `n` subscribers, forwarding.
struct Room {
  VideoRouter router;
  std::unique_ptr<BenchPeer> publisher;
  std::vector<std::unique_ptr<BenchPeer>> subscribers;
  Vp8Stream stream;
  int64_t now_us = 10'000'000;
  int64_t next_timer_us = 0;

  // Subscribers protect with `profile`; without one they drop the packets.
  Room(int n, std::optional<SrtpProfile> profile) {
    publisher = std::make_unique<BenchPeer>(PublisherSetup(), nullptr);
    router.AddPeer(*publisher, false);
    for (int i = 0; i < n; ++i) {
      const auto index = static_cast<uint32_t>(i);
      std::unique_ptr<dtls::SrtpSession> srtp;
      if (profile) srtp = *dtls::SrtpSession::Create(Keys(*profile, index));
      subscribers.push_back(std::make_unique<BenchPeer>(SubscriberSetup(index), std::move(srtp)));
      router.AddPeer(*subscribers.back(), false);
    }
    // A packet makes the layer active; the timer then assigns the slots and
    // allocates the layer (asking for a keyframe), and the keyframe starts
    // forwarding.
    Forward(stream.Next());
    now_us += 100'000;
    router.OnTimer(now_us);
    next_timer_us = now_us + kTimerIntervalUs;
    Forward(stream.Next(/*keyframe=*/true));
  }

  void Forward(absl::Span<uint8_t> packet) {
    router.OnRtp(*publisher, packet, now_us);
    now_us += kPacketIntervalUs;
    if (now_us >= next_timer_us) {
      router.OnTimer(now_us);
      next_timer_us += kTimerIntervalUs;
    }
  }

  // True if every subscriber got `packets` packets.
  bool AllSent(uint64_t packets) const {
    for (const auto& s : subscribers) {
      if (s->sent() != packets) return false;
    }
    return true;
  }
};

void SetCounters(benchmark::State& state, int n) {
  const auto packets = static_cast<double>(state.iterations()) * n;
  state.SetItemsProcessed(static_cast<int64_t>(packets));
  // Rates are per CPU second: per core.
  state.counters["pps_per_core"] = benchmark::Counter(packets, benchmark::Counter::kIsRate);
  state.counters["streams_720p_per_core"] =
      benchmark::Counter(packets / 150, benchmark::Counter::kIsRate);
}

void BM_Forward(benchmark::State& state, std::optional<SrtpProfile> profile) {
  const int n = static_cast<int>(state.range(0));
  Room room(n, profile);
  if (!room.AllSent(1)) {
    state.SkipWithError("the keyframe did not reach every subscriber");
    return;
  }
  for (auto _ : state) room.Forward(room.stream.Next());
  if (!room.AllSent(1 + static_cast<uint64_t>(state.iterations()))) {
    state.SkipWithError("a packet did not reach every subscriber");
    return;
  }
  SetCounters(state, n);
}

void BM_SrtpOnly(benchmark::State& state, SrtpProfile profile) {
  const int n = static_cast<int>(state.range(0));
  std::vector<std::unique_ptr<dtls::SrtpSession>> sessions;
  std::vector<std::array<uint8_t, 1500>> buffers(static_cast<size_t>(n));
  Vp8Stream stream;
  const absl::Span<uint8_t> packet = stream.Next();
  for (int i = 0; i < n; ++i) {
    sessions.push_back(*dtls::SrtpSession::Create(Keys(profile, static_cast<uint32_t>(i))));
    std::memcpy(buffers[static_cast<size_t>(i)].data(), packet.data(), packet.size());
  }
  uint16_t sequence_number = 1;
  for (auto _ : state) {
    for (int i = 0; i < n; ++i) {
      // libsrtp refuses to protect a sequence number twice: only the two
      // header bytes change, as they would for a forwarded packet.
      std::array<uint8_t, 1500>& buffer = buffers[static_cast<size_t>(i)];
      buffer[2] = static_cast<uint8_t>(sequence_number >> 8);
      buffer[3] = static_cast<uint8_t>(sequence_number);
      auto size = sessions[static_cast<size_t>(i)]->ProtectRtp(absl::MakeSpan(buffer),
                                                               packet.size());
      benchmark::DoNotOptimize(size);
    }
    ++sequence_number;
  }
  SetCounters(state, n);
}

void Subscribers(benchmark::internal::Benchmark* b) {
  for (int n : {1, 10, 100, 500}) b->Arg(n);
  b->ArgName("subscribers");
}

BENCHMARK_CAPTURE(BM_SrtpOnly, gcm, SrtpProfile::kAeadAes128Gcm)->Apply(Subscribers);
BENCHMARK_CAPTURE(BM_Forward, gcm, SrtpProfile::kAeadAes128Gcm)->Apply(Subscribers);
BENCHMARK_CAPTURE(BM_SrtpOnly, aes_cm, SrtpProfile::kAes128CmHmacSha1_80)->Apply(Subscribers);
BENCHMARK_CAPTURE(BM_Forward, aes_cm, SrtpProfile::kAes128CmHmacSha1_80)->Apply(Subscribers);
void BM_RouterOnly(benchmark::State& state) { BM_Forward(state, std::nullopt); }
BENCHMARK(BM_RouterOnly)->Apply(Subscribers);

}  // namespace
}  // namespace konfero::media

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(
      argc, argv,
      {{"BM_SrtpOnly/gcm/", "BM_Forward/gcm/"}, {"BM_SrtpOnly/aes_cm/", "BM_Forward/aes_cm/"}});
}
