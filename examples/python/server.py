#!/usr/bin/env python3
"""konfero's web conference server in Python (aiohttp): the web client, the
REST API the client uses (docs/api.md) and the signalling WebSocket
(docs/protocol.md), over one RoomService and one Engine.

    PYTHONPATH=<build>/bindings/python /usr/bin/python3 examples/python/server.py \\
        --listen 127.0.0.1:8081 --data-dir ./konfero-data

The first start creates the database in --data-dir, an admin login with a
generated password and a public demo room, and prints the password once;
later starts print the URLs again. Moderators open http://HOST:PORT/,
guests the room's link http://HOST:PORT/r/<token>.

Everything runs on one asyncio thread, which is the RoomService's control
thread: the request handlers, the WebSocket readers, the engine's reports
(its TaskQueue's fd is watched by the loop: konfero.attach_to_asyncio) and
the 200 ms loop that ends the signalling hub's reconnect graces. The protocol itself lives in the
engine (konfero.SignallingHub); this file only carries frames.

With --sip-listen IP:PORT it also answers phone calls (konfero.DialInService
on the same RoomService, Engine and TaskQueue, so SIP runs on the asyncio
thread too): callers dial --dial-in-number, type a public room's PIN and '#'
and join as phone guests. --sip-allow CIDR (repeatable) limits who may send
INVITEs; without it any source may (the PIN is the gate).

GET /api/guest/<token> looks the guest link up without joining
(RoomService.look_up_guest_url), so the guest page shows the room's name, or
the "not valid" (404 bad_url) or "not public any more" (410 not_public) page
before it asks for a name.
"""

import argparse
import asyncio
import json
import os
import pathlib
import secrets
import signal
import sys
import time

from aiohttp import WSMsgType, web

import konfero

ADMIN_LOGIN = "admin"
DEMO_ROOM = "Demo"
DEMO_TOKEN_FILE = "demo-room"
PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
POLL_PERIOD_S = 0.2  # the hub's reconnect graces
CHAT_PURGE_PERIOD_S = 3600.0  # chat past RoomServiceOptions.chat_retention
MAX_BODY_BYTES = 64 * 1024
MAX_FRAME_BYTES = 256 * 1024
WEB_ROOT = pathlib.Path(__file__).resolve().parents[1] / "server" / "web"
# The client loads nothing from elsewhere; a script injected into the page
# could not load more or send anything off-site.
CSP = ("default-src 'self'; img-src 'self' data:; media-src 'self' blob: mediastream:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")

# konfero.Error subclasses -> (HTTP status, error code) (docs/api.md).
ERRORS = [
    (konfero.InvalidArgumentError, 400, "invalid_argument"),
    (konfero.UnauthenticatedError, 401, "unauthenticated"),
    (konfero.PermissionDeniedError, 403, "forbidden"),
    (konfero.NotFoundError, 404, "not_found"),
    (konfero.FailedPreconditionError, 409, "failed_precondition"),
    (konfero.ResourceExhaustedError, 503, "resource_exhausted"),
]


def error_response(status, code, message):
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


def status_response(error, rate_limited=False):
    """The JSON error for a konfero.Error; `rate_limited`: a ResourceExhausted
    is a lockout (429), not a full server (503)."""
    if rate_limited and isinstance(error, konfero.ResourceExhaustedError):
        return error_response(429, "rate_limited", str(error))
    for cls, status, code in ERRORS:
        if isinstance(error, cls):
            return error_response(status, code, str(error))
    return error_response(500, "internal", "internal error")


def user_json(user):
    return {"id": user.id, "login": user.login, "display_name": user.display_name,
            "admin": user.admin}


def room_json(room):
    return {"id": room.id, "name": room.name, "public": room.is_public,
            "state": room.state.label, "guests_waiting": room.guests_waiting,
            "participants": room.participant_count}


def access_json(access):
    if not access.is_public:
        return {"public": False}
    return {"public": True, "dial_in_number": access.dial_in_number, "pin": access.pin,
            "url": access.url, "invitation_en": access.invitation_en,
            "invitation_de": access.invitation_de}


async def json_body(request):
    """The request's JSON object; InvalidArgumentError if it is none."""
    try:
        body = await request.json() if request.can_read_body else {}
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise konfero.InvalidArgumentError("the body is not JSON") from None
    if not isinstance(body, dict):
        raise konfero.InvalidArgumentError("the body must be a JSON object")
    return body


def bearer(request):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise konfero.UnauthenticatedError("missing Authorization: Bearer <token>")
    return header[len("Bearer "):].strip()


def api(handler, rate_limited=False):
    """Wraps a handler returning a dict: JSON out, konfero errors mapped."""
    async def wrapped(request):
        try:
            return web.json_response(await handler(request), headers={"Cache-Control": "no-store"})
        except konfero.Error as error:
            return status_response(error, rate_limited)
    return wrapped


