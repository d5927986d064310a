// video_router.h: the selective forwarding unit of one room on a worker.
//
// Every participant's camera and screen share (its publications, each up
// to three simulcast layers) are forwarded to the video slots of the
// others (see video_params.h): a slot shows one publication at a time, on
// one outgoing SSRC whose sequence numbers, timestamps and VP8 picture ids
// stay continuous across layer switches, reassignments and publisher
// reconnects (sfu::StreamRewriter, video::Vp8Continuity). Per subscriber
// the router splits the downlink estimate of its transport over its slots
// (sfu::LayerAllocator: screen share first, then the active speaker) and
// switches layers on keyframes (sfu::LayerSelector), asking publishers for
// them through one aggregator per room (ten subscribers, one PLI).
// Subscribers' NACKs are answered from a per-slot send history with RTX;
// what the history lacks is asked of the publisher. Guests on hold neither
// send nor receive video.
//
// It tells each subscriber which participant fills which slot, and who the
// active speaker is, as JSON on the "control" data channel:
//   {"type":"video-slots","slots":[{"mid":"1","participant":7,"source":"camera"},
//                                  {"mid":"2","participant":null}]}
//   {"type":"active-speaker","participant":7}
// and takes requests there:
//   {"type":"subscribe","mid":"1","paused":false,"max_width":320,"max_height":180}
//   {"type":"publish","source":"camera","paused":true}
//
// Thread contract: the room's worker thread only. The media path takes no
// lock; it allocates only when peers or slots change.
#ifndef KONFERO_MEDIA_VIDEO_ROUTER_H_
#define KONFERO_MEDIA_VIDEO_ROUTER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "konfero/room_types.h"
#include "media/peer_transport.h"
#include "media/video_params.h"
#include "rtp/nack_responder.h"
#include "rtp/rtcp_packet.h"
#include "sfu/bitrate_meter.h"
#include "sfu/keyframe_request_aggregator.h"
#include "sfu/layer_selector.h"
#include "sfu/stream_rewriter.h"
#include "video/vp8_continuity.h"

namespace konfero::media {

class VideoRouter {
 public:
  VideoRouter();
  ~VideoRouter();
  VideoRouter(const VideoRouter&) = delete;
  VideoRouter& operator=(const VideoRouter&) = delete;

  // `peer` (owned by the worker) must stay valid until RemovePeer.
  void AddPeer(VideoPeer& peer, bool on_hold);
  void RemovePeer(ParticipantId participant);
  // The peer renegotiated (same transport, new sections: a screen share
  // added or removed, more tiles): publications and slots whose section
  // stays keep their state.
  void UpdatePeer(VideoPeer& peer);
  void SetOnHold(ParticipantId participant, bool on_hold);
  void SetActiveSpeaker(ParticipantId participant);
  absl::Status SetSubscription(ParticipantId subscriber, std::string_view mid,
                               const VideoSubscription& settings);
  absl::Status SetPublicationPaused(ParticipantId publisher, VideoSource source,
                                    bool paused);

  void OnRtp(VideoPeer& from, absl::Span<uint8_t> packet, int64_t now_us);
  void OnFeedback(VideoPeer& from, const rtp::RtcpPacket& packet, int64_t now_us);
  void OnControlMessage(VideoPeer& from, std::string_view text);
  void OnControlChannelOpen(VideoPeer& peer);
  // Keyframe requests, layer allocation, slot assignment; every few ms.
  void OnTimer(int64_t now_us);

  bool empty() const { return peers_.empty(); }

