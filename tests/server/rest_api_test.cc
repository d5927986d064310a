// The REST API of docs/api.md through the router, over a RoomService
// opened in memory: login, rooms, public access, guest lookup, users, and
// the error codes and HTTP statuses of each failure.
#include "server/rest_api.h"

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/clock.h"
#include "nlohmann/json.hpp"
#include "testing/seeded_random.h"

namespace konfero::server {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;
using json = nlohmann::json;

constexpr std::string_view kAdminPassword = "admin-password";

class RestApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RoomServiceOptions options;
    options.base_url = "https://meet.example/r/";
    options.dial_in_number = "+49 30 1234567";
    options.password_hash_memory_kib = 8;  // cheap: behaviour, not hashing
    options.password_hash_iterations = 1;
    auto rooms = RoomService::Open(options, clock_, random_);
    ASSERT_TRUE(rooms.ok()) << rooms.status();
    rooms_ = *std::move(rooms);
    ASSERT_TRUE(rooms_->BootstrapAdmin("admin", "Ada Admin", kAdminPassword).ok());
    api_ = std::make_unique<RestApi>(*rooms_);
    api_->Register(router_);
    admin_ = Login("admin", kAdminPassword);
  }

  HttpResponse Call(std::string method, std::string target, std::string body = "",
                    std::string token = "", std::string remote = "192.0.2.7") {
    HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    // As the web client sends it.
    if (!body.empty()) request.headers["content-type"] = "application/json";
    request.body = std::move(body);
    request.remote_address = std::move(remote);
    if (!token.empty()) request.headers["authorization"] = "Bearer " + token;
    return router_.Dispatch(request);
  }

  static json Json(const HttpResponse& response) {
    json value = json::parse(response.body, nullptr, false);
    EXPECT_FALSE(value.is_discarded()) << response.body;
    return value;
  }

  static std::string ErrorCode(const HttpResponse& response) {
    json value = Json(response);
    if (!value.contains("error")) return "<no error>";
    return value["error"]["code"].get<std::string>();
  }

  std::string Login(std::string_view login, std::string_view password) {
    HttpResponse r = Call("POST", "/api/login",
                          json{{"login", login}, {"password", password}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? Json(r)["token"].get<std::string>() : std::string();
  }

  int64_t CreateRoom(std::string_view name, const std::string& token) {
    HttpResponse r = Call("POST", "/api/rooms", json{{"name", name}}.dump(), token);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? Json(r)["id"].get<int64_t>() : 0;
  }

  std::string Room(int64_t id) { return "/api/rooms/" + std::to_string(id); }

  // Makes the room public and returns the token of its guest URL.
  std::string PublicToken(int64_t id) {
    HttpResponse r = Call("POST", Room(id) + "/public", R"({"public":true})", admin_);
    EXPECT_EQ(r.status, 200) << r.body;
    const std::string url = Json(r).value("url", "");
    return url.substr(url.rfind('/') + 1);
  }

  HttpResponse Guest(const std::string& token, std::string remote = "192.0.2.7") {
    return Call("GET", "/api/guest/" + token, "", "", std::move(remote));
  }

  ManualClock clock_;
  test_support::SeededRandom random_{6};
  std::unique_ptr<RoomService> rooms_;
  std::unique_ptr<RestApi> api_;
  Router router_;
  std::string admin_;
};

TEST_F(RestApiTest, LoginReturnsTokenUserAndExpiry) {
  HttpResponse r = Call("POST", "/api/login",
                        R"({"login":"admin","password":"admin-password"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  json body = Json(r);
  EXPECT_THAT(body["token"].get<std::string>(), SizeIs(testing::Gt(20u)));
  EXPECT_EQ(body["user"], json({{"id", 1}, {"login", "admin"},
                                {"display_name", "Ada Admin"}, {"admin", true}}));
  // Twelve hours from the manual clock's now, in Unix milliseconds.
  EXPECT_EQ(body["expires_at"].get<int64_t>(),
            absl::ToUnixMillis(clock_.Now() + absl::Hours(12)));
}

TEST_F(RestApiTest, WrongPasswordIs401AndRepeatedFailuresAre429) {
  const std::string wrong = R"({"login":"admin","password":"not-the-password"})";
  for (int i = 0; i < 5; ++i) {
    HttpResponse r = Call("POST", "/api/login", wrong);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(ErrorCode(r), "unauthenticated");
  }
  HttpResponse locked = Call("POST", "/api/login", wrong);
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(ErrorCode(locked), "rate_limited");
  // Locked out even with the right password, until the lockout ends.
  EXPECT_EQ(Call("POST", "/api/login", R"({"login":"admin","password":"admin-password"})").status,
            429);
  clock_.Advance(absl::Minutes(6));
  EXPECT_EQ(Call("POST", "/api/login", R"({"login":"admin","password":"admin-password"})").status,
            200);
}

TEST_F(RestApiTest, MalformedBodiesAre400WithAClearMessage) {
  struct Case {
    std::string body;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"{\"login\":", "not valid JSON"},
           {"[1,2]", "must be a JSON object"},
           {"{\"login\":\"admin\"}", "missing field \"password\""},
           {"{\"login\":7,\"password\":\"x\"}", "field \"login\" must be a string"},
           {"{\"login\":\"a\xff\",\"password\":\"x\"}", "not valid JSON"},
       }) {
    HttpResponse r = Call("POST", "/api/login", c.body);
    EXPECT_EQ(r.status, 400) << c.body;
    EXPECT_EQ(ErrorCode(r), "invalid_argument");
    EXPECT_THAT(Json(r)["error"]["message"].get<std::string>(), HasSubstr(c.message));
  }
}

