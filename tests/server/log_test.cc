// Log lines: key=value, levels, and values that cannot forge a line or a
// key however a client chose them.
#include "server/log.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::server {
namespace {

class LogTest : public ::testing::Test {
 protected:
  Logger MakeLogger(LogLevel level) {
    return Logger(level, clock_, [this](std::string_view line) { lines_.emplace_back(line); });
  }

  ManualClock clock_{absl::FromUnixMillis(1'764'334'980'123)};
  std::vector<std::string> lines_;
};

TEST_F(LogTest, OneLinePerEventWithTimestampLevelAndPairs) {
  Logger log = MakeLogger(LogLevel::kInfo);
  log.Info("http").Kv("method", "GET").Kv("route", "/api/rooms/{id}").Kv("status", 200)
      .Kv("ms", 1.5).Kv("tls", false).Kv("bytes", uint64_t{18446744073709551615u});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0],
            "ts=2025-11-28T13:03:00.123Z level=info event=http method=GET "
            "route=/api/rooms/{id} status=200 ms=1.500 tls=false bytes=18446744073709551615\n");
}

TEST_F(LogTest, LinesBelowTheLevelAreDropped) {
  Logger log = MakeLogger(LogLevel::kWarn);
  log.Debug("a");
  log.Info("b");
  log.Warn("c");
  log.Error("d").Kv("why", "disk");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_THAT(lines_[0], testing::HasSubstr("level=warn event=c"));
  EXPECT_THAT(lines_[1], testing::HasSubstr("level=error event=d why=disk"));
}

TEST_F(LogTest, ValuesThatNeedItAreQuotedAndEscaped) {
  EXPECT_EQ(LogValue("plain"), "plain");
  EXPECT_EQ(LogValue(""), "\"\"");
  EXPECT_EQ(LogValue("two words"), "\"two words\"");
  EXPECT_EQ(LogValue("a=b"), "\"a=b\"");
  EXPECT_EQ(LogValue("say \"hi\""), "\"say \\\"hi\\\"\"");
  EXPECT_EQ(LogValue("back\\slash"), "\"back\\\\slash\"");
  EXPECT_EQ(LogValue("Erika M\xC3\xBCller"), "\"Erika M\xC3\xBCller\"");
}

TEST_F(LogTest, AClientValueCannotStartANewLine) {
  Logger log = MakeLogger(LogLevel::kInfo);
  log.Info("ws").Kv("remote", "1.2.3.4\nts=0 level=error event=forged\r\x01");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find('\n'), lines_[0].size() - 1);
  EXPECT_THAT(lines_[0],
              testing::HasSubstr("remote=\"1.2.3.4\\nts=0 level=error event=forged\\r\\x01\""));
}

TEST_F(LogTest, LevelNamesRoundTrip) {
  for (LogLevel level : {LogLevel::kDebug, LogLevel::kInfo, LogLevel::kWarn, LogLevel::kError}) {
    EXPECT_EQ(ParseLogLevel(ToString(level)), level);
  }
  EXPECT_EQ(ParseLogLevel("INFO"), std::nullopt);
}

}  // namespace
}  // namespace konfero::server
