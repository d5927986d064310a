// protocol/control_channel.h: the wire format of the WebRTC "control" data
// channel (docs/sfu.md), the one data channel the engine reads.
//
// Server -> client:
//   {"type":"video-slots","slots":[{"mid":"1","participant":7,"source":"camera"},
//                                  {"mid":"2","participant":null}]}
//   {"type":"active-speaker","participant":7}
// Client -> server:
//   {"type":"subscribe","mid":"1","paused":false,"max_width":320,"max_height":180}
//   {"type":"publish","source":"camera","paused":true}
//
//   std::string text = protocol::ActiveSpeakerMessage(participant);
//   if (auto* s = std::get_if<protocol::SubscribeRequest>(&request)) ...
//
// The signalling WebSocket's frames are the other wire format
// (signalling/frames.h, docs/protocol.md). Parsing never throws: anything
// that is not one of the requests above is ControlIgnored.
//
// Thread contract: pure functions, any thread.
#ifndef KONFERO_PROTOCOL_CONTROL_CHANNEL_H_
#define KONFERO_PROTOCOL_CONTROL_CHANNEL_H_

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "konfero/media_types.h"
#include "konfero/room_types.h"

namespace konfero::protocol {

inline constexpr std::string_view kControlChannelLabel = "control";

struct SlotAssignment {
  std::string mid;
  std::optional<ParticipantId> participant;  // nullopt: the slot is empty
  VideoSource source = VideoSource::kCamera;
};
std::string VideoSlotsMessage(const std::vector<SlotAssignment>& slots);
std::string ActiveSpeakerMessage(ParticipantId participant);

struct SubscribeRequest {
  std::string mid;
  VideoSubscription subscription;
};
struct PublishRequest {
  VideoSource source = VideoSource::kCamera;
  bool paused = false;
};
struct ControlIgnored {};
using ControlRequest = std::variant<ControlIgnored, SubscribeRequest, PublishRequest>;
ControlRequest ParseControlRequest(std::string_view text);

}  // namespace konfero::protocol

#endif  // KONFERO_PROTOCOL_CONTROL_CHANNEL_H_
