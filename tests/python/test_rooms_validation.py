"""Input validation and the status-to-exception mapping."""

import pytest

import konfero
from room_helpers import ADMIN_PASSWORD, guest_key


@pytest.mark.parametrize("name", ["", "x" * 101, "ü" * 51])
def test_bad_room_names_are_invalid(service, admin, name):
    with pytest.raises(konfero.InvalidArgumentError):
        service.create_room(admin.token, name)
    assert service.list_rooms(admin.token) == []


def test_room_name_limits_are_in_bytes(service, admin):
    assert service.create_room(admin.token, "x" * 100).name == "x" * 100
    assert service.create_room(admin.token, "ü" * 50).name == "ü" * 50
    room = service.create_room(admin.token, "Weekly")
    with pytest.raises(konfero.InvalidArgumentError):
        service.rename_room(admin.token, room.id, "")
    assert service.get_room(admin.token, room.id).room.name == "Weekly"


@pytest.mark.parametrize("login", ["", "Bob", "bob smith", "bob@example",
                                   "b" * 65, "bøb"])
def test_bad_logins_are_invalid(service, admin, login):
    with pytest.raises(konfero.InvalidArgumentError):
        service.create_user(admin.token, login, "Bob", "long-enough-pass")
    assert [u.login for u in service.list_users(admin.token)] == ["admin"]


def test_login_alphabet_and_length_limits_are_accepted(service, admin):
    for login in ["a", "b" * 64, "bob.smith_2-x"]:
        assert service.create_user(admin.token, login, "B", "long-enough-pass"
                                   ).login == login


def test_password_length_limits(service, admin):
    with pytest.raises(konfero.InvalidArgumentError):
        service.create_user(admin.token, "shorty", "S", "7chars!")
    with pytest.raises(konfero.InvalidArgumentError):
        service.create_user(admin.token, "longy", "L", "p" * 257)
    service.create_user(admin.token, "eight", "E", "8chars!!")
    service.create_user(admin.token, "max", "M", "p" * 256)
    session = service.login("eight", "8chars!!", "10.0.0.5")
    with pytest.raises(konfero.InvalidArgumentError):
        service.change_password(session.token, "8chars!!", "short")
    service.change_password(session.token, "8chars!!", "a-new-password")
    assert service.login("eight", "a-new-password", "10.0.0.5").user == \
        session.user


def test_bootstrap_validates_too(service):
    with pytest.raises(konfero.InvalidArgumentError):
        service.bootstrap_admin("Admin", "Admin", ADMIN_PASSWORD)
    with pytest.raises(konfero.InvalidArgumentError):
        service.bootstrap_admin("admin", "Admin", "short")
    # Nothing was created, so a valid bootstrap still works.
    assert service.bootstrap_admin("admin", "Admin", ADMIN_PASSWORD).admin


def test_duplicate_login_already_exists(service, admin):
    with pytest.raises(konfero.AlreadyExistsError):
        service.create_user(admin.token, "admin", "Again", "long-enough-pass")


def test_wrong_password_and_unknown_login_look_the_same(service, admin):
    with pytest.raises(konfero.UnauthenticatedError) as wrong:
        service.login("admin", "not-the-password", "10.0.0.9")
    with pytest.raises(konfero.UnauthenticatedError) as unknown:
        service.login("nobody", "not-the-password", "10.0.0.9")
    assert str(wrong.value) == str(unknown.value)


def test_sessions_expire_and_log_out(service, admin, clock):
    assert service.who_am_i(admin.token).login == "admin"
    service.logout(admin.token)
    with pytest.raises(konfero.UnauthenticatedError):
        service.who_am_i(admin.token)
    session = service.login("admin", ADMIN_PASSWORD, "10.0.0.1")
    assert session.expires_at == clock.now() + 12 * 3600
    clock.advance(12 * 3600 + 1)
    with pytest.raises(konfero.UnauthenticatedError):
        service.who_am_i(session.token)


def test_non_admin_cannot_create_users(service, admin):
    service.create_user(admin.token, "bob", "Bob", "bob-pass-123")
    bob = service.login("bob", "bob-pass-123", "10.0.0.2")
    with pytest.raises(konfero.PermissionDeniedError):
        service.create_user(bob.token, "eve", "Eve", "eve-pass-123")


@pytest.mark.parametrize("key", ["short", "k" * 129, "tab\tinside-the-key!"])
def test_bad_guest_keys_are_invalid(service, public_room, key):
    _, access = public_room
    with pytest.raises(konfero.InvalidArgumentError):
        service.join_as_browser_guest(url_token=access.url_token,
                                      display_name="Guest", guest_key=key)
    assert service.guest_seats_in_use == 0


def test_unknown_ids_are_not_found(service, admin):
    with pytest.raises(konfero.NotFoundError):
        service.get_room(admin.token, 424242)
    with pytest.raises(konfero.NotFoundError):
        service.leave(987654)
    with pytest.raises(LookupError):  # NotFoundError is a LookupError
        service.get_participant(987654)


def test_error_classes_map_codes_and_builtins():
    C = konfero.StatusCode
    expected = {
        konfero.InvalidArgumentError: (C.INVALID_ARGUMENT, ValueError),
        konfero.NotFoundError: (C.NOT_FOUND, LookupError),
        konfero.PermissionDeniedError: (C.PERMISSION_DENIED, PermissionError),
        konfero.DeadlineExceededError: (C.DEADLINE_EXCEEDED, TimeoutError),
        konfero.UnimplementedError: (C.UNIMPLEMENTED, NotImplementedError),
        konfero.AlreadyExistsError: (C.ALREADY_EXISTS, konfero.Error),
        konfero.UnauthenticatedError: (C.UNAUTHENTICATED, konfero.Error),
        konfero.FailedPreconditionError: (C.FAILED_PRECONDITION,
                                          konfero.Error),
        konfero.ResourceExhaustedError: (C.RESOURCE_EXHAUSTED, konfero.Error),
        konfero.UnavailableError: (C.UNAVAILABLE, konfero.Error),
        konfero.InternalError: (C.INTERNAL, konfero.Error),
        konfero.CancelledError: (C.CANCELLED, konfero.Error),
        konfero.UnknownError: (C.UNKNOWN, konfero.Error),
        konfero.AbortedError: (C.ABORTED, konfero.Error),
        konfero.OutOfRangeError: (C.OUT_OF_RANGE, konfero.Error),
        konfero.DataLossError: (C.DATA_LOSS, konfero.Error),
    }
    for cls, (code, builtin) in expected.items():
        assert cls.code == code
        assert issubclass(cls, konfero.Error) and issubclass(cls, builtin)
        assert cls.__module__ == "konfero"
    assert not issubclass(konfero.NotFoundError, ValueError)


def test_raised_error_carries_code_and_message(service, admin):
    with pytest.raises(konfero.Error) as caught:
        service.create_room(admin.token, "")
    err = caught.value
    assert type(err) is konfero.InvalidArgumentError
    assert err.code == konfero.StatusCode.INVALID_ARGUMENT
    assert err.message == str(err) and err.message


def test_bad_session_is_unauthenticated(service, admin):
    with pytest.raises(konfero.UnauthenticatedError):
        service.create_room("not-a-session", "Room")
    with pytest.raises(konfero.UnauthenticatedError):
        service.list_rooms("")
