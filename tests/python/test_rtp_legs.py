"""Plain-RTP legs (phones) with real, independent peers, on loopback only.

- ffmpeg is the phone for each codec (PCMU, PCMA, G.722, Opus): one ffmpeg
  sends a sine to the leg, another records what the leg sends; an aiortc
  moderator in the same room sends its own sine. Each side must hear the
  other and not itself (FFT).
- RFC 4733 digits replayed from a real capture (tests/python/data); in-band
  DTMF made by sox and sent by ffmpeg as PCMU.
- A raw UDP socket is the phone for the waiting sound, hold and resume by
  re-offer, the RTP timeout (paused on hold), symmetric RTP (latching) and
  the RFC 4733 digits the engine sends.

Every test is bounded (asyncio.wait_for, subprocess timeouts) and cleans up
after itself. Run: PYTHONPATH=build/bindings/python bash scripts/netns_run.sh
/usr/bin/python3 -m pytest -q tests/python/test_rtp_legs.py
"""
import asyncio
import contextlib
import pathlib
import shutil
import time
from dataclasses import dataclass, field

import pytest

import konfero

pytestmark = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("sox") is None,
    reason="needs ffmpeg and sox as plain-RTP peers (scripts/install-deps.sh installs both)")

from rtp_peers import (CODECS, Processes, RtpPeer, RtpStream, build_rtp,  # noqa: E402
                       ffmpeg_receiver_args, ffmpeg_sender_args, ffmpeg_wav_sender_args,
                       free_port_pair, load_wav, make_dtmf_wav, offer_sdp, parse_answer,
                       parse_rtp, read_pcap_udp, receiver_sdp, replay, rms,
                       telephone_events, ulaw_decode)
from webrtc_peers import Client, band_level, collect_audio, start_engine  # noqa: E402

DATA = pathlib.Path(__file__).resolve().parent / "data"
CAPTURE = DATA / "pcmu_pin_1234hash.pcap"  # PCMU tone, RFC 4733 "1234#" (PT 101), tone
MODERATOR_HZ = 440.0
PHONE_HZ = 1000.0
# The waiting sound: a chime of two notes and their octaves (audio/waiting_sound.cc).
CHIME_HZ = (659.25, 987.77)
TE = (101, "telephone-event/8000")


@dataclass
class PhoneRoom:
    service: object
    session: object
    room: object
    access: object
    engine: object
    clients: list = field(default_factory=list)
    peers: list = field(default_factory=list)
    events: list = field(default_factory=list)
    digits: list = field(default_factory=list)  # (participant, digit) as on_dtmf reports them

    def client(self, freq):
        c = Client(freq)
        self.clients.append(c)
        return c

    async def peer(self, port=0):
        p = await RtpPeer.open(port)
        self.peers.append(p)
        return p

    def join_moderator(self):
        return self.service.join_as_member(self.session.token, self.room.id)

    def join_phone(self, caller="+4930555"):
        return self.service.join_as_phone_guest(konfero.PhoneGuestJoin(
            pin=self.access.pin, caller=caller, source=f"sip:{caller}@127.0.0.1"))

    def digits_of(self, participant):
        return "".join(d for p, d in self.digits if p == participant)

    def left(self, participant):
        return [e for e in self.events
                if e.name == "participant_left" and e.body.participant == participant]


@contextlib.asynccontextmanager
async def phone_room():
    """A public room with a PIN, an engine whose reports the running loop
    applies, and teardown of everything on exit."""
    with konfero.RoomService.open(
            konfero.RoomServiceOptions(dial_in_number="+49 30 555 0100"),
            konfero.SystemClock()) as service:
        service.bootstrap_admin("mod", "Moderator", "moderator-password")
        session = service.login("mod", "moderator-password", "127.0.0.1")
        room = service.create_room(session.token, "Phones")
        access = service.set_public(session.token, room.id, True)
        engine, pump = start_engine(service, konfero.EngineOptions(bind_address="127.0.0.1"))
        hosted = PhoneRoom(service, session, room, access, engine)
        service.subscribe(hosted.events.append, room=room.id)
        engine.on_dtmf(lambda participant, digit: hosted.digits.append((participant, digit)))
        try:
            yield hosted
        finally:
            pump.cancel()
            for c in hosted.clients:
                await c.close()
            for p in hosted.peers:
                p.close()
            engine.stop()


