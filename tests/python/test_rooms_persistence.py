"""What survives a restart, and a write that fails changes nothing."""

import sqlite3

import pytest

import konfero
from room_helpers import ADMIN_PASSWORD


def open_service(path, clock, **overrides):
    options = konfero.RoomServiceOptions(database=str(path),
                                         dial_in_number="+49 30 1234567",
                                         **overrides)
    return konfero.RoomService.open(options, clock)


def test_users_rooms_members_access_and_chat_survive_a_restart(tmp_path,
                                                                 clock):
    db = tmp_path / "konfero.db"
    with open_service(db, clock) as svc:
        svc.bootstrap_admin("admin", "Ada Admin", ADMIN_PASSWORD)
        admin = svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")
        bob = svc.create_user(admin.token, "bob", "Bob", "bob-pass-123")
        room = svc.create_room(admin.token, "Weekly")
        svc.add_member(admin.token, room.id, "bob")
        access = svc.set_public(admin.token, room.id, True)
        svc.post_chat_as_member(admin.token, room.id, "before the restart")
        mod = svc.join_as_member(admin.token, room.id)
        svc.post_chat(mod.participant, "in the conference")
    assert db.exists()

    with open_service(db, clock) as svc:
        admin = svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")
        assert sorted((u.login, u.admin, u.display_name)
                      for u in svc.list_users(admin.token)) == [
            ("admin", True, "Ada Admin"), ("bob", False, "Bob")]
        bob_session = svc.login("bob", "bob-pass-123", "10.0.0.2")
        assert svc.who_am_i(bob_session.token).id == bob.id
        (listed,) = svc.list_rooms(bob_session.token)
        assert (listed.id, listed.name, sorted(listed.members)) == (
            room.id, "Weekly", sorted([admin.user, bob.id]))
        assert listed.is_public
        # The conference itself did not survive: nobody is present.
        assert listed.state == konfero.ConferenceState.IDLE
        kept = svc.get_access(admin.token, room.id)
        assert (kept.pin, kept.url_token, kept.url) == (
            access.pin, access.url_token, access.url)
        assert [m.text for m in svc.chat_history_as_member(
            admin.token, room.id)] == ["before the restart",
                                       "in the conference"]
        # The stored codes still admit guests.
        guest = svc.join_as_phone_guest(pin=access.pin, source="203.0.113.1")
        assert guest.room == room.id
        # Bootstrapping again is refused: users exist.
        with pytest.raises(konfero.FailedPreconditionError):
            svc.bootstrap_admin("eve", "Eve", "eve-pass-1234")


def test_a_write_blocked_by_another_process_changes_nothing(tmp_path, clock):
    db = tmp_path / "konfero.db"
    svc = open_service(db, clock, database_busy_timeout=0.05)
    svc.bootstrap_admin("admin", "Ada Admin", ADMIN_PASSWORD)
    admin = svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")
    room = svc.create_room(admin.token, "Original")
    events = []
    svc.subscribe(events.append)

    locker = sqlite3.connect(db, isolation_level=None, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(konfero.UnavailableError):
            svc.rename_room(admin.token, room.id, "Renamed")
        assert svc.get_room(admin.token, room.id).room.name == "Original"
        assert [r.name for r in svc.list_rooms(admin.token)] == ["Original"]
        assert events == []
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    svc.close()

    with open_service(db, clock) as reopened:
        admin = reopened.login("admin", ADMIN_PASSWORD, "10.0.0.1")
        assert [r.name for r in reopened.list_rooms(admin.token)] == [
            "Original"]
        # With the lock gone the same write succeeds.
        reopened.rename_room(admin.token, room.id, "Renamed")
        assert reopened.get_room(admin.token, room.id).room.name == "Renamed"


def test_a_blocked_public_switch_hands_out_no_codes(tmp_path, clock):
    db = tmp_path / "konfero.db"
    with open_service(db, clock, database_busy_timeout=0.05) as svc:
        svc.bootstrap_admin("admin", "Ada Admin", ADMIN_PASSWORD)
        admin = svc.login("admin", ADMIN_PASSWORD, "10.0.0.1")
        room = svc.create_room(admin.token, "Weekly")
        locker = sqlite3.connect(db, isolation_level=None, timeout=0)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            with pytest.raises(konfero.UnavailableError):
                svc.set_public(admin.token, room.id, True)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert not svc.get_access(admin.token, room.id).is_public
        assert not svc.get_room(admin.token, room.id).room.is_public
