// control_plane.cc: konfero::Engine on the control thread: legs,
// negotiation, stats, and the workers' reports.
#include "control/control_plane.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "control/rtp_leg_options.h"
#include "dtmf/telephone_event.h"
#include "openssl/rand.h"

namespace konfero {
namespace control {
namespace {

uint32_t RandomSsrc() {
  uint32_t ssrc = 0;
  while (ssrc == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&ssrc), sizeof(ssrc));
  return ssrc;
}

uint64_t RandomSessionId() {
  uint64_t id = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof(id));
  return id >> 2;  // SDP o= session ids are best kept in 62 bits
}

absl::Status NoMedia(ParticipantId participant) {
  return absl::NotFoundError(
      absl::StrCat("participant ", ToInt(participant), " has no media connection"));
}

}  // namespace

// The workers' ReportSink. A report becomes a task on the control thread;
// a task that runs after the engine is gone finds `alive_` expired and does
// nothing.
class ControlPlane::Inbox final : public media::ReportSink {
 public:
  Inbox(ControlExecutor& executor, ControlPlane& plane)
      : executor_(executor), alive_(std::make_shared<ControlPlane*>(&plane)) {}
  void Deliver(media::MediaReport report) override {
    executor_.Post([weak = std::weak_ptr<ControlPlane*>(alive_),
                    report = std::move(report)] {
      if (std::shared_ptr<ControlPlane*> plane = weak.lock()) (*plane)->Apply(report);
    });
  }

 private:
  ControlExecutor& executor_;
  std::shared_ptr<ControlPlane*> alive_;
};

ControlPlane::ControlPlane(RoomService& rooms, Options options,
                           std::shared_ptr<const dtls::DtlsCertificate> certificate)
    : rooms_(rooms), options_(std::move(options)), certificate_(std::move(certificate)) {}

ControlPlane::~ControlPlane() {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  rooms_.Unsubscribe(subscription_);
  plane_.reset();  // stops the workers: no report follows
  inbox_.reset();  // reports still queued in the executor do nothing
}

