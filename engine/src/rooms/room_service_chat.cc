// room_service_chat.cc: chat messages, persisted, and their history; the
// sender's rate, the cap per conference and the retention purge.
#include "absl/strings/str_cat.h"
#include "rooms/room_service_impl.h"
#include "rooms/validation.h"

namespace konfero::rooms {
namespace {
constexpr char kChatMessages[] = "chat messages";

std::string GuestRateKey(ParticipantId participant) {
  return absl::StrCat("participant:", ToInt(participant));
}
std::string MemberRateKey(UserId user) {
  return absl::StrCat("user:", ToInt(user));
}
}  // namespace

absl::StatusOr<ChatMessage> RoomServiceImpl::StoreAndPublishChat(
    store::NewChat chat, std::string_view rate_key) {
  // Checked before and taken after the write, so a refused or failed post
  // costs no token.
  if (absl::Status s = chat_rate_.Check(rate_key, kChatMessages); !s.ok()) {
    return s;
  }
  absl::StatusOr<int64_t> id =
      store_->InsertChat(chat, options_.max_chat_messages_per_conference);
  if (!id.ok()) return id.status();
  chat_rate_.Take(rate_key);
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
  const std::string rate_key = participant->info.user
                                   ? MemberRateKey(*participant->info.user)
                                   : GuestRateKey(sender);
  return StoreAndPublishChat(std::move(chat), rate_key);
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
  return StoreAndPublishChat(std::move(chat), MemberRateKey(user->id));
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

absl::StatusOr<int64_t> RoomServiceImpl::PurgeExpiredChat() {
  if (options_.chat_retention == absl::ZeroDuration()) return 0;
  return store_->DeleteChatBefore(clock_.Now() - options_.chat_retention);
}

}  // namespace konfero::rooms
