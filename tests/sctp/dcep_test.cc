// Tests of sctp/dcep.h: RFC 8832 messages round-trip byte for byte, options
// map to channel types, and malformed input is rejected.
#include "sctp/dcep.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace konfero::sctp {
namespace {

// DATA_CHANNEL_OPEN, partial reliable rexmit unordered, priority 256,
// 3 retransmissions, label "chat", protocol "json".
const std::vector<uint8_t> kOpenBytes = {
    0x03, 0x81, 0x01, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x04, 0x00, 0x04,
    'c',  'h',  'a',  't',  'j',  's',  'o',  'n'};

TEST(DcepTest, ParsesOpenFields) {
  const std::optional<DcepOpen> open = DcepOpen::Parse(kOpenBytes);
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->channel_type, DcepChannelType::kPartialReliableRexmitUnordered);
  EXPECT_EQ(open->priority, 256);
  EXPECT_EQ(open->reliability_parameter, 3u);
  EXPECT_EQ(open->label, "chat");
  EXPECT_EQ(open->protocol, "json");
  const DataChannelOptions options = open->ToOptions();
  EXPECT_FALSE(options.ordered);
  EXPECT_EQ(options.max_retransmits, 3);
  EXPECT_FALSE(options.max_packet_lifetime_ms.has_value());
}

TEST(DcepTest, OpenRoundTripsByteForByte) {
  const std::optional<DcepOpen> open = DcepOpen::Parse(kOpenBytes);
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->Serialize(), kOpenBytes);
  EXPECT_EQ(PeekDcepType(kOpenBytes), DcepMessageType::kOpen);
}

TEST(DcepTest, EveryChannelTypeRoundTripsThroughOptions) {
  struct Case {
    DataChannelOptions options;
    DcepChannelType type;
    uint32_t parameter;
  };
  const Case cases[] = {
      {DataChannelOptions::Reliable(), DcepChannelType::kReliable, 0},
      {DataChannelOptions::Reliable(false), DcepChannelType::kReliableUnordered, 0},
      {DataChannelOptions::MaxRetransmits(0), DcepChannelType::kPartialReliableRexmit, 0},
      {DataChannelOptions::MaxRetransmits(5, false),
       DcepChannelType::kPartialReliableRexmitUnordered, 5},
      {DataChannelOptions::MaxLifetime(150), DcepChannelType::kPartialReliableTimed, 150},
      {DataChannelOptions::MaxLifetime(9, false),
       DcepChannelType::kPartialReliableTimedUnordered, 9},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<DcepOpen> open = DcepOpen::FromOptions("label", "proto", c.options);
    ASSERT_TRUE(open.ok());
    EXPECT_EQ(open->channel_type, c.type);
    EXPECT_EQ(open->reliability_parameter, c.parameter);
    const std::optional<DcepOpen> parsed = DcepOpen::Parse(open->Serialize());
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, *open);
    EXPECT_EQ(parsed->ToOptions(), c.options);
  }
}

TEST(DcepTest, EmptyLabelAndProtocolAreAllowed) {
  const absl::StatusOr<DcepOpen> open = DcepOpen::FromOptions("", "", {});
  ASSERT_TRUE(open.ok());
  const std::vector<uint8_t> bytes = open->Serialize();
  EXPECT_EQ(bytes.size(), DcepOpen::kHeaderSize);
  EXPECT_TRUE(DcepOpen::Parse(bytes).has_value());
}

TEST(DcepTest, FromOptionsRejectsBothLimitsAndHugeLabels) {
  DataChannelOptions both = DataChannelOptions::MaxRetransmits(1);
  both.max_packet_lifetime_ms = 1;
  EXPECT_FALSE(DcepOpen::FromOptions("x", "", both).ok());
  EXPECT_FALSE(DcepOpen::FromOptions(std::string(65536, 'a'), "", {}).ok());
  EXPECT_TRUE(DcepOpen::FromOptions(std::string(65535, 'a'), "", {}).ok());
}

TEST(DcepTest, AckIsOneByte) {
  EXPECT_EQ(SerializeDcepAck(), std::vector<uint8_t>{0x02});
  EXPECT_TRUE(IsDcepAck(SerializeDcepAck()));
  EXPECT_EQ(PeekDcepType(SerializeDcepAck()), DcepMessageType::kAck);
  EXPECT_FALSE(IsDcepAck(std::vector<uint8_t>{0x02, 0x00}));
  EXPECT_FALSE(IsDcepAck(std::vector<uint8_t>{}));
  EXPECT_FALSE(DcepOpen::Parse(SerializeDcepAck()).has_value());
}

TEST(DcepTest, RejectsMalformedOpen) {
  // Every truncation of a valid message.
  for (size_t n = 0; n < kOpenBytes.size(); ++n) {
    EXPECT_FALSE(DcepOpen::Parse(absl::MakeConstSpan(kOpenBytes.data(), n)).has_value())
        << n;
  }
  std::vector<uint8_t> trailing = kOpenBytes;
  trailing.push_back(0);
  EXPECT_FALSE(DcepOpen::Parse(trailing).has_value());

  std::vector<uint8_t> bad_type = kOpenBytes;
  bad_type[0] = 0x04;
  EXPECT_FALSE(DcepOpen::Parse(bad_type).has_value());
  EXPECT_FALSE(PeekDcepType(bad_type).has_value());

  for (const uint8_t channel_type : {0x03, 0x7f, 0x83, 0xff}) {
    std::vector<uint8_t> bad_channel = kOpenBytes;
    bad_channel[1] = channel_type;
    EXPECT_FALSE(DcepOpen::Parse(bad_channel).has_value()) << int{channel_type};
  }

  std::vector<uint8_t> long_label = kOpenBytes;
  long_label[9] = 0xff;  // label length beyond the message
  EXPECT_FALSE(DcepOpen::Parse(long_label).has_value());
}

}  // namespace
}  // namespace konfero::sctp
