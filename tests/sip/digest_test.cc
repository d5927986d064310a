// Tests of sip/digest.h: the RFC 2617 and RFC 7616 worked examples, the
// parsers on good and bad header values, the client's choice of challenge
// and nonce counts, and DigestServer end to end (round trip, wrong password,
// stale, replayed and tampered nonces, malformed headers).
#include "sip/digest.h"

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::sip {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Values checked against the RFCs' examples, or (no qop, auth-int, -sess,
// userhash) computed independently with Python's hashlib.
constexpr std::string_view kRfc2617Challenge =
    "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
    "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", "
    "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";

std::string Rfc7616Challenge(std::string_view algorithm) {
  return std::string("Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", ") +
         "algorithm=" + std::string(algorithm) +
         ", nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
         "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
}
constexpr std::string_view kRfc7616Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

DigestAuthorization ParseOrDie(std::string_view value) {
  absl::StatusOr<DigestAuthorization> a = ParseDigestAuthorization(value);
  EXPECT_TRUE(a.ok()) << a.status() << " in " << value;
  return a.ok() ? *a : DigestAuthorization{};
}

TEST(DigestClientTest, Rfc2617Section3_5Example) {
  absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(kRfc2617Challenge);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->realm, "testrealm@host.com");
  EXPECT_TRUE(c->qop_auth);
  EXPECT_TRUE(c->qop_auth_int);
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kMd5);
  EXPECT_FALSE(c->algorithm_present);
  absl::StatusOr<std::string> value = BuildDigestAuthorization(
      *c, {"Mufasa", "Circle Of Life", ""}, "GET", "/dir/index.html", "", "0a4f113b", 1);
  ASSERT_TRUE(value.ok()) << value.status();
  const DigestAuthorization a = ParseOrDie(*value);
  EXPECT_EQ(a.response, "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(a.username, "Mufasa");
  EXPECT_EQ(a.uri, "/dir/index.html");
  EXPECT_EQ(a.qop, DigestQop::kAuth);
  EXPECT_EQ(a.nc, 1u);
  EXPECT_EQ(a.cnonce, "0a4f113b");
  EXPECT_EQ(a.opaque, "5ccc069c403ebaf9f0171e9517f40e41");
  EXPECT_THAT(*value, Not(HasSubstr("algorithm")));  // not offered, not echoed
  EXPECT_THAT(*value, HasSubstr("nc=00000001"));
  EXPECT_THAT(*value, HasSubstr("qop=auth,"));
}

TEST(DigestClientTest, Rfc7616Section3_9_1Md5AndSha256) {
  for (auto [algorithm, response] :
       {std::pair<std::string_view, std::string_view>{"MD5",
                                                      "8ca523f5e9506fed4657c9700eebdbec"},
        {"SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"}}) {
    SCOPED_TRACE(algorithm);
    absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(Rfc7616Challenge(algorithm));
    ASSERT_TRUE(c.ok()) << c.status();
    absl::StatusOr<std::string> value =
        BuildDigestAuthorization(*c, {"Mufasa", "Circle of Life", "http-auth@example.org"},
                                 "GET", "/dir/index.html", "", kRfc7616Cnonce, 1);
    ASSERT_TRUE(value.ok()) << value.status();
    const DigestAuthorization a = ParseOrDie(*value);
    EXPECT_EQ(a.response, response);
    EXPECT_EQ(DigestAlgorithmName(a.algorithm), algorithm);
    EXPECT_TRUE(a.algorithm_present);
  }
}

TEST(DigestParseTest, Rfc7616AuthorizationAsWritten) {
  // The RFC's SHA-256 Authorization, its folded lines joined by one space.
  const DigestAuthorization a = ParseOrDie(
      "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
      "uri=\"/dir/index.html\", algorithm=SHA-256, "
      "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
      "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, "
      "response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", "
      "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"");
  EXPECT_EQ(a.username, "Mufasa");
  EXPECT_EQ(a.algorithm, DigestAlgorithm::kSha256);
  EXPECT_EQ(a.qop, DigestQop::kAuth);
  EXPECT_EQ(a.nc, 1u);
  EXPECT_EQ(a.cnonce, kRfc7616Cnonce);
}

TEST(DigestClientTest, NoQopIsRfc2069Style) {
  absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(
      "Digest realm=\"testrealm@host.com\", nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\"");
  ASSERT_TRUE(c.ok()) << c.status();
  absl::StatusOr<std::string> value = BuildDigestAuthorization(
      *c, {"Mufasa", "Circle Of Life", ""}, "GET", "/dir/index.html", "", "ignored", 7);
  ASSERT_TRUE(value.ok()) << value.status();
  const DigestAuthorization a = ParseOrDie(*value);
  EXPECT_EQ(a.response, "670fd8c2df070c60b045671b8b24ff02");
  EXPECT_EQ(a.qop, DigestQop::kNone);
  EXPECT_THAT(*value, Not(HasSubstr("cnonce")));
  EXPECT_THAT(*value, Not(HasSubstr("nc=")));
}

TEST(DigestClientTest, AuthIntSessAndUserhash) {
  const DigestCredentials alice{"alice", "secret", ""};
  auto answer = [&](std::string_view challenge, uint32_t nc) {
    absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(challenge);
    EXPECT_TRUE(c.ok()) << c.status();
    absl::StatusOr<std::string> v = BuildDigestAuthorization(
        *c, alice, "INVITE", "sip:biloxi.com", "v=0\r\n", "cn1", nc);
    EXPECT_TRUE(v.ok()) << v.status();
    return ParseOrDie(*v);
  };
  DigestAuthorization a = answer(
      "Digest realm=\"biloxi.com\", nonce=\"abc123\", algorithm=SHA-256, qop=\"auth-int\"", 2);
  EXPECT_EQ(a.qop, DigestQop::kAuthInt);
  EXPECT_EQ(a.response, "f34b59ab6877964ee400dc8b58e27e482afb651099f7b425243fa98a376c41a1");
  a = answer("Digest realm=\"biloxi.com\", nonce=\"abc123\", algorithm=sha-256-SESS, qop=auth",
             2);
  EXPECT_EQ(a.algorithm, DigestAlgorithm::kSha256Sess);
  EXPECT_EQ(a.response, "2099fcabc368cda55099f76b4e67ba21a7790c1be2e247fda086e565c6d2bb69");
  a = answer("Digest realm=\"biloxi.com\", nonce=\"abc123\", algorithm=MD5-sess, qop=\"auth\"",
             10);
  EXPECT_EQ(a.response, "56013bfcec81f67f8a276334540931eb");
  EXPECT_EQ(a.nc, 10u);
  a = answer(
      "Digest realm=\"biloxi.com\", nonce=\"abc123\", algorithm=SHA-256, qop=\"auth\", "
      "userhash=true",
      1);
  EXPECT_TRUE(a.userhash);
  EXPECT_EQ(a.username, "7773f6fa30ec8486a4e0815ab13dd10d67b5c823945eb40ee1477c365f38fcaa");
}

TEST(DigestClientTest, RefusesOtherRealmAndSessWithoutQop) {
  absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(kRfc2617Challenge);
  ASSERT_TRUE(c.ok());
  absl::StatusOr<std::string> v = BuildDigestAuthorization(
      *c, {"Mufasa", "Circle Of Life", "other.realm"}, "GET", "/", "", "x", 1);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(v.status().message(), Not(HasSubstr("Circle")));
  c = ParseDigestChallenge("Digest realm=\"r\", nonce=\"n\", algorithm=MD5-sess");
  ASSERT_TRUE(c.ok());
  v = BuildDigestAuthorization(*c, {"u", "p", ""}, "GET", "/", "", "x", 1);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
  c = ParseDigestChallenge("Digest realm=\"r\", nonce=\"n\"");
  ASSERT_TRUE(c.ok());
  v = BuildDigestAuthorization(*c, {"u", "p", ""}, "GET", "sip:a\r\nVia: x", "", "x", 1);
  EXPECT_EQ(v.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DigestClientTest, ChooseChallengePrefersSha256) {
  const std::string md5 = Rfc7616Challenge("MD5");
  const std::string sha = Rfc7616Challenge("SHA-256");
  const std::string md5_first[] = {md5, sha};
  std::vector<std::string_view> values(std::begin(md5_first), std::end(md5_first));
  absl::StatusOr<DigestChallenge> c = ChooseChallenge(values);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kSha256);
  values = {"Basic realm=\"x\"", "Digest realm=\"a\", nonce=\"n\", algorithm=SHA-512-256",
            "Digest realm=\"b\", nonce=\"n2\", algorithm=MD5-sess, qop=auth",
            "Digest realm=\"c\", nonce=\"n3\", algorithm=MD5, qop=auth"};
  c = ChooseChallenge(values);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->realm, "c");
  c = ChooseChallenge(values, "b");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kMd5Sess);
  c = ChooseChallenge(values, "nowhere");
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("not Digest"));
  EXPECT_THAT(c.status().message(), HasSubstr("SHA-512-256"));
  EXPECT_EQ(ChooseChallenge({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DigestClientTest, NonceCountGrowsPerNonceAndCnonceIsFresh) {
  DigestClientState state;
  EXPECT_EQ(state.NextNonceCount("a"), 1u);
  EXPECT_EQ(state.NextNonceCount("a"), 2u);
  EXPECT_EQ(state.NextNonceCount("b"), 1u);
  EXPECT_EQ(state.NextNonceCount("a"), 3u);
  for (int k = 0; k < static_cast<int>(DigestClientState::kMaxNonces); ++k) {
    state.NextNonceCount("other" + std::to_string(k));
  }
  EXPECT_EQ(state.NextNonceCount("a"), 1u);  // forgotten: the oldest goes first

  absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(kRfc2617Challenge);
  ASSERT_TRUE(c.ok());
  DigestClientState fresh;
  absl::StatusOr<std::string> v1 =
      AnswerChallenge(*c, {"Mufasa", "Circle Of Life", ""}, "GET", "/", "", fresh);
  absl::StatusOr<std::string> v2 =
      AnswerChallenge(*c, {"Mufasa", "Circle Of Life", ""}, "GET", "/", "", fresh);
  ASSERT_TRUE(v1.ok() && v2.ok());
  const DigestAuthorization a1 = ParseOrDie(*v1), a2 = ParseOrDie(*v2);
  EXPECT_EQ(a1.nc, 1u);
  EXPECT_EQ(a2.nc, 2u);
  EXPECT_EQ(a1.cnonce.size(), 32u);
  EXPECT_NE(a1.cnonce, a2.cnonce);
  EXPECT_NE(a1.response, a2.response);
}

TEST(DigestParseTest, SyntaxVariants) {
  absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(
      "  digest   REALM = \"a\\\"b\\\\c\" ,NONCE=tok.en-1,\tAlgorithm=\"sha-256\", "
      "Stale=true, domain=\"sip:x\", qop=\"auth-int, auth-conf\"");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->realm, "a\"b\\c");
  EXPECT_EQ(c->nonce, "tok.en-1");
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kSha256);
  EXPECT_TRUE(c->stale);
  EXPECT_FALSE(c->qop_auth);
  EXPECT_TRUE(c->qop_auth_int);
  // Formatting escapes again, and the result parses to the same challenge.
  absl::StatusOr<std::string> text = FormatDigestChallenge(*c);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("realm=\"a\\\"b\\\\c\""));
  EXPECT_THAT(*text, HasSubstr("stale=TRUE"));
  absl::StatusOr<DigestChallenge> again = ParseDigestChallenge(*text);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *c);
  // Empty realm is allowed; UTF-8 passes through.
  c = ParseDigestChallenge("Digest realm=\"\", nonce=\"n\xc3\xa9\"");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->nonce, "n\xc3\xa9");
}

