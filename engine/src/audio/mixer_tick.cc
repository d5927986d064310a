// audio/mixer_tick.cc: the media path of the mixer, one 20 ms tick.
//
//   1. commands from the control thread (join, leave, mute, hold);
//   2. per participant: drain the input queue into the jitter buffer, pop
//      this tick's frame, read its level (RFC 6464, else decode and measure)
//      and decode it only if it may be mixed (speaker, recently active or
//      warm);
//   3. speaker selection;
//   4. sum the contributors once (speakers, with a 20 ms fade for those
//      joining or leaving the set);
//   5. per participant: mix-minus through its own encoder (speakers, when
//      someone else talks), the shared mix encoded once per codec
//      (listeners), a prepared silence frame, or the waiting loop (on hold).
//
// No lock, no allocation, no system call: every buffer, codec state and
// queue was allocated by MixerImpl::Init().
#include <algorithm>
#include <cstring>

#include "audio/audio_level.h"
#include "audio/g711.h"
#include "audio/mix_kernels.h"
#include "audio/mixer_impl.h"
#include "audio/waiting_sound.h"

namespace konfero::audio {
namespace {

enum MixerCounter { kTicks, kEncodes, kSharedEncodes, kDecodes, kChanges };

// Single-writer counters: a relaxed load and store, no locked instruction.
inline void Bump(std::atomic<uint64_t>& c, uint64_t by = 1) {
  c.store(c.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}
inline void Set(std::atomic<uint64_t>& c, uint64_t v) {
  c.store(v, std::memory_order_relaxed);
}

constexpr int kFadeQ14 = kernels::kUnityGainQ14;
constexpr int kConcealHalfQ14 = kernels::kUnityGainQ14 / 2;
constexpr int kMaxConcealRun = 5;  // G.711/G.722/L16: fade a lost frame out, then 0
// A speaker's mix-minus whose peak is at most this (about -60 dBFS) is sent
// as the prepared silence, without an encoder.
constexpr int kQuietMixPeak = 33;

// The largest |sample| of a frame.
int PeakOf(const Pcm& pcm) {
  int peak = 0;
  for (const int16_t x : pcm) peak = std::max(peak, x < 0 ? -int{x} : int{x});
  return peak;
}

}  // namespace

void MixerImpl::Tick() {
  DrainCommands();
  for (int i = 0; i < n_; ++i) {
    Slot& s = *slots_[static_cast<size_t>(i)];
    if (s.active) {
      PullInput(s, &inputs_[static_cast<size_t>(i)]);
    } else {
      inputs_[static_cast<size_t>(i)] = {};
    }
  }
  const int changes = selector_.Update(inputs_);
  if (changes > 0) Bump(mixer_counters_[kChanges], static_cast<uint64_t>(changes));
  Mix();
  SendOutputs();
  ++tick_;
  Bump(mixer_counters_[kTicks]);
}

void MixerImpl::DrainCommands() {
  while (commands_.PopWith([this](const Command& c) { Apply(c); })) {
  }
}

void MixerImpl::Apply(const Command& c) {
  if (c.slot >= slots_.size()) return;
  Slot& s = *slots_[c.slot];
  switch (c.type) {
    case Command::Type::kActivate: {
      ReleaseEncoder(s);
      s.active = true;
      s.codec = c.codec;
      s.muted = s.on_hold = false;
      s.loss_percent = 0;
      // Packets the network pushed after AddParticipant returned may
      // already wait in the input queue: keep them.
      s.jitter.Reset(RtpSamplesPerFrame(c.codec));
      s.decoder_warm = s.decoded = false;
      s.native_ready = s.native_warm = false;
      s.warm_until = 0;
      s.level = kSilentLevel;
      s.heard = Heard::kSilence;
      s.waiting_pos = 0;
      s.out_seq = 0;
      s.out_ts = 0;
      s.out_started = false;
      s.contributing = false;
      for (auto& counter : s.counters) Set(counter, 0);
      selector_.Forget(static_cast<int>(c.slot));
      break;
    }
    case Command::Type::kDeactivate:
      while (s.input.PopWith([](const InputPacket&) {})) {
      }  // drop what is left for the participant who left
      ReleaseEncoder(s);
      s.active = false;
      s.decoded = false;
      selector_.Forget(static_cast<int>(c.slot));
      break;
    case Command::Type::kMute:
      s.muted = c.flag;
      break;
    case Command::Type::kHold:
      s.on_hold = c.flag;
      break;
    case Command::Type::kLoss:
      s.loss_percent = c.value;
      break;
  }
}

void MixerImpl::PullInput(Slot& s, SpeakerSelector::Input* in) {
  while (s.input.PopWith([&s](const InputPacket& p) { s.jitter.Insert(p); })) {
  }
  const JitterBuffer::Frame f = s.jitter.Pop();
  const bool eligible = !s.muted && !s.on_hold && f.kind != FrameKind::kNone;
  bool known = true;
  int level = kSilentLevel;
  s.native_ready = false;
  if (f.kind == FrameKind::kNormal) {
    if (f.packet->audio_level >= 0) {
      level = std::min<int>(f.packet->audio_level, kSilentLevel);
    } else if (eligible && s.codec != Codec::kOpus && s.codec != Codec::kL16) {
      // Phones seldom send RFC 6464 levels: a G.711 or G.722 frame's level
      // is read at 8 kHz (see DecodeNative), without the resampling to
      // 48 kHz (and G.722's upper band) that only a mixed stream needs.
      level = DecodeNative(s, f);
    } else {
      known = false;
    }
  } else if (f.kind == FrameKind::kLoss || f.kind == FrameKind::kFec) {
    known = false;
  }
  const int activity = config_.selection.activity_level;
  const bool speaker = selector_.IsSpeaker(s.index);
  const bool want = eligible && (speaker || tick_ < s.warm_until || !known ||
                                 level <= activity);
  if (want) {
    Decode(s, f);
    if (!known) level = AudioLevelOf(s.pcm.data(), s.pcm.size());
    if (speaker || level <= activity) {
      s.warm_until = tick_ + config_.warm_decoder_ticks;
    }
  } else {
    s.decoded = false;
    s.decoder_warm = false;
    // A G.722 decoder that skips a received frame is out of step.
    if (!s.native_ready) s.native_warm = false;
  }
  s.level = level;
  *in = {eligible, level};
}

// This tick's G.711 or G.722 frame at 8 kHz, into narrow_; returns its
// level. G.711: its samples (and what Decode resamples to 48 kHz). G.722:
// the lower band (0 to 4 kHz) from a decoder of its own, a third of the
// cost of the full decoder (about 5 against 15 us per frame), which runs
// only for a stream that may be mixed.
int MixerImpl::DecodeNative(Slot& s, const JitterBuffer::Frame& f) {
  const uint8_t* data = f.packet->payload.data();
  const auto n = static_cast<size_t>(
      std::min<int>(f.packet->size, static_cast<int>(narrow_.size())));
  size_t samples = n;
  switch (s.codec) {
    case Codec::kPcmu:
      g711::DecodeMuLaw(data, narrow_.data(), n);
      break;
    case Codec::kPcma:
      g711::DecodeALaw(data, narrow_.data(), n);
      break;
    case Codec::kG722:
      // A decoder that skipped frames (the stream sent levels then, or was
      // muted) starts again from a fresh state.
      if (!s.native_warm) s.g722_low->Reset();
      samples = static_cast<size_t>(
          s.g722_low->Decode(data, static_cast<int>(n), narrow_.data()));
      break;
    case Codec::kOpus:
    case Codec::kL16:
      break;
  }
  std::fill(narrow_.begin() + static_cast<long>(samples), narrow_.end(), int16_t{0});
  s.native_ready = true;
  s.native_warm = true;
  return AudioLevelOf(narrow_.data(), narrow_.size());
}

void MixerImpl::Decode(Slot& s, const JitterBuffer::Frame& f) {
  if (!s.decoder_warm) {
    // The decoder skipped frames while the stream was not a candidate. A
    // G.722 decoder restarts from a fresh state while the phone's encoder
    // has adapted: its first few ms are off in level until the two
    // converge. A stream is decoded from its first active frame, two ticks
    // (the onset) before it can become a speaker, and is then faded in.
    s.opus_dec->Reset();
    s.up->Reset();
    s.g722_dec->Reset();
    s.up16->Reset();
    s.concealed_run = 0;
    s.pcm.fill(0);
  }
  const bool lost = f.kind == FrameKind::kLoss || f.kind == FrameKind::kFec;
  if (s.codec == Codec::kOpus) {
    switch (f.kind) {
      case FrameKind::kNormal:
        s.opus_dec->Decode(f.packet->payload.data(), f.packet->size, s.pcm.data());
        break;
      case FrameKind::kFec:
        s.opus_dec->DecodeFec(f.packet->payload.data(), f.packet->size,
                              s.pcm.data());
        break;
      case FrameKind::kLoss:
      case FrameKind::kDtx:
        s.opus_dec->Conceal(s.pcm.data());
        break;
      case FrameKind::kNone:
        s.pcm.fill(0);
        break;
    }
  } else if (lost) {
    // G.711, G.722 and L16 have no PLC of their own (spandsp's G.722 has
    // none): repeat the last frame at half the level each time, then
    // silence. The G.722 decoder skips the lost frame and goes on from its
    // state, as a phone does without G.722 Appendix III.
    if (++s.concealed_run > kMaxConcealRun) {
      s.pcm.fill(0);
    } else {
      kernels::ApplyGainRamp(s.pcm.data(), kConcealHalfQ14, kConcealHalfQ14,
                             s.pcm.size());
    }
  } else if (f.kind != FrameKind::kNormal) {
    s.pcm.fill(0);
  } else if (s.codec == Codec::kL16) {
    s.concealed_run = 0;
    const int samples = std::min<int>(f.packet->size / 2, kFrameSamples);
    const uint8_t* b = f.packet->payload.data();
    for (int i = 0; i < samples; ++i) {
      s.pcm[static_cast<size_t>(i)] = static_cast<int16_t>(
          static_cast<uint16_t>(b[2 * i] | (b[2 * i + 1] << 8)));
    }
    std::fill(s.pcm.begin() + samples, s.pcm.end(), int16_t{0});
  } else if (s.codec == Codec::kG722) {
    s.concealed_run = 0;
    const int bytes = std::min<int>(f.packet->size, static_cast<int>(wide_.size() / 2));
    const int samples = s.g722_dec->Decode(f.packet->payload.data(), bytes, wide_.data());
    std::fill(wide_.begin() + samples, wide_.end(), int16_t{0});
    s.up16->Process(wide_.data(), s.pcm.data());
  } else {
    // G.711, decoded unless the level check did already.
    s.concealed_run = 0;
    if (!s.native_ready) DecodeNative(s, f);
    s.up->Process(narrow_.data(), s.pcm.data());
  }
  s.decoded = true;
  s.decoder_warm = true;
  Bump(s.counters[kDecoded]);
  Bump(mixer_counters_[kDecodes]);
}

void MixerImpl::Mix() {
  contributors_.clear();
  mix_ptrs_.clear();
  auto was_speaker = [this](int i) {
    const int* begin = prev_speakers_.data();
    const int* end = begin + prev_speaker_count_;
    return std::find(begin, end, i) != end;
  };
  for (int i : selector_.speakers()) {
    Slot& s = *slots_[static_cast<size_t>(i)];
    if (!s.decoded) continue;
    if (!was_speaker(i)) {  // joining: fade in over this frame
      kernels::ApplyGainRamp(s.pcm.data(), 0, kFadeQ14, s.pcm.size());
    }
    contributors_.push_back(i);
  }
  for (int k = 0; k < prev_speaker_count_; ++k) {
    const int i = prev_speakers_[static_cast<size_t>(k)];
    Slot& s = *slots_[static_cast<size_t>(i)];
    if (selector_.IsSpeaker(i) || !s.active || !s.decoded) continue;
    // Leaving: mixed once more, fading out, so nobody hears a cut.
    kernels::ApplyGainRamp(s.pcm.data(), kFadeQ14, 0, s.pcm.size());
    contributors_.push_back(i);
  }
  for (int i : contributors_) {
    Slot& s = *slots_[static_cast<size_t>(i)];
    s.contributing = true;
    mix_ptrs_.push_back(s.pcm.data());
  }
  kernels::SumFrames(mix_ptrs_.data(), mix_ptrs_.size(), acc_.data(),
                     acc_.size());
  if (!contributors_.empty()) {
    kernels::SubtractAndLimit(acc_.data(), nullptr, full_mix_.data(),
                              full_mix_.size());
  }
  const auto sp = selector_.speakers();
  std::copy(sp.begin(), sp.end(), prev_speakers_.begin());
  prev_speaker_count_ = static_cast<int>(sp.size());
}

void MixerImpl::SendOutputs() {
  const bool any = !contributors_.empty();
  if (any && shared_idle_) {
    // The shared stream restarts after silence: its listeners last decoded
    // prepared silence, which a fresh encoder state matches.
    shared_enc_->Reset();
  }
  shared_ready_.fill(false);
  shared_narrow_ready_ = false;
  if (any) {
    // The shared Opus stream protects itself for its worst receiver.
    int loss = 0;
    for (int i = 0; i < n_; ++i) {
      const Slot& s = *slots_[static_cast<size_t>(i)];
      if (s.active && !s.on_hold && !s.contributing && s.codec == Codec::kOpus) {
        loss = std::max(loss, s.loss_percent);
      }
    }
    SetEncoderLoss(*shared_enc_->opus, loss);
  }
  for (int i = 0; i < n_; ++i) {
    Slot& s = *slots_[static_cast<size_t>(i)];
    if (!s.active) continue;
    const auto ci = static_cast<size_t>(s.codec);
    if (s.on_hold) {
      ReleaseEncoder(s);
      const Payload& p = waiting_[ci][static_cast<size_t>(s.waiting_pos)];
      s.waiting_pos = (s.waiting_pos + 1) % kWaitingLoopFrames;
      Emit(s, p.bytes.data(), p.size);
      s.heard = Heard::kWaiting;
    } else if (s.contributing && contributors_.size() > 1) {
      SendOwnMix(s);
    } else if (any && !s.contributing) {
      ReleaseEncoder(s);
      const Payload& p = Shared(s.codec);
      Emit(s, p.bytes.data(), p.size);
      s.heard = Heard::kShared;
    } else {
      // Nobody talks, or this is a lone talker: its mix-minus is silence.
      ReleaseEncoder(s);
      Emit(s, silence_[ci].bytes.data(), silence_[ci].size);
      s.heard = Heard::kSilence;
    }
    s.contributing = false;
    PublishStats(s);
  }
  if (any) prev_full_mix_ = full_mix_;
  prev_full_mix_valid_ = any;
  shared_idle_ = !any;
}

const Payload& MixerImpl::Shared(Codec codec) {
  const auto ci = static_cast<size_t>(codec);
  Payload& p = shared_[ci];
  if (shared_ready_[ci]) return p;
  shared_ready_[ci] = true;
  switch (codec) {
    case Codec::kOpus:
      p.size = static_cast<uint16_t>(
          shared_enc_->Encode(codec, full_mix_.data(), p.bytes.data()));
      Bump(mixer_counters_[kEncodes]);
      Bump(mixer_counters_[kSharedEncodes]);
      break;
    case Codec::kPcmu:
    case Codec::kPcma:
      // One 8 kHz version of the mix serves both laws.
      if (!shared_narrow_ready_) {
        shared_enc_->down8->Process(full_mix_.data(), shared_narrow_.data());
        shared_narrow_ready_ = true;
      }
      if (codec == Codec::kPcmu) {
        g711::EncodeMuLaw(shared_narrow_.data(), p.bytes.data(), shared_narrow_.size());
      } else {
        g711::EncodeALaw(shared_narrow_.data(), p.bytes.data(), shared_narrow_.size());
      }
      p.size = static_cast<uint16_t>(shared_narrow_.size());
      break;
    case Codec::kG722:
      // Keep the state a listener's decoder is in before this frame.
      shared_g722_before_->CopyStateFrom(*shared_enc_->g722);
      [[fallthrough]];
    case Codec::kL16:
      p.size = static_cast<uint16_t>(
          shared_enc_->Encode(codec, full_mix_.data(), p.bytes.data()));
      break;
  }
  return p;
}

void MixerImpl::SendOwnMix(Slot& s) {
  kernels::SubtractAndLimit(acc_.data(), s.pcm.data(), own_mix_.data(),
                            own_mix_.size());
  if (s.codec == Codec::kOpus &&
      PeakOf(own_mix_) <= (s.heard == Heard::kOwn ? kQuietMixPeak : kQuietMixPeak * 2)) {
    // The others are all quiet (typically the last talker in its hang time
    // while this one talks): what this speaker would hear is below about
    // -60 dBFS, so it gets the prepared silence and holds no encoder, like
    // a lone talker. Hysteresis (twice the peak to start encoding again)
    // keeps a noise floor near the gate from switching every tick.
    ReleaseEncoder(s);
    Emit(s, silence_[static_cast<size_t>(s.codec)].bytes.data(),
         silence_[static_cast<size_t>(s.codec)].size);
    s.heard = Heard::kSilence;
    return;
  }
  SpeakerEncoder* e = nullptr;
  if (s.codec != Codec::kL16) {
    if (s.encoder < 0 && AcquireEncoder(s) < 0) {
      // Cannot happen with a pool of 2K + 1; never send the speaker itself.
      Emit(s, silence_[static_cast<size_t>(s.codec)].bytes.data(),
           silence_[static_cast<size_t>(s.codec)].size);
      s.heard = Heard::kSilence;
      return;
    }
    e = &pool_[static_cast<size_t>(s.encoder)];
    SetEncoderLoss(*e->enc->opus, s.loss_percent);
  }
  // L16 has no codec state: any MixEncoder writes it.
  scratch_.size = static_cast<uint16_t>(
      (e ? *e->enc : *shared_enc_).Encode(s.codec, own_mix_.data(), scratch_.bytes.data()));
  if (s.codec == Codec::kOpus) Bump(mixer_counters_[kEncodes]);
  Emit(s, scratch_.bytes.data(), scratch_.size);
  s.heard = Heard::kOwn;
}

int MixerImpl::AcquireEncoder(Slot& s) {
  for (size_t k = 0; k < pool_.size(); ++k) {
    SpeakerEncoder& e = pool_[k];
    if (e.in_use) continue;
    e.in_use = true;
    s.encoder = static_cast<int>(k);
    PrimeEncoder(s, *e.enc);
    return s.encoder;
  }
  return -1;
}

// A lent encoder starts where the participant's decoder is. After prepared
// silence (or the waiting loop, or nothing) that is a fresh state, which
// the silence frames were encoded from. After the shared stream:
//   - Opus: encode what it heard last tick through the fresh encoder (the
//     packet is discarded), so its decoder moves over without a click;
//   - G.711: the same primes the 48 -> 8 kHz resampler's history (the law
//     itself has no state);
//   - G.722 (ADPCM: predictor and step size adapt from the stream): take
//     the shared G.722 encoder's state from before this tick's encode, so
//     the new stream continues the old one exactly as the decoder knows it,
//     and prime the 48 -> 16 kHz resampler with last tick's mix. A fresh
//     G.722 state would start with the smallest step size while the
//     decoder's is adapted to the speech: a burst until they converge.
void MixerImpl::PrimeEncoder(Slot& s, MixEncoder& e) {
  e.Reset();
  SetEncoderLoss(*e.opus, s.loss_percent);
  if (s.heard != Heard::kShared || !prev_full_mix_valid_) return;
  if (s.codec == Codec::kG722) {
    const auto gi = static_cast<size_t>(Codec::kG722);
    // Not yet encoded this tick: the shared encoder is still at last tick.
    e.g722->CopyStateFrom(shared_ready_[gi] ? *shared_g722_before_ : *shared_enc_->g722);
    e.down16->Process(prev_full_mix_.data(), e.wide.data());
    return;
  }
  e.Encode(s.codec, prev_full_mix_.data(), scratch_.bytes.data());
  if (s.codec == Codec::kOpus) Bump(mixer_counters_[kEncodes]);
}

void MixerImpl::SetEncoderLoss(OpusFrameEncoder& e, int loss_percent) const {
  const bool fec = config_.opus_fec && loss_percent >= config_.opus_fec_min_loss_percent;
  // Always-on FEC keeps the expected loss it was created with until a
  // receiver reports more.
  const bool always = config_.opus_fec && config_.opus_fec_min_loss_percent <= 0;
  e.SetLoss(always ? std::max(loss_percent, 10) : loss_percent, fec);
}

void MixerImpl::ReleaseEncoder(Slot& s) {
  if (s.encoder < 0) return;
  pool_[static_cast<size_t>(s.encoder)].in_use = false;
  s.encoder = -1;
}

void MixerImpl::Emit(Slot& s, const uint8_t* data, uint16_t size) {
  const bool ok = s.output.PushWith([&](EncodedFrame& f) {
    f.sequence = s.out_seq;
    f.timestamp = s.out_ts;
    f.codec = s.codec;
    f.marker = !s.out_started;
    f.size = size;
    std::memcpy(f.payload.data(), data, size);
  });
  ++s.out_seq;
  s.out_ts += RtpSamplesPerFrame(s.codec);
  s.out_started = true;
  Bump(s.counters[ok ? kFramesOut : kOutputDropped]);
}

void MixerImpl::PublishStats(Slot& s) {
  const JitterStats& j = s.jitter.stats();
  Set(s.counters[kReceived], j.received);
  Set(s.counters[kDuplicates], j.duplicates);
  Set(s.counters[kLate], j.late);
  Set(s.counters[kOverruns], j.overruns);
  Set(s.counters[kConcealed], j.concealed);
  Set(s.counters[kFec], j.fec);
  Set(s.counters[kDtx], j.dtx);
  Set(s.counters[kDriftDrops], j.drift_drops);
  Set(s.counters[kStretched], j.stretched);
  Set(s.counters[kTargetDelay], static_cast<uint64_t>(s.jitter.target_delay_frames()));
  Set(s.counters[kIsSpeaker], selector_.IsSpeaker(s.index) ? 1 : 0);
}

}  // namespace konfero::audio
