// address_quota.cc: per-address counting of browser guests.
#include "rooms/address_quota.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace konfero::rooms {
namespace {

// `text` as an IPv4 (4 bytes) or IPv6 (16 bytes) address, or nothing.
// inet_pton is a pure parser: no lookup, no I/O.
std::optional<std::array<uint8_t, 16>> ParseIp(const std::string& text,
                                               int& family) {
  std::array<uint8_t, 16> bytes{};
  if (inet_pton(AF_INET, text.c_str(), bytes.data()) == 1) {
    family = AF_INET;
    return bytes;
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) == 1) {
    family = AF_INET6;
    return bytes;
  }
  return std::nullopt;
}

std::string FormatIp(int family, const uint8_t* bytes) {
  char text[INET6_ADDRSTRLEN] = {};
  if (inet_ntop(family, bytes, text, sizeof(text)) == nullptr) return {};
  return text;
}

}  // namespace

std::string AddressKey(std::string_view source) {
  std::string host(source);
  if (!host.empty() && host.front() == '[') {
    // "[2001:db8::1]:5060" or "[2001:db8::1]".
    const size_t close = host.find(']');
    if (close != std::string::npos) host = host.substr(1, close - 1);
  } else if (host.find(':') != std::string::npos &&
             host.find(':') == host.rfind(':')) {
    // One colon: "203.0.113.7:5060" (an IPv6 address has at least two).
    host = host.substr(0, host.find(':'));
  }
  int family = 0;
  std::optional<std::array<uint8_t, 16>> ip = ParseIp(host, family);
  if (!ip) return std::string(source);
  if (family == AF_INET) return FormatIp(AF_INET, ip->data());
  static constexpr uint8_t kMappedPrefix[12] = {0, 0, 0, 0, 0,    0,
                                                0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(ip->data(), kMappedPrefix, sizeof(kMappedPrefix)) == 0) {
    return FormatIp(AF_INET, ip->data() + 12);
  }
  std::fill(ip->begin() + 8, ip->end(), 0);
  return absl::StrCat(FormatIp(AF_INET6, ip->data()), "/64");
}

AddressSlot& AddressSlot::operator=(AddressSlot&& other) noexcept {
  if (this != &other) {
    Release();
    quota_ = other.quota_;
    key_ = std::move(other.key_);
    other.quota_ = nullptr;
  }
  return *this;
}

void AddressSlot::Release() {
  if (quota_ != nullptr) {
    quota_->Return(key_);
    quota_ = nullptr;
  }
}

std::optional<AddressSlot> AddressQuota::TryAcquire(std::string_view source) {
  std::string key = AddressKey(source);
  MutexLock lock(&mu_);
  int& count = counts_[key];
  if (per_address_ > 0 && count >= per_address_) return std::nullopt;
  ++count;
  return AddressSlot(this, std::move(key));
}

int AddressQuota::in_use(std::string_view source) const {
  const std::string key = AddressKey(source);
  MutexLock lock(&mu_);
  auto it = counts_.find(key);
  return it == counts_.end() ? 0 : it->second;
}

size_t AddressQuota::addresses() const {
  MutexLock lock(&mu_);
  return counts_.size();
}

void AddressQuota::Return(const std::string& key) {
  MutexLock lock(&mu_);
  auto it = counts_.find(key);
  if (it == counts_.end()) return;
  if (--it->second <= 0) counts_.erase(it);
}

}  // namespace konfero::rooms
