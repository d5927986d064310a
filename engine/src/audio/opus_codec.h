// audio/opus_codec.h: owning wrappers around libopus for 20 ms 48 kHz mono
// frames: an encoder (VoIP mode, in-band FEC) and a decoder with packet loss
// concealment (PLC) and FEC recovery.
//
//   auto enc = OpusEncoder::Create({.bitrate = 32000});
//   auto dec = OpusDecoder::Create();
//   int n = (*enc)->Encode(pcm, bytes, sizeof(bytes));
//   (*dec)->Decode(bytes, n, out);       // a received frame
//   (*dec)->DecodeFec(next, m, out);     // a lost frame, from the next one
//   (*dec)->Conceal(out);                // a lost frame, no FEC
//
// Thread contract: one thread at a time per object. Create() allocates;
// nothing else does (libopus works in the state it was given).
#ifndef KONFERO_AUDIO_OPUS_CODEC_H_
#define KONFERO_AUDIO_OPUS_CODEC_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"

struct OpusEncoder;
struct OpusDecoder;

namespace konfero::audio {

struct OpusSettings {
  int bitrate = 32000;
  int complexity = 5;          // 0..10; 10 costs about 3x what 0 does
  bool inband_fec = true;      // carry a low-rate copy of the last frame
  int expected_loss_percent = 10;
  bool dtx = false;
};

class OpusFrameEncoder {
 public:
  static absl::StatusOr<std::unique_ptr<OpusFrameEncoder>> Create(
      const OpusSettings& settings);
  ~OpusFrameEncoder();
  OpusFrameEncoder(const OpusFrameEncoder&) = delete;
  OpusFrameEncoder& operator=(const OpusFrameEncoder&) = delete;

  // Encodes one 960-sample frame; returns the packet size, or -1 on error.
  int Encode(const int16_t* pcm, uint8_t* out, int max_bytes);
  // Back to a fresh stream, keeping the settings.
  void Reset();
  // The loss its receivers report: sets the expected loss and turns in-band
  // FEC on or off. Only calls into libopus when a value changes; no
  // allocation (safe on the media path).
  void SetLoss(int loss_percent, bool fec);

 private:
  OpusFrameEncoder(::OpusEncoder* enc, const OpusSettings& s)
      : enc_(enc), loss_percent_(s.expected_loss_percent), fec_(s.inband_fec) {}
  ::OpusEncoder* enc_;
  int loss_percent_;
  bool fec_;
};

class OpusFrameDecoder {
 public:
  static absl::StatusOr<std::unique_ptr<OpusFrameDecoder>> Create();
  ~OpusFrameDecoder();
  OpusFrameDecoder(const OpusFrameDecoder&) = delete;
  OpusFrameDecoder& operator=(const OpusFrameDecoder&) = delete;

  // Each writes exactly 960 samples and returns false on a corrupt packet
  // (the output is then concealment).
  bool Decode(const uint8_t* data, int size, int16_t* pcm);
  bool DecodeFec(const uint8_t* next_data, int next_size, int16_t* pcm);
  void Conceal(int16_t* pcm);
  void Reset();

 private:
  explicit OpusFrameDecoder(::OpusDecoder* dec) : dec_(dec) {}
  ::OpusDecoder* dec_;
};

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_OPUS_CODEC_H_
