// Tests of sip/message.h: header access by any case and compact form, list
// splitting, mutation, Serialize and MakeResponse.
#include "sip/message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sip/parser.h"

namespace konfero::sip {
namespace {

using ::testing::ElementsAre;

TEST(SipMessageTest, CanonicalNamesExpandCompactFormsAndFixCase) {
  EXPECT_EQ(CanonicalHeaderName("v"), "Via");
  EXPECT_EQ(CanonicalHeaderName("I"), "Call-ID");
  EXPECT_EQ(CanonicalHeaderName("l"), "Content-Length");
  EXPECT_EQ(CanonicalHeaderName("k"), "Supported");
  EXPECT_EQ(CanonicalHeaderName("call-id"), "Call-ID");
  EXPECT_EQ(CanonicalHeaderName("CSEQ"), "CSeq");
  EXPECT_EQ(CanonicalHeaderName("www-authenticate"), "WWW-Authenticate");
  EXPECT_EQ(CanonicalHeaderName("X-Custom"), "X-Custom");
  EXPECT_EQ(CanonicalHeaderName("q"), "q");
}

TEST(SipMessageTest, GetFindsAnyCaseAndCompactForm) {
  SipMessage m = SipMessage::Request("INVITE", "sip:bob@example.com");
  m.Add("v", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
  m.Add("call-id", "abc@host");
  EXPECT_EQ(m.headers()[0].name, "Via");
  EXPECT_EQ(m.headers()[1].name, "Call-ID");
  EXPECT_EQ(m.Get("VIA"), "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
  EXPECT_EQ(m.Get("i"), "abc@host");
  EXPECT_FALSE(m.Get("To").has_value());
  EXPECT_TRUE(m.is_request());
  EXPECT_EQ(m.status(), 0);
}

TEST(SipMessageTest, GetAllSplitsListsAtTopLevelCommasOnly) {
  SipMessage m = SipMessage::Request("INVITE", "sip:bob@example.com");
  m.Add("Via", "SIP/2.0/UDP a;branch=1, SIP/2.0/TCP b;branch=2");
  m.Add("Contact", "\"Doe, John\" <sip:j@x;a=1,2>;q=0.5 , <sip:k@y>");
  m.Add("v", "SIP/2.0/UDP c;branch=3");
  m.Add("Authorization", "Digest username=\"a\", realm=\"b\"");
  m.Add("X-List", "a,,b");
  EXPECT_THAT(m.GetAll("via"), ElementsAre("SIP/2.0/UDP a;branch=1", "SIP/2.0/TCP b;branch=2",
                                           "SIP/2.0/UDP c;branch=3"));
  EXPECT_THAT(m.GetAll("m"), ElementsAre("\"Doe, John\" <sip:j@x;a=1,2>;q=0.5", "<sip:k@y>"));
  EXPECT_THAT(m.GetAll("Authorization"), ElementsAre("Digest username=\"a\", realm=\"b\""));
  EXPECT_THAT(m.GetAll("X-List"), ElementsAre("a", "b"));
  EXPECT_TRUE(m.GetAll("Route").empty());
}

TEST(SipMessageTest, AddFirstSetRemove) {
  SipMessage m = SipMessage::Response(200, "OK");
  m.Add("From", "<sip:a@b>;tag=1");
  m.Add("Via", "SIP/2.0/UDP b");
  m.Add("Via", "SIP/2.0/UDP c");
  m.AddFirst("v", "SIP/2.0/UDP a");
  EXPECT_THAT(m.GetAll("Via"), ElementsAre("SIP/2.0/UDP a", "SIP/2.0/UDP b", "SIP/2.0/UDP c"));
  EXPECT_EQ(m.headers()[1].value, "SIP/2.0/UDP a");  // after From, before the other Vias
  m.RemoveFirst("Via");
  EXPECT_THAT(m.GetAll("Via"), ElementsAre("SIP/2.0/UDP b", "SIP/2.0/UDP c"));
  m.Set("via", "SIP/2.0/TCP d");
  EXPECT_THAT(m.GetAll("Via"), ElementsAre("SIP/2.0/TCP d"));
  EXPECT_EQ(m.headers().size(), 2u);
  m.Set("Expires", "60");
  EXPECT_EQ(m.headers().back().name, "Expires");
  m.Remove("VIA");
  EXPECT_FALSE(m.Has("Via"));
  EXPECT_EQ(m.headers().size(), 2u);
  m.AddFirst("Route", "<sip:p;lr>");  // none yet: at the end
  EXPECT_EQ(m.headers().back().name, "Route");
}

TEST(SipMessageTest, SerializeWritesStartLineHeadersAndContentLength) {
  SipMessage m = SipMessage::Request("MESSAGE", "sip:bob@example.com");
  m.Add("Via", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
  m.Add("Content-Length", "999");  // replaced
  m.Add("Content-Type", "text/plain");
  m.body = "hello";
  EXPECT_EQ(Serialize(m),
            "MESSAGE sip:bob@example.com SIP/2.0\r\n"
            "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 5\r\n\r\nhello");
  EXPECT_EQ(Serialize(SipMessage::Response(486, "Busy Here")),
            "SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n");
}

TEST(SipMessageTest, MakeResponseCopiesTransactionHeadersAndAddsToTag) {
  auto request = Parse(
      "INVITE sip:conf@k.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/UDP p.example.com;branch=z9hG4bKp\r\n"
      "Via: SIP/2.0/UDP a.example.com;branch=z9hG4bKa\r\n"
      "From: <sip:a@example.com>;tag=f1\r\n"
      "To: <sip:conf@k.example.com>\r\n"
      "Call-ID: c1\r\n"
      "CSeq: 4 INVITE\r\n"
      "Timestamp: 54\r\n"
      "Contact: <sip:a@192.0.2.1>\r\n"
      "Content-Length: 0\r\n\r\n");
  ASSERT_TRUE(request.ok()) << request.status();
  SipMessage trying = MakeResponse(*request, 100, "Trying");
  EXPECT_EQ(trying.status(), 100);
  EXPECT_THAT(trying.GetAll("Via"), ElementsAre("SIP/2.0/UDP p.example.com;branch=z9hG4bKp",
                                                "SIP/2.0/UDP a.example.com;branch=z9hG4bKa"));
  EXPECT_EQ(trying.Get("To"), "<sip:conf@k.example.com>");
  EXPECT_EQ(trying.Get("Timestamp"), "54");
  EXPECT_FALSE(trying.Has("Contact"));

  SipMessage ok = MakeResponse(*request, 200, "OK", "t9");
  EXPECT_EQ(ok.Get("To"), "<sip:conf@k.example.com>;tag=t9");
  EXPECT_EQ(ok.Get("From"), "<sip:a@example.com>;tag=f1");
  EXPECT_EQ(ok.Get("Call-ID"), "c1");
  EXPECT_EQ(ok.Get("CSeq"), "4 INVITE");
  EXPECT_FALSE(ok.Has("Timestamp"));
  // A To that already has a tag keeps it.
  SipMessage again = MakeResponse(MakeResponse(*request, 180, "Ringing", "t9"), 200, "OK", "other");
  EXPECT_EQ(again.Get("To"), "<sip:conf@k.example.com>;tag=t9");
  // And the result parses back.
  auto reparsed = Parse(Serialize(ok));
  ASSERT_TRUE(reparsed.ok()) << reparsed.status();
  EXPECT_EQ(reparsed->reason(), "OK");
}

}  // namespace
}  // namespace konfero::sip
