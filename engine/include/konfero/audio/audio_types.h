// konfero/audio/audio_types.h: the values that cross the audio mixer's
// boundary: the internal frame format, the codecs, the packets the network
// side feeds in and the encoded frames it takes out.
//
// The mixer runs on 20 ms frames of 48 kHz mono PCM. Each participant speaks
// and hears one codec: Opus (browsers), G.711 mu-law or A-law at 8 kHz
// or G.722 at 16 kHz (phones), or L16 (raw 48 kHz little-endian int16 PCM,
// for offline scripts and tests). Every packet and frame is a fixed-size value so the queues that
// carry them never allocate.
//
//   konfero::audio::InputPacket p;
//   p.sequence = seq++;
//   p.timestamp = ts;          // RTP clock of the codec: RtpClockHz(codec)
//   p.arrival_us = now_us;     // monotonic receive time
//   p.audio_level = 35;        // RFC 6464: -35 dBov, or -1 when absent
//   std::memcpy(p.payload.data(), bytes, n);
//   p.size = n;
//
// Thread contract: plain values; copy them between threads freely.
#ifndef KONFERO_AUDIO_AUDIO_TYPES_H_
#define KONFERO_AUDIO_AUDIO_TYPES_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace konfero::audio {

inline constexpr int kSampleRateHz = 48000;
inline constexpr int kFrameMs = 20;
inline constexpr int kFrameSamples = kSampleRateHz * kFrameMs / 1000;  // 960

// Large enough for one 20 ms L16 frame at 48 kHz (the biggest payload); an
// Opus frame at conference bitrates is 40 to 200 bytes, a G.711 or G.722
// one 160.
inline constexpr int kMaxPayloadBytes = kFrameSamples * 2;

enum class Codec : uint8_t {
  kOpus,  // 48 kHz RTP clock, one 20 ms frame per packet
  kPcmu,  // G.711 mu-law, 8 kHz RTP clock, 160 bytes per 20 ms
  kPcma,  // G.711 A-law, 8 kHz RTP clock, 160 bytes per 20 ms
  kL16,   // 48 kHz mono int16 little-endian, 1920 bytes per 20 ms
  // G.722 at 64 kbit/s: 16 kHz audio, 160 bytes per 20 ms, but an 8 kHz RTP
  // clock (RFC 3551 section 4.5.2 keeps the rate of the first RFC 1890 by
  // mistake), so a 20 ms frame's timestamp step is 160, not 320.
  kG722,
};
// Number of codecs: per-codec tables are indexed by static_cast<size_t>(c).
inline constexpr int kCodecCount = 5;

// RTP clock rate of a codec, and the timestamp step of one 20 ms frame.
constexpr int RtpClockHz(Codec c) {
  return (c == Codec::kPcmu || c == Codec::kPcma || c == Codec::kG722) ? 8000
                                                                       : 48000;
}
constexpr uint32_t RtpSamplesPerFrame(Codec c) {
  return static_cast<uint32_t>(RtpClockHz(c) * kFrameMs / 1000);
}
std::string_view CodecName(Codec c);
std::optional<Codec> CodecFromName(std::string_view name);

// One received RTP payload with the header fields the mixer uses.
struct InputPacket {
  uint16_t sequence = 0;
  uint32_t timestamp = 0;   // RTP timestamp in the codec's clock
  int64_t arrival_us = 0;   // receive time, any monotonic clock in us
  int8_t audio_level = -1;  // RFC 6464 level 0..127 (-dBov); -1 if absent
  bool voice = false;       // RFC 6464 V flag (informative only)
  uint16_t size = 0;        // payload bytes used
  std::array<uint8_t, kMaxPayloadBytes> payload{};
};

// One encoded 20 ms frame for a participant to send, with its own RTP
// sequence number and timestamp (continuous whichever encoder produced it).
struct EncodedFrame {
  uint16_t sequence = 0;
  uint32_t timestamp = 0;
  Codec codec = Codec::kOpus;
  bool marker = false;  // first frame of the stream
  uint16_t size = 0;
  std::array<uint8_t, kMaxPayloadBytes> payload{};
};

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_AUDIO_TYPES_H_