 private:
  struct Layer {
    uint32_t ssrc = 0;
    uint32_t rtx_ssrc = 0;
    std::string rid;
    int width = 0;
    int height = 0;
    int64_t last_packet_us = -1;
    sfu::BitrateMeter bitrate;
  };
  struct Subscriber;
  struct Publication {
    ParticipantId publisher{};
    VideoPeer* transport = nullptr;
    VideoSource source = VideoSource::kCamera;
    std::string mid;
    std::vector<VideoCodecParams> codecs;
    std::vector<Layer> layers;  // rid order, or the announced SSRCs
    bool simulcast = false;
    bool paused = false;
    bool idle = false;          // as of the last OnTimer (see Idle())
    int64_t added_us = -1;  // the first time the timer saw it
    uint64_t order = 0;  // for a stable slot order
    // (subscriber, slot index) pairs showing this publication.
    std::vector<std::pair<Subscriber*, size_t>> viewers;
  };
  using PublicationKey = uint64_t;  // participant << 1 | source
  struct Slot {
    VideoSlotParams params;
    std::optional<PublicationKey> bound;
    VideoSubscription settings;
    sfu::StreamRewriter rewriter{90000};
    sfu::LayerSelector selector;
    video::Vp8Continuity vp8;
    std::unique_ptr<rtp::NackResponder> nack;
    uint8_t nack_rtx_payload_type = 0;
    // Output sequence number minus input, of the last forwarded packet
    // (to translate NACKs for packets never received to the publisher).
    uint32_t source_ssrc = 0;
    uint16_t sequence_delta = 0;
    uint64_t forwarded = 0;
  };
  struct Subscriber {
    ParticipantId participant{};
    VideoPeer* transport = nullptr;
    bool on_hold = false;
    uint64_t order = 0;
    std::vector<Slot> slots;
    int64_t last_allocation_us = 0;
  };
  struct SsrcEntry {
    PublicationKey publication = 0;
    size_t layer = 0;
    bool rtx = false;
  };

  static PublicationKey KeyOf(ParticipantId p, VideoSource s);
  void AddPublication(VideoPeer& peer, const VideoPublicationParams& params);
  void RemovePublication(PublicationKey key, std::vector<Subscriber*>& freed);
  // Forwarded to nobody: paused (camera off), or no packets for a while
  // (a screen share the browser stopped).
  bool Idle(const Publication& pub, int64_t now_us) const;
  Publication* FindPublication(PublicationKey key);
  const SsrcEntry* Classify(VideoPeer& from, const rtp::RtpPacketView& packet);
  void ForwardMedia(Publication& pub, size_t layer, const rtp::RtpPacketView& packet,
                    bool retransmission, int64_t now_us);
  void ForwardTo(Subscriber& sub, Slot& slot, Publication& pub, size_t layer,
                 const rtp::RtpPacketView& packet, bool keyframe, bool begins_frame,
                 bool retransmission, int64_t now_us);
  void RequestKeyframe(Publication& pub, size_t layer, int64_t now_us);
  void SendPli(Publication& pub, uint32_t media_ssrc);
  void AnswerNack(Subscriber& sub, const rtp::Nack& nack, int64_t now_us);
  void Allocate(Subscriber& sub, int64_t now_us);
  void AssignSlots();
  void Bind(Subscriber& sub, size_t slot_index, std::optional<PublicationKey> key);
  void SendSlots(Subscriber& sub);
  void SendControl(VideoPeer& peer, const std::string& json);

  uint64_t next_order_ = 0;
  absl::flat_hash_map<ParticipantId, std::unique_ptr<Subscriber>> peers_;
  absl::flat_hash_map<PublicationKey, std::unique_ptr<Publication>> publications_;
  absl::flat_hash_map<uint32_t, SsrcEntry> ssrcs_;  // publishers' SSRCs
  absl::flat_hash_map<ParticipantId, int64_t> last_spoke_;
  std::optional<ParticipantId> active_speaker_;
  sfu::KeyframeRequestAggregator keyframes_;
  bool slots_dirty_ = false;
  int64_t now_us_ = 0;  // the latest time seen (OnRtp, OnTimer)
  int64_t last_allocation_us_ = 0;
  std::array<uint8_t, 1500> scratch_{};
  std::array<uint8_t, 1500> unwrapped_{};
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_VIDEO_ROUTER_H_
