#!/usr/bin/env python3
"""Follow a room's events live while a scripted scene plays out.

    PYTHONPATH=<build>/bindings/python /usr/bin/python3 \\
        examples/python/follow_events.py

Guests arrive and wait, the moderator joins, they chat, the moderator kicks
a troll and leaves (the conference goes on hold), then returns. The service
runs in memory on a ManualClock, so timestamps are the scene's own and the
output is the same on every run (it prints no PIN or token).
"""

import konfero

S = konfero.ConferenceState
START = 1_700_000_000.0


def describe(body, names):
    """One line for an event body; `names` maps participant ids to names."""
    match body:
        case konfero.ParticipantJoined(participant=p):
            names[p.id] = p.display_name
            where = "waiting screen" if p.waiting else "conference"
            return f"{p.display_name} joined as {p.role.label} -> {where}"
        case konfero.ParticipantLeft(participant=pid, display_name=name,
                                     reason=reason):
            return f"{name} left ({reason.label})"
        case konfero.ConferenceStateChanged(from_=a, to=b):
            return f"conference {a.label} -> {b.label}"
        case konfero.GuestsWaitingChanged(guests_waiting=waiting):
            return "guests are waiting" if waiting else "no guest waits"
        case konfero.ChatPosted(message=m):
            return f"chat from {m.sender_name}: {m.text!r}"
        case konfero.GuestBanned(ban=ban):
            return f"{ban.display_name} is barred from the room"
        case konfero.BanLifted(ban=ban_id):
            return f"ban {ban_id} lifted"
        case konfero.ParticipantMuted(participant=pid, muted=muted, by=by):
            verb = "muted" if muted else "unmuted"
            return f"{names.get(pid, pid)} {verb} by {names.get(by, by)}"
        case konfero.AccessChanged(is_public=public, regenerated=regenerated):
            if regenerated:
                return "new PIN and URL issued; the old ones stop working"
            return "room is now " + ("public" if public else "private")
        case _:
            return repr(body)


def main():
    clock = konfero.ManualClock(START)
    options = konfero.RoomServiceOptions(dial_in_number="+49 30 1234567")
    with konfero.RoomService.open(options, clock) as svc:
        svc.bootstrap_admin("mia", "Mia (moderator)", "mia-password-1")
        mia = svc.login("mia", "mia-password-1", "10.0.0.1")
        room = svc.create_room(mia.token, "Team sync")
        access = svc.set_public(mia.token, room.id, True)

        names = {}

        def on_event(event):
            minutes, seconds = divmod(int(event.at - START), 60)
            print(f"  [{minutes:02d}:{seconds:02d}] #{event.seq:<3} "
                  f"{event.name:<22} {describe(event.body, names)}")

        svc.subscribe(on_event, room=room.id)

        def scene(text, minutes=0.0):
            clock.advance(minutes * 60)
            print(f"\n* {text}")

        def browser(name, key):
            return svc.join_as_browser_guest(
                url_token=access.url_token, display_name=name,
                guest_key=key, source="198.51.100.7")

        scene("Gina opens the invitation link before anyone else")
        gina = browser("Gina", "gina-browser-key-0001")
        scene("Paul dials in with the PIN", 1)
        paul = svc.join_as_phone_guest(pin=access.pin, caller="+49 89 555",
                                       source="203.0.113.5")
        scene("A troll joins through a leaked link", 0.5)
        troll = browser("Troll", "troll-browser-key-666")
        scene("Mia, the moderator, joins: the conference starts", 1)
        mod = svc.join_as_member(mia.token, room.id).participant
        scene("They chat", 0.25)
        svc.post_chat(mod, "Welcome, everyone!")
        svc.post_chat(gina.participant, "Hi Mia!")
        scene("The troll is noisy: Mia mutes, then kicks it with new codes", 2)
        svc.set_muted(mod, troll.participant, True)
        svc.kick(mod, troll.participant,
                 konfero.KickOptions(regenerate_access=True))
        scene("Mia steps out: the conference is on hold", 5)
        svc.leave(mod)
        scene("Mia returns", 3)
        mod = svc.join_as_member(mia.token, room.id).participant
        scene("Everyone hangs up", 20)
        svc.leave(gina.participant)
        svc.disconnect(paul.participant)
        svc.leave(mod)
        print()


if __name__ == "__main__":
    main()
