// The router: patterns with placeholders, and the answers it gives by
// itself (400, 404, 405, 413, 415) in JSON under /api/ and plain text
// elsewhere.
#include "server/router.h"

#include <optional>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace konfero::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

HttpResponse Text(std::string body) {
  HttpResponse r;
  r.content_type = "text/plain";
  r.body = std::move(body);
  return r;
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add("GET", "/api/rooms", [](const HttpRequest&, const RouteParams&) {
      return Text("list");
    });
    router_.Add("POST", "/api/rooms", [](const HttpRequest& req, const RouteParams&) {
      return Text("create:" + req.body);
    });
    router_.Add("GET", "/api/rooms/{id}", [](const HttpRequest&, const RouteParams& p) {
      return Text("room " + std::string(p.Named("id")));
    });
    router_.Add("DELETE", "/api/rooms/{id}", [](const HttpRequest&, const RouteParams& p) {
      return Text("delete " + std::string(p.Named("id")));
    });
    router_.Add("POST", "/api/rooms/{id}/members/{login}",
                [this](const HttpRequest&, const RouteParams& p) {
                  last_named_ = p.named;
                  return Text("member");
                });
  }

  // A body goes as application/json unless `content_type` says otherwise
  // ("" for no Content-Type header).
  HttpResponse Call(std::string method, std::string target, std::string body = "",
                    std::optional<std::string> content_type = std::nullopt) {
    HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    if (!content_type && !body.empty()) content_type = "application/json";
    if (content_type && !content_type->empty()) request.headers["content-type"] = *content_type;
    request.body = std::move(body);
    return router_.Dispatch(request);
  }

  static std::string ErrorCode(const HttpResponse& r) {
    nlohmann::json j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains("error")) return "<not a JSON error>";
    return j["error"]["code"].get<std::string>();
  }

  Router router_;
  std::vector<std::pair<std::string, std::string>> last_named_;
};

TEST_F(RouterTest, DispatchesByMethodAndPattern) {
  EXPECT_EQ(Call("GET", "/api/rooms").body, "list");
  EXPECT_EQ(Call("POST", "/api/rooms", "{}").body, "create:{}");
  HttpResponse room = Call("GET", "/api/rooms/12?x=y");
  EXPECT_EQ(room.body, "room 12");
  EXPECT_EQ(room.route, "/api/rooms/{id}");
  EXPECT_EQ(Call("DELETE", "/api/rooms/7").body, "delete 7");
}

TEST_F(RouterTest, PlaceholdersArePassedDecodedAndInOrder) {
  EXPECT_EQ(Call("POST", "/api/rooms/3/members/anna%2Dmaria").body, "member");
  EXPECT_THAT(last_named_, ElementsAre(Pair("id", "3"), Pair("login", "anna-maria")));
}

TEST_F(RouterTest, PlaceholdersDoNotMatchEmptySegments) {
  HttpResponse r = Call("GET", "/api/rooms/");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorCode(r), "not_found");
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  HttpResponse r = Call("PUT", "/api/rooms/12");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(ErrorCode(r), "method_not_allowed");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "allow");
  EXPECT_EQ(r.headers[0].second, "GET, DELETE");
}

TEST_F(RouterTest, HeadIsServedByGet) {
  HttpResponse r = Call("HEAD", "/api/rooms");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "list");
}

TEST_F(RouterTest, UnknownApiPathIsJson404AndOtherPathsPlainText) {
  HttpResponse api = Call("GET", "/api/nothing");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.content_type, "application/json");
  EXPECT_EQ(ErrorCode(api), "not_found");
  HttpResponse page = Call("GET", "/nothing");
  EXPECT_EQ(page.status, 404);
  EXPECT_THAT(page.content_type, HasSubstr("text/plain"));
}

TEST_F(RouterTest, MalformedTargetIs400) {
  HttpResponse r = Call("GET", "/api/rooms/%zz");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorCode(r), "invalid_argument");
  EXPECT_EQ(Call("GET", "no-slash").status, 400);
}

TEST_F(RouterTest, BodyAboveTheLimitIs413BeforeAnyHandler) {
  HttpResponse r = Call("POST", "/api/rooms", std::string(kMaxBodyBytes + 1, 'x'));
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(ErrorCode(r), "payload_too_large");
  EXPECT_EQ(Call("POST", "/api/rooms", std::string(kMaxBodyBytes, 'x')).status, 200);
}

TEST_F(RouterTest, ApiBodiesThatAreNotDeclaredJsonAre415BeforeAnyHandler) {
  // What a page of another site may send without a CORS preflight.
  for (const char* type : {"text/plain", "text/plain;charset=UTF-8",
                           "application/x-www-form-urlencoded", "multipart/form-data; b=x"}) {
    HttpResponse r = Call("POST", "/api/rooms", R"({"name":"x"})", type);
    EXPECT_EQ(r.status, 415) << type;
    EXPECT_EQ(ErrorCode(r), "unsupported_media_type") << type;
    EXPECT_THAT(r.body, HasSubstr("application/json"));
    EXPECT_EQ(r.route, "/api/rooms");
  }
  EXPECT_EQ(Call("POST", "/api/rooms", "{}", "").status, 415);          // no Content-Type
  EXPECT_EQ(Call("POST", "/api/rooms", "", "text/plain").status, 415);  // declared, empty
  EXPECT_EQ(Call("PUT", "/api/rooms", "{}", "text/plain").status, 405);  // no such route first
  EXPECT_EQ(Call("POST", "/api/nothing", "{}", "text/plain").status, 404);
  // Allowed: JSON with a charset, and a POST without a body (logout).
  EXPECT_EQ(Call("POST", "/api/rooms", "{}", "application/json; charset=utf-8").body,
            "create:{}");
  EXPECT_EQ(Call("POST", "/api/rooms", "", "").body, "create:");
  // Outside the API and for other methods, the Content-Type is not the router's business.
  EXPECT_EQ(Call("DELETE", "/api/rooms/7", "x", "text/plain").body, "delete 7");
}

TEST_F(RouterTest, FallbackServesUnmatchedGetsOutsideTheApi) {
  std::vector<std::string> seen;
  router_.SetFallback([&](const HttpRequest&, const RouteParams& p) {
    seen = p.segments;
    return Text("file");
  });
  HttpResponse r = Call("GET", "/js/app.js");
  EXPECT_EQ(r.body, "file");
  EXPECT_EQ(r.route, "fallback");
  EXPECT_THAT(seen, ElementsAre("js", "app.js"));
  EXPECT_EQ(Call("HEAD", "/").body, "file");
  // Not for other methods, and never under /api/.
  EXPECT_EQ(Call("POST", "/js/app.js").status, 404);
  EXPECT_EQ(Call("GET", "/api/other").status, 404);
}

}  // namespace
}  // namespace konfero::server
