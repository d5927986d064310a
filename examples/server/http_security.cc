// http_security.cc: origins, media types, the CSP and the /metrics rule.
#include "server/http_security.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/status/statusor.h"
#include "server/api_response.h"
#include "server/rest_api.h"
#include "server/text.h"

namespace konfero::server {
namespace {

bool IsHostNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

// "[2001:DB8::0001]" -> "[2001:db8::1]", the form browsers serialise.
std::optional<std::string> CanonicalIpv6(std::string_view bracketed) {
  const std::string inside(bracketed.substr(1, bracketed.size() - 2));
  in6_addr address{};
  if (inet_pton(AF_INET6, inside.c_str(), &address) != 1) return std::nullopt;
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(AF_INET6, &address, text, sizeof(text)) == nullptr) return std::nullopt;
  return Cat("[", text, "]");
}

}  // namespace

std::optional<std::string> NormalizeOrigin(std::string_view origin) {
  if (origin.ends_with('/')) origin.remove_suffix(1);
  std::string lower(origin);
  for (char& c : lower) c = AsciiLower(c);
  std::string_view rest = lower;
  std::string_view scheme;
  for (std::string_view s : {"http", "https"}) {
    if (rest.starts_with(s) && rest.substr(s.size()).starts_with("://")) scheme = s;
  }
  if (scheme.empty()) return std::nullopt;
  rest.remove_prefix(scheme.size() + 3);

  std::string host;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::optional<std::string> ipv6 = CanonicalIpv6(rest.substr(0, close + 1));
    if (!ipv6) return std::nullopt;
    host = *std::move(ipv6);
    rest.remove_prefix(close + 1);
  } else {
    const size_t end = std::min(rest.find(':'), rest.size());
    host = std::string(rest.substr(0, end));
    if (host.empty() || !std::all_of(host.begin(), host.end(), IsHostNameChar)) {
      return std::nullopt;
    }
    rest.remove_prefix(end);
  }
  if (rest.empty()) return Cat(scheme, "://", host);
  if (!rest.starts_with(':') || rest.size() < 2 || rest.size() > 6) return std::nullopt;
  rest.remove_prefix(1);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), port);
  if (ec != std::errc() || ptr != rest.data() + rest.size() || port == 0 || port > 65535) {
    return std::nullopt;
  }
  const unsigned default_port = scheme == "https" ? 443 : 80;
  if (port == default_port) return Cat(scheme, "://", host);
  return Cat(scheme, "://", host, ":", port);
}

OriginPolicy::OriginPolicy(std::string_view own_origin, std::span<const std::string> extra) {
  auto add = [this](std::string_view origin) {
    std::optional<std::string> normal = NormalizeOrigin(origin);
    if (normal && std::find(origins_.begin(), origins_.end(), *normal) == origins_.end()) {
      origins_.push_back(*std::move(normal));
    }
  };
  add(own_origin);
  for (const std::string& origin : extra) add(origin);
}

bool OriginPolicy::Allows(std::optional<std::string_view> origin) const {
  if (!origin) return true;
  std::optional<std::string> normal = NormalizeOrigin(*origin);
  return normal && std::find(origins_.begin(), origins_.end(), *normal) != origins_.end();
}

std::string ContentSecurityPolicy(const OriginPolicy& origins) {
  std::string connect = "'self'";
  for (const std::string& origin : origins.origins()) {
    // CSP host sources cannot name an IPv6 literal: 'self' covers those.
    if (origin.find('[') != std::string::npos) continue;
    const bool tls = origin.starts_with("https://");
    connect += Cat(tls ? " wss://" : " ws://", origin.substr(tls ? 8 : 7));
  }
  return Cat("default-src 'self'; img-src 'self' data:; connect-src ", connect,
             "; object-src 'none'; base-uri 'none'; form-action 'self'; "
             "frame-ancestors 'none'");
}

bool IsJsonContentType(std::string_view content_type) {
  const size_t semicolon = content_type.find(';');
  if (!EqualsIgnoreCase(Trim(content_type.substr(0, semicolon)), "application/json")) {
    return false;
  }
  if (semicolon == std::string_view::npos) return true;
  std::string_view parameter = Trim(content_type.substr(semicolon + 1));
  if (parameter.empty()) return true;
  const size_t eq = parameter.find('=');
  if (eq == std::string_view::npos || !EqualsIgnoreCase(Trim(parameter.substr(0, eq)), "charset")) {
    return false;
  }
  std::string_view charset = Trim(parameter.substr(eq + 1));
  if (charset.size() >= 2 && charset.front() == '"' && charset.back() == '"') {
    charset = charset.substr(1, charset.size() - 2);
  }
  return EqualsIgnoreCase(charset, "utf-8");
}

bool IsLoopbackAddress(std::string_view address) {
  const std::string text(address);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return false;
  if (IN6_IS_ADDR_LOOPBACK(&v6)) return true;
  return IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127;
}

bool ConstantTimeEquals(std::string_view given, std::string_view secret) {
  unsigned char differ = given.size() == secret.size() ? 0 : 1;
  for (size_t i = 0; i < secret.size(); ++i) {
    const char mine = i < given.size() ? given[i] : '\0';
    differ |= static_cast<unsigned char>(mine ^ secret[i]);
  }
  return differ == 0;
}

MetricsAccess CheckMetricsAccess(const HttpRequest& request, std::string_view metrics_token) {
  if (IsLoopbackAddress(request.remote_address)) return MetricsAccess::kAllowed;
  if (metrics_token.empty()) return MetricsAccess::kLoopbackOnly;
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (token.ok() && ConstantTimeEquals(*token, metrics_token)) return MetricsAccess::kAllowed;
  return MetricsAccess::kTokenRequired;
}

std::optional<HttpResponse> RefuseMetrics(const HttpRequest& request,
                                          std::string_view metrics_token) {
  switch (CheckMetricsAccess(request, metrics_token)) {
    case MetricsAccess::kAllowed:
      return std::nullopt;
    case MetricsAccess::kLoopbackOnly:
      return JsonError(403, "forbidden",
                       "/metrics is served to loopback clients only; start the server with "
                       "--metrics-token-file to let scrapers elsewhere in with a bearer token");
    case MetricsAccess::kTokenRequired:
      break;
  }
  HttpResponse refused = JsonError(
      401, "unauthenticated",
      "/metrics needs \"Authorization: Bearer <token>\" with the server's metrics token");
  refused.headers.emplace_back("www-authenticate", "Bearer realm=\"konfero-metrics\"");
  return refused;
}

}  // namespace konfero::server
