// metrics.cc: the metric families of /metrics.
#include "server/metrics.h"

#include "server/prometheus_text.h"

namespace konfero::server {
namespace {

void RenderDialIn(const DialInStats& d, PrometheusText& out) {
  out.Family("konfero_sip_calls", "gauge", "Phone calls by stage.");
  out.Sample("konfero_sip_calls", {{"state", "answering"}}, d.calls_answering);
  out.Sample("konfero_sip_calls", {{"state", "pin"}}, d.calls_pin);
  out.Sample("konfero_sip_calls", {{"state", "in_conference"}}, d.calls_in_conference);
  out.Family("konfero_sip_calls_total", "counter", "Phone calls (INVITEs) received.");
  out.Sample("konfero_sip_calls_total", static_cast<double>(d.calls_total));
  out.Family("konfero_sip_calls_rejected_total", "counter",
             "Phone calls refused before the answer (source, number, busy, SDP).");
  out.Sample("konfero_sip_calls_rejected_total", static_cast<double>(d.calls_rejected));
  out.Family("konfero_sip_pin_failures_total", "counter", "Wrong PINs typed by callers.");
  out.Sample("konfero_sip_pin_failures_total", static_cast<double>(d.pin_failures));
  out.Family("konfero_sip_registrations_total", "counter",
             "REGISTER transactions to providers, by result.");
  out.Sample("konfero_sip_registrations_total", {{"result", "ok"}},
             static_cast<double>(d.registrations_ok));
  out.Sample("konfero_sip_registrations_total", {{"result", "failed"}},
             static_cast<double>(d.registration_failures));
  out.Family("konfero_sip_malformed_messages_total", "counter",
             "SIP messages answered 400 or dropped as malformed.");
  out.Sample("konfero_sip_malformed_messages_total", static_cast<double>(d.malformed_messages));
}

}  // namespace

std::string RenderMetrics(const MetricsInput& input) {
  const RoomStats& r = input.rooms;
  const EngineTotals& e = input.engine;
  const SignallingStats& s = input.signalling;
  PrometheusText out;

  out.Family("konfero_rooms", "gauge", "Rooms by the state of their conference.");
  out.Sample("konfero_rooms", {{"state", "idle"}}, r.rooms_idle);
  out.Sample("konfero_rooms", {{"state", "waiting"}}, r.rooms_waiting);
  out.Sample("konfero_rooms", {{"state", "running"}}, r.rooms_running);
  out.Sample("konfero_rooms", {{"state", "on_hold"}}, r.rooms_on_hold);

  out.Family("konfero_participants", "gauge", "Participants present, by role.");
  out.Sample("konfero_participants", {{"role", "moderator"}}, r.moderators);
  out.Sample("konfero_participants", {{"role", "browser_guest"}}, r.browser_guests);
  out.Sample("konfero_participants", {{"role", "phone_guest"}}, r.phone_guests);

  out.Family("konfero_guests_waiting", "gauge",
             "Rooms whose guests wait for a moderator (waiting or on hold).");
  out.Sample("konfero_guests_waiting", r.rooms_with_guests_waiting);

  out.Family("konfero_licence_seats", "gauge", "Browser-guest licence seats.");
  out.Sample("konfero_licence_seats", {{"state", "used"}}, r.guest_seats_in_use);
  out.Sample("konfero_licence_seats", {{"state", "free"}},
             r.guest_seats_total - r.guest_seats_in_use);

  // The engine sums over the peers it has now; a closed peer's counts leave
  // the sums, so these are gauges, not counters.
  out.Family("konfero_peers", "gauge", "WebRTC peers of the media engine.");
  out.Sample("konfero_peers", e.peers);
  out.Family("konfero_peer_packets", "gauge",
             "RTP packets of the connected peers since they connected.");
  out.Sample("konfero_peer_packets", {{"direction", "in"}}, static_cast<double>(e.rtp_packets_in));
  out.Sample("konfero_peer_packets", {{"direction", "out"}},
             static_cast<double>(e.rtp_packets_out));
  out.Family("konfero_peer_bytes", "gauge", "Bytes of the connected peers since they connected.");
  out.Sample("konfero_peer_bytes", {{"direction", "in"}}, static_cast<double>(e.bytes_in));
  out.Sample("konfero_peer_bytes", {{"direction", "out"}}, static_cast<double>(e.bytes_out));
  out.Family("konfero_sfu_layer_switches", "gauge",
             "Simulcast layer switches on the connected peers' video slots.");
  out.Sample("konfero_sfu_layer_switches", static_cast<double>(e.layer_switches));
  out.Family("konfero_mixer_ticks_total", "counter", "Media ticks (20 ms) of the workers.");
  out.Sample("konfero_mixer_ticks_total", static_cast<double>(e.mixer_ticks));
  out.Family("konfero_mixer_tick_seconds_total", "counter",
             "Time the workers spent in media ticks (mixing and sending).");
  out.Sample("konfero_mixer_tick_seconds_total", e.mixer_tick_seconds);
  out.Family("konfero_mixer_tick_max_seconds", "gauge", "The longest media tick so far.");
  out.Sample("konfero_mixer_tick_max_seconds", e.mixer_tick_max_seconds);
  out.Family("konfero_mixer_tick_p99_seconds", "gauge",
             "The 99th percentile of the last 500 media ticks (10 s) of the busiest worker.");
  out.Sample("konfero_mixer_tick_p99_seconds", e.mixer_tick_p99_seconds);
  out.Family("konfero_mixer_tick_cpu_p99_seconds", "gauge",
             "The same in the worker thread's CPU time: the ticks' cost without waits for a core.");
  out.Sample("konfero_mixer_tick_cpu_p99_seconds", e.mixer_tick_cpu_p99_seconds);

  out.Family("konfero_signalling_sessions", "gauge",
             "Signalling WebSockets: open, joined, and participants in their reconnect grace.");
  out.Sample("konfero_signalling_sessions", {{"state", "open"}}, s.sessions);
  out.Sample("konfero_signalling_sessions", {{"state", "joined"}}, s.joined);
  out.Sample("konfero_signalling_sessions", {{"state", "in_grace"}}, s.in_grace);
  out.Family("konfero_signalling_frames_total", "counter", "Signalling frames.");
  out.Sample("konfero_signalling_frames_total", {{"direction", "in"}},
             static_cast<double>(s.frames_in));
  out.Sample("konfero_signalling_frames_total", {{"direction", "out"}},
             static_cast<double>(s.frames_out));
  out.Family("konfero_signalling_errors_total", "counter", "Error frames sent to clients.");
  out.Sample("konfero_signalling_errors_total", static_cast<double>(s.errors_sent));

  out.Family("konfero_http_requests_total", "counter", "HTTP requests answered.");
  out.Sample("konfero_http_requests_total", static_cast<double>(input.http_requests));

  if (input.dial_in) RenderDialIn(*input.dial_in, out);
  return std::move(out).Take();
}

}  // namespace konfero::server
