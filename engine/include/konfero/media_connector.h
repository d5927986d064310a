// konfero/media_connector.h: what signalling needs of the media engine.
//
// The signalling hub turns a participant's `offer` frame into an SDP
// answer and nothing else, so it depends on this narrow interface instead
// of the whole Engine (its tests and fuzzer need no media workers).
//
// Thread contract: the RoomService's control thread.
#ifndef KONFERO_MEDIA_CONNECTOR_H_
#define KONFERO_MEDIA_CONNECTOR_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "konfero/room_types.h"

namespace konfero {

class MediaConnector {
 public:
  virtual ~MediaConnector() = default;
  // The participant (present in the RoomService) offers WebRTC media;
  // returns the SDP answer. A second offer of the same participant
  // renegotiates, restarts ICE or replaces its transport.
  virtual absl::StatusOr<std::string> Connect(ParticipantId participant,
                                              std::string_view offer) = 0;
  // Closes the participant's media. NotFound if it has none.
  virtual absl::Status Disconnect(ParticipantId participant) = 0;
};

}  // namespace konfero

#endif  // KONFERO_MEDIA_CONNECTOR_H_
