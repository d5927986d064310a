"""Real WebRTC peers (aiortc) in rooms hosted by the engine.

Three aiortc clients join one room (a moderator and two guests), each
sending a sine at its own frequency. Each decodes what the engine sends
and must hear the others' tones and not its own (FFT). Data channels are no
side door: chat, binary and forged messages on `chat` or any other label
reach nobody (chat goes through the room's signalling). A client whose
network vanishes is dropped; the
engine can offer as well as answer; IPv6 works. Every wait is bounded;
everything is on loopback.
"""
import asyncio
import contextlib
import json
import os
from dataclasses import dataclass, field

import pytest

import konfero

aiortc = pytest.importorskip("aiortc")
from webrtc_peers import Client, band_level, collect_audio, start_engine  # noqa: E402

FREQS = [440.0, 660.0, 990.0]


@dataclass
class HostedRoom:
    service: object
    session: object
    room: object
    access: object
    engine: object
    clients: list = field(default_factory=list)

    def client(self, freq):
        """A new aiortc client, closed when the room is torn down."""
        c = Client(freq)
        self.clients.append(c)
        return c


@contextlib.asynccontextmanager
async def hosted_room(**engine_options):
    """A public room in an in-memory service, an engine polled like a
    server's event loop would, and teardown of everything on exit."""
    engine_options.setdefault("bind_address", "127.0.0.1")
    service = konfero.RoomService.open(konfero.RoomServiceOptions(), konfero.SystemClock())
    service.bootstrap_admin("mod", "Moderator", "moderator-password")
    session = service.login("mod", "moderator-password", engine_options["bind_address"])
    room = service.create_room(session.token, "Tones")
    access = service.set_public(session.token, room.id, True)
    engine, poller = start_engine(service, konfero.EngineOptions(**engine_options))
    hosted = HostedRoom(service, session, room, access, engine)
    try:
        yield hosted
    finally:
        poller.cancel()
        for c in hosted.clients:
            await c.close()
        engine.stop()


async def connect(hosted, join, client):
    await client.accept(hosted.engine.connect(join.participant, await client.offer()))


async def connect_all(hosted):
    """The moderator and two guests, one tone each, connected."""
    s = hosted.service
    joins = [s.join_as_member(hosted.session.token, hosted.room.id)]
    for i in range(1, len(FREQS)):
        joins.append(s.join_as_browser_guest(
            url_token=hosted.access.url_token, display_name=f"Guest {i}",
            guest_key=f"aiortc-guest-key-{i:04d}", source="127.0.0.1"))
    clients = [hosted.client(f) for f in FREQS]
    for join, client in zip(joins, clients):
        await connect(hosted, join, client)
    await asyncio.wait_for(asyncio.gather(*(c.connected for c in clients)), 20)
    return joins, clients


async def record(clients, seconds=2.0):
    tracks = await asyncio.wait_for(asyncio.gather(*(c.track for c in clients)), 10)
    return await asyncio.gather(
        *(collect_audio(t, seconds=seconds, skip_seconds=1.5) for t in tracks))


def run(scenario, timeout=90):
    asyncio.run(asyncio.wait_for(scenario(), timeout))


def test_each_client_hears_the_others_and_not_itself():
    async def scenario():
        async with hosted_room() as hosted:
            joins, clients = await connect_all(hosted)
            for i, (samples, rate) in enumerate(await record(clients)):
                assert len(samples) >= rate, f"client {i} received too little audio"
                for j, freq in enumerate(FREQS):
                    level = band_level(samples, rate, freq)
                    if i == j:
                        assert level < 0.1, f"client {i} hears its own {freq} Hz ({level:.2f})"
                    else:
                        assert level > 0.3, f"client {i} misses {freq} Hz ({level:.2f})"
            for join in joins:
                stats = hosted.engine.stats(join.participant)
                assert stats.state == konfero.PeerState.CONNECTED
                assert stats.rtp_packets_in > 50 and stats.rtp_packets_out > 50

    run(scenario)


def test_data_channels_are_no_side_door():
    """Only the server's own `control` channel is read. Text and binary on
    `chat`, a 256 KiB blob and forged chat frames on a custom label, sent by
    a moderator and by a guest who still waits, reach no other client and
    no room history, and are counted as dropped."""
    async def scenario():
        async with hosted_room() as hosted:
            s = hosted.service
            # A guest alone in the room: she waits for a moderator.
            waiting = s.join_as_browser_guest(
                url_token=hosted.access.url_token, display_name="Waiting Guest",
                guest_key="aiortc-guest-key-wait", source="127.0.0.1")
            assert waiting.waiting
            lurker = hosted.client(550.0)
            await connect(hosted, waiting, lurker)
            joins, clients = await connect_all(hosted)
            everyone = [lurker, *clients]
            await asyncio.wait_for(asyncio.gather(
                *(c.chat_open for c in everyone), *(c.data_open for c in everyone)), 20)

            forged = json.dumps({"type": "chat", "id": 1, "from": "Moderator",
                                 "role": "member", "text": "forged", "at": 0})
            sent = {lurker: [forged, os.urandom(256 * 1024), "hello from the waiting room"],
                    clients[1]: ["hello from guest 1", forged, os.urandom(1024)]}
            for client, messages in sent.items():
                for m in messages:
                    client.chat.send(m)
                    client.data.send(m)
            # Long enough for any relay to deliver (data arrives in a few ms).
            await asyncio.sleep(3.0)
            for c in everyone:
                assert c.chat_messages.empty(), "a chat-channel message was relayed"
                assert c.data_messages.empty(), "a custom-label message was relayed"
            history = s.chat_history_as_member(hosted.session.token, hosted.room.id)
            assert history == []
            for join, client in [(waiting, lurker), (joins[1], clients[1])]:
                stats = hosted.engine.stats(join.participant)
                assert stats.data_messages_dropped == 2 * len(sent[client])
                assert stats.data_messages_out == 0
            # The transports are fine: media still flows to the talkers.
            for (samples, rate) in await record(clients, seconds=1.0):
                assert len(samples) >= rate // 2

    run(scenario)


