#!/usr/bin/python3
"""Checks that Chromium accepts konfero's answer to its own offer.

Usage: chromium_answer_check.py BUILD_DIR/tests/sdp/sdp_answer_tool
Needs Debian's chromium. Serves chromium_answer_check.html on 127.0.0.1,
answers the page's offer with sdp_answer_tool, then sends the page a
renegotiation offer (BuildOffer: mid 2 removed, a new sendonly video) and
checks Chromium's answer with ValidateAnswer. Prints the page's result,
"OK 0:sendrecv 1:sendonly 2:sendrecv encodings=q,h,f codecs=... | renegotiated
... validate=valid" (exit 0), or the error (exit 1). Not run by CTest: it
needs a browser.
"""
import http.server
import pathlib
import subprocess
import sys
import tempfile
import threading

HERE = pathlib.Path(__file__).resolve().parent
TOOL = sys.argv[1]
result = {}
done = threading.Event()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body):
        self.send_response(code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.reply(200, (HERE / "chromium_answer_check.html").read_bytes())

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/answer":
            run = subprocess.run([TOOL], input=body, capture_output=True)
            (WORK / "answer.sdp").write_bytes(run.stdout)
        elif self.path == "/reoffer":
            run = subprocess.run([TOOL, "reoffer", WORK / "answer.sdp"], capture_output=True)
            (WORK / "reoffer.sdp").write_bytes(run.stdout)
        elif self.path == "/validate":
            (WORK / "reanswer.sdp").write_bytes(body)
            run = subprocess.run([TOOL, "validate", WORK / "reoffer.sdp", WORK / "reanswer.sdp"],
                                 capture_output=True)
        else:
            run = None
        if run is not None:
            self.reply(200 if run.returncode == 0 else 500, run.stdout or run.stderr)
        else:
            result["text"] = body.decode()
            self.reply(200, b"")
            done.set()


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
threading.Thread(target=server.serve_forever, daemon=True).start()
with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as work:
    WORK = pathlib.Path(work)
    browser = subprocess.Popen(
        ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--remote-debugging-port=0",
         f"http://127.0.0.1:{server.server_address[1]}/"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        done.wait(30)
    finally:
        browser.terminate()
        browser.wait(10)
server.shutdown()
text = result.get("text", "ERROR no result from Chromium within 30 s")
print(text)
sys.exit(0 if text.startswith("OK") else 1)