TEST_F(RestApiTest, LoginOnlyFromABodyDeclaredJson) {
  // A form of another site can post text/plain without a CORS preflight.
  HttpRequest form;
  form.method = "POST";
  form.target = "/api/login";
  form.headers["content-type"] = "text/plain";
  form.body = json{{"login", "admin"}, {"password", kAdminPassword}}.dump();
  form.remote_address = "192.0.2.7";
  HttpResponse r = router_.Dispatch(form);
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(ErrorCode(r), "unsupported_media_type");
  EXPECT_THAT(r.body, testing::Not(HasSubstr("token")));
  form.headers["content-type"] = "application/json;charset=UTF-8";
  EXPECT_EQ(router_.Dispatch(form).status, 200);
}

TEST_F(RestApiTest, ErrorMessagesNeverEchoThePassword) {
  HttpResponse r = Call("POST", "/api/login", R"({"login":"admin","password":"hunter2-secret"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_THAT(r.body, testing::Not(HasSubstr("hunter2")));
}

TEST_F(RestApiTest, MeNeedsAValidBearerToken) {
  EXPECT_EQ(Json(Call("GET", "/api/me", "", admin_))["login"], "admin");
  HttpResponse none = Call("GET", "/api/me");
  EXPECT_EQ(none.status, 401);
  EXPECT_THAT(Json(none)["error"]["message"].get<std::string>(), HasSubstr("log in"));
  EXPECT_EQ(Call("GET", "/api/me", "", "not-a-session").status, 401);

  HttpRequest basic;
  basic.method = "GET";
  basic.target = "/api/me";
  basic.headers["authorization"] = "Basic YWRtaW46eA==";
  EXPECT_EQ(router_.Dispatch(basic).status, 401);
  HttpRequest lower = basic;
  lower.headers["authorization"] = "bearer " + admin_;
  EXPECT_EQ(router_.Dispatch(lower).status, 200);
}

TEST_F(RestApiTest, LogoutEndsTheSession) {
  EXPECT_EQ(Call("POST", "/api/logout", "", admin_).status, 200);
  EXPECT_EQ(Call("GET", "/api/me", "", admin_).status, 401);
}

TEST_F(RestApiTest, ExpiredSessionIs401) {
  clock_.Advance(absl::Hours(13));
  EXPECT_EQ(Call("GET", "/api/rooms", "", admin_).status, 401);
}

TEST_F(RestApiTest, CreateListGetAndDeleteRooms) {
  const int64_t id = CreateRoom("Vertrieb", admin_);
  HttpResponse list = Call("GET", "/api/rooms", "", admin_);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(Json(list)["rooms"],
            json::array({{{"id", id}, {"name", "Vertrieb"}, {"public", false}, {"state", "idle"},
                          {"guests_waiting", false}, {"participants", 0}}}));

  HttpResponse room = Call("GET", Room(id), "", admin_);
  ASSERT_EQ(room.status, 200) << room.body;
  EXPECT_EQ(Json(room)["room"]["name"], "Vertrieb");
  EXPECT_EQ(Json(room)["access"], json({{"public", false}}));
  EXPECT_EQ(Json(room)["participants"], json::array());

  EXPECT_EQ(Call("DELETE", Room(id), "", admin_).status, 200);
  EXPECT_EQ(Call("GET", Room(id), "", admin_).status, 404);
  EXPECT_EQ(Json(Call("GET", "/api/rooms", "", admin_))["rooms"], json::array());
}

TEST_F(RestApiTest, RoomDetailListsParticipants) {
  const int64_t id = CreateRoom("Weekly", admin_);
  ASSERT_TRUE(rooms_->JoinAsMember(admin_, RoomId{id}).ok());
  json room = Json(Call("GET", Room(id), "", admin_));
  EXPECT_EQ(room["room"]["state"], "running");
  ASSERT_EQ(room["participants"].size(), 1u);
  EXPECT_EQ(room["participants"][0]["name"], "Ada Admin");
  EXPECT_EQ(room["participants"][0]["role"], "moderator");
  EXPECT_EQ(room["participants"][0]["muted"], false);
}

TEST_F(RestApiTest, BadRoomNamesAndIdsAreRefused) {
  HttpResponse empty = Call("POST", "/api/rooms", R"({"name":""})", admin_);
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(ErrorCode(empty), "invalid_argument");
  EXPECT_EQ(Call("POST", "/api/rooms", R"({"name":5})", admin_).status, 400);
  for (const char* id : {"abc", "0", "-3", "12x", "99999999999999999999"}) {
    HttpResponse r = Call("GET", std::string("/api/rooms/") + id, "", admin_);
    EXPECT_EQ(r.status, 404) << id;
    EXPECT_EQ(ErrorCode(r), "not_found");
  }
  EXPECT_EQ(Call("DELETE", "/api/rooms/999", "", admin_).status, 404);
}

TEST_F(RestApiTest, PublicToggleIssuesAndRevokesAccess) {
  const int64_t id = CreateRoom("Vertrieb", admin_);
  HttpResponse on = Call("POST", Room(id) + "/public", R"({"public":true})", admin_);
  ASSERT_EQ(on.status, 200) << on.body;
  json access = Json(on);
  EXPECT_EQ(access["public"], true);
  EXPECT_EQ(access["dial_in_number"], "+49 30 1234567");
  EXPECT_THAT(access["pin"].get<std::string>(), SizeIs(6));
  EXPECT_THAT(access["url"].get<std::string>(), testing::StartsWith("https://meet.example/r/"));
  EXPECT_THAT(access["invitation_en"].get<std::string>(), HasSubstr(access["pin"].get<std::string>()));
  EXPECT_THAT(access["invitation_de"].get<std::string>(), HasSubstr(access["url"].get<std::string>()));
  EXPECT_EQ(Json(Call("GET", Room(id) + "/access", "", admin_)), access);
  EXPECT_EQ(Json(Call("GET", "/api/rooms", "", admin_))["rooms"][0]["public"], true);

  HttpResponse off = Call("POST", Room(id) + "/public", R"({"public":false})", admin_);
  ASSERT_EQ(off.status, 200);
  EXPECT_EQ(Json(off), json({{"public", false}}));
  EXPECT_EQ(Json(Call("GET", Room(id) + "/access", "", admin_)), json({{"public", false}}));
}

TEST_F(RestApiTest, PublicToggleNeedsABoolean) {
  const int64_t id = CreateRoom("Vertrieb", admin_);
  HttpResponse r = Call("POST", Room(id) + "/public", R"({"public":"yes"})", admin_);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(Json(r)["error"]["message"].get<std::string>(), HasSubstr("\"public\""));
  EXPECT_EQ(Call("POST", Room(id) + "/public", "{}", admin_).status, 400);
  EXPECT_EQ(Call("POST", Room(id) + "/public", "", admin_).status, 400);
}

TEST_F(RestApiTest, RegenerateGivesANewPinAndUrl) {
  const int64_t id = CreateRoom("Vertrieb", admin_);
  json before = Json(Call("POST", Room(id) + "/public", R"({"public":true})", admin_));
  HttpResponse r = Call("POST", Room(id) + "/regenerate", "", admin_);
  ASSERT_EQ(r.status, 200) << r.body;
  json after = Json(r);
  EXPECT_NE(after["url"], before["url"]);
  EXPECT_EQ(after["public"], true);
}

TEST_F(RestApiTest, RegeneratingAPrivateRoomIsAFailedPrecondition) {
  const int64_t id = CreateRoom("Vertrieb", admin_);
  HttpResponse r = Call("POST", Room(id) + "/regenerate", "", admin_);
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(ErrorCode(r), "failed_precondition");
}

TEST_F(RestApiTest, AdminCreatesUsersWhoSeeOnlyTheirRooms) {
  HttpResponse created = Call("POST", "/api/users",
      R"({"login":"anna","display_name":"Anna","password":"anna-password"})", admin_);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created)["admin"], false);
  const std::string anna = Login("anna", "anna-password");
  const int64_t admins_room = CreateRoom("Vorstand", admin_);

  EXPECT_EQ(Json(Call("GET", "/api/rooms", "", anna))["rooms"], json::array());
  // A room she is no member of is answered like a missing one.
  HttpResponse other = Call("POST", Room(admins_room) + "/public", R"({"public":true})", anna);
  EXPECT_EQ(other.status, 404);
  EXPECT_EQ(ErrorCode(other), "not_found");
  HttpResponse not_admin = Call("POST", "/api/users",
      R"({"login":"bob","display_name":"Bob","password":"bob-password"})", anna);
  EXPECT_EQ(not_admin.status, 403);
}