def _cut_network(client):
    """Closes the aiortc client's UDP sockets: it stops answering at once,
    as a browser whose network vanished would (no DTLS close, no BYE)."""
    ice = client.pc.getTransceivers()[0].sender.transport.transport
    for protocol in list(ice._connection._protocols):
        protocol.transport.close()


def test_a_peer_that_stops_answering_is_dropped_and_leaves_the_room():
    async def scenario():
        async with hosted_room(consent_timeout=3.0) as hosted:
            s = hosted.service
            left = asyncio.get_event_loop().create_future()

            def on_event(event):
                if event.name == "participant_left" and not left.done():
                    left.set_result(event.body)

            s.subscribe(on_event, room=hosted.room.id)
            join = s.join_as_member(hosted.session.token, hosted.room.id)
            client = hosted.client(440.0)
            await connect(hosted, join, client)
            await asyncio.wait_for(client.connected, 20)
            await asyncio.sleep(1.0)
            assert hosted.engine.stats(join.participant).state == konfero.PeerState.CONNECTED
            assert not left.done()
            _cut_network(client)
            body = await asyncio.wait_for(left, 20)
            assert body.participant == join.participant
            assert body.reason == konfero.LeaveReason.DISCONNECTED
            room = s.get_room(hosted.session.token, hosted.room.id).room
            assert room.state == konfero.ConferenceState.IDLE
            with pytest.raises(konfero.NotFoundError):
                hosted.engine.stats(join.participant)

    run(scenario, 60)


def test_the_engine_can_offer_and_an_aiortc_answerer_joins_the_mix():
    async def scenario():
        async with hosted_room() as hosted:
            s, engine = hosted.service, hosted.engine
            offerer = hosted.client(440.0)
            answerer = hosted.client(990.0)
            await connect(hosted, s.join_as_member(hosted.session.token, hosted.room.id), offerer)

            second = s.join_as_member(hosted.session.token, hosted.room.id)
            offer = engine.create_offer(second.participant)
            assert "a=setup:actpass" in offer
            with pytest.raises(konfero.InvalidArgumentError):
                engine.accept_answer(second.participant, "v=0\r\nnot an answer\r\n")
            await answerer.pc.setRemoteDescription(
                aiortc.RTCSessionDescription(sdp=offer, type="offer"))
            await answerer.pc.setLocalDescription(await answerer.pc.createAnswer())
            engine.accept_answer(second.participant, answerer.pc.localDescription.sdp)
            with pytest.raises(konfero.FailedPreconditionError):
                engine.accept_answer(second.participant, answerer.pc.localDescription.sdp)

            await asyncio.wait_for(asyncio.gather(offerer.connected, answerer.connected), 20)
            (by_offerer, rate1), (by_answerer, rate2) = await record([offerer, answerer])
            assert band_level(by_offerer, rate1, 990.0) > 0.3
            assert band_level(by_offerer, rate1, 440.0) < 0.1
            assert band_level(by_answerer, rate2, 440.0) > 0.3
            assert band_level(by_answerer, rate2, 990.0) < 0.1

    run(scenario)


def test_peers_connect_over_ipv6_loopback():
    import aioice.ice
    saved = aioice.ice.get_host_addresses
    aioice.ice.get_host_addresses = lambda use_ipv4=True, use_ipv6=True: ["::1"]

    async def scenario():
        async with hosted_room(bind_address="::1") as hosted:
            assert hosted.engine.listen_addresses[0].startswith("[::1]:")
            clients = [hosted.client(440.0), hosted.client(880.0)]
            for client in clients:
                joined = hosted.service.join_as_member(hosted.session.token, hosted.room.id)
                answer = hosted.engine.connect(joined.participant, await client.offer())
                assert "a=candidate:1 1 udp 2130706431 ::1 " in answer
                await client.accept(answer)
            await asyncio.wait_for(asyncio.gather(*(c.connected for c in clients)), 20)
            (a, rate_a), (b, rate_b) = await record(clients, seconds=1.5)
            assert band_level(a, rate_a, 880.0) > 0.3 and band_level(a, rate_a, 440.0) < 0.1
            assert band_level(b, rate_b, 440.0) > 0.3 and band_level(b, rate_b, 880.0) < 0.1

    try:
        run(scenario, 60)
    finally:
        aioice.ice.get_host_addresses = saved
