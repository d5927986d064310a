// RFC 4475 torture messages (and RFC 5118's IPv6 ones), read from the seed
// corpus of sip_message_fuzzer (written by fuzz/sip_message/make_seed_corpus.py):
// each gets the RFC's verdict. Where the RFC lets an element choose, the
// choice is stated at the test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "sip/framer.h"
#include "sip/headers.h"
#include "sip/message.h"
#include "sip/parser.h"

namespace konfero::sip {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string ReadSeed(const std::string& name) {
  std::ifstream in(std::string(KONFERO_SIP_CORPUS) + "/" + name + ".sip", std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

SipMessage MustParse(const std::string& name) {
  auto m = Parse(ReadSeed(name));
  EXPECT_TRUE(m.ok()) << name << ": " << m.status();
  if (!m.ok()) return SipMessage();
  // Every valid message survives a serialize/parse round trip.
  auto again = Parse(Serialize(*m));
  EXPECT_TRUE(again.ok()) << name << ": " << again.status();
  if (again.ok()) {
    EXPECT_EQ(again->body, m->body) << name;
  }
  return *std::move(m);
}

// `s` n times: the RFC's <repeat count=n>s</repeat>.
std::string Repeat(std::string_view s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out.append(s);
  return out;
}

std::string RejectionOf(const std::string& name) {
  auto m = Parse(ReadSeed(name));
  EXPECT_FALSE(m.ok()) << name << " parsed";
  if (m.ok()) return "";
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(m.status().message());
}

// 3.1.1.1
TEST(TortureTest, WsinvShortTortuousInvite) {
  SipMessage m = MustParse("rfc4475_wsinv");
  EXPECT_EQ(m.method(), "INVITE");
  EXPECT_EQ(m.request_uri(), "sip:vivekg@chair-dnrc.example.com;unknownparam");
  EXPECT_EQ(m.Get("Max-Forwards"), "0068");
  EXPECT_EQ(m.Get("CSeq"), "0009 INVITE");
  EXPECT_EQ(ParseCSeq(*m.Get("CSeq"))->number, 9u);
  EXPECT_EQ(m.Get("Subject"), "");
  EXPECT_EQ(m.Get("NewFangledHeader"), "newfangled value continued newfangled value");
  EXPECT_EQ(m.Get("UnknownHeaderWithUnusualValue"), ";;,,;;,;");
  auto to = ParseNameAddr(*m.Get("To"));
  ASSERT_TRUE(to.ok()) << to.status();
  EXPECT_EQ(to->Param("tag"), "1918181833n");
  auto from = ParseNameAddr(*m.Get("From"));
  ASSERT_TRUE(from.ok()) << from.status();
  EXPECT_EQ(from->display_name, "J Rosenberg \\\"");
  EXPECT_EQ(from->Param("tag"), "98asjd8");
  const auto vias = m.GetAll("Via");
  ASSERT_EQ(vias.size(), 3u);
  std::vector<std::string> hosts, branches, transports;
  for (std::string_view v : vias) {
    auto via = ParseVia(v);
    ASSERT_TRUE(via.ok()) << v << ": " << via.status();
    hosts.push_back(via->host);
    branches.push_back(via->branch());
    transports.push_back(via->transport);
  }
  EXPECT_THAT(hosts, ElementsAre("192.0.2.2", "spindle.example.com", "192.168.255.111"));
  EXPECT_THAT(branches, ElementsAre("390skdjuw", "z9hG4bK9ikj8", "z9hG4bK30239"));
  EXPECT_THAT(transports, ElementsAre("UDP", "TCP", "UDP"));
  auto contact = ParseNameAddr(m.GetAll("Contact").at(0));
  ASSERT_TRUE(contact.ok()) << contact.status();
  EXPECT_EQ(contact->display_name, "Quoted string \"\"");
  EXPECT_EQ(contact->Param("newparam"), "newvalue");
  EXPECT_EQ(contact->Param("secondparam"), "");
  EXPECT_EQ(contact->Param("q"), "0.33");
  auto route = ParseNameAddr(*m.Get("Route"));
  ASSERT_TRUE(route.ok());
  EXPECT_EQ(route->uri.Param("unknown-no-value"), "");
  EXPECT_EQ(m.body.size(), 150u);
}

// 3.1.1.2
TEST(TortureTest, IntmethWideRangeOfValidCharacters) {
  SipMessage m = MustParse("rfc4475_intmeth");
  EXPECT_EQ(m.method(), "!interesting-Method0123456789_*+`.%indeed'~");
  auto ruri = ParseUri(m.request_uri());
  ASSERT_TRUE(ruri.ok()) << ruri.status();
  EXPECT_EQ(ruri->user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(ruri->host, "example.com");
  auto to = ParseNameAddr(*m.Get("To"));
  ASSERT_TRUE(to.ok()) << to.status();
  EXPECT_EQ(to->display_name, std::string("BEL:\x07 NUL:\0 DEL:\x7F", 17));
  auto from = ParseNameAddr(*m.Get("From"));
  ASSERT_TRUE(from.ok()) << from.status();
  EXPECT_EQ(from->display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_EQ(from->Param("tag"), "_token~1'+`*%!-.");
  EXPECT_EQ(m.Get("Call-ID"), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(ParseVia(*m.Get("Via"))->branch(), "z9hG4bK-.!%66*_+`'~");
  EXPECT_TRUE(m.Get("extensionHeader-!.%*+_`'~").has_value());
}

// 3.1.1.3, 3.1.1.4: escapes are kept as written; %00 is just text.
TEST(TortureTest, Esc01AndEscnullEscapes) {
  SipMessage m = MustParse("rfc4475_esc01");
  EXPECT_EQ(ParseUri(m.request_uri())->user, "sips%3Auser%40example.com");
  EXPECT_EQ(ParseNameAddr(*m.Get("To"))->uri.user, "%75se%72");
  EXPECT_EQ(ParseNameAddr(*m.Get("From"))->uri.user, "I%20have%20spaces");
  EXPECT_EQ(m.Get("Content-Type"), "application/sdp");
  EXPECT_EQ(m.Get("Call-ID"), "esc01.239409asdfakjkn23onasd0-3234");
  SipMessage n = MustParse("rfc4475_escnull");
  EXPECT_THAT(n.GetAll("Contact"), ElementsAre("<sip:%00@host5.example.com>", "<sip:%00%00@host5.example.com>"));
  EXPECT_EQ(ParseNameAddr(*n.Get("To"))->uri.user, "null-%00-null");
}

// 3.1.1.6
TEST(TortureTest, LwsdispNoSpaceBeforeAngle) {
  SipMessage m = MustParse("rfc4475_lwsdisp");
  auto from = ParseNameAddr(*m.Get("From"));
  ASSERT_TRUE(from.ok());
  EXPECT_EQ(from->display_name, "caller");
  EXPECT_EQ(from->Param("tag"), "323");
}

// 3.1.1.7: long values and many Via values; 3515 bytes, 43 header lines,
// the longest (From) of 593 bytes, all within the default ParseLimits. A
// receiver limited to fewer header lines says which limit it hit, and one
// raised to fit takes the message again.
TEST(TortureTest, LongreqLongValuesWithinDefaultLimits) {
  const std::string raw = ReadSeed("rfc4475_longreq");
  EXPECT_EQ(raw.size(), 3515u);
  SipMessage m = MustParse("rfc4475_longreq");
  EXPECT_EQ(m.headers().size(), 43u);
  auto to = ParseNameAddr(*m.Get("To"));
  ASSERT_TRUE(to.ok()) << to.status();
  EXPECT_EQ(to->display_name, "I have a user name of " + Repeat("extreme", 10) + " proportion");
  EXPECT_EQ(to->uri.port, 6000);
  EXPECT_EQ(to->uri.Param("unknownparam1"), "very" + Repeat("long", 20) + "value");
  EXPECT_EQ(to->uri.Param("longparam" + Repeat("name", 25)), "shortvalue");
  EXPECT_EQ(to->uri.Param("very" + Repeat("long", 25) + "ParameterNameWithNoValue"), "");
  auto from = ParseNameAddr(*m.Get("f"));
  ASSERT_TRUE(from.ok()) << from.status();
  EXPECT_EQ(from->uri.user, Repeat("amazinglylongcallername", 5));
  EXPECT_EQ(from->Param("tag"), "12" + Repeat("982", 50) + "424");
  EXPECT_EQ(from->Param("unknownheaderparam" + Repeat("name", 20)), "unknowheaderparam" + Repeat("value", 15));
  EXPECT_EQ(from->Param("unknownValueless" + Repeat("paramname", 10)), "");
  EXPECT_EQ(m.Get("Call-ID"), "longreq.one" + Repeat("really", 20) + "longcallid");
  EXPECT_EQ(m.Get("unknown-" + Repeat("long", 20) + "-name"),
            "unknown-" + Repeat("long", 20) + "-value; unknown-" + Repeat("long", 20) + "-parameter-name = unknown-" +
                Repeat("long", 20) + "-parameter-value");
  // 34 Via values under every spelling of the name: sip33 ... sip1, then host.
  const auto vias = m.GetAll("Via");
  ASSERT_EQ(vias.size(), 34u);
  for (size_t i = 0; i < 33; ++i) {
    auto via = ParseVia(vias[i]);
    ASSERT_TRUE(via.ok()) << vias[i] << ": " << via.status();
    EXPECT_EQ(via->host, "sip" + std::to_string(33 - i) + ".example.com");
    EXPECT_EQ(via->transport, "TCP");
    EXPECT_EQ(via->branch(), "");
  }
  auto last = ParseVia(vias[33]);
  ASSERT_TRUE(last.ok()) << last.status();
  EXPECT_EQ(last->host, "host.example.com");
  EXPECT_EQ(last->Param("received"), "192.0.2.5");
  EXPECT_EQ(last->branch(), "very" + Repeat("long", 50) + "branchvalue");
  EXPECT_EQ(ParseNameAddr(*m.Get("Contact"))->uri.user, Repeat("amazinglylongcallername", 5));
  EXPECT_EQ(m.body.size(), 150u);

  ParseLimits limits;
  limits.max_headers = 42;
  auto over = Parse(raw, limits);
  ASSERT_FALSE(over.ok());
  EXPECT_THAT(over.status().message(), HasSubstr("more than 42 headers"));
  limits.max_headers = 43;
  EXPECT_TRUE(Parse(raw, limits).ok());
  limits.max_header_bytes = 594;  // the From line and its CRLF are 595
  EXPECT_THAT(Parse(raw, limits).status().message(), HasSubstr("header F exceeds 594 bytes"));
  limits.max_header_bytes = 595;
  EXPECT_TRUE(Parse(raw, limits).ok());
}

// 3.1.1.8: over UDP the octets after Content-Length are discarded.
TEST(TortureTest, DblreqExtraOctetsAreNotTheBody) {
  SipMessage m = MustParse("rfc4475_dblreq");
  EXPECT_EQ(m.method(), "REGISTER");
  EXPECT_EQ(m.body, "");
  EXPECT_EQ(m.Get("Call-ID"), "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
}

// 3.1.1.9
TEST(TortureTest, SemiuriSemicolonInUserPart) {
  SipMessage m = MustParse("rfc4475_semiuri");
  auto uri = ParseUri(m.request_uri());
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->user, "user;par=u%40example.net");
  EXPECT_EQ(uri->host, "example.com");
  EXPECT_TRUE(uri->params.empty());
  EXPECT_EQ(m.GetAll("Accept").size(), 6u);
}

// 3.1.1.10
TEST(TortureTest, TransportsVariedAndUnknown) {
  SipMessage m = MustParse("rfc4475_transports");
  std::vector<std::string> transports;
  for (std::string_view v : m.GetAll("Via")) transports.push_back(ParseVia(v)->transport);
  EXPECT_THAT(transports, ElementsAre("UDP", "SCTP", "TLS", "UNKNOWN", "TCP"));
}

// 3.1.1.11: "Receivers must take care to frame the received message
// properly": the body is the 553 bytes Content-Length gives, kept byte for
// byte, the binary part (a DER blob with NULs, bare CRs and LFs) too; on a
// stream the framer cuts it by Content-Length whatever the blob holds.
TEST(TortureTest, Mpart01BinaryPartKeptByteForByte) {
  const std::string raw = ReadSeed("rfc4475_mpart01");
  SipMessage m = MustParse("rfc4475_mpart01");
  EXPECT_EQ(m.method(), "MESSAGE");
  EXPECT_EQ(m.Get("Content-Type"), "multipart/mixed;boundary=7a9cbec02ceef655");
  EXPECT_EQ(m.Get("Content-Transfer-Encoding"), "binary");
  EXPECT_EQ(m.Get("Identity")->size(), 172u);  // base64 of a 1024-bit signature
  EXPECT_EQ(ParseVia(*m.Get("Via"))->port, 5070);
  EXPECT_EQ(m.Get("Content-Length"), "553");
  ASSERT_EQ(m.body.size(), 553u);
  EXPECT_EQ(m.body, raw.substr(raw.size() - 553));
  EXPECT_TRUE(m.body.starts_with("--7a9cbec02ceef655\r\nContent-Type: text/plain\r\n"));
  EXPECT_THAT(m.body, HasSubstr("\r\n\r\nHello\r\n--7a9cbec02ceef655\r\n"));
  EXPECT_TRUE(m.body.ends_with("\r\n--7a9cbec02ceef655--\r\n"));
  const std::string part = "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n";
  const size_t start = m.body.find(part);
  ASSERT_NE(start, std::string::npos);
  const size_t der_begin = start + part.size();
  const std::string der = m.body.substr(der_begin, m.body.size() - 24 - der_begin);
  // SEQUENCE, length 0x0152: 4 + 338 bytes, all there.
  ASSERT_EQ(der.size(), 342u);
  EXPECT_EQ(der.substr(0, 4), std::string("\x30\x82\x01\x52", 4));
  EXPECT_EQ(der.substr(338), std::string("\xBC\x99\xD0\x05", 4));
  EXPECT_EQ(std::count(der.begin(), der.end(), '\0'), 2);
  EXPECT_EQ(std::count(der.begin(), der.end(), '\r'), 5);
  EXPECT_EQ(std::count(der.begin(), der.end(), '\n'), 3);

  // Twice on a stream, fed 7 bytes at a time.
  StreamFramer framer;
  std::vector<std::string> frames;
  const std::string stream = raw + raw;
  for (size_t i = 0; i < stream.size(); i += 7) {
    auto out = framer.Feed(std::string_view(stream).substr(i, 7));
    ASSERT_TRUE(out.ok()) << out.status();
    frames.insert(frames.end(), out->begin(), out->end());
  }
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], raw);
  EXPECT_EQ(frames[1], raw);
  EXPECT_EQ(framer.buffered(), 0u);
}

// 3.1.1.12, 3.1.1.13
TEST(TortureTest, UnreasonAndNoreasonResponses) {
  SipMessage u = MustParse("rfc4475_unreason");
  EXPECT_EQ(u.status(), 200);
  EXPECT_EQ(u.reason().substr(0, 14), "= 2**3 * 5**2 ");
  EXPECT_EQ(u.body.size(), 154u);
  SipMessage n = MustParse("rfc4475_noreason");
  EXPECT_EQ(n.status(), 100);
  EXPECT_EQ(n.reason(), "");
}

// RFC 5118 4.1, 4.4, 4.5.
TEST(TortureTest, Ipv6References) {
  SipMessage r = MustParse("rfc5118_ipv6_register");
  EXPECT_EQ(ParseUri(r.request_uri())->host, "[2001:db8::10]");
  EXPECT_EQ(ParseVia(*r.Get("Via"))->host, "[2001:db8::9:1]");
  EXPECT_EQ(ParseNameAddr(*r.Get("Contact"))->uri.host, "[2001:db8::1]");
  SipMessage p = MustParse("rfc5118_ipv6_port");
  EXPECT_EQ(ParseUri(p.request_uri())->port, 5070);
  SipMessage b = MustParse("rfc5118_ipv6_received");
  EXPECT_EQ(ParseVia(*b.Get("Via"))->Param("received"), "[2001:db8::9:255]");
}

// 3.3.2: an unknown scheme is a 416 for the UA, not a parse error.
TEST(TortureTest, UnkscmParses) {
  SipMessage m = MustParse("rfc4475_unkscm");
  EXPECT_EQ(m.request_uri(), "nobodyKnowsThisScheme:totallyopaquecontent");
  EXPECT_FALSE(ParseUri(m.request_uri()).ok());
}

// 3.3.5: the message parses; Require and Proxy-Require are lists, one
// option-tag per element, so the UAS can answer 420 Bad Extension with an
// Unsupported listing the Require tags (a proxy, the Proxy-Require ones).
TEST(TortureTest, Bext01RequireTagsListedFor420) {
  SipMessage m = MustParse("rfc4475_bext01");
  EXPECT_EQ(m.method(), "OPTIONS");
  EXPECT_THAT(m.GetAll("Require"), ElementsAre("nothingSupportsThis", "nothingSupportsThisEither"));
  EXPECT_THAT(m.GetAll("Proxy-Require"), ElementsAre("noProxiesSupportThis", "norDoAnyProxiesSupportThis"));
  auto via = ParseVia(*m.Get("Via"));
  ASSERT_TRUE(via.ok()) << via.status();
  EXPECT_EQ(via->transport, "TLS");
  EXPECT_EQ(via->host, "fold-and-staple.example.com");
  // The 420, as the UAS builds it, parses back with the tags and the request's Via and CSeq.
  SipMessage bad_extension = MakeResponse(m, 420, "Bad Extension", "t420");
  std::string unsupported;
  for (std::string_view tag : m.GetAll("Require")) {
    if (!unsupported.empty()) unsupported += ", ";
    unsupported += tag;
  }
  bad_extension.Set("Unsupported", unsupported);
  auto answer = Parse(Serialize(bad_extension));
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->status(), 420);
  EXPECT_THAT(answer->GetAll("Unsupported"), ElementsAre("nothingSupportsThis", "nothingSupportsThisEither"));
  EXPECT_EQ(answer->Get("Via"), "SIP/2.0/TLS fold-and-staple.example.com;branch=z9hG4bKkdjuw");
  EXPECT_EQ(answer->Get("CSeq"), "8 OPTIONS");
  EXPECT_EQ(ParseNameAddr(*answer->Get("To"))->Param("tag"), "t420");
}

// 3.3.10: "The message is well formed; parsers must not fail when receiving
// it." Its second Via sent-by is 255.255.255.255; an endpoint discards such
// a response and a proxy drops it rather than forward it to the broadcast
// address. Responses here are matched by their top Via alone.
TEST(TortureTest, BcastResponseWithBroadcastVia) {
  SipMessage m = MustParse("rfc4475_bcast");
  EXPECT_FALSE(m.is_request());
  EXPECT_EQ(m.status(), 200);
  EXPECT_EQ(m.reason(), "OK");
  std::vector<std::string> hosts, branches;
  for (std::string_view v : m.GetAll("Via")) {
    auto via = ParseVia(v);
    ASSERT_TRUE(via.ok()) << v << ": " << via.status();
    hosts.push_back(via->host);
    branches.push_back(via->branch());
  }
  EXPECT_THAT(hosts, ElementsAre("192.0.2.198", "255.255.255.255"));
  EXPECT_THAT(branches, ElementsAre("z9hG4bK1324923", "z9hG4bK1saber23"));
  EXPECT_EQ(m.Get("Call-ID"), "bcast.0384840201234ksdfak3j2erwedfsASdf");
  EXPECT_EQ(ParseCSeq(*m.Get("CSeq"))->number, 35u);
  EXPECT_EQ(ParseNameAddr(*m.Get("Contact"))->uri.host, "host28.example.com");
  EXPECT_EQ(m.body.size(), 154u);
}

// 3.1.2.11: "an element could choose to be liberal ... and ignore the escaped
// headers": Parse accepts it; the URI's headers stay in SipUri::headers.
TEST(TortureTest, EscruriAcceptedLiberally) {
  SipMessage m = MustParse("rfc4475_escruri");
  EXPECT_EQ(ParseUri(m.request_uri())->headers, "Route=%3Csip:example.com%3E");
  EXPECT_FALSE(m.Has("Route"));
}

// 3.1.2.1: the Via holds empty parameters and, after a comma, a lone ';'
// that is no via-parm; the Contact empty parameters. "This message is
// syntactically invalid": Parse rejects it for its Via, so the receiver
// answers 400 Bad Request (DialInCore::AnswerMalformed). The Contact alone
// would fail ParseNameAddr too.
TEST(TortureTest, Badinv01ExtraneousSeparatorsRejected) {
  EXPECT_THAT(RejectionOf("rfc4475_badinv01"), HasSubstr("bad Via 'SIP/2.0/UDP 192.0.2.15;;'"));
  EXPECT_THAT(ParseVia(";").status().message(), HasSubstr("bad Via sent-protocol"));
  auto contact = ParseNameAddr("\"Joe\" <sip:joe@example.org>;;;;");
  ASSERT_FALSE(contact.ok());
  EXPECT_THAT(contact.status().message(), HasSubstr("bad parameter name"));
  // Without the stray separators the same message parses.
  std::string fixed = ReadSeed("rfc4475_badinv01");
  fixed.replace(fixed.find(";;,;,,"), 6, ";branch=z9hG4bKbadinv01");
  fixed.replace(fixed.find(">;;;;"), 5, ">");
  auto m = Parse(fixed);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->body.size(), 152u);
  EXPECT_EQ(ParseNameAddr(*m->Get("Contact"))->display_name, "Joe");
}

// The invalid ones Parse rejects, each for the RFC's reason.
TEST(TortureTest, InvalidMessagesAreRejected) {
  EXPECT_THAT(RejectionOf("rfc4475_clerr"), HasSubstr("shorter than Content-Length 9999"));  // 3.1.2.2
  EXPECT_THAT(RejectionOf("rfc4475_ncl"), HasSubstr("negative Content-Length"));              // 3.1.2.3
  EXPECT_THAT(RejectionOf("rfc4475_scalar02"), HasSubstr("bad Max-Forwards"));                // 3.1.2.4
  EXPECT_THAT(RejectionOf("rfc4475_scalarlg"), HasSubstr("bad CSeq"));                        // 3.1.2.5
  EXPECT_THAT(RejectionOf("rfc4475_quotbal"), HasSubstr("unbalanced quotes"));                // 3.1.2.6
  EXPECT_THAT(RejectionOf("rfc4475_ltgtruri"), HasSubstr("bad Request-URI"));                 // 3.1.2.7
  EXPECT_THAT(RejectionOf("rfc4475_lwsruri"), HasSubstr("bad Request-URI"));                  // 3.1.2.8
  EXPECT_THAT(RejectionOf("rfc4475_lwsstart"), HasSubstr("bad Request-URI"));                 // 3.1.2.9
  EXPECT_THAT(RejectionOf("rfc4475_trws"), HasSubstr("bad start line"));                      // 3.1.2.10
  EXPECT_THAT(RejectionOf("rfc4475_badvers"), HasSubstr("unsupported version 'SIP/7.0'"));    // 3.1.2.16
  EXPECT_THAT(RejectionOf("rfc4475_mismatch01"), HasSubstr("CSeq method INVITE differs"));    // 3.1.2.17
  EXPECT_THAT(RejectionOf("rfc4475_mismatch02"), HasSubstr("CSeq method INVITE differs"));    // 3.1.2.18
  EXPECT_THAT(RejectionOf("rfc4475_bigcode"), HasSubstr("bad status code"));                  // 3.1.2.19
  EXPECT_THAT(RejectionOf("rfc4475_insuf"), HasSubstr("missing mandatory header"));           // 3.3.?
  EXPECT_THAT(RejectionOf("rfc4475_multi01"), HasSubstr("more than one"));                    // 3.3.9
}

// 3.1.2.15: the display names of baddn are not tokens. Parse does not parse
// From/To (only checks quotes and <>), so the message parses; ParseNameAddr,
// which a UA runs on From/To, rejects it (-> 400).
TEST(TortureTest, BaddnIsCaughtByParseNameAddr) {
  SipMessage m = MustParse("rfc4475_baddn");
  EXPECT_FALSE(ParseNameAddr(*m.Get("From")).ok());
  EXPECT_FALSE(ParseNameAddr(*m.Get("To")).ok());
}

TEST(TortureTest, TypicalTrafficParses) {
  for (const char* name : {"sipp_invite", "sipp_ack", "sipp_bye", "sipp_cancel", "sipp_info_dtmf",
                           "baresip_register", "baresip_register_auth", "response_401", "response_200_invite",
                           "options_compact"}) {
    SipMessage m = MustParse(name);
    EXPECT_FALSE(m.GetAll("Via").empty()) << name;
    EXPECT_TRUE(ParseNameAddr(*m.Get("From")).ok()) << name;
    EXPECT_TRUE(ParseNameAddr(*m.Get("To")).ok()) << name;
    for (std::string_view via : m.GetAll("Via")) EXPECT_TRUE(ParseVia(via).ok()) << name << ": " << via;
    for (std::string_view c : m.GetAll("Contact")) EXPECT_TRUE(ParseNameAddr(c).ok()) << name << ": " << c;
  }
  SipMessage ok = MustParse("response_200_invite");
  const auto rr = ok.GetAll("Record-Route");
  ASSERT_EQ(rr.size(), 2u);
  EXPECT_EQ(ParseNameAddr(rr[1])->uri.host, "[2001:db8::5]");
  EXPECT_EQ(ParseNameAddr(*MustParse("options_compact").Get("f"))->display_name, "Monitor \"probe\"");
  EXPECT_EQ(MustParse("sipp_info_dtmf").body, "Signal=5\r\nDuration=160\r\n");
  auto auth = MustParse("baresip_register_auth").GetAll("Authorization");
  EXPECT_EQ(auth.size(), 1u);
}

TEST(TortureTest, StreamSeedFramesIntoTwoMessagesAndTwoPings) {
  StreamFramer framer;
  auto out = framer.Feed(ReadSeed("stream_pipelined"));
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_EQ(out->size(), 2u);
  EXPECT_EQ((*out)[0], ReadSeed("sipp_invite"));
  EXPECT_EQ((*out)[1], ReadSeed("sipp_bye"));
  EXPECT_EQ(framer.keepalives_seen(), 2);
  EXPECT_EQ(framer.buffered(), 0u);
}

}  // namespace
}  // namespace konfero::sip