TEST(DigestParseTest, MalformedValuesAreRefusedWithAReason) {
  struct Case {
    std::string_view value;
    absl::StatusCode code;
    std::string_view reason;
  };
  const Case challenges[] = {
      {"", absl::StatusCode::kInvalidArgument, "missing auth scheme"},
      {"Digest", absl::StatusCode::kInvalidArgument, "no parameters"},
      {"Basic realm=\"x\"", absl::StatusCode::kUnimplemented, "not Digest"},
      {"Digest realm=\"x\", nonce=\"n\", algorithm=SHA-512-256",
       absl::StatusCode::kUnimplemented, "SHA-512-256"},
      {"Digest realm=\"x\", realm=\"y\", nonce=\"n\"", absl::StatusCode::kInvalidArgument,
       "duplicated parameter realm"},
      {"Digest REALM=\"x\", Realm=\"y\", nonce=\"n\"", absl::StatusCode::kInvalidArgument,
       "duplicated"},
      {"Digest realm=\"x\"", absl::StatusCode::kInvalidArgument, "without nonce"},
      {"Digest nonce=\"x\"", absl::StatusCode::kInvalidArgument, "without realm"},
      {"Digest realm=\"x, nonce=\"n\"", absl::StatusCode::kInvalidArgument, "expected ','"},
      {"Digest realm=\"x", absl::StatusCode::kInvalidArgument, "unterminated"},
      {"Digest realm=\"x\\", absl::StatusCode::kInvalidArgument, "unterminated"},
      {"Digest realm=\"x\", nonce=\"n\",", absl::StatusCode::kInvalidArgument, "trailing"},
      {"Digest realm=\"x\",, nonce=\"n\"", absl::StatusCode::kInvalidArgument, "name"},
      {"Digest realm=, nonce=\"n\"", absl::StatusCode::kInvalidArgument, "empty value"},
      {"Digest realm \"x\"", absl::StatusCode::kInvalidArgument, "'='"},
      {"Digest realm=\"a\rb\", nonce=\"n\"", absl::StatusCode::kInvalidArgument, "control"},
      {"Digest realm=\"x\", nonce=\"n\", qop=\"auth-conf\"",
       absl::StatusCode::kInvalidArgument, "qop"},
      {"Digest realm=\"x\", nonce=\"n\", stale=maybe", absl::StatusCode::kInvalidArgument,
       "stale"},
  };
  for (const Case& c : challenges) {
    absl::StatusOr<DigestChallenge> r = ParseDigestChallenge(c.value);
    EXPECT_EQ(r.status().code(), c.code) << c.value << ": " << r.status();
    EXPECT_THAT(r.status().message(), HasSubstr(c.reason)) << c.value;
  }
  const std::string response(32, 'a');
  const std::string base = "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\"";
  const Case credentials[] = {
      {"Digest realm=\"r\"", absl::StatusCode::kInvalidArgument,
       "without username, nonce, uri, response"},
      {"Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", response=\"abc\"",
       absl::StatusCode::kInvalidArgument, "32 hex digits"},
      {"Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", algorithm=SHA-256, "
       "response=\"0123456789abcdef0123456789abcdef\"",
       absl::StatusCode::kInvalidArgument, "64 hex digits"},
      {"Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", "
       "response=\"0123456789abcdef0123456789abcdeg\"",
       absl::StatusCode::kInvalidArgument, "hex"},
      {"Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", qop=auth, "
       "response=\"0123456789abcdef0123456789abcdef\"",
       absl::StatusCode::kInvalidArgument, "without cnonce, nc"},
      {"Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", qop=auth, nc=1, "
       "cnonce=\"c\", response=\"0123456789abcdef0123456789abcdef\"",
       absl::StatusCode::kInvalidArgument, "nc is not 8 hex digits"},
      {"Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", nc=00000001, "
       "cnonce=\"c\", response=\"0123456789abcdef0123456789abcdef\"",
       absl::StatusCode::kInvalidArgument, "without qop"},
      {"Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"sip:x\", qop=auth-conf, "
       "response=\"0123456789abcdef0123456789abcdef\"",
       absl::StatusCode::kInvalidArgument, "qop"},
      {"Digest username=\"u\", username=\"v\", realm=\"r\"", absl::StatusCode::kInvalidArgument,
       "duplicated parameter username"},
  };
  for (const Case& c : credentials) {
    absl::StatusOr<DigestAuthorization> r = ParseDigestAuthorization(c.value);
    EXPECT_EQ(r.status().code(), c.code) << c.value << ": " << r.status();
    EXPECT_THAT(r.status().message(), HasSubstr(c.reason)) << c.value;
  }
}

