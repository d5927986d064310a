"""Chromium (Debian's, headless, fake microphone) in a room hosted by the engine.

The test serves a page and a tiny signalling endpoint with aiohttp; the page
connects to the engine and reads getStats(). An aiortc client sends a sine
into the same room, so the mixed audio arriving in Chromium has energy; the
page then restarts ICE and checks that audio keeps arriving on the new
credentials. Skipped only where Chromium or node is not installed.
"""
import asyncio
import json
import pathlib
import shutil

import pytest

import konfero

aiortc = pytest.importorskip("aiortc")
web = pytest.importorskip("aiohttp.web")
from webrtc_peers import Client, start_engine  # noqa: E402

BROWSER_DIR = pathlib.Path(__file__).resolve().parents[1] / "browser"
needs_browser = pytest.mark.skipif(
    not (shutil.which("node") and pathlib.Path("/usr/bin/chromium").exists()
         and (BROWSER_DIR / "node_modules" / "playwright-core").exists()),
    reason="Chromium, node or playwright-core is not installed")


async def _run_page(url, timeout_s=90):
    proc = await asyncio.create_subprocess_exec(
        "node", str(BROWSER_DIR / "drive.mjs"), url, str(timeout_s * 1000),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), timeout_s + 30)
    except asyncio.TimeoutError:
        proc.kill()
        raise
    text = out.decode(errors="replace")
    for line in text.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):]), text
    return {"ok": False, "error": "no result"}, text


@needs_browser
def test_chromium_receives_the_mix_and_survives_an_ice_restart():
    async def scenario():
        service = konfero.RoomService.open(konfero.RoomServiceOptions(), konfero.SystemClock())
        service.bootstrap_admin("mod", "Moderator", "moderator-password")
        session = service.login("mod", "moderator-password", "127.0.0.1")
        room = service.create_room(session.token, "Browser")
        engine, poller = start_engine(service, konfero.EngineOptions())
        browser = service.join_as_member(session.token, room.id)
        aiortc_member = service.join_as_member(session.token, room.id)
        tone = Client(660.0)
        runner = None
        try:
            await tone.accept(engine.connect(aiortc_member.participant, await tone.offer()))

            async def offer(request):
                body = await request.json()
                answer = engine.connect(browser.participant, body["sdp"])
                return web.json_response({"type": "answer", "sdp": answer})

            app = web.Application()
            app.router.add_post("/offer", offer)
            app.router.add_static("/", BROWSER_DIR / "www")
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]
            result, log = await _run_page(f"http://127.0.0.1:{port}/audio.html")
            print(json.dumps(result))
            assert result.get("ok"), log
            assert result["before"]["bytesReceived"] > 4000
            assert result["before"]["totalAudioEnergy"] > 0, "the mix arrived silent"
            assert result["after"]["bytesReceived"] > result["before"]["bytesReceived"]
            assert result["ufragBefore"] != result["ufragAfter"]
            stats = engine.stats(browser.participant)
            assert stats.state == konfero.PeerState.CONNECTED
            assert stats.rtp_packets_in > 50, "Chromium's microphone did not reach the engine"
        finally:
            poller.cancel()
            await tone.close()
            if runner:
                await runner.cleanup()
            engine.stop()

    asyncio.run(asyncio.wait_for(scenario(), 150))
