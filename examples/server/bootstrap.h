// bootstrap.h: what konfero-server does on the first start with an empty
// database (an admin login with a generated password, a public demo room)
// and the banner it prints on every start.
//
//   absl::StatusOr<StartInfo> start = Bootstrap(rooms, CryptoRandom(), data_dir);
//   std::cout << Banner(*start, "http://127.0.0.1:8080");
//
// The password is returned once, on the first start, to be printed to
// stdout: it is never logged and never stored (only its argon2id hash, by
// the RoomService). The demo room's URL token is kept in the data directory
// (file `demo-room`, mode 0600, next to the database that holds it anyway)
// so that later starts can print the demo link again.
//
// Thread contract: runs on the RoomService's control thread, before the
// server accepts connections.
#ifndef KONFERO_EXAMPLES_SERVER_BOOTSTRAP_H_
#define KONFERO_EXAMPLES_SERVER_BOOTSTRAP_H_

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "konfero/random.h"
#include "konfero/room_service.h"

namespace konfero::server {

inline constexpr std::string_view kAdminLogin = "admin";
inline constexpr std::string_view kDemoRoomName = "Demo";

struct StartInfo {
  bool first_start = false;
  // Set on the first start only.
  std::optional<std::string> admin_password;
  // The demo room's guest URL token, if known.
  std::optional<std::string> demo_url_token;
  // First start: whether the token reached the data directory.
  bool demo_token_saved = false;
};

// `length` characters from an alphabet of 57 unambiguous letters and
// digits (about 5.8 bits each, 117 bits for 20), drawn without bias from `random`.
std::string GeneratePassword(RandomSource& random, size_t length = 20);

// Bootstraps an empty service (see above); on later starts only reads the
// demo room's token from `data_dir`.
absl::StatusOr<StartInfo> Bootstrap(RoomService& rooms, RandomSource& random,
                                    const std::filesystem::path& data_dir);

// The lines printed to stdout: login, the password (first start only), the
// moderator URL and the demo room's guest URL, the phone dial-in's SIP
// addresses when it is on ("udp 127.0.0.1:5060", ...), then a blank line
// that ends the banner. `origin` is "http(s)://host:port".
std::string Banner(const StartInfo& start, std::string_view origin,
                   std::span<const std::string> sip_addresses = {});

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_BOOTSTRAP_H_