TEST(DigestParseTest, LimitsAreEnforced) {
  const std::string long_realm(2000, 'x');
  absl::StatusOr<DigestChallenge> c =
      ParseDigestChallenge("Digest realm=\"" + long_realm + "\", nonce=\"n\"");
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(c.status().message(), HasSubstr("longer than 1024"));
  c = ParseDigestChallenge("Digest realm=" + long_realm + ", nonce=\"n\"");
  EXPECT_THAT(c.status().message(), HasSubstr("longer than 1024"));
  c = ParseDigestChallenge("Digest realm=\"r\", nonce=\"n\", x=\"" + std::string(5000, 'y') +
                           "\"");
  EXPECT_THAT(c.status().message(), HasSubstr("more than 4096"));
  std::string many = "Digest realm=\"r\", nonce=\"n\"";
  for (int k = 0; k < 31; ++k) many += ", p" + std::to_string(k) + "=1";
  EXPECT_EQ(ParseDigestChallenge(many).status().code(), absl::StatusCode::kInvalidArgument);
  DigestParseLimits roomy;
  roomy.max_params = 40;
  EXPECT_TRUE(ParseDigestChallenge(many, roomy).ok());
}

// ---------------------------------------------------------------- server --

constexpr std::string_view kRealm = "trunk.example";
const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);

