// plain_rtp_leg_fuzzer: drives one PlainRtpLeg with a script of arbitrary
// bytes: raw datagrams on the RTP and RTCP sockets, well-formed RTP with
// fuzzed header fields and payloads (so that the re-chunker, the DTMF
// receiver, the in-band detector and the latching see real traffic), timer
// ticks, frames to send, digits, re-INVITE updates and Close.
//
// Script: byte 0 picks the codec, rtcp-mux, symmetric RTP, telephone-event
// and the in-band mode; then each op is a byte (op % 8) and its operands.
// Checked (abort otherwise): audio handed to the mixer is at most
// kMaxPayloadBytes and exactly 160 bytes for G.711/G.722; everything sent is
// a well-formed RTP or RTCP datagram; nothing is reported after OnEnded.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "plain_rtp/plain_rtp_leg.h"
#include "rtp/rtcp_header.h"
#include "rtp/rtcp_packet.h"
#include "rtp/rtp_packet.h"

namespace {

using namespace konfero::plain_rtp;  // NOLINT: a fuzz target's own file
using konfero::audio::Codec;
using konfero::net::IpEndpoint;

#define FUZZ_CHECK(cond)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                               \
    }                                                                             \
  } while (false)

class Script {
 public:
  Script(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t U8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t U16() { return static_cast<uint16_t>(U8() << 8 | U8()); }
  uint32_t U32() { return uint32_t{U16()} << 16 | U16(); }
  std::span<const uint8_t> Bytes(size_t n) {
    n = std::min(n, size_ - std::min(pos_, size_));
    std::span<const uint8_t> out(data_ + pos_, n);
    pos_ += n;
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

class CheckingOwner : public PlainRtpLeg::Owner {
 public:
  explicit CheckingOwner(Codec codec) : codec_(codec) {}
  void SendDatagram(Socket, absl::Span<const uint8_t> d, const IpEndpoint&) override {
    FUZZ_CHECK(!ended);
    const std::span<const uint8_t> bytes(d.data(), d.size());
    if (konfero::rtp::IsRtcp(bytes)) {
      FUZZ_CHECK(konfero::rtp::ParseRtcp(bytes).has_value());
    } else {
      FUZZ_CHECK(konfero::rtp::RtpPacketView::Parse(bytes).has_value());
    }
  }
  void OnAudioPacket(const konfero::audio::InputPacket& p) override {
    FUZZ_CHECK(!ended);
    FUZZ_CHECK(p.size <= konfero::audio::kMaxPayloadBytes);
    if (codec_ != Codec::kOpus) FUZZ_CHECK(p.size == 160);
  }
  void OnDigit(char, int duration_ms, DtmfSource) override {
    FUZZ_CHECK(!ended);
    FUZZ_CHECK(duration_ms >= 0);
  }
  void OnEnded(std::string_view) override {
    FUZZ_CHECK(!ended);
    ended = true;
  }
  void set_codec(Codec codec) { codec_ = codec; }
  bool ended = false;

 private:
  Codec codec_;
};

constexpr Codec kCodecs[] = {Codec::kPcmu, Codec::kPcma, Codec::kG722, Codec::kOpus};
constexpr uint8_t kPayloadTypes[] = {0, 8, 9, 111};

PlainRtpParams Params(uint8_t config) {
  PlainRtpParams p;
  p.codec = kCodecs[config & 3];
  p.payload_type = kPayloadTypes[config & 3];
  p.rtcp_mux = (config & 4) != 0;
  p.telephone_event_pt = (config & 16) ? 101 : 0;
  p.remote_rtp = *IpEndpoint::Parse("192.0.2.20", 40000);
  if (!p.rtcp_mux) p.remote_rtcp = *IpEndpoint::Parse("192.0.2.20", 40001);
  p.local_ssrc = 0x11223344;
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Script s(data, size);
  const uint8_t config = s.U8();
  PlainRtpParams params = Params(config);
  PlainRtpLegOptions options;
  options.symmetric_rtp = (config & 8) == 0;
  options.inband_dtmf = static_cast<PlainRtpLegOptions::InbandDtmf>((config >> 5) % 3);
  options.rtp_timeout_us = (config & 0x80) ? 30'000'000 : 0;
  CheckingOwner owner(params.codec);
  int64_t now = 1'000'000;
  auto created = PlainRtpLeg::Create(params, options, owner, now);
  FUZZ_CHECK(created.ok());
  std::unique_ptr<PlainRtpLeg> leg = *std::move(created);
  const IpEndpoint sources[] = {*IpEndpoint::Parse("203.0.113.9", 51000),
                                *IpEndpoint::Parse("203.0.113.9", 51001),
                                *IpEndpoint::Parse("198.51.100.66", 4000)};
  std::vector<uint8_t> packet(1600);
  while (!s.empty()) {
    const uint8_t op = s.U8();
    now += 1000 * (op >> 3);  // 0-31 ms between ops
    const IpEndpoint& from = sources[(op >> 3) % 3];
    switch (op % 8) {
      case 0: {  // a raw datagram on the RTP socket
        const auto bytes = s.Bytes(s.U8());
        leg->HandleRtp(absl::MakeConstSpan(bytes.data(), bytes.size()), from, now);
        break;
      }
      case 1: {  // a raw datagram on the RTCP socket
        const auto bytes = s.Bytes(s.U8());
        leg->HandleRtcp(absl::MakeConstSpan(bytes.data(), bytes.size()), from, now);
        break;
      }
      case 2:  // time passes
        now += int64_t{s.U16()} * 1000;
        leg->OnTimer(now);
        break;
      case 3: {  // a frame from the mixer
        konfero::audio::EncodedFrame frame;
        frame.codec = (s.U8() & 1) ? leg->params().codec : Codec::kL16;
        frame.timestamp = s.U32();
        frame.marker = (s.U8() & 1) != 0;
        frame.size = static_cast<uint16_t>(s.U16() % (konfero::audio::kMaxPayloadBytes + 100));
        leg->SendAudio(frame, now);
        break;
      }
      case 4: {
        const char digit = static_cast<char>(s.U8());
        (void)leg->SendDigit(digit, s.U8() * 20);
        break;
      }
      case 5: {  // a re-INVITE
        const uint8_t u = s.U8();
        PlainRtpParams next = Params(static_cast<uint8_t>(u & 0x17));
        next.direction = static_cast<konfero::sdp::Direction>((u >> 5) & 3);
        if (u & 0x80) next.remote_rtp = *IpEndpoint::Parse("0.0.0.0", 40000);
        if (leg->Update(next, now).ok()) owner.set_codec(next.codec);
        break;
      }
      case 6: {  // well-formed RTP with fuzzed fields
        const uint8_t flags = s.U8();
        const uint8_t pt = (flags & 1) && leg->params().telephone_event_pt != 0
                               ? leg->params().telephone_event_pt
                               : leg->params().payload_type;
        const uint16_t seq = s.U16();
        const uint32_t ts = s.U32();
        const uint32_t ssrc = 0xABCD0000u + ((flags >> 1) & 3);
        const size_t length = (flags & 0x80) ? s.U16() % 1500 : s.U8();
        const auto payload = s.Bytes(length);
        konfero::rtp::RtpPacketWriter w(packet, {.marker = (flags & 8) != 0,
                                                 .payload_type = pt,
                                                 .sequence_number = seq,
                                                 .timestamp = ts,
                                                 .ssrc = ssrc});
        FUZZ_CHECK(w.SetPayload(payload));
        leg->HandleRtp(absl::MakeConstSpan(w.data().data(), w.size()), from, now);
        break;
      }
      case 7:
        if (s.U8() == 0xFF) leg->Close(now);
        break;
    }
    if (owner.ended) break;  // the owner would destroy the leg here
  }
  return 0;
}