absl::Status ControlPlane::Init() {
  if (options_.executor == nullptr) {
    return absl::InvalidArgumentError(
        "Engine::Options::executor is required: it runs the workers' reports on the "
        "control thread (konfero::TaskQueue, or your event loop)");
  }
  auto address = net::IpEndpoint::Parse(options_.bind_address, options_.port);
  if (!address) {
    return absl::InvalidArgumentError(
        absl::StrCat("bind_address is not an IP address: ", options_.bind_address));
  }
  if (options_.consent_timeout < absl::Seconds(1)) {
    return absl::InvalidArgumentError("consent_timeout must be at least 1 s");
  }
  if (options_.workers == 0) {
    options_.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  if (options_.workers < 1 || options_.workers > 64) {
    return absl::InvalidArgumentError("workers must be 0 (one per core) to 64");
  }
  if ((options_.rtp_port_min == 0) != (options_.rtp_port_max == 0) ||
      options_.rtp_port_min > options_.rtp_port_max ||
      (options_.rtp_port_min != 0 && options_.rtp_port_max - options_.rtp_port_min < 1)) {
    return absl::InvalidArgumentError(
        "rtp_port_min and rtp_port_max: both 0, or a range of at least two ports");
  }
  for (const std::string& a : options_.announced_addresses) {
    if (!net::IpEndpoint::Parse(a, 0)) {
      return absl::InvalidArgumentError(
          absl::StrCat("announced address is not an IP address: ", a));
    }
  }
  media::MediaPlaneConfig config;
  config.mixer = options_.mixer;
  for (int i = 0; i < options_.workers; ++i) {
    config.bind.push_back(*net::IpEndpoint::Parse(
        options_.bind_address,
        options_.port == 0 ? 0 : static_cast<uint16_t>(options_.port + i)));
  }
  ports_ = std::make_unique<RtpPortPool>(options_.bind_address, options_.rtp_port_min,
                                         options_.rtp_port_max);
  inbox_ = std::make_unique<Inbox>(*options_.executor, *this);
  const MonotonicClock& clock =
      options_.clock != nullptr ? *options_.clock : static_cast<const MonotonicClock&>(steady_clock_);
  absl::StatusOr<std::unique_ptr<media::MediaPlane>> plane =
      media::MediaPlane::Start(config, certificate_, *inbox_, clock);
  if (!plane.ok()) return plane.status();
  plane_ = *std::move(plane);
  subscription_ = rooms_.Subscribe(std::nullopt, [this](const Event& e) { OnRoomEvent(e); });
  return absl::OkStatus();
}

// ---- WebRTC legs ----------------------------------------------------------------------

LocalParams ControlPlane::MakeLocalParams(size_t worker, uint32_t audio_ssrc) const {
  LocalParams local;
  local.ice = stun::GenerateIceCredentials();
  local.fingerprint_sha256 = certificate_->fingerprint_sha256();
  local.audio_ssrc = audio_ssrc;
  local.cname = "konfero";
  const net::IpEndpoint bound = plane_->local_endpoint(worker);
  if (options_.announced_addresses.empty()) {
    local.candidates.push_back(bound);
  } else {
    for (const std::string& a : options_.announced_addresses) {
      local.candidates.push_back(*net::IpEndpoint::Parse(a, bound.port()));
    }
  }
  return local;
}

absl::StatusOr<std::string> ControlPlane::Connect(ParticipantId participant,
                                                  std::string_view offer) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
  if (!info.ok()) return info.status();
  const size_t worker = plane_->WorkerFor(info->room);

  auto existing = legs_.find(participant);
  const bool webrtc = existing != legs_.end() && existing->second.kind == LegKind::kWebRtc;
  const WebRtcNegotiation* last = webrtc ? &existing->second.webrtc : nullptr;
  LocalParams local = MakeLocalParams(worker, last ? last->audio_ssrc : RandomSsrc());
  if (last) local.known_slots = last->video.slots;
  absl::StatusOr<Negotiated> negotiated = NegotiateOffer(offer, local);
  if (!negotiated.ok()) return negotiated.status();
  media::PeerSetup& setup = negotiated->setup;
  setup.participant = participant;
  setup.room = info->room;
  setup.consent_timeout = options_.consent_timeout;

  const OfferCase what = ClassifyOffer(
      last, webrtc ? existing->second.room : RoomId{}, webrtc ? existing->second.worker : 0,
      info->room, worker, setup.dtls.remote_fingerprint, setup.remote_ice.ufrag);
  switch (what) {
    case OfferCase::kRenegotiation: {
      // Our ICE credentials, SSRCs, DTLS and SRTP stay; only the video
      // sections change.
      LegRecord& record = existing->second;
      local.ice = record.webrtc.local_ice;
      negotiated = NegotiateOffer(offer, local);
      if (!negotiated.ok()) return negotiated.status();
      record.webrtc.video = negotiated->setup.video;
      Send(record, media::UpdateVideo{participant, negotiated->setup.video});
      return std::move(negotiated->answer);
    }
    case OfferCase::kIceRestart: {
      // DTLS, SRTP, the mixer slot and the streams stay.
      LegRecord& record = existing->second;
      record.webrtc.remote_ufrag = setup.remote_ice.ufrag;
      record.webrtc.local_ice = setup.local_ice;
      record.webrtc.video = setup.video;
      Send(record, media::RestartIce{participant, setup.local_ice, setup.remote_ice, setup.video});
      return std::move(negotiated->answer);
    }
    case OfferCase::kNewTransport:
      RemoveLegElsewhere(participant, worker);
      StartWebRtcLeg(*info, worker, std::move(setup), local.audio_ssrc);
      return std::move(negotiated->answer);
  }
  return absl::InternalError("unreachable");
}