std::optional<DigestUserSecret> Users(std::string_view user, std::string_view realm,
                                      DigestAlgorithm) {
  if (realm != kRealm) return std::nullopt;
  if (user == "alice") return DigestUserSecret::Password("alicepw");
  return std::nullopt;
}

struct Exchange {
  DigestChallenge challenge;
  std::string authorization;
};

Exchange Challenge(DigestServer& server, DigestAlgorithm algorithm, absl::Time now,
                   std::string_view password = "alicepw",
                   std::string_view method = "INVITE", std::string_view body = "") {
  absl::StatusOr<std::string> text = server.MakeChallenge(kRealm, algorithm, false, now);
  EXPECT_TRUE(text.ok()) << text.status();
  absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(*text);
  EXPECT_TRUE(c.ok()) << c.status();
  DigestClientState state;
  absl::StatusOr<std::string> a =
      AnswerChallenge(*c, {"alice", std::string(password), ""}, method,
                      "sip:bob@trunk.example", body, state);
  EXPECT_TRUE(a.ok()) << a.status();
  return {*c, *a};
}

TEST(DigestServerTest, RoundTripWithEachAlgorithm) {
  DigestServer server;
  for (DigestAlgorithm alg : {DigestAlgorithm::kMd5, DigestAlgorithm::kMd5Sess,
                              DigestAlgorithm::kSha256, DigestAlgorithm::kSha256Sess}) {
    SCOPED_TRACE(DigestAlgorithmName(alg));
    const Exchange e = Challenge(server, alg, kT0, "alicepw", "INVITE", "v=0\r\n");
    EXPECT_EQ(e.challenge.realm, kRealm);
    EXPECT_EQ(e.challenge.algorithm, alg);
    EXPECT_TRUE(e.challenge.qop_auth);
    EXPECT_FALSE(e.challenge.stale);
    const DigestVerification v = server.Verify(kRealm, e.authorization, "INVITE", "v=0\r\n",
                                               kT0 + absl::Seconds(2), Users);
    EXPECT_EQ(v.verdict, DigestVerdict::kOk) << v.detail;
    EXPECT_EQ(v.username, "alice");
    EXPECT_EQ(v.uri, "sip:bob@trunk.example");
  }
}

