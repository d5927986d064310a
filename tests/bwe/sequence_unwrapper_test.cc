// Tests of bwe/sequence_unwrapper.h.
#include "bwe/sequence_unwrapper.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

TEST(SequenceUnwrapperTest, FirstNumberMapsToItself) {
  SequenceUnwrapper unwrapper;
  EXPECT_FALSE(unwrapper.last().has_value());
  EXPECT_EQ(unwrapper.Unwrap(1234), 1234);
  EXPECT_EQ(unwrapper.last(), 1234);
}

TEST(SequenceUnwrapperTest, KeepsCountingPast65535) {
  SequenceUnwrapper unwrapper;
  EXPECT_EQ(unwrapper.Unwrap(65534), 65534);
  EXPECT_EQ(unwrapper.Unwrap(65535), 65535);
  EXPECT_EQ(unwrapper.Unwrap(0), 65536);
  EXPECT_EQ(unwrapper.Unwrap(1), 65537);
}

TEST(SequenceUnwrapperTest, ReorderedNumbersGoBackAcrossTheWrap) {
  SequenceUnwrapper unwrapper;
  unwrapper.Unwrap(65535);
  EXPECT_EQ(unwrapper.Unwrap(2), 65538);
  EXPECT_EQ(unwrapper.Unwrap(65534), 65534);
  EXPECT_EQ(unwrapper.Unwrap(3), 65539);
}

TEST(SequenceUnwrapperTest, PeekDoesNotMoveTheReference) {
  SequenceUnwrapper unwrapper;
  unwrapper.Unwrap(65000);
  EXPECT_EQ(unwrapper.Peek(100), 65636);
  EXPECT_EQ(unwrapper.Peek(64000), 64000);
  EXPECT_EQ(unwrapper.last(), 65000);
}

TEST(SequenceUnwrapperTest, CountsOverManyLaps) {
  SequenceUnwrapper unwrapper;
  int64_t expected = 40000;
  unwrapper.Unwrap(40000);
  for (int i = 0; i < 1000; ++i) {
    expected += 1000;
    ASSERT_EQ(unwrapper.Unwrap(static_cast<uint16_t>(expected)), expected);
  }
}

}  // namespace
}  // namespace konfero::bwe
