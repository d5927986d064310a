// http_security.h: what konfero-server lets a browser and a scraper do,
// as pure values and functions that tests check without a socket: which
// page origins may open the signalling WebSocket, which request bodies the
// JSON API accepts, the Content-Security-Policy of the web client, HSTS,
// and who may read /metrics (docs/security.md).
//
//   OriginPolicy origins(config.Origin(port), config.allowed_origins);
//   if (!origins.Allows(origin_header)) return 403;  // another site's page
//   IsJsonContentType("application/json; charset=utf-8");  // true; text/plain: 415
//   std::string csp = ContentSecurityPolicy(origins);      // for the web client's files
//   if (std::optional<HttpResponse> no = RefuseMetrics(request, token)) return *no;
//
// Thread contract: pure functions; an OriginPolicy is immutable after
// construction and may be read from any thread.
#ifndef KONFERO_EXAMPLES_SERVER_HTTP_SECURITY_H_
#define KONFERO_EXAMPLES_SERVER_HTTP_SECURITY_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.h"

namespace konfero::server {

// An http(s) origin "scheme://host[:port]" (a trailing '/' is dropped) in
// the form a browser sends in its Origin header: scheme and host in lower
// case, no port when it is the scheme's default (80, 443). std::nullopt
// for anything else: "null", another scheme, a path, a bad port.
std::optional<std::string> NormalizeOrigin(std::string_view origin);

// The page origins whose scripts may open the signalling WebSocket.
class OriginPolicy {
 public:
  // No origin allowed: only clients that send no Origin get in.
  OriginPolicy() = default;
  // The server's own origin (ServerConfig::Origin) and the extra ones of
  // --allowed-origin; values that are no origin are left out.
  OriginPolicy(std::string_view own_origin, std::span<const std::string> extra);

  // True for an allowed origin, and for a request without an Origin header:
  // browsers always send one on a WebSocket handshake, so a request without
  // it comes from a program (a test, a load generator, a bot), which could
  // send any Origin it liked anyway. The check protects browser users from
  // other sites' pages (cross-site WebSocket hijacking), nothing more.
  bool Allows(std::optional<std::string_view> origin) const;

  // Normalised, own origin first.
  const std::vector<std::string>& origins() const { return origins_; }

 private:
  std::vector<std::string> origins_;
};

// The Content-Security-Policy of the web client's files: everything from
// the page's own origin only, no inline script or style, images also as
// data: URLs (the pages' empty favicon), and connections to 'self' and to
// the ws:// or wss:// form of every allowed origin.
std::string ContentSecurityPolicy(const OriginPolicy& origins);

// Sent on every HTTPS answer: one year, this host only (no includeSubDomains).
inline constexpr std::string_view kStrictTransportSecurity = "max-age=31536000";

// True for "application/json", in any case, with at most a charset=utf-8
// parameter: the media type the JSON API's bodies must declare.
bool IsJsonContentType(std::string_view content_type);

// 127.0.0.0/8, ::1 and their IPv4-mapped form ("::ffff:127.0.0.1").
bool IsLoopbackAddress(std::string_view address);

// Compares a client's value with a secret in time that depends only on the
// secret's length, never on where the two first differ. (The engine's
// crypto::ConstantTimeEquals is internal to it; this one needs no OpenSSL.)
bool ConstantTimeEquals(std::string_view given, std::string_view secret);

enum class MetricsAccess {
  kAllowed,        // loopback peer, or the right bearer token
  kLoopbackOnly,   // 403: not loopback, and no token is configured
  kTokenRequired,  // 401: not loopback, and no or a wrong bearer token
};

// Who may read /metrics: loopback peers always; others with
// "Authorization: Bearer <metrics_token>" when a token is configured
// (empty: none is).
MetricsAccess CheckMetricsAccess(const HttpRequest& request, std::string_view metrics_token);

// The 403 or 401 answer for a refused /metrics request (401 with a
// WWW-Authenticate header), or std::nullopt when it may be served.
std::optional<HttpResponse> RefuseMetrics(const HttpRequest& request,
                                          std::string_view metrics_token);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_HTTP_SECURITY_H_