TEST_F(RestApiTest, DuplicateLoginIsAConflict) {
  const std::string body = R"({"login":"anna","display_name":"Anna","password":"anna-password"})";
  ASSERT_EQ(Call("POST", "/api/users", body, admin_).status, 201);
  HttpResponse again = Call("POST", "/api/users", body, admin_);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(ErrorCode(again), "already_exists");
}

TEST_F(RestApiTest, GuestLookupNamesThePublicRoomAndAdmitsNobody) {
  const int64_t id = CreateRoom("Vertrieb", admin_);
  const std::string token = PublicToken(id);
  const std::string pin =
      Json(Call("GET", Room(id) + "/access", "", admin_))["pin"].get<std::string>();
  HttpResponse r = Guest(token);
  ASSERT_EQ(r.status, 200) << r.body;
  // The link's holder may join anyway, so it also learns the phone alternative.
  EXPECT_EQ(Json(r), json({{"room", "Vertrieb"}, {"state", "idle"},
                           {"moderator_present", false},
                           {"dial_in_number", "+49 30 1234567"}, {"pin", pin}}));
  EXPECT_EQ(r.route, "/api/guest/{url_token}");  // what the log shows, not the token
  EXPECT_THAT(Json(Call("GET", Room(id), "", admin_))["participants"], SizeIs(0));
  EXPECT_EQ(rooms_->guest_seats_in_use(), 0);

  ASSERT_TRUE(rooms_->JoinAsMember(admin_, RoomId{id}).ok());
  EXPECT_EQ(Json(Guest(token)), json({{"room", "Vertrieb"}, {"state", "running"},
                                      {"moderator_present", true},
                                      {"dial_in_number", "+49 30 1234567"}, {"pin", pin}}));
}

