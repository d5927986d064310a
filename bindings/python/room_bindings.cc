// room_bindings.cc: konfero.RoomService, the room domain in Python.
//
// The Python object owns the C++ service (and, when no clock is given, a
// SystemClock for it); open() keeps the clock and random source objects alive
// as long as the service object (py::keep_alive), since the service only
// borrows them. close() (or leaving a `with` block) destroys the service and
// releases the database file; later calls raise FailedPreconditionError.
//
// GIL: every method runs with the GIL held, on purpose (see bindings.h). The
// only point where another Python thread can get in is while a subscriber
// callback runs Python code, and that is exactly where the service allows
// re-entrant calls, so the contract "one driving thread" holds in effect.
//
// Callbacks: an exception raised by a subscriber callback is reported through
// sys.unraisablehook (like an exception in __del__) and dispatch continues.
// The change that produced the event is already complete and committed, so
// raising it from the method that caused it would wrongly suggest the call
// failed; and other subscribers still get their events.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bindings.h"
#include "konfero/room_service.h"

namespace konfero::python {
namespace {

class RoomServiceHandle {
 public:
  RoomServiceHandle(std::unique_ptr<Clock> owned_clock,
                    std::unique_ptr<RoomService> service, std::string database)
      : owned_clock_(std::move(owned_clock)),
        service_(std::move(service)),
        database_(std::move(database)) {}

  RoomService& get() {
    if (service_ == nullptr) {
      ThrowIfError(absl::FailedPreconditionError("RoomService is closed"));
    }
    return *service_;
  }
  bool closed() const { return service_ == nullptr; }
  const std::string& database() const { return database_; }

  void Close() {
    // Destroying the service while it is delivering an event would free it
    // under its own feet.
    if (dispatching_ > 0) {
      ThrowIfError(absl::FailedPreconditionError(
          "RoomService.close() called from an event callback"));
    }
    // Each removes itself from dependents_ as it stops.
    std::vector<Dependent*> dependents = dependents_;
    for (auto it = dependents.rbegin(); it != dependents.rend(); ++it) {
      (*it)->StopBeforeOwner();
    }
    service_.reset();
  }

  void AddDependent(Dependent* d) {
    get();
    dependents_.push_back(d);
  }
  void RemoveDependent(Dependent* d) {
    std::erase(dependents_, d);
  }

  SubscriptionId Subscribe(py::function callback, std::optional<RoomId> room) {
    // The lambda holds a reference to the callback; it lives inside the
    // service, which this handle owns, so `this` outlives it. The std::function
    // is copied and destroyed only inside service calls or by Close() and the
    // destructor, all with the GIL held.
    return get().Subscribe(room, [this, callback](const Event& event) {
      py::gil_scoped_acquire gil;  // already held; cheap, and states intent
      ++dispatching_;
      try {
        callback(py::cast(event));
      } catch (py::error_already_set& e) {
        e.discard_as_unraisable(callback);
      } catch (py::builtin_exception& e) {
        e.set_error();
        py::error_already_set err;
        err.discard_as_unraisable(callback);
      }
      --dispatching_;
    });
  }

