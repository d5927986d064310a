// engine_bindings.cc: konfero.Engine, WebRTC and plain-RTP media for a
// RoomService's rooms, and konfero.TaskQueue, which carries the media
// workers' reports to the Python thread.
//
// The engine is driven from the thread that drives its RoomService (the
// Python thread that calls both; the GIL policy of bindings.h applies).
// The workers post their reports (a leg that failed, a DTMF digit, a call
// event, the active speaker) to a TaskQueue; its file descriptor becomes readable
// then, and run_pending() applies them, which may run RoomService event
// callbacks. With asyncio: loop.add_reader(queue.fileno(), queue.run_pending)
// (konfero.attach_to_asyncio does that); without: queue.wait(timeout).
#include <memory>

#include "bindings.h"
#include "konfero/engine.h"

namespace konfero::python {
namespace {

class EngineHandle final : public Dependent {
 public:
  // Registers with the service, whose close() then stops the engine first.
  EngineHandle(std::unique_ptr<Engine> engine, py::object service, py::object queue)
      : engine_(std::move(engine)), service_(std::move(service)), queue_(std::move(queue)) {
    AddRoomServiceDependent(service_, this);
  }
  ~EngineHandle() {
    Stop();
    // The Python thread may free the Python objects the handlers hold.
    py::gil_scoped_acquire gil;
    dtmf_handler_ = py::object();
    call_handler_ = py::object();
  }
  Engine& get() {
    if (!engine_) ThrowIfError(absl::FailedPreconditionError("Engine is stopped"));
    return *engine_;
  }
  const py::object& queue() const { return queue_; }
  // Stops the workers (joining their threads) and closes every leg. The
  // workers may wait for the GIL (they do not: they only post to the
  // queue), so no GIL juggling is needed. A DialInService that borrows
  // the engine stops first.
  void Stop() {
    if (call_owner_ != nullptr) call_owner_->StopBeforeOwner();
    if (!engine_) return;
    engine_.reset();
    RemoveRoomServiceDependent(service_, this);
  }
  void StopBeforeOwner() override { Stop(); }
  void SetDtmfHandler(py::object handler) {
    dtmf_handler_ = handler;
    if (handler.is_none()) {
      get().SetDtmfHandler(nullptr);
      return;
    }
    // Called from queue.run_pending(), on the Python thread with the GIL.
    get().SetDtmfHandler([this](ParticipantId participant, char digit) {
      try {
        dtmf_handler_(participant, std::string(1, digit));
      } catch (py::error_already_set& e) {
        // The other reports of the batch still run.
        e.discard_as_unraisable("konfero.Engine DTMF handler");
      }
    });
  }
  void SetCallHandler(py::object handler) {
    if (call_owner_ != nullptr) {
      ThrowIfError(absl::FailedPreconditionError(
          "a DialInService answers this engine's calls; close it before "
          "setting on_call_event"));
    }
    Engine& engine = get();
    call_handler_ = handler;
    if (handler.is_none()) {
      engine.SetCallHandler(nullptr);
      return;
    }
    engine.SetCallHandler([this](const CallEvent& event) {
      try {
        call_handler_(event);
      } catch (py::error_already_set& e) {
        e.discard_as_unraisable("konfero.Engine call handler");
      }
    });
  }
  void AddCallOwner(Dependent* owner) {
    get();
    if (call_owner_ != nullptr) {
      ThrowIfError(absl::FailedPreconditionError(
          "the engine already has a DialInService; close it first"));
    }
    if (!call_handler_.is_none()) {
      ThrowIfError(absl::FailedPreconditionError(
          "the engine has an on_call_event handler; set it to None before "
          "starting a DialInService"));
    }
    call_owner_ = owner;
  }
  void RemoveCallOwner(Dependent* owner) {
    if (call_owner_ == owner) call_owner_ = nullptr;
  }