absl::StatusOr<std::string> ControlPlane::CreateOffer(ParticipantId participant) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
  if (!info.ok()) return info.status();
  const size_t worker = plane_->WorkerFor(info->room);
  PendingOffer pending{MakeLocalParams(worker, RandomSsrc()), {}, worker};
  absl::StatusOr<ServerOffer> offer = BuildServerOffer(pending.local);
  if (!offer.ok()) return offer.status();
  pending.offer = *std::move(offer);
  std::string text = pending.offer.text;
  pending_offers_[participant] = std::move(pending);
  return text;
}

absl::Status ControlPlane::AcceptAnswer(ParticipantId participant, std::string_view answer) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  auto it = pending_offers_.find(participant);
  if (it == pending_offers_.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no offer is waiting for participant ", ToInt(participant),
        "'s answer; call CreateOffer first"));
  }
  absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
  if (!info.ok()) return info.status();
  absl::StatusOr<media::PeerSetup> setup =
      ApplyAnswer(it->second.offer, answer, it->second.local);
  if (!setup.ok()) return setup.status();  // the offer stays for a corrected answer
  setup->participant = participant;
  setup->room = info->room;
  setup->consent_timeout = options_.consent_timeout;
  const uint32_t ssrc = it->second.local.audio_ssrc;
  const size_t worker = it->second.worker;
  pending_offers_.erase(it);
  RemoveLegElsewhere(participant, worker);
  StartWebRtcLeg(*info, worker, *std::move(setup), ssrc);
  return absl::OkStatus();
}

void ControlPlane::StartWebRtcLeg(const ParticipantInfo& info, size_t worker,
                                  media::PeerSetup setup, uint32_t audio_ssrc) {
  LegRecord record;
  record.kind = LegKind::kWebRtc;
  record.room = info.room;
  record.worker = worker;
  record.counters = std::make_shared<media::LegCounters>(LegKind::kWebRtc);
  record.webrtc = {audio_ssrc, setup.local_ice, setup.remote_ice.ufrag,
                   setup.dtls.remote_fingerprint, setup.video};
  Send(record, media::AddWebRtcLeg{std::move(setup), record.counters, info.waiting, info.muted});
  legs_[info.id] = std::move(record);
}

// ---- Plain-RTP legs --------------------------------------------------------------------

absl::StatusOr<plain_rtp::PlainRtpLocal> ControlPlane::MakeRtpLocal(
    const RtpLegOptions& options, std::shared_ptr<media::RtpSockets>* sockets) {
  absl::StatusOr<std::shared_ptr<media::RtpSockets>> bound = ports_->Bind();
  if (!bound.ok()) return bound.status();
  *sockets = *std::move(bound);
  plain_rtp::PlainRtpLocal local;
  const std::string& address = options_.announced_addresses.empty()
                                   ? options_.bind_address
                                   : options_.announced_addresses.front();
  local.rtp = *net::IpEndpoint::Parse(address, (*sockets)->rtp->local_endpoint().port());
  local.ssrc = RandomSsrc();
  if (!options.codecs.empty()) local.codecs = options.codecs;
  local.session_id = RandomSessionId();
  local.session_version = 1;
  return local;
}

