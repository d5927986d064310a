#!/usr/bin/env python3
"""Interop of konfero's registration client (dial_in/registration.h) with kamailio 5.6.

Starts kamailio on 127.0.0.1 (a free UDP port, no TCP) with the registrar
config of tests/sip/interop/kamailio_registrar.cfg (users alice/alicepw, realm
127.0.0.1), then runs dial_in_register_probe, which drives a Registration
through a real sip::TransactionLayer over UDP:
  1. alice/alicepw: REGISTER -> 401 -> authenticated REGISTER -> 200;
     a MESSAGE sent to sip:alice@127.0.0.1:PORT through kamailio must be
     relayed to the probe's contact (kamailio's location has it) and its 200
     come back; after the probe unregisters (Expires: 0, 200), the same
     MESSAGE must get 404 (the binding is gone).
  2. alice/badpass-xyz: exactly two REGISTERs (no loop on 401), then FAILED.

Usage: kamailio_register.py PATH/TO/dial_in_register_probe [kamailio_registrar.cfg]
Exit 0 = pass, 1 = fail, 77 = skipped (no kamailio or config).
"""
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SIP_INTEROP = os.path.join(HERE, "..", "..", "sip", "interop")
DEFAULT_CFG = os.path.join(SIP_INTEROP, "kamailio_registrar.cfg")

sys.path.insert(0, SIP_INTEROP)
import kamailio_process  # noqa: E402


def request_via_kamailio(port, user="alice", timeout=5.0):
    """Sends a MESSAGE for user@127.0.0.1:port to kamailio; returns the final status.

    MESSAGE, not OPTIONS: the config answers OPTIONS to its own domain itself
    (keep-alive), and would challenge an INVITE; a MESSAGE goes through
    lookup("location") to the registered contact, or gets 404.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        local = sock.getsockname()[1]
        sock.settimeout(timeout)
        msg = (
            f"MESSAGE sip:{user}@127.0.0.1:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP 127.0.0.1:{local};rport;branch=z9hG4bK{uuid.uuid4().hex}\r\n"
            "Max-Forwards: 70\r\n"
            f"From: <sip:tester@127.0.0.1:{local}>;tag={uuid.uuid4().hex[:8]}\r\n"
            f"To: <sip:{user}@127.0.0.1:{port}>\r\n"
            f"Call-ID: {uuid.uuid4().hex}\r\n"
            "CSeq: 1 MESSAGE\r\n"
            "Content-Type: text/plain\r\n"
            "Content-Length: 5\r\n\r\nhello").encode()
        sock.sendto(msg, ("127.0.0.1", port))
        while True:
            reply = sock.recv(65535).decode(errors="replace")
            status = int(reply.split(" ", 2)[1])
            if status >= 200:
                return status


class ProbeRun:
    """The probe as a child process, its stdout lines in a queue."""

    def __init__(self, probe, args):
        self.lines = []
        self.eof = False
        self.queue = queue.Queue()
        self.proc = subprocess.Popen([probe] + args, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            self.queue.put(line.rstrip("\n"))
        self.queue.put(None)

    def wait_for(self, prefixes, timeout=15.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.queue.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                return None
            if line is None:
                self.eof = True
                return None
            self.lines.append(line)
            print(f"    probe: {line}")
            if line.startswith(prefixes):
                return line

    def finish(self, timeout=20.0):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        while not self.eof:
            line = self.queue.get(timeout=5)
            if line is None:
                self.eof = True
                break
            self.lines.append(line)
            print(f"    probe: {line}")
        return self.proc.returncode


def check(ok, what):
    print(f"  {'PASS' if ok else 'FAIL'} {what}")
    return ok


def register_and_reach(probe, port):
    ok = True
    run = ProbeRun(probe, [f"sip:alice@127.0.0.1:{port}", "alice", "alicepw", "120", "3000"])
    line = run.wait_for(("REGISTERED", "FAILED"))
    ok &= check(line is not None and line.startswith("REGISTERED"),
                f"alice/alicepw registers: {line}")
    if line and line.startswith("REGISTERED"):
        sent = [l for l in run.lines if l.startswith("SENT REGISTER")]
        ok &= check(len(sent) == 2 and "RESPONSE 401 1 REGISTER" in run.lines
                    and "RESPONSE 200 2 REGISTER" in run.lines,
                    "REGISTER -> 401 -> authenticated REGISTER -> 200")
        ok &= check(line.startswith("REGISTERED expires=120"), "granted expiry 120 s")
        status = request_via_kamailio(port)
        incoming = run.wait_for(("INCOMING",), timeout=5)
        ok &= check(status == 200 and incoming is not None
                    and incoming.startswith("INCOMING MESSAGE sip:alice@127.0.0.1:"),
                    f"MESSAGE to alice relayed by kamailio to the probe's contact "
                    f"(status {status}, {incoming})")
    code = run.finish()
    ok &= check(code == 0 and "UNREGISTERED" in run.lines
                and "SENT REGISTER 3 REGISTER" in run.lines
                and "RESPONSE 200 3 REGISTER" in run.lines,
                f"unregister (REGISTER 3, Expires 0, preemptive credentials) -> 200, exit {code}")
    status = request_via_kamailio(port)
    ok &= check(status == 404, f"after unregister, MESSAGE to alice -> {status} (want 404)")
    return ok


def wrong_password(probe, port):
    run = ProbeRun(probe, [f"sip:alice@127.0.0.1:{port}", "alice", "badpass-xyz", "120", "0"])
    code = run.finish()
    sent = [l for l in run.lines if l.startswith("SENT REGISTER")]
    failed = [l for l in run.lines if l.startswith("FAILED failures=1")]
    return check(code == 1 and len(sent) == 2 and len(failed) == 1
                 and not any("badpass" in l for l in run.lines),
                 f"alice/badpass-xyz: {len(sent)} REGISTERs, then {failed} (password never printed)")


def main():
    probe, cfg_text = kamailio_process.tool_and_config(sys.argv, __doc__, DEFAULT_CFG)
    ok = True
    with tempfile.TemporaryDirectory(prefix="konfero-register-kamailio-") as workdir:
        with kamailio_process.running(cfg_text, workdir, "registrar") as kam:
            port = kam.port
            try:
                # kamailio needs a moment to bind: wait until it answers (404: nobody registered).
                kam.wait_until_answers(lambda: request_via_kamailio(port, "nobody", timeout=0.2))
                ok &= register_and_reach(probe, port)
                ok &= wrong_password(probe, port)
            except Exception as e:
                print(f"  FAIL {e}")
                ok = False
        if not ok:
            print(kamailio_process.log_tail(workdir, "registrar", 30))
    print(f"kamailio registration interop: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
