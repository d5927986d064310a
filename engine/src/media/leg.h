// leg.h: what the mixer and the worker need of a participant's media leg,
// whatever carries it: a WebRTC peer (PeerTransport) or plain RTP
// (RtpLeg, for phones).
//
// A worker owns its legs. Each leg is one mixer participant in its room: it
// pushes the participant's audio into the mixer through its LegObserver and
// sends the frames the mixer made for it with SendAudio. A leg that also
// carries video gives the SFU its VideoPeer view.
//
// Thread contract: the worker thread that owns the leg, for everything;
// counters() is read by the control thread through LegCounters::Snapshot.
#ifndef KONFERO_MEDIA_LEG_H_
#define KONFERO_MEDIA_LEG_H_

#include <cstdint>
#include <string_view>

#include "konfero/audio/audio_types.h"
#include "konfero/media_types.h"
#include "konfero/room_types.h"
#include "media/leg_counters.h"

namespace konfero::media {

class VideoPeer;
class MediaLeg;

// What a leg tells its worker. Worker thread.
class LegObserver {
 public:
  virtual ~LegObserver() = default;
  // One received audio packet of the leg's codec, for the mixer.
  virtual void OnAudioPacket(MediaLeg& leg, const audio::InputPacket& packet) = 0;
  virtual void OnStateChanged(MediaLeg& leg, PeerState state, std::string_view reason) = 0;
  // The leg's receiver reports this loss (percent) on the audio we send:
  // the mixer adds FEC to what it hears.
  virtual void OnReceiverLoss(MediaLeg& leg, int loss_percent) = 0;
  // A DTMF digit, once per key press.
  virtual void OnDigit(MediaLeg& leg, char digit) = 0;
};

class MediaLeg {
 public:
  virtual ~MediaLeg() = default;
  virtual LegKind kind() const = 0;
  virtual ParticipantId participant() const = 0;
  virtual RoomId room() const = 0;
  // The codec the mixer encodes for this leg (and decodes from it).
  virtual audio::Codec codec() const = 0;
  // A 20 ms frame the mixer made for this leg, in codec().
  virtual void SendAudio(const audio::EncodedFrame& frame, int64_t now_us) = 0;
  // Timers (consent, retransmissions, RTCP, timeouts) up to now_us, on the
  // worker's monotonic clock.
  virtual void OnTimer(int64_t now_us) = 0;
  // Stops sending and tells the remote (DTLS close_notify, RTCP BYE).
  virtual void Close() = 0;
  virtual LegCounters& counters() = 0;
  // The SFU's view of the leg, or null for an audio-only leg.
  virtual VideoPeer* video() { return nullptr; }
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_LEG_H_
