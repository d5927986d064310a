"""The signalling protocol through the Python API (konfero.SignallingHub).

A moderator and browser guests, each a fake browser that records the JSON
frames the hub sends it, go through the handshake, joins, the conference
states, chat, kicks, a dropped socket and its grace period, and an SDP
offer; plus RoomService.get_stats() and Engine.totals(). No sockets and no
browser: frames are strings in and out, time is the ManualClock's.
"""
import json
import time
import pathlib

import pytest

import konfero

OFFER = (pathlib.Path(__file__).resolve().parents[1] / "sdp" / "fixtures"
         / "aiortc_offer.sdp").read_text()


class Browser:
    """One WebSocket's worth of a browser tab."""

    def __init__(self, hub, source="198.51.100.7"):
        self.frames = []
        self.closes = 0
        self.joined = None  # the newest `joined` frame
        self.session = hub.open(source, self._on_frame, self._on_close)

    def _on_frame(self, frame):
        assert isinstance(frame, str)
        self.frames.append(json.loads(frame))
        if self.frames[-1]["type"] == "joined":
            self.joined = self.frames[-1]

    def _on_close(self):
        self.closes += 1

    @property
    def closed(self):
        return self.closes > 0

    def send(self, type, **fields):
        self.session.on_message(json.dumps({"type": type, **fields}))

    def types(self):
        return [f["type"] for f in self.frames]

    def of_type(self, type):
        return [f for f in self.frames if f["type"] == type]

    def last(self, type):
        found = self.of_type(type)
        return found[-1] if found else None

    def take(self):
        taken, self.frames = self.frames, []
        return taken

    @property
    def participant(self):
        return self.joined["participant"]


class Hosted:
    def __init__(self, service, clock, admin, room, access, engine, hub):
        self.service, self.clock, self.admin = service, clock, admin
        self.room, self.access, self.engine, self.hub = room, access, engine, hub

    def browser(self, **kw):
        b = Browser(self.hub, **kw)
        b.send("hello", version=1)
        assert b.types() == ["welcome"]
        b.take()
        return b

    def moderator(self):
        b = self.browser()
        b.send("join", **{"as": "moderator"}, session=self.admin.token, room=self.room.id)
        assert b.last("joined") is not None, b.frames
        return b

    def guest(self, name, key=None):
        b = self.browser()
        b.send("join", **{"as": "guest"}, url_token=self.access.url_token, name=name,
               guest_key=key or f"python-guest-key-{name}-0001")
        return b


@pytest.fixture
def hosted(service, clock, admin, public_room):
    room, access = public_room
    engine = konfero.Engine.start(
        service, konfero.EngineOptions(bind_address="127.0.0.1", workers=1),
        konfero.TaskQueue())
    hub = konfero.SignallingHub.create(service, engine, reconnect_grace=20.0)
    yield Hosted(service, clock, admin, room, access, engine, hub)
    hub.shutdown()
    engine.stop()


def test_guest_waits_until_the_moderator_joins_and_again_when_it_leaves(hosted):
    guest = hosted.guest("Erika")
    joined = guest.last("joined")
    assert joined["role"] == "browser_guest" and joined["name"] == "Erika"
    assert joined["state"] == "waiting" and joined["waiting"] is True
    assert joined["room"] == {"id": hosted.room.id, "name": "Weekly"}
    assert guest.types() == ["joined", "participants", "chat-history"]
    guest.take()

    mod = hosted.moderator()
    assert mod.last("joined")["state"] == "running"
    assert guest.of_type("state") == [{"type": "state", "state": "running", "waiting": False}]
    ids = [p["id"] for p in guest.last("participants")["participants"]]
    assert ids == [guest.participant, mod.participant]
    guest.take()

    mod.send("leave")
    assert guest.of_type("state") == [{"type": "state", "state": "on_hold", "waiting": True}]
    assert hosted.service.get_room(hosted.admin.token, hosted.room.id).room.state \
        == konfero.ConferenceState.ON_HOLD


def test_chat_goes_both_ways_and_a_late_joiner_gets_the_history(hosted):
    mod = hosted.moderator()
    guest = hosted.guest("Erika")
    mod.send("chat", text="Willkommen")
    guest.send("chat", text="Hallo")
    for b in (mod, guest):
        assert [(c["from"], c["text"]) for c in b.of_type("chat")] == [
            ("Ada Admin", "Willkommen"), ("Erika", "Hallo")]
    late = hosted.guest("Dora")
    assert [m["text"] for m in late.last("chat-history")["messages"]] == ["Willkommen", "Hallo"]