 private:
  // Declared first so it is destroyed last: the service borrows it.
  std::unique_ptr<Clock> owned_clock_;
  std::unique_ptr<RoomService> service_;
  std::string database_;
  int dispatching_ = 0;
  std::vector<Dependent*> dependents_;  // Engines, DialInServices: they stop first
};

using H = RoomServiceHandle;
using Sv = std::string_view;

void BindUsersAndRooms(py::class_<H>& c) {
  c.def(
       "bootstrap_admin",
       [](H& h, Sv login, Sv display_name, Sv password) {
         return Unwrap(h.get().BootstrapAdmin(login, display_name, password));
       },
       py::arg("login"), py::arg("display_name"), py::arg("password"),
       "Creates the first user, an admin. FailedPreconditionError once any "
       "user exists.")
      .def(
          "create_user",
          [](H& h, Sv admin_session, Sv login, Sv display_name, Sv password,
             bool admin) {
            return Unwrap(h.get().CreateUser(admin_session, login, display_name,
                                             password, admin));
          },
          py::arg("admin_session"), py::arg("login"), py::arg("display_name"),
          py::arg("password"), py::arg("admin") = false,
          "An admin creates a user. Logins: 1-64 of [a-z0-9._-]; passwords: "
          "8-256 bytes.")
      .def(
          "list_users",
          [](H& h, Sv session) { return Unwrap(h.get().ListUsers(session)); },
          py::arg("session"), "All users, as a list of UserInfo.")
      .def(
          "change_password",
          [](H& h, Sv session, Sv old_password, Sv new_password) {
            ThrowIfError(
                h.get().ChangePassword(session, old_password, new_password));
          },
          py::arg("session"), py::arg("old_password"), py::arg("new_password"),
          "Changes the session user's password.")
      .def(
          "login",
          [](H& h, Sv login, Sv password, Sv source, Sv device_cookie) {
            return Unwrap(h.get().Login(login, password, source, device_cookie));
          },
          py::arg("login"), py::arg("password"), py::arg("source") = "",
          py::arg("device_cookie") = "",
          "Returns a Session. UnauthenticatedError for a wrong login or "
          "password (the same error for both); ResourceExhaustedError while "
          "the login or the source is locked out, unless `device_cookie` is "
          "a valid one from an earlier login of this login (Session."
          "device_cookie): others' guessing never locks that client out.")
      .def(
          "logout",
          [](H& h, Sv session) { ThrowIfError(h.get().Logout(session)); },
          py::arg("session"), "Ends the session.")
      .def(
          "who_am_i",
          [](H& h, Sv session) { return Unwrap(h.get().WhoAmI(session)); },
          py::arg("session"), "The session's UserInfo.")
      .def(
          "create_room",
          [](H& h, Sv session, Sv name) {
            return Unwrap(h.get().CreateRoom(session, name));
          },
          py::arg("session"), py::arg("name"),
          "Creates a room; the creator becomes its first member. Names: "
          "1-100 bytes of UTF-8.")
      .def(
          "rename_room",
          [](H& h, Sv session, RoomId room, Sv name) {
            ThrowIfError(h.get().RenameRoom(session, room, name));
          },
          py::arg("session"), py::arg("room"), py::arg("name"),
          "Renames a room.")
      .def(
          "delete_room",
          [](H& h, Sv session, RoomId room) {
            ThrowIfError(h.get().DeleteRoom(session, room));
          },
          py::arg("session"), py::arg("room"),
          "Ends the room's conference (everyone leaves with ROOM_DELETED) "
          "and deletes its members, access and chat.")
      .def(
          "list_rooms",
          [](H& h, Sv session) { return Unwrap(h.get().ListRooms(session)); },
          py::arg("session"),
          "The rooms the session's user is a member of (all for an admin).")
      .def(
          "get_room",
          [](H& h, Sv session, RoomId room) {
            return Unwrap(h.get().GetRoom(session, room));
          },
          py::arg("session"), py::arg("room"), "A RoomSnapshot.")
      .def(
          "add_member",
          [](H& h, Sv session, RoomId room, Sv login) {
            ThrowIfError(h.get().AddMember(session, room, login));
          },
          py::arg("session"), py::arg("room"), py::arg("login"),
          "Makes the user with `login` a member of the room.")
      .def(
          "remove_member",
          [](H& h, Sv session, RoomId room, Sv login) {
            ThrowIfError(h.get().RemoveMember(session, room, login));
          },
          py::arg("session"), py::arg("room"), py::arg("login"),
          "A removed member in the conference leaves it "
          "(MEMBERSHIP_REVOKED). The last member cannot be removed.");
}

void BindAccessAndJoins(py::class_<H>& c) {
  c.def(
       "set_public",
       [](H& h, Sv session, RoomId room, bool is_public) {
         return Unwrap(h.get().SetPublic(session, room, is_public));
       },
       py::arg("session"), py::arg("room"), py::arg("is_public"),
       "Public: issues PIN and URL token (keeping existing ones if already "
       "public). Private: revokes both and removes every guest "
       "(ACCESS_REVOKED). Returns the PublicAccess.")
      .def(
          "regenerate_access",
          [](H& h, Sv session, RoomId room) {
            return Unwrap(h.get().RegenerateAccess(session, room));
          },
          py::arg("session"), py::arg("room"),
          "New PIN and URL token; the old ones stop working at once.")
      .def(
          "get_access",
          [](H& h, Sv session, RoomId room) {
            return Unwrap(h.get().GetAccess(session, room));
          },
          py::arg("session"), py::arg("room"), "The room's PublicAccess.")
      .def(
          "join_as_member",
          [](H& h, Sv session, RoomId room) {
            return Unwrap(h.get().JoinAsMember(session, room));
          },
          py::arg("session"), py::arg("room"),
          "A member joins as moderator; starts or resumes the conference.")
      .def(
          "join_as_browser_guest",
          [](H& h, const BrowserGuestJoin& join) {
            return Unwrap(h.get().JoinAsBrowserGuest(join));
          },
          py::arg("join"),
          "NotFoundError for an unknown token (never issued, regenerated, or "
          "of a deleted room); FailedPreconditionError for the token of a "
          "room made private (it is no longer public); PermissionDeniedError "
          "if the guest key is barred; ResourceExhaustedError if no licence "
          "seat is free or the source is locked out; InvalidArgumentError for "
          "an empty token or one over 64 bytes.")
      .def(
          "join_as_browser_guest",
          [](H& h, std::string url_token, std::string display_name,
             std::string guest_key, std::string source) {
            return Unwrap(h.get().JoinAsBrowserGuest(
                {std::move(url_token), std::move(display_name),
                 std::move(guest_key), std::move(source)}));
          },
          py::kw_only(), py::arg("url_token"), py::arg("display_name"),
          py::arg("guest_key"), py::arg("source") = "",
          "The same, with the BrowserGuestJoin fields as keywords.")
      .def(
          "look_up_guest_url",
          [](H& h, std::string_view url_token, std::string_view source) {
            return Unwrap(h.get().LookUpGuestUrl(url_token, source));
          },
          py::arg("url_token"), py::arg("source") = "",
          "What the link opens (a GuestRoomInfo), for a guest page before it "
          "asks for a name. It admits nobody, takes no seat and publishes no "
          "event, but answers like join_as_browser_guest for the token and "
          "the source: NotFoundError, FailedPreconditionError (no longer "
          "public), ResourceExhaustedError (source locked out), "
          "InvalidArgumentError; unknown tokens count towards the same "
          "per-source limit.")
      .def(
          "join_as_phone_guest",
          [](H& h, const PhoneGuestJoin& join) {
            return Unwrap(h.get().JoinAsPhoneGuest(join));
          },
          py::arg("join"),
          "PermissionDeniedError for a wrong PIN; ResourceExhaustedError "
          "when locked out.")
      .def(
          "join_as_phone_guest",
          [](H& h, std::string pin, std::string caller, std::string source,
             std::optional<RoomId> room) {
            return Unwrap(h.get().JoinAsPhoneGuest(
                {std::move(pin), std::move(caller), std::move(source), room}));
          },
          py::kw_only(), py::arg("pin"), py::arg("caller") = "",
          py::arg("source") = "", py::arg("room") = py::none(),
          "The same, with the PhoneGuestJoin fields as keywords.")
      .def(
          "try_join_as_phone_guest",
          [](H& h, const PhoneGuestJoin& join) {
            return h.get().TryJoinAsPhoneGuest(join);
          },
          py::arg("join"),
          "What a dial-in calls: never raises for the PIN; returns a "
          "PhoneJoinAttempt whose answer_delay says how long to hold the "
          "outcome (result or error) before the caller hears it, right or "
          "wrong alike, while the global or the room's PIN limit is exceeded.")
      .def(
          "try_join_as_phone_guest",
          [](H& h, std::string pin, std::string caller, std::string source,
             std::optional<RoomId> room) {
            return h.get().TryJoinAsPhoneGuest(
                {std::move(pin), std::move(caller), std::move(source), room});
          },
          py::kw_only(), py::arg("pin"), py::arg("caller") = "",
          py::arg("source") = "", py::arg("room") = py::none(),
          "The same, with the PhoneGuestJoin fields as keywords.")
      .def(
          "leave",
          [](H& h, ParticipantId p) { ThrowIfError(h.get().Leave(p)); },
          py::arg("participant"), "The participant hung up.")
      .def(
          "disconnect",
          [](H& h, ParticipantId p) { ThrowIfError(h.get().Disconnect(p)); },
          py::arg("participant"),
          "The transport was lost: like leave(), reason DISCONNECTED.");
}

void BindModerationAndChat(py::class_<H>& c) {
  c.def(
       "kick",
       [](H& h, ParticipantId moderator, ParticipantId target,
          const KickOptions& options) {
         ThrowIfError(h.get().Kick(moderator, target, options));
       },
       py::arg("moderator"), py::arg("target"),
       py::arg("options") = KickOptions{},
       "A moderator removes another participant of the same room. A kicked "
       "guest's key is barred until a moderator lifts the ban or the "
       "conference ends.")
      .def(
          "list_bans",
          [](H& h, ParticipantId moderator) {
            return Unwrap(h.get().ListBans(moderator));
          },
          py::arg("moderator"), "The room's bans, as a list of BanInfo.")
      .def(
          "lift_ban",
          [](H& h, ParticipantId moderator, BanId ban) {
            ThrowIfError(h.get().LiftBan(moderator, ban));
          },
          py::arg("moderator"), py::arg("ban"), "Lifts a ban.")
      .def(
          "set_muted",
          [](H& h, ParticipantId actor, ParticipantId target, bool muted) {
            ThrowIfError(h.get().SetMuted(actor, target, muted));
          },
          py::arg("actor"), py::arg("target"), py::arg("muted"),
          "Anyone may mute or unmute themselves; moderators may mute (not "
          "unmute) others.")
      .def(
          "get_participant",
          [](H& h, ParticipantId p) {
            return Unwrap(h.get().GetParticipant(p));
          },
          py::arg("participant"), "The ParticipantInfo.")
      .def(
          "get_room_as_participant",
          [](H& h, ParticipantId p) {
            return Unwrap(h.get().GetRoomAsParticipant(p));
          },
          py::arg("participant"), "The RoomSnapshot of the participant's room.")
      .def(
          "post_chat",
          [](H& h, ParticipantId sender, Sv text) {
            return Unwrap(h.get().PostChat(sender, text));
          },
          py::arg("sender"), py::arg("text"),
          "A participant posts; guests only while the conference is "
          "running. Returns the ChatMessage.")
      .def(
          "post_chat_as_member",
          [](H& h, Sv session, RoomId room, Sv text) {
            return Unwrap(h.get().PostChatAsMember(session, room, text));
          },
          py::arg("session"), py::arg("room"), py::arg("text"),
          "A member posts to the room without being in a conference.")
      .def(
          "chat_history",
          [](H& h, ParticipantId reader) {
            return Unwrap(h.get().ChatHistory(reader));
          },
          py::arg("reader"),
          "Members: the room's whole history. Guests: their conference "
          "only. Oldest first.")
      .def(
          "chat_history_as_member",
          [](H& h, Sv session, RoomId room) {
            return Unwrap(h.get().ChatHistoryAsMember(session, room));
          },
          py::arg("session"), py::arg("room"),
          "The room's whole history, for a member.")
      .def(
          "purge_expired_chat",
          [](H& h) { return Unwrap(h.get().PurgeExpiredChat()); },
          "Deletes the chat older than options.chat_retention; returns how "
          "many messages went. open() runs it once; a long-running host "
          "calls it periodically (konfero-server: hourly).");
}

void BindLifetimeAndEvents(py::class_<H>& c) {
  c.def_static(
       "open",
       [](RoomServiceOptions options, const Clock* clock,
          RandomSource* random) {
         std::unique_ptr<Clock> owned;
         if (clock == nullptr) {
           owned = std::make_unique<SystemClock>();
           clock = owned.get();
         }
         std::string database = options.database;
         auto service = Unwrap(
             RoomService::Open(std::move(options), *clock,
                               random != nullptr ? *random : CryptoRandom()));
         return std::make_unique<H>(std::move(owned), std::move(service),
                                    std::move(database));
       },
       py::arg("options") = RoomServiceOptions{}, py::arg("clock") = py::none(),
       py::arg("random") = py::none(), py::keep_alive<0, 2>(),
       py::keep_alive<0, 3>(),
       "Opens (creating or migrating) the database and loads users, rooms, "
       "members and access. `clock` defaults to a SystemClock, `random` to "
       "the OpenSSL CSPRNG; the service keeps both alive.")
      .def("close", &H::Close,
           "Destroys the service and closes the database; an Engine or "
           "DialInService on it is stopped first. Idempotent. Not allowed from inside an "
           "event callback.")
      .def_property_readonly("closed", &H::closed, "close() was called.")
      .def(
          "__enter__", [](py::object self) { return self; },
          "Returns the service; leaving the block closes it.")
      .def(
          "__exit__",
          [](H& h, py::handle, py::handle, py::handle) { h.Close(); },
          "Closes the service.")
      .def(
          "__repr__",
          [](const H& h) {
            return "<konfero.RoomService database=" +
                   py::repr(py::str(h.database())).cast<std::string>() +
                   (h.closed() ? " closed>" : ">");
          },
          "Shows the database and whether the service is closed.")
      .def_property_readonly(
          "guest_seats_total", [](H& h) { return h.get().guest_seats_total(); },
          "Browser-guest licence seats, server-wide.")
      .def_property_readonly(
          "guest_seats_in_use",
          [](H& h) { return h.get().guest_seats_in_use(); },
          "Seats held by browser guests now.")
      .def(
          "get_stats", [](H& h) { return h.get().GetStats(); },
          "Counts over every room (a RoomStats): rooms by conference "
          "state, participants by role, rooms with guests waiting, seats.")
      .def(
          "subscribe",
          [](H& h, py::function callback, std::optional<RoomId> room) {
            return h.Subscribe(std::move(callback), room);
          },
          py::arg("callback"), py::arg("room") = py::none(),
          "Calls callback(event) after each change (of `room` only, if "
          "given), synchronously, in event order. The callback may call "
          "back into the service; events that causes come after the current "
          "ones. An exception raised by the callback goes to "
          "sys.unraisablehook and does not stop delivery. Returns the "
          "subscription id (int).")
      .def(
          "unsubscribe",
          [](H& h, SubscriptionId id) { h.get().Unsubscribe(id); },
          py::arg("subscription"), "Stops a subscription.");
}

}  // namespace

void BindRooms(py::module_& m) {
  py::class_<RoomStats> stats(m, "RoomStats",
                              "Counts over the whole service, for metrics.");
  stats.def_readonly("rooms_idle", &RoomStats::rooms_idle, "Rooms nobody is in.")
      .def_readonly("rooms_waiting", &RoomStats::rooms_waiting,
                    "Rooms with guests and no moderator yet.")
      .def_readonly("rooms_running", &RoomStats::rooms_running,
                    "Rooms with a moderator present.")
      .def_readonly("rooms_on_hold", &RoomStats::rooms_on_hold,
                    "Rooms whose last moderator left; guests wait.")
      .def_readonly("rooms_with_guests_waiting", &RoomStats::rooms_with_guests_waiting,
                    "Rooms whose guests sit on the waiting screen.")
      .def_readonly("moderators", &RoomStats::moderators, "Moderators present.")
      .def_readonly("browser_guests", &RoomStats::browser_guests,
                    "Browser guests present.")
      .def_readonly("phone_guests", &RoomStats::phone_guests, "Phone guests present.")
      .def_readonly("guest_seats_in_use", &RoomStats::guest_seats_in_use,
                    "Licence seats held by browser guests.")
      .def_readonly("guest_seats_total", &RoomStats::guest_seats_total,
                    "Licence seats, server-wide.");
  DefRepr(stats, {"rooms_idle", "rooms_waiting", "rooms_running", "rooms_on_hold",
                  "rooms_with_guests_waiting", "moderators", "browser_guests",
                  "phone_guests", "guest_seats_in_use", "guest_seats_total"});

  py::class_<H> c(
      m, "RoomService",
      "The room domain: users, rooms, public access, the conference "
      "lifecycle, licences, kicks and bans, chat, persisted in SQLite. Not "
      "thread-safe: drive it from one thread. Create it with "
      "RoomService.open(); use it as a context manager to close it.");
  BindLifetimeAndEvents(c);
  BindUsersAndRooms(c);
  BindAccessAndJoins(c);
  BindModerationAndChat(c);
}

}  // namespace konfero::python

namespace konfero::python {

RoomService& RoomServiceOf(py::handle service) {
  return service.cast<H&>().get();
}

void AddRoomServiceDependent(py::handle service, Dependent* dependent) {
  service.cast<H&>().AddDependent(dependent);
}

void RemoveRoomServiceDependent(py::handle service, Dependent* dependent) {
  service.cast<H&>().RemoveDependent(dependent);
}

}  // namespace konfero::python
