// Tests of dial_in::InfoDigit: DTMF in SIP INFO bodies
// (application/dtmf-relay and application/dtmf).
#include "dial_in/info_dtmf.h"

#include <optional>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace konfero::dial_in {
namespace {

sip::SipMessage Info(std::string_view content_type, std::string body) {
  sip::SipMessage info = sip::SipMessage::Request("INFO", "sip:konfero@127.0.0.1:5060");
  if (!content_type.empty()) info.Add("Content-Type", content_type);
  info.body = std::move(body);
  return info;
}

std::optional<char> Relay(std::string body) {
  return InfoDigit(Info("application/dtmf-relay", std::move(body)));
}

TEST(InfoDigitTest, DtmfRelaySignal) {
  EXPECT_EQ(Relay("Signal=5\r\nDuration=160\r\n"), '5');
  EXPECT_EQ(Relay("Signal=0\r\nDuration=160\r\n"), '0');
  EXPECT_EQ(Relay("Signal=9\r\n"), '9');
  EXPECT_EQ(Relay("Signal=*\r\nDuration=250\r\n"), '*');
  EXPECT_EQ(Relay("Signal=#\r\nDuration=250\r\n"), '#');
  EXPECT_EQ(Relay("Signal=7"), '7') << "no line end";
  EXPECT_EQ(Relay("Signal=3\nDuration=100\n"), '3') << "bare LF";
}

TEST(InfoDigitTest, DtmfRelayIsLenient) {
  EXPECT_EQ(Relay("signal=4\r\n"), '4');
  EXPECT_EQ(Relay("SIGNAL = 6 \r\nDuration= 160\r\n"), '6');
  EXPECT_EQ(Relay("Signal=a\r\n"), 'A') << "letters in upper case";
  EXPECT_EQ(Relay("Signal=D\r\n"), 'D');
  // Lines before the signal, blank lines, Duration first.
  EXPECT_EQ(Relay("Duration=160\r\nSignal=8\r\n"), '8');
  EXPECT_EQ(Relay("\r\n\r\nfoo bar\r\nSignal=2\r\n"), '2');
  // Content-Type: case and parameters.
  EXPECT_EQ(InfoDigit(Info("Application/DTMF-Relay", "Signal=1\r\n")), '1');
  EXPECT_EQ(InfoDigit(Info("application/dtmf-relay;charset=utf-8", "Signal=1\r\n")), '1');
  EXPECT_EQ(InfoDigit(Info("application/dtmf-relay ; x=y", "Signal=1\r\n")), '1');
}

TEST(InfoDigitTest, EventNumbersForStarAndHash) {
  EXPECT_EQ(Relay("Signal=10\r\nDuration=160\r\n"), '*');
  EXPECT_EQ(Relay("Signal=11\r\nDuration=160\r\n"), '#');
  EXPECT_EQ(InfoDigit(Info("application/dtmf", "10")), '*');
  EXPECT_EQ(InfoDigit(Info("application/dtmf", "11")), '#');
}

TEST(InfoDigitTest, ApplicationDtmf) {
  EXPECT_EQ(InfoDigit(Info("application/dtmf", "5")), '5');
  EXPECT_EQ(InfoDigit(Info("application/dtmf", " 9\r\n")), '9');
  EXPECT_EQ(InfoDigit(Info("application/dtmf", "#")), '#');
  EXPECT_EQ(InfoDigit(Info("application/dtmf", "b")), 'B');
}

TEST(InfoDigitTest, BadBodiesGiveNoDigit) {
  EXPECT_EQ(Relay(""), std::nullopt);
  EXPECT_EQ(Relay("Duration=160\r\n"), std::nullopt) << "no Signal";
  EXPECT_EQ(Relay("Signal=\r\n"), std::nullopt);
  EXPECT_EQ(Relay("Signal=55\r\n"), std::nullopt);
  EXPECT_EQ(Relay("Signal=12\r\n"), std::nullopt) << "event 12 is A, not sent as a number";
  EXPECT_EQ(Relay("Signal=E\r\n"), std::nullopt);
  EXPECT_EQ(Relay("Signal=x\r\n"), std::nullopt);
  EXPECT_EQ(Relay("Signal 5\r\n"), std::nullopt) << "no '='";
  EXPECT_EQ(Relay("Signal=5" + std::string(1100, ' ')), std::nullopt) << "an oversized body";
  EXPECT_EQ(InfoDigit(Info("application/dtmf", "")), std::nullopt);
  EXPECT_EQ(InfoDigit(Info("application/dtmf", "12")), std::nullopt);
  EXPECT_EQ(InfoDigit(Info("application/dtmf", "Signal=5")), std::nullopt);
}

TEST(InfoDigitTest, OtherBodyTypesGiveNoDigit) {
  EXPECT_EQ(InfoDigit(Info("", "Signal=5\r\n")), std::nullopt) << "no Content-Type";
  EXPECT_EQ(InfoDigit(Info("text/plain", "Signal=5\r\n")), std::nullopt);
  EXPECT_EQ(InfoDigit(Info("application/sdp", "5")), std::nullopt);
  EXPECT_EQ(InfoDigit(Info("application/dtmf-relayx", "Signal=5\r\n")), std::nullopt);
  EXPECT_EQ(InfoDigit(Info("application/media_control+xml", "<x/>")), std::nullopt);
}

}  // namespace
}  // namespace konfero::dial_in
