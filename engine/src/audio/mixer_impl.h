// audio/mixer_impl.h: the state behind konfero/audio/mixer.h, shared by
// mixer.cc (construction, control and network entry points) and
// mixer_tick.cc (the media path).
//
// Thread contract: as in mixer.h. Fields are grouped by the thread that
// owns them; the only fields shared across threads are the SPSC rings and
// the relaxed atomic counters.
#ifndef KONFERO_AUDIO_MIXER_IMPL_H_
#define KONFERO_AUDIO_MIXER_IMPL_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "audio/g722.h"
#include "audio/jitter_buffer.h"
#include "audio/mix_encoder.h"
#include "audio/opus_codec.h"
#include "audio/resampler.h"
#include "audio/speaker_selector.h"
#include "konfero/audio/mixer.h"
#include "konfero/audio/spsc_ring.h"

namespace konfero::audio {

using Pcm = std::array<int16_t, kFrameSamples>;

// Counters readable from any thread; written by one thread each.
enum Counter : int {
  kInputDropped,  // network rx thread
  kOutputDropped, kFramesOut, kReceived, kDuplicates, kLate, kOverruns,
  kConcealed, kFec, kDtx, kDriftDrops, kStretched, kDecoded, kTargetDelay,
  kIsSpeaker, kCounterCount
};

// An encoder lent to a speaker for its mix-minus, whatever its codec.
struct SpeakerEncoder {
  std::unique_ptr<MixEncoder> enc;
  bool in_use = false;
};

// What a participant heard last tick, to prime a newly lent encoder.
enum class Heard : uint8_t { kSilence, kShared, kOwn, kWaiting };

struct Command {
  enum class Type : uint8_t { kActivate, kDeactivate, kMute, kHold, kLoss };
  Type type = Type::kActivate;
  uint32_t slot = 0;
  Codec codec = Codec::kOpus;
  bool flag = false;
  int value = 0;
};

struct Slot {
  Slot(const MixerConfig& config, int slot_index)
      : index(slot_index),
        input(static_cast<size_t>(config.input_queue_packets)),
        output(static_cast<size_t>(config.output_queue_frames)),
        jitter({.capacity_frames = config.jitter_capacity_frames,
                .min_delay_frames = config.jitter_min_delay_frames,
                .max_delay_frames = config.jitter_max_delay_frames}) {}

  const int index;

  // Shared: network rx -> mixer, mixer -> network tx.
  SpscRing<InputPacket> input;
  SpscRing<EncodedFrame> output;
  std::array<std::atomic<uint64_t>, kCounterCount> counters{};

  // Mixer thread only.
  bool active = false;
  Codec codec = Codec::kOpus;
  bool muted = false;
  bool on_hold = false;
  int loss_percent = 0;                // reported by its receiver
  JitterBuffer jitter;
  std::unique_ptr<OpusFrameDecoder> opus_dec;
  std::unique_ptr<FrameResampler> up;  // 8 -> 48 kHz for G.711
  std::unique_ptr<G722Decoder> g722_dec;
  // G.722's lower band at 8 kHz: the level of a stream without RFC 6464
  // levels (DecodeNative).
  std::unique_ptr<G722Decoder> g722_low;
  std::unique_ptr<FrameResampler> up16;  // 16 -> 48 kHz for G.722
  bool decoder_warm = false;           // decoded last tick
  // G.711/G.722: this tick's frame is decoded at 8 kHz (in narrow_, by
  // DecodeNative); g722_low has seen every received frame.
  bool native_ready = false;
  bool native_warm = false;
  int64_t warm_until = 0;              // tick
  bool decoded = false;                // pcm holds this tick's frame
  int level = 127;
  int concealed_run = 0;               // G.711/G.722/L16 PLC fade
  Pcm pcm{};
  int encoder = -1;                    // index in the pool, or -1
  Heard heard = Heard::kSilence;
  int waiting_pos = 0;
  uint16_t out_seq = 0;
  uint32_t out_ts = 0;
  bool out_started = false;
  bool contributing = false;           // mixed this tick
};

// A prepared frame: silence, a waiting-loop frame, or this tick's shared mix.
struct Payload {
  std::array<uint8_t, kMaxPayloadBytes> bytes{};
  uint16_t size = 0;
};

class MixerImpl final : public Mixer {
 public:
  explicit MixerImpl(const MixerConfig& config);
  absl::Status Init();

