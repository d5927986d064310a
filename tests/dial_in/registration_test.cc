// Tests of dial_in/registration.h: the REGISTER client against a fake
// registrar built on a real sip::DigestServer, on deterministic time.
#include "dial_in/registration.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "sip/digest.h"
#include "sip/headers.h"
#include "sip/message.h"
#include "sip/parser.h"

namespace konfero::dial_in {
namespace {

using State = Registration::State;
constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kStart = 1'000 * kSecond;
constexpr std::string_view kRealm = "192.0.2.1";

RegistrationConfig Config(std::string password = "alicepw",
                          sip::Transport transport = sip::Transport::kUdp) {
  SipRegistration public_config;
  public_config.registrar = "sip:alice@192.0.2.1:5060";
  public_config.password = std::move(password);
  public_config.expires = absl::Seconds(600);
  absl::StatusOr<RegistrationConfig> config =
      MakeRegistrationConfig(public_config, "127.0.0.1:5070", transport);
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

// Everything we send goes through the wire format once.
sip::SipMessage Wire(const sip::SipMessage& message) {
  absl::StatusOr<sip::SipMessage> parsed = sip::Parse(sip::Serialize(message));
  EXPECT_TRUE(parsed.ok()) << parsed.status() << "\n" << sip::Serialize(message);
  return *parsed;
}

sip::SipMessage Single(std::vector<sip::SipMessage> requests) {
  EXPECT_EQ(requests.size(), 1u);
  if (requests.empty()) return sip::SipMessage::Request("NONE", "sip:none@invalid");
  return Wire(requests.front());
}

std::string Header(const sip::SipMessage& m, std::string_view name) {
  std::optional<std::string_view> v = m.Get(name);
  return v ? std::string(*v) : std::string("<absent>");
}

std::string Branch(const sip::SipMessage& m) {
  return sip::ParseVia(m.GetAll("Via").front())->branch();
}

// A registrar for alice/alicepw in realm 192.0.2.1: challenges requests
// without valid credentials, accepts the rest.
class FakeRegistrar {
 public:
  absl::Time Now(int64_t now_us) const { return absl::FromUnixMicros(1'700'000'000'000'000 + now_us); }

  sip::SipMessage Challenge(const sip::SipMessage& request, int64_t now_us, bool stale = false) {
    sip::SipMessage response = sip::MakeResponse(request, 401, "Unauthorized", "srv");
    response.Add("WWW-Authenticate",
                 *server_.MakeChallenge(kRealm, sip::DigestAlgorithm::kMd5, stale, Now(now_us)));
    return Wire(response);
  }
  sip::DigestVerification Verify(const sip::SipMessage& request, int64_t now_us,
                                 std::string_view header = "Authorization") {
    std::optional<std::string_view> auth = request.Get(header);
    if (!auth) return {};
    return server_.Verify(kRealm, *auth, request.method(), request.body, Now(now_us),
                          [](std::string_view user, std::string_view, sip::DigestAlgorithm)
                              -> std::optional<sip::DigestUserSecret> {
                            if (user != "alice") return std::nullopt;
                            return sip::DigestUserSecret::Password("alicepw");
                          });
  }
  // The registrar's answer: 401 unless the credentials verify, else 200
  // granting `expires` to the contact.
  sip::SipMessage Answer(const sip::SipMessage& request, int64_t now_us, int expires) {
    sip::DigestVerification v = Verify(request, now_us);
    if (!v.ok()) return Challenge(request, now_us, v.verdict == sip::DigestVerdict::kStaleNonce);
    return Ok(request, expires);
  }
  static sip::SipMessage Ok(const sip::SipMessage& request, int expires) {
    sip::SipMessage response = sip::MakeResponse(request, 200, "OK", "srv");
    // Another device's binding first: ours must be picked by its URI.
    response.Add("Contact", "<sip:alice@198.51.100.9:5060>;expires=3600");
    response.Add("Contact", absl::StrCat("<sip:alice@127.0.0.1:5070;transport=udp>;expires=",
                                         expires));
    return Wire(response);
  }

 private:
  sip::DigestServer server_;
};

// Registers through 401 + authenticated REGISTER + 200 (expires) at kStart.
void RegisterOk(Registration& reg, FakeRegistrar& registrar, int expires) {
  sip::SipMessage first = Single(reg.OnTimer(kStart));
  sip::SipMessage second = Single(reg.OnResponse(registrar.Challenge(first, kStart), kStart));
  ASSERT_TRUE(registrar.Verify(second, kStart).ok());
  EXPECT_TRUE(reg.OnResponse(FakeRegistrar::Ok(second, expires), kStart).empty());
  ASSERT_EQ(reg.state(), State::kRegistered);
}

TEST(MakeRegistrationConfig, TakesTheAorAndDefaults) {
  SipRegistration r;
  r.registrar = "sip:alice@192.0.2.1";
  r.password = "pw";
  absl::StatusOr<RegistrationConfig> c = MakeRegistrationConfig(r, "10.0.0.1:5060",
                                                                sip::Transport::kUdp);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->registrar.endpoint.ToString(), "192.0.2.1:5060");
  EXPECT_EQ(c->registrar.transport, sip::Transport::kUdp);
  EXPECT_EQ(c->expires_s, 600);
  EXPECT_EQ(Registration(*c).request_uri(), "sip:192.0.2.1");

  r.registrar = "sip:alice@[2001:db8::1]:5090";
  r.username = "acct7";
  c = MakeRegistrationConfig(r, "10.0.0.1:5060", sip::Transport::kTcp);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->username, "acct7");
  EXPECT_EQ(c->registrar.endpoint.ToString(), "[2001:db8::1]:5090");
}

TEST(MakeRegistrationConfig, RefusesNamesAndBadFieldsWithoutThePassword) {
  SipRegistration r;
  r.registrar = "sip:alice@provider.example:5060";
  r.password = "topsecret-pw";
  absl::StatusOr<RegistrationConfig> c = MakeRegistrationConfig(r, "10.0.0.1:5060",
                                                                sip::Transport::kUdp);
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(absl::IsInvalidArgument(c.status()));
  EXPECT_TRUE(absl::StrContains(c.status().message(), "DNS")) << c.status();
  EXPECT_TRUE(absl::StrContains(c.status().message(), "provider.example")) << c.status();

  for (const char* bad : {"sip:192.0.2.1:5060", "tel:+15551234", "not a uri"}) {
    r.registrar = bad;
    c = MakeRegistrationConfig(r, "10.0.0.1:5060", sip::Transport::kUdp);
    EXPECT_FALSE(c.ok()) << bad;
    EXPECT_FALSE(absl::StrContains(c.status().message(), "topsecret")) << c.status();
  }
  r.registrar = "sip:alice@192.0.2.1";
  r.expires = absl::ZeroDuration();
  EXPECT_FALSE(MakeRegistrationConfig(r, "10.0.0.1:5060", sip::Transport::kUdp).ok());
  r.expires = absl::Minutes(10);
  EXPECT_FALSE(MakeRegistrationConfig(r, "", sip::Transport::kUdp).ok());
  EXPECT_FALSE(MakeRegistrationConfig(r, "10.0.0.1:5060\r\nX: y", sip::Transport::kUdp).ok());
  r.registrar = "sips:alice@192.0.2.1";
  EXPECT_FALSE(MakeRegistrationConfig(r, "10.0.0.1:5060", sip::Transport::kUdp).ok());
  c = MakeRegistrationConfig(r, "10.0.0.1:5061", sip::Transport::kTls);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->registrar.endpoint.port(), 5061);
}

TEST(Registration, FirstRegisterHasEveryField) {
  Registration reg(Config());
  EXPECT_EQ(reg.state(), State::kUnregistered);
  EXPECT_EQ(reg.NextDeadline(), 0);
  sip::SipMessage r = Single(reg.OnTimer(kStart));
  EXPECT_EQ(reg.state(), State::kRegistering);
  EXPECT_EQ(r.method(), "REGISTER");
  EXPECT_EQ(r.request_uri(), "sip:192.0.2.1:5060");
  absl::StatusOr<sip::Via> via = sip::ParseVia(r.GetAll("Via").front());
  ASSERT_TRUE(via.ok());
  EXPECT_EQ(via->transport, "UDP");
  EXPECT_EQ(via->host, "127.0.0.1");
  EXPECT_EQ(via->port, 5070);
  EXPECT_TRUE(via->Param("rport").has_value());
  EXPECT_TRUE(absl::StartsWith(via->branch(), "z9hG4bK"));
  EXPECT_GE(via->branch().size(), 7u + 16u);
  absl::StatusOr<sip::NameAddr> from = sip::ParseNameAddr(*r.Get("From"));
  absl::StatusOr<sip::NameAddr> to = sip::ParseNameAddr(*r.Get("To"));
  ASSERT_TRUE(from.ok() && to.ok());
  EXPECT_EQ(from->uri.ToString(), "sip:alice@192.0.2.1:5060");
  EXPECT_EQ(to->uri.ToString(), "sip:alice@192.0.2.1:5060");
  ASSERT_TRUE(from->Param("tag").has_value());
  EXPECT_GE(from->Param("tag")->size(), 16u);
  EXPECT_FALSE(to->Param("tag").has_value());
  EXPECT_GE(Header(r, "Call-ID").size(), 32u);
  EXPECT_EQ(Header(r, "CSeq"), "1 REGISTER");
  EXPECT_EQ(Header(r, "Contact"), "<sip:alice@127.0.0.1:5070;transport=udp>;expires=600");
  EXPECT_EQ(reg.contact_uri(), "sip:alice@127.0.0.1:5070;transport=udp");
  EXPECT_EQ(Header(r, "Expires"), "600");
  EXPECT_EQ(Header(r, "Max-Forwards"), "70");
  EXPECT_EQ(Header(r, "User-Agent"), "konfero");
  EXPECT_TRUE(absl::StrContains(Header(r, "Allow"), "INVITE"));
  EXPECT_FALSE(r.Get("Authorization").has_value());
  EXPECT_TRUE(reg.Owns(sip::MakeResponse(r, 200, "OK")));

  // Nothing more until the answer; a second registration has its own ids.
  EXPECT_TRUE(reg.OnTimer(kStart + kSecond).empty());
  Registration other(Config());
  sip::SipMessage o = Single(other.OnTimer(kStart));
  EXPECT_NE(Header(o, "Call-ID"), Header(r, "Call-ID"));
  EXPECT_NE(*sip::ParseNameAddr(*o.Get("From"))->Param("tag"), *from->Param("tag"));
  EXPECT_NE(Branch(o), Branch(r));
  EXPECT_FALSE(reg.Owns(sip::MakeResponse(o, 200, "OK")));
}

TEST(Registration, AnswersTheChallengeAndTheRegistrarAcceptsIt) {
  Registration reg(Config());
  FakeRegistrar registrar;
  sip::SipMessage first = Single(reg.OnTimer(kStart));
  sip::SipMessage second = Single(reg.OnResponse(registrar.Challenge(first, kStart), kStart));
  EXPECT_EQ(Header(second, "Call-ID"), Header(first, "Call-ID"));
  EXPECT_EQ(Header(second, "From"), Header(first, "From"));
  EXPECT_EQ(Header(second, "CSeq"), "2 REGISTER");
  EXPECT_NE(Branch(second), Branch(first));
  EXPECT_FALSE(absl::StrContains(sip::Serialize(second), "alicepw"));
  sip::DigestVerification v = registrar.Verify(second, kStart);
  EXPECT_TRUE(v.ok()) << v.detail;
  EXPECT_EQ(v.username, "alice");
  EXPECT_EQ(v.uri, "sip:192.0.2.1:5060");
  EXPECT_EQ(reg.state(), State::kRegistering);
  EXPECT_TRUE(reg.OnResponse(FakeRegistrar::Ok(second, 120), kStart).empty());
  EXPECT_EQ(reg.state(), State::kRegistered);
  EXPECT_EQ(reg.granted_expires_s(), 120);
  EXPECT_EQ(reg.failures(), 0);
  EXPECT_TRUE(reg.last_error().ok());
}

TEST(Registration, ProxyChallengeIsAnsweredWithProxyAuthorization) {
  Registration reg(Config());
  sip::DigestServer proxy;
  sip::SipMessage first = Single(reg.OnTimer(kStart));
  sip::SipMessage challenge = sip::MakeResponse(first, 407, "Proxy Authentication Required");
  challenge.Add("Proxy-Authenticate",
                *proxy.MakeChallenge("proxy.example", sip::DigestAlgorithm::kSha256, false,
                                     absl::FromUnixSeconds(1'700'000'000)));
  sip::SipMessage second = Single(reg.OnResponse(Wire(challenge), kStart));
  EXPECT_FALSE(second.Get("Authorization").has_value());
  sip::DigestVerification v = proxy.Verify(
      "proxy.example", *second.Get("Proxy-Authorization"), "REGISTER", "",
      absl::FromUnixSeconds(1'700'000'000),
      [](std::string_view, std::string_view, sip::DigestAlgorithm) {
        return std::optional(sip::DigestUserSecret::Password("alicepw"));
      });
  EXPECT_TRUE(v.ok()) << v.detail;
}

TEST(Registration, RefreshesAtHalfTheGrantedExpiryWithPreemptiveCredentials) {
  Registration reg(Config("alicepw", sip::Transport::kTcp));  // no keep-alive on TCP
  FakeRegistrar registrar;
  RegisterOk(reg, registrar, 120);
  EXPECT_EQ(reg.NextDeadline(), kStart + 60 * kSecond);
  EXPECT_TRUE(reg.OnTimer(kStart + 60 * kSecond - 1).empty());
  const int64_t t = kStart + 60 * kSecond;
  sip::SipMessage refresh = Single(reg.OnTimer(t));
  EXPECT_EQ(Header(refresh, "CSeq"), "3 REGISTER");
  EXPECT_EQ(Header(refresh, "Expires"), "600");
  EXPECT_EQ(sip::ParseVia(refresh.GetAll("Via").front())->transport, "TCP");
  EXPECT_EQ(Header(refresh, "Contact"), "<sip:alice@127.0.0.1:5070;transport=tcp>;expires=600");
  // Credentials under the kept nonce (nc=2): accepted without a new 401.
  sip::DigestVerification v = registrar.Verify(refresh, t);
  EXPECT_TRUE(v.ok()) << v.detail;
  EXPECT_EQ(reg.state(), State::kRegistered);  // the binding lives during the refresh
  // Grant without a matching Contact: the Expires header counts.
  sip::SipMessage ok = sip::MakeResponse(refresh, 200, "OK", "srv");
  ok.Add("Expires", "300");
  EXPECT_TRUE(reg.OnResponse(Wire(ok), t).empty());
  EXPECT_EQ(reg.granted_expires_s(), 300);
  EXPECT_EQ(reg.NextDeadline(), t + 150 * kSecond);
}

TEST(Registration, IntervalTooBriefRetriesWithMinExpires) {
  Registration reg(Config());
  FakeRegistrar registrar;
  sip::SipMessage first = Single(reg.OnTimer(kStart));
  sip::SipMessage brief = sip::MakeResponse(first, 423, "Interval Too Brief", "srv");
  brief.Add("Min-Expires", "1800");
  sip::SipMessage second = Single(reg.OnResponse(Wire(brief), kStart));
  EXPECT_EQ(Header(second, "Expires"), "1800");
  EXPECT_EQ(Header(second, "Contact"), "<sip:alice@127.0.0.1:5070;transport=udp>;expires=1800");
  EXPECT_EQ(Header(second, "CSeq"), "2 REGISTER");
  sip::SipMessage third = Single(reg.OnResponse(registrar.Challenge(second, kStart), kStart));
  EXPECT_EQ(Header(third, "Expires"), "1800");
  EXPECT_TRUE(reg.OnResponse(registrar.Answer(third, kStart, 1800), kStart).empty());
  EXPECT_EQ(reg.state(), State::kRegistered);
  EXPECT_EQ(reg.granted_expires_s(), 1800);

  // A 423 that asks for no more than we did is a failure, not a loop.
  Registration other(Config());
  sip::SipMessage r = Single(other.OnTimer(kStart));
  sip::SipMessage bad = sip::MakeResponse(r, 423, "Interval Too Brief", "srv");
  bad.Add("Min-Expires", "60");
  EXPECT_TRUE(other.OnResponse(Wire(bad), kStart).empty());
  EXPECT_EQ(other.state(), State::kFailed);
}

TEST(Registration, WrongPasswordFailsWithoutLoopingAndBacksOff) {
  Registration reg(Config("s3cret-wrong"));
  FakeRegistrar registrar;
  int64_t now = kStart;
  sip::SipMessage request = Single(reg.OnTimer(now));
  const int64_t expected_s[] = {30, 60, 120, 240, 480, 960, 1800, 1800, 1800};
  for (int round = 0; round < 9; ++round) {
    // Challenge, answer, challenge again (a fresh nonce, not stale): fail.
    int sent = 0;
    std::vector<sip::SipMessage> out{request};
    while (!out.empty()) {
      ASSERT_LT(++sent, 4) << "looping on 401 in round " << round;
      request = Wire(out.front());
      out = reg.OnResponse(registrar.Answer(request, now, 600), now);
    }
    ASSERT_EQ(reg.state(), State::kFailed);
    EXPECT_EQ(reg.failures(), round + 1);
    EXPECT_TRUE(absl::IsUnauthenticated(reg.last_error()));
    EXPECT_TRUE(absl::StrContains(reg.last_error().message(), "wrong username or password"));
    EXPECT_FALSE(absl::StrContains(reg.last_error().message(), "s3cret")) << reg.last_error();
    const int64_t delay = reg.NextDeadline() - now;
    EXPECT_GE(delay, expected_s[round] * kSecond) << "round " << round;
    EXPECT_LE(delay, expected_s[round] * kSecond * 11 / 10) << "round " << round;
    EXPECT_TRUE(reg.OnTimer(reg.NextDeadline() - 1).empty());
    now = reg.NextDeadline();
    request = Single(reg.OnTimer(now));
    EXPECT_EQ(reg.state(), State::kRegistering);
  }
}

TEST(Registration, SameNonceTwiceFailsButStaleIsAnswered) {
  Registration reg(Config());
  FakeRegistrar registrar;
  sip::SipMessage first = Single(reg.OnTimer(kStart));
  sip::SipMessage challenge = registrar.Challenge(first, kStart);
  sip::SipMessage second = Single(reg.OnResponse(challenge, kStart));
  // The registrar says its nonce went stale: answered again.
  sip::SipMessage third = Single(reg.OnResponse(registrar.Challenge(second, kStart, true), kStart));
  EXPECT_TRUE(registrar.Verify(third, kStart).ok());
  // The same (non-stale) challenge again: wrong credentials.
  sip::SipMessage again = sip::MakeResponse(third, 401, "Unauthorized", "srv");
  again.Add("WWW-Authenticate", *challenge.Get("WWW-Authenticate"));
  EXPECT_TRUE(reg.OnResponse(Wire(again), kStart).empty());
  EXPECT_EQ(reg.state(), State::kFailed);
  EXPECT_EQ(reg.failures(), 1);
}

TEST(Registration, TimeoutRetriesWithBackOff) {
  Registration reg(Config());
  sip::SipMessage first = Single(reg.OnTimer(kStart));
  EXPECT_TRUE(reg.OnTimeout(kStart + 32 * kSecond).empty());
  EXPECT_EQ(reg.state(), State::kFailed);
  EXPECT_TRUE(absl::IsDeadlineExceeded(reg.last_error()));
  const int64_t retry = reg.NextDeadline();
  EXPECT_GE(retry, kStart + 62 * kSecond);
  EXPECT_LE(retry, kStart + 65 * kSecond);
  // A late response to the timed-out request changes nothing.
  EXPECT_TRUE(reg.OnResponse(FakeRegistrar::Ok(first, 600), retry - 1).empty());
  EXPECT_EQ(reg.state(), State::kFailed);
  sip::SipMessage second = Single(reg.OnTimer(retry));
  EXPECT_EQ(Header(second, "CSeq"), "2 REGISTER");
  EXPECT_EQ(Header(second, "Call-ID"), Header(first, "Call-ID"));
  EXPECT_EQ(reg.state(), State::kRegistering);
  // The owner never reports on it: it counts as timed out after the guard.
  EXPECT_EQ(reg.NextDeadline(), retry + Registration::kOutstandingGuardUs);
  EXPECT_TRUE(reg.OnTimer(retry + Registration::kOutstandingGuardUs).empty());
  EXPECT_EQ(reg.state(), State::kFailed);
  EXPECT_EQ(reg.failures(), 2);
  EXPECT_GE(reg.NextDeadline(), retry + Registration::kOutstandingGuardUs + 60 * kSecond);
  // Success resets the count.
  sip::SipMessage third = Single(reg.OnTimer(reg.NextDeadline()));
  EXPECT_TRUE(reg.OnResponse(FakeRegistrar::Ok(third, 600), reg.NextDeadline()).empty());
  EXPECT_EQ(reg.state(), State::kRegistered);
  EXPECT_EQ(reg.failures(), 0);
}

TEST(Registration, RejectionsFailAndRetryAfterIsHonoured) {
  Registration reg(Config());
  sip::SipMessage r = Single(reg.OnTimer(kStart));
  EXPECT_TRUE(reg.OnResponse(Wire(sip::MakeResponse(r, 100, "Trying")), kStart).empty());
  EXPECT_EQ(reg.state(), State::kRegistering);
  sip::SipMessage busy = sip::MakeResponse(r, 503, "Service Unavailable", "srv");
  busy.Add("Retry-After", "600 (maintenance)");
  EXPECT_TRUE(reg.OnResponse(Wire(busy), kStart).empty());
  EXPECT_EQ(reg.state(), State::kFailed);
  EXPECT_TRUE(absl::StrContains(reg.last_error().message(), "503")) << reg.last_error();
  EXPECT_GE(reg.NextDeadline(), kStart + 600 * kSecond);
  EXPECT_LE(reg.NextDeadline(), kStart + 660 * kSecond);

  r = Single(reg.OnTimer(reg.NextDeadline()));
  EXPECT_TRUE(
      reg.OnResponse(Wire(sip::MakeResponse(r, 403, "Forbidden", "srv")), kStart).empty());
  EXPECT_EQ(reg.state(), State::kFailed);
  EXPECT_EQ(reg.failures(), 2);
}

TEST(Registration, KeepAliveOptionsEvery30SecondsAndReRegistersOnTimeout) {
  Registration reg(Config());
  FakeRegistrar registrar;
  RegisterOk(reg, registrar, 600);
  EXPECT_EQ(reg.NextDeadline(), kStart + 30 * kSecond);
  int64_t t = kStart + 30 * kSecond;
  sip::SipMessage ping = Single(reg.OnTimer(t));
  EXPECT_EQ(ping.method(), "OPTIONS");
  EXPECT_EQ(ping.request_uri(), "sip:192.0.2.1:5060");
  EXPECT_EQ(Header(ping, "CSeq"), "1 OPTIONS");
  EXPECT_EQ(Header(ping, "Max-Forwards"), "70");
  EXPECT_TRUE(absl::StartsWith(Branch(ping), "z9hG4bK"));
  sip::SipMessage pong = sip::MakeResponse(ping, 200, "OK", "srv");
  EXPECT_TRUE(reg.Owns(pong));
  EXPECT_TRUE(reg.OnResponse(Wire(pong), t + 100'000).empty());
  EXPECT_EQ(reg.NextDeadline(), t + 100'000 + 30 * kSecond);

  t = reg.NextDeadline();
  ping = Single(reg.OnTimer(t));
  EXPECT_EQ(Header(ping, "CSeq"), "2 OPTIONS");
  // The NAT binding is gone: register again at once.
  sip::SipMessage again = Single(reg.OnTimeout(t + 32 * kSecond));
  EXPECT_EQ(again.method(), "REGISTER");
  EXPECT_EQ(reg.state(), State::kRegistering);
  // Preemptive credentials: the registrar takes it without a new 401.
  sip::SipMessage answer = registrar.Answer(again, t + 32 * kSecond, 600);
  EXPECT_EQ(answer.status(), 200);
  EXPECT_TRUE(reg.OnResponse(answer, t + 33 * kSecond).empty());
  EXPECT_EQ(reg.state(), State::kRegistered);
  EXPECT_EQ(reg.failures(), 0);
}

TEST(Registration, RefreshWaitsForAnOutstandingKeepAlive) {
  Registration reg(Config());
  FakeRegistrar registrar;
  RegisterOk(reg, registrar, 100);  // keep-alive at +30 s, refresh at +50 s
  sip::SipMessage ping = Single(reg.OnTimer(kStart + 30 * kSecond));
  EXPECT_EQ(ping.method(), "OPTIONS");
  EXPECT_EQ(reg.NextDeadline(), kStart + 30 * kSecond + Registration::kOutstandingGuardUs);
  EXPECT_TRUE(reg.OnTimer(kStart + 50 * kSecond).empty());  // one request at a time
  EXPECT_TRUE(reg.OnResponse(Wire(sip::MakeResponse(ping, 405, "Method Not Allowed")),
                             kStart + 55 * kSecond).empty());
  EXPECT_EQ(reg.state(), State::kRegistered);
  EXPECT_EQ(reg.NextDeadline(), kStart + 50 * kSecond);  // overdue
  sip::SipMessage refresh = Single(reg.OnTimer(kStart + 55 * kSecond));
  EXPECT_EQ(refresh.method(), "REGISTER");
  // Refresh and keep-alive due together: the refresh goes first.
  EXPECT_TRUE(reg.OnResponse(FakeRegistrar::Ok(refresh, 60), kStart + 60 * kSecond).empty());
  EXPECT_EQ(reg.NextDeadline(), kStart + 90 * kSecond);
  EXPECT_EQ(Single(reg.OnTimer(kStart + 90 * kSecond)).method(), "REGISTER");
}

TEST(Registration, UnregisterSendsExpiresZeroWithCredentials) {
  Registration reg(Config());
  FakeRegistrar registrar;
  RegisterOk(reg, registrar, 600);
  const int64_t t = kStart + 5 * kSecond;
  sip::SipMessage bye = Single(reg.Unregister(t));
  EXPECT_EQ(bye.method(), "REGISTER");
  EXPECT_EQ(Header(bye, "Expires"), "0");
  EXPECT_EQ(Header(bye, "Contact"), "<sip:alice@127.0.0.1:5070;transport=udp>;expires=0");
  EXPECT_EQ(Header(bye, "CSeq"), "3 REGISTER");
  EXPECT_TRUE(registrar.Verify(bye, t).ok());
  EXPECT_EQ(reg.state(), State::kUnregistered);
  EXPECT_EQ(reg.NextDeadline(), sip::kNever);
  EXPECT_TRUE(reg.OnTimer(t + 3600 * kSecond).empty());
  EXPECT_TRUE(reg.Unregister(t).empty());

  // A 401 to the unregister is answered once, with Expires 0 still.
  sip::SipMessage retry = Single(reg.OnResponse(registrar.Challenge(bye, t), t));
  EXPECT_EQ(Header(retry, "Expires"), "0");
  EXPECT_TRUE(registrar.Verify(retry, t).ok());
  EXPECT_TRUE(reg.OnResponse(registrar.Challenge(retry, t), t).empty());
  EXPECT_EQ(reg.state(), State::kUnregistered);
  EXPECT_EQ(reg.failures(), 0);

  Registration idle(Config());
  EXPECT_TRUE(idle.Unregister(kStart).empty());
  EXPECT_TRUE(idle.OnTimer(kStart).empty());
}

}  // namespace
}  // namespace konfero::dial_in
