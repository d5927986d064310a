"""End to end in the browser with a phone guest: konfero-server with SIP
dial-in (--sip-listen, --dial-in-number), a caller (sipp, PIN by SIP INFO
followed by #: tests/python/sip/uac_pin_info.xml) in the demo room, and
Debian's Chromium driving the web client (tests/browser/e2e/phone.mjs):
  - the guest link's lookup (GET /api/guest/<token>) gives its holder the
    dial-in number and the room's PIN, and the guest page shows them as
    "Dial ... and enter PIN ... followed by #" (English and German);
  - the moderator's room list counts the phone guest as a guest waiting;
  - in the conference the moderator sees the phone guest as "Phone …4567"
    with the "Phone guest" role, mutes it and kicks it: the call gets a BYE
    and the room lists no phone guest any more.
Screenshots: moderator-phone-guest, guest-dial-in, guest-dial-in-de (to
$KONFERO_SCREENSHOTS, default the pytest temporary directory; the README
shows docs/screenshots). Run like the other browser tests, in a
loopback-only namespace:
  bash scripts/netns_run.sh /usr/bin/python3 -m pytest -q tests/python/test_e2e_phone.py
"""
import re

import pytest

from sip_peers import (DIAL_IN_NUMBER, Procs, Rest, Sipp, info_digits, masked, missing,
                       render_scenario, wait_for)
from test_e2e_browser import needs_server, run_script, shots_dir
from test_server_smoke import RunningServer
from test_webrtc_chromium import BROWSER_DIR, needs_browser

PHONE = BROWSER_DIR / "e2e" / "phone.mjs"
CALLER = "+49 30 5550 4567"   # shown as "Phone …4567"
SIP_PORT = 31700              # sipp on SIP_PORT+1, its media on SIP_PORT+10
needs_sipp = pytest.mark.skipif(missing("sipp") is not None, reason="sipp is not installed")


@needs_browser
@needs_server
@needs_sipp
def test_moderator_sees_mutes_and_kicks_a_phone_guest_and_the_guest_page_offers_dial_in(tmp_path):
    procs = Procs()
    server = RunningServer(tmp_path / "data", "--dial-in-number", DIAL_IN_NUMBER,
                           "--sip-listen", f"127.0.0.1:{SIP_PORT}", "--sip-allow", "127.0.0.0/8")
    try:
        rest = Rest(server.origin, server.password)
        room = rest.call("GET", "/api/rooms")["rooms"][0]["id"]
        access = rest.call("GET", f"/api/rooms/{room}/access")
        pin = access["pin"]
        # The link's holder learns the phone alternative, the same as the invitation's.
        token = server.demo_url.rstrip("/").rsplit("/", 1)[1]
        lookup = rest.call("GET", f"/api/guest/{token}", auth=False)
        assert (lookup["dial_in_number"], lookup["pin"]) == (DIAL_IN_NUMBER, pin), lookup
        for text in (access["invitation_en"], access["invitation_de"]):
            assert DIAL_IN_NUMBER in text and f"PIN: {pin}\n" in text and "#" in text, text

        # The caller stays on the line after the PIN until the kick (the
        # pause after the digits: <pause variable="hold_ms"/> with -set
        # hold_ms did not hold the call here, sipp hung up at once).
        scenario = render_scenario("uac_pin_info.xml", tmp_path,
                                   info_digits(pin + "#", pause_after_ms=300000))
        uac = Sipp(procs, scenario, tmp_path, f"127.0.0.1:{SIP_PORT}", SIP_PORT + 1,
                   caller=re.sub(r"[^\d+]", "", CALLER), hold_ms=0,
                   media_port=SIP_PORT + 10, timeout_s=360)
        guests = wait_for(lambda: rest.phone_guests(room), 20)
        assert guests and guests[0]["name"] == masked(CALLER), \
            f"{guests}\n{uac.report()}\n--- server log:\n{server.logs()[-4000:]}"

        r = run_script(PHONE, server.origin, server.password, server.demo_url,
                       shots_dir(tmp_path), masked(CALLER), timeout=300)

        # The guest page (name screen and, for later, the waiting screen).
        en, de = r["guestEn"], r["guestDe"]
        assert en["visible"] and en["title"] == "Join by phone", en
        assert en["text"] == f"Dial {DIAL_IN_NUMBER} and enter PIN {pin} followed by #", en
        assert en["waitingText"] == en["text"], en
        assert (en["number"], en["pin"], en["href"]) == (DIAL_IN_NUMBER, pin, "tel:+49301234567"), en
        assert de["title"] == "Per Telefon teilnehmen", de
        assert de["text"] == (f"Wählen Sie {DIAL_IN_NUMBER} und geben Sie die PIN {pin} ein, "
                              "gefolgt von #"), de

        # The moderator: guests waiting, then the list, mute and kick.
        assert r["guestsWaiting"] is True
        listed = r["listed"]
        assert listed["name"] == "Phone \u20264567", listed
        assert listed["role"] == "Phone guest", listed
        assert r["browserGuestRole"] == "Guest"
        assert listed["handset"] and listed["canMute"] and listed["canKick"], listed
        assert r["muted"] is True
        assert "phone_guest" not in r["remaining"], r["remaining"]
        assert sorted(r["remaining"]) == ["browser_guest", "moderator"], r["remaining"]

        # The kick ended the call on the SIP side too.
        assert wait_for(lambda: not rest.phone_guests(room), 10), rest.phone_guests(room)
        uac.wait(30)
        # sipp itself would hang up only after hold_ms: this BYE is the server's.
        assert "BYE sip:" in uac.log("messages"), uac.report()
    finally:
        procs.kill_all()
        server.stop()
