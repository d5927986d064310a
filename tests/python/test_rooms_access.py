"""Public access: PIN and URL rate limits, kicks and bans, going private."""

import pytest

import konfero
from room_helpers import (browser_guest, by_name, drain, guest_key, only,
                          phone_guest)

Reason = konfero.LeaveReason


def wrong_pin(access):
    return "0" * len(access.pin) if access.pin != "0" * len(access.pin) \
        else "1" * len(access.pin)


def test_wrong_pins_lock_the_source_out_until_the_clock_moves(
        service, public_room, clock):
    _, access = public_room
    bad = wrong_pin(access)
    for _ in range(5):
        with pytest.raises(konfero.PermissionDeniedError):
            service.join_as_phone_guest(pin=bad, source="198.51.100.66")
    # Locked out: even the right PIN is refused from that source...
    with pytest.raises(konfero.ResourceExhaustedError):
        service.join_as_phone_guest(pin=access.pin, source="198.51.100.66")
    # ...while another source still gets in.
    assert phone_guest(service, access, source="198.51.100.99").role == \
        konfero.ParticipantRole.PHONE_GUEST

    clock.advance(5 * 60 + 1)  # past the default 5-minute lockout
    joined = service.join_as_phone_guest(pin=access.pin,
                                         source="198.51.100.66")
    assert joined.role == konfero.ParticipantRole.PHONE_GUEST


def test_failures_outside_the_window_do_not_add_up(service, public_room,
                                                   clock):
    _, access = public_room
    bad = wrong_pin(access)
    for _ in range(4):
        with pytest.raises(konfero.PermissionDeniedError):
            service.join_as_phone_guest(pin=bad, source="192.0.2.1")
    clock.advance(61)  # the 1-minute window has passed
    for _ in range(4):
        with pytest.raises(konfero.PermissionDeniedError):
            service.join_as_phone_guest(pin=bad, source="192.0.2.1")
    phone_guest(service, access, source="192.0.2.1")


def test_wrong_url_tokens_count_towards_the_same_limit(service, public_room):
    _, access = public_room
    for i in range(5):
        with pytest.raises(konfero.NotFoundError):
            service.join_as_browser_guest(
                url_token=f"no-such-token-{i}", display_name="Mallory",
                guest_key=guest_key(), source="192.0.2.50")
    with pytest.raises(konfero.ResourceExhaustedError):
        browser_guest(service, access, "Mallory", source="192.0.2.50")


def test_guest_cannot_kick(service, admin, public_room):
    room, access = public_room
    service.join_as_member(admin.token, room.id)
    a = browser_guest(service, access, "Anna")
    b = browser_guest(service, access, "Bert")
    with pytest.raises(konfero.PermissionDeniedError):
        service.kick(a.participant, b.participant)
    assert service.get_participant(b.participant).display_name == "Bert"


def test_kicked_guest_is_barred_until_the_ban_is_lifted(
        service, admin, public_room, events):
    room, access = public_room
    mod = service.join_as_member(admin.token, room.id)
    key = guest_key()
    anna = browser_guest(service, access, "Anna", key=key)
    drain(events)

    service.kick(mod.participant, anna.participant)
    step = drain(events)
    left = only(step, "participant_left")
    assert (left.participant, left.reason) == (anna.participant, Reason.KICKED)
    ban = only(step, "guest_banned").ban
    assert (ban.room, ban.display_name) == (room.id, "Anna")
    with pytest.raises(konfero.NotFoundError):
        service.get_participant(anna.participant)

    # The same key is barred, under any name; another key is not.
    with pytest.raises(konfero.PermissionDeniedError):
        browser_guest(service, access, "Not Anna", key=key)
    other = browser_guest(service, access, "Someone else")
    service.leave(other.participant)

    (listed,) = service.list_bans(mod.participant)
    assert (listed.id, listed.display_name) == (ban.id, "Anna")
    drain(events)
    service.lift_ban(mod.participant, ban.id)
    assert only(drain(events), "ban_lifted").ban == ban.id
    assert service.list_bans(mod.participant) == []
    again = browser_guest(service, access, "Anna", key=key)
    assert again.participant != anna.participant


