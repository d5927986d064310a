// peer_setup.h: everything negotiated for a WebRTC leg, from its offer and
// our answer (control/offer_answer.h builds it; the worker's PeerTransport
// runs it).
//
// Thread contract: plain values.
#ifndef KONFERO_MEDIA_PEER_SETUP_H_
#define KONFERO_MEDIA_PEER_SETUP_H_

#include <cstddef>
#include <cstdint>

#include "absl/time/time.h"
#include "dtls/dtls_transport.h"
#include "konfero/room_types.h"
#include "media/video_params.h"
#include "stun/ice_lite.h"
#include "transport/audio_rtp.h"

namespace konfero::media {

struct PeerSetup {
  ParticipantId participant{};
  RoomId room{};
  stun::IceCredentials local_ice;
  stun::IceCredentials remote_ice;
  dtls::DtlsTransportConfig dtls;
  transport::AudioRtpParams audio;
  VideoParams video;
  absl::Duration consent_timeout = absl::Seconds(30);
  bool has_audio = false;
  bool has_data_channels = false;
  uint16_t sctp_remote_port = 5000;
  // The peer's a=max-message-size; RFC 8841's 64 KiB when it states none
  // (0: no limit).
  size_t sctp_remote_max_message_size = 65536;
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_PEER_SETUP_H_
