// rest_api.h: the REST API of docs/api.md over a RoomService, as router
// handlers.
//
//   RestApi api(rooms);
//   api.Register(router);
//   router.Dispatch({.method = "POST", .target = "/api/login",
//                    .body = R"({"login":"admin","password":"..."})",
//                    .remote_address = "127.0.0.1"});
//
// Moderators authenticate with "Authorization: Bearer <session token>".
// The handlers only translate: every rule (who may do what, rate limits on
// login and guest codes, validation of names and passwords) is the
// RoomService's.
//
// POST /api/login checks the password (argon2id) through an Offload, off
// the control thread in konfero-server, and answers 503 with Retry-After
// when too many logins are being checked at once.
//
// Thread contract: the handlers call the RoomService, so they run on its
// control thread, like Router::Dispatch.
#ifndef KONFERO_EXAMPLES_SERVER_REST_API_H_
#define KONFERO_EXAMPLES_SERVER_REST_API_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/statusor.h"
#include "konfero/room_service.h"
#include "server/http_message.h"
#include "server/router.h"

namespace konfero::server {

// Runs `work` off the control thread, then `done` on it; false (and
// neither runs) when too much is queued already. konfero-server passes a
// PasswordPool (password_pool.h); unset, the work runs at once, inline.
using Offload = std::function<bool(std::function<void()> work, std::function<void()> done)>;

// The device cookie (room_service.h: Login) travels as this HttpOnly cookie,
// sent back only to POST /api/login.
inline constexpr std::string_view kDeviceCookieName = "konfero_device";

class RestApi {
 public:
  // `rooms` must outlive the API. Logins verify their password through
  // `offload`.
  explicit RestApi(RoomService& rooms, Offload offload = {})
      : rooms_(rooms), offload_(std::move(offload)) {}

  void Register(Router& router);

 private:
  void Login(const HttpRequest& request, Responder respond);
  HttpResponse LoginAnswer(absl::StatusOr<Session> session, bool tls);
  HttpResponse Logout(const HttpRequest& request);
  HttpResponse Me(const HttpRequest& request);
  HttpResponse ListRooms(const HttpRequest& request);
  HttpResponse CreateRoom(const HttpRequest& request);
  HttpResponse GetRoom(const HttpRequest& request, std::string_view id);
  HttpResponse DeleteRoom(const HttpRequest& request, std::string_view id);
  HttpResponse SetPublic(const HttpRequest& request, std::string_view id);
  HttpResponse Regenerate(const HttpRequest& request, std::string_view id);
  HttpResponse GetAccess(const HttpRequest& request, std::string_view id);
  HttpResponse GuestLookup(const HttpRequest& request, std::string_view url_token);
  HttpResponse CreateUser(const HttpRequest& request);

  RoomService& rooms_;
  Offload offload_;
};

// The bearer token of an "Authorization: Bearer <token>" header;
// Unauthenticated if there is none.
absl::StatusOr<std::string_view> BearerToken(const HttpRequest& request);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_REST_API_H_
