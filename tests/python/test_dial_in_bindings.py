"""konfero.DialInService and the phone pieces of the bindings, in process.

A RoomService, an Engine and a DialInService on 127.0.0.1 (SIP on port 0,
read back from listen_addresses), driven the way a Python server drives
them: the test thread pumps the engine's TaskQueue (queue.wait) while sipp
calls (tests/python/sip/*.xml, helpers in sip_peers.py). Without sipp those
tests skip; the rest need no peer:
  - option validation: bad DialInOptions raise ValueError naming the field;
  - ownership: engine.stop() and service.close() close the dial-in first,
    one dial-in per engine, on_call_event refused while one runs;
  - Engine's call API (answer_call, play_prompt, on_call_event, hang_up_call);
  - RoomService.try_join_as_phone_guest, mask_caller_id and the new
    RoomServiceOptions fields.
Run under scripts/netns_run.sh like the other peer tests.
"""
import importlib.util
import pathlib
import re
import socket
import time

import pytest

import konfero
from room_helpers import ADMIN_PASSWORD
from rtp_peers import free_port_pair, offer_sdp
from sip_peers import (DIAL_IN_NUMBER, DIAL_IN_USER, Procs, Sipp, info_digits, missing,
                       render_scenario)

REPO = pathlib.Path(__file__).resolve().parents[2]
CALLER = "+49 30 5550 4567"
CALLER_USER = "+493055504567"


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pump_until(queue, predicate, timeout):
    """Runs the engine's reports (SIP included) on this thread until
    predicate() is truthy; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        queue.wait(0.02)


def example_server():
    pytest.importorskip("aiohttp")
    spec = importlib.util.spec_from_file_location(
        "konfero_example_server", REPO / "examples" / "python" / "server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(params=["bindings", "example_server"])
def stack(request, service):
    """(queue, engine, dial_in) on 127.0.0.1; dial-in on any free port, one
    number covering every public room: started directly, or the way
    examples/python/server.py does for --sip-listen."""
    queue = konfero.TaskQueue()
    engine = konfero.Engine.start(
        service, konfero.EngineOptions(bind_address="127.0.0.1", workers=1), queue)
    if request.param == "bindings":
        dial_in = konfero.DialInService.start(service, engine, konfero.DialInOptions(
            listen="127.0.0.1:0", numbers=[konfero.DialInNumber(number=DIAL_IN_NUMBER)]))
    else:
        module = example_server()
        args = module.parse_args(["--sip-listen", "127.0.0.1:0", "--dial-in-number",
                                  DIAL_IN_NUMBER, "--sip-allow", "127.0.0.0/8"])
        dial_in = module.start_dial_in(args, service, engine, queue)
    yield queue, engine, dial_in
    dial_in.close()
    engine.stop()


def sip_port(dial_in):
    [udp] = [a for a in dial_in.listen_addresses if a.startswith("udp ")]
    m = re.fullmatch(r"udp 127\.0\.0\.1:(\d+)", udp)
    assert m, dial_in.listen_addresses
    return int(m.group(1))


def leg_kind(engine, participant):
    try:
        return engine.stats(participant).kind
    except konfero.NotFoundError:
        return None


def phone_guests(service, admin, room):
    return [p for p in service.get_room(admin.token, room).participants
            if p.role == konfero.ParticipantRole.PHONE_GUEST]


# ---------------------------------------------------------------- a real call

def test_sipp_call_with_pin_by_info_joins_as_masked_phone_guest(
        service, admin, public_room, stack, tmp_path):
    if missing("sipp"):
        pytest.skip("sipp is not installed")
    room, access = public_room
    queue, engine, dial_in = stack
    assert {a.split()[0] for a in dial_in.listen_addresses} >= {"udp", "tcp"}
    port = sip_port(dial_in)
    joined = []
    service.subscribe(lambda e: joined.append(e.body)
                      if isinstance(e.body, konfero.ParticipantJoined) else None)

    procs = Procs()
    try:
        scenario = render_scenario("uac_pin_info.xml", tmp_path, info_digits(access.pin + "#"))
        uac = Sipp(procs, scenario, tmp_path, f"127.0.0.1:{port}", free_udp_port(),
                   caller=CALLER_USER, service=DIAL_IN_USER, hold_ms=3000,
                   media_port=free_port_pair(), timeout_s=40)
        guests = pump_until(queue, lambda: phone_guests(service, admin, room.id), 30)
        assert guests, "no phone guest joined\n" + uac.report()
        [guest] = guests
        assert guest.display_name == konfero.mask_caller_id(CALLER) == "Phone \u20264567"
        assert guest.user is None and guest.waiting  # no moderator is in
        assert [b.participant.id for b in joined] == [guest.id]
        stats = dial_in.stats()
        assert (stats.calls_in_conference, stats.calls_pin, stats.calls_answering) == (1, 0, 0)
        assert stats.calls_total == 1 and stats.pin_failures == 0 and stats.calls_rejected == 0
        # AdmitCall hands the call's leg to the participant through the
        # media worker: it is the guest's once that report has run.
        assert pump_until(queue, lambda: leg_kind(engine, guest.id), 5) == \
            konfero.LegKind.PLAIN_RTP

        # sipp hangs up after hold_ms: BYE, 200; the guest leaves.
        pump_until(queue, lambda: not uac.running(), 30)
        assert uac.wait(5) == 0, uac.report()
        assert pump_until(queue, lambda: not phone_guests(service, admin, room.id), 5)
        assert pump_until(queue, lambda: dial_in.stats().calls_in_conference == 0, 5)
        assert dial_in.stats().calls_total == 1
    finally:
        procs.kill_all()


@pytest.mark.parametrize("stack", ["bindings"], indirect=True)
def test_sipp_call_with_wrong_pins_counts_failures_and_gets_a_bye(
        service, admin, public_room, stack, tmp_path):
    if missing("sipp"):
        pytest.skip("sipp is not installed")
    room, access = public_room
    queue, _engine, dial_in = stack
    wrong = [str((int(access.pin) + k) % 10 ** len(access.pin)).zfill(len(access.pin))
             for k in (1, 2, 3)]
    # A pause after each wrong PIN but the last: the goodbye and the BYE
    # follow that one within about a second, and sipp must already be
    # waiting for the BYE then (during a <pause> it aborts on it).
    digits = "".join(info_digits(p + "#", cseq=10 + 20 * i, pause_after_ms=2500 if i < 2 else 0)
                     for i, p in enumerate(wrong))
    procs = Procs()
    try:
        scenario = render_scenario("uac_wrong_pin.xml", tmp_path, digits)
        uac = Sipp(procs, scenario, tmp_path, f"127.0.0.1:{sip_port(dial_in)}",
                   free_udp_port(), caller=CALLER_USER, media_port=free_port_pair(),
                   timeout_s=60)
        pump_until(queue, lambda: not uac.running(), 70)
        assert uac.wait(5) == 0, uac.report()
        assert "BYE sip:" in uac.log("messages")  # the server hung up
        stats = dial_in.stats()
        assert stats.pin_failures == 3, stats
        assert (stats.calls_pin, stats.calls_in_conference, stats.calls_total) == (0, 0, 1)
        assert not phone_guests(service, admin, room.id)
    finally:
        procs.kill_all()


# ---------------------------------------------------------------- validation

@pytest.fixture
def engine(service):
    queue = konfero.TaskQueue()
    engine = konfero.Engine.start(
        service, konfero.EngineOptions(bind_address="127.0.0.1", workers=1), queue)
    yield engine
    engine.stop()


NUMBER = [konfero.DialInNumber(number=DIAL_IN_NUMBER)]


@pytest.mark.parametrize("fields,message", [
    ({"numbers": []}, "numbers"),
    ({"max_pin_attempts": 0}, "max_pin_attempts"),
    ({"max_pin_attempts": 11}, "max_pin_attempts"),
    ({"pin_timeout": 0.5}, "pin_timeout"),
    ({"pin_timeout": 301}, "pin_timeout"),
    ({"min_session_expires": 30}, "min_session_expires"),
    ({"session_expires": 100, "min_session_expires": 120}, "session_expires"),
    ({"max_calls": 0}, "max_calls"),
    ({"announced_address": "not-an-ip"}, "announced_address"),
    ({"listen": "", "tls_listen": ""}, "listen"),
    ({"listen": "nonsense"}, r'listen: "nonsense" is not IP:PORT'),
    ({"numbers": [konfero.DialInNumber(number="extension")]}, "has no digits"),
    ({"numbers": NUMBER * 2}, "listed twice"),
    ({"trunks": [konfero.SipTrunk(name="pbx", allow=["10.0.0.300/8"])]},
     'trunk "pbx": not an address or CIDR'),
    ({"trunks": [konfero.SipTrunk(name="pbx", allow=[])]}, "allows no source address"),
    ({"trunks": [konfero.SipTrunk(name="pbx", allow=["10.0.0.0/8"], realm="r")]},
     "needs a username and a password"),
])
def test_bad_options_raise_value_error_naming_the_field(service, engine, fields, message):
    options = konfero.DialInOptions(listen="127.0.0.1:0", numbers=NUMBER)
    for key, value in fields.items():
        setattr(options, key, value)
    with pytest.raises(ValueError, match=message) as info:
        konfero.DialInService.start(service, engine, options)
    assert isinstance(info.value, konfero.InvalidArgumentError)
    assert info.value.code == konfero.StatusCode.INVALID_ARGUMENT
    # A failed start leaves nothing registered: a good one works next.
    with konfero.DialInService.start(
            service, engine, konfero.DialInOptions(listen="127.0.0.1:0", numbers=NUMBER)):
        pass


def test_option_types_are_checked_by_the_bindings():
    with pytest.raises(TypeError, match="unexpected keyword argument 'pin_timout'"):
        konfero.DialInOptions(pin_timout=3)
    with pytest.raises(TypeError):
        konfero.DialInOptions(pin_timeout="soon")
    with pytest.raises(TypeError):
        konfero.DialInNumber(room="kitchen")
    options = konfero.DialInOptions(
        pin_timeout=__import__("datetime").timedelta(seconds=7),
        numbers=[konfero.DialInNumber(number="+49 30 1", room=4,
                                      language=konfero.PromptLanguage.GERMAN)],
        trunks=[konfero.SipTrunk(name="pbx", allow=["10.0.0.0/8"], realm="r",
                                 username="u", password="hunter2")],
        registrations=[konfero.SipRegistration(registrar="sip:a@b", password="pw", expires=60)])
    assert options.pin_timeout == 7.0
    assert options.numbers[0].room == 4
    assert options.numbers[0].language == konfero.PromptLanguage.GERMAN
    assert options.registrations[0].expires == 60.0
    text = repr(options)
    assert "hunter2" not in text and "'pw'" not in text and "***" in text
    assert options.max_pin_attempts == 3 and options.max_calls == 500
    assert options.session_expires == 1800.0 and options.min_session_expires == 90.0


def test_a_taken_port_is_unavailable(service, engine):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        with pytest.raises(konfero.UnavailableError):
            konfero.DialInService.start(service, engine, konfero.DialInOptions(
                listen=f"127.0.0.1:{port}", numbers=NUMBER))


# ---------------------------------------------------------------- ownership

def test_engine_stop_closes_the_dial_in_first(service, engine):
    dial_in = konfero.DialInService.start(
        service, engine, konfero.DialInOptions(listen="127.0.0.1:0", numbers=NUMBER))
    assert not dial_in.closed
    with pytest.raises(konfero.FailedPreconditionError, match="DialInService"):
        engine.on_call_event(print)
    with pytest.raises(konfero.FailedPreconditionError, match="already has a DialInService"):
        konfero.DialInService.start(
            service, engine, konfero.DialInOptions(listen="127.0.0.1:0", numbers=NUMBER))
    engine.stop()
    assert dial_in.closed
    with pytest.raises(konfero.FailedPreconditionError, match="DialInService is closed"):
        dial_in.stats()
    dial_in.close()  # idempotent
    with pytest.raises(konfero.FailedPreconditionError, match="Engine is stopped"):
        konfero.DialInService.start(
            service, engine, konfero.DialInOptions(listen="127.0.0.1:0", numbers=NUMBER))


def test_service_close_closes_the_dial_in_and_handler_rules(clock):
    service = konfero.RoomService.open(konfero.RoomServiceOptions(), clock)
    queue = konfero.TaskQueue()
    engine = konfero.Engine.start(
        service, konfero.EngineOptions(bind_address="127.0.0.1", workers=1), queue)
    engine.on_call_event(print)
    with pytest.raises(konfero.FailedPreconditionError, match="on_call_event"):
        konfero.DialInService.start(
            service, engine, konfero.DialInOptions(listen="127.0.0.1:0", numbers=NUMBER))
    engine.on_call_event(None)
    dial_in = konfero.DialInService.start(
        service, engine, konfero.DialInOptions(listen="127.0.0.1:0", numbers=NUMBER),
        queue=queue)
    assert dial_in.stats().calls_total == 0
    engine.stop()  # as the contract says: the engine before the service
    assert dial_in.closed
    service.close()
    # and the other order: the service's close() closes the dial-in too
    service = konfero.RoomService.open(konfero.RoomServiceOptions(), clock)
    engine = konfero.Engine.start(
        service, konfero.EngineOptions(bind_address="127.0.0.1", workers=1), queue)
    with konfero.DialInService.start(service, engine, konfero.DialInOptions(
            listen="127.0.0.1:0", numbers=NUMBER)) as dial_in:
        service.close()
        assert dial_in.closed
    engine.stop()


def test_example_server_without_sip_listen_starts_no_dial_in(service, engine):
    module = example_server()
    args = module.parse_args(["--dial-in", "+49 30 999"])
    assert args.sip_listen is None and args.dial_in == "+49 30 999"
    assert module.start_dial_in(args, service, engine, konfero.TaskQueue()) is None
    with pytest.raises(SystemExit):
        module.parse_args(["--sip-listen", "nonsense"])


# ---------------------------------------------------------------- Engine's call API

def test_answer_call_plays_a_prompt_and_reports_it_done(service, engine):
    queue = konfero.TaskQueue()
    engine.stop()
    engine = konfero.Engine.start(
        service, konfero.EngineOptions(bind_address="127.0.0.1", workers=1), queue)
    events = []
    engine.on_call_event(events.append)
    call, answer = engine.answer_call(
        offer_sdp(free_port_pair(), [0, 101], [(101, "telephone-event/8000")]))
    assert isinstance(call, int) and re.search(r"^m=audio \d+ RTP/AVP 0", answer, re.M)
    engine.play_prompt(call, konfero.PromptId.GOODBYE, konfero.PromptLanguage.GERMAN)
    done = pump_until(queue, lambda: [e for e in events
                                      if e.type == konfero.CallEventType.PROMPTS_DONE], 15)
    assert done and done[0].call == call and done[0].digit == "", events
    with pytest.raises(konfero.NotFoundError):
        engine.admit_call(call + 1000, 1)
    with pytest.raises(ValueError):
        engine.answer_call("v=0\r\n")
    engine.hang_up_call(call)
    with pytest.raises(konfero.NotFoundError):
        engine.play_prompt(call, konfero.PromptId.GOODBYE, konfero.PromptLanguage.ENGLISH)
    engine.on_call_event(None)
    engine.stop()


# ---------------------------------------------------------------- rooms

def test_try_join_as_phone_guest_reports_error_and_answer_delay(clock):
    options = konfero.RoomServiceOptions(
        guest_code_global_limit=konfero.RateLimit(max_failures=2, window=60, lockout=60),
        phone_slow_answer_delay=7.5,
        phone_caller_limit=konfero.RateLimit(max_failures=50, window=60, lockout=60),
        phone_room_limit=konfero.RateLimit(max_failures=40, window=60, lockout=60))
    assert options.phone_caller_limit.max_failures == 50
    assert options.phone_room_limit.max_failures == 40
    assert "phone_slow_answer_delay=7.5" in repr(options)
    with konfero.RoomService.open(options, clock) as service:
        service.bootstrap_admin("admin", "Ada Admin", ADMIN_PASSWORD)
        admin = service.login("admin", ADMIN_PASSWORD, "10.0.0.1")
        room = service.create_room(admin.token, "Weekly")
        pin = service.set_public(admin.token, room.id, True).pin
        wrong = str((int(pin) + 1) % 10 ** len(pin)).zfill(len(pin))

        attempt = service.try_join_as_phone_guest(pin=wrong, caller=CALLER, source="10.1.0.1")
        assert attempt.result is None and attempt.answer_delay == 0
        assert isinstance(attempt.error, konfero.PermissionDeniedError)
        assert attempt.error.code == konfero.StatusCode.PERMISSION_DENIED
        with pytest.raises(konfero.PermissionDeniedError):
            attempt.unwrap()
        assert pin not in repr(attempt) and wrong not in repr(attempt)
        service.try_join_as_phone_guest(
            konfero.PhoneGuestJoin(pin=wrong, caller="+1 555 0100", source="10.1.0.2"))
        # Past the global limit the right PIN still joins, but slowly.
        attempt = service.try_join_as_phone_guest(pin=pin, caller=CALLER, source="10.1.0.3")
        assert attempt.error is None and attempt.answer_delay == 7.5
        assert attempt.result.role == konfero.ParticipantRole.PHONE_GUEST
        assert attempt.unwrap().participant == attempt.result.participant
        guest = service.get_participant(attempt.result.participant)
        assert guest.display_name == konfero.mask_caller_id(CALLER) == "Phone \u20264567"


def test_mask_caller_id():
    assert konfero.mask_caller_id("+4930123454567") == "Phone \u20264567"
    assert konfero.mask_caller_id("12") == "Phone \u202612"
    assert konfero.mask_caller_id("anonymous") == "Phone"
    assert konfero.mask_caller_id("") == "Phone"
