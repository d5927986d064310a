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
// Thread contract: the handlers call the RoomService, so they run on its
// control thread, like Router::Dispatch.
#ifndef KONFERO_EXAMPLES_SERVER_REST_API_H_
#define KONFERO_EXAMPLES_SERVER_REST_API_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "konfero/room_service.h"
#include "server/http_message.h"
#include "server/router.h"

namespace konfero::server {

class RestApi {
 public:
  // `rooms` must outlive the API.
  explicit RestApi(RoomService& rooms) : rooms_(rooms) {}

  void Register(Router& router);

 private:
  HttpResponse Login(const HttpRequest& request);
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
};

// The bearer token of an "Authorization: Bearer <token>" header;
// Unauthenticated if there is none.
absl::StatusOr<std::string_view> BearerToken(const HttpRequest& request);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_REST_API_H_
