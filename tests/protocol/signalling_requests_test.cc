// Parsing and validating the client's frames: every type, and malformed
// JSON, wrong types, missing fields and out-of-range values as errors.
#include "protocol/signalling_requests.h"

#include <string>

#include "gtest/gtest.h"

namespace konfero::protocol {
namespace {

template <typename T>
T Parsed(std::string_view text) {
  ClientFrame frame = ParseClientFrame(text);
  const T* request = std::get_if<T>(&frame);
  EXPECT_NE(request, nullptr) << text;
  return request != nullptr ? *request : T{};
}

// The error of a bad frame; a bad `join` must be a RejectedJoin.
ProtocolError Error(std::string_view text) {
  ClientFrame frame = ParseClientFrame(text);
  if (const auto* rejected = std::get_if<RejectedJoin>(&frame)) {
    EXPECT_NE(text.find(R"("type":"join")"), std::string_view::npos) << text;
    return rejected->error;
  }
  const ProtocolError* error = std::get_if<ProtocolError>(&frame);
  EXPECT_NE(error, nullptr) << text;
  EXPECT_EQ(text.find(R"("type":"join")"), std::string_view::npos) << text;
  return error != nullptr ? *error : ProtocolError{};
}

TEST(RequestsTest, ParsesEveryClientFrame) {
  EXPECT_EQ(Parsed<HelloRequest>(R"({"type":"hello","version":1})").version, 1);

  const auto mod = Parsed<JoinModeratorRequest>(
      R"({"type":"join","as":"moderator","session":"tok","room":12})");
  EXPECT_EQ(mod.session, "tok");
  EXPECT_EQ(mod.room, RoomId{12});

  const auto guest = Parsed<JoinGuestRequest>(
      R"({"type":"join","as":"guest","url_token":"u","name":"Erika","guest_key":"k"})");
  EXPECT_EQ(guest.url_token, "u");
  EXPECT_EQ(guest.name, "Erika");
  EXPECT_EQ(guest.guest_key, "k");

  EXPECT_EQ(Parsed<ResumeRequest>(R"({"type":"resume","resume_token":"r"})").resume_token, "r");
  EXPECT_EQ(Parsed<OfferRequest>(R"({"type":"offer","sdp":"v=0\r\n"})").sdp, "v=0\r\n");
  EXPECT_EQ(Parsed<ChatRequest>(R"({"type":"chat","text":"Hallo"})").text, "Hallo");
  EXPECT_EQ(Parsed<KickRequest>(R"({"type":"kick","participant":41})").participant,
            ParticipantId{41});
  const auto mute = Parsed<MuteRequest>(R"({"type":"mute","participant":41,"muted":true})");
  EXPECT_EQ(mute.participant, ParticipantId{41});
  EXPECT_TRUE(mute.muted);
  EXPECT_FALSE(Parsed<SetPublicRequest>(R"({"type":"set-public","public":false})").is_public);
  EXPECT_TRUE(Parsed<SetPublicRequest>(R"({"type":"set-public","public":true})").is_public);
  Parsed<LeaveRequest>(R"({"type":"leave"})");
  Parsed<PingRequest>(R"({"type":"ping"})");
  EXPECT_EQ(Parsed<WatchRoomsRequest>(R"({"type":"watch-rooms","session":"s"})").session, "s");
}

TEST(RequestsTest, UnknownFieldsAreIgnored) {
  EXPECT_EQ(Parsed<ChatRequest>(R"({"type":"chat","text":"x","extra":[1,{"a":null}]})").text,
            "x");
  EXPECT_EQ(Parsed<OfferRequest>(R"({"type":"offer","sdp":"v=0","iceRestart":true})").sdp,
            "v=0");
}

TEST(RequestsTest, MalformedJsonIsInvalidArgument) {
  for (std::string_view text :
       {"", "{", "not json", R"({"type":"hello",})", "{\"type\":\"chat\",\"text\":\"\xff\"}",
        "[1,2", "{\"type\":\"hello\"} trailing"}) {
    EXPECT_EQ(Error(text).code, codes::kInvalidArgument) << text;
  }
}

TEST(RequestsTest, FramesMustBeObjectsWithAStringType) {
  for (std::string_view text : {"[]", "42", R"("hello")", "null", "{}", R"({"type":1})",
                                R"({"type":null})", R"({"type":["hello"]})"}) {
    EXPECT_EQ(Error(text).code, codes::kInvalidArgument) << text;
  }
}

TEST(RequestsTest, UnknownTypeHasItsOwnCode) {
  EXPECT_EQ(Error(R"({"type":"dance"})").code, codes::kUnknownType);
  EXPECT_EQ(Error(R"({"type":"HELLO","version":1})").code, codes::kUnknownType);
}

TEST(RequestsTest, WrongFieldTypesNameTheField) {
  const ProtocolError e = Error(R"({"type":"kick","participant":"41"})");
  EXPECT_EQ(e.code, codes::kInvalidArgument);
  EXPECT_NE(e.message.find("participant"), std::string::npos) << e.message;

  for (std::string_view text : {
           R"({"type":"hello","version":"1"})",
           R"({"type":"hello","version":1.5})",
           R"({"type":"hello"})",
           R"({"type":"join","as":"moderator","session":7,"room":1})",
           R"({"type":"join","as":"moderator","session":"s","room":"1"})",
           R"({"type":"join","as":"moderator","session":"s"})",
           R"({"type":"join","as":"admin","session":"s","room":1})",
           R"({"type":"join","as":"guest","url_token":"u","name":"N"})",
           R"({"type":"join","as":"guest","url_token":"u","name":5,"guest_key":"k"})",
           R"({"type":"join","url_token":"u","name":"N","guest_key":"k"})",
           R"({"type":"resume","resume_token":null})",
           R"({"type":"offer","sdp":""})",
           R"({"type":"offer"})",
           R"({"type":"chat","text":["Hallo"]})",
           R"({"type":"mute","participant":41,"muted":"yes"})",
           R"({"type":"mute","participant":41})",
           R"({"type":"set-public","public":1})",
           R"({"type":"watch-rooms"})",
       }) {
    EXPECT_EQ(Error(text).code, codes::kInvalidArgument) << text;
  }
}

TEST(RequestsTest, IdsArePositiveIntegersThatFit) {
  for (std::string_view text : {
           R"({"type":"kick","participant":0})",
           R"({"type":"kick","participant":-3})",
           R"({"type":"kick","participant":4.0})",
           R"({"type":"kick","participant":18446744073709551615})",
           R"({"type":"kick","participant":1e30})",
           R"({"type":"join","as":"moderator","session":"s","room":0})",
       }) {
    EXPECT_EQ(Error(text).code, codes::kInvalidArgument) << text;
  }
  EXPECT_EQ(Parsed<KickRequest>(R"({"type":"kick","participant":9223372036854775807})")
                .participant,
            ParticipantId{9223372036854775807ull});
}

TEST(RequestsTest, NamesAreTrimmedAndOneToSixtyFourCharacters) {
  auto join = [](const std::string& name) {
    return R"({"type":"join","as":"guest","url_token":"u","guest_key":"k","name":")" + name +
           R"("})";
  };
  EXPECT_EQ(Parsed<JoinGuestRequest>(join("  Erika \\t")).name, "Erika");
  EXPECT_EQ(Error(join("")).code, codes::kInvalidArgument);
  EXPECT_EQ(Error(join("   ")).code, codes::kInvalidArgument);
  EXPECT_EQ(Parsed<JoinGuestRequest>(join(std::string(64, 'a'))).name, std::string(64, 'a'));
  EXPECT_EQ(Error(join(std::string(65, 'a'))).code, codes::kInvalidArgument);
  // Characters, not bytes: 64 two-byte letters pass this check.
  std::string umlauts;
  for (int i = 0; i < 64; ++i) umlauts += "\xc3\xa4";
  EXPECT_EQ(Parsed<JoinGuestRequest>(join(umlauts)).name, umlauts);
  EXPECT_EQ(Error(join(umlauts + "\xc3\xa4")).code, codes::kInvalidArgument);
}

