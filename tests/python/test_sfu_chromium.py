"""Simulcast with Chromium: a subscriber's layer follows its bandwidth.

Debian's Chromium (headless, fake camera, playwright-core) opens a page
with two participants of one room: a publisher sending three simulcast
layers (960x540, 480x270, 240x135) and a subscriber with one video slot.
The page reads getStats(): the subscriber first decodes the top layer;
when the test caps the subscriber's downlink (the engine's egress
impairment, a policer), the SFU's estimate falls and a lower layer
arrives, still decoding; when the cap is lifted, the top layer returns.
Skipped only where Chromium or node is not installed.
"""
import asyncio
import json

import pytest

import konfero

web = pytest.importorskip("aiohttp.web")
from test_webrtc_chromium import BROWSER_DIR, _run_page, needs_browser  # noqa: E402
from webrtc_peers import start_engine  # noqa: E402


@needs_browser
def test_simulcast_layer_follows_the_subscribers_bandwidth():
    async def scenario():
        service = konfero.RoomService.open(konfero.RoomServiceOptions(), konfero.SystemClock())
        service.bootstrap_admin("mod", "Moderator", "moderator-password")
        session = service.login("mod", "moderator-password", "127.0.0.1")
        room = service.create_room(session.token, "Simulcast")
        engine, poller = start_engine(service, konfero.EngineOptions())
        joins = {"pub": service.join_as_member(session.token, room.id),
                 "sub": service.join_as_member(session.token, room.id)}
        runner = None
        try:
            async def offer(request):
                join = joins[request.query["role"]]
                offer_sdp = (await request.json())["sdp"]
                answer = engine.connect(join.participant, offer_sdp)
                open(f"/tmp/sdp-{request.query['role']}.txt", "w").write(offer_sdp + "\n-----\n" + answer)
                return web.json_response({"type": "answer", "sdp": answer})

            async def impair(request):
                body = await request.json()
                engine.set_egress_impairment(joins["sub"].participant,
                                             max_bitrate_bps=int(body["max_bitrate_bps"]))
                return web.json_response({})

            app = web.Application()
            app.router.add_post("/offer", offer)
            app.router.add_post("/impair", impair)
            app.router.add_static("/", BROWSER_DIR / "www")
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]
            result, log = await _run_page(f"http://127.0.0.1:{port}/simulcast.html", 200)
            print(json.dumps(result))
            sub = engine.stats(joins["sub"].participant)
            pub = engine.stats(joins["pub"].participant)
            print(sub, pub)
            assert result.get("ok"), log
            assert result["top"]["frameWidth"] == 960
            assert result["low"]["frameWidth"] < 960
            assert result["lowLater"]["framesDecoded"] > result["low"]["framesDecoded"]
            assert result["back"]["frameWidth"] == 960
            assert sub.layer_switches >= 3, sub  # first layer, down, up
            assert sub.impairment_drops > 0, sub
            assert pub.transport_feedback_out > 20, pub
        finally:
            poller.cancel()
            if runner:
                await runner.cleanup()
            engine.stop()

    asyncio.run(asyncio.wait_for(scenario(), 260))
