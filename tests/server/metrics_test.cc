// /metrics: every documented family, in well-formed exposition text.
#include "server/metrics.h"

#include <set>
#include <string>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MetricsInput SampleInput() {
  MetricsInput in;
  in.rooms.rooms_idle = 4;
  in.rooms.rooms_waiting = 1;
  in.rooms.rooms_running = 2;
  in.rooms.rooms_on_hold = 0;
  in.rooms.rooms_with_guests_waiting = 1;
  in.rooms.moderators = 3;
  in.rooms.browser_guests = 5;
  in.rooms.phone_guests = 1;
  in.rooms.guest_seats_in_use = 5;
  in.rooms.guest_seats_total = 10;
  in.engine.peers = 8;
  in.engine.rtp_packets_in = 1000;
  in.engine.rtp_packets_out = 2000;
  in.engine.bytes_in = 150000;
  in.engine.bytes_out = 300000;
  in.engine.layer_switches = 6;
  in.engine.mixer_ticks = 50;
  in.engine.mixer_tick_seconds = 0.25;
  in.engine.mixer_tick_p99_seconds = 0.002;
  in.engine.mixer_tick_cpu_p99_seconds = 0.0015;
  in.signalling.sessions = 9;
  in.signalling.joined = 8;
  in.signalling.in_grace = 1;
  in.signalling.frames_in = 77;
  in.signalling.frames_out = 99;
  in.signalling.errors_sent = 2;
  in.http_requests = 42;
  return in;
}

TEST(MetricsTest, RendersEveryDocumentedFamily) {
  const std::string text = RenderMetrics(SampleInput());
  for (std::string_view line : {
           "konfero_rooms{state=\"idle\"} 4",
           "konfero_rooms{state=\"waiting\"} 1",
           "konfero_rooms{state=\"running\"} 2",
           "konfero_rooms{state=\"on_hold\"} 0",
           "konfero_participants{role=\"moderator\"} 3",
           "konfero_participants{role=\"browser_guest\"} 5",
           "konfero_participants{role=\"phone_guest\"} 1",
           "konfero_guests_waiting 1",
           "konfero_licence_seats{state=\"used\"} 5",
           "konfero_licence_seats{state=\"free\"} 5",
           "konfero_peers 8",
           "konfero_peer_packets{direction=\"in\"} 1000",
           "konfero_peer_packets{direction=\"out\"} 2000",
           "konfero_peer_bytes{direction=\"in\"} 150000",
           "konfero_peer_bytes{direction=\"out\"} 300000",
           "konfero_sfu_layer_switches 6",
           "konfero_mixer_ticks_total 50",
           "konfero_mixer_tick_seconds_total 0.25",
           "konfero_mixer_tick_p99_seconds 0.002",
           "konfero_mixer_tick_cpu_p99_seconds 0.0015",
           "konfero_signalling_sessions{state=\"open\"} 9",
           "konfero_signalling_sessions{state=\"joined\"} 8",
           "konfero_signalling_sessions{state=\"in_grace\"} 1",
           "konfero_signalling_frames_total{direction=\"in\"} 77",
           "konfero_signalling_frames_total{direction=\"out\"} 99",
           "konfero_signalling_errors_total 2",
           "konfero_http_requests_total 42",
       }) {
    EXPECT_THAT(text, HasSubstr(std::string(line) + "\n")) << line;
  }
}

// Each sample line belongs to the family declared last, every family has
// HELP then TYPE once, and every line is well formed.
TEST(MetricsTest, OutputIsWellFormedExpositionText) {
  MetricsInput in = SampleInput();
  in.dial_in = DialInStats{};
  const std::string text = RenderMetrics(in);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::string family;
  std::set<std::string> declared;
  int samples = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    const std::string l(line);
    if (l.rfind("# HELP ", 0) == 0) {
      family = l.substr(7, l.find(' ', 7) - 7);
      EXPECT_TRUE(declared.insert(family).second) << "declared twice: " << family;
      continue;
    }
    if (l.rfind("# TYPE ", 0) == 0) {
      EXPECT_EQ(l.substr(7, family.size()), family);
      const std::string type = l.substr(8 + family.size());
      EXPECT_TRUE(type == "gauge" || type == "counter") << l;
      continue;
    }
    ++samples;
    const std::string name = l.substr(0, l.find_first_of("{ "));
    EXPECT_EQ(name, family) << l;
    const std::string value = l.substr(l.rfind(' ') + 1);
    EXPECT_EQ(value.find_first_not_of("0123456789.-e+"), std::string::npos) << l;
  }
  EXPECT_EQ(samples, 28 + 9);  // 9 of them phone dial-in
}

TEST(MetricsTest, SipFamiliesOnlyWhenDialInIsOn) {
  EXPECT_THAT(RenderMetrics(SampleInput()), Not(HasSubstr("konfero_sip")));
  MetricsInput in = SampleInput();
  in.dial_in = DialInStats{.calls_answering = 1,
                           .calls_pin = 2,
                           .calls_in_conference = 3,
                           .calls_total = 40,
                           .calls_rejected = 5,
                           .pin_failures = 6,
                           .registrations_ok = 7,
                           .registration_failures = 8,
                           .malformed_messages = 9};
  const std::string text = RenderMetrics(in);
  for (std::string_view line : {
           "# TYPE konfero_sip_calls gauge",
           "konfero_sip_calls{state=\"answering\"} 1",
           "konfero_sip_calls{state=\"pin\"} 2",
           "konfero_sip_calls{state=\"in_conference\"} 3",
           "# TYPE konfero_sip_calls_total counter",
           "konfero_sip_calls_total 40",
           "# TYPE konfero_sip_calls_rejected_total counter",
           "konfero_sip_calls_rejected_total 5",
           "# TYPE konfero_sip_pin_failures_total counter",
           "konfero_sip_pin_failures_total 6",
           "# TYPE konfero_sip_registrations_total counter",
           "konfero_sip_registrations_total{result=\"ok\"} 7",
           "konfero_sip_registrations_total{result=\"failed\"} 8",
           "# TYPE konfero_sip_malformed_messages_total counter",
           "konfero_sip_malformed_messages_total 9",
       }) {
    EXPECT_THAT(text, HasSubstr(std::string(line) + "\n")) << line;
  }
  // On with nothing yet: the families are there, at zero.
  in.dial_in = DialInStats{};
  EXPECT_THAT(RenderMetrics(in), HasSubstr("konfero_sip_calls{state=\"pin\"} 0\n"));
  EXPECT_THAT(RenderMetrics(in), HasSubstr("konfero_sip_calls_total 0\n"));
}

TEST(MetricsTest, NamesNoRoomOrPerson) {
  // The input has no names at all; the output may not invent any labels but
  // state, role and direction.
  MetricsInput in = SampleInput();
  in.dial_in = DialInStats{};
  const std::string text = RenderMetrics(in);
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line.front() == '#' || line.find('{') == absl::string_view::npos) continue;
    const std::string l(line);
    const std::string label = l.substr(l.find('{') + 1, l.find('=') - l.find('{') - 1);
    EXPECT_TRUE(label == "state" || label == "role" || label == "direction" || label == "result")
        << l;
  }
}

}  // namespace
}  // namespace konfero::server
