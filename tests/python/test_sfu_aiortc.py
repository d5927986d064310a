"""The SFU with real aiortc peers: video forwarding, pause and resume,
loss repair.

Three aiortc clients (a moderator and two guests) each publish a VP8
camera of their own color and receive on two video slots. Each must decode
the other two cameras (frames counted, resolution and color checked
against the engine's slot map) and never its own. A camera that stops and
resumes is received again without renegotiation. With 5% loss injected on
one subscriber's path, its NACKs are answered with RTX and its video keeps
flowing without a freeze over a second. Every wait is bounded; loopback
only.
"""
import asyncio
import contextlib
import time

import pytest

import konfero

aiortc = pytest.importorskip("aiortc")
from video_peers import COLORS, VideoClient, closest_color  # noqa: E402
from webrtc_peers import start_engine  # noqa: E402


@contextlib.asynccontextmanager
async def video_room(count=3, noise_rows=0, codec=None):
    service = konfero.RoomService.open(konfero.RoomServiceOptions(), konfero.SystemClock())
    service.bootstrap_admin("mod", "Moderator", "moderator-password")
    session = service.login("mod", "moderator-password", "127.0.0.1")
    room = service.create_room(session.token, "Video")
    access = service.set_public(session.token, room.id, True)
    engine, poller = start_engine(service, konfero.EngineOptions(bind_address="127.0.0.1"))
    joins = [service.join_as_member(session.token, room.id)]
    for i in range(1, count):
        joins.append(service.join_as_browser_guest(
            url_token=access.url_token, display_name=f"Guest {i}",
            guest_key=f"video-guest-key-{i:04d}", source="127.0.0.1"))
    clients = [VideoClient(i, extra_slots=count - 2, noise_rows=noise_rows, codec=codec)
               for i in range(count)]
    try:
        for join, client in zip(joins, clients):
            await client.accept(engine.connect(join.participant, await client.offer()))
        await asyncio.wait_for(asyncio.gather(*(c.connected for c in clients)), 20)
        yield engine, joins, clients, room
    finally:
        poller.cancel()
        for c in clients:
            await c.close()
        engine.stop()


async def wait_until(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    return predicate()


def run(scenario, timeout=120):
    asyncio.run(asyncio.wait_for(scenario(), timeout))


def others(joins, i):
    return [j.participant for k, j in enumerate(joins) if k != i]


@pytest.mark.parametrize("codec", ["video/VP8", "video/H264"])
def test_three_clients_each_decode_the_other_two_cameras(codec):
    async def scenario():
        async with video_room(codec=codec) as (engine, joins, clients, room):
            def all_flowing(n):
                for i, c in enumerate(clients):
                    for p in others(joins, i):
                        counter = c.counter_for(p)
                        if counter is None or counter.frames < n:
                            return False
                return True

            assert await wait_until(lambda: all_flowing(30), 30), [
                {m: (c.slots.get(m), t.frames) for m, t in c.video_tracks.items()}
                for c in clients]
            for i, c in enumerate(clients):
                assert sorted(p for p in c.slots.values() if p is not None) == \
                    sorted(others(joins, i)), c.slots
                for k, join in enumerate(joins):
                    if k == i:
                        continue
                    counter = c.counter_for(join.participant)
                    assert counter.sizes == {(320, 240)}, counter.sizes
                    assert closest_color(counter.color) == k, (counter.color, COLORS[k])
            for join in joins:
                s = engine.stats(join.participant)
                assert s.video_packets_in > 25 and s.video_packets_out > 50, s
            # Everyone sends a tone, so the mixer selects speakers; the
            # newest is the active speaker, announced on "control".
            ids = [j.participant for j in joins]
            assert await wait_until(lambda: engine.active_speaker(room.id) in ids, 10)
            for c in clients:
                assert any(m.get("type") == "active-speaker" and m["participant"] in ids
                           for m in c.messages), c.messages

    run(scenario)


def test_a_camera_that_stops_and_resumes_is_received_again():
    async def scenario():
        async with video_room() as (engine, joins, clients, room):
            publisher, viewer = clients[0], clients[1]
            pid = joins[0].participant
            assert await wait_until(
                lambda: viewer.counter_for(pid) is not None and viewer.counter_for(pid).frames >= 20,
                30)
            # The slot's track stays the same across the pause (the slot is
            # freed while the camera is idle and given back when it resumes).
            tile = viewer.counter_for(pid)
            publisher.camera.pause()
            await asyncio.sleep(1.0)
            stalled = tile.frames
            await asyncio.sleep(2.5)
            assert tile.frames - stalled <= 2, "frames while paused"
            assert pid not in viewer.slots.values(), viewer.slots  # idle: slot freed
            publisher.camera.resume()
            assert await wait_until(lambda: tile.frames >= stalled + 20, 15), tile.frames
            assert viewer.counter_for(pid) is tile
            # And the engine-side pause (camera off for everyone) works too.
            engine.set_video_paused(pid, konfero.VideoSource.CAMERA, True)
            await asyncio.sleep(1.0)
            stalled = tile.frames
            await asyncio.sleep(1.5)
            assert tile.frames - stalled <= 2
            engine.set_video_paused(pid, konfero.VideoSource.CAMERA, False)
            assert await wait_until(lambda: tile.frames >= stalled + 15, 15)


def test_five_percent_loss_is_repaired_with_rtx():
    # Two clients: aiortc 1.4 routes an RTX packet to its receiver by SSRC
    # or by a payload type unique to one receiver, so with two video
    # sections (same RTX payload type) it cannot place the repairs. With
    # one receiving section it can.
    async def scenario():
        async with video_room(count=2, noise_rows=48) as (engine, joins, clients, room):
            viewer, vid = clients[1], joins[1].participant
            pids = others(joins, 1)
            assert await wait_until(
                lambda: all(viewer.counter_for(p) is not None and viewer.counter_for(p).frames >= 15
                            for p in pids), 30)
            engine.set_egress_impairment(vid, loss=0.05)
            start = time.monotonic()
            before = {p: viewer.counter_for(p).frames for p in pids}
            await asyncio.sleep(8.0)
            stats = engine.stats(vid)
            assert stats.impairment_drops > 20, stats
            assert stats.nacks_in > 5, stats
            assert stats.rtx_packets_out > 10, stats
            for p in pids:
                counter = viewer.counter_for(p)
                assert counter.frames - before[p] > 8 * 12, (p, counter.frames - before[p])
                assert counter.longest_gap(start) < 1.0, counter.longest_gap(start)

    run(scenario)


def test_video_api_validates_its_arguments():
    async def scenario():
        async with video_room(count=2) as (engine, joins, clients, room):
            pid = joins[0].participant
            with pytest.raises(konfero.InvalidArgumentError):
                engine.set_egress_impairment(pid, loss=1.5)
            with pytest.raises(konfero.InvalidArgumentError):
                engine.set_video_subscription(pid, "1", max_width=-1)
            with pytest.raises(konfero.NotFoundError):
                engine.set_video_subscription(pid, "no-such-mid")
            with pytest.raises(konfero.NotFoundError):
                engine.set_video_paused(pid, konfero.VideoSource.SCREEN, True)

    run(scenario)