def test_kick_with_regenerate_access_retires_old_pin_and_url(
        service, admin, public_room, events):
    room, old = public_room
    mod = service.join_as_member(admin.token, room.id)
    stays = browser_guest(service, old, "Stays")
    phone = phone_guest(service, old, caller="+4930999")
    drain(events)

    service.kick(mod.participant, phone.participant,
                 konfero.KickOptions(regenerate_access=True))
    step = drain(events)
    assert only(step, "participant_left").reason == Reason.KICKED
    changed = only(step, "access_changed")
    assert (changed.is_public, changed.regenerated) == (True, True)

    new = service.get_access(admin.token, room.id)
    assert new.pin != old.pin and new.url_token != old.url_token
    assert new.url.endswith(new.url_token)
    with pytest.raises(konfero.NotFoundError):
        browser_guest(service, old, "Old link")
    with pytest.raises(konfero.PermissionDeniedError):
        phone_guest(service, old, source="203.0.113.77")
    # Guests who came in with the old codes stay; the new codes work.
    assert service.get_participant(stays.participant).display_name == "Stays"
    assert browser_guest(service, new, "New link").room == room.id
    assert phone_guest(service, new, source="203.0.113.78").room == room.id


def test_regenerate_access_alone(service, admin, public_room):
    room, old = public_room
    new = service.regenerate_access(admin.token, room.id)
    assert new.is_public and new.pin != old.pin
    with pytest.raises(konfero.NotFoundError):
        browser_guest(service, old, "Old link")
    assert browser_guest(service, new, "New link").room == room.id


def test_making_a_room_private_removes_guests_and_refuses_new_ones(
        service, admin, public_room, events):
    room, access = public_room
    mod = service.join_as_member(admin.token, room.id)
    web = browser_guest(service, access, "Web")
    tel = phone_guest(service, access)
    drain(events)

    private = service.set_public(admin.token, room.id, False)
    assert not private.is_public
    assert (private.pin, private.url_token, private.url,
            private.invitation_en) == ("", "", "", "")
    step = drain(events)
    left = by_name(step, "participant_left")
    assert sorted(b.participant for b in left) == sorted(
        [web.participant, tel.participant])
    assert {b.reason for b in left} == {Reason.ACCESS_REVOKED}
    changed = only(step, "access_changed")
    assert (changed.is_public, changed.regenerated) == (False, False)

    snap = service.get_room(admin.token, room.id)
    assert [p.id for p in snap.participants] == [mod.participant]
    assert not snap.room.is_public
    assert not service.get_access(admin.token, room.id).is_public
    # The link is recognised: the guest is told the room is not public.
    with pytest.raises(konfero.FailedPreconditionError):
        browser_guest(service, access, "Late")
    with pytest.raises(konfero.PermissionDeniedError):
        phone_guest(service, access, source="203.0.113.9")

    # Public again: new codes; the revoked ones are unknown from now on.
    again = service.set_public(admin.token, room.id, True)
    assert again.url_token != access.url_token
    with pytest.raises(konfero.NotFoundError):
        browser_guest(service, access, "Late")


def test_set_public_twice_keeps_the_codes(service, admin, public_room):
    room, access = public_room
    again = service.set_public(admin.token, room.id, True)
    assert (again.pin, again.url_token) == (access.pin, access.url_token)


def test_invitation_carries_dial_in_pin_and_url(service, public_room):
    _, access = public_room
    assert access.dial_in_number == "+49 30 1234567"
    assert access.url == "https://meet.example/join/" + access.url_token
    assert len(access.pin) == 6 and access.pin.isdigit()
    for text in (access.invitation_en, access.invitation_de):
        assert access.pin in text and access.url in text
        assert "+49 30 1234567" in text
    assert access.invitation_en != access.invitation_de


def test_look_up_guest_url_names_the_room_and_admits_nobody(
        service, admin, public_room, events):
    room, access = public_room
    drain(events)
    info = service.look_up_guest_url(access.url_token, "198.51.100.7")
    assert (info.room_name, info.state, info.moderator_present) == (
        room.name, konfero.ConferenceState.IDLE, False)
    assert drain(events) == []
    assert service.guest_seats_in_use == 0
    service.join_as_member(admin.token, room.id)
    info = service.look_up_guest_url(access.url_token)
    assert (info.state, info.moderator_present) == (
        konfero.ConferenceState.RUNNING, True)


def test_look_up_guest_url_tells_private_from_unknown(service, admin,
                                                      public_room):
    room, access = public_room
    with pytest.raises(konfero.NotFoundError):
        service.look_up_guest_url("no-such-token", "198.51.100.8")
    service.set_public(admin.token, room.id, False)
    with pytest.raises(konfero.FailedPreconditionError):
        service.look_up_guest_url(access.url_token, "198.51.100.8")
    with pytest.raises(konfero.InvalidArgumentError):
        service.look_up_guest_url("x" * 65, "198.51.100.8")
