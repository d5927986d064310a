#!/usr/bin/python3
"""Checks the caller scenarios of this folder without konfero: each runs
against a sipp stand-in UAS (mock_uas*.xml) playing the server's part, on
127.0.0.1 (ports 27000-27100). Exit 0 when every pair completes.

Usage: /usr/bin/python3 tests/python/sip/validate_scenarios.py [NAME...]
"""
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
from sip_peers import (CANCEL_BEHAVIORS, Procs, Sipp, info_digits, render_scenario,  # noqa: E402
                       write_inband_pin_pcap, write_pin_pcap)

PIN = "483920"
CASES = {  # name: (caller scenario, stand-in, digits xml, hold_ms, transport, expected log line)
    "rfc4733": ("uac_pin_rfc4733.xml", "mock_uas.xml", "", 1000, "u1", None),
    "info": ("uac_pin_info.xml", "mock_uas.xml", info_digits(PIN + "#"), 500, "u1", None),
    "info-tcp": ("uac_pin_info.xml", "mock_uas.xml", info_digits(PIN + "#"), 500, "t1", None),
    "info-dtmf": ("uac_pin_info.xml", "mock_uas.xml", info_digits(PIN + "#", "dtmf"), 500, "u1", None),
    "wrong": ("uac_wrong_pin.xml", "mock_uas.xml",
              "".join(info_digits(p + "#", cseq=10 + 10 * i, pause_after_ms=1500)
                      for i, p in enumerate(("111111", "222222", "333333"))), None, "u1", None),
    "cancel-487": ("uac_cancel.xml", "mock_uas_cancel.xml", "", None, "u1", "OUTCOME 487"),
    "cancel-200": ("uac_cancel.xml", "mock_uas_cancel_late.xml", "", None, "u1", "OUTCOME 200"),
    "bye-early": ("uac_bye_early.xml", "mock_uas.xml", "", None, "u1", None),
    "hold": ("uac_hold.xml", "mock_uas.xml", info_digits(PIN + "#"), 500, "u1", None),
    "no-sdp": ("uac_no_sdp.xml", "mock_uas.xml", info_digits(PIN + "#"), 500, "u1", None),
    "session-timer": ("uac_session_timer.xml", "mock_uas.xml", "", 2000, "u1", None),
    "inband": ("uac_pin_inband.xml", "mock_uas_pcmu.xml", "", 1000, "u1", None),
}


def run(name, port):
    caller, mock, digits, hold, transport, expect = CASES[name]
    procs = Procs()
    with tempfile.TemporaryDirectory(prefix=f"sipval-{name}-") as d:
        try:
            write_pin_pcap(pathlib.Path(d) / "pin.pcap", PIN + "#")
            write_inband_pin_pcap(pathlib.Path(d) / "pin_inband.pcap", PIN + "#")
            uas = Sipp(procs, pathlib.Path(__file__).parent / mock, d, "", port, transport=transport,
                       media_port=port + 50, timeout_s=40)
            uac = Sipp(procs, render_scenario(caller, d, digits), d, f"127.0.0.1:{port}", port + 1,
                       transport=transport, hold_ms=hold, media_port=port + 60, timeout_s=40,
                       behaviors=CANCEL_BEHAVIORS if "cancel" in name else "all,-bye")
            rc_uac, rc_uas = uac.wait(45), uas.wait(15)
            # Over TCP the stand-in may see its peer close first (rc 1): the caller counts.
            ok = rc_uac == 0 and (rc_uas == 0 or transport == "t1")
            if expect and expect not in uac.log("logs"):
                ok = False
            print(f"{'PASS' if ok else 'FAIL'} {name}: caller {caller} rc={rc_uac}, "
                  f"stand-in {mock} rc={rc_uas}")
            if not ok:
                print(uac.log("errors")[-1500:])
                print(uac.report()[-4000:])
                print("stand-in:", uas.report()[-3000:])
            return ok
        finally:
            procs.kill_all()


def main():
    names = sys.argv[1:] or list(CASES)
    results = [run(n, 27000 + 4 * i) for i, n in enumerate(names)]
    print("validate_scenarios:", "PASS" if all(results) else "FAIL", f"({sum(results)}/{len(results)})")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
