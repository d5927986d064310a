// The "control" data channel's wire format (docs/sfu.md).
#include "protocol/control_channel.h"

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace konfero::protocol {
namespace {

TEST(ControlChannelTest, VideoSlotsNameTheParticipantAndSourceOrNull) {
  const std::string text = VideoSlotsMessage(
      {{"1", ParticipantId{7}, VideoSource::kScreen}, {"2", std::nullopt, {}}});
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["type"], "video-slots");
  ASSERT_EQ(j["slots"].size(), 2u);
  EXPECT_EQ(j["slots"][0]["mid"], "1");
  EXPECT_EQ(j["slots"][0]["participant"], 7);
  EXPECT_EQ(j["slots"][0]["source"], "screen");
  EXPECT_TRUE(j["slots"][1]["participant"].is_null());
  EXPECT_FALSE(j["slots"][1].contains("source"));
}

TEST(ControlChannelTest, ActiveSpeaker) {
  EXPECT_EQ(nlohmann::json::parse(ActiveSpeakerMessage(ParticipantId{3})),
            (nlohmann::json{{"type", "active-speaker"}, {"participant", 3}}));
}

TEST(ControlChannelTest, ParsesSubscribeAndPublish) {
  ControlRequest r = ParseControlRequest(
      R"({"type":"subscribe","mid":"4","paused":true,"max_width":320,"max_height":180})");
  const auto* subscribe = std::get_if<SubscribeRequest>(&r);
  ASSERT_NE(subscribe, nullptr);
  EXPECT_EQ(subscribe->mid, "4");
  EXPECT_TRUE(subscribe->subscription.paused);
  EXPECT_EQ(subscribe->subscription.max_width, 320);
  EXPECT_EQ(subscribe->subscription.max_height, 180);

  r = ParseControlRequest(R"({"type":"publish","source":"screen","paused":true})");
  const auto* publish = std::get_if<PublishRequest>(&r);
  ASSERT_NE(publish, nullptr);
  EXPECT_EQ(publish->source, VideoSource::kScreen);
  EXPECT_TRUE(publish->paused);
}

TEST(ControlChannelTest, AnythingElseIsIgnored) {
  for (const char* text : {"", "null", "[]", "{", R"({"type":7})", R"({"type":"chat","text":"x"})",
                           R"({"type":"subscribe"})", R"({"type":"subscribe","mid":4})",
                           R"({"type":"publish","source":"microphone"})", "\xff\xfe"}) {
    EXPECT_TRUE(std::holds_alternative<ControlIgnored>(ParseControlRequest(text))) << text;
  }
}

TEST(ControlChannelTest, WrongFieldTypesFallBackToDefaults) {
  const ControlRequest r = ParseControlRequest(
      R"({"type":"subscribe","mid":"1","paused":"yes","max_width":1.5,"max_height":null})");
  const auto* subscribe = std::get_if<SubscribeRequest>(&r);
  ASSERT_NE(subscribe, nullptr);
  EXPECT_FALSE(subscribe->subscription.paused);
  EXPECT_EQ(subscribe->subscription.max_width, 0);
  EXPECT_EQ(subscribe->subscription.max_height, 0);
}

}  // namespace
}  // namespace konfero::protocol
