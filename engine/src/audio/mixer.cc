// audio/mixer.cc: construction of the mixer (everything the media path
// will use is allocated here), and the control-thread and network-thread
// entry points. The media path itself is in mixer_tick.cc.
#include <algorithm>
#include <cstring>

#include "audio/mixer_impl.h"
#include "audio/waiting_sound.h"
#include "absl/strings/str_cat.h"

namespace konfero::audio {

std::string_view CodecName(Codec c) {
  switch (c) {
    case Codec::kOpus: return "opus";
    case Codec::kPcmu: return "pcmu";
    case Codec::kPcma: return "pcma";
    case Codec::kL16: return "l16";
    case Codec::kG722: return "g722";
  }
  return "unknown";
}

std::optional<Codec> CodecFromName(std::string_view name) {
  for (Codec c : {Codec::kOpus, Codec::kPcmu, Codec::kPcma, Codec::kL16,
                  Codec::kG722}) {
    if (CodecName(c) == name) return c;
  }
  return std::nullopt;
}

absl::StatusOr<std::unique_ptr<Mixer>> Mixer::Create(const MixerConfig& config) {
  if (config.max_participants < 1 || config.max_participants > 100000) {
    return absl::InvalidArgumentError("max_participants must be in 1..100000");
  }
  if (config.selection.max_speakers < 1 || config.selection.max_speakers > 64) {
    return absl::InvalidArgumentError("max_speakers must be in 1..64");
  }
  if (config.opus_fec_min_loss_percent < 0 || config.opus_fec_min_loss_percent > 100) {
    return absl::InvalidArgumentError("opus_fec_min_loss_percent must be in 0..100");
  }
  if (config.jitter_capacity_frames < 4 || config.input_queue_packets < 2 ||
      config.output_queue_frames < 2 || config.jitter_min_delay_frames < 0 ||
      config.jitter_max_delay_frames < config.jitter_min_delay_frames) {
    return absl::InvalidArgumentError("bad queue or jitter sizes");
  }
  auto mixer = std::make_unique<MixerImpl>(config);
  if (absl::Status s = mixer->Init(); !s.ok()) return s;
  return std::unique_ptr<Mixer>(std::move(mixer));
}

MixerImpl::MixerImpl(const MixerConfig& config)
    : config_(config),
      n_(config.max_participants),
      used_(static_cast<size_t>(config.max_participants), false),
      commands_(static_cast<size_t>(4 * config.max_participants + 64)),
      selector_(config.selection, config.max_participants),
      inputs_(static_cast<size_t>(config.max_participants)),
      acc_(kFrameSamples, 0) {}

absl::Status MixerImpl::Init() {
  // Until a receiver reports loss, FEC is on only if asked for always.
  const bool fec_always = config_.opus_fec && config_.opus_fec_min_loss_percent <= 0;
  const OpusSettings opus{.bitrate = config_.opus_bitrate,
                          .complexity = config_.opus_complexity,
                          .inband_fec = fec_always,
                          .expected_loss_percent = fec_always ? 10 : 0};
  slots_.reserve(static_cast<size_t>(n_));
  for (int i = 0; i < n_; ++i) {
    auto slot = std::make_unique<Slot>(config_, i);
    auto dec = OpusFrameDecoder::Create();
    if (!dec.ok()) return dec.status();
    slot->opus_dec = *std::move(dec);
    auto up = FrameResampler::Create(8000, kSampleRateHz);
    if (!up.ok()) return up.status();
    slot->up = *std::move(up);
    auto g722 = G722Decoder::Create();
    if (!g722.ok()) return g722.status();
    slot->g722_dec = *std::move(g722);
    auto g722_low = G722Decoder::Create(G722Decoder::Output::k8kHz);
    if (!g722_low.ok()) return g722_low.status();
    slot->g722_low = *std::move(g722_low);
    auto up16 = FrameResampler::Create(16000, kSampleRateHz);
    if (!up16.ok()) return up16.status();
    slot->up16 = *std::move(up16);
    slots_.push_back(std::move(slot));
  }
  // Contributors are the speakers plus those fading out: at most 2K. Each
  // may hold an encoder.
  const int k = config_.selection.max_speakers;
  contributors_.reserve(static_cast<size_t>(2 * k));
  mix_ptrs_.reserve(static_cast<size_t>(2 * k));
  prev_speakers_.resize(static_cast<size_t>(k));
  pool_.resize(static_cast<size_t>(2 * k + 1));
  for (SpeakerEncoder& e : pool_) {
    auto enc = MixEncoder::Create(opus);
    if (!enc.ok()) return enc.status();
    e.enc = *std::move(enc);
  }
  auto shared = MixEncoder::Create(opus);
  if (!shared.ok()) return shared.status();
  shared_enc_ = *std::move(shared);
  auto before = G722Encoder::Create();
  if (!before.ok()) return before.status();
  shared_g722_before_ = *std::move(before);

  // Prepared frames: silence, and the waiting loop, for every codec.
  auto prep = MixEncoder::Create(
      {.bitrate = config_.opus_bitrate, .complexity = 10, .inband_fec = false});
  if (!prep.ok()) return prep.status();
  const Pcm zeros{};
  const std::vector<int16_t> loop = SynthesizeWaitingLoop();
  auto encode = [&prep](Codec c, const int16_t* pcm, Payload* out) {
    out->size = static_cast<uint16_t>((*prep)->Encode(c, pcm, out->bytes.data()));
  };
  for (Codec c : {Codec::kOpus, Codec::kPcmu, Codec::kPcma, Codec::kL16,
                  Codec::kG722}) {
    const auto ci = static_cast<size_t>(c);
    // Silence from a fresh state: what a fresh encoder's stream starts from.
    (*prep)->Reset();
    encode(c, zeros.data(), &silence_[ci]);
    // Encode the loop twice and keep the second pass, so the codec state at
    // the loop point matches the start of the loop.
    waiting_[ci].resize(kWaitingLoopFrames);
    for (int pass = 0; pass < 2; ++pass) {
      for (int f = 0; f < kWaitingLoopFrames; ++f) {
        encode(c, loop.data() + static_cast<size_t>(f) * kFrameSamples,
               &waiting_[ci][static_cast<size_t>(f)]);
      }
    }
    if (silence_[ci].size == 0) return absl::InternalError("silence encode failed");
  }
  return absl::OkStatus();
}

absl::StatusOr<StreamId> MixerImpl::AddParticipant(Codec codec) {
  // Search from after the last id handed out, so a freed id is reused last.
  for (int k = 0; k < n_; ++k) {
    const uint32_t i = (next_search_ + static_cast<uint32_t>(k)) % static_cast<uint32_t>(n_);
    if (used_[i]) continue;
    if (!commands_.Push({Command::Type::kActivate, i, codec, false})) {
      return absl::ResourceExhaustedError("mixer command queue full");
    }
    used_[i] = true;
    next_search_ = i + 1;
    return StreamId{i};
  }
  return absl::ResourceExhaustedError(
      absl::StrCat("room is full (", n_, " participants)"));
}

absl::Status MixerImpl::RemoveParticipant(StreamId id) {
  if (id >= used_.size() || !used_[id]) {
    return absl::NotFoundError(absl::StrCat("no participant ", id));
  }
  if (!commands_.Push({Command::Type::kDeactivate, id, Codec::kOpus, false})) {
    return absl::ResourceExhaustedError("mixer command queue full");
  }
  used_[id] = false;
  return absl::OkStatus();
}

absl::Status MixerImpl::SetMuted(StreamId id, bool muted) {
  if (id >= used_.size() || !used_[id]) {
    return absl::NotFoundError(absl::StrCat("no participant ", id));
  }
  if (!commands_.Push({Command::Type::kMute, id, Codec::kOpus, muted})) {
    return absl::ResourceExhaustedError("mixer command queue full");
  }
  return absl::OkStatus();
}

absl::Status MixerImpl::SetOnHold(StreamId id, bool on_hold) {
  if (id >= used_.size() || !used_[id]) {
    return absl::NotFoundError(absl::StrCat("no participant ", id));
  }
  if (!commands_.Push({Command::Type::kHold, id, Codec::kOpus, on_hold})) {
    return absl::ResourceExhaustedError("mixer command queue full");
  }
  return absl::OkStatus();
}

absl::Status MixerImpl::SetReceiverLoss(StreamId id, int loss_percent) {
  if (id >= used_.size() || !used_[id]) {
    return absl::NotFoundError(absl::StrCat("no participant ", id));
  }
  if (loss_percent < 0 || loss_percent > 100) {
    return absl::InvalidArgumentError("loss_percent must be in 0..100");
  }
  Command c{Command::Type::kLoss, id, Codec::kOpus, false};
  c.value = loss_percent;
  if (!commands_.Push(c)) {
    return absl::ResourceExhaustedError("mixer command queue full");
  }
  return absl::OkStatus();
}

bool MixerImpl::PushPacket(StreamId id, const InputPacket& packet) {
  if (id >= slots_.size()) return false;
  Slot& s = *slots_[id];
  const uint16_t size = std::min<uint16_t>(packet.size, kMaxPayloadBytes);
  const bool ok = s.input.PushWith([&](InputPacket& p) {
    // Copy the header and the used bytes only.
    p.sequence = packet.sequence;
    p.timestamp = packet.timestamp;
    p.arrival_us = packet.arrival_us;
    p.audio_level = packet.audio_level;
    p.voice = packet.voice;
    p.size = size;
    std::memcpy(p.payload.data(), packet.payload.data(), size);
  });
  if (!ok) s.counters[kInputDropped].fetch_add(1, std::memory_order_relaxed);
  return ok;
}

bool MixerImpl::PopFrame(StreamId id, EncodedFrame* frame) {
  if (id >= slots_.size()) return false;
  return slots_[id]->output.PopWith([frame](const EncodedFrame& f) {
    frame->sequence = f.sequence;
    frame->timestamp = f.timestamp;
    frame->codec = f.codec;
    frame->marker = f.marker;
    frame->size = f.size;
    std::memcpy(frame->payload.data(), f.payload.data(), f.size);
  });
}

bool MixerImpl::IsSpeaker(StreamId id) const {
  return id < slots_.size() && selector_.IsSpeaker(static_cast<int>(id));
}

ParticipantStats MixerImpl::GetStats(StreamId id) const {
  ParticipantStats st;
  if (id >= slots_.size()) return st;
  const auto& c = slots_[id]->counters;
  auto get = [&c](Counter k) { return c[k].load(std::memory_order_relaxed); };
  st.input_dropped = get(kInputDropped);
  st.output_dropped = get(kOutputDropped);
  st.frames_out = get(kFramesOut);
  st.received = get(kReceived);
  st.duplicates = get(kDuplicates);
  st.late = get(kLate);
  st.overruns = get(kOverruns);
  st.concealed = get(kConcealed);
  st.fec = get(kFec);
  st.dtx = get(kDtx);
  st.drift_drops = get(kDriftDrops);
  st.stretched = get(kStretched);
  st.decoded = get(kDecoded);
  st.target_delay_frames = static_cast<int>(get(kTargetDelay));
  st.speaker = get(kIsSpeaker) != 0;
  return st;
}

MixerStats MixerImpl::GetMixerStats() const {
  auto get = [this](int k) {
    return mixer_counters_[static_cast<size_t>(k)].load(std::memory_order_relaxed);
  };
  return MixerStats{.ticks = get(0), .encodes = get(1), .shared_encodes = get(2),
                    .decodes = get(3), .speaker_changes = get(4)};
}

}  // namespace konfero::audio
