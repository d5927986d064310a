"""The Python surface itself: conversions, callbacks, lifetime, reprs."""

import copy
import datetime
import gc
import sys

import pytest

import konfero
from room_helpers import ADMIN_PASSWORD, browser_guest


def test_ids_are_plain_ints(service, admin, public_room):
    room, access = public_room
    joined = browser_guest(service, access, "Gina")
    for value in (room.id, admin.user, joined.participant, joined.room):
        assert type(value) is int
    assert room.members == [admin.user]
    with pytest.raises(TypeError):
        service.get_room(admin.token, "1")
    with pytest.raises(TypeError):
        service.get_participant(-1)  # participant ids are unsigned


def test_times_are_unix_seconds_and_accept_datetime(clock):
    assert clock.now() == 1_700_000_000.0
    clock.advance(1.5)
    clock.advance(datetime.timedelta(minutes=1))
    assert clock.now() == 1_700_000_061.5
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    clock.set(when)
    assert clock.now() == when.timestamp()
    with pytest.raises(TypeError):
        clock.advance("1s")
    assert isinstance(konfero.SystemClock().now(), float)


def test_options_are_keyword_constructible_with_header_defaults():
    opts = konfero.RoomServiceOptions()
    assert (opts.database, opts.guest_seats, opts.pin_digits) == (
        ":memory:", 10, 6)
    assert opts.database_busy_timeout == 2.0 and opts.session_ttl == 43200.0
    assert (opts.login_limit.max_failures, opts.login_limit.window,
            opts.login_limit.lockout) == (5, 60.0, 300.0)
    assert opts.guest_code_global_limit.max_failures == 100

    opts = konfero.RoomServiceOptions(
        guest_seats=3, session_ttl=datetime.timedelta(hours=1),
        guest_code_limit=konfero.RateLimit(max_failures=2, window=10))
    assert (opts.guest_seats, opts.session_ttl) == (3, 3600.0)
    assert opts.guest_code_limit.window == 10.0
    opts.login_limit.max_failures = 9  # nested records are live views
    assert opts.login_limit.max_failures == 9
    with pytest.raises(TypeError, match="unexpected keyword argument 'seats'"):
        konfero.RoomServiceOptions(seats=3)
    with pytest.raises(TypeError):
        konfero.RoomServiceOptions(guest_seats="three")


def test_reprs_are_readable_and_hide_secrets(service, admin, public_room):
    room, access = public_room
    assert admin.token not in repr(admin) and "'***'" in repr(admin)
    assert repr(room).startswith(f"RoomInfo(id={room.id}, name='Weekly'")
    assert "state=ConferenceState.IDLE" in repr(room)
    text = repr(access)
    assert access.pin not in text and access.url_token not in text
    assert "dial_in_number='+49 30 1234567'" in text
    join = konfero.BrowserGuestJoin(url_token="t" * 22, guest_key="k" * 20,
                                    display_name="Gina")
    assert "t" * 22 not in repr(join) and "k" * 20 not in repr(join)
    assert repr(konfero.KickOptions()) == "KickOptions(regenerate_access=False)"
    assert repr(service).startswith("<konfero.RoomService database=':memory:'")


def test_records_copy(public_room):
    room, _ = public_room
    other = copy.deepcopy(room)
    other.name = "Changed"
    assert room.name == "Weekly"
    assert copy.copy(room).name == "Weekly"


def test_events_carry_typed_bodies_that_match(service, admin, events):
    room = service.create_room(admin.token, "Weekly")
    (event,) = events
    assert (event.name, event.room, event.at) == ("room_created", room.id,
                                                  1_700_000_000.0)
    match event.body:
        case konfero.RoomCreated(name=name):
            assert name == "Weekly"
        case _:
            pytest.fail(f"unexpected body {event.body!r}")
    assert repr(event).startswith(f"Event(seq={event.seq}, room={room.id}")
    assert "body=RoomCreated(name='Weekly')" in repr(event)
    with pytest.raises(AttributeError):
        event.body.name = "nope"  # events are read-only


