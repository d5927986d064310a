// Tests of sip/session_timer.h: RFC 4028 negotiation on our UAS side (422,
// lowering, refresher choice, Require) and the refresh / BYE timing in both
// refresher roles, with time as a number the test advances.
#include "sip/session_timer.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/absl_compat.h"
#include "sip/parser.h"

namespace konfero::sip {
namespace {

constexpr int64_t kS = 1'000'000;

SipMessage InviteWith(std::string_view extra_headers) {
  std::string text = absl::StrCat(
      "INVITE sip:conf@192.0.2.1 SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKst\n"
      "From: <sip:alice@example.com>;tag=a1\n"
      "To: <sip:conf@192.0.2.1>\n"
      "Call-ID: st-1@192.0.2.10\n"
      "CSeq: 1 INVITE\n"
      "Contact: <sip:alice@192.0.2.10>\n",
      Sv(extra_headers), "Content-Length: 0\n\n");
  absl::StatusOr<SipMessage> m = Parse(absl::StrReplaceAll(text, {{"\n", "\r\n"}}));
  if (!m.ok()) {
    ADD_FAILURE() << m.status();
    return SipMessage();
  }
  return *std::move(m);
}

using Kind = SessionTimerAnswer::Kind;

TEST(SessionTimerNegotiationTest, TooSmallIntervalFromTimerAwarePeerGets422) {
  SessionTimerConfig config;
  SipMessage invite = InviteWith("Supported: timer\nSession-Expires: 60\n");
  SessionTimerAnswer a = NegotiateSessionTimerAsUas(invite, config);
  ASSERT_EQ(a.kind, Kind::kReject);
  EXPECT_EQ(a.reject_status, 422);
  EXPECT_EQ(a.min_se_s, 90);
  SipMessage reject = MakeSessionTimerReject(invite, a, "t1");
  EXPECT_EQ(reject.status(), 422);
  EXPECT_EQ(reject.reason(), "Session Interval Too Small");
  EXPECT_EQ(reject.Get("Min-SE"), "90");
  // The request's own larger Min-SE is echoed.
  a = NegotiateSessionTimerAsUas(
      InviteWith("Supported: timer\nSession-Expires: 60\nMin-SE: 120\n"), config);
  EXPECT_EQ(a.min_se_s, 120);
  // Our configured Min-SE counts.
  config.min_se_s = 300;
  a = NegotiateSessionTimerAsUas(InviteWith("Supported: timer\nSession-Expires: 200\n"), config);
  EXPECT_EQ(a.reject_status, 422);
  EXPECT_EQ(a.min_se_s, 300);
}

TEST(SessionTimerNegotiationTest, TooSmallIntervalWithoutSupportIsRaisedAndWeRefresh) {
  SessionTimerAnswer a =
      NegotiateSessionTimerAsUas(InviteWith("Session-Expires: 60\n"), SessionTimerConfig{});
  ASSERT_EQ(a.kind, Kind::kAccept);
  EXPECT_EQ(a.interval_s, 90);
  EXPECT_EQ(a.refresher, Refresher::kUas);
  EXPECT_TRUE(a.we_refresh());
  SipMessage ok = SipMessage::Response(200, "OK");
  a.ApplyTo2xx(ok);
  EXPECT_EQ(ok.Get("Session-Expires"), "90;refresher=uas");
  EXPECT_FALSE(ok.Has("Require"));
}

TEST(SessionTimerNegotiationTest, PeerChosenRefresherIsKeptAndRequireAdded) {
  SessionTimerAnswer a = NegotiateSessionTimerAsUas(
      InviteWith("Supported: timer, 100rel\nSession-Expires: 1200;refresher=uac\n"),
      SessionTimerConfig{});
  ASSERT_EQ(a.kind, Kind::kAccept);
  EXPECT_EQ(a.interval_s, 1200);
  EXPECT_EQ(a.refresher, Refresher::kUac);
  EXPECT_FALSE(a.we_refresh());
  SipMessage ok = SipMessage::Response(200, "OK");
  a.ApplyTo2xx(ok);
  EXPECT_EQ(ok.Get("Session-Expires"), "1200;refresher=uac");
  EXPECT_EQ(ok.Get("Require"), "timer");

  a = NegotiateSessionTimerAsUas(
      InviteWith("k: timer\nx: 600;refresher=uas\n"), SessionTimerConfig{});  // compact forms
  ASSERT_EQ(a.kind, Kind::kAccept);
  EXPECT_EQ(a.interval_s, 600);
  EXPECT_EQ(a.refresher, Refresher::kUas);
}

TEST(SessionTimerNegotiationTest, LargeIntervalIsLoweredToOurMaximum) {
  SessionTimerConfig config;
  config.session_expires_s = 1800;
  SessionTimerAnswer a =
      NegotiateSessionTimerAsUas(InviteWith("Supported: timer\nSession-Expires: 7200\n"), config);
  ASSERT_EQ(a.kind, Kind::kAccept);
  EXPECT_EQ(a.interval_s, 1800);
  EXPECT_EQ(a.refresher, Refresher::kUac);  // config.preferred_refresher
  // ... but never below the request's Min-SE.
  a = NegotiateSessionTimerAsUas(
      InviteWith("Supported: timer\nSession-Expires: 7200\nMin-SE: 3600\n"), config);
  EXPECT_EQ(a.interval_s, 3600);
}

TEST(SessionTimerNegotiationTest, NoSessionExpiresInRequest) {
  SessionTimerConfig config;
  config.session_expires_s = 600;
  config.preferred_refresher = Refresher::kUas;
  SessionTimerAnswer a = NegotiateSessionTimerAsUas(InviteWith("Supported: timer\n"), config);
  ASSERT_EQ(a.kind, Kind::kAccept);
  EXPECT_EQ(a.interval_s, 600);
  EXPECT_EQ(a.refresher, Refresher::kUas);
  EXPECT_TRUE(a.peer_supports_timer);

  a = NegotiateSessionTimerAsUas(InviteWith(""), config);
  ASSERT_EQ(a.kind, Kind::kAccept);
  EXPECT_EQ(a.refresher, Refresher::kUas);
  EXPECT_FALSE(a.peer_supports_timer);

  config.enable_without_support = false;
  EXPECT_EQ(NegotiateSessionTimerAsUas(InviteWith(""), config).kind, Kind::kNone);
  SipMessage ok = SipMessage::Response(200, "OK");
  NegotiateSessionTimerAsUas(InviteWith(""), config).ApplyTo2xx(ok);
  EXPECT_FALSE(ok.Has("Session-Expires"));
}

TEST(SessionTimerNegotiationTest, MalformedHeadersGet400) {
  SessionTimerConfig config;
  EXPECT_EQ(NegotiateSessionTimerAsUas(InviteWith("Session-Expires: soon\n"), config).reject_status,
            400);
  EXPECT_EQ(NegotiateSessionTimerAsUas(InviteWith("Session-Expires: 900;refresher=me\n"), config)
                .reject_status,
            400);
  EXPECT_EQ(NegotiateSessionTimerAsUas(InviteWith("Min-SE: -5\n"), config).reject_status, 400);
}

TEST(SessionTimerTest, WeRefreshAtHalfTheIntervalAndByeIfTheRefreshFails) {
  SessionTimer timer;
  timer.Start(1800, /*we_refresh=*/true, 10 * kS);
  EXPECT_EQ(timer.next_deadline_us(), 10 * kS + 900 * kS);
  EXPECT_EQ(timer.OnTimer(10 * kS + 899 * kS), SessionTimer::Action::kNone);
  EXPECT_EQ(timer.OnTimer(10 * kS + 900 * kS), SessionTimer::Action::kSendRefresh);
  SipMessage update = SipMessage::Request("UPDATE", "sip:alice@192.0.2.10");
  timer.ApplyToRefreshRequest(update, 90);
  EXPECT_EQ(update.Get("Session-Expires"), "1800;refresher=uac");
  EXPECT_EQ(update.Get("Min-SE"), "90");
  EXPECT_EQ(update.Get("Supported"), "timer");
  // The refresh gets no 2xx: BYE at 1800 - min(32, 600) = 1768 s.
  EXPECT_EQ(timer.next_deadline_us(), 10 * kS + 1768 * kS);
  EXPECT_EQ(timer.OnTimer(10 * kS + 1768 * kS), SessionTimer::Action::kSendBye);
  EXPECT_FALSE(timer.active());
  EXPECT_EQ(timer.OnTimer(10 * kS + 5000 * kS), SessionTimer::Action::kNone);
}

TEST(SessionTimerTest, RefreshResponseRestartsTheInterval) {
  SessionTimer timer;
  timer.Start(1800, true, 0);
  ASSERT_EQ(timer.OnTimer(900 * kS), SessionTimer::Action::kSendRefresh);
  SipMessage ok = SipMessage::Response(200, "OK");
  ok.Add("Session-Expires", "1200;refresher=uac");
  timer.OnRefreshResponse(ok, 901 * kS);
  EXPECT_TRUE(timer.we_refresh());
  EXPECT_EQ(timer.interval_s(), 1200);
  EXPECT_EQ(timer.next_deadline_us(), 901 * kS + 600 * kS);
  // The peer takes over refreshing.
  ok.Set("Session-Expires", "1200;refresher=uas");
  timer.OnRefreshResponse(ok, 1000 * kS);
  EXPECT_FALSE(timer.we_refresh());
  EXPECT_EQ(timer.next_deadline_us(), 1000 * kS + 1168 * kS);
  // No Session-Expires in the 2xx: the timer is off.
  timer.OnRefreshResponse(SipMessage::Response(200, "OK"), 1100 * kS);
  EXPECT_FALSE(timer.active());
  EXPECT_EQ(timer.next_deadline_us(), kNever);
}

TEST(SessionTimerTest, PeerRefresherMissingRefreshEndsSession) {
  SessionTimerAnswer a = NegotiateSessionTimerAsUas(
      InviteWith("Supported: timer\nSession-Expires: 90;refresher=uac\n"), SessionTimerConfig{});
  ASSERT_EQ(a.kind, Kind::kAccept);
  SessionTimer timer;
  timer.Start(a, 0);
  EXPECT_FALSE(timer.we_refresh());
  // 90 - min(32, 30) = 60 s; never a refresh from our side.
  EXPECT_EQ(timer.next_deadline_us(), 60 * kS);
  EXPECT_EQ(timer.OnTimer(59 * kS), SessionTimer::Action::kNone);
  // The peer's refresh at 50 s restarts the interval.
  timer.Start(a, 50 * kS);
  EXPECT_EQ(timer.OnTimer(60 * kS), SessionTimer::Action::kNone);
  EXPECT_EQ(timer.next_deadline_us(), 110 * kS);
  EXPECT_EQ(timer.OnTimer(110 * kS), SessionTimer::Action::kSendBye);
}

TEST(SessionTimerTest, ExpiryUsesOneThirdForShortIntervals) {
  EXPECT_EQ(SessionTimer::ExpiryDelayUs(90), 60 * kS);
  EXPECT_EQ(SessionTimer::ExpiryDelayUs(1800), 1768 * kS);
  EXPECT_EQ(SessionTimer::RefreshDelayUs(90), 45 * kS);
  SessionTimer timer;
  timer.Start(SessionTimerAnswer{}, 0);  // kNone: no timer
  EXPECT_FALSE(timer.active());
}

}  // namespace
}  // namespace konfero::sip
