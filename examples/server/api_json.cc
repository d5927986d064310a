// api_json.cc: JSON shapes of the room domain and request body reading.
#include "server/api_json.h"

#include "absl/status/status.h"
#include "server/text.h"

namespace konfero::server {

int64_t UnixMillis(absl::Time t) { return absl::ToUnixMillis(t); }

nlohmann::json UserJson(const UserInfo& user) {
  return {{"id", ToInt(user.id)},
          {"login", user.login},
          {"display_name", user.display_name},
          {"admin", user.admin}};
}

nlohmann::json RoomJson(const RoomInfo& room) {
  return {{"id", ToInt(room.id)},
          {"name", room.name},
          {"public", room.is_public},
          {"state", std::string(ToString(room.state))},
          {"guests_waiting", room.guests_waiting},
          {"participants", room.participant_count}};
}

nlohmann::json GuestRoomJson(const GuestRoomInfo& info) {
  return {{"room", info.room_name},
          {"state", std::string(ToString(info.state))},
          {"moderator_present", info.moderator_present},
          {"dial_in_number", info.dial_in_number},
          {"pin", info.pin}};
}

nlohmann::json AccessJson(const PublicAccess& access) {
  if (!access.is_public) return {{"public", false}};
  return {{"public", true},
          {"dial_in_number", access.dial_in_number},
          {"pin", access.pin},
          {"url", access.url},
          {"invitation_en", access.invitation_en},
          {"invitation_de", access.invitation_de}};
}

nlohmann::json ParticipantJson(const ParticipantInfo& participant) {
  return {{"id", ToInt(participant.id)},
          {"name", participant.display_name},
          {"role", std::string(ToString(participant.role))},
          {"muted", participant.muted},
          {"waiting", participant.waiting},
          {"joined_at", UnixMillis(participant.joined_at)}};
}

absl::StatusOr<JsonBody> JsonBody::Parse(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return JsonBody(nlohmann::json::object());
  }
  nlohmann::json value = nlohmann::json::parse(body, /*cb=*/nullptr,
                                               /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return absl::InvalidArgumentError("the request body is not valid JSON");
  }
  if (!value.is_object()) {
    return absl::InvalidArgumentError("the request body must be a JSON object");
  }
  return JsonBody(std::move(value));
}

absl::StatusOr<std::string> JsonBody::String(std::string_view field) const {
  auto it = value_.find(field);
  if (it == value_.end()) {
    return absl::InvalidArgumentError(Cat("missing field \"", field, "\""));
  }
  if (!it->is_string()) {
    return absl::InvalidArgumentError(Cat("field \"", field, "\" must be a string"));
  }
  return it->get<std::string>();
}

absl::StatusOr<bool> JsonBody::Bool(std::string_view field,
                                    std::optional<bool> fallback) const {
  auto it = value_.find(field);
  if (it == value_.end()) {
    if (fallback) return *fallback;
    return absl::InvalidArgumentError(Cat("missing field \"", field, "\""));
  }
  if (!it->is_boolean()) {
    return absl::InvalidArgumentError(Cat("field \"", field, "\" must be true or false"));
  }
  return it->get<bool>();
}

}  // namespace konfero::server