def test_kicked_guest_is_told_closed_and_its_seat_freed(hosted):
    mod = hosted.moderator()
    guest = hosted.guest("Erika")
    assert hosted.service.guest_seats_in_use == 1
    guest.take()
    mod.send("kick", participant=guest.participant)
    assert guest.types() == ["kicked"]
    assert guest.closes == 1
    assert hosted.service.guest_seats_in_use == 0
    assert [p["id"] for p in mod.last("participants")["participants"]] == [mod.participant]
    again = hosted.guest("Erika")
    assert again.last("error")["code"] == "banned" and again.closed


def test_guests_may_not_moderate_and_bad_frames_are_not_fatal(hosted):
    mod = hosted.moderator()
    guest = hosted.guest("Erika")
    guest.take()
    guest.send("kick", participant=mod.participant)
    guest.send("set-public", public=False)
    guest.session.on_message("{not json")
    guest.send("teleport")
    assert [(e["code"], e["fatal"]) for e in guest.of_type("error")] == [
        ("forbidden", False), ("forbidden", False), ("invalid_argument", False),
        ("unknown_type", False)]
    assert not guest.closed
    assert hosted.service.get_access(hosted.admin.token, hosted.room.id).is_public


def test_join_errors_are_fatal_and_name_no_secret(hosted):
    wrong = hosted.browser()
    wrong.send("join", **{"as": "moderator"}, session="not-a-real-session", room=hosted.room.id)
    error = wrong.last("error")
    assert error["code"] == "unauthenticated" and error["fatal"] is True
    assert "not-a-real-session" not in error["message"]
    assert wrong.closed
    old = hosted.browser()
    old.send("hello", version=1)
    assert old.last("error")["code"] == "failed_precondition"


def test_dropped_guest_resumes_within_grace_and_leaves_after_it(hosted):
    mod = hosted.moderator()
    guest = hosted.guest("Erika")
    token = guest.joined["resume_token"]
    guest.session.on_socket_closed()
    assert hosted.hub.stats().in_grace == 1

    back = hosted.browser()
    back.send("resume", resume_token=token)
    assert back.participant == guest.participant
    assert hosted.hub.stats().in_grace == 0

    back.session.on_socket_closed()
    hosted.clock.advance(21)
    hosted.hub.poll()
    with pytest.raises(konfero.NotFoundError):
        hosted.service.get_participant(guest.participant)
    assert [p["id"] for p in mod.last("participants")["participants"]] == [mod.participant]


