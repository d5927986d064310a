#!/usr/bin/python3
"""Writes the seed corpus of dial_in_core_fuzzer (fuzz/corpus/dial_in_core_fuzzer):
sipp-like dial-in calls as steps separated by "\\n%%\\n" (see the fuzzer's
header comment for the "!tick", "!digits", "!done", "!ended", "!tcp" steps and
the $TAG / $BRANCH placeholders)."""
import os

OUT = os.path.join(os.path.dirname(__file__), "..", "corpus", "dial_in_core_fuzzer")

SDP = ("v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n"
       "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\n"
       "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
       "a=fmtp:101 0-16\r\na=ptime:20\r\n")
ANSWER = ("v=0\r\no=caller 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
          "m=audio 6002 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
          "a=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n")


def request(method, cseq, branch, number="+49305550100", tag=False, extra="",
            ctype="", body="", transport="UDP", call_id="1-4242@127.0.0.1"):
    uri = "sip:konfero@127.0.0.1:5060" if tag else f"sip:{number}@127.0.0.1:5060"
    lines = [
        f"{method} {uri} SIP/2.0",
        f"Via: SIP/2.0/{transport} 127.0.0.1:5070;branch=z9hG4bK-{branch}",
        "From: \"Caller\" <sip:+4930123454567@127.0.0.1:5070>;tag=4242SIPpTag001",
        f"To: <sip:{number}@127.0.0.1:5060>" + (";tag=$TAG" if tag else ""),
        f"Call-ID: {call_id}",
        f"CSeq: {cseq} {method}",
        f"Contact: <sip:+4930123454567@127.0.0.1:5070;transport={transport}>",
        "Max-Forwards: 70",
    ]
    text = "\r\n".join(lines) + "\r\n" + extra
    if ctype:
        text += f"Content-Type: {ctype}\r\n"
    return text + f"Content-Length: {len(body.encode())}\r\n\r\n" + body


def invite(branch="i1", extra="", body=SDP, **kw):
    return request("INVITE", 1, branch, extra=extra, ctype="application/sdp" if body else "",
                   body=body, **kw)


def ack(cseq=1, branch="a1", body="", **kw):
    return request("ACK", cseq, branch, tag=True, ctype="application/sdp" if body else "",
                   body=body, **kw)


def bye(cseq=2, branch="b1", **kw):
    return request("BYE", cseq, branch, tag=True, **kw)


def response_to_our_bye():
    return ("SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=$BRANCH;rport\r\n"
            "From: <sip:+49305550100@127.0.0.1:5060>;tag=$TAG\r\n"
            "To: \"Caller\" <sip:+4930123454567@127.0.0.1:5070>;tag=4242SIPpTag001\r\n"
            "Call-ID: 1-4242@127.0.0.1\r\nCSeq: 1 BYE\r\nContent-Length: 0\r\n\r\n")


def info(cseq, digit, ctype="application/dtmf-relay"):
    body = f"Signal={digit}\r\nDuration=160\r\n" if ctype.endswith("relay") else digit
    return request("INFO", cseq, f"n{cseq}", tag=True, ctype=ctype, body=body)


SEEDS = {
    "pin_rfc4733": [invite(extra="Supported: timer\r\nSession-Expires: 1800\r\n"), "!tick 20",
                    ack(), "!done", "!digits P#", "!tick 1000", bye()],
    "pin_info": [invite(), "!tick 20", ack()]
                + [info(2 + i, d) for i, d in enumerate("123456")]
                + [info(8, "#", "application/dtmf"), bye(9)],
    "wrong_pin": [invite(), "!tick 20", ack(), "!digits 0000#", "!digits 1111#",
                  "!digits 2222#", "!done 2", "!done", response_to_our_bye()],
    "silence": [invite(), "!tick 20", ack(), "!done", "!tick 20000", "!done", "!tick 20000",
                "!tick 9000"],
    "cancel": [invite(), request("CANCEL", 1, "i1"), request("ACK", 1, "i1")],
    "no_sdp": [invite(body=""), "!tick 20", ack(body=ANSWER), "!digits P#", bye()],
    "no_sdp_no_answer": [invite(body=""), "!tick 20", ack()],
    "hold": [invite(), "!tick 20", ack(), "!digits P#",
             request("INVITE", 2, "h1", tag=True, ctype="application/sdp", body=SDP + "a=sendonly\r\n"),
             ack(2, "a2"),
             request("INVITE", 3, "h2", tag=True, ctype="application/sdp", body=SDP + "a=sendrecv\r\n"),
             ack(3, "a3"), request("UPDATE", 4, "u1", tag=True, extra="Session-Expires: 600\r\n"),
             bye(5)],
    "room_number": [invite(number="+49305550101"), "!tick 20", ack(number="+49305550101"),
                    "!digits 12*P#", "!ended"],
    "session_timer": [invite(extra="Supported: timer\r\nSession-Expires: 90;refresher=uas\r\n"),
                      "!tick 20", ack(), "!digits P#", "!tick 50000", "!tick 50000",
                      "!tick 50000"],
    "no_ack": [invite(), "!tick 20", "!tick 500", "!tick 1000", "!tick 2000", "!tick 4000",
               "!tick 4000", "!tick 4000", "!tick 4000", "!tick 4000", "!tick 4000", "!tick 4000",
               "!tick 4000", "!tick 4000"],
    "tcp": ["!tcp\n" + invite(transport="TCP"), "!tick 20", "!tcp\n" + ack(transport="TCP"),
            "!digits P#", "!tcp\n" + bye(transport="TCP")],
    "misc": [request("OPTIONS", 1, "o1"), bye(), invite(extra="Require: foo\r\n"),
             invite(branch="i2", number="+4930999"), request("MESSAGE", 1, "m1"),
             invite(branch="i3", extra="Max-Forwards: lots\r\n"),
             "\x01\x02 garbage", "SIP/2.0 200 OK\r\n\r\n",
             invite(branch="i4", body="v=0\r\nnonsense\r\n")],
    "kicked_by_end": [invite(), "!tick 20", ack(), "!digits P#"],
}

os.makedirs(OUT, exist_ok=True)
for name, steps in SEEDS.items():
    with open(os.path.join(OUT, name), "wb") as f:
        f.write("\n%%\n".join(steps).encode("latin-1"))
print(f"{len(SEEDS)} seeds in {os.path.normpath(OUT)}")
