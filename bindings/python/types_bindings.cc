// types_bindings.cc: the enums and value types of room_types.h and the
// option structs of room_service.h. Value types are plain mutable records
// with keyword constructors and reprs that hide secrets; ids are ints, times
// float Unix seconds and durations float seconds (casters.h).
#include <string>

#include "bindings.h"
#include "konfero/room_service.h"
#include "konfero/room_types.h"

namespace konfero::python {
namespace {

template <typename E>
void DefLabel(py::enum_<E>& e) {
  e.def_property_readonly(
      "label", [](E v) { return std::string(ToString(v)); },
      "The short stable name used in logs and JSON (e.g. 'on_hold').");
}

void BindEnums(py::module_& m) {
  py::enum_<ConferenceState> state(m, "ConferenceState",
                                   "The lifecycle of one room's conference.");
  state.value("IDLE", ConferenceState::kIdle, "Nobody is present.")
      .value("WAITING", ConferenceState::kWaiting,
             "Guests are present, no moderator has joined yet.")
      .value("RUNNING", ConferenceState::kRunning,
             "At least one moderator is present.")
      .value("ON_HOLD", ConferenceState::kOnHold,
             "The last moderator left; guests are back to waiting.");
  DefLabel(state);

  py::enum_<ParticipantRole> role(m, "ParticipantRole",
                                  "How a participant joined.");
  role.value("MODERATOR", ParticipantRole::kModerator,
             "An internal user who is a member of the room.")
      .value("BROWSER_GUEST", ParticipantRole::kBrowserGuest,
             "Joined with the URL token; holds a licence seat.")
      .value("PHONE_GUEST", ParticipantRole::kPhoneGuest,
             "Dialled in with the PIN; holds no seat.");
  DefLabel(role);

  py::enum_<LeaveReason> reason(m, "LeaveReason",
                                "Why a participant left a conference.");
  reason.value("LEFT", LeaveReason::kLeft, "The participant hung up.")
      .value("DISCONNECTED", LeaveReason::kDisconnected,
             "The transport was lost.")
      .value("KICKED", LeaveReason::kKicked,
             "A moderator removed the participant.")
      .value("ACCESS_REVOKED", LeaveReason::kAccessRevoked,
             "The room was made private, or PIN/URL regenerated.")
      .value("ROOM_DELETED", LeaveReason::kRoomDeleted,
             "The room no longer exists.")
      .value("MEMBERSHIP_REVOKED", LeaveReason::kMembershipRevoked,
             "The user is no longer a member of the room.");
  DefLabel(reason);
}

// A value type: keyword constructor, copy support and the repr.
template <typename T>
py::class_<T> ValueClass(py::module_& m, const char* name, const char* doc) {
  py::class_<T> cls(m, name, doc);
  DefKeywordInit(cls);
  cls.def(
      "__copy__", [](const T& self) { return T(self); },
      "A shallow copy (the record is copied; it holds no references).");
  cls.def(
      "__deepcopy__", [](const T& self, py::handle) { return T(self); },
      py::arg("memo"), "A copy of the record.");
  return cls;
}

void BindRecords(py::module_& m) {
  ValueClass<UserInfo>(m, "UserInfo", "An internal user.")
      .def_readwrite("id", &UserInfo::id, "The user id (int).")
      .def_readwrite("login", &UserInfo::login, "1-64 of [a-z0-9._-].")
      .def_readwrite("display_name", &UserInfo::display_name,
                     "The name shown to others.")
      .def_readwrite("admin", &UserInfo::admin, "May create users.");
  DefRepr(m.attr("UserInfo"), {"id", "login", "display_name", "admin"});

  ValueClass<Session>(m, "Session",
                      "An authenticated user's session. `token` is a bearer "
                      "secret: never log it (repr hides it).")
      .def_readwrite("token", &Session::token, "The bearer secret.")
      .def_readwrite("user", &Session::user, "The user id (int).")
      .def_readwrite("expires_at", &Session::expires_at,
                     "Expiry, in Unix seconds.")
      .def_readwrite("device_cookie", &Session::device_cookie,
                     "A device cookie for the client that logged in: pass it "
                     "to login() from that client and the per-login lockout "
                     "does not apply to it. A secret.");
  DefRepr(m.attr("Session"), {"user", "expires_at", "token", "device_cookie"},
          {"token", "device_cookie"});

  ValueClass<PublicAccess>(
      m, "PublicAccess",
      "What a public room hands out. A private room has is_public False and "
      "every other field empty. repr hides the PIN, token and URL.")
      .def_readwrite("is_public", &PublicAccess::is_public,
                     "Guests may join with the PIN or URL.")
      .def_readwrite("dial_in_number", &PublicAccess::dial_in_number,
                     "The server's dial-in number; empty if none.")
      .def_readwrite("pin", &PublicAccess::pin,
                     "Numeric, unique among public rooms.")
      .def_readwrite("url_token", &PublicAccess::url_token,
                     ">= 128 bits, base64url.")
      .def_readwrite("url", &PublicAccess::url,
                     "The browser guest link: base URL + token.")
      .def_readwrite("invitation_en", &PublicAccess::invitation_en,
                     "The invitation text in English.")
      .def_readwrite("invitation_de", &PublicAccess::invitation_de,
                     "The invitation text in German.");
  DefRepr(m.attr("PublicAccess"),
          {"is_public", "dial_in_number", "pin", "url_token", "url"},
          {"pin", "url_token", "url"});

  ValueClass<RoomInfo>(m, "RoomInfo", "A room (the manual's group).")
      .def_readwrite("id", &RoomInfo::id, "The room id (int).")
      .def_readwrite("name", &RoomInfo::name, "1-100 bytes of UTF-8.")
      .def_readwrite("members", &RoomInfo::members,
                     "Member user ids (a list of ints; a copy).")
      .def_readwrite("is_public", &RoomInfo::is_public,
                     "Guests may join with the PIN or URL.")
      .def_readwrite("state", &RoomInfo::state, "The ConferenceState.")
      .def_readwrite("guests_waiting", &RoomInfo::guests_waiting,
                     "Guests are present and no moderator is: the room list "
                     "highlights the room.")
      .def_readwrite("participant_count", &RoomInfo::participant_count,
                     "People in the conference now, guests included.");
  DefRepr(m.attr("RoomInfo"), {"id", "name", "members", "is_public", "state",
                               "guests_waiting", "participant_count"});

  ValueClass<ParticipantInfo>(m, "ParticipantInfo",
                              "Someone in a room's conference.")
      .def_readwrite("id", &ParticipantInfo::id, "The participant id (int).")
      .def_readwrite("room", &ParticipantInfo::room, "The room id (int).")
      .def_readwrite("role", &ParticipantInfo::role, "The ParticipantRole.")
      .def_readwrite("display_name", &ParticipantInfo::display_name,
                     "The user's, guest's or caller's name.")
      .def_readwrite("user", &ParticipantInfo::user,
                     "The user id for moderators, else None.")
      .def_readwrite("muted", &ParticipantInfo::muted,
                     "The participant's audio is muted.")
      .def_readwrite("waiting", &ParticipantInfo::waiting,
                     "True while a guest sits on the waiting screen.")
      .def_readwrite("joined_at", &ParticipantInfo::joined_at, "Unix seconds.");
  DefRepr(m.attr("ParticipantInfo"), {"id", "room", "role", "display_name",
                                      "user", "muted", "waiting", "joined_at"});

  ValueClass<RoomSnapshot>(m, "RoomSnapshot",
                           "A room with its conference and participants.")
      .def_readwrite("room", &RoomSnapshot::room, "The RoomInfo.")
      .def_readwrite("conference_id", &RoomSnapshot::conference_id,
                     "Non-zero while a conference exists (state != IDLE); it "
                     "scopes the chat history a guest may read.")
      .def_readwrite("participants", &RoomSnapshot::participants,
                     "A list of ParticipantInfo (a copy).");
  DefRepr(m.attr("RoomSnapshot"), {"room", "conference_id", "participants"});

  ValueClass<ChatMessage>(m, "ChatMessage", "One chat message of a room.")
      .def_readwrite("id", &ChatMessage::id,
                     "Increasing per service: history order.")
      .def_readwrite("room", &ChatMessage::room, "The room id (int).")
      .def_readwrite("conference_id", &ChatMessage::conference_id,
                     "0: posted by a member outside a conference.")
      .def_readwrite("sender_user", &ChatMessage::sender_user,
                     "The sender's user id, or None for a guest.")
      .def_readwrite("sender_name", &ChatMessage::sender_name,
                     "The display name when posted.")
      .def_readwrite("sender_role", &ChatMessage::sender_role,
                     "The sender's ParticipantRole.")
      .def_readwrite("text", &ChatMessage::text, "The message, UTF-8.")
      .def_readwrite("sent_at", &ChatMessage::sent_at, "Unix seconds.");
  DefRepr(m.attr("ChatMessage"),
          {"id", "room", "conference_id", "sender_user", "sender_name",
           "sender_role", "text", "sent_at"});

  ValueClass<JoinResult>(m, "JoinResult", "The outcome of a join.")
      .def_readwrite("participant", &JoinResult::participant,
                     "The new participant id (int).")
      .def_readwrite("room", &JoinResult::room, "The room id (int).")
      .def_readwrite("role", &JoinResult::role,
                     "The ParticipantRole it joined as.")
      .def_readwrite("state", &JoinResult::state,
                     "The ConferenceState after the join.")
      .def_readwrite("waiting", &JoinResult::waiting,
                     "The participant sees the waiting screen.");
  DefRepr(m.attr("JoinResult"),
          {"participant", "room", "role", "state", "waiting"});

  ValueClass<GuestRoomInfo>(m, "GuestRoomInfo",
                            "What a guest link opens, before the guest joins "
                            "(RoomService.look_up_guest_url).")
      .def_readwrite("room_name", &GuestRoomInfo::room_name,
                     "The room's name, for the name screen.")
      .def_readwrite("state", &GuestRoomInfo::state,
                     "The ConferenceState of the room's conference.")
      .def_readwrite("moderator_present", &GuestRoomInfo::moderator_present,
                     "A moderator is in: a guest who joins now goes straight "
                     "in instead of waiting.");
  DefRepr(m.attr("GuestRoomInfo"), {"room_name", "state", "moderator_present"});

  ValueClass<BanInfo>(m, "BanInfo", "A kicked guest's bar from a room.")
      .def_readwrite("id", &BanInfo::id, "The ban id (int).")
      .def_readwrite("room", &BanInfo::room, "The room id (int).")
      .def_readwrite("display_name", &BanInfo::display_name,
                     "The name the guest had when kicked.")
      .def_readwrite("since", &BanInfo::since, "Unix seconds.");
  DefRepr(m.attr("BanInfo"), {"id", "room", "display_name", "since"});
}

void BindOptions(py::module_& m) {
  ValueClass<RateLimit>(
      m, "RateLimit",
      "After `max_failures` failures within `window`, a key is refused for "
      "`lockout` (successes do not reset the count). Durations in seconds "
      "(float or timedelta).")
      .def_readwrite("max_failures", &RateLimit::max_failures,
                     "Failures within `window` that start a lockout.")
      .def_readwrite("window", &RateLimit::window, "Seconds.")
      .def_readwrite("lockout", &RateLimit::lockout, "Seconds.");
  DefRepr(m.attr("RateLimit"), {"max_failures", "window", "lockout"});

  using O = RoomServiceOptions;
  ValueClass<O>(m, "RoomServiceOptions",
                "How RoomService.open() sets up a service. Durations in "
                "seconds (float or timedelta).")
      .def_readwrite("database", &O::database,
                     "SQLite file; ':memory:' keeps everything in memory.")
      .def_readwrite("database_busy_timeout", &O::database_busy_timeout,
                     "How long a write waits for another process holding the "
                     "database lock (seconds).")
      .def_readwrite("dial_in_number", &O::dial_in_number,
                     "Shown in invitations. Empty: no phone entry.")
      .def_readwrite("base_url", &O::base_url,
                     "Browser guests open base_url + url_token.")
      .def_readwrite("guest_seats", &O::guest_seats,
                     "Concurrent browser-guest licence seats, server-wide.")
      .def_readwrite("max_guests_per_address", &O::max_guests_per_address,
                     "Browser guests at once from one source address (an "
                     "IPv6 /64 counts as one), over all rooms; a dropped "
                     "guest counts until it has left. 0: no cap.")
      .def_readwrite("max_guests_per_room", &O::max_guests_per_room,
                     "Browser guests at once in one room. 0: no cap.")
      .def_readwrite("pin_digits", &O::pin_digits, "Digits in a PIN, 4-12.")
      .def_readwrite("session_ttl", &O::session_ttl, "Seconds.")
      .def_readwrite("login_limit", &O::login_limit,
                     "Wrong passwords, per login and per source.")
      .def_readwrite("guest_code_limit", &O::guest_code_limit,
                     "Wrong PINs and URL tokens, per source and per room.")
      .def_readwrite("guest_code_global_limit", &O::guest_code_global_limit,
                     "Wrong PINs across all sources. Past it PIN answers are "
                     "slowed (phone_slow_answer_delay), never refused.")
      .def_readwrite("phone_caller_limit", &O::phone_caller_limit,
                     "Wrong PINs per caller id (its digits); a locked-out "
                     "caller id is refused.")
      .def_readwrite("phone_room_limit", &O::phone_room_limit,
                     "Wrong PINs at a dial-in number that names one room; "
                     "past it answers are slowed, never refused.")
      .def_readwrite("phone_slow_answer_delay", &O::phone_slow_answer_delay,
                     "How long the dial-in holds a PIN's outcome while the "
                     "global or the room's limit is exceeded (seconds).")
      .def_readwrite("max_chat_bytes", &O::max_chat_bytes,
                     "Longest chat message in UTF-8 bytes.")
      .def_readwrite("chat_history_limit", &O::chat_history_limit,
                     "Chat history returned per call, newest last.")
      .def_readwrite("chat_burst", &O::chat_burst,
                     "Chat messages a sender may post in a row before the "
                     "rate applies (a token bucket). 0: no limit.")
      .def_readwrite("chat_messages_per_second", &O::chat_messages_per_second,
                     "The bucket's refill: messages per second per sender.")
      .def_readwrite("max_chat_messages_per_conference",
                     &O::max_chat_messages_per_conference,
                     "Messages kept per conference; a new one past it "
                     "deletes the oldest. 0: no cap, else at least "
                     "chat_history_limit.")
      .def_readwrite("chat_retention", &O::chat_retention,
                     "Chat older than this is deleted by open() and "
                     "purge_expired_chat() (seconds). 0: kept forever.");
  DefRepr(m.attr("RoomServiceOptions"),
          {"database", "database_busy_timeout", "dial_in_number", "base_url",
           "guest_seats", "pin_digits", "session_ttl", "login_limit",
           "guest_code_limit", "guest_code_global_limit", "phone_caller_limit",
           "phone_room_limit", "phone_slow_answer_delay", "max_chat_bytes",
           "chat_history_limit", "max_guests_per_address",
           "max_guests_per_room", "chat_burst", "chat_messages_per_second",
           "max_chat_messages_per_conference", "chat_retention"});

  ValueClass<KickOptions>(m, "KickOptions", "How Kick() removes a guest.")
      .def_readwrite("regenerate_access", &KickOptions::regenerate_access,
                     "Issue a new PIN and URL in the same step (the old ones "
                     "stop working; guests that joined with them stay).");
  DefRepr(m.attr("KickOptions"), {"regenerate_access"});

  ValueClass<BrowserGuestJoin>(m, "BrowserGuestJoin",
                               "A browser guest's join request.")
      .def_readwrite("url_token", &BrowserGuestJoin::url_token,
                     "The token from the room's guest URL.")
      .def_readwrite("display_name", &BrowserGuestJoin::display_name,
                     "The name the guest typed.")
      .def_readwrite("guest_key", &BrowserGuestJoin::guest_key,
                     "A random key the client keeps; a kicked guest is "
                     "barred by it. 16-128 printable ASCII characters.")
      .def_readwrite("source", &BrowserGuestJoin::source,
                     "Remote address, for rate limits.");
  DefRepr(m.attr("BrowserGuestJoin"),
          {"url_token", "display_name", "guest_key", "source"},
          {"url_token", "guest_key"});

  ValueClass<PhoneGuestJoin>(m, "PhoneGuestJoin",
                             "A phone guest's join request.")
      .def_readwrite("pin", &PhoneGuestJoin::pin,
                     "The digits the caller typed.")
      .def_readwrite("caller", &PhoneGuestJoin::caller,
                     "Caller id, shown as the display name; may be empty.")
      .def_readwrite("source", &PhoneGuestJoin::source,
                     "SIP peer address, for rate limits.")
      .def_readwrite("room", &PhoneGuestJoin::room,
                     "Set (a room id) when the dial-in number names the "
                     "room; else None.");
  DefRepr(m.attr("PhoneGuestJoin"), {"pin", "caller", "source", "room"},
          {"pin"});

  // The C++ result is a StatusOr; in Python the outcome is either `result`
  // or `error` (the exception instance, not raised), so a caller that must
  // wait answer_delay first can do so before it raises or admits.
  py::class_<PhoneJoinAttempt>(
      m, "PhoneJoinAttempt",
      "A PIN attempt's outcome (RoomService.try_join_as_phone_guest) and "
      "how long a dial-in waits before the caller hears it.")
      .def_property_readonly(
          "result",
          [](const PhoneJoinAttempt& a) -> py::object {
            if (!a.result.ok()) return py::none();
            return py::cast(*a.result);
          },
          "The JoinResult when the PIN was right; else None.")
      .def_property_readonly(
          "error",
          [](const PhoneJoinAttempt& a) { return ErrorOf(a.result.status()); },
          "The konfero.Error (not raised) when the attempt failed: "
          "PermissionDeniedError for a wrong PIN or a barred caller id, "
          "ResourceExhaustedError while locked out, InvalidArgumentError; "
          "else None.")
      .def_property_readonly(
          "answer_delay",
          [](const PhoneJoinAttempt& a) { return a.answer_delay; },
          "Seconds to wait before telling the caller the outcome (right or "
          "wrong alike); 0 unless the global or the room's PIN limit is "
          "exceeded.")
      .def(
          "unwrap",
          [](const PhoneJoinAttempt& a) { return Unwrap(a.result); },
          "The JoinResult, or raises the error.");
  DefRepr(m.attr("PhoneJoinAttempt"), {"result", "error", "answer_delay"});
}

}  // namespace

void BindRoomTypes(py::module_& m) {
  BindEnums(m);
  BindRecords(m);
  BindOptions(m);
  m.def(
      "mask_caller_id",
      [](std::string_view caller) { return MaskCallerId(caller); },
      py::arg("caller"),
      "A phone guest's caller id as others see it: 'Phone \u2026' and the "
      "last four digits, all of them if fewer, or 'Phone' without digits.");
}

}  // namespace konfero::python
