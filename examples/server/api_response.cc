// api_response.cc: JSON answers and the status-to-HTTP mapping.
#include "server/api_response.h"

#include <string>

#include "server/text.h"

namespace konfero::server {

HttpResponse JsonResponse(const nlohmann::json& value, int status) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  // Invalid UTF-8 from a client (a room name, say) is replaced rather than
  // thrown about: dump() would throw type_error otherwise.
  response.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse JsonError(int status, std::string_view code, std::string_view message) {
  nlohmann::json error = {{"code", std::string(code)}, {"message", std::string(message)}};
  return JsonResponse({{"error", std::move(error)}}, status);
}

HttpResponse StatusResponse(const absl::Status& status, bool exhausted_is_rate_limit) {
  const std::string_view message = Sv(status.message());
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return JsonResponse(nlohmann::json::object());
    case absl::StatusCode::kInvalidArgument:
      return JsonError(400, "invalid_argument", message);
    case absl::StatusCode::kUnauthenticated:
      return JsonError(401, "unauthenticated", message);
    case absl::StatusCode::kPermissionDenied:
      return JsonError(403, "forbidden", message);
    case absl::StatusCode::kNotFound:
      return JsonError(404, "not_found", message);
    case absl::StatusCode::kAlreadyExists:
      return JsonError(409, "already_exists", message);
    case absl::StatusCode::kFailedPrecondition:
      return JsonError(409, "failed_precondition", message);
    case absl::StatusCode::kResourceExhausted:
      return exhausted_is_rate_limit ? JsonError(429, "rate_limited", message)
                                     : JsonError(503, "resource_exhausted", message);
    case absl::StatusCode::kUnavailable:
      // The database is locked by another process or its disk is full: the
      // message says which (it names no value), and nothing was changed.
      return JsonError(503, "unavailable", message);
    default:
      return JsonError(500, "internal", "internal server error");
  }
}

}  // namespace konfero::server
