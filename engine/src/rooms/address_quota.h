// address_quota.h: browser guests present per source address, server-wide.
//
// Like the licence seat, a guest's place in its address's quota is an RAII
// value the participant owns (Participant::address_slot): it is returned
// when the participant is destroyed, whichever path removed it (leave,
// kick, disconnect after the reconnect grace, revocation, room deletion), so
// no path can leak one. A guest in its reconnect grace is still a
// participant, so it still counts.
//
//   AddressQuota quota(20);
//   std::optional<AddressSlot> slot = quota.TryAcquire("203.0.113.7");
//   if (!slot) { /* ResourceExhausted: too many guests from that address */ }
//
// Addresses are compared by AddressKey: an IPv6 address by its /64 prefix
// (what one subscriber usually gets, so walking through it gains nothing),
// an IPv4-mapped IPv6 address as the IPv4 address, a port dropped.
//
// Thread contract: any thread (a mutex; joins and leaves are rare), so
// slots may be released by conferences on other threads like licence seats.
// The quota must outlive its slots.
#ifndef KONFERO_ROOMS_ADDRESS_QUOTA_H_
#define KONFERO_ROOMS_ADDRESS_QUOTA_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "common/mutex.h"

namespace konfero::rooms {

// The key a source address is counted under: "203.0.113.7" for
// "203.0.113.7", "203.0.113.7:5060" and "::ffff:203.0.113.7";
// "2001:db8:1:2::/64" for any address in that /64 (bracketed, with or
// without a port); anything that is not an IP address as it is.
std::string AddressKey(std::string_view source);

class AddressQuota;

class AddressSlot {
 public:
  AddressSlot(AddressSlot&& other) noexcept
      : quota_(other.quota_), key_(std::move(other.key_)) {
    other.quota_ = nullptr;
  }
  AddressSlot& operator=(AddressSlot&& other) noexcept;
  AddressSlot(const AddressSlot&) = delete;
  AddressSlot& operator=(const AddressSlot&) = delete;
  ~AddressSlot() { Release(); }

 private:
  friend class AddressQuota;
  AddressSlot(AddressQuota* quota, std::string key)
      : quota_(quota), key_(std::move(key)) {}
  void Release();

  AddressQuota* quota_;
  std::string key_;
};

class AddressQuota {
 public:
  // `per_address` 0: no cap (slots are still counted).
  explicit AddressQuota(int per_address)
      : per_address_(per_address < 0 ? 0 : per_address) {}
  AddressQuota(const AddressQuota&) = delete;
  AddressQuota& operator=(const AddressQuota&) = delete;

  // A slot for `source`, or nothing when its address holds per_address().
  std::optional<AddressSlot> TryAcquire(std::string_view source);

  int per_address() const { return per_address_; }
  // Slots held by `source`'s address.
  int in_use(std::string_view source) const;
  // Addresses holding at least one slot.
  size_t addresses() const;

 private:
  friend class AddressSlot;
  void Return(const std::string& key);

  const int per_address_;
  mutable Mutex mu_;
  absl::flat_hash_map<std::string, int> counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_ADDRESS_QUOTA_H_