  absl::StatusOr<StreamId> AddParticipant(Codec codec) override;
  absl::Status RemoveParticipant(StreamId id) override;
  absl::Status SetMuted(StreamId id, bool muted) override;
  absl::Status SetOnHold(StreamId id, bool on_hold) override;
  absl::Status SetReceiverLoss(StreamId id, int loss_percent) override;
  bool PushPacket(StreamId id, const InputPacket& packet) override;
  bool PopFrame(StreamId id, EncodedFrame* frame) override;
  void Tick() override;
  bool IsSpeaker(StreamId id) const override;
  ParticipantStats GetStats(StreamId id) const override;
  MixerStats GetMixerStats() const override;

 private:
  // mixer_tick.cc
  void DrainCommands();
  void Apply(const Command& c);
  void PullInput(Slot& s, SpeakerSelector::Input* in);
  void Decode(Slot& s, const JitterBuffer::Frame& f);
  int DecodeNative(Slot& s, const JitterBuffer::Frame& f);  // returns the level
  void Mix();
  void SendOutputs();
  const Payload& Shared(Codec codec);
  void SendOwnMix(Slot& s);
  int AcquireEncoder(Slot& s);
  void ReleaseEncoder(Slot& s);
  void Emit(Slot& s, const uint8_t* data, uint16_t size);
  void PrimeEncoder(Slot& s, MixEncoder& e);
  void PublishStats(Slot& s);
  void SetEncoderLoss(OpusFrameEncoder& e, int loss_percent) const;

  const MixerConfig config_;
  const int n_;

  // Control thread only.
  std::vector<bool> used_;
  uint32_t next_search_ = 0;

  // Control -> mixer.
  SpscRing<Command> commands_;

  std::vector<std::unique_ptr<Slot>> slots_;

  // Mixer thread only.
  int64_t tick_ = 0;
  SpeakerSelector selector_;
  std::vector<SpeakerSelector::Input> inputs_;
  std::vector<int> contributors_;       // mixed this tick
  std::vector<const int16_t*> mix_ptrs_;
  std::vector<int> prev_speakers_;      // speaker set of the last tick
  int prev_speaker_count_ = 0;
  std::vector<int32_t> acc_;
  Pcm full_mix_{}, prev_full_mix_{}, own_mix_{};
  bool prev_full_mix_valid_ = false;
  std::vector<SpeakerEncoder> pool_;
  std::unique_ptr<MixEncoder> shared_enc_;
  // The shared G.722 encoder as it was before this tick's encode: a
  // listener who becomes a speaker continues from it (see PrimeEncoder).
  std::unique_ptr<G722Encoder> shared_g722_before_;
  bool shared_idle_ = true;
  std::array<Payload, kCodecCount> shared_;  // per codec, this tick
  std::array<bool, kCodecCount> shared_ready_{};
  std::array<Payload, kCodecCount> silence_;  // per codec
  std::array<std::vector<Payload>, kCodecCount> waiting_;  // per codec, the loop
  Payload scratch_;
  std::array<int16_t, 160> narrow_{};
  std::array<int16_t, 320> wide_{};     // G.722 decoding, 16 kHz
  std::array<int16_t, 160> shared_narrow_{};
  bool shared_narrow_ready_ = false;

  std::array<std::atomic<uint64_t>, 5> mixer_counters_{};
};

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_MIXER_IMPL_H_