 private:
  std::unique_ptr<Engine> engine_;
  py::object service_;  // the RoomService, which the engine borrows
  py::object queue_;  // keeps the TaskQueue alive as long as the engine
  py::object dtmf_handler_;
  py::object call_handler_ = py::none();
  Dependent* call_owner_ = nullptr;  // a DialInService, which must stop first
};

}  // namespace

void BindEngine(py::module_& m) {
  py::class_<TaskQueue>(m, "TaskQueue",
                        "Runs the media workers' reports on the Python thread. Its "
                        "file descriptor is readable while reports wait.")
      .def(py::init([] { return Unwrap(TaskQueue::Create()); }))
      .def("fileno", &TaskQueue::fd, "The eventfd to watch (asyncio add_reader, select).")
      .def("run_pending", &TaskQueue::RunPending,
           "Applies the reports waiting now; returns how many.")
      .def(
          "wait",
          [](TaskQueue& q, double timeout) {
            return q.Wait(absl::Seconds(timeout));
          },
          py::arg("timeout"),
          "Sleeps until a report arrives or `timeout` seconds pass, then applies "
          "what waits; returns how many.")
      .def_property_readonly("pending", &TaskQueue::pending, "Reports waiting now.");

  py::enum_<LegKind>(m, "LegKind", "How a participant's media reaches the engine.")
      .value("WEBRTC", LegKind::kWebRtc)
      .value("PLAIN_RTP", LegKind::kPlainRtp);

  py::enum_<RtpLegOptions::InbandDtmf>(m, "InbandDtmf", "In-band DTMF detection.")
      .value("AUTO", RtpLegOptions::InbandDtmf::kAuto)
      .value("ON", RtpLegOptions::InbandDtmf::kOn)
      .value("OFF", RtpLegOptions::InbandDtmf::kOff);

  py::class_<RtpLegOptions> rtp_options(m, "RtpLegOptions",
                                        "How a plain-RTP leg behaves.");
  rtp_options.def_readwrite("symmetric_rtp", &RtpLegOptions::symmetric_rtp,
                            "Send to where the first packet came from (NAT).")
      .def_readwrite("rtp_timeout", &RtpLegOptions::rtp_timeout,
                     "Seconds without RTP before the leg ends (paused on hold).")
      .def_readwrite("inband_dtmf", &RtpLegOptions::inband_dtmf,
                     "In-band DTMF detection; AUTO: when the offer has no telephone-event.")
      .def_readwrite("codecs", &RtpLegOptions::codecs,
                     "Codecs accepted or offered, best first; empty: all.");
  DefKeywordInit(rtp_options);
  DefRepr(rtp_options, {"symmetric_rtp", "rtp_timeout", "inband_dtmf", "codecs"});

  py::enum_<PeerState>(m, "PeerState", "A peer's transport state.")
      .value("CONNECTING", PeerState::kConnecting)
      .value("CONNECTED", PeerState::kConnected)
      .value("DISCONNECTED", PeerState::kDisconnected)
      .value("FAILED", PeerState::kFailed)
      .value("CLOSED", PeerState::kClosed);

  py::class_<PeerStats> stats(m, "PeerStats", "Counters of one participant's media leg.");
  stats.def_readonly("kind", &PeerStats::kind, "WEBRTC or PLAIN_RTP.")
      .def_readonly("state", &PeerStats::state, "The transport's PeerState.")
      .def_readonly("rtp_packets_in", &PeerStats::rtp_packets_in, "RTP packets received.")
      .def_readonly("rtp_packets_out", &PeerStats::rtp_packets_out, "RTP packets sent.")
      .def_readonly("bytes_in", &PeerStats::bytes_in, "UDP payload bytes received.")
      .def_readonly("bytes_out", &PeerStats::bytes_out, "UDP payload bytes sent.")
      .def_readonly("srtp_failures", &PeerStats::srtp_failures, "Packets that failed SRTP authentication.")
      .def_readonly("data_messages_in", &PeerStats::data_messages_in, "Data-channel messages received.")
      .def_readonly("data_messages_out", &PeerStats::data_messages_out, "Data-channel messages sent.")
      .def_readonly("data_messages_dropped", &PeerStats::data_messages_dropped, "Data-channel messages dropped (buffer full).")
      .def_readonly("video_packets_in", &PeerStats::video_packets_in, "Video RTP packets received.")
      .def_readonly("video_packets_out", &PeerStats::video_packets_out, "Video RTP packets sent.")
      .def_readonly("rtx_packets_out", &PeerStats::rtx_packets_out, "Retransmissions sent (RTX).")
      .def_readonly("nacks_in", &PeerStats::nacks_in, "NACKs received.")
      .def_readonly("keyframe_requests_in", &PeerStats::keyframe_requests_in, "PLI/FIR received.")
      .def_readonly("keyframe_requests_out", &PeerStats::keyframe_requests_out, "PLI/FIR sent.")
      .def_readonly("transport_feedback_out", &PeerStats::transport_feedback_out, "Transport-wide congestion feedback sent.")
      .def_readonly("layer_switches", &PeerStats::layer_switches, "Simulcast layer switches for this subscriber.")
      .def_readonly("impairment_drops", &PeerStats::impairment_drops, "Packets dropped by set_egress_impairment.")
      .def_readonly("bandwidth_estimate_bps", &PeerStats::bandwidth_estimate_bps, "The send-side bandwidth estimate.")
      .def_readonly("rtcp_packets_in", &PeerStats::rtcp_packets_in, "RTCP packets received.")
      .def_readonly("rtcp_packets_out", &PeerStats::rtcp_packets_out, "RTCP packets sent.")
      .def_readonly("invalid_packets_in", &PeerStats::invalid_packets_in, "Packets that were not valid RTP/RTCP.")
      .def_readonly("dtmf_digits_in", &PeerStats::dtmf_digits_in, "DTMF digits received.");
  DefRepr(stats, {"kind", "state", "rtp_packets_in", "rtp_packets_out", "bytes_in",
                  "bytes_out", "srtp_failures", "data_messages_in",
                  "data_messages_out", "data_messages_dropped", "video_packets_in",
                  "video_packets_out",
                  "rtx_packets_out", "nacks_in", "keyframe_requests_in",
                  "keyframe_requests_out", "transport_feedback_out",
                  "layer_switches", "impairment_drops", "bandwidth_estimate_bps",
                  "rtcp_packets_in", "rtcp_packets_out", "invalid_packets_in",
                  "dtmf_digits_in"});

  py::class_<EngineTotals> totals(m, "EngineTotals",
                                  "Sums over the engine's current peers, for metrics.");
  totals.def_readonly("peers", &EngineTotals::peers, "Legs (WebRTC and plain RTP).")
      .def_readonly("rtp_legs", &EngineTotals::rtp_legs, "Of which plain RTP.")
      .def_readonly("rtp_packets_in", &EngineTotals::rtp_packets_in,
                    "RTP packets received from the peers.")
      .def_readonly("rtp_packets_out", &EngineTotals::rtp_packets_out,
                    "RTP packets sent to the peers.")
      .def_readonly("bytes_in", &EngineTotals::bytes_in, "UDP payload bytes received.")
      .def_readonly("bytes_out", &EngineTotals::bytes_out, "UDP payload bytes sent.")
      .def_readonly("layer_switches", &EngineTotals::layer_switches,
                    "Simulcast source switches on the peers' video slots.")
      .def_readonly("mixer_ticks", &EngineTotals::mixer_ticks,
                    "The workers' 20 ms media ticks since the engine started.")
      .def_readonly("mixer_tick_seconds", &EngineTotals::mixer_tick_seconds,
                    "Time spent in those ticks, in seconds.")
      .def_readonly("mixer_tick_max_seconds", &EngineTotals::mixer_tick_max_seconds,
                    "The longest tick, in seconds.");
  DefRepr(totals, {"peers", "rtp_legs", "rtp_packets_in", "rtp_packets_out", "bytes_in", "bytes_out",
                   "layer_switches", "mixer_ticks", "mixer_tick_seconds",
                   "mixer_tick_max_seconds"});

  py::enum_<VideoSource>(m, "VideoSource", "What a participant's video shows.")
      .value("CAMERA", VideoSource::kCamera)
      .value("SCREEN", VideoSource::kScreen);

  py::class_<Engine::Options> engine_options(m, "EngineOptions",
                                      "Where the media workers listen.");
  engine_options.def_readwrite("bind_address", &Engine::Options::bind_address,
                     "The address the workers bind.")
      .def_readwrite("port", &Engine::Options::port,
                     "The first worker's WebRTC UDP port (the others follow); 0: any.")
      .def_readwrite("workers", &Engine::Options::workers,
                     "Media worker threads; 0: one per core.")
      .def_readwrite("announced_addresses", &Engine::Options::announced_addresses,
                     "Addresses announced in ICE candidates and SDP (NAT); empty: the bound one.")
      .def_readwrite("consent_timeout", &Engine::Options::consent_timeout,
                     "Seconds without ICE consent before a peer is dropped.")
      .def_readwrite("rtp_port_min", &Engine::Options::rtp_port_min,
                     "Plain-RTP legs' port range (0 and 0: any free ports).")
      .def_readwrite("rtp_port_max", &Engine::Options::rtp_port_max,
                     "The top of the plain-RTP port range.");
  DefKeywordInit(engine_options);
  DefRepr(engine_options, {"bind_address", "port", "workers", "announced_addresses",
                    "consent_timeout", "rtp_port_min", "rtp_port_max"});

  py::class_<EngineHandle>(m, "Engine",
                           "WebRTC media (ICE-lite, DTLS-SRTP, data channels) "
                           "and audio mixing for the rooms of a RoomService.")
      .def_static(
          "start",
          [](py::object service, const Engine::Options& o, py::object queue) {
            Engine::Options options = o;
            options.executor = &queue.cast<TaskQueue&>();
            return std::make_unique<EngineHandle>(
                Unwrap(Engine::Start(RoomServiceOf(service), options)), service, queue);
          },
          py::arg("service"), py::arg("options"), py::arg("queue"),
          py::keep_alive<0, 1>(),
          "Starts the media workers for `service`'s rooms; their reports are "
          "applied by `queue` (a TaskQueue). Stop the engine before closing the "
          "service (service.close() stops it first).")
      .def(
          "connect",
          [](EngineHandle& h, ParticipantId participant, std::string_view offer) {
            return Unwrap(h.get().Connect(participant, offer));
          },
          py::arg("participant"), py::arg("offer"),
          "The participant's SDP offer in; the SDP answer out.")
      .def(
          "create_offer",
          [](EngineHandle& h, ParticipantId participant) {
            return Unwrap(h.get().CreateOffer(participant));
          },
          py::arg("participant"),
          "The reverse of connect(): the engine's SDP offer for the participant.")
      .def(
          "accept_answer",
          [](EngineHandle& h, ParticipantId participant, std::string_view answer) {
            ThrowIfError(h.get().AcceptAnswer(participant, answer));
          },
          py::arg("participant"), py::arg("answer"),
          "The participant's SDP answer to create_offer().")
      .def(
          "disconnect",
          [](EngineHandle& h, ParticipantId participant) {
            ThrowIfError(h.get().Disconnect(participant));
          },
          py::arg("participant"), "Closes the participant's media transport.")
      .def(
          "connect_rtp",
          [](EngineHandle& h, ParticipantId participant, std::string_view offer,
             const RtpLegOptions& options) {
            return Unwrap(h.get().ConnectRtp(participant, offer, options));
          },
          py::arg("participant"), py::arg("offer"), py::arg("options") = RtpLegOptions{},
          "A plain RTP/AVP offer (a phone's) in; the SDP answer out. Again for "
          "the same participant: a re-offer (hold, resume, new address).")
      .def(
          "create_rtp_offer",
          [](EngineHandle& h, ParticipantId participant, const RtpLegOptions& options) {
            return Unwrap(h.get().CreateRtpOffer(participant, options));
          },
          py::arg("participant"), py::arg("options") = RtpLegOptions{},
          "The engine's RTP/AVP offer for a plain-RTP leg.")
      .def(
          "accept_rtp_answer",
          [](EngineHandle& h, ParticipantId participant, std::string_view answer) {
            ThrowIfError(h.get().AcceptRtpAnswer(participant, answer));
          },
          py::arg("participant"), py::arg("answer"), "The answer to create_rtp_offer().")
      .def(
          "send_dtmf",
          [](EngineHandle& h, ParticipantId participant, std::string_view digits) {
            ThrowIfError(h.get().SendDtmf(participant, digits));
          },
          py::arg("participant"), py::arg("digits"),
          "Sends DTMF digits (0-9 * # A-D) to a plain-RTP leg as RFC 4733 events.")
      .def("on_dtmf", &EngineHandle::SetDtmfHandler, py::arg("handler"),
           "handler(participant, digit) for each digit a leg receives; None to stop.")
      .def(
          "answer_call",
          [](EngineHandle& h, std::string_view offer, const RtpLegOptions& options) {
            Engine::AnsweredCall c = Unwrap(h.get().AnswerCall(offer, options));
            return py::make_tuple(c.call, c.answer);
          },
          py::arg("offer"), py::arg("options") = RtpLegOptions{},
          "A phone call before its caller joins a room (the PIN prompt): the "
          "caller's RTP/AVP offer in; (call id, SDP answer) out. The call "
          "plays prompts and reports digits (on_call_event) but hears no room.")
      .def(
          "offer_call",
          [](EngineHandle& h, const RtpLegOptions& options) {
            Engine::OfferedCall c = Unwrap(h.get().OfferCall(options));
            return py::make_tuple(c.call, c.offer);
          },
          py::arg("options") = RtpLegOptions{},
          "For an INVITE without SDP: (call id, our SDP offer); the answer "
          "comes in the ACK (accept_call_answer).")
      .def(
          "accept_call_answer",
          [](EngineHandle& h, CallId call, std::string_view answer) {
            ThrowIfError(h.get().AcceptCallAnswer(call, answer));
          },
          py::arg("call"), py::arg("answer"), "The answer to offer_call().")
      .def(
          "update_call",
          [](EngineHandle& h, CallId call, std::string_view offer) {
            return Unwrap(h.get().UpdateCall(call, offer));
          },
          py::arg("call"), py::arg("offer"),
          "A re-offer before admission (hold, resume); returns the answer.")
      .def(
          "play_prompt",
          [](EngineHandle& h, CallId call, PromptId prompt, PromptLanguage language,
             bool interrupt) {
            ThrowIfError(h.get().PlayPrompt(call, prompt, language, interrupt));
          },
          py::arg("call"), py::arg("prompt"), py::arg("language"),
          py::arg("interrupt") = false,
          "Queues a prompt on a call; a PROMPTS_DONE CallEvent follows when "
          "the queue has played out. interrupt: what was queued stops first.")
      .def(
          "play_participant_prompt",
          [](EngineHandle& h, ParticipantId participant, PromptId prompt,
             PromptLanguage language) {
            ThrowIfError(h.get().PlayPrompt(participant, prompt, language));
          },
          py::arg("participant"), py::arg("prompt"), py::arg("language"),
          "A prompt to an admitted phone instead of the room's mix while it "
          "plays; FailedPreconditionError for a WebRTC leg.")
      .def(
          "admit_call",
          [](EngineHandle& h, CallId call, ParticipantId participant) {
            ThrowIfError(h.get().AdmitCall(call, participant));
          },
          py::arg("call"), py::arg("participant"),
          "The call's leg becomes the participant's (present in the "
          "RoomService, without a media leg): same ports and SSRC.")
      .def(
          "hang_up_call",
          [](EngineHandle& h, CallId call) { ThrowIfError(h.get().HangUpCall(call)); },
          py::arg("call"), "Ends a call that was not admitted (RTCP BYE).")
      .def("on_call_event", &EngineHandle::SetCallHandler, py::arg("handler"),
           "handler(event) for each CallEvent of a call not yet admitted "
           "(digit, prompts done, ended); None to stop. FailedPreconditionError "
           "while a DialInService uses the engine (it handles the calls).")
      .def(
          "stats",
          [](EngineHandle& h, ParticipantId participant) {
            return Unwrap(h.get().GetStats(participant));
          },
          py::arg("participant"), "The participant's transport counters.")
      .def(
          "totals", [](EngineHandle& h) { return h.get().GetTotals(); },
          "Counters summed over the peers connected now (an EngineTotals); a "
          "peer's counts leave the sums when it disconnects.")
      .def(
          "set_video_subscription",
          [](EngineHandle& h, ParticipantId subscriber, std::string_view mid, bool paused,
             int max_width, int max_height) {
            ThrowIfError(h.get().SetVideoSubscription(
                subscriber, mid, VideoSubscription{paused, max_width, max_height}));
          },
          py::arg("subscriber"), py::arg("mid"), py::arg("paused") = false,
          py::arg("max_width") = 0, py::arg("max_height") = 0,
          "The subscriber's tile for the video slot `mid`: its size (the SFU "
          "sends the simulcast layer that fits) or paused (nothing sent).")
      .def(
          "set_video_paused",
          [](EngineHandle& h, ParticipantId publisher, VideoSource source, bool paused) {
            ThrowIfError(h.get().SetVideoPaused(publisher, source, paused));
          },
          py::arg("publisher"), py::arg("source"), py::arg("paused"),
          "Camera (or screen share) off or on for everyone, without renegotiation.")
      .def(
          "set_egress_impairment",
          [](EngineHandle& h, ParticipantId participant, double loss,
             int64_t max_bitrate_bps) {
            ThrowIfError(h.get().SetEgressImpairment(
                participant, NetworkImpairment{loss, max_bitrate_bps}));
          },
          py::arg("participant"), py::arg("loss") = 0.0, py::arg("max_bitrate_bps") = 0,
          "Test hook: random loss (0..1) and a rate limit on what the server "
          "sends the participant.")
      .def(
          "active_speaker",
          [](EngineHandle& h, RoomId room) { return h.get().ActiveSpeaker(room); },
          py::arg("room"), "The room's active speaker, or None.")
      .def_property_readonly(
          "listen_addresses",
          [](EngineHandle& h) { return h.get().listen_addresses(); },
          "The UDP endpoints the workers listen on.")
      .def("stop", &EngineHandle::Stop, "Stops the workers; idempotent.");
}

Engine& EngineOf(py::handle engine) { return engine.cast<EngineHandle&>().get(); }

py::object EngineQueueOf(py::handle engine) {
  return engine.cast<EngineHandle&>().queue();
}

void AddEngineCallOwner(py::handle engine, Dependent* dependent) {
  engine.cast<EngineHandle&>().AddCallOwner(dependent);
}

void RemoveEngineCallOwner(py::handle engine, Dependent* dependent) {
  engine.cast<EngineHandle&>().RemoveCallOwner(dependent);
}

}  // namespace konfero::python
