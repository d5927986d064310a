// room_service_chat.cc: chat messages, persisted, and their history.
#include "absl/strings/str_cat.h"
#include "rooms/room_service_impl.h"
#include "rooms/validation.h"

namespace konfero::rooms {

absl::StatusOr<ChatMessage> RoomServiceImpl::StoreAndPublishChat(
    store::NewChat chat) {
  absl::StatusOr<int64_t> id = store_->InsertChat(chat);
  if (!id.ok()) return id.status();
  ChatMessage message{*id,           chat.room,        chat.conference_id,
                      chat.sender_user, chat.sender_name, chat.sender_role,
                      std::move(chat.text), chat.sent_at};
  bus_.Publish(chat.room, ChatPosted{message});
  return message;
}

absl::StatusOr<ChatMessage> RoomServiceImpl::PostChat(ParticipantId sender,
                                                      std::string_view text) {
  DeliveryScope deliver(bus_);
  auto found = FindParticipant(sender);
  if (!found.ok()) return found.status();
  const auto& [room, participant] = *found;
  if (participant->info.role != ParticipantRole::kModerator &&
      room->conference->state() != ConferenceState::kRunning) {
    return absl::FailedPreconditionError(
        "the chat opens when a moderator has started the conference");
  }
  if (absl::Status s = ValidateChatText(text, options_.max_chat_bytes); !s.ok()) {
    return s;
  }
  store::NewChat chat{room->id,
                      room->conference->conference_id(),
                      participant->info.user,
                      participant->info.display_name,
                      participant->info.role,
                      std::string(text),
                      clock_.Now()};
  return StoreAndPublishChat(std::move(chat));
}

absl::StatusOr<ChatMessage> RoomServiceImpl::PostChatAsMember(
    std::string_view session, RoomId room, std::string_view text) {
  DeliveryScope deliver(bus_);
  absl::StatusOr<std::pair<const store::StoredUser*, RoomState*>> member =
      MemberOfRoom(session, room);
  if (!member.ok()) return member.status();
  const auto [user, r] = *member;
  if (absl::Status s = ValidateChatText(text, options_.max_chat_bytes); !s.ok()) {
    return s;
  }
  // Posted into the running conference, if any, so its guests see it.
  store::NewChat chat{room,
                      r->conference->conference_id(),
                      user->id,
                      user->display_name,
                      ParticipantRole::kModerator,
                      std::string(text),
                      clock_.Now()};
  return StoreAndPublishChat(std::move(chat));
}

absl::StatusOr<std::vector<ChatMessage>> RoomServiceImpl::ChatHistory(
    ParticipantId reader) {
  auto found = FindParticipant(reader);
  if (!found.ok()) return found.status();
  const auto& [room, participant] = *found;
  if (participant->info.role == ParticipantRole::kModerator) {
    return store_->LoadChat(room->id, std::nullopt, options_.chat_history_limit);
  }
  return store_->LoadChat(room->id, room->conference->conference_id(),
                          options_.chat_history_limit);
}

absl::StatusOr<std::vector<ChatMessage>> RoomServiceImpl::ChatHistoryAsMember(
    std::string_view session, RoomId room) {
  absl::StatusOr<std::pair<const store::StoredUser*, RoomState*>> member =
      MemberOfRoom(session, room);
  if (!member.ok()) return member.status();
  return store_->LoadChat(room, std::nullopt, options_.chat_history_limit);
}

}  // namespace konfero::rooms
