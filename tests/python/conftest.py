"""Shared setup for the Python tests: make `import konfero` work.

PYTHONPATH normally points at <build>/bindings/python. When it does not (a
bare `pytest tests/python`), the first build tree under the repository root
that holds a built module is used: build/ first, then build-*/ newest first.
"""

import importlib.util
import pathlib
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


def _find_build_tree():
    candidates = [REPO / "build"] + sorted(
        REPO.glob("build-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for build in candidates:
        package = build / "bindings" / "python"
        if list((package / "konfero").glob("_konfero*.so")):
            return package
    return None


if importlib.util.find_spec("konfero") is None:
    found = _find_build_tree()
    if found is None:
        raise ImportError(
            "konfero is not importable: build the _konfero target and set "
            "PYTHONPATH=<build>/bindings/python")
    sys.path.insert(0, str(found))

import konfero  # noqa: E402  (after the path set-up above)
from room_helpers import ADMIN_PASSWORD  # noqa: E402


@pytest.fixture
def clock():
    return konfero.ManualClock(1_700_000_000.0)


@pytest.fixture
def options():
    """In-memory service options with a dial-in number."""
    return konfero.RoomServiceOptions(dial_in_number="+49 30 1234567",
                                      base_url="https://meet.example/join/")


@pytest.fixture
def service(options, clock):
    with konfero.RoomService.open(options, clock) as svc:
        yield svc


@pytest.fixture
def admin(service):
    """The bootstrapped admin's Session."""
    service.bootstrap_admin("admin", "Ada Admin", ADMIN_PASSWORD)
    return service.login("admin", ADMIN_PASSWORD, "10.0.0.1")


@pytest.fixture
def events(service):
    """Every event the service publishes, in delivery order."""
    received = []
    service.subscribe(received.append)
    return received


@pytest.fixture
def public_room(service, admin):
    """(RoomInfo, PublicAccess) of a public room the admin is a member of."""
    room = service.create_room(admin.token, "Weekly")
    access = service.set_public(admin.token, room.id, True)
    return room, access
