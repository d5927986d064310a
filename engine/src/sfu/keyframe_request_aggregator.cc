// sfu/keyframe_request_aggregator.cc: at most one PLI per stream and interval.
#include "sfu/keyframe_request_aggregator.h"

namespace konfero::sfu {

KeyframeRequestAggregator::KeyframeRequestAggregator(const KeyframeRequestAggregatorConfig& config)
    : min_interval_us_(config.min_interval_us) {
  streams_.reserve(config.expected_streams);
}

bool KeyframeRequestAggregator::Request(uint32_t ssrc, int64_t now_us) {
  ++stats_.requests;
  Stream* stream = Find(ssrc);
  if (stream == nullptr || IntervalOver(*stream, now_us)) {
    Send(stream != nullptr ? *stream : Track(ssrc, now_us), now_us);
    return true;
  }
  ++stats_.coalesced;
  // The keyframe of the PLI in flight comes after this request: it serves
  // it. Otherwise the request waits for the interval to end.
  if (!stream->awaiting_keyframe) stream->held = true;
  return false;
}

void KeyframeRequestAggregator::Poll(int64_t now_us, absl::FunctionRef<void(uint32_t ssrc)> send) {
  // By index: `send` may call Request(), which may add a stream.
  for (size_t i = 0; i < streams_.size(); ++i) {
    if (streams_[i].held && IntervalOver(streams_[i], now_us)) {
      Send(streams_[i], now_us);
      send(streams_[i].ssrc);
    }
  }
}

std::vector<uint32_t> KeyframeRequestAggregator::Poll(int64_t now_us) {
  std::vector<uint32_t> due;
  Poll(now_us, [&](uint32_t ssrc) { due.push_back(ssrc); });
  return due;
}

std::optional<int64_t> KeyframeRequestAggregator::NextPollTime() const {
  std::optional<int64_t> next;
  for (const Stream& stream : streams_) {
    if (!stream.held) continue;
    const int64_t due = stream.sent_at_us + min_interval_us_;
    if (!next || due < *next) next = due;
  }
  return next;
}

void KeyframeRequestAggregator::OnKeyframe(uint32_t ssrc) {
  if (Stream* stream = Find(ssrc)) {
    stream->awaiting_keyframe = false;
    stream->held = false;
  }
}

KeyframeRequestAggregator::Stream* KeyframeRequestAggregator::Find(uint32_t ssrc) {
  for (Stream& stream : streams_) {
    if (stream.ssrc == ssrc) return &stream;
  }
  return nullptr;
}

KeyframeRequestAggregator::Stream& KeyframeRequestAggregator::Track(uint32_t ssrc, int64_t now_us) {
  // A stream with nothing held and its interval over is in the state of one
  // never seen (its next request sends at once): its slot can be reused.
  for (Stream& stream : streams_) {
    if (!stream.held && IntervalOver(stream, now_us)) {
      stream = {.ssrc = ssrc};
      return stream;
    }
  }
  return streams_.emplace_back(Stream{.ssrc = ssrc});
}

void KeyframeRequestAggregator::Send(Stream& stream, int64_t now_us) {
  stream.sent_at_us = now_us;
  stream.awaiting_keyframe = true;
  stream.held = false;
  ++stats_.sent;
}

}  // namespace konfero::sfu