TEST_F(RestApiTest, GuestLookupOfAnUnknownTokenIs404BadUrl) {
  HttpResponse r = Guest("unknown");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorCode(r), "bad_url");
  EXPECT_THAT(r.body, testing::Not(HasSubstr("unknown")));
}

TEST_F(RestApiTest, GuestLookupOfAPrivateRoomsLinkIs410NotPublic) {
  const int64_t id = CreateRoom("Vertrieb", admin_);
  const std::string token = PublicToken(id);
  const std::string pin =
      Json(Call("GET", Room(id) + "/access", "", admin_))["pin"].get<std::string>();
  ASSERT_EQ(Call("POST", Room(id) + "/public", R"({"public":false})", admin_).status, 200);
  HttpResponse r = Guest(token);
  EXPECT_EQ(r.status, 410);
  EXPECT_EQ(ErrorCode(r), "not_public");
  EXPECT_THAT(r.body, testing::Not(HasSubstr(token)));
  EXPECT_THAT(r.body, testing::Not(HasSubstr(pin)));
  EXPECT_THAT(r.body, testing::Not(HasSubstr("1234567")));  // no dial-in details either
  EXPECT_THAT(r.body, testing::Not(HasSubstr("Vertrieb")));
  // Public again, with a new link: the old one is just wrong now.
  const std::string fresh = PublicToken(id);
  EXPECT_EQ(ErrorCode(Guest(token)), "bad_url");
  EXPECT_EQ(Guest(fresh).status, 200);
}

