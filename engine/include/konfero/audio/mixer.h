// konfero/audio/mixer.h: the conference audio mixer of one room.
//
// Every participant hears one mix of the others. Per 20 ms tick the mixer
// drains each participant's jitter buffer, picks the K loudest speakers
// (with hysteresis), decodes only the streams that may be mixed, sums the
// speakers once and hands:
//   - each speaker the sum without itself (mix-minus), encoded by an
//     encoder of its own (K encoders at most);
//   - every other participant the same full mix, encoded once per codec and
//     copied to each with its own RTP sequence number and timestamp;
//   - participants on hold a waiting sound (pre-encoded at construction).
// With nobody talking, or a lone talker (whose mix-minus is silence), no
// encoder runs: a prepared silence frame goes out. Encoding work is O(K),
// mixing O(N) with SIMD kernels; see docs/audio.md.
//
//   auto mixer = konfero::audio::Mixer::Create({.max_participants = 16});
//   auto alice = (*mixer)->AddParticipant(Codec::kOpus);       // control
//   (*mixer)->PushPacket(*alice, packet);                        // network rx
//   (*mixer)->Tick();                                            // every 20 ms
//   EncodedFrame f; while ((*mixer)->PopFrame(*alice, &f)) send(f);  // tx
//
// Thread contract:
//   - Create, AddParticipant, RemoveParticipant, SetMuted, SetOnHold,
//     SetReceiverLoss: the one control thread. Changes reach the media path through a lock-free
//     command queue drained at the start of the next Tick.
//   - PushPacket(id): one network receive thread per participant id (each
//     input queue is single-producer); it may be the same thread for all.
//   - PopFrame(id): one network send thread per participant id.
//   - Tick, IsSpeaker: the one mixer thread (the room's worker thread).
//   - GetStats, GetMixerStats: any thread (relaxed counters).
// Tick() takes no lock, makes no allocation and no system call. After
// RemoveParticipant(id) the network side must stop using `id`; the id may
// be handed out again by a later AddParticipant (ids are reused last).
#ifndef KONFERO_AUDIO_MIXER_H_
#define KONFERO_AUDIO_MIXER_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "konfero/audio/audio_types.h"

namespace konfero::audio {

// A participant's stream in one room's mixer (not a konfero::ParticipantId:
// the media plane maps one to the other).
using StreamId = uint32_t;

struct SpeakerSelectionConfig {
  int max_speakers = 3;     // K
  // A stream is active when louder than this RFC 6464 level (-dBov).
  int activity_level = 50;
  int onset_ticks = 2;       // active this long before joining the set
  int hang_ticks = 25;       // quiet this long before leaving it (500 ms)
  int replace_margin_db = 6; // a newcomer must be this much louder...
  int replace_ticks = 5;     // ...for this long to replace the quietest
};

struct MixerConfig {
  int max_participants = 64;
  SpeakerSelectionConfig selection{};
  int opus_bitrate = 32000;
  int opus_complexity = 5;
  // In-band FEC in the mix encoders (the shared one and the speakers'):
  // costs CPU and bits, and only helps a receiver that loses packets. A
  // stream carries FEC while one of its receivers reports (SetReceiverLoss)
  // at least opus_fec_min_loss_percent loss; 0 means always, false never.
  bool opus_fec = true;
  int opus_fec_min_loss_percent = 1;
  // Jitter buffer bounds, in 20 ms frames.
  int jitter_capacity_frames = 32;
  int jitter_min_delay_frames = 1;
  int jitter_max_delay_frames = 12;
  int input_queue_packets = 16;  // per participant
  int output_queue_frames = 16;  // per participant
  // Keep decoding a stream this long after it was last a speaker or active,
  // so it can come back without a glitch.
  int warm_decoder_ticks = 50;
};

struct ParticipantStats {
  // Network side.
  uint64_t input_dropped = 0;   // PushPacket found the input queue full
  uint64_t output_dropped = 0;  // the output queue was full: frame dropped
  uint64_t frames_out = 0;
  // Jitter buffer.
  uint64_t received = 0;
  uint64_t duplicates = 0;
  uint64_t late = 0;
  uint64_t overruns = 0;
  uint64_t concealed = 0;  // frames filled by packet loss concealment
  uint64_t fec = 0;        // frames recovered from in-band FEC
  uint64_t dtx = 0;
  uint64_t drift_drops = 0;
  uint64_t stretched = 0;
  uint64_t decoded = 0;    // frames run through the decoder (incl. PLC)
  int target_delay_frames = 0;
  bool speaker = false;
};

struct MixerStats {
  uint64_t ticks = 0;
  uint64_t encodes = 0;          // Opus encodes of mixes (incl. priming)
  uint64_t shared_encodes = 0;   // of which for the shared listener mix
  uint64_t decodes = 0;          // decoder runs, all participants
  uint64_t speaker_changes = 0;  // joins plus leaves of the speaker set
};

class Mixer {
 public:
  // Allocates everything the media path will ever use: per-participant
  // queues, jitter buffers and decoders, the encoder pool, the waiting
  // sound. InvalidArgument on a bad config.
  static absl::StatusOr<std::unique_ptr<Mixer>> Create(const MixerConfig& config);
  virtual ~Mixer() = default;

  // Control thread. ResourceExhausted when the room is full (or the
  // command queue is, which a Tick empties).
  virtual absl::StatusOr<StreamId> AddParticipant(Codec codec) = 0;
  virtual absl::Status RemoveParticipant(StreamId id) = 0;
  // Muted participants (by themselves or a moderator) are never mixed; they
  // still hear the room.
  virtual absl::Status SetMuted(StreamId id, bool muted) = 0;
  // Participants on hold are mixed with no one and hear the waiting sound.
  virtual absl::Status SetOnHold(StreamId id, bool on_hold) = 0;
  // The packet loss the participant's receiver reports (RTCP receiver
  // report fraction lost, in percent): the encoder of the stream it hears
  // expects that loss and adds in-band FEC (see MixerConfig::opus_fec).
  // InvalidArgument outside 0..100.
  virtual absl::Status SetReceiverLoss(StreamId id, int loss_percent) = 0;

  // Network receive thread: false (packet dropped, counted) if the queue is
  // full or the id is out of range.
  virtual bool PushPacket(StreamId id, const InputPacket& packet) = 0;
  // Network send thread: false when no frame is waiting.
  virtual bool PopFrame(StreamId id, EncodedFrame* frame) = 0;

  // Mixer thread: one 20 ms step.
  virtual void Tick() = 0;
  virtual bool IsSpeaker(StreamId id) const = 0;

  // Any thread.
  virtual ParticipantStats GetStats(StreamId id) const = 0;
  virtual MixerStats GetMixerStats() const = 0;
};

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_MIXER_H_
