"""Muting, membership, deleting rooms, login lockout; failed calls are silent."""

import pytest

import konfero
from room_helpers import browser_guest, by_name, drain, only

Reason = konfero.LeaveReason


@pytest.fixture
def bob(service, admin, public_room):
    room, _ = public_room
    service.create_user(admin.token, "bob", "Bob", "bob-pass-123")
    service.add_member(admin.token, room.id, "bob")
    return service.login("bob", "bob-pass-123", "10.0.0.2")


def test_mute_rules(service, admin, public_room, events):
    room, access = public_room
    mod = service.join_as_member(admin.token, room.id).participant
    guest = browser_guest(service, access, "Gina").participant
    drain(events)
    with pytest.raises(konfero.PermissionDeniedError):
        service.set_muted(guest, mod, True)  # guests mute only themselves
    service.set_muted(mod, guest, True)
    muted = only(drain(events), "participant_muted")
    assert (muted.participant, muted.muted, muted.by) == (guest, True, mod)
    with pytest.raises(konfero.PermissionDeniedError):
        service.set_muted(mod, guest, False)  # never unmute someone else
    assert service.get_participant(guest).muted
    service.set_muted(guest, guest, False)
    assert not service.get_participant(guest).muted


def test_removed_member_leaves_the_conference(service, admin, public_room,
                                              bob, events):
    room, _ = public_room
    joined = service.join_as_member(bob.token, room.id)
    drain(events)
    service.remove_member(admin.token, room.id, "bob")
    step = drain(events)
    left = only(step, "participant_left")
    assert (left.participant, left.reason) == (joined.participant,
                                               Reason.MEMBERSHIP_REVOKED)
    only(step, "members_changed")
    with pytest.raises(konfero.NotFoundError):  # no member: as if there were no room
        service.join_as_member(bob.token, room.id)
    with pytest.raises(konfero.FailedPreconditionError):
        service.remove_member(admin.token, room.id, "admin")  # the last one
    assert service.get_room(admin.token, room.id).room.members == [admin.user]


def test_deleting_a_room_ends_its_conference(service, admin, public_room,
                                             events):
    room, access = public_room
    service.join_as_member(admin.token, room.id)
    browser_guest(service, access, "Gina")
    drain(events)
    service.delete_room(admin.token, room.id)
    step = drain(events)
    left = by_name(step, konfero.ParticipantLeft)
    assert len(left) == 2
    assert {b.reason for b in left} == {Reason.ROOM_DELETED}
    assert step[-1].name == "room_deleted"
    assert service.guest_seats_in_use == 0
    assert service.list_rooms(admin.token) == []
    with pytest.raises(konfero.NotFoundError):
        service.get_room(admin.token, room.id)
    with pytest.raises(konfero.NotFoundError):
        browser_guest(service, access, "Late")


def test_wrong_passwords_lock_the_login_from_every_source(service, admin,
                                                          bob, clock):
    for i in range(5):
        with pytest.raises(konfero.UnauthenticatedError):
            service.login("bob", "not-bobs-password", f"192.0.2.{i}")
    with pytest.raises(konfero.ResourceExhaustedError):
        service.login("bob", "bob-pass-123", "198.51.100.1")
    clock.advance(5 * 60 + 1)
    assert service.login("bob", "bob-pass-123", "198.51.100.1").user == \
        service.who_am_i(bob.token).id


def test_refused_calls_publish_no_events(service, admin, public_room, events):
    room, access = public_room
    drain(events)
    with pytest.raises(konfero.InvalidArgumentError):
        service.rename_room(admin.token, room.id, "")
    with pytest.raises(konfero.NotFoundError):
        service.join_as_browser_guest(url_token="nope", display_name="X",
                                      guest_key="some-guest-key-123")
    with pytest.raises(konfero.UnauthenticatedError):
        service.join_as_member("bad-session", room.id)
    assert events == []
