"""The server-wide browser-guest licence pool, at its edges."""

import re

import pytest

import konfero
from room_helpers import admin_with_public_room, browser_guest, phone_guest


@pytest.fixture
def options(options):
    options.guest_seats = 1
    return options


def test_second_browser_guest_is_refused_naming_the_limit(service, admin,
                                                          public_room):
    room, access = public_room
    assert (service.guest_seats_total, service.guest_seats_in_use) == (1, 0)
    browser_guest(service, access, "First")
    assert service.guest_seats_in_use == 1

    with pytest.raises(konfero.ResourceExhaustedError) as refused:
        browser_guest(service, access, "Second")
    assert refused.value.code == konfero.StatusCode.RESOURCE_EXHAUSTED
    message = str(refused.value)
    assert re.search(r"\b1\b", message), message  # names the limit
    assert re.search(r"seat|licen", message, re.IGNORECASE), message
    # The refusal changed nothing.
    assert service.guest_seats_in_use == 1
    assert service.get_room(admin.token, room.id).room.participant_count == 1


def test_seats_are_server_wide(service, admin, public_room):
    _, access = public_room
    other = service.create_room(admin.token, "Other")
    other_access = service.set_public(admin.token, other.id, True)
    browser_guest(service, access, "In the first room")
    with pytest.raises(konfero.ResourceExhaustedError):
        browser_guest(service, other_access, "In the second room")


def test_phone_guests_and_moderators_take_no_seat(service, admin, public_room):
    room, access = public_room
    browser_guest(service, access, "Seat holder")
    phone1 = phone_guest(service, access, caller="+111")
    phone2 = phone_guest(service, access, caller="+222")
    service.join_as_member(admin.token, room.id)
    assert service.guest_seats_in_use == 1
    assert phone1.participant != phone2.participant
    snap = service.get_room(admin.token, room.id)
    assert snap.room.participant_count == 4


@pytest.mark.parametrize("free", ["leave", "kick", "disconnect"])
def test_leaving_kicked_or_disconnected_guest_frees_the_seat(
        service, admin, public_room, free):
    room, access = public_room
    first = browser_guest(service, access, "First")
    if free == "kick":
        mod = service.join_as_member(admin.token, room.id)
        service.kick(mod.participant, first.participant)
    else:
        getattr(service, free)(first.participant)
    assert service.guest_seats_in_use == 0
    second = browser_guest(service, access, "Second")
    assert second.role == konfero.ParticipantRole.BROWSER_GUEST
    assert service.guest_seats_in_use == 1


def test_making_the_room_private_frees_the_seats(service, admin, public_room):
    room, access = public_room
    browser_guest(service, access, "First")
    service.set_public(admin.token, room.id, False)
    assert service.guest_seats_in_use == 0


def test_zero_seats_admit_no_browser_guest(clock):
    opts = konfero.RoomServiceOptions(guest_seats=0)
    with konfero.RoomService.open(opts, clock) as svc:
        _, _, access = admin_with_public_room(svc)
        with pytest.raises(konfero.ResourceExhaustedError):
            browser_guest(svc, access, "Nobody")
        assert phone_guest(svc, access).role == \
            konfero.ParticipantRole.PHONE_GUEST


def test_guests_are_capped_per_address_and_per_room(clock):
    opts = konfero.RoomServiceOptions(guest_seats=10, max_guests_per_address=1,
                                      max_guests_per_room=2)
    with konfero.RoomService.open(opts, clock) as svc:
        _, _, access = admin_with_public_room(svc)
        first = browser_guest(svc, access, "First", source="203.0.113.7")
        with pytest.raises(konfero.ResourceExhaustedError,
                           match="network address"):
            browser_guest(svc, access, "Same address", source="203.0.113.7")
        browser_guest(svc, access, "Second", source="198.51.100.1")
        with pytest.raises(konfero.ResourceExhaustedError, match="room is full"):
            browser_guest(svc, access, "Third", source="198.51.100.2")
        # Not the licence: seats are free; phone guests still get in.
        assert svc.guest_seats_in_use == 2
        assert phone_guest(svc, access).role == \
            konfero.ParticipantRole.PHONE_GUEST
        svc.disconnect(first.participant)
        browser_guest(svc, access, "Back", source="203.0.113.7")