TEST_F(RestApiTest, GuestLookupOfARegeneratedLinkIs404BadUrl) {
  const int64_t id = CreateRoom("Vertrieb", admin_);
  const std::string token = PublicToken(id);
  ASSERT_EQ(Call("POST", Room(id) + "/regenerate", "", admin_).status, 200);
  EXPECT_EQ(Guest(token).status, 404);
  EXPECT_EQ(ErrorCode(Guest(token)), "bad_url");
}

TEST_F(RestApiTest, GuestLookupAfterTooManyUnknownLinksIs429) {
  const std::string token = PublicToken(CreateRoom("Vertrieb", admin_));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Guest("guess-" + std::to_string(i), "192.0.2.99").status, 404);
  }
  HttpResponse r = Guest(token, "192.0.2.99");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(ErrorCode(r), "rate_limited");
  EXPECT_EQ(Guest(token, "192.0.2.100").status, 200);  // another address
}

TEST_F(RestApiTest, GuestLookupOfAMalformedTokenIs400) {
  HttpResponse r = Guest(std::string(65, 'A'));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorCode(r), "invalid_argument");
  EXPECT_THAT(Json(r)["error"]["message"].get<std::string>(), HasSubstr("64"));
}

TEST_F(RestApiTest, BodiesOver64KiBAre413) {
  std::string name(70 * 1024, 'a');
  HttpResponse r = Call("POST", "/api/rooms", json{{"name", name}}.dump(), admin_);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Json(Call("GET", "/api/rooms", "", admin_))["rooms"], json::array());
}

TEST_F(RestApiTest, RoutesAnswerOnlyTheirMethods) {
  EXPECT_EQ(Call("GET", "/api/login").status, 405);
  EXPECT_EQ(Call("PUT", "/api/rooms", "", admin_).status, 405);
}