absl::StatusOr<std::string> ControlPlane::ConnectRtp(ParticipantId participant,
                                                     std::string_view offer,
                                                     const RtpLegOptions& options) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<plain_rtp::PlainRtpLegOptions> leg_options = ToLegOptions(options);
  if (!leg_options.ok()) return leg_options.status();
  absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
  if (!info.ok()) return info.status();

  auto existing = legs_.find(participant);
  if (existing != legs_.end() && existing->second.kind == LegKind::kPlainRtp &&
      existing->second.room == info->room) {
    // A re-offer on the same leg (hold, resume, a new address): same port
    // and SSRC, the next session version. A refused re-offer changes nothing.
    LegRecord& record = existing->second;
    plain_rtp::PlainRtpLocal local = record.rtp_local;
    ++local.session_version;
    absl::StatusOr<plain_rtp::PlainRtpNegotiated> negotiated =
        plain_rtp::NegotiatePlainRtpOffer(offer, local);
    if (!negotiated.ok()) return negotiated.status();
    record.rtp_local = local;
    record.rtp_params = negotiated->params;
    Send(record, media::UpdateRtpLeg{participant, negotiated->params});
    return std::move(negotiated->answer);
  }

  std::shared_ptr<media::RtpSockets> sockets;
  absl::StatusOr<plain_rtp::PlainRtpLocal> local = MakeRtpLocal(options, &sockets);
  if (!local.ok()) return local.status();
  absl::StatusOr<plain_rtp::PlainRtpNegotiated> negotiated =
      plain_rtp::NegotiatePlainRtpOffer(offer, *local);
  if (!negotiated.ok()) return negotiated.status();  // the sockets close
  pending_offers_.erase(participant);
  pending_rtp_offers_.erase(participant);
  StartRtpLeg(*info, *std::move(local), negotiated->params, *leg_options, std::move(sockets));
  return std::move(negotiated->answer);
}

absl::StatusOr<std::string> ControlPlane::CreateRtpOffer(ParticipantId participant,
                                                         const RtpLegOptions& options) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<plain_rtp::PlainRtpLegOptions> leg_options = ToLegOptions(options);
  if (!leg_options.ok()) return leg_options.status();
  absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
  if (!info.ok()) return info.status();
  PendingRtpOffer pending;
  absl::StatusOr<plain_rtp::PlainRtpLocal> local = MakeRtpLocal(options, &pending.sockets);
  if (!local.ok()) return local.status();
  absl::StatusOr<plain_rtp::PlainRtpOffer> offer = plain_rtp::BuildPlainRtpOffer(*local);
  if (!offer.ok()) return offer.status();
  pending.local = *std::move(local);
  pending.offer = *std::move(offer);
  pending.options = *leg_options;
  std::string text = pending.offer.text;
  pending_rtp_offers_[participant] = std::move(pending);  // replaces an earlier one
  return text;
}

absl::Status ControlPlane::AcceptRtpAnswer(ParticipantId participant, std::string_view answer) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  auto it = pending_rtp_offers_.find(participant);
  if (it == pending_rtp_offers_.end()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no RTP offer is waiting for participant ", ToInt(participant),
        "'s answer; call CreateRtpOffer first"));
  }
  absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
  if (!info.ok()) return info.status();
  absl::StatusOr<plain_rtp::PlainRtpParams> params =
      plain_rtp::ApplyPlainRtpAnswer(it->second.offer, answer, it->second.local);
  if (!params.ok()) return params.status();  // the offer stays for a corrected answer
  PendingRtpOffer pending = std::move(it->second);
  pending_rtp_offers_.erase(it);
  StartRtpLeg(*info, std::move(pending.local), *params, pending.options,
              std::move(pending.sockets));
  return absl::OkStatus();
}

void ControlPlane::StartRtpLeg(const ParticipantInfo& info, plain_rtp::PlainRtpLocal local,
                               plain_rtp::PlainRtpParams params,
                               plain_rtp::PlainRtpLegOptions options,
                               std::shared_ptr<media::RtpSockets> sockets) {
  const size_t worker = plane_->WorkerFor(info.room);
  RemoveLegElsewhere(info.id, worker);
  LegRecord record;
  record.kind = LegKind::kPlainRtp;
  record.room = info.room;
  record.worker = worker;
  record.counters = std::make_shared<media::LegCounters>(LegKind::kPlainRtp);
  record.rtp_local = std::move(local);
  record.rtp_params = params;
  media::RtpLegSetup setup{info.id, info.room, params, options, std::move(sockets)};
  Send(record, media::AddRtpLeg{std::move(setup), record.counters, info.waiting, info.muted});
  legs_[info.id] = std::move(record);
}

