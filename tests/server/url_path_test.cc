// Request targets become decoded path segments; anything that could hide a
// separator or a NUL from the router is refused.
#include "server/url_path.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::server {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

TEST(UrlPathTest, SplitsIntoSegmentsAndDropsTheQuery) {
  EXPECT_THAT(SplitPath("/"), Optional(IsEmpty()));
  EXPECT_THAT(SplitPath("/api/rooms/12"), Optional(ElementsAre("api", "rooms", "12")));
  EXPECT_THAT(SplitPath("/r/abc?lang=de#x"), Optional(ElementsAre("r", "abc")));
  EXPECT_THAT(SplitPath("/?x=1"), Optional(IsEmpty()));
  EXPECT_THAT(SplitPath("/a/"), Optional(ElementsAre("a", "")));
  EXPECT_THAT(SplitPath("//a"), Optional(ElementsAre("", "a")));
}

TEST(UrlPathTest, DecodesPercentEscapesPerSegment) {
  EXPECT_THAT(SplitPath("/js/my%20file.js"), Optional(ElementsAre("js", "my file.js")));
  EXPECT_THAT(SplitPath("/%2e%2E/etc"), Optional(ElementsAre("..", "etc")));
  EXPECT_THAT(SplitPath("/caf%C3%A9"), Optional(ElementsAre("caf\xC3\xA9")));
}

TEST(UrlPathTest, RefusesTargetsThatAreNotCleanOriginForm) {
  EXPECT_EQ(SplitPath(""), std::nullopt);
  EXPECT_EQ(SplitPath("api/rooms"), std::nullopt);
  EXPECT_EQ(SplitPath("http://host/x"), std::nullopt);
  EXPECT_EQ(SplitPath("*"), std::nullopt);
  EXPECT_EQ(SplitPath("/a%2fb"), std::nullopt);   // an encoded separator
  EXPECT_EQ(SplitPath("/a%00b"), std::nullopt);   // an encoded NUL
  EXPECT_EQ(SplitPath("/a%zzb"), std::nullopt);   // not hex
  EXPECT_EQ(SplitPath("/a%2"), std::nullopt);     // cut short
  EXPECT_EQ(SplitPath("/a%"), std::nullopt);
  EXPECT_EQ(SplitPath(std::string("/a\0b", 4)), std::nullopt);
  EXPECT_EQ(SplitPath("/" + std::string(kMaxTargetBytes, 'a')), std::nullopt);
}

TEST(UrlPathTest, PercentDecodeLeavesPlainTextAlone) {
  EXPECT_EQ(PercentDecode("plain-text_1.2~"), "plain-text_1.2~");
  EXPECT_EQ(PercentDecode("%41%62"), "Ab");
  EXPECT_EQ(PercentDecode("+"), "+");  // '+' is a space only in queries
  EXPECT_EQ(PercentDecode("%4"), std::nullopt);
}

}  // namespace
}  // namespace konfero::server
