// participant.h: one simulated participant, as a browser tab would be: a
// signalling WebSocket (hello, join, offer, chat, leave), a MediaPeer
// (ICE, DTLS, SRTP) that sends a tone or silence every 20 ms (and a camera
// with --video-kbps), and a MixProbe that listens to the room's mix.
//
//   Participant p(ctx, {.room = 0, .index_in_room = 3, .moderator = false, .talker = false});
//   p.Join(now);        // a new socket, a new peer: one "join"
//   p.Tick(now);        // every few ms: deadlines, media, chat, probes
//   p.Leave(now, rejoin_after_us);   // leave + ping, drain to the pong, then idle
//
// Each join goes through the stages below; each stage has a deadline, and
// a join that misses one, or gets a fatal error, fails (counted, with the
// stage and the reason) and is retried after --rejoin-delay while the run
// accepts joins:
//   kConnecting  TCP + WebSocket handshake, then `hello`
//   kHello       waiting for `welcome`, then `join`
//   kJoining     waiting for `joined`, then the SDP offer
//   kNegotiating waiting for `answer`, then ICE checks start
//   kMedia       ICE, DTLS, and the first SRTP packet of the mix: joined
//   kActive      sending media and chat, listening
//   kLeaving     `leave` and `ping` sent, reading until `pong`
//   kIdle        no socket (before the first join, between joins)
// A join completes at the first mix packet; its time runs from kConnecting.
//
// Thread contract: the io_context's thread only.
#ifndef KONFERO_BENCH_LOAD_PARTICIPANT_H_
#define KONFERO_BENCH_LOAD_PARTICIPANT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "load/load_context.h"
#include "load/media_peer.h"
#include "load/mix_probe.h"
#include "load/ws_client.h"

namespace konfero::load {

struct ParticipantSpec {
  int room = 0;
  int index_in_room = 0;
  bool moderator = false;
  bool talker = false;
};

class Participant final : public MediaPeer::Listener {
 public:
  enum class Stage { kIdle, kConnecting, kHello, kJoining, kNegotiating, kMedia, kActive, kLeaving };

  Participant(LoadContext& ctx, ParticipantSpec spec);
  ~Participant() override;
  Participant(const Participant&) = delete;
  Participant& operator=(const Participant&) = delete;

  void Join(int64_t now_us);
  // Leaves gracefully; rejoins `rejoin_after_us` later (nullopt: stays out).
  void Leave(int64_t now_us, std::optional<int64_t> rejoin_after_us);
  // Drops the join under way without judging it (the run is over).
  void Abort();
  void Tick(int64_t now_us);

  Stage stage() const { return stage_; }
  const ParticipantSpec& spec() const { return spec_; }
  bool talker() const { return spec_.talker; }
  // When media started to flow in the current join; 0 when not active.
  int64_t active_since_us() const { return stage_ == Stage::kActive ? active_since_us_ : 0; }
  // Joined at least once (the initial ramp waits for moderators).
  bool joined_once() const { return joined_once_; }
  bool failed_once() const { return failed_once_; }

  // MediaPeer::Listener
  void OnPeerConnected(int64_t now_us) override;
  void OnPeerFailed(absl::Status why) override;
  void OnMixPacket(std::span<const uint8_t> opus_payload, int64_t arrival_us) override;

 private:
  void OnOpen();
  void OnFrame(std::string_view text, int64_t now_us);
  void OnClosed(absl::Status status);
  void OnJoined(int64_t now_us);
  void OnAnswer(const nlohmann::json& frame, int64_t now_us);
  void OnError(const nlohmann::json& frame);
  void OnPong();
  void SendMedia(int64_t now_us);
  void SendChat(int64_t now_us);
  void Send(const nlohmann::json& frame);
  void EnterStage(Stage stage, int64_t now_us, int64_t deadline_us);
  // The join or session failed at the current stage.
  void Fail(std::string_view reason);
  // Closes socket and peer, folds the peer's counters into the stats.
  void TearDown();
  void SetActive(bool active, int64_t now_us);

  LoadContext& ctx_;
  const ParticipantSpec spec_;
  const std::string name_;
  const std::string guest_key_;
  RoomState& room_;

  Stage stage_ = Stage::kIdle;
  int64_t deadline_us_ = 0;
  std::optional<int64_t> rejoin_at_us_;
  ChatLedger::MemberId member_ = 0;
  bool in_ledger_ = false;
  bool joined_once_ = false;
  bool failed_once_ = false;

  std::shared_ptr<WsClient> ws_;
  std::shared_ptr<MediaPeer> peer_;
  MixProbe probe_;

  int64_t join_started_us_ = 0;
  int64_t active_since_us_ = 0;
  int64_t next_frame_us_ = 0;
  uint64_t frames_ = 0;
  uint32_t rtp_timestamp_base_ = 0;
  int64_t next_video_us_ = 0;
  int64_t last_keyframe_us_ = 0;
  int64_t next_chat_us_ = 0;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_PARTICIPANT_H_