async def until(predicate, timeout, what):
    """Polls `predicate` every 20 ms; fails naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.02)


def run(scenario, timeout=60):
    asyncio.run(asyncio.wait_for(scenario(), timeout))


def pcmu_audio(packets):
    return ulaw_decode(b"".join(p.payload for p in packets if p.pt == 0))


# ---- 1. ffmpeg phone <-> engine <-> aiortc moderator, per codec ------------------------------

@pytest.mark.parametrize("codec", list(CODECS))
def test_ffmpeg_phone_and_aiortc_moderator_hear_each_other(codec, tmp_path):
    async def scenario():
        async with phone_room() as hosted:
            engine = hosted.engine
            moderator = hosted.join_moderator()
            client = hosted.client(MODERATOR_HZ)
            await client.accept(engine.connect(moderator.participant, await client.offer()))
            await asyncio.wait_for(client.connected, 20)

            phone = hosted.join_phone()
            assert not phone.waiting
            pt, rtpmap, _ = CODECS[codec]
            listen, send_from = free_port_pair(), free_port_pair()
            # Where ffmpeg RECEIVES; it sends from another port (send_from),
            # so the leg must not latch: symmetric_rtp=False.
            offer = offer_sdp(listen, [pt], [(pt, rtpmap)] if rtpmap else [])
            answer = parse_answer(engine.connect_rtp(
                phone.participant, offer, konfero.RtpLegOptions(symmetric_rtp=False)))
            assert answer.payload_types == [pt], answer.text
            assert answer.address == "127.0.0.1" and answer.direction == "sendrecv"
            sdp = tmp_path / "phone_receives.sdp"
            sdp.write_text(receiver_sdp(answer.text, listen))
            wav = tmp_path / "phone_hears.wav"

            async with Processes() as procs:
                receiver = await procs.start(*ffmpeg_receiver_args(sdp, wav, 3.0))
                sender = await procs.start(*ffmpeg_sender_args(
                    codec, int(PHONE_HZ), (answer.address, answer.port), send_from, 5.0))
                track = await asyncio.wait_for(client.track, 10)
                heard, rate = await collect_audio(track, seconds=2.0, skip_seconds=2.0)
                await Processes.finish(receiver, 15, "ffmpeg receiver")
                await Processes.finish(sender, 15, "ffmpeg sender")

            # The moderator hears the phone, not itself.
            assert len(heard) >= rate, "the moderator received too little audio"
            level = band_level(heard, rate, PHONE_HZ)
            assert level > 0.3, f"moderator misses the {codec} phone's tone ({level:.2f})"
            assert band_level(heard, rate, MODERATOR_HZ) < 0.1, "moderator hears itself"

            # The phone hears the moderator, not itself.
            samples, wav_rate = load_wav(wav)
            assert len(samples) >= 2.5 * wav_rate, f"ffmpeg recorded only {len(samples)} samples"
            samples = samples[wav_rate // 2:]  # the decoder's start-up
            level = band_level(samples, wav_rate, MODERATOR_HZ)
            assert level > 0.3, f"the {codec} phone misses the moderator ({level:.2f})"
            assert band_level(samples, wav_rate, PHONE_HZ) < 0.1, "the phone hears itself"

            stats = engine.stats(phone.participant)
            assert stats.kind == konfero.LegKind.PLAIN_RTP
            assert stats.state == konfero.PeerState.CONNECTED
            assert stats.rtp_packets_in > 50 and stats.rtp_packets_out > 50, stats
            assert stats.rtcp_packets_in >= 1, "ffmpeg's RTCP SR (port + 1) was not counted"

    run(scenario)


# ---- 2. RFC 4733 from a real capture -------------------------------------------------------

def test_rfc4733_digits_replayed_from_a_capture_are_reported_once_each():
    records = read_pcap_udp(CAPTURE)
    packets = [parse_rtp(r.payload) for r in records]
    assert {p.pt for p in packets} == {0, 101}, "the capture is PCMU with telephone-event 101"
    assert [e.digit for e in telephone_events(packets, 101)] == list("1234#")

    async def scenario():
        async with phone_room() as hosted:
            phone = hosted.join_phone()
            sip_phone = await hosted.peer()
            offer = offer_sdp(sip_phone.port, [0, 101], [(0, "PCMU/8000"), TE],
                              extra=["a=fmtp:101 0-16"])
            answer = parse_answer(hosted.engine.connect_rtp(phone.participant, offer))
            assert answer.payload_types == [0, 101], answer.text
            assert answer.rtpmaps.get(101) == "telephone-event/8000"

            await replay(sip_phone, records, (answer.address, answer.port))
            await until(lambda: len(hosted.digits_of(phone.participant)) >= 5, 3.0,
                        "five digits")
            await asyncio.sleep(1.0)  # a duplicate would come by now (flush: 500 ms)
            assert hosted.digits_of(phone.participant) == "1234#"
            stats = hosted.engine.stats(phone.participant)
            assert stats.dtmf_digits_in == 5
            assert stats.rtp_packets_in == len(records), stats

    run(scenario)


# ---- 3. In-band DTMF -------------------------------------------------------------------------

def test_inband_dtmf_from_ffmpeg_pcmu_is_detected(tmp_path):
    wav = make_dtmf_wav(tmp_path, "1234#")

    async def scenario():
        async with phone_room() as hosted:
            phone = hosted.join_phone()
            sink = await hosted.peer(free_port_pair())  # where the leg sends
            answer = parse_answer(hosted.engine.connect_rtp(
                phone.participant, offer_sdp(sink.port, [0]),
                konfero.RtpLegOptions(symmetric_rtp=False)))
            assert answer.payload_types == [0] and "telephone-event" not in answer.text
            async with Processes() as procs:
                sender = await procs.start(*ffmpeg_wav_sender_args(
                    wav, (answer.address, answer.port), free_port_pair()))
                await Processes.finish(sender, 15, "ffmpeg sender")
            await until(lambda: len(hosted.digits_of(phone.participant)) >= 5, 2.0,
                        f"five digits (got {hosted.digits_of(phone.participant)!r})")
            await asyncio.sleep(0.5)
            assert hosted.digits_of(phone.participant) == "1234#"
            assert hosted.engine.stats(phone.participant).dtmf_digits_in == 5

    run(scenario)


# ---- 4. The waiting sound, hold by re-offer, the RTP timeout -----------------------------------

def test_waiting_sound_hold_resume_and_rtp_timeout():
    async def scenario():
        async with phone_room() as hosted:
            s, engine = hosted.service, hosted.engine
            phone = hosted.join_phone()
            assert phone.waiting, "a phone guest alone waits for a moderator"
            sip_phone = await hosted.peer(free_port_pair())
            options = konfero.RtpLegOptions(rtp_timeout=2.0)
            answer = parse_answer(engine.connect_rtp(
                phone.participant, offer_sdp(sip_phone.port, [0]), options))
            leg = (answer.address, answer.port)
            talk = RtpStream(sip_phone, leg)  # the phone's audio keeps the leg alive
            try:
                # Alone in the room: the waiting sound (a 3 s chime loop).
                await asyncio.sleep(0.5)
                waiting = await sip_phone.collect(3.0)
                assert len(waiting) > 120, f"only {len(waiting)} RTP packets in 3 s"
                audio = pcmu_audio(waiting)
                assert rms(audio) > 0.01, f"the waiting phone hears silence (rms {rms(audio):.4f})"
                assert max(band_level(audio, 8000, f) for f in CHIME_HZ) > 0.3, \
                    "what the waiting phone hears is not the waiting chime"

                # A moderator arrives: the waiting sound stops (nobody speaks).
                hosted.join_moderator()
                await asyncio.sleep(0.5)
                running = await sip_phone.collect(1.0)
                assert len(running) > 40
                assert rms(pcmu_audio(running)) < 0.005, "still the waiting sound"

                # The phone holds us (sendonly) and stops sending: we send nothing.
                held = parse_answer(engine.connect_rtp(
                    phone.participant, offer_sdp(sip_phone.port, [0], direction="sendonly"),
                    options))
                assert held.direction == "recvonly", held.text
                assert held.port == answer.port
                talk.pause()
                hold_started = time.monotonic()
                await asyncio.sleep(0.2)
                on_hold = await sip_phone.collect(1.0)
                assert on_hold == [], f"{len(on_hold)} RTP packets sent while on hold"
                # No RTP for 3 s > rtp_timeout, but on hold: the leg stays.
                await asyncio.sleep(max(0.0, 3.0 - (time.monotonic() - hold_started)))
                assert not hosted.left(phone.participant), "the RTP timeout fired on hold"
                assert s.get_participant(phone.participant).id == phone.participant
                assert engine.stats(phone.participant).state == konfero.PeerState.CONNECTED

                # Resume: packets flow again.
                resumed = parse_answer(engine.connect_rtp(
                    phone.participant, offer_sdp(sip_phone.port, [0], direction="sendrecv"),
                    options))
                assert resumed.direction == "sendrecv", resumed.text
                talk.resume()
                await asyncio.sleep(0.2)
                flowing = await sip_phone.collect(1.0)
                assert len(flowing) > 40, f"only {len(flowing)} RTP packets after resume"

                # Not on hold, the phone goes quiet for > 2 s: the leg times out
                # and the participant leaves the room.
                talk.pause()
                await until(lambda: hosted.left(phone.participant), 5.0,
                            "participant_left after the RTP timeout")
                with pytest.raises(konfero.NotFoundError):
                    s.get_participant(phone.participant)
                with pytest.raises(konfero.NotFoundError):
                    engine.stats(phone.participant)
            finally:
                await talk.stop()

    run(scenario)


# ---- 5. Symmetric RTP --------------------------------------------------------------------------

def test_symmetric_rtp_latches_to_where_the_phone_sends_from():
    async def scenario():
        async with phone_room() as hosted:
            hosted.join_moderator()
            phone = hosted.join_phone()
            named = await hosted.peer(free_port_pair())   # A: the port the offer names
            behind_nat = await hosted.peer()              # B: where the phone really sends from
            answer = parse_answer(hosted.engine.connect_rtp(
                phone.participant, offer_sdp(named.port, [0])))  # symmetric_rtp=True by default
            talk = RtpStream(behind_nat, (answer.address, answer.port))
            try:
                await asyncio.sleep(0.5)  # latched at B's first packet
                named.clear()
                on_b = await behind_nat.collect(1.0)
                on_a = named.rtp()
                assert len(on_b) > 40, f"only {len(on_b)} RTP packets reached the latched source"
                assert on_a == [], f"{len(on_a)} RTP packets still went to the SDP's port"
                assert hosted.engine.stats(phone.participant).rtp_packets_in > 20
            finally:
                await talk.stop()

    run(scenario)


# ---- 6. send_dtmf ------------------------------------------------------------------------------

def test_send_dtmf_sends_rfc4733_events_with_the_negotiated_payload_type():
    async def scenario():
        async with phone_room() as hosted:
            engine = hosted.engine
            hosted.join_moderator()
            phone = hosted.join_phone()
            sip_phone = await hosted.peer(free_port_pair())
            te_pt = 100  # not the usual 101: the leg must use what was negotiated
            answer = parse_answer(engine.connect_rtp(phone.participant, offer_sdp(
                sip_phone.port, [0, te_pt], [(0, "PCMU/8000"), (te_pt, "telephone-event/8000")],
                extra=[f"a=fmtp:{te_pt} 0-15"])))
            assert answer.payload_types == [0, te_pt], answer.text

            await asyncio.sleep(0.3)
            sip_phone.clear()
            engine.send_dtmf(phone.participant, "159#")
            await until(lambda: [e.end_packets for e in telephone_events(sip_phone.rtp(), te_pt)]
                        == [3, 3, 3, 3], 3.0, "four digits with three end packets each")
            await asyncio.sleep(0.3)  # nothing more follows
            received = sip_phone.rtp()
            events = telephone_events(received, te_pt)
            assert [e.digit for e in events] == list("159#")
            for e in events:
                assert e.end_packets == 3, e
                assert e.packets[0][0], f"digit {e.digit}: no marker on the first packet"
                ends = [d for _, end, d in e.packets if end]
                assert len(set(ends)) == 1 and ends[0] >= 320, e  # >= 40 ms at 8 kHz
            assert len({p.ssrc for p in received}) == 1, "events and audio share one SSRC"
            assert all(p.pt in (0, te_pt) for p in received)

            # Errors: a bad digit; a leg without telephone-event.
            with pytest.raises(konfero.InvalidArgumentError):
                engine.send_dtmf(phone.participant, "12x")
            other = hosted.join_phone("+4930666")
            plain = await hosted.peer(free_port_pair())
            engine.connect_rtp(other.participant, offer_sdp(plain.port, [0]))
            with pytest.raises(konfero.FailedPreconditionError):
                engine.send_dtmf(other.participant, "1")

    run(scenario)


def test_the_helpers_read_rtp_they_build():
    """rtp_peers' RTP writer and reader agree (a sanity check of the test's
    own tools, no engine)."""
    p = parse_rtp(build_rtp(101, 65535, 2**32 - 1, 0xDEADBEEF, b"\x0b\x8a\x03\x20", marker=True))
    assert (p.marker, p.pt, p.seq, p.ts, p.ssrc, p.payload) == \
        (True, 101, 65535, 2**32 - 1, 0xDEADBEEF, b"\x0b\x8a\x03\x20")
