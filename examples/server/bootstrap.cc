// bootstrap.cc: first start, the demo room's token file, and the banner.
#include "server/bootstrap.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <iterator>

#include "absl/status/status.h"
#include "server/text.h"

namespace konfero::server {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kDemoTokenFile = "demo-room";
// Letters and digits without 0/O, 1/l/I: read aloud or typed from a screen.
constexpr std::string_view kAlphabet =
    "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

absl::Status WriteSecretFile(const fs::path& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::UnavailableError(Cat("cannot write ", path.string()));
  const ssize_t written = ::write(fd, content.data(), content.size());
  ::close(fd);
  if (written != static_cast<ssize_t>(content.size())) {
    return absl::UnavailableError(Cat("cannot write ", path.string()));
  }
  return absl::OkStatus();
}

std::optional<std::string> ReadDemoToken(const fs::path& data_dir) {
  std::ifstream in(data_dir / kDemoTokenFile);
  if (!in) return std::nullopt;
  std::string token(std::istreambuf_iterator<char>(in), {});
  token = std::string(Trim(token));
  if (token.empty()) return std::nullopt;
  return token;
}

// Creates the public demo room as the admin; returns its URL token.
absl::StatusOr<std::string> CreateDemoRoom(RoomService& rooms, std::string_view password) {
  absl::StatusOr<Session> session = rooms.Login(kAdminLogin, password, "bootstrap");
  if (!session.ok()) return session.status();
  absl::StatusOr<RoomInfo> room = rooms.CreateRoom(session->token, kDemoRoomName);
  absl::StatusOr<PublicAccess> access =
      room.ok() ? rooms.SetPublic(session->token, room->id, true) : room.status();
  (void)rooms.Logout(session->token);
  if (!access.ok()) return access.status();
  return access->url_token;
}

}  // namespace

std::string GeneratePassword(RandomSource& random, size_t length) {
  // Rejection sampling: bytes at or above the largest multiple of the
  // alphabet size would favour the first letters.
  constexpr size_t kLimit = 256 - 256 % kAlphabet.size();
  std::string password;
  std::array<uint8_t, 64> bytes{};
  while (password.size() < length) {
    random.Fill(absl::MakeSpan(bytes));
    for (uint8_t b : bytes) {
      if (b < kLimit && password.size() < length) password += kAlphabet[b % kAlphabet.size()];
    }
  }
  return password;
}

absl::StatusOr<StartInfo> Bootstrap(RoomService& rooms, RandomSource& random,
                                    const fs::path& data_dir) {
  StartInfo start;
  std::string password = GeneratePassword(random);
  absl::StatusOr<UserInfo> admin = rooms.BootstrapAdmin(kAdminLogin, "Administrator", password);
  if (absl::IsFailedPrecondition(admin.status())) {  // users exist: a later start
    start.demo_url_token = ReadDemoToken(data_dir);
    return start;
  }
  if (!admin.ok()) return admin.status();
  start.first_start = true;
  start.admin_password = std::move(password);
  // The admin exists now: whatever happens to the demo room, the password
  // must reach the operator, so a failure here only leaves the room out.
  absl::StatusOr<std::string> token = CreateDemoRoom(rooms, *start.admin_password);
  if (token.ok()) {
    // If the file cannot be written the link is printed now, not later.
    start.demo_token_saved = WriteSecretFile(data_dir / kDemoTokenFile, *token + "\n").ok();
    start.demo_url_token = std::move(*token);
  }
  return start;
}

std::string Banner(const StartInfo& start, std::string_view origin,
                   std::span<const std::string> sip_addresses) {
  std::string out = "konfero-server is ready.\n";
  out += Cat("  moderator URL:  ", origin, "/\n");
  out += Cat("  admin login:    ", kAdminLogin, "\n");
  if (start.admin_password) {
    out += Cat("  admin password: ", *start.admin_password,
                    "   (shown once, on this first start: note it now)\n");
  }
  if (start.demo_url_token) {
    out += Cat("  demo room URL:  ", origin, "/r/", *start.demo_url_token, "\n");
    if (!start.first_start) {
      out += Cat("                  (the link made on the first start; it changes when a "
                      "moderator regenerates it or makes the room private)\n");
    }
  }
  if (!sip_addresses.empty()) {
    std::string sip;
    for (const std::string& address : sip_addresses) sip += sip.empty() ? address : ", " + address;
    out += Cat("  SIP dial-in:    ", sip, "\n");
  }
  out += "\n";  // a blank line ends the banner (scripts wait for it)
  return out;
}

}  // namespace konfero::server
