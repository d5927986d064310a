"""Chat: members read the whole history, guests only their conference's."""

import pytest

import konfero
from room_helpers import ADMIN_PASSWORD, admin_with_public_room, browser_guest, only

Role = konfero.ParticipantRole


def texts(messages):
    return [m.text for m in messages]


def test_members_see_all_history_and_guests_only_their_conference(
        service, admin, public_room, clock):
    room, access = public_room
    before = service.post_chat_as_member(admin.token, room.id, "agenda: …")
    assert (before.conference_id, before.sender_user, before.sender_role) == (
        0, admin.user, Role.MODERATOR)

    # Conference 1.
    g1 = browser_guest(service, access, "Gina")
    m1 = service.join_as_member(admin.token, room.id)
    clock.advance(1)
    service.post_chat(m1.participant, "welcome, Gina")
    from_guest = service.post_chat(g1.participant, "hi!")
    assert (from_guest.sender_user, from_guest.sender_name,
            from_guest.sender_role) == (None, "Gina", Role.BROWSER_GUEST)
    assert from_guest.sent_at == 1_700_000_001.0
    conf1 = service.get_room(admin.token, room.id).conference_id
    assert from_guest.conference_id == conf1 != 0
    assert texts(service.chat_history(g1.participant)) == [
        "welcome, Gina", "hi!"]
    service.leave(g1.participant)
    service.leave(m1.participant)

    # Conference 2: a new guest sees none of conference 1.
    g2 = browser_guest(service, access, "Hugo")
    m2 = service.join_as_member(admin.token, room.id)
    service.post_chat(g2.participant, "Hugo here")
    conf2 = service.get_room(admin.token, room.id).conference_id
    assert conf2 not in (0, conf1)
    assert texts(service.chat_history(g2.participant)) == ["Hugo here"]

    everything = ["agenda: …", "welcome, Gina", "hi!", "Hugo here"]
    assert texts(service.chat_history(m2.participant)) == everything
    assert texts(service.chat_history_as_member(admin.token, room.id)) == \
        everything
    ids = [m.id for m in service.chat_history_as_member(admin.token, room.id)]
    assert ids == sorted(ids) and len(set(ids)) == 4


def test_chat_is_delivered_as_an_event(service, admin, public_room, events):
    room, _ = public_room
    mod = service.join_as_member(admin.token, room.id)
    posted = service.post_chat(mod.participant, "hello")
    message = only(events, "chat_posted").message
    assert (message.id, message.text, message.sender_name) == (
        posted.id, "hello", "Ada Admin")


def test_waiting_guest_cannot_post(service, public_room):
    _, access = public_room
    guest = browser_guest(service, access, "Early")
    with pytest.raises(konfero.FailedPreconditionError):
        service.post_chat(guest.participant, "anyone here?")
    assert service.chat_history(guest.participant) == []


def test_too_long_message_is_refused(service, admin, public_room):
    room, _ = public_room
    with pytest.raises(konfero.InvalidArgumentError):
        service.post_chat_as_member(admin.token, room.id, "x" * 4001)
    assert service.post_chat_as_member(admin.token, room.id,
                                       "x" * 4000).text == "x" * 4000
    assert len(service.chat_history_as_member(admin.token, room.id)) == 1


def test_non_member_cannot_read_or_post(service, admin, public_room):
    room, _ = public_room
    service.create_user(admin.token, "carol", "Carol", "carol-pass-123")
    carol = service.login("carol", "carol-pass-123", "10.0.0.3")
    # Answered like a room that does not exist: room ids cannot be probed.
    with pytest.raises(konfero.NotFoundError, match=f"room {room.id} not found"):
        service.post_chat_as_member(carol.token, room.id, "let me in")
    with pytest.raises(konfero.NotFoundError, match=f"room {room.id} not found"):
        service.chat_history_as_member(carol.token, room.id)


def test_chat_is_rate_limited_per_sender_and_expires(clock):
    opts = konfero.RoomServiceOptions(chat_burst=2, chat_messages_per_second=1,
                                      chat_retention=86400)
    with konfero.RoomService.open(opts, clock) as svc:
        session, room, _ = admin_with_public_room(svc)
        svc.post_chat_as_member(session.token, room.id, "one")
        svc.post_chat_as_member(session.token, room.id, "two")
        with pytest.raises(konfero.ResourceExhaustedError, match="wait 1.0 s"):
            svc.post_chat_as_member(session.token, room.id, "three")
        clock.advance(1)
        svc.post_chat_as_member(session.token, room.id, "three")
        assert texts(svc.chat_history_as_member(session.token, room.id)) == \
            ["one", "two", "three"]

        clock.advance(86400)
        session = svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")  # expired
        svc.post_chat_as_member(session.token, room.id, "a day later")
        assert svc.purge_expired_chat() == 2  # "three" is exactly a day old
        assert texts(svc.chat_history_as_member(session.token, room.id)) == \
            ["three", "a day later"]
