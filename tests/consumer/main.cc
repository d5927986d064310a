// Uses only the installed public headers: opens a service, makes a public
// room, lets a guest wait and a moderator start the conference.
#include <cstdio>

#include "konfero/room_service.h"

int main() {
  konfero::SystemClock clock;
  konfero::RoomServiceOptions options;
  options.password_hash_memory_kib = 1024;
  options.password_hash_iterations = 1;
  options.dial_in_number = "+1 555 0100";
  auto service = konfero::RoomService::Open(options, clock);
  if (!service.ok()) return 1;
  auto& s = **service;
  if (!s.BootstrapAdmin("admin", "Admin", "consumer-password").ok()) return 2;
  auto session = s.Login("admin", "consumer-password", "127.0.0.1");
  if (!session.ok()) return 3;
  auto room = s.CreateRoom(session->token, "Consumer room");
  if (!room.ok()) return 4;
  auto access = s.SetPublic(session->token, room->id, true);
  if (!access.ok() || access->pin.size() != 6) return 5;
  auto guest = s.JoinAsBrowserGuest(
      {access->url_token, "Guest", "consumer-guest-key-1", "127.0.0.1"});
  if (!guest.ok() || !guest->waiting) return 6;
  auto moderator = s.JoinAsMember(session->token, room->id);
  if (!moderator.ok() ||
      moderator->state != konfero::ConferenceState::kRunning) {
    return 7;
  }
  std::printf("konfero consumer: conference %s, PIN of %zu digits\n",
              std::string(konfero::ToString(moderator->state)).c_str(),
              access->pin.size());
  return 0;
}
