// Tests of sip/parser.h: what Parse accepts (folding, compact forms, LF-only
// lines, leading CRLFs, bodies) and the InvalidArgument for each fault.
#include "sip/parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/absl_compat.h"

namespace konfero::sip {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kHeaders[] =
    "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
    "From: <sip:a@example.com>;tag=1\r\n"
    "To: <sip:b@example.com>\r\n"
    "Call-ID: call-1\r\n"
    "CSeq: 1 INVITE\r\n";

std::string Invite(std::string_view extra = "", std::string_view body = "") {
  return absl::StrCat("INVITE sip:b@example.com SIP/2.0\r\n", kHeaders, Sv(extra), "\r\n", Sv(body));
}

// The error message of parsing `bytes`, which must fail with InvalidArgument.
std::string ErrorOf(std::string_view bytes, const ParseLimits& limits = {}) {
  auto m = Parse(bytes, limits);
  if (m.ok()) return "parsed";
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(m.status().message());
}

TEST(ParseTest, RequestWithBody) {
  auto m = Parse(Invite("Content-Type: text/plain\r\nContent-Length: 5\r\n", "hello"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(m->is_request());
  EXPECT_EQ(m->method(), "INVITE");
  EXPECT_EQ(m->request_uri(), "sip:b@example.com");
  EXPECT_EQ(m->body, "hello");
  EXPECT_EQ(m->headers().size(), 7u);
  EXPECT_EQ(m->Get("l"), "5");
}

TEST(ParseTest, Response) {
  auto m = Parse(absl::StrCat("SIP/2.0 180 Ringing Now\r\n", kHeaders, "\r\n"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_FALSE(m->is_request());
  EXPECT_EQ(m->status(), 180);
  EXPECT_EQ(m->reason(), "Ringing Now");
  EXPECT_EQ(m->method(), "");
}

TEST(ParseTest, BodyWithoutContentLengthIsTheRestAndLongerBodyIsCut) {
  auto rest = Parse(Invite("", "abc"));
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(rest->body, "abc");
  auto cut = Parse(Invite("Content-Length: 2\r\n", "abcdef"));
  ASSERT_TRUE(cut.ok());
  EXPECT_EQ(cut->body, "ab");
}

TEST(ParseTest, FoldingCompactFormsCaseAndColonSpacing) {
  auto m = Parse(
      "\r\n\r\nOPTIONS sip:b@example.com SIP/2.0\r\n"  // leading CRLFs are skipped
      "v: SIP/2.0/UDP a;branch=z9hG4bK1,\r\n"
      "   SIP/2.0/TCP b;branch=z9hG4bK2\r\n"
      "VIA  :SIP/2.0/UDP c;branch=z9hG4bK3\r\n"
      "f: <sip:a@example.com>;tag=1\r\n"
      "t:\r\n"
      "\t<sip:b@example.com>\r\n"
      "i: call-2\r\n"
      "cseq: 2\r\n"
      "  OPTIONS\r\n"
      "X-Folded: one\r\n"
      " \t two  \r\n"
      "  \r\n"
      " three\r\n"
      "l: 0\r\n\r\n");
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_THAT(m->GetAll("Via"), ElementsAre("SIP/2.0/UDP a;branch=z9hG4bK1", "SIP/2.0/TCP b;branch=z9hG4bK2",
                                            "SIP/2.0/UDP c;branch=z9hG4bK3"));
  EXPECT_EQ(m->Get("To"), "<sip:b@example.com>");
  EXPECT_EQ(m->Get("CSeq"), "2 OPTIONS");
  EXPECT_EQ(m->Get("x-folded"), "one two three");
  EXPECT_EQ(m->headers()[0].name, "Via");
  EXPECT_EQ(m->headers()[1].name, "Via");
}

TEST(ParseTest, LfOnlyLineEnds) {
  std::string lf = absl::StrReplaceAll(Invite("Content-Length: 2\r\n", "ok"), {{"\r\n", "\n"}});
  auto m = Parse(lf);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->Get("Call-ID"), "call-1");
  EXPECT_EQ(m->body, "ok");
}

TEST(ParseTest, UnknownMethodAndHeadersKeptVerbatim) {
  auto m = Parse(absl::StrCat("FOO-BAR.x sip:b@example.com SIP/2.0\r\n",
                              absl::StrReplaceAll(kHeaders, {{"1 INVITE", "1 FOO-BAR.x"}}),
                              "x-WeIrD-nAmE:  ;;,,;;,;  \r\n\r\n"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->method(), "FOO-BAR.x");
  EXPECT_EQ(m->headers().back().name, "x-WeIrD-nAmE");
  EXPECT_EQ(m->headers().back().value, ";;,,;;,;");
}

TEST(ParseTest, MethodsAreCaseSensitive) {
  EXPECT_THAT(ErrorOf(absl::StrCat("invite sip:b@example.com SIP/2.0\r\n", kHeaders, "\r\n")),
              HasSubstr("differs from request method invite"));
}

TEST(ParseTest, RejectsBadStartLines) {
  EXPECT_THAT(ErrorOf(""), HasSubstr("no complete start line"));
  EXPECT_THAT(ErrorOf("INVITE sip:b@example.com SIP/2.0"), HasSubstr("no complete start line"));
  EXPECT_THAT(ErrorOf(absl::StrCat("INVITE\r\n", kHeaders, "\r\n")), HasSubstr("bad start line"));
  EXPECT_THAT(ErrorOf(absl::StrCat("INVITE sip:b@example.com\r\n", kHeaders, "\r\n")), HasSubstr("bad start line"));
  EXPECT_THAT(ErrorOf(absl::StrCat("INVITE sip:b@example.com HTTP/1.1\r\n", kHeaders, "\r\n")),
              HasSubstr("bad start line"));
  EXPECT_THAT(ErrorOf(absl::StrCat("INVITE sip:b@example.com SIP/3.0\r\n", kHeaders, "\r\n")),
              HasSubstr("unsupported version 'SIP/3.0'"));
  EXPECT_THAT(ErrorOf(absl::StrCat("SIP/1.0 200 OK\r\n", kHeaders, "\r\n")), HasSubstr("unsupported version"));
  EXPECT_THAT(ErrorOf(absl::StrCat("SIP/2.0 99 Low\r\n", kHeaders, "\r\n")), HasSubstr("bad status code"));
  EXPECT_THAT(ErrorOf(absl::StrCat("SIP/2.0 700 High\r\n", kHeaders, "\r\n")), HasSubstr("out of 100..699"));
  EXPECT_THAT(ErrorOf(absl::StrCat("SIP/2.0 2x0 OK\r\n", kHeaders, "\r\n")), HasSubstr("bad status code"));
  EXPECT_THAT(ErrorOf(absl::StrCat("IN VITE sip:b@example.com SIP/2.0\r\n", kHeaders, "\r\n")),
              HasSubstr("Request-URI"));
  EXPECT_THAT(ErrorOf(absl::StrCat("INVITE b@example.com SIP/2.0\r\n", kHeaders, "\r\n")),
              HasSubstr("bad Request-URI"));
  EXPECT_THAT(ErrorOf(absl::StrCat("INV\"TE sip:b@example.com SIP/2.0\r\n", kHeaders, "\r\n")),
              HasSubstr("bad method"));
  EXPECT_THAT(ErrorOf(absl::StrCat(" INVITE sip:b@example.com SIP/2.0\r\n", kHeaders, "\r\n")),
              HasSubstr("bad method"));
  EXPECT_THAT(ErrorOf(absl::StrCat(std::string("INVITE sip:b@exa\0mple.com SIP/2.0\r\n", 35), kHeaders, "\r\n")),
              HasSubstr("control character in start line"));
}

TEST(ParseTest, AcceptsLowerCaseVersionAndMissingReasonSpace) {
  EXPECT_TRUE(Parse(absl::StrCat("INVITE sip:b@example.com sip/2.0\r\n", kHeaders, "\r\n")).ok());
  auto m = Parse(absl::StrCat("SIP/2.0 200\r\n", kHeaders, "\r\n"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->reason(), "");
}

TEST(ParseTest, RejectsMissingOrRepeatedMandatoryHeaders) {
  for (std::string_view name : {"Via", "From", "To", "Call-ID", "CSeq"}) {
    std::string headers;
    for (std::string_view line : {"Via: SIP/2.0/UDP h;branch=z9hG4bK1", "From: <sip:a@x>;tag=1", "To: <sip:b@x>",
                                  "Call-ID: c", "CSeq: 1 INVITE"}) {
      if (line.substr(0, name.size()) != name) absl::StrAppend(&headers, Sv(line), "\r\n");
    }
    EXPECT_THAT(ErrorOf(absl::StrCat("INVITE sip:b@x SIP/2.0\r\n", headers, "\r\n")),
                HasSubstr(absl::StrCat("missing mandatory header ", Sv(name))));
  }
  EXPECT_THAT(ErrorOf(Invite("Call-ID: call-2\r\n")), HasSubstr("more than one Call-ID header"));
  EXPECT_THAT(ErrorOf(Invite("t: <sip:c@example.com>\r\n")), HasSubstr("more than one To header"));
  EXPECT_THAT(ErrorOf(Invite("Max-Forwards: 70\r\nMax-Forwards: 69\r\n")), HasSubstr("more than one Max-Forwards"));
  EXPECT_THAT(ErrorOf(Invite("Max-Forwards: 256\r\n")), HasSubstr("bad Max-Forwards"));
  EXPECT_THAT(ErrorOf(absl::StrReplaceAll(Invite(), {{"Call-ID: call-1", "Call-ID:   "}})), HasSubstr("empty Call-ID"));
  EXPECT_TRUE(Parse(Invite("Via: SIP/2.0/UDP second\r\n")).ok());  // Via may repeat
}

TEST(ParseTest, RejectsCSeqMismatchAndBadCSeq) {
  EXPECT_THAT(ErrorOf(absl::StrReplaceAll(Invite(), {{"1 INVITE", "1 BYE"}})),
              HasSubstr("CSeq method BYE differs from request method INVITE"));
  EXPECT_THAT(ErrorOf(absl::StrReplaceAll(Invite(), {{"1 INVITE", "x INVITE"}})), HasSubstr("bad CSeq"));
  EXPECT_THAT(ErrorOf(absl::StrReplaceAll(Invite(), {{"1 INVITE", "4294967296 INVITE"}})), HasSubstr("bad CSeq"));
}

TEST(ParseTest, RejectsBadContentLength) {
  EXPECT_THAT(ErrorOf(Invite("Content-Length: -1\r\n")), HasSubstr("negative Content-Length"));
  EXPECT_THAT(ErrorOf(Invite("Content-Length: ten\r\n")), HasSubstr("non-numeric Content-Length"));
  EXPECT_THAT(ErrorOf(Invite("Content-Length: 1 0\r\n")), HasSubstr("non-numeric Content-Length"));
  EXPECT_THAT(ErrorOf(Invite("Content-Length: \r\n")), HasSubstr("non-numeric Content-Length"));
  EXPECT_THAT(ErrorOf(Invite("Content-Length: 10\r\n", "short")),
              HasSubstr("body of 5 bytes shorter than Content-Length 10"));
  EXPECT_THAT(ErrorOf(Invite("Content-Length: 99999999999999999999999\r\n", "x")), HasSubstr("shorter than"));
  EXPECT_THAT(ErrorOf(Invite("Content-Length: 1\r\nl: 2\r\n", "xy")), HasSubstr("conflicting Content-Length"));
  EXPECT_TRUE(Parse(Invite("Content-Length: 2\r\nl: 2\r\n", "xy")).ok());
}

TEST(ParseTest, RejectsBadHeaderLines) {
  EXPECT_THAT(ErrorOf(Invite("NoColonHere\r\n")), HasSubstr("header line without a colon 'NoColonHere'"));
  EXPECT_THAT(ErrorOf(Invite("Bad Name: x\r\n")), HasSubstr("bad header name"));
  EXPECT_THAT(ErrorOf(Invite(": x\r\n")), HasSubstr("bad header name"));
  EXPECT_THAT(ErrorOf(Invite(std::string("X-Nul: a\0b\r\n", 12))), HasSubstr("NUL byte in header line"));
  EXPECT_THAT(ErrorOf(Invite("X-Cr: a\rb\r\n")), HasSubstr("control character in header line"));
  EXPECT_THAT(ErrorOf(absl::StrCat("INVITE sip:b@x SIP/2.0\r\n folded\r\n", kHeaders, "\r\n")),
              HasSubstr("continuation line before the first header"));
  EXPECT_THAT(ErrorOf(absl::StrCat("INVITE sip:b@example.com SIP/2.0\r\n", kHeaders)),
              HasSubstr("not terminated by an empty line"));
  EXPECT_THAT(ErrorOf(absl::StrReplaceAll(Invite(), {{"To: <sip:b@example.com>", "To: \"B <sip:b@example.com>"}})),
              HasSubstr("unbalanced quotes or <> in To"));
  EXPECT_THAT(ErrorOf(absl::StrReplaceAll(Invite(), {{"To: <sip:b@example.com>", "To: <sip:b@example.com"}})),
              HasSubstr("unbalanced quotes or <> in To"));
  // A NUL is fine as a quoted-pair in a quoted string (RFC 4475 3.1.1.2).
  EXPECT_TRUE(Parse(Invite(std::string("X-Q: \"a\\\0b\"\r\n", 13))).ok());
}

TEST(ParseTest, EnforcesLimits) {
  const ParseLimits small{.max_message_bytes = 400, .max_headers = 7, .max_header_bytes = 64};
  EXPECT_TRUE(Parse(Invite("Max-Forwards: 70\r\n"), small).ok());
  EXPECT_THAT(ErrorOf(Invite("A: 1\r\nB: 2\r\nC: 3\r\n"), small), HasSubstr("more than 7 headers"));
  EXPECT_THAT(ErrorOf(Invite(absl::StrCat("X-Long: ", std::string(60, 'a'), "\r\n")), small),
              HasSubstr("exceeds 64 bytes"));
  EXPECT_THAT(ErrorOf(Invite(absl::StrCat("X-Long: a\r\n", std::string(30, ' '), "b\r\n ",
                                          std::string(30, 'c'), "\r\n")),
                      small),
              HasSubstr("exceeds 64 bytes"));
  EXPECT_THAT(ErrorOf(Invite("", std::string(300, 'x')), small), HasSubstr("exceeds the limit of 400"));
  // The default allows 100 headers and not one more.
  std::string many;
  for (int i = 0; i < 95; ++i) absl::StrAppend(&many, "X-H: ", i, "\r\n");
  EXPECT_TRUE(Parse(Invite(many)).ok());
  EXPECT_THAT(ErrorOf(Invite(many + "X-H: a\r\n")), HasSubstr("more than 100 headers"));
}

TEST(ParseTest, SerializeRoundTrip) {
  const std::string wire = Invite("X-Folded: a\r\n b\r\nContent-Type: text/plain\r\n", "body");
  auto m = Parse(wire);
  ASSERT_TRUE(m.ok());
  auto again = Parse(Serialize(*m));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->method(), m->method());
  EXPECT_EQ(again->body, "body");
  EXPECT_EQ(again->Get("X-Folded"), "a b");
  EXPECT_EQ(again->Get("Content-Length"), "4");
}

}  // namespace
}  // namespace konfero::sip