class Server:
    def __init__(self, service, engine, web_root):
        self.service = service
        self.engine = engine
        self.hub = konfero.SignallingHub.create(service, engine)
        self.web_root = web_root

    def routes(self, app):
        r = app.router
        r.add_post("/api/login", api(self.login, rate_limited=True))
        r.add_post("/api/logout", api(self.logout))
        r.add_get("/api/me", api(self.me))
        r.add_get("/api/rooms", api(self.list_rooms))
        r.add_post("/api/rooms", api(self.create_room))
        r.add_get(r"/api/rooms/{id:\d+}/access", api(self.get_access))
        r.add_post(r"/api/rooms/{id:\d+}/public", api(self.set_public))
        r.add_post(r"/api/rooms/{id:\d+}/regenerate", api(self.regenerate))
        r.add_get("/api/guest/{token}", self.guest_room)
        r.add_get("/ws", self.websocket)
        r.add_get("/", self.page("index.html"))
        r.add_get("/r/{token}", self.page("guest.html"))
        r.add_static("/js/", self.web_root / "js")
        r.add_static("/css/", self.web_root / "css")

    def page(self, name):
        async def handler(_request):
            return web.FileResponse(self.web_root / name, headers={"Cache-Control": "no-cache"})
        return handler

    # ---- REST (docs/api.md) --------------------------------------------------

    async def login(self, request):
        body = await json_body(request)
        session = self.service.login(str(body.get("login", "")), str(body.get("password", "")),
                                     request.remote or "")
        user = self.service.who_am_i(session.token)
        return {"token": session.token, "user": user_json(user),
                "expires_at": int(session.expires_at * 1000)}

    async def logout(self, request):
        self.service.logout(bearer(request))
        return {}

    async def me(self, request):
        return user_json(self.service.who_am_i(bearer(request)))

    async def list_rooms(self, request):
        return {"rooms": [room_json(r) for r in self.service.list_rooms(bearer(request))]}

    async def create_room(self, request):
        body = await json_body(request)
        return room_json(self.service.create_room(bearer(request), str(body.get("name", ""))))

    async def get_access(self, request):
        return access_json(self.service.get_access(bearer(request), int(request.match_info["id"])))

    async def set_public(self, request):
        body = await json_body(request)
        if not isinstance(body.get("public"), bool):
            raise konfero.InvalidArgumentError('"public" must be true or false')
        return access_json(self.service.set_public(bearer(request), int(request.match_info["id"]),
                                                   body["public"]))

    async def regenerate(self, request):
        return access_json(self.service.regenerate_access(bearer(request),
                                                          int(request.match_info["id"])))

    async def guest_room(self, request):
        # The same answers as konfero-server's (docs/api.md): each refusal
        # has its own status, so the page picks its message from it.
        try:
            info = self.service.look_up_guest_url(request.match_info["token"],
                                                  request.remote or "")
        except konfero.NotFoundError as error:
            return error_response(404, "bad_url", str(error))
        except konfero.FailedPreconditionError as error:
            return error_response(410, "not_public", str(error))
        except konfero.Error as error:
            return status_response(error, rate_limited=True)
        return web.json_response(
            {"room": info.room_name, "state": info.state.label,
             "moderator_present": info.moderator_present},
            headers={"Cache-Control": "no-store"})

    # ---- Signalling WebSocket (docs/protocol.md) --------------------------------

    async def websocket(self, request):
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=MAX_FRAME_BYTES)
        await ws.prepare(request)
        outbox = asyncio.Queue()
        # The hub calls these on this thread, maybe from inside on_message()
        # or poll(): they only queue (the hub must not be re-entered).
        session = self.hub.open(request.remote or "", outbox.put_nowait,
                                lambda: outbox.put_nowait(None))
        writer = asyncio.ensure_future(self._write(ws, outbox))
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    session.on_message(message.data)
                elif message.type == WSMsgType.BINARY:
                    await ws.close(code=1003, message=b"text frames only")
        finally:
            session.on_socket_closed()
            writer.cancel()
        return ws

    @staticmethod
    async def _write(ws, outbox):
        try:
            while (frame := await outbox.get()) is not None:
                await ws.send_str(frame)
            await ws.close()
        except ConnectionError:
            pass

    # ---- The control loop ------------------------------------------------------------

    async def poll_forever(self):
        """Ends the hub's reconnect graces and purges expired chat hourly
        (open() purged at start); the engine needs no polling."""
        next_purge = time.monotonic() + CHAT_PURGE_PERIOD_S
        while True:
            try:
                self.hub.poll()
                if time.monotonic() >= next_purge:
                    next_purge = time.monotonic() + CHAT_PURGE_PERIOD_S
                    self.service.purge_expired_chat()
            except konfero.Error as error:
                print(f"poll: {type(error).__name__}: {error}", file=sys.stderr)
            await asyncio.sleep(POLL_PERIOD_S)


def generate_password(length=20):
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def bootstrap(service, data_dir):
    """First start: the admin and a public demo room. Returns (password or
    None, the demo room's URL token or None)."""
    token_file = data_dir / DEMO_TOKEN_FILE
    password = generate_password()
    try:
        service.bootstrap_admin(ADMIN_LOGIN, "Administrator", password)
    except konfero.FailedPreconditionError:  # not the first start
        token = token_file.read_text().strip() if token_file.exists() else None
        return None, token
    session = service.login(ADMIN_LOGIN, password, "127.0.0.1")
    room = service.create_room(session.token, DEMO_ROOM)
    access = service.set_public(session.token, room.id, True)
    service.logout(session.token)
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(access.url_token + "\n")
    return password, access.url_token


