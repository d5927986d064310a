"""kamailio 5.6 as a child process for the interop scripts (kamailio_digest.py
here, tests/dial_in/interop/kamailio_register.py), which CTest runs as
`SCRIPT TOOL [CONFIG]` (exit 0 pass, 1 fail, 77 skipped).

tool_and_config() reads those arguments, or exits: 2 with the usage, 77
without kamailio or the config. The config (kamailio_registrar.cfg, or a
variant of it) listens on 5080; running() moves it to a free 127.0.0.1 UDP
port with TCP off, writes it to WORKDIR/NAME.cfg, starts kamailio in the
foreground (-DD -E) logging to WORKDIR/NAME.log, and stops it (SIGTERM,
SIGKILL after 10 s) on leaving:

    tool, cfg_text = kamailio_process.tool_and_config(sys.argv, __doc__, DEFAULT_CFG)
    with kamailio_process.running(cfg_text, workdir, "registrar") as kam:
        kam.wait_until_answers(lambda: send_a_request(kam.port, timeout=0.2))
        ...
    print(kamailio_process.log_tail(workdir, "registrar", 30))
"""
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time


def tool_and_config(argv, usage, default_cfg):
    """(TOOL, the config's text) from argv; exits 2 (usage) or 77 (skipped)."""
    if len(argv) < 2:
        print(usage)
        sys.exit(2)
    cfg_path = argv[2] if len(argv) > 2 else default_cfg
    if shutil.which("kamailio") is None or not os.path.exists(cfg_path):
        print("kamailio or its config not found: skipped")
        sys.exit(77)
    with open(cfg_path) as f:
        return argv[1], f.read()


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Kamailio:
    """A running kamailio: its process and UDP port."""

    def __init__(self, process, port):
        self.process = process
        self.port = port

    def wait_until_answers(self, attempt, seconds=10):
        """Calls attempt() until it neither times out nor is refused (kamailio
        needs a moment to bind); returns what it returned."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                return attempt()
            except (socket.timeout, ConnectionRefusedError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("kamailio did not answer")


@contextlib.contextmanager
def running(cfg_text, workdir, name):
    port = free_udp_port()
    cfg = cfg_text.replace("5080", str(port))
    cfg = re.sub(r"^listen=tcp:.*$", "disable_tcp=yes", cfg, flags=re.M)
    cfg = re.sub(r"^tcp_children=.*$", "", cfg, flags=re.M)
    path = os.path.join(workdir, f"{name}.cfg")
    with open(path, "w") as f:
        f.write(cfg)
    with open(os.path.join(workdir, f"{name}.log"), "w") as log:
        process = subprocess.Popen(["kamailio", "-f", path, "-DD", "-E", "-w", workdir],
                                   stdout=log, stderr=subprocess.STDOUT)
        try:
            yield Kamailio(process, port)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def log_tail(workdir, name, lines):
    """The last `lines` lines of the log of running(..., workdir, name)."""
    with open(os.path.join(workdir, f"{name}.log")) as f:
        return "".join(f.readlines()[-lines:])
