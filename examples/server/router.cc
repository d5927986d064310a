// router.cc: pattern matching and the router's own error answers.
#include "server/router.h"

#include <optional>

#include "server/api_response.h"
#include "server/http_security.h"
#include "server/url_path.h"

namespace konfero::server {
namespace {

bool IsPlaceholder(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool IsApiTarget(std::string_view target) {
  return target == "/api" || target.starts_with("/api/") || target.starts_with("/api?");
}

// A POST, PUT or PATCH of the JSON API with a body (or a Content-Type)
// must declare JSON: a page of another site can send text/plain or a form
// without asking the browser's CORS preflight, but not application/json.
bool DeclaresJsonBody(const HttpRequest& request) {
  if (request.method != "POST" && request.method != "PUT" && request.method != "PATCH") {
    return true;
  }
  std::optional<std::string_view> type = request.Header("content-type");
  if (!type) return request.body.empty();
  return IsJsonContentType(*type);
}

}  // namespace

std::string_view RouteParams::Named(std::string_view name) const {
  for (const auto& [key, value] : named) {
    if (key == name) return value;
  }
  return {};
}

HttpResponse ErrorFor(std::string_view target, int status, std::string_view code,
                      std::string_view message, std::string route) {
  HttpResponse response;
  if (IsApiTarget(target)) {
    response = JsonError(status, code, message);
  } else {
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::string(message) + "\n";
  }
  response.route = std::move(route);
  return response;
}

void Router::Add(std::string method, std::string_view pattern, Handler handler) {
  AddAsync(std::move(method), pattern,
           [handler = std::move(handler)](const HttpRequest& request,
                                          const RouteParams& params, Responder respond) {
             respond(handler(request, params));
           });
}

void Router::AddAsync(std::string method, std::string_view pattern, AsyncHandler handler) {
  Route route;
  route.method = std::move(method);
  route.pattern = std::string(pattern);
  std::optional<std::vector<std::string>> segments = SplitPath(pattern);
  if (segments) route.segments = std::move(*segments);
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

bool Router::Match(const Route& route, RouteParams& params) {
  if (route.segments.size() != params.segments.size()) return false;
  params.named.clear();
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const std::string& want = route.segments[i];
    const std::string& got = params.segments[i];
    if (IsPlaceholder(want)) {
      if (got.empty()) return false;
      params.named.emplace_back(want.substr(1, want.size() - 2), got);
    } else if (want != got) {
      return false;
    }
  }
  return true;
}

void Router::Dispatch(const HttpRequest& request, Responder respond) const {
  const std::string_view target = request.target;
  std::optional<std::vector<std::string>> segments = SplitPath(target);
  if (!segments) {
    return respond(ErrorFor(target, 400, "invalid_argument", "malformed request target",
                    "bad_target"));
  }
  if (request.body.size() > max_body_bytes_) {
    return respond(ErrorFor(target, 413, "payload_too_large",
                    "the request body is larger than 64 KiB", "too_large"));
  }
  const std::string_view method =
      request.method == "HEAD" ? std::string_view("GET") : std::string_view(request.method);

  RouteParams params;
  params.segments = std::move(*segments);
  std::string allowed;
  for (const Route& route : routes_) {
    if (!Match(route, params)) continue;
    if (route.method == method) {
      if (IsApiTarget(target) && !DeclaresJsonBody(request)) {
        return respond(ErrorFor(target, 415, "unsupported_media_type",
                        "the body must be JSON, sent with Content-Type: application/json",
                        route.pattern));
      }
      route.handler(request, params,
                    [respond = std::move(respond), pattern = route.pattern](
                        HttpResponse response) {
                      response.route = pattern;
                      respond(std::move(response));
                    });
      return;
    }
    if (allowed.find(route.method) == std::string::npos) {
      if (!allowed.empty()) allowed += ", ";
      allowed += route.method;
    }
  }
  if (!allowed.empty()) {
    HttpResponse response = ErrorFor(target, 405, "method_not_allowed",
                                     "method not allowed on this path", "method_not_allowed");
    response.headers.emplace_back("allow", allowed);
    return respond(std::move(response));
  }
  if (fallback_ && method == "GET" && !IsApiTarget(target)) {
    params.named.clear();
    HttpResponse response = fallback_(request, params);
    if (response.route.empty()) response.route = "fallback";
    return respond(std::move(response));
  }
  return respond(ErrorFor(target, 404, "not_found", "no such path", "not_found"));
}

HttpResponse Router::Dispatch(const HttpRequest& request) const {
  std::optional<HttpResponse> answer;
  Dispatch(request, [&answer](HttpResponse response) { answer = std::move(response); });
  if (answer) return *std::move(answer);
  return ErrorFor(request.target, 500, "internal",
                  "the handler did not answer at once (an asynchronous route)", "internal");
}

}  // namespace konfero::server
