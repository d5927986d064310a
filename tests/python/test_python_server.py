"""examples/python/server.py in process (aiohttp's test client, loopback):
GET /api/guest/<token> answers like konfero-server's (docs/api.md): the
room for a public room's link (200), 404 bad_url for an unknown link, 410
not_public for the link of a room made private, 400 for a token that cannot
be one, and 429 once an address tried too many unknown links. A lookup
admits nobody.
"""
import asyncio
import importlib.util
import pathlib

import pytest

import konfero

aiohttp = pytest.importorskip("aiohttp")
from aiohttp.test_utils import TestClient, TestServer  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[2]


def load_example_server():
    spec = importlib.util.spec_from_file_location(
        "konfero_example_server", REPO / "examples" / "python" / "server.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def example(service, admin):
    module = load_example_server()
    engine = konfero.Engine.start(
        service, konfero.EngineOptions(bind_address="127.0.0.1", workers=1),
        konfero.TaskQueue())
    server = module.Server(service, engine, module.WEB_ROOT)
    yield module, server
    server.hub.shutdown()
    engine.stop()


def lookups(example, *requests):
    """GETs each /api/guest/<token>; returns [(status, json), ...]."""
    module, server = example

    async def scenario():
        async with TestClient(TestServer(module.make_app(server))) as client:
            answers = []
            for token in requests:
                async with client.get(f"/api/guest/{token}") as r:
                    answers.append((r.status, await r.json()))
            return answers

    return asyncio.run(asyncio.wait_for(scenario(), 30))


def test_guest_lookup_names_the_public_room_and_admits_nobody(
        example, service, admin, public_room):
    room, access = public_room
    [(status, body)] = lookups(example, access.url_token)
    assert status == 200
    assert body == {"room": "Weekly", "state": "idle", "moderator_present": False}
    assert service.get_room(admin.token, room.id).participants == []
    assert service.guest_seats_in_use == 0


def test_guest_lookup_refusals(example, service, admin, public_room):
    room, access = public_room
    service.set_public(admin.token, room.id, False)
    answers = lookups(example, access.url_token, "x" * 65,
                      *[f"guess-{i}" for i in range(5)], access.url_token)
    codes = [(status, body["error"]["code"]) for status, body in answers]
    assert codes[0] == (410, "not_public")
    assert codes[1] == (400, "invalid_argument")
    assert codes[2:7] == [(404, "bad_url")] * 5
    assert codes[7] == (429, "rate_limited")
    for _, body in answers:
        assert access.url_token not in body["error"]["message"]