def test_callback_exception_goes_to_unraisablehook(service, admin,
                                                   monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    after = []

    def broken(event):
        raise RuntimeError("subscriber bug")

    service.subscribe(broken)
    service.subscribe(after.append)
    room = service.create_room(admin.token, "Still created")
    # The call succeeded, the later subscriber still got the event, and the
    # error was reported, not swallowed.
    assert service.get_room(admin.token, room.id).room.name == "Still created"
    assert [e.name for e in after] == ["room_created"]
    assert len(reported) == 1
    assert isinstance(reported[0].exc_value, RuntimeError)
    assert reported[0].object is broken


def test_callbacks_may_call_back_into_the_service(service, admin):
    seen = []

    def rename_once(event):
        seen.append(event.name)
        if event.name == "room_created":
            service.rename_room(admin.token, event.room, "Renamed in callback")

    service.subscribe(rename_once)
    room = service.create_room(admin.token, "Original")
    assert seen == ["room_created", "room_renamed"]
    assert service.get_room(admin.token, room.id).room.name == \
        "Renamed in callback"


def test_unsubscribe_stops_delivery(service, admin):
    got = []
    sub = service.subscribe(got.append)
    assert type(sub) is int
    service.create_room(admin.token, "One")
    service.unsubscribe(sub)
    service.create_room(admin.token, "Two")
    assert [e.body.name for e in got] == ["One"]


def test_close_is_idempotent_and_later_calls_fail(options, clock):
    svc = konfero.RoomService.open(options, clock)
    svc.bootstrap_admin("admin", "Admin", ADMIN_PASSWORD)
    assert not svc.closed
    svc.close()
    svc.close()
    assert svc.closed and "closed" in repr(svc)
    with pytest.raises(konfero.FailedPreconditionError, match="closed"):
        svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")


def test_close_from_a_callback_is_refused(service, admin, monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)
    service.subscribe(lambda event: service.close())
    service.create_room(admin.token, "Room")
    assert not service.closed
    assert isinstance(reported[0].exc_value, konfero.FailedPreconditionError)


def test_service_keeps_its_clock_alive(options):
    clock = konfero.ManualClock(1_800_000_000)
    svc = konfero.RoomService.open(options, clock)
    del clock
    gc.collect()
    svc.bootstrap_admin("admin", "Admin", ADMIN_PASSWORD)
    session = svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")
    assert session.expires_at == 1_800_000_000 + 12 * 3600
    svc.close()


def test_default_clock_is_the_system_clock(options):
    with konfero.RoomService.open(options) as svc:
        svc.bootstrap_admin("admin", "Admin", ADMIN_PASSWORD)
        session = svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")
        now = datetime.datetime.now(datetime.timezone.utc).timestamp()
        assert abs(session.expires_at - (now + 12 * 3600)) < 60


class CountingRandom(konfero.RandomSource):
    """Deterministic bytes, so a test can see the service uses this source."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def fill(self, n):
        self.calls += 1
        return bytes((self.calls + i) % 256 for i in range(n))


def test_a_python_random_source_supplies_the_secrets(options, clock):
    random = CountingRandom()
    with konfero.RoomService.open(options, clock, random) as svc:
        svc.bootstrap_admin("admin", "Admin", ADMIN_PASSWORD)
        before = random.calls
        session = svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")
        assert random.calls > before
        room = svc.create_room(session.token, "Weekly")
        access = svc.set_public(session.token, room.id, True)
        assert access.pin.isdigit() and len(access.pin) == 6


def test_a_broken_random_source_falls_back_to_the_csprng(options, clock,
                                                         monkeypatch):
    reported = []
    monkeypatch.setattr(sys, "unraisablehook", reported.append)

    class Broken(konfero.RandomSource):
        def fill(self, n):
            return b"short"

    with konfero.RoomService.open(options, clock, Broken()) as svc:
        svc.bootstrap_admin("admin", "Admin", ADMIN_PASSWORD)
        session = svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")
        assert len(session.token) >= 16
    assert reported and isinstance(reported[0].exc_value, ValueError)


def test_browser_guest_join_takes_a_record_or_keywords(service, public_room):
    _, access = public_room
    record = konfero.BrowserGuestJoin(url_token=access.url_token,
                                      display_name="Rec",
                                      guest_key="record-key-123456",
                                      source="192.0.2.1")
    assert service.join_as_browser_guest(record).role == \
        konfero.ParticipantRole.BROWSER_GUEST
    phone = konfero.PhoneGuestJoin(pin=access.pin, caller="+1")
    assert phone.room is None
    assert service.join_as_phone_guest(phone).role == \
        konfero.ParticipantRole.PHONE_GUEST


def test_enum_labels_are_the_stable_names():
    assert konfero.ConferenceState.ON_HOLD.label == "on_hold"
    assert konfero.ParticipantRole.BROWSER_GUEST.label == "browser_guest"
    assert konfero.LeaveReason.ACCESS_REVOKED.label == "access_revoked"


def test_two_python_threads_share_a_service_safely(service, admin, events):
    # The bindings hold the GIL during calls, which serializes the threads
    # on the (not thread-safe) service; callbacks run on the calling thread.
    import threading

    def create(prefix):
        for i in range(50):
            service.create_room(admin.token, f"{prefix}-{i}")

    threads = [threading.Thread(target=create, args=(p,)) for p in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(service.list_rooms(admin.token)) == 100
    seqs = [e.seq for e in events]
    assert len(seqs) == 100 and seqs == sorted(set(seqs))
