// signalling/fake_media.h: a MediaConnector for the hub's tests: it checks
// what a real engine checks first (the participant is present, the offer
// parses as SDP) and remembers who connected, with no media workers.
//
// Thread contract: test code, one thread.
#ifndef KONFERO_TESTS_SIGNALLING_FAKE_MEDIA_H_
#define KONFERO_TESTS_SIGNALLING_FAKE_MEDIA_H_

#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "konfero/media_connector.h"
#include "konfero/room_service.h"
#include "konfero/sdp/session_description.h"

namespace konfero::signalling::testing {

class FakeMedia final : public MediaConnector {
 public:
  explicit FakeMedia(RoomService& rooms) : rooms_(rooms) {}

  absl::StatusOr<std::string> Connect(ParticipantId participant,
                                      std::string_view offer) override {
    if (absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant); !info.ok()) {
      return info.status();
    }
    absl::StatusOr<sdp::SessionDescription> parsed = sdp::ParseSdp(offer);
    if (!parsed.ok()) return parsed.status();
    ++offers_[participant];
    return std::string("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n");
  }
  absl::Status Disconnect(ParticipantId participant) override {
    return offers_.erase(participant) > 0 ? absl::OkStatus()
                                          : absl::NotFoundError("no media connection");
  }

  // How many offers of the participant were answered.
  int offers(ParticipantId participant) const {
    auto it = offers_.find(participant);
    return it == offers_.end() ? 0 : it->second;
  }

 private:
  RoomService& rooms_;
  absl::flat_hash_map<ParticipantId, int> offers_;
};

}  // namespace konfero::signalling::testing

#endif  // KONFERO_TESTS_SIGNALLING_FAKE_MEDIA_H_
