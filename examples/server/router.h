// router.h: maps an HttpRequest to the handler registered for its method
// and path, sans-I/O: a request value in, a response value out.
//
//   Router router;
//   router.Add("GET", "/api/rooms/{id}",
//              [&](const HttpRequest& req, const RouteParams& p) {
//                return GetRoom(req, p.Named("id"));
//              });
//   router.SetFallback(serve_static_files);  // GET/HEAD that matched nothing
//   router.Dispatch(request, [](HttpResponse response) { ... });
//
// Patterns are '/'-separated literal segments and `{name}` placeholders
// that match exactly one non-empty segment. The router answers by itself:
// 400 for a target it cannot parse, 413 for a body above the limit, 404
// when no pattern matches (and there is no fallback), 405 with an Allow
// header when the pattern matches but the method does not, 415 for a POST,
// PUT or PATCH under /api/ whose body (or Content-Type) is not declared
// application/json (http_security.h: IsJsonContentType). Under /api/ its
// errors are the JSON errors of docs/api.md; elsewhere plain text. HEAD is
// served by the GET handler (the socket layer drops the body).
//
// Thread contract: Add/SetFallback during setup; Dispatch then from the
// control thread (it is const, but handlers usually are not thread-safe).
#ifndef KONFERO_EXAMPLES_SERVER_ROUTER_H_
#define KONFERO_EXAMPLES_SERVER_ROUTER_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http_message.h"

namespace konfero::server {

struct RouteParams {
  // Every decoded path segment of the request ("/r/abc" -> {"r", "abc"}).
  std::vector<std::string> segments;
  // Placeholder values by name, in pattern order.
  std::vector<std::pair<std::string, std::string>> named;

  // The placeholder's value; empty if the pattern has no such name.
  std::string_view Named(std::string_view name) const;
};

using Handler = std::function<HttpResponse(const HttpRequest&, const RouteParams&)>;
// Answers a request; called exactly once, on the control thread.
using Responder = std::function<void(HttpResponse)>;
// A handler that may answer later (the login hashes its password off the
// control thread): it calls `respond` once, now or from a later task.
using AsyncHandler =
    std::function<void(const HttpRequest&, const RouteParams&, Responder respond)>;

class Router {
 public:
  explicit Router(size_t max_body_bytes = kMaxBodyBytes)
      : max_body_bytes_(max_body_bytes) {}

  void Add(std::string method, std::string_view pattern, Handler handler);
  void AddAsync(std::string method, std::string_view pattern, AsyncHandler handler);
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }

  // Calls `respond` with the answer: before returning, or later for an
  // asynchronous route.
  void Dispatch(const HttpRequest& request, Responder respond) const;
  // For tests and fuzzers: the answer, which must come at once (else 500).
  HttpResponse Dispatch(const HttpRequest& request) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" marks a placeholder
    AsyncHandler handler;
  };
  static bool Match(const Route& route, RouteParams& params);

  size_t max_body_bytes_;
  std::vector<Route> routes_;
  Handler fallback_;
};

// The error answer the router and the handlers share: JSON under /api/,
// plain text elsewhere. `route` names the answer in logs.
HttpResponse ErrorFor(std::string_view target, int status, std::string_view code,
                      std::string_view message, std::string route);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_ROUTER_H_
