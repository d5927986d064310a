// device_cookie.cc: see device_cookie.h.
#include "rooms/device_cookie.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "common/absl_compat.h"
#include "crypto/secrets.h"

namespace konfero::rooms {
namespace {

std::string Mac(std::string_view key, std::string_view login, std::string_view nonce) {
  const std::string mac = crypto::HmacSha256(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(key.data()), key.size()),
      absl::StrCat(Sv(login), ".", Sv(nonce)));
  return absl::WebSafeBase64Escape(mac);
}

}  // namespace

std::string MakeDeviceCookie(std::string_view key, std::string_view login,
                             RandomSource& random) {
  const std::string nonce = crypto::RandomBase64Url(16, random);
  return absl::StrCat(Sv(login), ".", nonce, ".", Mac(key, login, nonce));
}

std::optional<std::string> CheckDeviceCookie(std::string_view key, std::string_view login,
                                             std::string_view cookie) {
  if (cookie.size() > 300) return std::nullopt;
  const size_t mac_dot = cookie.rfind('.');
  if (mac_dot == std::string_view::npos || mac_dot == 0) return std::nullopt;
  const size_t nonce_dot = cookie.rfind('.', mac_dot - 1);
  if (nonce_dot == std::string_view::npos) return std::nullopt;
  const std::string_view cookie_login = cookie.substr(0, nonce_dot);
  const std::string_view nonce = cookie.substr(nonce_dot + 1, mac_dot - nonce_dot - 1);
  const std::string_view mac = cookie.substr(mac_dot + 1);
  if (cookie_login != login || nonce.empty()) return std::nullopt;
  if (!crypto::ConstantTimeEquals(Mac(key, login, nonce), mac)) return std::nullopt;
  return std::string(nonce);
}

}  // namespace konfero::rooms
