// http_security: page origins of the WebSocket, JSON bodies, the CSP, and
// who may read /metrics (issue 14, findings 11 and 14).
#include "server/http_security.h"

#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace konfero::server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(NormalizeOrigin, GivesTheFormBrowsersSend) {
  EXPECT_EQ(NormalizeOrigin("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
  EXPECT_EQ(NormalizeOrigin("HTTPS://Meet.Example.COM/"), "https://meet.example.com");
  EXPECT_EQ(NormalizeOrigin("https://meet.example.com:443"), "https://meet.example.com");
  EXPECT_EQ(NormalizeOrigin("http://meet.example.com:80"), "http://meet.example.com");
  EXPECT_EQ(NormalizeOrigin("http://meet.example.com:443"), "http://meet.example.com:443");
  EXPECT_EQ(NormalizeOrigin("http://[0:0:0:0:0:0:0:1]:8080"), "http://[::1]:8080");
}

TEST(NormalizeOrigin, RefusesWhatIsNoOrigin) {
  for (const char* bad : {"null", "", "file://", "ws://127.0.0.1:8080", "http://",
                          "https://meet.example.com/path", "http://a:0", "http://a:65536",
                          "http://a:", "http://a:+80", "http://user@host", "http://[::1",
                          "http://[nonsense]:80", "http://host name", "//host"}) {
    EXPECT_EQ(NormalizeOrigin(bad), std::nullopt) << bad;
  }
}

TEST(OriginPolicy, AllowsItsOwnOriginTheExtraOnesAndClientsWithoutOrigin) {
  const std::vector<std::string> extra = {"https://intranet.example.com"};
  const OriginPolicy policy("https://meet.example.com:443", extra);
  EXPECT_TRUE(policy.Allows("https://meet.example.com"));
  EXPECT_TRUE(policy.Allows("https://MEET.example.com:443"));
  EXPECT_TRUE(policy.Allows("https://intranet.example.com"));
  EXPECT_TRUE(policy.Allows(std::nullopt));  // not a browser
  EXPECT_FALSE(policy.Allows("https://evil.example"));
  EXPECT_FALSE(policy.Allows("http://meet.example.com"));       // another scheme
  EXPECT_FALSE(policy.Allows("https://meet.example.com:8443"));  // another port
  EXPECT_FALSE(policy.Allows("https://meet.example.com.evil.example"));
  EXPECT_FALSE(policy.Allows("null"));  // sandboxed frames, file: pages
  EXPECT_FALSE(policy.Allows(""));
  EXPECT_EQ(policy.origins(),
            (std::vector<std::string>{"https://meet.example.com", "https://intranet.example.com"}));
}

TEST(OriginPolicy, WithoutOriginsOnlyClientsWithoutOriginGetIn) {
  const OriginPolicy none;
  EXPECT_TRUE(none.Allows(std::nullopt));
  EXPECT_FALSE(none.Allows("http://127.0.0.1:8080"));
}

TEST(ContentSecurityPolicy, OwnOriginOnlyAndTheWebSocketFormOfEachAllowedOrigin) {
  const std::vector<std::string> extra = {"https://intranet.example.com", "http://[::1]:8080"};
  const std::string csp =
      ContentSecurityPolicy(OriginPolicy("http://127.0.0.1:8080", extra));
  EXPECT_THAT(csp, HasSubstr("default-src 'self'"));
  EXPECT_THAT(csp, HasSubstr("connect-src 'self' ws://127.0.0.1:8080 "
                             "wss://intranet.example.com;"));
  EXPECT_THAT(csp, HasSubstr("frame-ancestors 'none'"));
  EXPECT_THAT(csp, HasSubstr("object-src 'none'"));
  EXPECT_THAT(csp, Not(HasSubstr("unsafe")));
  EXPECT_THAT(csp, Not(HasSubstr("[")));  // CSP cannot name an IPv6 literal
  EXPECT_THAT(ContentSecurityPolicy(OriginPolicy()), HasSubstr("connect-src 'self';"));
}

TEST(IsJsonContentType, ApplicationJsonWithAtMostAUtf8Charset) {
  for (const char* ok : {"application/json", "Application/JSON", " application/json ",
                         "application/json; charset=utf-8", "application/json;charset=UTF-8",
                         "application/json; charset=\"utf-8\"", "application/json;"}) {
    EXPECT_TRUE(IsJsonContentType(ok)) << ok;
  }
  for (const char* bad : {"", "text/plain", "text/plain; charset=utf-8",
                          "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                          "application/jsonx", "application/json-patch+json",
                          "application/json; charset=latin1", "application/json; x=y",
                          "text/plain; a=application/json"}) {
    EXPECT_FALSE(IsJsonContentType(bad)) << bad;
  }
}

TEST(IsLoopbackAddress, AllOf127And6LoopbackOnly) {
  for (const char* yes : {"127.0.0.1", "127.0.0.2", "127.255.255.254", "::1",
                          "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackAddress(yes)) << yes;
  }
  for (const char* no : {"128.0.0.1", "10.0.0.1", "192.0.2.1", "0.0.0.0", "::", "::2",
                         "::ffff:10.0.0.1", "2001:db8::1", "unknown", "", "127.0.0.1 ",
                         "localhost"}) {
    EXPECT_FALSE(IsLoopbackAddress(no)) << no;
  }
}

TEST(ConstantTimeEquals, ComparesWholeValues) {
  EXPECT_TRUE(ConstantTimeEquals("0123456789abcdef", "0123456789abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("0123456789abcdeF", "0123456789abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("0123456789abcde", "0123456789abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("0123456789abcdef0", "0123456789abcdef"));
  EXPECT_FALSE(ConstantTimeEquals("", "0123456789abcdef"));
  EXPECT_FALSE(ConstantTimeEquals(std::string("0123456789abcdef\0", 17), "0123456789abcdef"));
}

constexpr const char* kToken = "s3cret-metrics-token-0123456789";

HttpRequest MetricsRequest(std::string remote, std::optional<std::string> authorization = {}) {
  HttpRequest request;
  request.method = "GET";
  request.target = "/metrics";
  request.remote_address = std::move(remote);
  if (authorization) request.headers["authorization"] = *authorization;
  return request;
}

TEST(MetricsAccess, LoopbackNeedsNoToken) {
  for (const char* peer : {"127.0.0.1", "127.0.0.2", "::1"}) {
    EXPECT_EQ(CheckMetricsAccess(MetricsRequest(peer), ""), MetricsAccess::kAllowed) << peer;
    EXPECT_EQ(CheckMetricsAccess(MetricsRequest(peer), kToken), MetricsAccess::kAllowed) << peer;
    EXPECT_EQ(CheckMetricsAccess(MetricsRequest(peer, "Bearer wrong"), kToken),
              MetricsAccess::kAllowed)
        << peer;
  }
}

TEST(MetricsAccess, OthersOnlyWithTheConfiguredBearerToken) {
  const std::string bearer = std::string("Bearer ") + kToken;
  EXPECT_EQ(CheckMetricsAccess(MetricsRequest("192.0.2.7"), ""), MetricsAccess::kLoopbackOnly);
  // Without a configured token no header gets in, not even an empty bearer.
  EXPECT_EQ(CheckMetricsAccess(MetricsRequest("192.0.2.7", "Bearer "), ""),
            MetricsAccess::kLoopbackOnly);
  EXPECT_EQ(CheckMetricsAccess(MetricsRequest("192.0.2.7", bearer), ""),
            MetricsAccess::kLoopbackOnly);
  EXPECT_EQ(CheckMetricsAccess(MetricsRequest("192.0.2.7"), kToken),
            MetricsAccess::kTokenRequired);
  EXPECT_EQ(CheckMetricsAccess(MetricsRequest("2001:db8::7", bearer + "x"), kToken),
            MetricsAccess::kTokenRequired);
  EXPECT_EQ(CheckMetricsAccess(MetricsRequest("192.0.2.7", std::string("Basic ") + kToken),
                               kToken),
            MetricsAccess::kTokenRequired);
  EXPECT_EQ(CheckMetricsAccess(MetricsRequest("unknown", bearer), kToken),
            MetricsAccess::kAllowed);
  EXPECT_EQ(CheckMetricsAccess(MetricsRequest("192.0.2.7", bearer), kToken),
            MetricsAccess::kAllowed);
  EXPECT_EQ(CheckMetricsAccess(MetricsRequest("192.0.2.7", std::string("bearer  ") + kToken),
                               kToken),
            MetricsAccess::kAllowed);
}

TEST(MetricsAccess, RefusalsAreJsonErrorsThatNeverShowTheToken) {
  EXPECT_EQ(RefuseMetrics(MetricsRequest("127.0.0.1"), kToken), std::nullopt);

  std::optional<HttpResponse> forbidden = RefuseMetrics(MetricsRequest("192.0.2.7"), "");
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_EQ(nlohmann::json::parse(forbidden->body)["error"]["code"], "forbidden");
  EXPECT_THAT(forbidden->body, HasSubstr("loopback"));

  std::optional<HttpResponse> unauthenticated =
      RefuseMetrics(MetricsRequest("192.0.2.7", "Bearer guess"), kToken);
  ASSERT_TRUE(unauthenticated);
  EXPECT_EQ(unauthenticated->status, 401);
  EXPECT_EQ(nlohmann::json::parse(unauthenticated->body)["error"]["code"], "unauthenticated");
  EXPECT_THAT(unauthenticated->body, Not(HasSubstr(kToken)));
  bool challenge = false;
  for (const auto& [name, value] : unauthenticated->headers) {
    challenge |= name == "www-authenticate" && value.starts_with("Bearer");
  }
  EXPECT_TRUE(challenge);
}

}  // namespace
}  // namespace konfero::server
