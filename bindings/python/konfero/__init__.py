"""konfero: the room domain of the konfero media engine, in Python.

The classes live in the private C++ extension ``konfero._konfero``; this
package re-exports them and ships type stubs (``__init__.pyi``).

Conventions:
  * ids (users, rooms, participants, bans, subscriptions) are plain ints;
  * times are float Unix seconds (a ``datetime`` is accepted on input);
  * durations are float seconds (a ``timedelta`` is accepted on input);
  * a failed call raises a ``konfero.Error`` subclass named after the
    ``absl::Status`` code, e.g. ``NotFoundError`` (also a ``LookupError``).

    import konfero
    clock = konfero.ManualClock()
    with konfero.RoomService.open(konfero.RoomServiceOptions(), clock) as svc:
        svc.bootstrap_admin("alice", "Alice", "s3cret-pass")
        session = svc.login("alice", "s3cret-pass", "127.0.0.1")
        room = svc.create_room(session.token, "Weekly")
        print(svc.set_public(session.token, room.id, True).invitation_en)
"""

from . import _konfero
from ._konfero import *  # noqa: F401,F403  (the public API is the extension's)

# Everything public the extension defines, so `from konfero import *` and
# documentation tools see the same names as the stubs.
__all__ = [name for name in dir(_konfero) if not name.startswith("_")]


def attach_to_asyncio(queue, loop=None):
    """Applies the media workers' reports from ``queue`` (a TaskQueue) on the
    asyncio event loop, as soon as they arrive (no polling):

        queue = konfero.TaskQueue()
        engine = konfero.Engine.start(service, konfero.EngineOptions(), queue)
        konfero.attach_to_asyncio(queue)

    Returns a function that detaches it again."""
    import asyncio

    loop = loop or asyncio.get_event_loop()
    fd = queue.fileno()
    loop.add_reader(fd, queue.run_pending)
    return lambda: loop.remove_reader(fd)


__all__.append("attach_to_asyncio")
