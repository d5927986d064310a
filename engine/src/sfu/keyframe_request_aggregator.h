// sfu/keyframe_request_aggregator.h: merges the keyframe requests of all
// subscribers of a publisher's streams into few PLIs to the publisher.
//
// A keyframe costs the publisher several times a normal frame's bits, and
// each subscriber that joins, switches layer or loses packets wants one. So
// each stream (publisher SSRC) gets at most one PLI per min_interval_us:
//  - a request when none was sent within the interval sends one at once;
//  - a request while a sent PLI's keyframe is still awaited is served by
//    that keyframe (ten subscribers joining at once cause one PLI);
//  - a request after the keyframe came but within the interval is held, and
//    Poll() sends it when the interval is over, unless a keyframe arrives
//    first (OnKeyframe clears it).
// Should the keyframe not come (the PLI or the keyframe lost), the next
// request after the interval sends a new PLI.
//
//   KeyframeRequestAggregator aggregator;
//   if (aggregator.Request(ssrc, now_us)) SendPli(ssrc);      // from subscribers
//   aggregator.OnKeyframe(ssrc);                              // publisher keyframe seen
//   aggregator.Poll(now_us, [&](uint32_t ssrc) { SendPli(ssrc); });  // on a timer,
//   // at NextPollTime() at the latest
//
// Thread contract: not thread-safe. One thread (the worker that receives the
// publisher's media) calls everything. Only the constructor allocates, unless
// more streams are tracked at once than `expected_streams` (a stream is
// tracked from a PLI until min_interval_us later or until its held request
// is sent) or the vector-returning Poll() is used.
#ifndef KONFERO_SFU_KEYFRAME_REQUEST_AGGREGATOR_H_
#define KONFERO_SFU_KEYFRAME_REQUEST_AGGREGATOR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/functional/function_ref.h"

namespace konfero::sfu {

struct KeyframeRequestAggregatorConfig {
  int64_t min_interval_us = 300'000;  // between two PLIs of one stream
  size_t expected_streams = 16;       // storage reserved up front
};

struct KeyframeRequestStats {
  uint64_t requests = 0;   // Request() calls
  uint64_t sent = 0;       // PLIs: Request() returned true, or Poll() called back
  uint64_t coalesced = 0;  // requests that did not send a PLI at once
};

class KeyframeRequestAggregator {
 public:
  explicit KeyframeRequestAggregator(const KeyframeRequestAggregatorConfig& config = {});

  // A subscriber wants a keyframe of stream `ssrc`. True: send a PLI now.
  bool Request(uint32_t ssrc, int64_t now_us);

  // Calls `send` for each stream whose held request is due at `now_us`; the
  // caller sends a PLI for each.
  void Poll(int64_t now_us, absl::FunctionRef<void(uint32_t ssrc)> send);
  // The same, as a list (allocates).
  std::vector<uint32_t> Poll(int64_t now_us);

  // When the earliest held request falls due; nullopt if none is held.
  std::optional<int64_t> NextPollTime() const;

  // A keyframe of stream `ssrc` arrived from the publisher: it serves every
  // request made so far.
  void OnKeyframe(uint32_t ssrc);

  const KeyframeRequestStats& stats() const { return stats_; }

 private:
  struct Stream {
    uint32_t ssrc = 0;
    int64_t sent_at_us = 0;  // the last PLI
    bool awaiting_keyframe = false;
    bool held = false;  // a request waits for the interval to end
  };

  Stream* Find(uint32_t ssrc);
  Stream& Track(uint32_t ssrc, int64_t now_us);
  bool IntervalOver(const Stream& stream, int64_t now_us) const {
    return now_us - stream.sent_at_us >= min_interval_us_;
  }
  void Send(Stream& stream, int64_t now_us);

  int64_t min_interval_us_;
  std::vector<Stream> streams_;
  KeyframeRequestStats stats_;
};

}  // namespace konfero::sfu

#endif  // KONFERO_SFU_KEYFRAME_REQUEST_AGGREGATOR_H_
