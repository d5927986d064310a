"""Small helpers for the room tests: joining guests, reading events."""

import itertools

import konfero

ADMIN_PASSWORD = "admin-pass-123"

_keys = itertools.count(1)


def guest_key():
    """A fresh guest key (16-128 printable ASCII characters)."""
    return f"guest-key-{next(_keys):08d}"


def browser_guest(service, access, name, key=None, source="198.51.100.7"):
    """Joins a browser guest with the room's URL token; returns JoinResult."""
    return service.join_as_browser_guest(
        url_token=access.url_token, display_name=name,
        guest_key=key or guest_key(), source=source)


def admin_with_public_room(service):
    """Bootstraps the admin of a fresh service and makes it a public room;
    returns (Session, RoomInfo, PublicAccess)."""
    service.bootstrap_admin("admin", "Admin", ADMIN_PASSWORD)
    session = service.login("admin", ADMIN_PASSWORD, "10.0.0.1")
    room = service.create_room(session.token, "R")
    return session, room, service.set_public(session.token, room.id, True)


def phone_guest(service, access, caller="+4930555", source="203.0.113.5"):
    """Dials in a phone guest with the room's PIN; returns JoinResult."""
    return service.join_as_phone_guest(pin=access.pin, caller=caller,
                                       source=source)


def drain(events):
    """Returns the events received so far and forgets them."""
    taken = list(events)
    events.clear()
    return taken


def names(events):
    return [e.name for e in events]


def by_name(events, kind):
    """Bodies of the events of `kind`: a name ("chat_posted") or a body class."""
    if isinstance(kind, str):
        return [e.body for e in events if e.name == kind]
    return [e.body for e in events if isinstance(e.body, kind)]


def only(events, kind):
    """The body of the single event of `kind`; fails if not exactly one."""
    bodies = by_name(events, kind)
    assert len(bodies) == 1, f"expected one {kind}, got {names(events)}"
    return bodies[0]


def state_changes(events):
    return [(b.from_, b.to)
            for b in by_name(events, konfero.ConferenceStateChanged)]


def participant(service, pid):
    return service.get_participant(pid)


S = konfero.ConferenceState
