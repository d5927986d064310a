// Tests of sip/headers.h: URIs (escapes, IPv6 references, params, headers),
// name-addr, Via and CSeq values.
#include "sip/headers.h"

#include <gtest/gtest.h>

namespace konfero::sip {
namespace {

TEST(SipUriTest, ParsesUserHostPortParamsAndHeaders) {
  auto uri = ParseUri("sip:alice:secret@example.com:5070;transport=tcp;lr?subject=hi&x=1");
  ASSERT_TRUE(uri.ok()) << uri.status();
  EXPECT_EQ(uri->scheme, "sip");
  EXPECT_EQ(uri->user, "alice:secret");
  EXPECT_EQ(uri->host, "example.com");
  EXPECT_EQ(uri->port, 5070);
  EXPECT_EQ(uri->Param("TRANSPORT"), "tcp");
  EXPECT_EQ(uri->Param("lr"), "");
  EXPECT_FALSE(uri->Param("maddr").has_value());
  EXPECT_EQ(uri->headers, "subject=hi&x=1");
  EXPECT_EQ(uri->ToString(), "sip:alice:secret@example.com:5070;transport=tcp;lr?subject=hi&x=1");
}

TEST(SipUriTest, Ipv6ReferencesKeepTheirBrackets) {
  auto uri = ParseUri("sips:[2001:db8::10]:5061");
  ASSERT_TRUE(uri.ok()) << uri.status();
  EXPECT_EQ(uri->scheme, "sips");
  EXPECT_EQ(uri->host, "[2001:db8::10]");
  EXPECT_EQ(uri->port, 5061);
  auto loopback = ParseUri("sip:bob@[::1]");
  ASSERT_TRUE(loopback.ok());
  EXPECT_EQ(loopback->host, "[::1]");
  EXPECT_FALSE(loopback->port.has_value());
  // RFC 5118 4.2: an IPv6 address without brackets is not a host.
  EXPECT_FALSE(ParseUri("sip:2001:db8::10").ok());
  EXPECT_FALSE(ParseUri("sip:[2001:db8::10").ok());
}

TEST(SipUriTest, EscapesAreKeptAsWritten) {
  // RFC 4475 3.1.1.3, 3.1.1.9.
  auto uri = ParseUri("sip:sips%3Auser%40example.com@example.net");
  ASSERT_TRUE(uri.ok());
  EXPECT_EQ(uri->user, "sips%3Auser%40example.com");
  EXPECT_EQ(uri->host, "example.net");
  auto semi = ParseUri("sip:user;par=u%40example.net@example.com");
  ASSERT_TRUE(semi.ok());
  EXPECT_EQ(semi->user, "user;par=u%40example.net");
  EXPECT_TRUE(semi->params.empty());
  auto contact = ParseUri("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
  ASSERT_TRUE(contact.ok());
  ASSERT_EQ(contact->params.size(), 2u);
  EXPECT_EQ(contact->params[1].second, "v%61lue%25%34%31");
}

TEST(SipUriTest, RejectsBadUris) {
  EXPECT_FALSE(ParseUri("").ok());
  EXPECT_FALSE(ParseUri("http://example.com").ok());
  EXPECT_FALSE(ParseUri("sip:").ok());
  EXPECT_FALSE(ParseUri("sip:@example.com").ok());
  EXPECT_FALSE(ParseUri("sip:a b@example.com").ok());
  EXPECT_FALSE(ParseUri("sip:example.com:99999").ok());
  EXPECT_FALSE(ParseUri("sip:example.com:").ok());
  auto tel = ParseUri("tel:+1-201-555-0123;phone-context=example.com");
  ASSERT_TRUE(tel.ok());
  EXPECT_EQ(tel->user, "+1-201-555-0123");
  EXPECT_EQ(tel->ToString(), "tel:+1-201-555-0123;phone-context=example.com");
}

TEST(NameAddrTest, QuotedDisplayNameWithEscapes) {
  auto na = ParseNameAddr("\"J Rosenberg \\\\\\\"\"       <sip:jdrosen@example.com> ; tag = 98asjd8");
  ASSERT_TRUE(na.ok()) << na.status();
  EXPECT_EQ(na->display_name, "J Rosenberg \\\"");
  EXPECT_EQ(na->uri.user, "jdrosen");
  EXPECT_EQ(na->Param("tag"), "98asjd8");
  EXPECT_EQ(na->ToString(), "\"J Rosenberg \\\\\\\"\" <sip:jdrosen@example.com>;tag=98asjd8");
}

TEST(NameAddrTest, TokenDisplayNameAddrSpecAndParams) {
  auto lwsdisp = ParseNameAddr("caller<sip:caller@example.com>;tag=323");
  ASSERT_TRUE(lwsdisp.ok());
  EXPECT_EQ(lwsdisp->display_name, "caller");
  auto spec = ParseNameAddr("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->uri.host, "chair-dnrc.example.com");
  EXPECT_EQ(spec->Param("tag"), "1918181833n");
  // addr-spec: the parameters belong to the header, not the URI.
  auto contact = ParseNameAddr("sip:a@b;expires=60");
  ASSERT_TRUE(contact.ok());
  EXPECT_TRUE(contact->uri.params.empty());
  EXPECT_EQ(contact->Param("expires"), "60");
  auto quoted_param = ParseNameAddr("<sip:a@b>;p=\"x;y\";q=0.5");
  ASSERT_TRUE(quoted_param.ok());
  EXPECT_EQ(quoted_param->Param("p"), "\"x;y\"");
  EXPECT_EQ(quoted_param->Param("q"), "0.5");
  auto ipv6 = ParseNameAddr("\"Caller\" <sip:caller@[2001:db8::1]>");
  ASSERT_TRUE(ipv6.ok());
  EXPECT_EQ(ipv6->uri.host, "[2001:db8::1]");
}

TEST(NameAddrTest, RejectsRfc4475InvalidForms) {
  EXPECT_FALSE(ParseNameAddr("\"Mr. J. User <sip:j.user@example.com>").ok());        // quotbal
  EXPECT_FALSE(ParseNameAddr("\"Watson, Thomas\" < sip:t.watson@example.org >").ok());  // badaspec
  EXPECT_FALSE(ParseNameAddr("Bell, Alexander <sip:a.g.bell@example.com>;tag=43").ok());  // baddn
  EXPECT_FALSE(ParseNameAddr("sip:user@example.com?Route=%3Csip:sip.example.com%3E").ok());  // regbadct
  EXPECT_FALSE(ParseNameAddr("*").ok());
  EXPECT_FALSE(ParseNameAddr("<sip:a@b").ok());
  EXPECT_FALSE(ParseNameAddr("<sip:a@b>;=x").ok());
}

TEST(ViaTest, ParsesLwsEverywhereAndIpv6) {
  auto via = ParseVia("SIP  /    2.0   / udp  192.168.255.111   ; branch= z9hG4bK30239 ;rport");
  ASSERT_TRUE(via.ok()) << via.status();
  EXPECT_EQ(via->protocol, "SIP/2.0");
  EXPECT_EQ(via->transport, "UDP");
  EXPECT_EQ(via->host, "192.168.255.111");
  EXPECT_EQ(via->branch(), "z9hG4bK30239");
  EXPECT_EQ(via->Param("rport"), "");
  EXPECT_EQ(via->ToString(), "SIP/2.0/UDP 192.168.255.111;branch=z9hG4bK30239;rport");

  auto v6 = ParseVia("SIP/2.0/TCP [::1]:5060;received=[2001:db8::9:255];branch=z9hG4bKx");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "[::1]");
  EXPECT_EQ(v6->port, 5060);
  EXPECT_EQ(v6->Param("received"), "[2001:db8::9:255]");
  auto bare = ParseVia("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->Param("received"), "2001:db8::9:255");
}

TEST(ViaTest, RejectsBadVias) {
  EXPECT_FALSE(ParseVia("").ok());
  EXPECT_FALSE(ParseVia("SIP/2.0 host").ok());
  EXPECT_FALSE(ParseVia("SIP/2.0/UDP").ok());
  EXPECT_FALSE(ParseVia("SIP/2.0/UDP host:70000").ok());
  EXPECT_FALSE(ParseVia("SIP/2.0/UDP 192.0.2.15;;,;,,").ok());  // RFC 4475 3.1.2.1 (badinv01's Via)
}

TEST(CSeqTest, ParsesNumberAndMethod) {
  auto c = ParseCSeq("0009\t INVITE");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->number, 9u);
  EXPECT_EQ(c->method, "INVITE");
  EXPECT_EQ(ParseCSeq("2147483647 ACK")->number, 2147483647u);
  EXPECT_FALSE(ParseCSeq("2147483648 ACK").ok());
  EXPECT_FALSE(ParseCSeq("36893488147419103232 REGISTER").ok());
  EXPECT_FALSE(ParseCSeq("-1 INVITE").ok());
  EXPECT_FALSE(ParseCSeq("1").ok());
  EXPECT_FALSE(ParseCSeq("1INVITE").ok());
  EXPECT_FALSE(ParseCSeq("1 INV ITE").ok());
}

}  // namespace
}  // namespace konfero::sip