def _ticks_stand_still(engine, within=5.0):
    """Whether the workers' tick count stays put for 0.3 s (15 ticks of a
    running worker) at some point within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        before = engine.totals().mixer_ticks
        time.sleep(0.3)
        if engine.totals().mixer_ticks == before:
            return True
    return False


def test_offer_is_answered_and_counted_in_the_engine_totals(hosted):
    assert hosted.engine.totals().peers == 0
    # An idle engine does not tick (no timer wake-ups without a leg).
    assert _ticks_stand_still(hosted.engine)
    mod = hosted.moderator()
    mod.send("offer", sdp=OFFER)
    assert mod.last("answer")["sdp"].startswith("v=0")
    totals = hosted.engine.totals()
    assert isinstance(totals, konfero.EngineTotals)
    assert totals.peers == 1
    assert totals.bytes_in >= 0 and totals.rtp_packets_out >= 0
    assert "peers=1" in repr(totals)
    # The workers tick every 20 ms while they have a leg (this peer).
    deadline = time.monotonic() + 5
    while hosted.engine.totals().mixer_ticks < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    ticks = hosted.engine.totals()
    assert ticks.mixer_ticks >= 5
    assert 0 < ticks.mixer_tick_seconds and 0 < ticks.mixer_tick_max_seconds <= ticks.mixer_tick_seconds
    mod.send("leave")
    assert hosted.engine.totals().peers == 0
    # Idle again: the ticks stop.
    assert _ticks_stand_still(hosted.engine)


def test_room_stats_follow_the_conference(hosted):
    stats = hosted.service.get_stats()
    assert (stats.rooms_idle, stats.moderators, stats.browser_guests) == (1, 0, 0)
    assert stats.guest_seats_total == hosted.service.guest_seats_total
    hosted.guest("Erika")
    stats = hosted.service.get_stats()
    assert (stats.rooms_waiting, stats.rooms_with_guests_waiting) == (1, 1)
    assert (stats.browser_guests, stats.guest_seats_in_use) == (1, 1)
    hosted.moderator()
    stats = hosted.service.get_stats()
    assert (stats.rooms_running, stats.rooms_with_guests_waiting, stats.moderators) == (1, 0, 1)
    assert "rooms_running=1" in repr(stats)


def test_lobby_sees_guests_waiting(hosted):
    lobby = hosted.browser()
    lobby.send("watch-rooms", session=hosted.admin.token)
    assert lobby.last("rooms")["rooms"][0]["guests_waiting"] is False
    hosted.guest("Erika")
    room = lobby.last("rooms")["rooms"][0]
    assert (room["guests_waiting"], room["state"], room["participants"]) == (True, "waiting", 1)


def test_hub_stats_count_sessions_and_frames(hosted):
    hosted.moderator()
    hosted.browser()
    stats = hosted.hub.stats()
    assert (stats.sessions, stats.joined, stats.in_grace) == (2, 1, 0)
    assert stats.frames_in == 3 and stats.frames_out == 5  # 2 welcomes, joined, list, history
    assert stats.errors_sent == 0
    assert "sessions=2" in repr(stats)


def test_a_raising_callback_is_reported_and_the_session_goes_on(hosted, monkeypatch):
    reported = []
    monkeypatch.setattr("sys.unraisablehook", reported.append)

    def send(frame):
        raise RuntimeError("socket gone")

    session = hosted.hub.open("198.51.100.7", send, lambda: None)
    session.on_message('{"type":"hello","version":1}')
    session.on_message('{"type":"hello","version":1}')  # still a session: an error, not a crash
    assert [type(r.exc_value) for r in reported] == [RuntimeError, RuntimeError]
    assert hosted.hub.stats().frames_out == 2


def test_shutdown_tells_everyone_and_later_calls_raise(hosted):
    mod = hosted.moderator()
    guest = hosted.guest("Erika")
    hosted.hub.shutdown()
    assert mod.types()[-1] == "shutdown" and mod.closed
    assert guest.types()[-1] == "shutdown" and guest.closed
    assert hosted.service.get_stats().moderators == 0
    with pytest.raises(konfero.FailedPreconditionError):
        mod.session.on_message('{"type":"leave"}')
    with pytest.raises(konfero.FailedPreconditionError):
        hosted.hub.stats()
    mod.session.on_socket_closed()  # a no-op now
    hosted.hub.shutdown()  # idempotent


def test_a_hub_outliving_its_engine_and_service_does_not_crash(options, clock):
    with konfero.RoomService.open(options, clock) as service:
        engine = konfero.Engine.start(
            service, konfero.EngineOptions(bind_address="127.0.0.1", workers=1),
        konfero.TaskQueue())
        hub = konfero.SignallingHub.create(service, engine)
        session = hub.open("198.51.100.7", lambda f: None, lambda: None)
        session.on_message('{"type":"hello","version":1}')
        engine.stop()  # too early: the hub refuses work from now on
        with pytest.raises(konfero.FailedPreconditionError):
            session.on_message('{"type":"leave"}')
    with pytest.raises(konfero.FailedPreconditionError):
        hub.poll()
    del session
    hub.shutdown()


def test_a_close_callback_may_drop_its_session(hosted):
    sessions = {}

    def close_and_forget(name):
        def close():
            del sessions[name]  # the last reference: the session dies later
        return close

    for name in ("mod", "guest"):
        sessions[name] = hosted.hub.open("198.51.100.7", lambda f: None,
                                         close_and_forget(name))
        sessions[name].on_message('{"type":"hello","version":1}')
    sessions["mod"].on_message(json.dumps({"type": "join", "as": "moderator",
                                           "session": hosted.admin.token,
                                           "room": hosted.room.id}))
    sessions["guest"].on_message(json.dumps({
        "type": "join", "as": "guest", "url_token": hosted.access.url_token,
        "name": "Erika", "guest_key": "python-guest-key-0000"}))
    hosted.hub.shutdown()  # both close callbacks drop their session
    assert sessions == {}
    assert hosted.service.get_stats().moderators == 0


def test_a_callback_may_not_call_the_hub(hosted, monkeypatch):
    reported = []
    monkeypatch.setattr("sys.unraisablehook", reported.append)

    def send(frame):
        hosted.hub.poll()

    session = hosted.hub.open("198.51.100.7", send, lambda: None)
    session.on_message('{"type":"hello","version":1}')
    assert [type(r.exc_value) for r in reported] == [konfero.FailedPreconditionError]
    hosted.hub.poll()  # fine outside the callback