absl::Status ControlPlane::SendDtmf(ParticipantId participant, std::string_view digits) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  if (digits.empty() || digits.size() > 64) {
    return absl::InvalidArgumentError("digits: 1 to 64 of 0-9, *, #, A-D");
  }
  for (char c : digits) {
    if (!dtmf::DigitToEvent(c)) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", std::string(1, c), "' is not a DTMF digit (0-9, *, #, A-D)"));
    }
  }
  absl::StatusOr<LegRecord*> record = FindLeg(participant);
  if (!record.ok()) return record.status();
  if ((*record)->kind != LegKind::kPlainRtp) {
    return absl::FailedPreconditionError(absl::StrCat(
        "participant ", ToInt(participant), " has a WebRTC leg; DTMF goes to plain-RTP legs"));
  }
  if ((*record)->rtp_params.telephone_event_pt == 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "participant ", ToInt(participant), "'s leg negotiated no telephone-event"));
  }
  Send(**record, media::SendDigits{participant, std::string(digits)});
  return absl::OkStatus();
}

void ControlPlane::SetDtmfHandler(DtmfHandler handler) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  dtmf_handler_ = std::move(handler);
}

// ---- Any leg ---------------------------------------------------------------------------

void ControlPlane::RemoveLegElsewhere(ParticipantId participant, size_t worker) {
  auto existing = legs_.find(participant);
  if (existing != legs_.end() && existing->second.worker != worker) {
    Send(existing->second, media::RemoveLeg{participant});
  }
}

void ControlPlane::Send(const LegRecord& record, media::MediaCommand command) {
  plane_->Send(record.worker, std::move(command));
}

absl::StatusOr<ControlPlane::LegRecord*> ControlPlane::FindLeg(ParticipantId participant) {
  auto it = legs_.find(participant);
  if (it == legs_.end()) return NoMedia(participant);
  return &it->second;
}

absl::Status ControlPlane::Disconnect(ParticipantId participant) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  auto it = legs_.find(participant);
  if (it == legs_.end()) return NoMedia(participant);
  Send(it->second, media::RemoveLeg{participant});
  legs_.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<PeerStats> ControlPlane::GetStats(ParticipantId participant) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<LegRecord*> record = FindLeg(participant);
  if (!record.ok()) return record.status();
  return (*record)->counters->Snapshot();
}

EngineTotals ControlPlane::GetTotals() const {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  EngineTotals t;
  for (const auto& [id, record] : legs_) {
    const PeerStats s = record.counters->Snapshot();
    ++t.peers;
    if (record.kind == LegKind::kPlainRtp) ++t.rtp_legs;
    t.rtp_packets_in += s.rtp_packets_in;
    t.rtp_packets_out += s.rtp_packets_out;
    t.bytes_in += s.bytes_in;
    t.bytes_out += s.bytes_out;
    t.layer_switches += s.layer_switches;
  }
  const media::WorkerMedia::TickStats ticks = plane_->tick_stats();
  t.mixer_ticks = ticks.ticks;
  t.mixer_tick_seconds = static_cast<double>(ticks.total_ns) * 1e-9;
  t.mixer_tick_max_seconds = static_cast<double>(ticks.max_ns) * 1e-9;
  t.mixer_tick_p99_seconds = static_cast<double>(ticks.window_p99_ns) * 1e-9;
  t.mixer_tick_cpu_p99_seconds = static_cast<double>(ticks.window_cpu_p99_ns) * 1e-9;
  return t;
}

absl::Status ControlPlane::SetVideoSubscription(ParticipantId subscriber, std::string_view mid,
                                                const VideoSubscription& subscription) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  if (subscription.max_width < 0 || subscription.max_height < 0) {
    return absl::InvalidArgumentError("max_width and max_height must be >= 0");
  }
  absl::StatusOr<LegRecord*> record = FindLeg(subscriber);
  if (!record.ok()) return record.status();
  const auto& slots = (*record)->webrtc.video.slots;
  if (std::none_of(slots.begin(), slots.end(),
                   [mid](const media::VideoSlotParams& s) { return s.mid == mid; })) {
    return absl::NotFoundError(absl::StrCat("participant ", ToInt(subscriber),
                                            " receives no video on mid '", Sv(mid), "'"));
  }
  Send(**record, media::SetVideoSubscription{subscriber, std::string(mid), subscription});
  return absl::OkStatus();
}

