// engine_bindings.cc: konfero.Engine, WebRTC media for a RoomService's rooms.
//
// The engine is driven from the thread that drives its RoomService (the
// Python thread that calls both; the GIL policy of bindings.h applies).
// Call poll() regularly, e.g. from an asyncio task every 10-20 ms: it
// applies what the media workers reported (chat from data channels, peers
// that failed), which may run RoomService event callbacks.
#include <memory>

#include "bindings.h"
#include "konfero/engine.h"

namespace konfero::python {
namespace {

class EngineHandle {
 public:
  explicit EngineHandle(std::unique_ptr<Engine> engine)
      : engine_(std::move(engine)) {}
  Engine& get() {
    if (!engine_) ThrowIfError(absl::FailedPreconditionError("Engine is stopped"));
    return *engine_;
  }
  // Stops the workers (joining their threads) and closes every peer.
  void Stop() { engine_.reset(); }

 private:
  std::unique_ptr<Engine> engine_;
};

}  // namespace

void BindEngine(py::module_& m) {
  py::enum_<PeerState>(m, "PeerState", "A peer's transport state.")
      .value("CONNECTING", PeerState::kConnecting)
      .value("CONNECTED", PeerState::kConnected)
      .value("DISCONNECTED", PeerState::kDisconnected)
      .value("FAILED", PeerState::kFailed)
      .value("CLOSED", PeerState::kClosed);

  py::class_<PeerStats> stats(m, "PeerStats", "Counters of one peer's transport.");
  stats.def_readonly("state", &PeerStats::state)
      .def_readonly("rtp_packets_in", &PeerStats::rtp_packets_in)
      .def_readonly("rtp_packets_out", &PeerStats::rtp_packets_out)
      .def_readonly("bytes_in", &PeerStats::bytes_in)
      .def_readonly("bytes_out", &PeerStats::bytes_out)
      .def_readonly("srtp_failures", &PeerStats::srtp_failures)
      .def_readonly("data_messages_in", &PeerStats::data_messages_in)
      .def_readonly("data_messages_out", &PeerStats::data_messages_out)
      .def_readonly("video_packets_in", &PeerStats::video_packets_in)
      .def_readonly("video_packets_out", &PeerStats::video_packets_out)
      .def_readonly("rtx_packets_out", &PeerStats::rtx_packets_out)
      .def_readonly("nacks_in", &PeerStats::nacks_in)
      .def_readonly("keyframe_requests_in", &PeerStats::keyframe_requests_in)
      .def_readonly("keyframe_requests_out", &PeerStats::keyframe_requests_out)
      .def_readonly("transport_feedback_out", &PeerStats::transport_feedback_out)
      .def_readonly("layer_switches", &PeerStats::layer_switches)
      .def_readonly("impairment_drops", &PeerStats::impairment_drops)
      .def_readonly("bandwidth_estimate_bps", &PeerStats::bandwidth_estimate_bps);
  DefRepr(stats, {"state", "rtp_packets_in", "rtp_packets_out", "bytes_in",
                  "bytes_out", "srtp_failures", "data_messages_in",
                  "data_messages_out", "video_packets_in", "video_packets_out",
                  "rtx_packets_out", "nacks_in", "keyframe_requests_in",
                  "keyframe_requests_out", "transport_feedback_out",
                  "layer_switches", "impairment_drops", "bandwidth_estimate_bps"});

  py::class_<EngineTotals> totals(m, "EngineTotals",
                                  "Sums over the engine's current peers, for metrics.");
  totals.def_readonly("peers", &EngineTotals::peers, "Peers with a media connection.")
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
  DefRepr(totals, {"peers", "rtp_packets_in", "rtp_packets_out", "bytes_in", "bytes_out",
                   "layer_switches", "mixer_ticks", "mixer_tick_seconds",
                   "mixer_tick_max_seconds"});

  py::enum_<VideoSource>(m, "VideoSource", "What a participant's video shows.")
      .value("CAMERA", VideoSource::kCamera)
      .value("SCREEN", VideoSource::kScreen);

  py::class_<Engine::Options> options(m, "EngineOptions",
                                      "Where the media workers listen.");
  options.def_readwrite("bind_address", &Engine::Options::bind_address)
      .def_readwrite("port", &Engine::Options::port)
      .def_readwrite("workers", &Engine::Options::workers)
      .def_readwrite("announced_addresses", &Engine::Options::announced_addresses)
      .def_readwrite("consent_timeout", &Engine::Options::consent_timeout,
                     "Seconds without ICE consent before a peer is dropped.");
  DefKeywordInit(options);
  DefRepr(options, {"bind_address", "port", "workers", "announced_addresses",
                    "consent_timeout"});

  py::class_<EngineHandle>(m, "Engine",
                           "WebRTC media (ICE-lite, DTLS-SRTP, data channels) "
                           "and audio mixing for the rooms of a RoomService.")
      .def_static(
          "start",
          [](py::object service, const Engine::Options& o) {
            return std::make_unique<EngineHandle>(
                Unwrap(Engine::Start(RoomServiceOf(service), o)));
          },
          py::arg("service"), py::arg("options") = Engine::Options{},
          py::keep_alive<0, 1>(),
          "Starts the media workers for `service`'s rooms. Stop the engine "
          "before closing the service.")
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
          "poll", [](EngineHandle& h) { return h.get().Poll(); },
          "Applies what the workers reported; returns how many reports.")
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
