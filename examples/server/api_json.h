// api_json.h: the JSON shapes of docs/api.md for the room domain's values,
// and the reading of request bodies.
//
//   absl::StatusOr<JsonBody> body = JsonBody::Parse(request.body);
//   absl::StatusOr<std::string> name = body->String("name");
//   return JsonResponse(RoomJson(*room));
//
// Parsing never throws: a body that is not a JSON object, or a field of the
// wrong type, is an InvalidArgument with a message naming the field (never
// its value, which may be a password).
//
// Thread contract: pure functions and values.
#ifndef KONFERO_EXAMPLES_SERVER_API_JSON_H_
#define KONFERO_EXAMPLES_SERVER_API_JSON_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "konfero/room_types.h"
#include "nlohmann/json.hpp"

namespace konfero::server {

nlohmann::json UserJson(const UserInfo& user);
nlohmann::json RoomJson(const RoomInfo& room);
// {"public":false} for a private room.
nlohmann::json AccessJson(const PublicAccess& access);
nlohmann::json ParticipantJson(const ParticipantInfo& participant);
// {"room":"Vertrieb","state":"waiting","moderator_present":false,
//  "dial_in_number":"+49 30 1234567","pin":"483920"}: only ever for the
// holder of the room's URL token (both "" without a dial-in number).
nlohmann::json GuestRoomJson(const GuestRoomInfo& info);
int64_t UnixMillis(absl::Time t);

// A parsed JSON object from a request body.
class JsonBody {
 public:
  // An empty body counts as {}.
  static absl::StatusOr<JsonBody> Parse(std::string_view body);

  // The field as a string; InvalidArgument if missing or not a string.
  absl::StatusOr<std::string> String(std::string_view field) const;
  // The field as a bool; `fallback` if missing, InvalidArgument if not a bool.
  absl::StatusOr<bool> Bool(std::string_view field, std::optional<bool> fallback) const;

 private:
  explicit JsonBody(nlohmann::json value) : value_(std::move(value)) {}
  nlohmann::json value_;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_API_JSON_H_
