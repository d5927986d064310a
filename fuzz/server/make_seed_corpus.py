#!/usr/bin/env python3
"""Writes the seed corpus of server_router_fuzzer: one file per request,
a flag byte (1: the admin's bearer token, 2: a garbage Authorization
header, 4: an unprintable remote address) then "<method>\\n<target>\\n<body>".
In targets, {public} and {revoked} stand for the URL tokens the fuzzer's
world holds (a public room's, and a room's made private).

Run from the repository root: python3 fuzz/server/make_seed_corpus.py
"""
import pathlib

OUT = pathlib.Path(__file__).resolve().parents[1] / "corpus" / "server_router_fuzzer"

SEEDS = {
    "login": (0, "POST", "/api/login", '{"login":"admin","password":"admin-password"}'),
    "login_wrong": (0, "POST", "/api/login", '{"login":"admin","password":"nope-nope"}'),
    "login_bad_json": (0, "POST", "/api/login", '{"login":'),
    "me": (1, "GET", "/api/me", ""),
    "me_garbage_auth": (2, "GET", "/api/me", "Bearer \x00\xff"),
    "rooms_list": (1, "GET", "/api/rooms", ""),
    "rooms_create": (1, "POST", "/api/rooms", '{"name":"Vertrieb"}'),
    "rooms_create_bad": (1, "POST", "/api/rooms", '{"name":["x"]}'),
    "room_get": (1, "GET", "/api/rooms/1", ""),
    "room_get_bad_id": (1, "GET", "/api/rooms/-1", ""),
    "room_public": (1, "POST", "/api/rooms/1/public", '{"public":true}'),
    "room_private": (1, "POST", "/api/rooms/1/public", '{"public":false}'),
    "room_regenerate": (1, "POST", "/api/rooms/1/regenerate", ""),
    "room_access": (1, "GET", "/api/rooms/1/access", ""),
    "room_delete": (1, "DELETE", "/api/rooms/2", ""),
    "guest_good": (0, "GET", "/api/guest/good-token", ""),
    "guest_bad": (0, "GET", "/api/guest/%00", ""),
    "guest_public": (0, "GET", "/api/guest/{public}", ""),
    "guest_not_public": (0, "GET", "/api/guest/{revoked}", ""),
    "guest_too_long": (0, "GET", "/api/guest/" + "x" * 65, ""),
    "users_create": (1, "POST", "/api/users",
                     '{"login":"anna","display_name":"Anna","password":"anna-password","admin":false}'),
    "logout": (1, "POST", "/api/logout", ""),
    "wrong_method": (0, "PUT", "/api/rooms", ""),
    "static_index": (0, "GET", "/", ""),
    "static_guest": (0, "GET", "/r/abcdef", ""),
    "static_js": (0, "HEAD", "/js/app.js", ""),
    "traversal": (0, "GET", "/%2e%2e/secret.txt", ""),
    "traversal_symlink": (0, "GET", "/link.txt", ""),
    "unprintable_source": (4, "POST", "/api/login", '{"login":"admin","password":"x"}'),
}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (flags, method, target, body) in SEEDS.items():
        data = bytes([flags]) + f"{method}\n{target}\n".encode() + body.encode("latin-1")
        (OUT / name).write_bytes(data)
    print(f"wrote {len(SEEDS)} seeds to {OUT}")


if __name__ == "__main__":
    main()