// ---- Logins: device cookies and the password check off the thread ---------

std::string SetCookie(const HttpResponse& r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "set-cookie") return value;
  }
  return "";
}

TEST_F(RestApiTest, ALoginSetsAnHttpOnlyDeviceCookieThatGetsPastALockedLogin) {
  HttpResponse ok = Call("POST", "/api/login",
                         json{{"login", "admin"}, {"password", kAdminPassword}}.dump());
  ASSERT_EQ(ok.status, 200) << ok.body;
  const std::string set_cookie = SetCookie(ok);
  EXPECT_THAT(set_cookie, testing::StartsWith("konfero_device=admin."));
  EXPECT_THAT(set_cookie, testing::HasSubstr("; Path=/api/login;"));
  EXPECT_THAT(set_cookie, testing::HasSubstr("; HttpOnly; SameSite=Strict"));
  EXPECT_THAT(set_cookie, testing::Not(testing::HasSubstr("Secure")));  // not over TLS
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));

  // A guesser elsewhere locks the login for every browser without one...
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(Call("POST", "/api/login", R"({"login":"admin","password":"guess"})", "",
                   "203.0.113.9")
                  .status,
              401);
  }
  const std::string right = json{{"login", "admin"}, {"password", kAdminPassword}}.dump();
  EXPECT_EQ(Call("POST", "/api/login", right, "", "198.51.100.1").status, 429);
  // ...but not the admin's browser, which sends its cookie back.
  HttpRequest request;
  request.method = "POST";
  request.target = "/api/login";
  request.headers["content-type"] = "application/json";
  request.headers["cookie"] = "theme=dark; " + cookie + "; other=1";
  request.body = right;
  request.remote_address = "198.51.100.1";
  request.tls = true;
  HttpResponse trusted = router_.Dispatch(request);
  EXPECT_EQ(trusted.status, 200) << trusted.body;
  EXPECT_THAT(SetCookie(trusted), testing::EndsWith("; Secure"));
}

// An Offload that keeps the work until the test runs it.
struct QueuedOffload {
  struct Job {
    std::function<void()> work, done;
  };
  std::deque<Job> jobs;
  size_t capacity = 1;
  Offload AsOffload() {
    return [this](std::function<void()> work, std::function<void()> done) {
      if (jobs.size() >= capacity) return false;
      jobs.push_back({std::move(work), std::move(done)});
      return true;
    };
  }
};

TEST_F(RestApiTest, ThePasswordIsCheckedThroughTheOffloadAndAFullOneIs503) {
  QueuedOffload offload;
  RestApi api(*rooms_, offload.AsOffload());
  Router router;
  api.Register(router);
  HttpRequest request;
  request.method = "POST";
  request.target = "/api/login";
  request.headers["content-type"] = "application/json";
  request.body = json{{"login", "admin"}, {"password", kAdminPassword}}.dump();
  request.remote_address = "192.0.2.8";

  std::optional<HttpResponse> first;
  router.Dispatch(request, [&](HttpResponse r) { first = std::move(r); });
  EXPECT_FALSE(first.has_value());  // waiting for the check
  ASSERT_EQ(offload.jobs.size(), 1u);

  std::optional<HttpResponse> second;
  router.Dispatch(request, [&](HttpResponse r) { second = std::move(r); });
  ASSERT_TRUE(second.has_value());  // the offload is full: answered at once
  EXPECT_EQ(second->status, 503);
  EXPECT_EQ(ErrorCode(*second), "unavailable");
  EXPECT_THAT(second->headers, testing::Contains(std::pair<std::string, std::string>(
                                   "retry-after", "1")));

  offload.jobs.front().work();  // the pool thread
  EXPECT_FALSE(first.has_value());
  offload.jobs.front().done();  // back on the control thread
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(first->route, "/api/login");
}

}  // namespace
}  // namespace konfero::server
