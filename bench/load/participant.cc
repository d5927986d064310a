// participant.cc: the join stages, media pacing, chat and leave of one
// simulated participant.
#include "load/participant.h"

#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "load/sdp_offer.h"

namespace konfero::load {
namespace {

constexpr int64_t kStageTimeoutUs = 10'000'000;
constexpr int64_t kMediaTimeoutUs = 20'000'000;  // ICE, DTLS and the first mix packet
constexpr int64_t kFrameUs = 20'000;
constexpr int kMaxCatchUpFrames = 5;
constexpr int64_t kVideoFrameUs = 60'000;            // about 16.7 frames a second
constexpr int64_t kKeyframeIntervalUs = 10'000'000;  // besides PLI and FIR
constexpr uint32_t kVideoTicksPerFrame = 90'000 * kVideoFrameUs / 1'000'000;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t Micros(absl::Duration d) { return absl::ToInt64Microseconds(d); }

std::string_view StageName(Participant::Stage stage) {
  switch (stage) {
    case Participant::Stage::kIdle: return "idle";
    case Participant::Stage::kConnecting: return "connecting";
    case Participant::Stage::kHello: return "hello";
    case Participant::Stage::kJoining: return "joining";
    case Participant::Stage::kNegotiating: return "negotiating";
    case Participant::Stage::kMedia: return "media";
    case Participant::Stage::kActive: return "active";
    case Participant::Stage::kLeaving: return "leaving";
  }
  return "?";
}

std::string StringField(const nlohmann::json& frame, const char* key) {
  const auto it = frame.find(key);
  return it != frame.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Participant::Participant(LoadContext& ctx, ParticipantSpec spec)
    : ctx_(ctx),
      spec_(spec),
      name_(absl::StrCat("Load r", spec.room, " p", spec.index_in_room)),
      guest_key_(absl::StrCat("load-guest-key-r", spec.room, "-p", spec.index_in_room)),
      room_(ctx.rooms[static_cast<size_t>(spec.room)]),
      probe_(ctx, spec.room, *this) {}

Participant::~Participant() { TearDown(); }

void Participant::EnterStage(Stage stage, int64_t now_us, int64_t timeout_us) {
  stage_ = stage;
  deadline_us_ = timeout_us > 0 ? now_us + timeout_us : 0;
}

void Participant::Join(int64_t now_us) {
  if (stage_ != Stage::kIdle) return;
  TearDown();
  ++ctx_.stats.join_attempts;
  join_started_us_ = now_us;
  rejoin_at_us_.reset();
  member_ = ctx_.next_member++;
  ws_ = WsClient::Create(ctx_.io, {.on_open = [this] { OnOpen(); },
                                   .on_text = [this](std::string_view text) {
                                     OnFrame(text, NowMicros());
                                   },
                                   .on_closed = [this](absl::Status s) { OnClosed(std::move(s)); }});
  EnterStage(Stage::kConnecting, now_us, kStageTimeoutUs);
  ws_->Connect(ctx_.server, ctx_.host_header);
}

void Participant::Send(const nlohmann::json& frame) {
  if (ws_) ws_->Send(frame.dump());
}

void Participant::OnOpen() {
  Send({{"type", "hello"}, {"version", 1}});
  EnterStage(Stage::kHello, NowMicros(), kStageTimeoutUs);
}

void Participant::OnFrame(std::string_view text, int64_t now_us) {
  const nlohmann::json frame = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!frame.is_object()) return Fail("a frame that is not a JSON object");
  const std::string type = StringField(frame, "type");
  if (type == "welcome" && stage_ == Stage::kHello) {
    if (spec_.moderator) {
      Send({{"type", "join"}, {"as", "moderator"}, {"session", room_.access.moderator_session},
            {"room", room_.access.id}});
    } else {
      Send({{"type", "join"}, {"as", "guest"}, {"url_token", room_.access.url_token},
            {"name", name_}, {"guest_key", guest_key_}});
    }
    EnterStage(Stage::kJoining, now_us, kStageTimeoutUs);
  } else if (type == "joined" && stage_ == Stage::kJoining) {
    OnJoined(now_us);
  } else if (type == "answer" && stage_ == Stage::kNegotiating) {
    OnAnswer(frame, now_us);
  } else if (type == "chat") {
    if (in_ledger_) ctx_.chat.OnChat(member_, StringField(frame, "text"));
  } else if (type == "error") {
    OnError(frame);
  } else if (type == "pong") {
    OnPong();
  } else if (type == "kicked" || type == "removed") {
    Fail(absl::StrCat("removed by the server (", type, " ", StringField(frame, "reason"), ")"));
  }
}

void Participant::OnJoined(int64_t now_us) {
  ctx_.stats.signalling_ms.push_back(static_cast<double>(now_us - join_started_us_) / 1000.0);
  ctx_.chat.Join(member_, spec_.room);
  in_ledger_ = true;
  peer_ = MediaPeer::Create(ctx_.io, ctx_.certificate, *this);
  if (absl::Status s = peer_->Open(ctx_.server.address().is_v6()); !s.ok()) {
    return Fail(Sv(s.message()));
  }
  const bool video = ctx_.options.video_kbps > 0;
  absl::StatusOr<std::string> offer = BuildClientOffer(
      {.ice = peer_->local_ice(),
       .fingerprint_sha256 = ctx_.certificate->fingerprint_sha256(),
       .candidate = peer_->local_endpoint(),
       .cname = absl::StrCat("load-", member_),
       .audio_ssrc = peer_->audio_ssrc(),
       .video_ssrc = video ? peer_->video_ssrc() : 0,
       .video_tiles = video ? ctx_.options.video_tiles : 0});
  if (!offer.ok()) return Fail(absl::StrCat("offer: ", offer.status().message()));
  Send({{"type", "offer"}, {"sdp", *offer}});
  EnterStage(Stage::kNegotiating, now_us, kStageTimeoutUs);
}

void Participant::OnAnswer(const nlohmann::json& frame, int64_t now_us) {
  absl::StatusOr<AnswerInfo> answer = ReadAnswer(StringField(frame, "sdp"));
  if (!answer.ok()) return Fail(absl::StrCat("answer: ", answer.status().message()));
  if (absl::Status s = peer_->Start(*answer, now_us); !s.ok()) {
    return Fail(absl::StrCat("ICE: ", s.message()));
  }
  EnterStage(Stage::kMedia, now_us, kMediaTimeoutUs);
}

void Participant::OnError(const nlohmann::json& frame) {
  const std::string code = StringField(frame, "code");
  const auto fatal = frame.find("fatal");
  if (fatal != frame.end() && fatal->is_boolean() && fatal->get<bool>()) {
    return Fail(absl::StrCat("error ", code, ": ", StringField(frame, "message")));
  }
  // A chat the server refused (rate, or the conference not running)
  // answers the oldest chat still without an echo.
  if (in_ledger_ && (code == "resource_exhausted" || code == "failed_precondition")) {
    ctx_.chat.OnChatRefused(member_);
    return;
  }
  ++ctx_.stats.unexpected_errors;
  ++ctx_.stats.failure_reasons[absl::StrCat("non-fatal error ", code)];
}

void Participant::OnPeerConnected(int64_t now_us) {
  next_frame_us_ = now_us;
  frames_ = 0;
  rtp_timestamp_base_ = static_cast<uint32_t>(ctx_.random());
  next_video_us_ = now_us;
  last_keyframe_us_ = 0;
}

void Participant::OnPeerFailed(absl::Status why) {
  Fail(absl::StrCat("media: ", why.message()));
}

void Participant::OnMixPacket(std::span<const uint8_t> opus_payload, int64_t arrival_us) {
  if (stage_ == Stage::kMedia) {
    ctx_.stats.join_ms.push_back(static_cast<double>(arrival_us - join_started_us_) / 1000.0);
    ++ctx_.stats.joins_completed;
    joined_once_ = true;
    EnterStage(Stage::kActive, arrival_us, 0);
    SetActive(true, arrival_us);
    const int64_t interval = Micros(ctx_.options.chat_interval);
    if (interval > 0) {
      next_chat_us_ = arrival_us + static_cast<int64_t>(ctx_.random() % static_cast<uint64_t>(interval));
    }
  }
  if (stage_ == Stage::kActive) probe_.OnMixPacket(opus_payload, arrival_us);
}

void Participant::SetActive(bool active, int64_t now_us) {
  const bool was = active_since_us_ != 0;
  if (active == was) return;
  active_since_us_ = active ? now_us : 0;
  ctx_.active_participants.fetch_add(active ? 1 : -1, std::memory_order_relaxed);
  if (spec_.talker) room_.talkers_changed_us = now_us;
}

void Participant::Leave(int64_t now_us, std::optional<int64_t> rejoin_after_us) {
  if (stage_ == Stage::kIdle) {
    rejoin_at_us_.reset();
    return;
  }
  if (stage_ != Stage::kActive) return;
  SetActive(false, now_us);
  Send({{"type", "leave"}});
  Send({{"type", "ping"}});
  ctx_.chat.LeaveSent(member_);
  EnterStage(Stage::kLeaving, now_us, kStageTimeoutUs);
  rejoin_at_us_ = rejoin_after_us ? std::optional<int64_t>(now_us + *rejoin_after_us) : std::nullopt;
}

void Participant::OnPong() {
  if (stage_ != Stage::kLeaving) return;
  ctx_.chat.Drained(member_);
  in_ledger_ = false;
  ++ctx_.stats.leaves;
  if (ws_) ws_->Close();  // a clean close, as a browser leaving does
  ws_.reset();
  TearDown();
  stage_ = Stage::kIdle;
  deadline_us_ = 0;
}

void Participant::Abort() {
  if (stage_ == Stage::kIdle) {
    rejoin_at_us_.reset();
    return;
  }
  if (stage_ != Stage::kActive && stage_ != Stage::kLeaving) ++ctx_.stats.aborted_at_stop;
  if (in_ledger_) ctx_.chat.Abandon(member_);
  in_ledger_ = false;
  SetActive(false, NowMicros());
  TearDown();
  stage_ = Stage::kIdle;
  rejoin_at_us_.reset();
}

void Participant::OnClosed(absl::Status status) {
  ws_.reset();
  Fail(absl::StrCat("socket closed: ", status.message()));
}

void Participant::Fail(std::string_view reason) {
  if (stage_ == Stage::kIdle) return;
  const int64_t now_us = NowMicros();
  std::string key = absl::StrCat(Sv(StageName(stage_)), ": ", Sv(reason));
  if (key.size() > 160) key.resize(160);
  ++ctx_.stats.failure_reasons[key];
  if (stage_ == Stage::kActive) {
    ++ctx_.stats.session_failures;
  } else if (stage_ == Stage::kLeaving) {
    ++ctx_.stats.leave_timeouts;
  } else {
    ++ctx_.stats.join_failures;
  }
  failed_once_ = true;
  if (in_ledger_) ctx_.chat.Abandon(member_);
  in_ledger_ = false;
  SetActive(false, now_us);
  const bool was_leaving = stage_ == Stage::kLeaving;
  TearDown();
  stage_ = Stage::kIdle;
  deadline_us_ = 0;
  if (!was_leaving && ctx_.accepting_joins) {
    rejoin_at_us_ = now_us + Micros(ctx_.options.rejoin_delay);
  }
}

void Participant::TearDown() {
  if (ws_) {
    ws_->Abort();
    ws_.reset();
  }
  if (peer_) {
    const PeerStats& s = peer_->stats();
    LoadStats& t = ctx_.stats;
    t.audio_sent += s.audio_packets_sent;
    t.mix_received += s.mix.received();
    t.mix_expected += s.mix.expected();
    t.video_sent += s.video_packets_sent;
    t.video_received += s.video_received();
    t.video_expected += s.video_expected();
    t.srtp_failures += s.srtp_failures;
    t.send_errors += s.send_errors;
    t.keyframe_requests += s.keyframe_requests;
    peer_->Close();
    peer_.reset();
  }
  probe_.Reset();
}

void Participant::Tick(int64_t now_us) {
  if (stage_ == Stage::kIdle) {
    if (rejoin_at_us_ && now_us >= *rejoin_at_us_ && ctx_.accepting_joins) Join(now_us);
    return;
  }
  if (deadline_us_ != 0 && now_us > deadline_us_) {
    return Fail("timed out");
  }
  if (const std::shared_ptr<MediaPeer> peer = peer_) {
    peer->Poll(now_us);  // may fail the join: the local copy keeps the peer alive
  }
  if (!peer_ || !peer_->connected()) return;
  if (stage_ == Stage::kMedia || stage_ == Stage::kActive) SendMedia(now_us);
  if (stage_ == Stage::kActive) {
    SendChat(now_us);
    probe_.Tick(now_us);
  }
}

void Participant::SendMedia(int64_t now_us) {
  const ToneBank& tones = *ctx_.tones;
  for (int n = 0; n < kMaxCatchUpFrames && next_frame_us_ <= now_us; ++n) {
    const int64_t due = next_frame_us_;
    const bool tone = spec_.talker && ctx_.schedule.Talking(spec_.room, due);
    const OpusFrame& frame = tone ? tones.ToneFrame(spec_.index_in_room, frames_) : tones.Silence();
    peer_->SendAudio(frame, rtp_timestamp_base_ + static_cast<uint32_t>(frames_) * kFrameTicks);
    ctx_.stats.send_lateness.Add(static_cast<double>(now_us - due) / 1000.0);
    if (tone) {
      const int64_t cycle = ctx_.schedule.Cycle(spec_.room, due);
      if (room_.onset_cycle != cycle) {
        room_.onset_cycle = cycle;
        room_.onset_sent_us = now_us;
      }
    }
    ++frames_;
    next_frame_us_ += kFrameUs;
  }
  if (next_frame_us_ <= now_us) {  // too far behind: skip, as a stalled sender would
    const int64_t skipped = (now_us - next_frame_us_) / kFrameUs + 1;
    frames_ += static_cast<uint64_t>(skipped);
    next_frame_us_ += skipped * kFrameUs;
    ctx_.stats.frames_skipped += static_cast<uint64_t>(skipped);
  }

  if (ctx_.options.video_kbps <= 0 || now_us < next_video_us_) return;
  const bool keyframe = peer_->TakeKeyframeRequest() || last_keyframe_us_ == 0 ||
                        now_us - last_keyframe_us_ >= kKeyframeIntervalUs;
  if (keyframe) last_keyframe_us_ = now_us;
  const size_t bytes =
      static_cast<size_t>(ctx_.options.video_kbps) * 1000 / 8 * kVideoFrameUs / 1'000'000;
  const auto video_frame = static_cast<uint32_t>(next_video_us_ / kVideoFrameUs);
  peer_->SendVideoFrame(bytes, rtp_timestamp_base_ + video_frame * kVideoTicksPerFrame, keyframe);
  next_video_us_ = std::max(next_video_us_ + kVideoFrameUs, now_us - kVideoFrameUs);
}

void Participant::SendChat(int64_t now_us) {
  const int64_t interval = Micros(ctx_.options.chat_interval);
  if (interval <= 0 || now_us < next_chat_us_) return;
  Send({{"type", "chat"}, {"text", ctx_.chat.Post(member_)}});
  std::uniform_int_distribution<int64_t> jitter(interval * 8 / 10, interval * 12 / 10);
  next_chat_us_ = now_us + jitter(ctx_.random);
}

}  // namespace konfero::load