TEST(RequestsTest, TokensHaveABoundedLength) {
  const std::string long_token(kMaxTokenBytes + 1, 'x');
  EXPECT_EQ(Error(R"({"type":"resume","resume_token":")" + long_token + R"("})").code,
            codes::kInvalidArgument);
  EXPECT_EQ(Error(R"({"type":"watch-rooms","session":")" + long_token + R"("})").code,
            codes::kInvalidArgument);
  EXPECT_EQ(Error(R"({"type":"resume","resume_token":""})").code, codes::kInvalidArgument);
}

TEST(RequestsTest, ErrorMessagesDoNotEchoValues) {
  const std::string secret = "s3cret-token-value";
  const ProtocolError e = Error(R"({"type":"join","as":"moderator","session":")" + secret +
                                R"(","room":"twelve"})");
  EXPECT_EQ(e.message.find(secret), std::string::npos) << e.message;
  EXPECT_EQ(e.message.find("twelve"), std::string::npos) << e.message;
}

TEST(RequestsTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  EXPECT_EQ(Error(deep).code, codes::kInvalidArgument);
  deep += std::string(100000, ']');
  EXPECT_EQ(Error(deep).code, codes::kInvalidArgument);  // an array, not an object
}

}  // namespace
}  // namespace konfero::protocol
