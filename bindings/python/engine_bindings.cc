// engine_bindings.cc: konfero.Engine, WebRTC and plain-RTP media for a
// RoomService's rooms, and konfero.TaskQueue, which carries the media
// workers' reports to the Python thread.
//
// The engine is driven from the thread that drives its RoomService (the
// Python thread that calls both; the GIL policy of bindings.h applies).
// The workers post their reports (a leg that failed, a DTMF digit, the
// active speaker) to a TaskQueue; its file descriptor becomes readable
// then, and run_pending() applies them, which may run RoomService event
// callbacks. With asyncio: loop.add_reader(queue.fileno(), queue.run_pending)
// (konfero.attach_to_asyncio does that); without: queue.wait(timeout).
#include <memory>

#include "bindings.h"
#include "konfero/engine.h"

namespace konfero::python {
namespace {

class EngineHandle {
 public:
  EngineHandle(std::unique_ptr<Engine> engine, py::object queue)
      : engine_(std::move(engine)), queue_(std::move(queue)) {}
  ~EngineHandle() {
    Stop();
    // The Python thread may free the Python objects the DTMF handler holds.
    py::gil_scoped_acquire gil;
    dtmf_handler_ = py::object();
  }
  Engine& get() {
    if (!engine_) ThrowIfError(absl::FailedPreconditionError("Engine is stopped"));
    return *engine_;
  }
  // Stops the workers (joining their threads) and closes every leg. The
  // workers may wait for the GIL (they do not: they only post to the
  // queue), so no GIL juggling is needed.
  void Stop() { engine_.reset(); }
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

 private:
  std::unique_ptr<Engine> engine_;
  py::object queue_;  // keeps the TaskQueue alive as long as the engine
  py::object dtmf_handler_;
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
  stats.def_readonly("kind", &PeerStats::kind)
      .def_readonly("state", &PeerStats::state)
      .def_readonly("rtp_packets_in", &PeerStats::rtp_packets_in)
      .def_readonly("rtp_packets_out", &PeerStats::rtp_packets_out)
      .def_readonly("bytes_in", &PeerStats::bytes_in)
      .def_readonly("bytes_out", &PeerStats::bytes_out)
      .def_readonly("srtp_failures", &PeerStats::srtp_failures)
      .def_readonly("data_messages_in", &PeerStats::data_messages_in)
      .def_readonly("data_messages_out", &PeerStats::data_messages_out)
      .def_readonly("data_messages_dropped", &PeerStats::data_messages_dropped)
      .def_readonly("video_packets_in", &PeerStats::video_packets_in)
      .def_readonly("video_packets_out", &PeerStats::video_packets_out)
      .def_readonly("rtx_packets_out", &PeerStats::rtx_packets_out)
      .def_readonly("nacks_in", &PeerStats::nacks_in)
      .def_readonly("keyframe_requests_in", &PeerStats::keyframe_requests_in)
      .def_readonly("keyframe_requests_out", &PeerStats::keyframe_requests_out)
      .def_readonly("transport_feedback_out", &PeerStats::transport_feedback_out)
      .def_readonly("layer_switches", &PeerStats::layer_switches)
      .def_readonly("impairment_drops", &PeerStats::impairment_drops)
      .def_readonly("bandwidth_estimate_bps", &PeerStats::bandwidth_estimate_bps)
      .def_readonly("rtcp_packets_in", &PeerStats::rtcp_packets_in)
      .def_readonly("rtcp_packets_out", &PeerStats::rtcp_packets_out)
      .def_readonly("invalid_packets_in", &PeerStats::invalid_packets_in)
      .def_readonly("dtmf_digits_in", &PeerStats::dtmf_digits_in);
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
  engine_options.def_readwrite("bind_address", &Engine::Options::bind_address)
      .def_readwrite("port", &Engine::Options::port)
      .def_readwrite("workers", &Engine::Options::workers)
      .def_readwrite("announced_addresses", &Engine::Options::announced_addresses)
      .def_readwrite("consent_timeout", &Engine::Options::consent_timeout,
                     "Seconds without ICE consent before a peer is dropped.")
      .def_readwrite("rtp_port_min", &Engine::Options::rtp_port_min,
                     "Plain-RTP legs' port range (0 and 0: any free ports).")
      .def_readwrite("rtp_port_max", &Engine::Options::rtp_port_max);
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
                Unwrap(Engine::Start(RoomServiceOf(service), options)), queue);
          },
          py::arg("service"), py::arg("options"), py::arg("queue"),
          py::keep_alive<0, 1>(),
          "Starts the media workers for `service`'s rooms; their reports are "
          "applied by `queue` (a TaskQueue). Stop the engine before closing the "
          "service.")
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

}  // namespace konfero::python
