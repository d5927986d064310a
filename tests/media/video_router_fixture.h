// media/video_router_fixture.h: the GoogleTest fixture of the VideoRouter
// tests: a router, the fake peers it forwards between (they outlive it), a
// synthetic clock, and the steps most tests take to get video flowing.
//
//   TEST_F(VideoRouterTest, Something) {
//     FakeVideoPeer& publisher = Add(PeerVideo(1).Camera(0xA1, 0xA2).Build());
//     FakeVideoPeer& viewer = Add(PeerVideo(2).Slots(1, 0xB100).Build());
//     Vp8Source camera({.ssrc = 0xA1});
//     StartForwarding(publisher, camera);   // viewer got the keyframe
//   }
//
// Thread contract: test code, one thread.
#ifndef KONFERO_TESTS_MEDIA_VIDEO_ROUTER_FIXTURE_H_
#define KONFERO_TESTS_MEDIA_VIDEO_ROUTER_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "absl/types/span.h"
#include "media/video_router.h"
#include "media/video_router_harness.h"

namespace konfero::media::testing {

// A start well past the router's allocation interval (200 ms).
inline constexpr int64_t kStartUs = 10'000'000;
// The worker's timer period.
inline constexpr int64_t kTickUs = 10'000;
// The router runs an allocation pass at most this often.
inline constexpr int64_t kAllocationPassUs = 50'000;
// One video frame at 30 frames a second.
inline constexpr int64_t kFrameUs = 33'000;

// The packets a subscriber got on one SSRC, in order.
inline std::vector<Received> On(const FakeVideoPeer& peer, uint32_t ssrc) {
  std::vector<Received> out;
  for (Received& r : peer.ReceivedRtp()) {
    if (r.ssrc == ssrc) out.push_back(std::move(r));
  }
  return out;
}

inline std::vector<uint16_t> SequenceNumbers(const std::vector<Received>& packets) {
  std::vector<uint16_t> out;
  for (const Received& r : packets) out.push_back(r.sequence_number);
  return out;
}

inline std::vector<uint16_t> SourceSequenceNumbers(const std::vector<Received>& packets) {
  std::vector<uint16_t> out;
  for (const Received& r : packets) out.push_back(r.source_sequence_number);
  return out;
}

class VideoRouterTest : public ::testing::Test {
 protected:
  FakeVideoPeer& Add(PeerSetup setup, bool on_hold = false) {
    peers_.push_back(std::make_unique<FakeVideoPeer>(std::move(setup)));
    router_.AddPeer(*peers_.back(), on_hold);
    return *peers_.back();
  }
  void Send(FakeVideoPeer& from, std::vector<uint8_t> packet) {
    router_.OnRtp(from, absl::MakeSpan(packet), now_);
  }
  // Advances the clock by one timer period and runs the timer.
  void Tick() {
    now_ += kTickUs;
    router_.OnTimer(now_);
  }
  // Advances the clock far enough for the timer to run an allocation pass.
  void AllocateNow() {
    now_ += kAllocationPassUs;
    router_.OnTimer(now_);
  }
  // Runs the timer every kTickUs for `us`.
  void RunFor(int64_t us) {
    for (int64_t end = now_ + us; now_ < end;) Tick();
  }
  // Makes `source` of `publisher` flow to the slots it is assigned to: a
  // packet marks it active, the timer assigns slots and allocates layers
  // (asking the publisher for a keyframe), and a keyframe starts forwarding.
  void StartForwarding(FakeVideoPeer& publisher, Vp8Source& source) {
    Send(publisher, source.Delta());
    AllocateNow();
    Send(publisher, source.Keyframe());
  }

  std::vector<std::unique_ptr<FakeVideoPeer>> peers_;  // outlive the router
  VideoRouter router_;
  int64_t now_ = kStartUs;
};

}  // namespace konfero::media::testing

#endif  // KONFERO_TESTS_MEDIA_VIDEO_ROUTER_FIXTURE_H_
