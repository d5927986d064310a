// http_message.h: the request and response values the HTTP layer of
// konfero-server passes around, free of any socket or Beast type, so that
// the router and the REST handlers can be unit-tested and fuzzed without a
// network.
//
//   HttpRequest request;
//   request.method = "GET";
//   request.target = "/api/me";
//   request.headers["authorization"] = "Bearer " + token;
//   HttpResponse response = router.Dispatch(request);
//   // response.status == 200, response.body == R"({"id":1,...})"
//
// Thread contract: plain values, no behaviour beyond the helpers below.
#ifndef KONFERO_EXAMPLES_SERVER_HTTP_MESSAGE_H_
#define KONFERO_EXAMPLES_SERVER_HTTP_MESSAGE_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace konfero::server {

// Bodies above this are refused with 413, by the socket layer before it
// reads them and by the router for whatever reaches it.
inline constexpr size_t kMaxBodyBytes = 64 * 1024;

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as received
  std::string target;  // path and query, e.g. "/api/rooms/12?x=1"
  // Header names in lower case. Only the ones the handlers read need to be
  // filled in: authorization, content-type, cookie.
  std::map<std::string, std::string, std::less<>> headers;
  std::string body;
  std::string remote_address;  // "127.0.0.1" (no port); for rate limits
  bool tls = false;

  // The header's value, if present (`name` in lower case).
  std::optional<std::string_view> Header(std::string_view name) const {
    auto it = headers.find(name);
    if (it == headers.end()) return std::nullopt;
    return it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  // Extra headers (e.g. "allow", "cache-control").
  std::vector<std::pair<std::string, std::string>> headers;
  // The route that answered, as registered ("/api/rooms/{id}"), or a fixed
  // name ("static", "not_found"). Logs print this instead of the path, which
  // may hold a guest URL token.
  std::string route;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_HTTP_MESSAGE_H_
