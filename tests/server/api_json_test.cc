// The JSON shapes of docs/api.md, and request bodies read without throwing.
#include "server/api_json.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::server {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

TEST(ApiJsonTest, RoomUserAndAccessShapes) {
  RoomInfo room;
  room.id = RoomId{12};
  room.name = "Vertrieb";
  room.is_public = true;
  room.state = ConferenceState::kOnHold;
  room.guests_waiting = true;
  room.participant_count = 2;
  EXPECT_EQ(RoomJson(room), json({{"id", 12}, {"name", "Vertrieb"}, {"public", true},
                                  {"state", "on_hold"}, {"guests_waiting", true},
                                  {"participants", 2}}));
  EXPECT_EQ(UserJson({UserId{3}, "anna", "Anna", false}),
            json({{"id", 3}, {"login", "anna"}, {"display_name", "Anna"}, {"admin", false}}));

  PublicAccess hidden;
  hidden.pin = "123456";  // must not show for a private room
  EXPECT_EQ(AccessJson(hidden), json({{"public", false}}));
  PublicAccess access{true, "+49 30 1", "483920", "tok", "https://h/r/tok", "en", "de"};
  EXPECT_EQ(AccessJson(access), json({{"public", true}, {"dial_in_number", "+49 30 1"},
                                      {"pin", "483920"}, {"url", "https://h/r/tok"},
                                      {"invitation_en", "en"}, {"invitation_de", "de"}}));
}

TEST(ApiJsonTest, GuestRoomShapeCarriesThePhoneAlternative) {
  GuestRoomInfo info{"Vertrieb", ConferenceState::kWaiting, false, "+49 30 1234567", "483920"};
  EXPECT_EQ(GuestRoomJson(info), json({{"room", "Vertrieb"}, {"state", "waiting"},
                                       {"moderator_present", false},
                                       {"dial_in_number", "+49 30 1234567"},
                                       {"pin", "483920"}}));
  GuestRoomInfo no_phone{"Vertrieb", ConferenceState::kRunning, true, "", ""};
  EXPECT_EQ(GuestRoomJson(no_phone)["dial_in_number"], "");
  EXPECT_EQ(GuestRoomJson(no_phone)["pin"], "");
}

TEST(ApiJsonTest, ParticipantShape) {
  ParticipantInfo p;
  p.id = ParticipantId{41};
  p.display_name = "Erika";
  p.role = ParticipantRole::kBrowserGuest;
  p.waiting = true;
  p.joined_at = absl::FromUnixMillis(1'764'000'000'123);
  EXPECT_EQ(ParticipantJson(p), json({{"id", 41}, {"name", "Erika"}, {"role", "browser_guest"},
                                      {"muted", false}, {"waiting", true},
                                      {"joined_at", 1'764'000'000'123}}));
}

TEST(JsonBodyTest, ReadsTypedFields) {
  absl::StatusOr<JsonBody> body = JsonBody::Parse(R"({"name":"x","public":true})");
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(*body->String("name"), "x");
  EXPECT_EQ(*body->Bool("public", std::nullopt), true);
  EXPECT_EQ(*body->Bool("admin", false), false);
}

TEST(JsonBodyTest, EmptyBodyIsAnEmptyObject) {
  absl::StatusOr<JsonBody> body = JsonBody::Parse(" \r\n");
  ASSERT_TRUE(body.ok());
  EXPECT_THAT(std::string(body->String("name").status().message()),
              HasSubstr("missing field \"name\""));
}

TEST(JsonBodyTest, WrongShapesAreInvalidArguments) {
  EXPECT_TRUE(absl::IsInvalidArgument(JsonBody::Parse("{").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(JsonBody::Parse("\"text\"").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(JsonBody::Parse("null").status()));
  EXPECT_TRUE(absl::IsInvalidArgument(JsonBody::Parse("{} {}").status()));
  absl::StatusOr<JsonBody> body = JsonBody::Parse(R"({"name":1,"public":"yes"})");
  ASSERT_TRUE(body.ok());
  EXPECT_THAT(std::string(body->String("name").status().message()),
              HasSubstr("\"name\" must be a string"));
  EXPECT_THAT(std::string(body->Bool("public", false).status().message()),
              HasSubstr("\"public\" must be true or false"));
}

TEST(JsonBodyTest, DeepNestingDoesNotCrash) {
  std::string deep(100000, '[');
  EXPECT_FALSE(JsonBody::Parse(deep).ok());
}

}  // namespace
}  // namespace konfero::server
