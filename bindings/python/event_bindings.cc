// event_bindings.cc: events.h in Python.
//
// A subscriber receives an `Event` (seq, room, at, name) whose `body` is an
// instance of one class per event kind, so callers can dispatch either on the
// stable name or structurally:
//
//   def on_event(e):
//       match e.body:
//           case konfero.ParticipantJoined(participant=p): ...
//           case konfero.ConferenceStateChanged(from_=a, to=b): ...
//
// Events are read-only notifications: the bodies have no constructors and
// their fields cannot be assigned. ConferenceStateChanged.from is spelled
// `from_` because `from` is a Python keyword.
#include <string>
#include <variant>

#include "bindings.h"
#include "konfero/events.h"

namespace konfero::python {
namespace {

template <typename T>
py::class_<T> Body(py::module_& m, const char* name, const char* doc,
                   std::initializer_list<const char*> fields) {
  py::class_<T> cls(m, name, doc);
  DefRepr(cls, fields);
  DefMatchArgs(cls, fields);
  return cls;
}

}  // namespace

void BindEvents(py::module_& m) {
  Body<RoomCreated>(m, "RoomCreated", "A room was created.", {"name"})
      .def_readonly("name", &RoomCreated::name, "The room's name.");
  Body<RoomRenamed>(m, "RoomRenamed", "A room was renamed.", {"name"})
      .def_readonly("name", &RoomRenamed::name, "The new name.");
  Body<RoomDeleted>(m, "RoomDeleted", "A room was deleted.", {});
  Body<MembersChanged>(m, "MembersChanged",
                       "A member was added to or removed from the room.", {});
  Body<ParticipantJoined>(m, "ParticipantJoined",
                          "Someone joined the room's conference.",
                          {"participant"})
      .def_readonly("participant", &ParticipantJoined::participant,
                    "The ParticipantInfo.");
  Body<ParticipantLeft>(m, "ParticipantLeft",
                        "Someone left the room's conference.",
                        {"participant", "role", "display_name", "reason"})
      .def_readonly("participant", &ParticipantLeft::participant,
                    "The participant id (int).")
      .def_readonly("role", &ParticipantLeft::role,
                    "The ParticipantRole it had.")
      .def_readonly("display_name", &ParticipantLeft::display_name,
                    "The name it had.")
      .def_readonly("reason", &ParticipantLeft::reason, "The LeaveReason.");
  Body<ParticipantMuted>(m, "ParticipantMuted",
                         "A participant was muted or unmuted.",
                         {"participant", "muted", "by"})
      .def_readonly("participant", &ParticipantMuted::participant,
                    "The muted or unmuted participant id (int).")
      .def_readonly("muted", &ParticipantMuted::muted, "The new state.")
      .def_readonly("by", &ParticipantMuted::by,
                    "The participant id of who did it.");
  Body<ConferenceStateChanged>(m, "ConferenceStateChanged",
                               "The room's conference changed state.",
                               {"from_", "to", "conference_id"})
      .def_readonly("from_", &ConferenceStateChanged::from,
                    "The ConferenceState before (`from` in C++).")
      .def_readonly("to", &ConferenceStateChanged::to,
                    "The ConferenceState after.")
      .def_readonly("conference_id", &ConferenceStateChanged::conference_id,
                    "The conference concerned (for a change to IDLE, the one "
                    "that ended).");
  Body<GuestsWaitingChanged>(m, "GuestsWaitingChanged",
                             "The room's guests-waiting flag changed.",
                             {"guests_waiting"})
      .def_readonly("guests_waiting", &GuestsWaitingChanged::guests_waiting,
                    "The new value of RoomInfo.guests_waiting.");
  Body<AccessChanged>(
      m, "AccessChanged",
      "The room became public or private, or its PIN and URL were "
      "regenerated. Carries no secrets: ask get_access() with a session.",
      {"is_public", "regenerated"})
      .def_readonly("is_public", &AccessChanged::is_public,
                    "Whether the room is public now.")
      .def_readonly("regenerated", &AccessChanged::regenerated,
                    "New PIN and URL; the old ones stopped working.");
  Body<ChatPosted>(m, "ChatPosted", "A chat message was posted.", {"message"})
      .def_readonly("message", &ChatPosted::message, "The ChatMessage.");
  Body<GuestBanned>(m, "GuestBanned", "A kicked guest was barred.", {"ban"})
      .def_readonly("ban", &GuestBanned::ban, "The BanInfo.");
  Body<BanLifted>(m, "BanLifted", "A ban was lifted.", {"ban"})
      .def_readonly("ban", &BanLifted::ban, "The ban id (int).");

  py::class_<Event> event(
      m, "Event",
      "One change in the room domain. `seq` is strictly increasing per "
      "service; `name` is the stable name of the body's kind "
      "('participant_joined', ...); `body` one of the event body classes.");
  event.def_readonly("seq", &Event::seq, "Strictly increasing per service.")
      .def_readonly("room", &Event::room, "The room id (int).")
      .def_readonly("at", &Event::at, "When, in Unix seconds.")
      .def_property_readonly(
          "name", [](const Event& e) { return std::string(EventName(e.body)); },
          "The body's stable name, e.g. 'participant_joined'.")
      .def_property_readonly(
          "body",
          [](const Event& e) {
            return std::visit([](const auto& b) { return py::cast(b); },
                              e.body);
          },
          "The event body: RoomCreated, ParticipantJoined, ... (a copy).");
  DefRepr(event, {"seq", "room", "at", "name", "body"});
  DefMatchArgs(event, {"seq", "room", "at", "name", "body"});
}

}  // namespace konfero::python