TEST(DigestServerTest, AcceptsHa1FromTheStore) {
  DigestServer server;
  auto ha1_store = [](std::string sha256_ha1, std::string md5_ha1) {
    return [=](std::string_view user, std::string_view realm, DigestAlgorithm alg)
               -> std::optional<DigestUserSecret> {
      if (user != "alice" || realm != kRealm) return std::nullopt;
      return DigestUserSecret::Ha1(alg == DigestAlgorithm::kSha256 ? sha256_ha1 : md5_ha1);
    };
  };
  // sha256 and md5 of "alice:trunk.example:alicepw" (the SHA-256 one in upper
  // case, as some stores keep it).
  auto right = ha1_store("28A76919705E728B627C18890A2FB90D3D843D914C4E0A85CF4C486834513D16",
                         "a4ca636cc5b0b322544a007a450eab1e");
  auto wrong = ha1_store(std::string(64, '0'), std::string(32, '0'));
  for (DigestAlgorithm alg : {DigestAlgorithm::kSha256, DigestAlgorithm::kSha256Sess,
                              DigestAlgorithm::kMd5, DigestAlgorithm::kMd5Sess}) {
    SCOPED_TRACE(DigestAlgorithmName(alg));
    const Exchange e = Challenge(server, alg, kT0);
    EXPECT_EQ(server.Verify(kRealm, e.authorization, "INVITE", "", kT0, wrong).verdict,
              DigestVerdict::kWrongCredentials);
    const DigestVerification v = server.Verify(kRealm, e.authorization, "INVITE", "", kT0, right);
    EXPECT_EQ(v.verdict, DigestVerdict::kOk) << v.detail;
  }
}

