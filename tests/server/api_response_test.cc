// absl status codes map to the HTTP statuses and error codes of
// docs/api.md; internal failures do not show their message.
#include "server/api_response.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace konfero::server {
namespace {

struct Expected {
  absl::Status status;
  int http;
  std::string code;
};

std::string CodeOf(const HttpResponse& r) {
  return nlohmann::json::parse(r.body)["error"]["code"].get<std::string>();
}

TEST(ApiResponseTest, StatusCodesMapToHttpAndErrorCodes) {
  for (const Expected& e : {
           Expected{absl::InvalidArgumentError("x"), 400, "invalid_argument"},
           Expected{absl::UnauthenticatedError("x"), 401, "unauthenticated"},
           Expected{absl::PermissionDeniedError("x"), 403, "forbidden"},
           Expected{absl::NotFoundError("x"), 404, "not_found"},
           Expected{absl::AlreadyExistsError("x"), 409, "already_exists"},
           Expected{absl::FailedPreconditionError("x"), 409, "failed_precondition"},
           Expected{absl::ResourceExhaustedError("x"), 503, "resource_exhausted"},
           Expected{absl::UnavailableError("x"), 503, "unavailable"},
           Expected{absl::InternalError("x"), 500, "internal"},
           Expected{absl::DataLossError("x"), 500, "internal"},
       }) {
    HttpResponse r = StatusResponse(e.status);
    EXPECT_EQ(r.status, e.http) << e.status;
    EXPECT_EQ(r.content_type, "application/json");
    EXPECT_EQ(CodeOf(r), e.code) << e.status;
  }
}

TEST(ApiResponseTest, ExhaustionIsARateLimitWhereTheCallerSaysSo) {
  HttpResponse r = StatusResponse(absl::ResourceExhaustedError("too many attempts"), true);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(CodeOf(r), "rate_limited");
}

TEST(ApiResponseTest, MessagesPassOnExceptForInternalErrors) {
  HttpResponse shown = StatusResponse(absl::InvalidArgumentError("room names are 1-100 bytes"));
  EXPECT_EQ(nlohmann::json::parse(shown.body)["error"]["message"], "room names are 1-100 bytes");
  HttpResponse hidden = StatusResponse(absl::InternalError("sqlite: disk I/O error at /var/x"));
  EXPECT_EQ(nlohmann::json::parse(hidden.body)["error"]["message"], "internal server error");
}

// A locked database or a full disk (the store's Unavailable) is named, so
// the client and whoever reads its error know what to fix and that a retry
// may succeed.
TEST(ApiResponseTest, AnUnavailableDatabaseSaysWhy) {
  for (const char* message : {"database is locked (begin write transaction): database is locked",
                              "storage is full (commit): database or disk is full"}) {
    HttpResponse r = StatusResponse(absl::UnavailableError(message));
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(CodeOf(r), "unavailable");
    EXPECT_EQ(nlohmann::json::parse(r.body)["error"]["message"], message);
  }
}

TEST(ApiResponseTest, OkIsAnEmptyObject) {
  HttpResponse r = StatusResponse(absl::OkStatus());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
}

TEST(ApiResponseTest, InvalidUtf8IsReplacedNotThrown) {
  HttpResponse r = JsonResponse({{"name", std::string("a\xff" "b")}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(nlohmann::json::parse(r.body, nullptr, false).is_discarded());
}

}  // namespace
}  // namespace konfero::server
