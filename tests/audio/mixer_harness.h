// tests/audio/mixer_harness.h: a simulated room around a Mixer: each
// participant sends a tone (or silence, or noise) through a real encoder,
// an impaired network (loss, duplicates, jitter that reorders), the mixer,
// and a real decoder of what it receives.
#ifndef KONFERO_TESTS_AUDIO_MIXER_HARNESS_H_
#define KONFERO_TESTS_AUDIO_MIXER_HARNESS_H_

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <vector>

#include "audio/audio_level.h"
#include "audio/g711.h"
#include "audio/g722.h"
#include "audio/opus_codec.h"
#include "audio/resampler.h"
#include "audio_test_util.h"
#include "gtest/gtest.h"
#include "konfero/audio/mixer.h"

namespace konfero::audio::testing {

struct Impairment {
  double loss = 0;        // probability a packet is dropped
  double duplicate = 0;   // probability a packet is sent twice
  int jitter_ms = 0;      // extra delay uniform in [0, jitter_ms]
};

class SimulatedRoom {
 public:
  struct Member {
    StreamId id = 0;
    Codec codec = Codec::kOpus;
    double freq = 0;
    double amplitude = 0;  // 0: silence
    double noise = 0;      // white noise amplitude added
    bool send_level = true;
    std::unique_ptr<Sine> sine;
    std::unique_ptr<OpusFrameEncoder> enc;
    std::unique_ptr<OpusFrameDecoder> dec;
    std::unique_ptr<FrameResampler> down, up;
    std::unique_ptr<G722Encoder> g722_enc;
    std::unique_ptr<G722Decoder> g722_dec;
    std::unique_ptr<FrameResampler> down16, up16;
    uint16_t seq = 0;
    uint32_t ts = 0;
    std::vector<int16_t> heard;     // decoded output, 48 kHz
    std::vector<int> frame_levels;  // level of each decoded output frame
    uint16_t last_out_seq = 0;
    uint32_t last_out_ts = 0;
    bool got_any = false;
    int seq_gaps = 0;
    int ts_gaps = 0;  // timestamp not one frame (RtpSamplesPerFrame) on
    std::vector<uint8_t> last_payload;  // of the last frame received
  };

  SimulatedRoom(const MixerConfig& config, Impairment net = {}, uint32_t seed = 1)
      : rng_(seed), net_(net) {
    auto m = Mixer::Create(config);
    EXPECT_TRUE(m.ok()) << m.status();
    mixer_ = *std::move(m);
  }

  Member& Add(Codec codec, double freq, double amplitude, double noise = 0) {
    auto id = mixer_->AddParticipant(codec);
    EXPECT_TRUE(id.ok()) << id.status();
    auto m = std::make_unique<Member>();
    m->id = *id;
    m->codec = codec;
    m->freq = freq;
    m->amplitude = amplitude;
    m->noise = noise;
    m->sine = std::make_unique<Sine>(freq, amplitude);
    m->enc = *OpusFrameEncoder::Create({.bitrate = 48000, .complexity = 3});
    m->dec = *OpusFrameDecoder::Create();
    m->down = *FrameResampler::Create(48000, 8000);
    m->up = *FrameResampler::Create(8000, 48000);
    m->g722_enc = *G722Encoder::Create();
    m->g722_dec = *G722Decoder::Create();
    m->down16 = *FrameResampler::Create(48000, 16000);
    m->up16 = *FrameResampler::Create(16000, 48000);
    members_.push_back(std::move(m));
    return *members_.back();
  }

  Mixer& mixer() { return *mixer_; }
  // How Step() runs the tick; tests may wrap it (e.g. to count allocations).
  std::function<void(Mixer&)> tick = [](Mixer& m) { m.Tick(); };
  Member& member(size_t i) { return *members_[i]; }
  size_t size() const { return members_.size(); }
  int64_t now_us() const { return tick_ * 20000; }

  // One 20 ms step: send, deliver what is due, tick, receive.
  void Step() {
    for (auto& m : members_) Send(*m);
    Deliver();
    tick(*mixer_);
    for (auto& m : members_) Receive(*m);
    ++tick_;
  }
  void Run(int ticks) {
    for (int i = 0; i < ticks; ++i) Step();
  }

 private:
  struct InFlight {
    int64_t deliver_us;
    StreamId id;
    InputPacket packet;
  };

