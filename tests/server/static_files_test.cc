// Static files: the pages the client needs, content types, and every way
// of stepping outside the web root answered with 404.
#include "server/static_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/url_path.h"

namespace konfero::server {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

void Write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::path(::testing::TempDir()) /
            ("konfero-static-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    root_ = base_ / "web";
    Write(root_ / "index.html", "<h1>moderator</h1>");
    Write(root_ / "guest.html", "<h1>guest</h1>");
    Write(root_ / "js" / "api.js", "export {};");
    Write(root_ / "css" / "app.css", "body{}");
    Write(root_ / "img" / "logo.SVG", "<svg/>");
    Write(root_ / ".env", "SECRET=1");
    Write(base_ / "secret.txt", "outside the root");
    Write(base_ / "web-other" / "x.js", "a sibling whose name starts like the root");
    fs::create_symlink(base_ / "secret.txt", root_ / "leak.txt");
    fs::create_symlink(root_ / "js" / "api.js", root_ / "alias.js");
    files_ = std::make_unique<StaticFiles>(root_);
  }
  void TearDown() override { fs::remove_all(base_); }

  // The answer for a request target, through the same path splitting the
  // router does.
  HttpResponse Get(std::string_view target) {
    std::optional<std::vector<std::string>> segments = SplitPath(target);
    if (!segments) {
      HttpResponse refused;
      refused.status = 400;
      return refused;
    }
    return files_->Serve(*segments);
  }

  fs::path base_;
  fs::path root_;
  std::unique_ptr<StaticFiles> files_;
};

TEST_F(StaticFilesTest, RootServesTheModeratorPage) {
  HttpResponse r = Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<h1>moderator</h1>");
  EXPECT_EQ(r.content_type, "text/html; charset=utf-8");
}

TEST_F(StaticFilesTest, GuestLinksServeTheGuestPage) {
  HttpResponse r = Get("/r/Zm9vYmFyYmF6cXV4cXV1eA");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<h1>guest</h1>");
  // The token must not leak to other sites through the Referer header.
  EXPECT_THAT(r.headers, testing::Contains(testing::Pair("referrer-policy", "no-referrer")));
  EXPECT_EQ(Get("/r/").status, 404);
  EXPECT_EQ(Get("/r/a/b").status, 404);
}

TEST_F(StaticFilesTest, PagesCarryTheContentSecurityPolicy) {
  const StaticFiles strict(root_, "default-src 'none'");
  for (std::string_view target : {"/", "/r/Zm9vYmFyYmF6cXV4cXV1eA", "/js/api.js"}) {
    std::optional<std::vector<std::string>> segments = SplitPath(target);
    ASSERT_TRUE(segments);
    EXPECT_THAT(strict.Serve(*segments).headers,
                testing::Contains(testing::Pair("content-security-policy", "default-src 'none'")))
        << target;
  }
  // Without one given: the web client's policy with connections to 'self'.
  EXPECT_THAT(Get("/").headers,
              testing::Contains(testing::Pair("content-security-policy",
                                              HasSubstr("connect-src 'self';"))));
}

TEST_F(StaticFilesTest, FilesGetTheirContentTypes) {
  EXPECT_EQ(Get("/js/api.js").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Get("/js/api.js").body, "export {};");
  EXPECT_EQ(Get("/css/app.css").content_type, "text/css; charset=utf-8");
  EXPECT_EQ(Get("/img/logo.SVG").content_type, "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("x.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("x.unknown"), "application/octet-stream");
  EXPECT_EQ(ContentTypeFor("Makefile"), "application/octet-stream");
}

TEST_F(StaticFilesTest, TraversalAttemptsAre404OrRefused) {
  for (std::string_view target :
       {"/../secret.txt", "/js/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt",
        "/./index.html", "/js/./api.js", "/..", "/../web-other/x.js", "/js//api.js",
        "/js/..%5c..%5csecret.txt", "/.env", "/leak.txt", "/r/../../secret.txt"}) {
    HttpResponse r = Get(target);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << target << " -> " << r.status;
    EXPECT_THAT(r.body, testing::Not(HasSubstr("outside the root"))) << target;
    EXPECT_THAT(r.body, testing::Not(HasSubstr("SECRET"))) << target;
  }
  // An encoded separator never reaches the resolver.
  EXPECT_EQ(Get("/..%2fsecret.txt").status, 400);
}

TEST_F(StaticFilesTest, ResolveRefusesUnsafeSegmentsDirectly) {
  EXPECT_EQ(files_->Resolve({".."}), std::nullopt);
  EXPECT_EQ(files_->Resolve({"js", ".."}), std::nullopt);
  EXPECT_EQ(files_->Resolve({"js", ""}), std::nullopt);
  EXPECT_EQ(files_->Resolve({"js\\..\\..\\secret.txt"}), std::nullopt);
  EXPECT_EQ(files_->Resolve({"/etc/passwd"}), std::nullopt);  // not a segment, but never absolute
  EXPECT_NE(files_->Resolve({"js", "api.js"}), std::nullopt);
}

TEST_F(StaticFilesTest, SymlinksInsideTheRootAreFollowed) {
  EXPECT_EQ(Get("/alias.js").body, "export {};");
}

TEST_F(StaticFilesTest, DirectoriesAndMissingFilesAre404) {
  EXPECT_EQ(Get("/js").status, 404);
  EXPECT_EQ(Get("/js/").status, 404);
  EXPECT_EQ(Get("/missing.html").status, 404);
}

TEST_F(StaticFilesTest, AMissingRootServesNothing) {
  StaticFiles none(base_ / "does-not-exist");
  EXPECT_EQ(none.Serve({}).status, 404);
  EXPECT_EQ(none.Serve({"index.html"}).status, 404);
}

}  // namespace
}  // namespace konfero::server
