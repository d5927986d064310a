// Tests of sip/framer.h: message boundaries on a stream fed in any chunks,
// CRLF keep-alives, and the errors that close the stream.
#include "sip/framer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "sip/parser.h"

namespace konfero::sip {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Message(std::string_view call_id, std::string_view body, std::string_view length_header = "Content-Length") {
  return absl::StrCat("MESSAGE sip:b@example.com SIP/2.0\r\n"
                      "Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK", Sv(call_id), "\r\n"
                      "From: <sip:a@example.com>;tag=1\r\nTo: <sip:b@example.com>\r\n"
                      "Call-ID: ", Sv(call_id), "\r\nCSeq: 1 MESSAGE\r\n",
                      Sv(length_header), ": ", body.size(), "\r\n\r\n", Sv(body));
}

TEST(StreamFramerTest, WholeMessagesInOneFeed) {
  StreamFramer framer;
  const std::string a = Message("a", "hello"), b = Message("b", "");
  auto out = framer.Feed(a + b);
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(*out, ElementsAre(a, b));
  EXPECT_EQ(framer.buffered(), 0u);
  EXPECT_EQ(Parse((*out)[0])->body, "hello");
}

TEST(StreamFramerTest, ByteByByteGivesTheSameMessages) {
  StreamFramer framer;
  const std::string a = Message("a", "body\r\n\r\nwith blank lines"), b = Message("b", "x", "l");
  const std::string stream = "\r\n\r\n" + a + "\r\n\r\n" + b + "\r\n";
  std::vector<std::string> got;
  for (char c : stream) {
    auto out = framer.Feed(std::string_view(&c, 1));
    ASSERT_TRUE(out.ok()) << out.status();
    for (std::string& m : *out) got.push_back(std::move(m));
  }
  EXPECT_THAT(got, ElementsAre(a, b));
  EXPECT_EQ(framer.keepalives_seen(), 2);
  EXPECT_EQ(framer.buffered(), 0u);  // the lone trailing CRLF (a pong) was consumed
}

TEST(StreamFramerTest, SplitInsideTheEmptyLineAndTheBody) {
  StreamFramer framer;
  const std::string a = Message("a", "0123456789");
  const size_t blank = a.find("\r\n\r\n");
  auto first = framer.Feed(a.substr(0, blank + 3));  // "...\r\n\r"
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->empty());
  auto second = framer.Feed(a.substr(blank + 3, 5));
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->empty());
  auto third = framer.Feed(a.substr(blank + 8));
  ASSERT_TRUE(third.ok());
  EXPECT_THAT(*third, ElementsAre(a));
}

TEST(StreamFramerTest, FoldedContentLength) {
  StreamFramer framer;
  const std::string m =
      "OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length:\r\n 3\r\n\r\nabcNEXT";
  auto out = framer.Feed(m);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ(out->front().substr(out->front().size() - 3), "abc");
  EXPECT_EQ(framer.buffered(), 4u);
}

TEST(StreamFramerTest, MissingOrBadContentLengthFailsTheStream) {
  StreamFramer none;
  auto out = none.Feed("OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n");
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), HasSubstr("without Content-Length"));
  EXPECT_FALSE(none.Feed(Message("a", "")).ok());  // stays failed

  StreamFramer negative;
  EXPECT_THAT(negative.Feed("OPTIONS sip:b@x SIP/2.0\r\nl: -5\r\n\r\n").status().message(),
              HasSubstr("negative Content-Length"));
  StreamFramer text;
  EXPECT_THAT(text.Feed("OPTIONS sip:b@x SIP/2.0\r\nContent-Length: five\r\n\r\n").status().message(),
              HasSubstr("non-numeric Content-Length"));
  StreamFramer stray;
  EXPECT_FALSE(stray.Feed("\r\r\n").ok());
}

TEST(StreamFramerTest, LimitsFailTheStream) {
  const ParseLimits limits{.max_message_bytes = 300, .max_headers = 100, .max_header_bytes = 8192};
  StreamFramer big_body(limits);
  auto out = big_body.Feed("OPTIONS sip:b@x SIP/2.0\r\nContent-Length: 1000\r\n\r\n");
  ASSERT_FALSE(out.ok());
  EXPECT_THAT(out.status().message(), HasSubstr("exceeds the size limit"));
  StreamFramer endless(limits);
  ASSERT_TRUE(endless.Feed("OPTIONS sip:b@x SIP/2.0\r\n").ok());
  absl::StatusOr<std::vector<std::string>> r;
  for (int i = 0; i < 20 && (r = endless.Feed("X-Header: aaaaaaaaaaaaaaaaaaaa\r\n")).ok(); ++i) {
  }
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("header block exceeds the size limit"));
}

}  // namespace
}  // namespace konfero::sip
