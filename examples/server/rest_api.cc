// rest_api.cc: the handlers of docs/api.md.
#include "server/rest_api.h"

#include <charconv>
#include <optional>

#include "absl/status/status.h"
#include "server/api_json.h"
#include "server/api_response.h"
#include "server/text.h"

namespace konfero::server {
namespace {

std::optional<RoomId> ParseRoomId(std::string_view text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || value <= 0) return std::nullopt;
  return RoomId{value};
}

HttpResponse NoSuchRoom() { return JsonError(404, "not_found", "no such room"); }

}  // namespace

absl::StatusOr<std::string_view> BearerToken(const HttpRequest& request) {
  std::optional<std::string_view> header = request.Header("authorization");
  if (!header) {
    return absl::UnauthenticatedError("log in first: the Authorization header is missing");
  }
  constexpr std::string_view kScheme = "bearer ";
  if (header->size() <= kScheme.size() ||
      !EqualsIgnoreCase(header->substr(0, kScheme.size()), kScheme)) {
    return absl::UnauthenticatedError("the Authorization header must be \"Bearer <token>\"");
  }
  return Trim(header->substr(kScheme.size()));
}

void RestApi::Register(Router& router) {
  auto plain = [this](HttpResponse (RestApi::*method)(const HttpRequest&)) {
    return [this, method](const HttpRequest& req, const RouteParams&) {
      return (this->*method)(req);
    };
  };
  auto with = [this](HttpResponse (RestApi::*method)(const HttpRequest&, std::string_view),
                     std::string name) {
    return [this, method, name](const HttpRequest& req, const RouteParams& params) {
      return (this->*method)(req, params.Named(name));
    };
  };
  router.AddAsync("POST", "/api/login",
                  [this](const HttpRequest& req, const RouteParams&, Responder respond) {
                    Login(req, std::move(respond));
                  });
  router.Add("POST", "/api/logout", plain(&RestApi::Logout));
  router.Add("GET", "/api/me", plain(&RestApi::Me));
  router.Add("GET", "/api/rooms", plain(&RestApi::ListRooms));
  router.Add("POST", "/api/rooms", plain(&RestApi::CreateRoom));
  router.Add("GET", "/api/rooms/{id}", with(&RestApi::GetRoom, "id"));
  router.Add("DELETE", "/api/rooms/{id}", with(&RestApi::DeleteRoom, "id"));
  router.Add("POST", "/api/rooms/{id}/public", with(&RestApi::SetPublic, "id"));
  router.Add("POST", "/api/rooms/{id}/regenerate", with(&RestApi::Regenerate, "id"));
  router.Add("GET", "/api/rooms/{id}/access", with(&RestApi::GetAccess, "id"));
  router.Add("GET", "/api/guest/{url_token}", with(&RestApi::GuestLookup, "url_token"));
  router.Add("POST", "/api/users", plain(&RestApi::CreateUser));
}

void RestApi::Login(const HttpRequest& request, Responder respond) {
  absl::StatusOr<JsonBody> body = JsonBody::Parse(request.body);
  if (!body.ok()) return respond(StatusResponse(body.status()));
  absl::StatusOr<std::string> login = body->String("login");
  if (!login.ok()) return respond(StatusResponse(login.status()));
  absl::StatusOr<std::string> password = body->String("password");
  if (!password.ok()) return respond(StatusResponse(password.status()));

  const std::string device_cookie(
      CookieValue(request.Header("cookie").value_or(""), kDeviceCookieName));
  absl::StatusOr<PendingLogin> begun =
      rooms_.BeginLogin(*login, *password, request.remote_address, device_cookie);
  if (!begun.ok()) {
    return respond(StatusResponse(begun.status(), /*exhausted_is_rate_limit=*/true));
  }
  // Shared by the work and the completion; only one of them runs at a time.
  auto pending = std::make_shared<PendingLogin>(*std::move(begun));
  auto finish = [this, pending, respond, tls = request.tls] {
    respond(LoginAnswer(rooms_.FinishLogin(std::move(*pending)), tls));
  };
  if (!offload_) {
    pending->Verify();
    return finish();
  }
  if (!offload_([pending] { pending->Verify(); }, finish)) {
    HttpResponse busy =
        JsonError(503, "unavailable", "too many logins at once; try again in a second");
    busy.headers.emplace_back("retry-after", "1");
    respond(std::move(busy));
  }
}

HttpResponse RestApi::LoginAnswer(absl::StatusOr<Session> session, bool tls) {
  if (!session.ok()) return StatusResponse(session.status(), /*exhausted_is_rate_limit=*/true);
  absl::StatusOr<UserInfo> user = rooms_.WhoAmI(session->token);
  if (!user.ok()) return StatusResponse(user.status());
  HttpResponse answer = JsonResponse({{"token", session->token},
                                      {"user", UserJson(*user)},
                                      {"expires_at", UnixMillis(session->expires_at)}});
  answer.headers.emplace_back(
      "set-cookie", Cat(kDeviceCookieName, "=", session->device_cookie,
                        "; Path=/api/login; Max-Age=31536000; HttpOnly; SameSite=Strict",
                        tls ? "; Secure" : ""));
  return answer;
}

HttpResponse RestApi::Logout(const HttpRequest& request) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  return StatusResponse(rooms_.Logout(*token));
}

HttpResponse RestApi::Me(const HttpRequest& request) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  absl::StatusOr<UserInfo> user = rooms_.WhoAmI(*token);
  if (!user.ok()) return StatusResponse(user.status());
  return JsonResponse(UserJson(*user));
}