def parse_listen(text):
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("expected HOST:PORT, e.g. 127.0.0.1:8081")
    return host.strip("[]"), int(port)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--listen", type=parse_listen, default=("127.0.0.1", 8081),
                   help="HTTP address, HOST:PORT (default 127.0.0.1:8081)")
    p.add_argument("--data-dir", type=pathlib.Path, default=pathlib.Path("konfero-data"),
                   help="where the SQLite database lives (created if missing)")
    p.add_argument("--web-root", type=pathlib.Path, default=WEB_ROOT,
                   help="the web client's files (default examples/server/web)")
    p.add_argument("--public-url", default="",
                   help="the origin guests use, e.g. https://meet.example.com "
                        "(default http://HOST:PORT)")
    p.add_argument("--media-address", default="",
                   help="address the media workers bind (default: the --listen host)")
    p.add_argument("--dial-in-number", "--dial-in", dest="dial_in", default="+49 30 1234567",
                   help="the dial-in number: shown in invitations, and answered on "
                        "--sip-listen for every public room")
    p.add_argument("--sip-listen", type=parse_listen, default=None,
                   help="answer phone calls: SIP over UDP and TCP on IP:PORT (port 0: any)")
    p.add_argument("--sip-allow", action="append", default=[], metavar="CIDR",
                   help="a source allowed to send INVITEs (repeatable; default: any)")
    p.add_argument("--guest-seats", type=int, default=10, help="browser-guest licence seats")
    return p.parse_args(argv)


def start_dial_in(args, service, engine, queue):
    """The DialInService for --sip-listen (None without it): one number,
    --dial-in-number, for every public room (the PIN picks the room)."""
    if args.sip_listen is None:
        return None
    host, port = args.sip_listen
    options = konfero.DialInOptions(
        listen=f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        numbers=[konfero.DialInNumber(number=args.dial_in)])
    if args.sip_allow:
        options.trunks = [konfero.SipTrunk(name="allowed", allow=args.sip_allow)]
    return konfero.DialInService.start(service, engine, options, queue)


def make_app(server):
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    server.routes(app)

    async def security_headers(_request, response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", CSP)
    app.on_response_prepare.append(security_headers)
    return app


async def run_until_signal(server, host, port, banner):
    """Serves HTTP and polls until SIGINT or SIGTERM."""
    runner = web.AppRunner(make_app(server), handle_signals=False)
    await runner.setup()
    poller = None
    try:
        await web.TCPSite(runner, host, port, shutdown_timeout=2).start()
        poller = asyncio.ensure_future(server.poll_forever())
        stop = asyncio.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        print(banner, flush=True)
        await stop.wait()
    finally:
        if poller:
            poller.cancel()
        server.hub.shutdown()  # every session gets {"type":"shutdown"}; the hub goes
        await asyncio.sleep(0.2)  # let the writers flush it
        await runner.cleanup()


async def serve(args):
    host, port = args.listen
    shown_host = f"[{host}]" if ":" in host else host
    origin = (args.public_url or f"http://{shown_host}:{port}").rstrip("/")
    args.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    options = konfero.RoomServiceOptions(
        database=str(args.data_dir / "konfero.db"), dial_in_number=args.dial_in,
        base_url=origin + "/r/", guest_seats=args.guest_seats)
    with konfero.RoomService.open(options, konfero.SystemClock()) as service:
        password, demo_token = bootstrap(service, args.data_dir)
        queue = konfero.TaskQueue()
        engine = konfero.Engine.start(service, konfero.EngineOptions(
            bind_address=args.media_address or host), queue)
        detach = konfero.attach_to_asyncio(queue)
        dial_in = None
        try:
            dial_in = start_dial_in(args, service, engine, queue)
            server = Server(service, engine, args.web_root.resolve())
            banner = [f"konfero is listening on {origin}  "
                      f"(media: {', '.join(engine.listen_addresses)})",
                      f"  moderators: {origin}/   login '{ADMIN_LOGIN}'"]
            if dial_in:
                banner.append(f"  phones:     dial {args.dial_in}  "
                              f"(SIP: {', '.join(dial_in.listen_addresses)})")
            if password:
                banner.append(f"  password:   {password}   (shown only this once: keep it)")
            if demo_token:
                banner.append(f"  guests of the demo room: {origin}/r/{demo_token}")
            await run_until_signal(server, host, port, "\n".join(banner))
        finally:
            if dial_in:
                dial_in.close()  # BYE to every caller, before the engine goes
            detach()
            engine.stop()


def main(argv):
    args = parse_args(argv)
    if not (args.web_root / "index.html").exists():
        print(f"no web client in {args.web_root}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(args))
    except (OSError, konfero.UnavailableError) as error:  # e.g. a port is taken
        print(f"konfero: {error}", file=sys.stderr)
        return 1
    except konfero.InvalidArgumentError as error:  # e.g. a bad --sip-listen
        print(f"konfero: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
