#!/usr/bin/env python3
"""Interop of konfero's digest client (sip/digest.h) with kamailio 5.6.

Starts kamailio on 127.0.0.1 (a free UDP port, no TCP) with
kamailio_registrar.cfg (a copy of the peers' registrar config (users alice/alicepw, bob/bobpw, realm
127.0.0.1), in three variants: MD5 without qop (RFC 2069 style), MD5 with
qop=auth, SHA-256 with qop=auth. In each, a REGISTER for alice gets a 401;
sip_digest_answer (konfero's ChooseChallenge + AnswerChallenge) turns the
captured WWW-Authenticate into an Authorization; the retried REGISTER must
get 200, and one answered with a wrong password must get 401 again.

Usage: kamailio_digest.py PATH/TO/sip_digest_answer [kamailio.cfg]
Exit 0 = pass, 1 = fail, 77 = skipped (no kamailio or config).
"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import uuid

import kamailio_process

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CFG = os.path.join(HERE, "kamailio_registrar.cfg")


def request(sock, port, cseq, call_id, tag, extra=""):
    local = sock.getsockname()[1]
    return (
        f"REGISTER sip:127.0.0.1:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 127.0.0.1:{local};rport;branch=z9hG4bK{uuid.uuid4().hex}\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:alice@127.0.0.1:{port}>;tag={tag}\r\n"
        f"To: <sip:alice@127.0.0.1:{port}>\r\n"
        f"Call-ID: {call_id}\r\n"
        f"CSeq: {cseq} REGISTER\r\n"
        f"Contact: <sip:alice@127.0.0.1:{local}>\r\n"
        "Expires: 60\r\n"
        f"{extra}"
        "Content-Length: 0\r\n\r\n"
    ).encode()


def exchange(sock, port, data):
    sock.sendto(data, ("127.0.0.1", port))
    while True:
        reply = sock.recv(65535).decode(errors="replace")
        status = int(reply.split(" ", 2)[1])
        if status >= 200:
            return status, reply


def answer(tool, challenges, password, uri):
    out = subprocess.run([tool, "alice", password, "REGISTER", uri],
                         input="\n".join(challenges) + "\n", capture_output=True,
                         text=True, timeout=10)
    if out.returncode != 0:
        raise RuntimeError(f"sip_digest_answer failed: {out.stderr.strip()}")
    return out.stdout.strip()


def run_variant(tool, cfg_text, name, flags, algorithm, workdir):
    # www_challenge flag 1 adds qop="auth" (pv_www_authenticate's flags differ:
    # there 1 means "the password is HA1", so they stay 0).
    cfg = cfg_text.replace('www_challenge("$td", "0")', f'www_challenge("$td", "{flags}")')
    if algorithm:
        cfg = cfg.replace('modparam("usrloc", "db_mode", 0)',
                          f'modparam("usrloc", "db_mode", 0)\n'
                          f'modparam("auth", "algorithm", "{algorithm}")')
    ok = True
    with kamailio_process.running(cfg, workdir, name) as kam:
        port = kam.port
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.bind(("127.0.0.1", 0))
            sock.settimeout(0.2)
            call_id = uuid.uuid4().hex
            uri = f"sip:127.0.0.1:{port}"
            # kamailio needs a moment to bind; retry the first REGISTER.
            status, reply = kam.wait_until_answers(
                lambda: exchange(sock, port, request(sock, port, 1, call_id, "t1")))
            sock.settimeout(5)
            challenges = re.findall(r"^WWW-Authenticate:\s*(.*?)\r$", reply, flags=re.M | re.I)
            print(f"  [{name}] 401 challenge: {challenges}")
            if status != 401 or not challenges:
                print(f"  FAIL [{name}] expected a 401 with WWW-Authenticate, got {status}")
                return False
            bad = answer(tool, challenges, "wrong", uri)
            status, _ = exchange(sock, port, request(
                sock, port, 2, call_id, "t1", f"Authorization: {bad}\r\n"))
            good_wrong = status == 401
            print(f"  {'PASS' if good_wrong else 'FAIL'} [{name}] wrong password -> {status}")
            ok = ok and good_wrong
            auth = answer(tool, challenges, "alicepw", uri)
            print(f"  [{name}] Authorization: {auth}")
            status, _ = exchange(sock, port, request(
                sock, port, 3, call_id, "t1", f"Authorization: {auth}\r\n"))
            good = status == 200
            print(f"  {'PASS' if good else 'FAIL'} [{name}] REGISTER alice/alicepw -> {status}")
            ok = ok and good
    return ok


def main():
    tool, cfg_text = kamailio_process.tool_and_config(sys.argv, __doc__, DEFAULT_CFG)
    ok = True
    with tempfile.TemporaryDirectory(prefix="konfero-digest-kamailio-") as workdir:
        for name, flags, algorithm in (("md5_no_qop", "0", ""), ("md5_qop_auth", "1", ""),
                                       ("sha256_qop_auth", "1", "SHA-256")):
            try:
                ok = run_variant(tool, cfg_text, name, flags, algorithm, workdir) and ok
            except Exception as e:  # report and go on with the next variant
                print(f"  FAIL [{name}] {e}")
                print(kamailio_process.log_tail(workdir, name, 15))
                ok = False
    print(f"kamailio digest interop: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