TEST(DigestServerTest, WrongPasswordAndUnknownUser) {
  DigestServer server;
  Exchange e = Challenge(server, DigestAlgorithm::kSha256, kT0, "not-alicepw");
  DigestVerification v = server.Verify(kRealm, e.authorization, "INVITE", "", kT0, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kWrongCredentials);
  EXPECT_THAT(v.detail, HasSubstr("does not match"));
  EXPECT_THAT(v.detail, Not(HasSubstr("alicepw")));
  // Right password, wrong method (the response covers it).
  e = Challenge(server, DigestAlgorithm::kSha256, kT0);
  v = server.Verify(kRealm, e.authorization, "BYE", "", kT0, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kWrongCredentials);
  // auth-int is not used by our challenge, so the body is not covered: a
  // different body still verifies.
  v = server.Verify(kRealm, e.authorization, "INVITE", "other body", kT0, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kOk) << v.detail;
  v = server.Verify(kRealm, e.authorization, "INVITE", "", kT0,
                    [](std::string_view, std::string_view, DigestAlgorithm) {
                      return std::optional<DigestUserSecret>();
                    });
  EXPECT_EQ(v.verdict, DigestVerdict::kWrongCredentials);
  EXPECT_EQ(v.detail, "unknown user");
}

TEST(DigestServerTest, StaleNonceNeedsTheRightPasswordFirst) {
  DigestServer server;
  const Exchange e = Challenge(server, DigestAlgorithm::kSha256, kT0);
  const absl::Time late = kT0 + absl::Minutes(5) + absl::Seconds(1);
  DigestVerification v = server.Verify(kRealm, e.authorization, "INVITE", "", late, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kStaleNonce) << v.detail;
  const Exchange wrong = Challenge(server, DigestAlgorithm::kSha256, kT0, "bad");
  v = server.Verify(kRealm, wrong.authorization, "INVITE", "", late, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kWrongCredentials);
  // Just inside the lifetime it is fine; a nonce "from the future" is stale.
  v = server.Verify(kRealm, e.authorization, "INVITE", "", kT0 + absl::Minutes(5), Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kOk) << v.detail;
  const Exchange future = Challenge(server, DigestAlgorithm::kSha256, kT0 + absl::Hours(1));
  v = server.Verify(kRealm, future.authorization, "INVITE", "", kT0, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kStaleNonce);
  // A shorter configured lifetime.
  DigestServerOptions options;
  options.nonce_lifetime = absl::Seconds(30);
  DigestServer strict(options);
  const Exchange s = Challenge(strict, DigestAlgorithm::kMd5, kT0);
  v = strict.Verify(kRealm, s.authorization, "INVITE", "", kT0 + absl::Seconds(31), Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kStaleNonce);
  // The re-challenge says stale=TRUE.
  absl::StatusOr<std::string> again =
      server.MakeChallenge(kRealm, DigestAlgorithm::kSha256, true, late);
  ASSERT_TRUE(again.ok());
  absl::StatusOr<DigestChallenge> parsed = ParseDigestChallenge(*again);
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(parsed->stale);
}