HttpResponse RestApi::ListRooms(const HttpRequest& request) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  absl::StatusOr<std::vector<RoomInfo>> rooms = rooms_.ListRooms(*token);
  if (!rooms.ok()) return StatusResponse(rooms.status());
  nlohmann::json list = nlohmann::json::array();
  for (const RoomInfo& room : *rooms) list.push_back(RoomJson(room));
  return JsonResponse({{"rooms", std::move(list)}});
}

HttpResponse RestApi::CreateRoom(const HttpRequest& request) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  absl::StatusOr<JsonBody> body = JsonBody::Parse(request.body);
  if (!body.ok()) return StatusResponse(body.status());
  absl::StatusOr<std::string> name = body->String("name");
  if (!name.ok()) return StatusResponse(name.status());
  absl::StatusOr<RoomInfo> room = rooms_.CreateRoom(*token, *name);
  if (!room.ok()) return StatusResponse(room.status());
  return JsonResponse(RoomJson(*room), 201);
}

HttpResponse RestApi::GetRoom(const HttpRequest& request, std::string_view id) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  std::optional<RoomId> room_id = ParseRoomId(id);
  if (!room_id) return NoSuchRoom();
  absl::StatusOr<RoomSnapshot> snapshot = rooms_.GetRoom(*token, *room_id);
  if (!snapshot.ok()) return StatusResponse(snapshot.status());
  absl::StatusOr<PublicAccess> access = rooms_.GetAccess(*token, *room_id);
  if (!access.ok()) return StatusResponse(access.status());
  nlohmann::json participants = nlohmann::json::array();
  for (const ParticipantInfo& p : snapshot->participants) {
    participants.push_back(ParticipantJson(p));
  }
  return JsonResponse({{"room", RoomJson(snapshot->room)},
                       {"access", AccessJson(*access)},
                       {"participants", std::move(participants)}});
}

HttpResponse RestApi::DeleteRoom(const HttpRequest& request, std::string_view id) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  std::optional<RoomId> room_id = ParseRoomId(id);
  if (!room_id) return NoSuchRoom();
  return StatusResponse(rooms_.DeleteRoom(*token, *room_id));
}

HttpResponse RestApi::SetPublic(const HttpRequest& request, std::string_view id) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  std::optional<RoomId> room_id = ParseRoomId(id);
  if (!room_id) return NoSuchRoom();
  absl::StatusOr<JsonBody> body = JsonBody::Parse(request.body);
  if (!body.ok()) return StatusResponse(body.status());
  absl::StatusOr<bool> is_public = body->Bool("public", std::nullopt);
  if (!is_public.ok()) return StatusResponse(is_public.status());
  absl::StatusOr<PublicAccess> access = rooms_.SetPublic(*token, *room_id, *is_public);
  if (!access.ok()) return StatusResponse(access.status());
  return JsonResponse(AccessJson(*access));
}

HttpResponse RestApi::Regenerate(const HttpRequest& request, std::string_view id) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  std::optional<RoomId> room_id = ParseRoomId(id);
  if (!room_id) return NoSuchRoom();
  absl::StatusOr<PublicAccess> access = rooms_.RegenerateAccess(*token, *room_id);
  if (!access.ok()) return StatusResponse(access.status());
  return JsonResponse(AccessJson(*access));
}

HttpResponse RestApi::GetAccess(const HttpRequest& request, std::string_view id) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  std::optional<RoomId> room_id = ParseRoomId(id);
  if (!room_id) return NoSuchRoom();
  absl::StatusOr<PublicAccess> access = rooms_.GetAccess(*token, *room_id);
  if (!access.ok()) return StatusResponse(access.status());
  return JsonResponse(AccessJson(*access));
}

// The guest page asks before it shows the name screen. Each refusal has its
// own status so the page can pick its message from the status alone: 404
// bad_url (unknown link), 410 not_public (the link of a room made private:
// it will not work again, since making the room public issues a new one),
// 429 rate_limited (too many unknown links from this address), 400 for a
// token that cannot be one (empty or over 64 bytes).
HttpResponse RestApi::GuestLookup(const HttpRequest& request, std::string_view url_token) {
  absl::StatusOr<GuestRoomInfo> room = rooms_.LookUpGuestUrl(url_token, request.remote_address);
  if (room.ok()) return JsonResponse(GuestRoomJson(*room));
  const absl::Status& s = room.status();
  if (absl::IsNotFound(s)) return JsonError(404, "bad_url", Sv(s.message()));
  if (absl::IsFailedPrecondition(s)) return JsonError(410, "not_public", Sv(s.message()));
  return StatusResponse(s, /*exhausted_is_rate_limit=*/true);
}

HttpResponse RestApi::CreateUser(const HttpRequest& request) {
  absl::StatusOr<std::string_view> token = BearerToken(request);
  if (!token.ok()) return StatusResponse(token.status());
  absl::StatusOr<JsonBody> body = JsonBody::Parse(request.body);
  if (!body.ok()) return StatusResponse(body.status());
  absl::StatusOr<std::string> login = body->String("login");
  if (!login.ok()) return StatusResponse(login.status());
  absl::StatusOr<std::string> display_name = body->String("display_name");
  if (!display_name.ok()) return StatusResponse(display_name.status());
  absl::StatusOr<std::string> password = body->String("password");
  if (!password.ok()) return StatusResponse(password.status());
  absl::StatusOr<bool> admin = body->Bool("admin", false);
  if (!admin.ok()) return StatusResponse(admin.status());
  absl::StatusOr<UserInfo> user =
      rooms_.CreateUser(*token, *login, *display_name, *password, *admin);
  if (!user.ok()) return StatusResponse(user.status());
  return JsonResponse(UserJson(*user), 201);
}

}  // namespace konfero::server