absl::Status ControlPlane::SetVideoPaused(ParticipantId publisher, VideoSource source,
                                          bool paused) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<LegRecord*> record = FindLeg(publisher);
  if (!record.ok()) return record.status();
  const auto& publications = (*record)->webrtc.video.publications;
  if (std::none_of(publications.begin(), publications.end(),
                   [source](const media::VideoPublicationParams& p) {
                     return p.source == source;
                   })) {
    return absl::NotFoundError(absl::StrCat("participant ", ToInt(publisher), " publishes no ",
                                            source == VideoSource::kScreen ? "screen share"
                                                                           : "camera"));
  }
  Send(**record, media::SetVideoPaused{publisher, source, paused});
  return absl::OkStatus();
}

absl::Status ControlPlane::SetEgressImpairment(ParticipantId participant,
                                               const NetworkImpairment& impairment) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  if (!(impairment.loss >= 0 && impairment.loss <= 1) || impairment.max_bitrate_bps < 0) {
    return absl::InvalidArgumentError("loss must be in 0..1 and max_bitrate_bps >= 0");
  }
  absl::StatusOr<LegRecord*> record = FindLeg(participant);
  if (!record.ok()) return record.status();
  Send(**record, media::SetImpairment{participant, impairment});
  return absl::OkStatus();
}

std::optional<ParticipantId> ControlPlane::ActiveSpeaker(RoomId room) const {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  auto it = active_speakers_.find(room);
  if (it == active_speakers_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ControlPlane::listen_addresses() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < plane_->worker_count(); ++i) {
    out.push_back(plane_->local_endpoint(i).ToString());
  }
  return out;
}

// ---- Reports ---------------------------------------------------------------------------

void ControlPlane::Apply(const media::MediaReport& report) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  if (const auto* changed = std::get_if<media::LegStateChanged>(&report)) {
    if (changed->state != PeerState::kFailed || !legs_.contains(changed->participant)) return;
    if (std::getenv("KONFERO_DEBUG")) {
      std::fprintf(stderr, "konfero: leg of participant %llu failed: %s\n",
                   static_cast<unsigned long long>(ToInt(changed->participant)),
                   changed->reason.c_str());
    }
    // The leg is gone (consent expired, DTLS failed, RTP timeout, BYE): the
    // participant leaves its room, whose event removes the leg.
    (void)rooms_.Disconnect(changed->participant);
    (void)Disconnect(changed->participant);
  } else if (const auto* speaker = std::get_if<media::ActiveSpeakerChanged>(&report)) {
    if (legs_.contains(speaker->participant)) {
      active_speakers_[speaker->room] = speaker->participant;
    }
  } else if (const auto* digit = std::get_if<media::DigitReceived>(&report)) {
    if (legs_.contains(digit->participant) && dtmf_handler_) {
      dtmf_handler_(digit->participant, digit->digit);
    }
  } else if (const auto* call = std::get_if<media::CallReport>(&report)) {
    ApplyCallReport(call->event);
  } else if (const auto* released = std::get_if<media::CallReleased>(&report)) {
    AdoptReleasedCall(released->call, released->leg);
  }
}

}  // namespace control

absl::StatusOr<std::unique_ptr<Engine>> Engine::Start(RoomService& rooms, Options options) {
  absl::StatusOr<std::shared_ptr<const dtls::DtlsCertificate>> certificate =
      dtls::DtlsCertificate::Generate(absl::Now());
  if (!certificate.ok()) return certificate.status();
  auto engine = std::make_unique<control::ControlPlane>(rooms, std::move(options),
                                                        *std::move(certificate));
  if (absl::Status s = engine->Init(); !s.ok()) return s;
  return engine;
}

}  // namespace konfero