TEST(DigestServerTest, ReplayedNonceCountIsRefused) {
  DigestServer server;
  const Exchange e = Challenge(server, DigestAlgorithm::kSha256, kT0);
  EXPECT_TRUE(server.Verify(kRealm, e.authorization, "INVITE", "", kT0, Users).ok());
  DigestVerification v = server.Verify(kRealm, e.authorization, "INVITE", "", kT0, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kReplayed);
  // The next request under the same nonce uses nc=2 and is accepted.
  DigestClientState state;
  state.NextNonceCount(e.challenge.nonce);  // nc 1 was used above
  absl::StatusOr<std::string> next = AnswerChallenge(
      e.challenge, {"alice", "alicepw", ""}, "INVITE", "sip:bob@trunk.example", "", state);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(ParseOrDie(*next).nc, 2u);
  v = server.Verify(kRealm, *next, "INVITE", "", kT0, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kOk) << v.detail;
  EXPECT_EQ(server.replay_entries(), 2u);
}

TEST(DigestServerTest, ReplayTableIsBounded) {
  DigestServerOptions options;
  options.replay_table_size = 2;
  DigestServer server(options);
  const Exchange a = Challenge(server, DigestAlgorithm::kMd5, kT0);
  const Exchange b = Challenge(server, DigestAlgorithm::kMd5, kT0);
  const Exchange c = Challenge(server, DigestAlgorithm::kMd5, kT0);
  EXPECT_NE(a.challenge.nonce, b.challenge.nonce);  // same instant, distinct nonces
  for (const Exchange* e : {&a, &b, &c}) {
    EXPECT_TRUE(server.Verify(kRealm, e->authorization, "INVITE", "", kT0, Users).ok());
  }
  EXPECT_EQ(server.replay_entries(), 2u);
  EXPECT_EQ(server.Verify(kRealm, c.authorization, "INVITE", "", kT0, Users).verdict,
            DigestVerdict::kReplayed);
  // The oldest was forgotten (the documented price of a bounded table).
  EXPECT_TRUE(server.Verify(kRealm, a.authorization, "INVITE", "", kT0, Users).ok());
}

TEST(DigestServerTest, NoQopAnswerIsGoodOnceAndCanBeDisabled) {
  DigestServer server;
  absl::StatusOr<std::string> text =
      server.MakeChallenge(kRealm, DigestAlgorithm::kMd5, false, kT0);
  ASSERT_TRUE(text.ok());
  absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(*text);
  ASSERT_TRUE(c.ok());
  c->qop_auth = false;  // an RFC 2069 peer ignores qop
  absl::StatusOr<std::string> a = BuildDigestAuthorization(
      *c, {"alice", "alicepw", ""}, "INVITE", "sip:bob@trunk.example", "", "", 0);
  ASSERT_TRUE(a.ok());
  EXPECT_TRUE(server.Verify(kRealm, *a, "INVITE", "", kT0, Users).ok());
  EXPECT_EQ(server.Verify(kRealm, *a, "INVITE", "", kT0, Users).verdict,
            DigestVerdict::kReplayed);
  DigestServerOptions options;
  options.accept_no_qop = false;
  DigestServer strict(std::array<uint8_t, 32>{}, options);
  DigestServer same_secret(std::array<uint8_t, 32>{});
  text = same_secret.MakeChallenge(kRealm, DigestAlgorithm::kMd5, false, kT0);
  c = ParseDigestChallenge(*text);
  ASSERT_TRUE(c.ok());
  c->qop_auth = false;
  a = BuildDigestAuthorization(*c, {"alice", "alicepw", ""}, "INVITE", "sip:x", "", "", 0);
  ASSERT_TRUE(a.ok());
  const DigestVerification v = strict.Verify(kRealm, *a, "INVITE", "", kT0, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kMalformed);
  EXPECT_THAT(v.detail, HasSubstr("without qop"));
}