  void Send(Member& m) {
    int16_t pcm[kFrameSamples];
    m.sine->Fill(pcm, kFrameSamples);
    if (m.noise > 0) {
      std::uniform_real_distribution<double> u(-m.noise, m.noise);
      for (int16_t& s : pcm) s = static_cast<int16_t>(std::clamp(s + u(rng_), -32768.0, 32767.0));
    }
    InputPacket p;
    p.sequence = m.seq++;
    p.timestamp = m.ts;
    m.ts += RtpSamplesPerFrame(m.codec);
    p.audio_level = m.send_level ? static_cast<int8_t>(AudioLevelOf(pcm, kFrameSamples)) : -1;
    switch (m.codec) {
      case Codec::kOpus:
        p.size = static_cast<uint16_t>(m.enc->Encode(pcm, p.payload.data(), kMaxPayloadBytes));
        break;
      case Codec::kPcmu:
      case Codec::kPcma: {
        int16_t narrow[160];
        m.down->Process(pcm, narrow);
        if (m.codec == Codec::kPcmu) g711::EncodeMuLaw(narrow, p.payload.data(), 160);
        else g711::EncodeALaw(narrow, p.payload.data(), 160);
        p.size = 160;
        break;
      }
      case Codec::kL16:
        for (int i = 0; i < kFrameSamples; ++i) {
          const auto u = static_cast<uint16_t>(pcm[i]);
          p.payload[2 * i] = static_cast<uint8_t>(u & 0xFF);
          p.payload[2 * i + 1] = static_cast<uint8_t>(u >> 8);
        }
        p.size = kFrameSamples * 2;
        break;
      case Codec::kG722: {
        int16_t wide[320];
        m.down16->Process(pcm, wide);
        p.size = static_cast<uint16_t>(m.g722_enc->Encode(wide, 320, p.payload.data()));
        break;
      }
    }
    std::uniform_real_distribution<double> u01(0, 1);
    if (u01(rng_) < net_.loss) return;
    const int copies = u01(rng_) < net_.duplicate ? 2 : 1;
    for (int c = 0; c < copies; ++c) {
      std::uniform_int_distribution<int> jitter(0, net_.jitter_ms * 1000);
      in_flight_.push_back({now_us() + jitter(rng_), m.id, p});
    }
  }

  void Deliver() {
    // Deliver in arrival order what has arrived by now.
    std::stable_sort(in_flight_.begin(), in_flight_.end(),
                     [](const InFlight& a, const InFlight& b) { return a.deliver_us < b.deliver_us; });
    size_t k = 0;
    for (; k < in_flight_.size() && in_flight_[k].deliver_us <= now_us(); ++k) {
      InFlight& f = in_flight_[k];
      f.packet.arrival_us = f.deliver_us;
      mixer_->PushPacket(f.id, f.packet);
    }
    in_flight_.erase(in_flight_.begin(), in_flight_.begin() + static_cast<long>(k));
  }

  void Receive(Member& m) {
    EncodedFrame f;
    while (mixer_->PopFrame(m.id, &f)) {
      if (m.got_any && f.sequence != static_cast<uint16_t>(m.last_out_seq + 1)) ++m.seq_gaps;
      if (m.got_any && f.timestamp != m.last_out_ts + RtpSamplesPerFrame(m.codec)) ++m.ts_gaps;
      EXPECT_EQ(f.codec, m.codec);
      m.got_any = true;
      m.last_out_seq = f.sequence;
      m.last_out_ts = f.timestamp;
      m.last_payload.assign(f.payload.begin(), f.payload.begin() + f.size);
      int16_t pcm[kFrameSamples] = {};
      switch (f.codec) {
        case Codec::kOpus:
          EXPECT_TRUE(m.dec->Decode(f.payload.data(), f.size, pcm));
          break;
        case Codec::kPcmu:
        case Codec::kPcma: {
          int16_t narrow[160];
          if (f.codec == Codec::kPcmu) g711::DecodeMuLaw(f.payload.data(), narrow, 160);
          else g711::DecodeALaw(f.payload.data(), narrow, 160);
          m.up->Process(narrow, pcm);
          break;
        }
        case Codec::kL16:
          for (int i = 0; i < kFrameSamples; ++i) {
            pcm[i] = static_cast<int16_t>(static_cast<uint16_t>(f.payload[2 * i] | (f.payload[2 * i + 1] << 8)));
          }
          break;
        case Codec::kG722: {
          int16_t wide[320];
          EXPECT_EQ(f.size, 160);
          EXPECT_EQ(m.g722_dec->Decode(f.payload.data(), f.size, wide), 320);
          m.up16->Process(wide, pcm);
          break;
        }
      }
      m.heard.insert(m.heard.end(), pcm, pcm + kFrameSamples);
      m.frame_levels.push_back(AudioLevelOf(pcm, kFrameSamples));
    }
  }

  std::mt19937 rng_;
  Impairment net_;
  std::unique_ptr<Mixer> mixer_;
  std::vector<std::unique_ptr<Member>> members_;
  std::vector<InFlight> in_flight_;
  int64_t tick_ = 0;
};

// The spectrum of the last 2^log2n samples a member heard.
inline std::vector<double> TailSpectrum(const SimulatedRoom::Member& m, int log2n = 15) {
  const size_t n = size_t{1} << log2n;
  EXPECT_GE(m.heard.size(), n);
  std::vector<int16_t> tail(m.heard.end() - static_cast<long>(std::min(n, m.heard.size())), m.heard.end());
  return Spectrum(tail, log2n);
}

}  // namespace konfero::audio::testing

#endif  // KONFERO_TESTS_AUDIO_MIXER_HARNESS_H_
