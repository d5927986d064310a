"""The conference lifecycle of a room, driven through Python.

idle -> waiting (a guest joins) -> running (a moderator joins) -> on hold
(the last moderator leaves; guests wait again) -> running -> idle (the last
participant leaves), checked through return values, snapshots and the
events a subscriber receives.
"""

import konfero
from room_helpers import (S, browser_guest, by_name, drain, names, only,
                          phone_guest, state_changes)

Role = konfero.ParticipantRole


def room_state(service, session, room_id):
    return service.get_room(session.token, room_id)


def test_full_conference_lifecycle_with_events_in_order(
        service, admin, public_room, events):
    room, access = public_room
    service.create_user(admin.token, "bob", "Bob Moderator", "bob-pass-123")
    service.add_member(admin.token, room.id, "bob")
    bob = service.login("bob", "bob-pass-123", "10.0.0.2")
    drain(events)

    snap = room_state(service, admin, room.id)
    assert snap.room.state == S.IDLE
    assert snap.conference_id == 0
    assert snap.participants == []

    # A browser guest arrives first: the conference exists and waits.
    guest = browser_guest(service, access, "Gina Guest")
    assert guest.role == Role.BROWSER_GUEST
    assert guest.state == S.WAITING
    assert guest.waiting
    step = drain(events)
    assert state_changes(step) == [(S.IDLE, S.WAITING)]
    conference_id = only(step, konfero.ConferenceStateChanged).conference_id
    assert conference_id != 0
    joined = only(step, "participant_joined").participant
    assert (joined.id, joined.display_name, joined.waiting) == (
        guest.participant, "Gina Guest", True)
    assert only(step, "guests_waiting_changed").guests_waiting is True
    assert all(e.room == room.id for e in step)
    snap = room_state(service, admin, room.id)
    assert snap.conference_id == conference_id
    assert snap.room.guests_waiting

    # A phone guest joins the waiting room: no state change.
    phone = phone_guest(service, access, caller="+4930777")
    assert (phone.role, phone.state, phone.waiting) == (
        Role.PHONE_GUEST, S.WAITING, True)
    assert names(drain(events)) == ["participant_joined"]

    # The first moderator starts the conference; guests stop waiting.
    mod = service.join_as_member(admin.token, room.id)
    assert (mod.role, mod.state, mod.waiting) == (Role.MODERATOR, S.RUNNING,
                                                  False)
    step = drain(events)
    assert state_changes(step) == [(S.WAITING, S.RUNNING)]
    assert only(step, konfero.ConferenceStateChanged).conference_id == conference_id
    assert only(step, "participant_joined").participant.user == admin.user
    assert only(step, "guests_waiting_changed").guests_waiting is False
    assert not service.get_participant(guest.participant).waiting
    assert not service.get_participant(phone.participant).waiting

    # A second moderator joins and the first leaves: still running.
    mod2 = service.join_as_member(bob.token, room.id)
    assert mod2.state == S.RUNNING
    assert names(drain(events)) == ["participant_joined"]
    service.leave(mod.participant)
    step = drain(events)
    assert names(step) == ["participant_left"]
    assert step[0].body.reason == konfero.LeaveReason.LEFT

    # The last moderator leaves: on hold, guests back to waiting.
    service.leave(mod2.participant)
    step = drain(events)
    assert state_changes(step) == [(S.RUNNING, S.ON_HOLD)]
    left = only(step, "participant_left")
    assert (left.participant, left.role) == (mod2.participant, Role.MODERATOR)
    assert only(step, "guests_waiting_changed").guests_waiting is True
    assert service.get_participant(guest.participant).waiting
    assert service.get_participant(phone.participant).waiting
    snap = room_state(service, admin, room.id)
    assert (snap.room.state, snap.room.guests_waiting) == (S.ON_HOLD, True)

    # A moderator returns: the same conference resumes.
    back = service.join_as_member(admin.token, room.id)
    assert back.state == S.RUNNING
    step = drain(events)
    assert state_changes(step) == [(S.ON_HOLD, S.RUNNING)]
    assert only(step, konfero.ConferenceStateChanged).conference_id == conference_id
    assert only(step, "guests_waiting_changed").guests_waiting is False

    # Everyone leaves; the last one out ends the conference.
    service.leave(guest.participant)
    service.disconnect(phone.participant)
    step = drain(events)
    assert names(step) == ["participant_left", "participant_left"]
    assert [b.reason for b in by_name(step, "participant_left")] == [
        konfero.LeaveReason.LEFT, konfero.LeaveReason.DISCONNECTED]
    service.leave(back.participant)
    step = drain(events)
    assert state_changes(step) == [(S.RUNNING, S.IDLE)]
    snap = room_state(service, admin, room.id)
    assert (snap.room.state, snap.conference_id, snap.participants) == (
        S.IDLE, 0, [])


def test_event_sequence_numbers_strictly_increase(service, admin, public_room,
                                                  events):
    room, access = public_room
    g = browser_guest(service, access, "Gina")
    m = service.join_as_member(admin.token, room.id)
    service.leave(m.participant)
    service.leave(g.participant)
    seqs = [e.seq for e in events]
    assert len(seqs) >= 8
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    times = [e.at for e in events]
    assert all(t == 1_700_000_000.0 for t in times)  # the ManualClock's now


def test_guests_waiting_flag_follows_who_is_present(service, admin,
                                                    public_room, events):
    room, access = public_room

    def listed():
        (info,) = [r for r in service.list_rooms(admin.token)
                   if r.id == room.id]
        return info

    assert not listed().guests_waiting
    g1 = browser_guest(service, access, "First")
    g2 = phone_guest(service, access)
    info = listed()
    assert (info.guests_waiting, info.state, info.participant_count) == (
        True, S.WAITING, 2)

    # One of two waiting guests leaves: still waiting, no flag event.
    drain(events)
    service.leave(g1.participant)
    assert listed().guests_waiting
    assert by_name(drain(events), "guests_waiting_changed") == []

    # The last waiting guest leaves: flag clears, conference ends.
    service.leave(g2.participant)
    step = drain(events)
    assert only(step, "guests_waiting_changed").guests_waiting is False
    assert state_changes(step) == [(S.WAITING, S.IDLE)]
    info = listed()
    assert (info.guests_waiting, info.state, info.participant_count) == (
        False, S.IDLE, 0)

    # A moderator alone never sets the flag.
    m = service.join_as_member(admin.token, room.id)
    assert not listed().guests_waiting
    g3 = browser_guest(service, access, "Third")
    assert not g3.waiting
    assert not listed().guests_waiting
    service.leave(m.participant)
    assert listed().guests_waiting


def test_room_events_are_filtered_by_room(service, admin):
    a = service.create_room(admin.token, "A")
    b = service.create_room(admin.token, "B")
    only_b = []
    service.subscribe(only_b.append, room=b.id)
    service.rename_room(admin.token, a.id, "A2")
    service.rename_room(admin.token, b.id, "B2")
    assert [(e.room, e.name, e.body.name) for e in only_b] == [
        (b.id, "room_renamed", "B2")]