TEST(DigestServerTest, SharedSecretServersAcceptEachOthersNonces) {
  std::array<uint8_t, 32> secret{};
  secret[0] = 7;
  DigestServer one(secret), two(secret), other(std::array<uint8_t, 32>{});
  const Exchange e = Challenge(one, DigestAlgorithm::kSha256, kT0);
  EXPECT_TRUE(two.Verify(kRealm, e.authorization, "INVITE", "", kT0, Users).ok());
  const DigestVerification v = other.Verify(kRealm, e.authorization, "INVITE", "", kT0, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kMalformed);
  EXPECT_THAT(v.detail, HasSubstr("not issued by this server"));
}

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST(DigestServerTest, TamperedNonceRealmOrAlgorithmIsMalformed) {
  DigestServer server;
  const Exchange e = Challenge(server, DigestAlgorithm::kSha256, kT0);
  const std::string& nonce = e.challenge.nonce;
  std::string flipped = nonce;
  flipped[3] = flipped[3] == 'A' ? 'B' : 'A';
  auto verify = [&](const std::string& value) {
    return server.Verify(kRealm, value, "INVITE", "", kT0, Users);
  };
  DigestVerification v = verify(Replace(e.authorization, nonce, flipped));
  EXPECT_EQ(v.verdict, DigestVerdict::kMalformed);
  EXPECT_THAT(v.detail, HasSubstr("nonce"));
  EXPECT_EQ(verify(Replace(e.authorization, nonce, nonce + "A")).verdict,
            DigestVerdict::kMalformed);
  EXPECT_EQ(verify(Replace(e.authorization, nonce, "short")).verdict,
            DigestVerdict::kMalformed);
  // A nonce for another realm (ours, but issued for "other.example").
  absl::StatusOr<std::string> other =
      server.MakeChallenge("other.example", DigestAlgorithm::kSha256, false, kT0);
  ASSERT_TRUE(other.ok());
  absl::StatusOr<DigestChallenge> oc = ParseDigestChallenge(*other);
  ASSERT_TRUE(oc.ok());
  v = verify(Replace(e.authorization, nonce, oc->nonce));
  EXPECT_EQ(v.verdict, DigestVerdict::kMalformed);
  // Credentials for another realm.
  v = server.Verify("other.example", e.authorization, "INVITE", "", kT0, Users);
  EXPECT_EQ(v.verdict, DigestVerdict::kMalformed);
  EXPECT_THAT(v.detail, HasSubstr("realm"));
  // Downgrade: a SHA-256 nonce answered with MD5.
  absl::StatusOr<DigestChallenge> md5 = ParseDigestChallenge(
      Replace(*server.MakeChallenge(kRealm, DigestAlgorithm::kSha256, false, kT0),
              "SHA-256", "MD5"));
  ASSERT_TRUE(md5.ok());
  DigestClientState state;
  absl::StatusOr<std::string> a = AnswerChallenge(*md5, {"alice", "alicepw", ""}, "INVITE",
                                                  "sip:x", "", state);
  ASSERT_TRUE(a.ok());
  v = verify(*a);
  EXPECT_EQ(v.verdict, DigestVerdict::kMalformed);
  EXPECT_THAT(v.detail, HasSubstr("algorithm"));
}

TEST(DigestServerTest, MalformedHeadersAreReportedNotTrusted) {
  DigestServer server;
  for (std::string_view value :
       {"", "Basic YWxpY2U6YWxpY2Vwdw==", "Digest username=\"alice\"",
        "Digest username=\"alice\", realm=\"trunk.example\", nonce=\"n\", uri=\"sip:x\", "
        "response=\"zz\"",
        "Digest username=\"alice\", realm=\"trunk.example\", nonce=\"n\", uri=\"sip:x\", "
        "response=\"0123456789abcdef0123456789abcdef\", userhash=true"}) {
    const DigestVerification v = server.Verify(kRealm, value, "INVITE", "", kT0, Users);
    EXPECT_EQ(v.verdict, DigestVerdict::kMalformed) << value;
    EXPECT_FALSE(v.detail.empty());
  }
  EXPECT_EQ(server.replay_entries(), 0u);
}

}  // namespace
}  // namespace konfero::sip
