// Tests of sip/dialog.h: UAS and UAC dialog creation from parsed messages,
// the fields of in-dialog requests (Route, Request-URI, tags, CSeq) with
// loose and strict routing, and the RFC 3261 12.2.2 checks of incoming
// requests.
#include "sip/dialog.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/absl_compat.h"
#include "sip/parser.h"

namespace konfero::sip {
namespace {

SipMessage Msg(std::string_view text) {
  std::string wire = absl::StrReplaceAll(Sv(text), {{"\n", "\r\n"}});
  absl::StatusOr<SipMessage> m = Parse(wire);
  if (!m.ok()) {
    ADD_FAILURE() << m.status() << "\n" << text;
    return SipMessage();
  }
  return *std::move(m);
}

constexpr std::string_view kInvite =
    "INVITE sip:conf-42@konfero.example.com SIP/2.0\n"
    "Via: SIP/2.0/UDP p2.example.net;branch=z9hG4bKp2\n"
    "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1\n"
    "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKua\n"
    "Record-Route: <sip:p2.example.net;lr>\n"
    "Record-Route: <sip:p1.example.com;lr;transport=tcp>\n"
    "Max-Forwards: 68\n"
    "From: \"Alice\" <sip:alice@example.com>;tag=a1\n"
    "To: <sip:conf-42@konfero.example.com>\n"
    "Call-ID: c7@192.0.2.10\n"
    "CSeq: 314 INVITE\n"
    "Contact: <sip:alice@192.0.2.10:5060;transport=udp>\n"
    "Content-Length: 0\n\n";

constexpr std::string_view kContact = "<sip:conf-42@198.51.100.1:5060>";

std::string InDialog(std::string_view method, int cseq, std::string_view to_tag = "k9",
                     std::string_view from_tag = "a1") {
  return absl::StrCat(Sv(method), " sip:conf-42@198.51.100.1:5060 SIP/2.0\n"
                      "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKx", cseq, "\n"
                      "From: \"Alice\" <sip:alice@example.com>;tag=", Sv(from_tag), "\n"
                      "To: <sip:conf-42@konfero.example.com>;tag=", Sv(to_tag), "\n"
                      "Call-ID: c7@192.0.2.10\n"
                      "CSeq: ", cseq, " ", Sv(method), "\n"
                      "Contact: <sip:alice@192.0.2.99:5070>\n"
                      "Content-Length: 0\n\n");
}

TEST(DialogTest, UasDialogFromInvite) {
  absl::StatusOr<Dialog> d = Dialog::CreateUas(Msg(kInvite), "k9", kContact);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->role(), Dialog::Role::kUas);
  EXPECT_EQ(d->call_id(), "c7@192.0.2.10");
  EXPECT_EQ(d->local_tag(), "k9");
  EXPECT_EQ(d->remote_tag(), "a1");
  EXPECT_EQ(d->local_uri().uri.ToString(), "sip:conf-42@konfero.example.com");
  EXPECT_EQ(d->remote_uri().display_name, "Alice");
  EXPECT_FALSE(d->remote_uri().Param("tag"));
  EXPECT_EQ(d->remote_target(), "sip:alice@192.0.2.10:5060;transport=udp");
  EXPECT_EQ(d->route_set(), (std::vector<std::string>{"<sip:p2.example.net;lr>",
                                                      "<sip:p1.example.com;lr;transport=tcp>"}));
  EXPECT_EQ(d->remote_cseq(), 314u);
  EXPECT_FALSE(d->local_cseq());
  EXPECT_EQ(d->id(), (DialogId{"c7@192.0.2.10", "k9", "a1"}));
}

TEST(DialogTest, ByeFromUasCarriesRouteSetInRecordRouteOrder) {
  absl::StatusOr<Dialog> d = Dialog::CreateUas(Msg(kInvite), "k9", kContact);
  ASSERT_TRUE(d.ok());
  SipMessage bye = d->MakeRequest("BYE");
  EXPECT_EQ(bye.method(), "BYE");
  EXPECT_EQ(bye.request_uri(), "sip:alice@192.0.2.10:5060;transport=udp");
  EXPECT_EQ(bye.GetAll("Route"), (std::vector<std::string_view>{
                                     "<sip:p2.example.net;lr>", "<sip:p1.example.com;lr;transport=tcp>"}));
  absl::StatusOr<NameAddr> from = ParseNameAddr(*bye.Get("From"));
  absl::StatusOr<NameAddr> to = ParseNameAddr(*bye.Get("To"));
  ASSERT_TRUE(from.ok() && to.ok());
  EXPECT_EQ(from->uri.ToString(), "sip:conf-42@konfero.example.com");
  EXPECT_EQ(from->Param("tag"), "k9");
  EXPECT_EQ(to->uri.ToString(), "sip:alice@example.com");
  EXPECT_EQ(to->Param("tag"), "a1");
  EXPECT_EQ(to->display_name, "Alice");
  EXPECT_EQ(bye.Get("Call-ID"), "c7@192.0.2.10");
  EXPECT_EQ(bye.Get("CSeq"), "1 BYE");
  EXPECT_EQ(bye.Get("Max-Forwards"), "70");
  EXPECT_FALSE(bye.Has("Contact"));
  EXPECT_FALSE(bye.Has("Via"));
  // The wire form parses back once a Via is added.
  bye.AddFirst("Via", "SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKbye");
  EXPECT_TRUE(Parse(Serialize(bye)).ok());
  // CSeq grows; target refreshes carry our Contact.
  SipMessage update = d->MakeRequest("UPDATE");
  EXPECT_EQ(update.Get("CSeq"), "2 UPDATE");
  EXPECT_EQ(update.Get("Contact"), kContact);
  EXPECT_EQ(d->local_cseq(), 2u);
  SipMessage ack = d->MakeAck(2);
  EXPECT_EQ(ack.Get("CSeq"), "2 ACK");
  EXPECT_EQ(d->local_cseq(), 2u);
}

TEST(DialogTest, StrictFirstRouteBecomesRequestUri) {
  std::string invite = absl::StrReplaceAll(Sv(kInvite), {{"<sip:p2.example.net;lr>", "<sip:p2.example.net>"}});
  absl::StatusOr<Dialog> d = Dialog::CreateUas(Msg(invite), "k9");
  ASSERT_TRUE(d.ok());
  SipMessage bye = d->MakeRequest("BYE");
  EXPECT_EQ(bye.request_uri(), "sip:p2.example.net");
  EXPECT_EQ(bye.GetAll("Route"),
            (std::vector<std::string_view>{"<sip:p1.example.com;lr;transport=tcp>",
                                           "<sip:alice@192.0.2.10:5060;transport=udp>"}));
}

TEST(DialogTest, NoRouteSetSendsToRemoteTarget) {
  std::string invite = absl::StrReplaceAll(
      Sv(kInvite), {{"Record-Route: <sip:p2.example.net;lr>\n", ""},
                {"Record-Route: <sip:p1.example.com;lr;transport=tcp>\n", ""}});
  absl::StatusOr<Dialog> d = Dialog::CreateUas(Msg(invite), "k9");
  ASSERT_TRUE(d.ok());
  SipMessage bye = d->MakeRequest("BYE");
  EXPECT_EQ(bye.request_uri(), "sip:alice@192.0.2.10:5060;transport=udp");
  EXPECT_FALSE(bye.Has("Route"));
}

TEST(DialogTest, CreateUasRejectsBadInput) {
  EXPECT_FALSE(Dialog::CreateUas(Msg(kInvite), "").ok());
  std::string no_contact =
      absl::StrReplaceAll(Sv(kInvite), {{"Contact: <sip:alice@192.0.2.10:5060;transport=udp>\n", ""}});
  EXPECT_EQ(Dialog::CreateUas(Msg(no_contact), "k9").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DialogTest, InDialogCSeqChecks) {
  absl::StatusOr<Dialog> d = Dialog::CreateUas(Msg(kInvite), "k9", kContact);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->ValidateInDialogRequest(Msg(InDialog("INFO", 313))).status, 500);  // lower
  EXPECT_EQ(d->ValidateInDialogRequest(Msg(InDialog("INFO", 314))).status, 500);  // equal
  EXPECT_EQ(d->remote_cseq(), 314u);
  Dialog::Check ok = d->ValidateInDialogRequest(Msg(InDialog("INFO", 320)));
  EXPECT_TRUE(ok.ok()) << ok.status << " " << ok.reason;
  EXPECT_EQ(d->remote_cseq(), 320u);
  EXPECT_EQ(d->ValidateInDialogRequest(Msg(InDialog("BYE", 319))).status, 500);
  // Wrong tags or Call-ID: not this dialog.
  Dialog::Check wrong = d->ValidateInDialogRequest(Msg(InDialog("BYE", 400, "zz")));
  EXPECT_EQ(wrong.status, 481);
  EXPECT_EQ(wrong.reason, "Call/Transaction Does Not Exist");
  EXPECT_EQ(d->ValidateInDialogRequest(Msg(InDialog("BYE", 400, "k9", "other"))).status, 481);
  // ACK carries the INVITE's CSeq: matched, not counted.
  EXPECT_TRUE(d->ValidateInDialogRequest(Msg(InDialog("ACK", 314))).ok());
  EXPECT_EQ(d->remote_cseq(), 320u);
  EXPECT_TRUE(d->ValidateInDialogRequest(Msg(InDialog("BYE", 321))).ok());
}

TEST(DialogTest, IncomingRequestIdMatchesAndTargetRefreshUpdatesTarget) {
  absl::StatusOr<Dialog> d = Dialog::CreateUas(Msg(kInvite), "k9", kContact);
  ASSERT_TRUE(d.ok());
  SipMessage reinvite = Msg(InDialog("INVITE", 315));
  EXPECT_EQ(DialogIdOfIncomingRequest(reinvite), d->id());
  EXPECT_TRUE(d->Matches(reinvite));
  EXPECT_FALSE(d->Matches(Msg(kInvite)));  // no To tag: not in the dialog
  ASSERT_TRUE(d->ValidateInDialogRequest(reinvite).ok());
  ASSERT_TRUE(d->UpdateRemoteTarget(reinvite).ok());
  EXPECT_EQ(d->remote_target(), "sip:alice@192.0.2.99:5070");
  EXPECT_EQ(d->MakeRequest("BYE").request_uri(), "sip:alice@192.0.2.99:5070");
}

TEST(DialogTest, UacDialogReversesRecordRoute) {
  SipMessage invite = Msg("INVITE sip:bob@example.org SIP/2.0\n"
                          "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKout\n"
                          "From: <sip:conf-42@konfero.example.com>;tag=k1\n"
                          "To: <sip:bob@example.org>\n"
                          "Call-ID: out-1@198.51.100.1\n"
                          "CSeq: 10 INVITE\n"
                          "Contact: <sip:conf-42@198.51.100.1>\n"
                          "Content-Length: 0\n\n");
  SipMessage ok = Msg("SIP/2.0 200 OK\n"
                      "Via: SIP/2.0/UDP 198.51.100.1:5060;branch=z9hG4bKout\n"
                      "Record-Route: <sip:p2.example.org;lr>, <sip:p1.example.com;lr>\n"
                      "From: <sip:conf-42@konfero.example.com>;tag=k1\n"
                      "To: <sip:bob@example.org>;tag=b7\n"
                      "Call-ID: out-1@198.51.100.1\n"
                      "CSeq: 10 INVITE\n"
                      "Contact: <sip:bob@203.0.113.5>\n"
                      "Content-Length: 0\n\n");
  absl::StatusOr<Dialog> d = Dialog::CreateUac(invite, ok);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->route_set(),
            (std::vector<std::string>{"<sip:p1.example.com;lr>", "<sip:p2.example.org;lr>"}));
  EXPECT_EQ(d->local_cseq(), 10u);
  EXPECT_FALSE(d->remote_cseq());
  EXPECT_EQ(DialogIdOfIncomingResponse(ok), d->id());
  SipMessage ack = d->MakeAck(10);
  EXPECT_EQ(ack.request_uri(), "sip:bob@203.0.113.5");
  EXPECT_EQ(ack.Get("CSeq"), "10 ACK");
  EXPECT_EQ(d->MakeRequest("BYE").Get("CSeq"), "11 BYE");
}

}  // namespace
}  // namespace konfero::sip
