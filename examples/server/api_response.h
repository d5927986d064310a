// api_response.h: the JSON answers of the REST API (docs/api.md): a value
// with 200, or {"error":{"code","message"}} with the HTTP status that
// belongs to an absl::Status code.
//
//   absl::StatusOr<RoomInfo> room = rooms.CreateRoom(token, name);
//   if (!room.ok()) return StatusResponse(room.status());
//   return JsonResponse(RoomJson(*room));
//
// Status messages of the RoomService name what was wrong, never a secret,
// so they are passed on as they are.
//
// Thread contract: pure functions.
#ifndef KONFERO_EXAMPLES_SERVER_API_RESPONSE_H_
#define KONFERO_EXAMPLES_SERVER_API_RESPONSE_H_

#include <string_view>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "server/http_message.h"

namespace konfero::server {

HttpResponse JsonResponse(const nlohmann::json& value, int status = 200);
HttpResponse JsonError(int status, std::string_view code, std::string_view message);

// InvalidArgument 400 invalid_argument, Unauthenticated 401, PermissionDenied
// 403 forbidden, NotFound 404, AlreadyExists 409 already_exists,
// FailedPrecondition 409, ResourceExhausted 503 resource_exhausted (or, with
// `exhausted_is_rate_limit`, 429 rate_limited: a login lockout), Unavailable
// 503 unavailable (the database is locked or its disk full: the message
// says which), anything else 500 internal (its message is not shown).
HttpResponse StatusResponse(const absl::Status& status,
                            bool exhausted_is_rate_limit = false);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_API_RESPONSE_H_
