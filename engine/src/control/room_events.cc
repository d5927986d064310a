// room_events.cc: the RoomService's events, as media commands.
//
// The room domain decides who is on hold (guests while no moderator is
// present), who is muted and who left; the media plane only hears the
// outcome. Chat is not media: it travels on the signalling channel.
#include "control/control_plane.h"

namespace konfero::control {

void ControlPlane::OnRoomEvent(const Event& e) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  if (const auto* left = std::get_if<ParticipantLeft>(&e.body)) {
    pending_offers_.erase(left->participant);
    pending_rtp_offers_.erase(left->participant);
    if (!ReturnToCall(left->participant)) (void)Disconnect(left->participant);
    auto speaker = active_speakers_.find(e.room);
    if (speaker != active_speakers_.end() && speaker->second == left->participant) {
      active_speakers_.erase(speaker);
    }
  } else if (std::holds_alternative<ConferenceStateChanged>(e.body)) {
    for (const auto& [id, record] : legs_) {
      if (record.room != e.room) continue;
      absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(id);
      if (!info.ok()) continue;
      Send(record, media::SetHold{id, info->waiting});
    }
  } else if (const auto* muted = std::get_if<ParticipantMuted>(&e.body)) {
    auto it = legs_.find(muted->participant);
    if (it == legs_.end()) return;
    Send(it->second, media::SetMuted{muted->participant, muted->muted});
  }
}

}  // namespace konfero::control
