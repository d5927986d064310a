"""End to end in the browser: screen sharing and the moderator's remote mute.

konfero-server (C++) runs on 127.0.0.1 with a fresh data directory; the
scenario (tests/browser/e2e/sharing.mjs) drives Debian's Chromium (fake
camera, microphone and screen), the moderator and the guest Erika each in
their own browser context:
  1. Erika shares her screen: the moderator receives it in a slot of its
     own (source "screen"), decodes its frames at the screen's size, and
     still decodes her camera in another slot; when she stops, the slot is
     given back.
  2. The moderator mutes her: her microphone goes off, both participant
     lists show her muted, and the moderator's inbound audio (the mix of
     everyone but himself, i.e. her alone) falls to near silence by
     getStats' totalAudioEnergy; she unmutes herself and is heard again.
  3. The room is deleted while she is in it: her page shows "ended".
"""
from test_e2e_browser import needs_server, run_script, shots_dir
from test_server_smoke import RunningServer
from test_webrtc_chromium import BROWSER_DIR, needs_browser

SCRIPT = BROWSER_DIR / "e2e" / "sharing.mjs"


@needs_browser
@needs_server
def test_screen_share_reaches_the_moderator_and_remote_mute_silences_the_guest(tmp_path):
    server = RunningServer(tmp_path / "data")
    try:
        r = run_script(SCRIPT, server.origin, server.password, server.demo_url,
                       shots_dir(tmp_path))
    finally:
        server.stop()
    sharing, muting = r["sharing"], r["muting"]
    # The fake screen is 1280x720; the SFU forwards it in its own slot.
    assert sharing["screen"]["frames"] > 5, sharing
    assert sharing["screen"]["width"] >= 640 and sharing["screen"]["height"] >= 360, sharing
    assert sharing["cameraMid"] not in (None, sharing["screenMid"]), sharing
    assert sharing["camera"]["frames"] > 5, sharing
    assert sharing["slotFreed"], sharing
    heard = muting["heard"]
    # Chrome's fake microphone beeps; muted, the moderator's mix is silence.
    assert heard["before"] > 1e-3, heard
    assert heard["muted"] < heard["before"] / 20, heard
    assert heard["unmuted"] > heard["before"] / 4, heard
    assert muting["guestListsHerself"], muting
    assert r["deleted"] == 200, r
