#!/usr/bin/env python3
"""Create (or reuse) a public room and print its invitation.

    PYTHONPATH=<build>/bindings/python /usr/bin/python3 \\
        examples/python/create_public_room.py [DATABASE]

DATABASE defaults to ./konfero-demo.db. On the first run the script
bootstraps an admin with a generated password and prints it once; keep it,
later runs read it from the environment (KONFERO_ADMIN_PASSWORD) or prompt.
"""

import getpass
import os
import secrets
import sys

import konfero

ADMIN_LOGIN = "admin"
ROOM_NAME = "Demo room"
DIAL_IN = "+49 30 1234567"


def admin_session(service):
    """Bootstraps the admin on a fresh database, then logs in."""
    try:
        password = secrets.token_urlsafe(12)
        service.bootstrap_admin(ADMIN_LOGIN, "Demo Admin", password)
        print(f"Created admin '{ADMIN_LOGIN}' with password: {password}")
        print("(shown only this once: keep it)\n")
    except konfero.FailedPreconditionError:  # users exist: not the first run
        password = os.environ.get("KONFERO_ADMIN_PASSWORD") or getpass.getpass(
            f"Password for '{ADMIN_LOGIN}': ")
    return service.login(ADMIN_LOGIN, password, "127.0.0.1")


def demo_room(service, session):
    """The room called ROOM_NAME, created if it does not exist yet."""
    for room in service.list_rooms(session.token):
        if room.name == ROOM_NAME:
            print(f"Reusing room {room.id} '{room.name}'")
            return room
    room = service.create_room(session.token, ROOM_NAME)
    print(f"Created room {room.id} '{room.name}'")
    return room


def main(argv):
    database = argv[1] if len(argv) > 1 else "./konfero-demo.db"
    options = konfero.RoomServiceOptions(
        database=database, dial_in_number=DIAL_IN,
        base_url="https://meet.example.com/join/")
    try:
        with konfero.RoomService.open(options) as service:
            session = admin_session(service)
            room = demo_room(service, session)
            # Keeps the PIN and URL if the room is public already.
            access = service.set_public(session.token, room.id, True)
    except konfero.UnauthenticatedError:
        print("Wrong admin password.", file=sys.stderr)
        return 1
    except konfero.Error as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 1

    print(f"\nDatabase: {database}")
    print("\n--- Invitation (English) ---")
    print(access.invitation_en)
    print("\n--- Einladung (Deutsch) ---")
    print(access.invitation_de)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
