// number_plan.cc: numbers and source addresses.
#include "dial_in/number_plan.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::dial_in {

absl::StatusOr<Cidr> Cidr::Parse(std::string_view text) {
  const size_t slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  std::optional<net::IpEndpoint> parsed = net::IpEndpoint::Parse(address, 0);
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat("not an address or CIDR: ", Sv(text)));
  }
  Cidr cidr;
  cidr.network = parsed->Unmapped();
  const int max = cidr.network.is_ipv4() ? 32 : 128;
  cidr.prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    int prefix = -1;
    auto [end, error] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
    if (error != std::errc() || end != bits.data() + bits.size() || prefix < 0 || prefix > max) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad prefix length in ", Sv(text), " (0 to ", max, ")"));
    }
    cidr.prefix = prefix;
  }
  return cidr;
}

bool Cidr::Contains(const net::IpEndpoint& address) const {
  const net::IpEndpoint a = address.Unmapped();
  if (a.family() != network.family()) return false;
  absl::Span<const uint8_t> x = a.address_bytes();
  absl::Span<const uint8_t> n = network.address_bytes();
  int bits = prefix;
  for (size_t i = 0; i < x.size() && bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((x[i] & mask) != (n[i] & mask)) return false;
  }
  return true;
}

std::string NumberDigits(std::string_view number) {
  std::string digits;
  for (char c : number) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return digits;
}

absl::StatusOr<NumberPlan> NumberPlan::Create(const DialInOptions& options) {
  NumberPlan plan;
  for (const DialInNumber& number : options.numbers) {
    std::string digits = NumberDigits(number.number);
    if (digits.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("dial-in number \"", number.number, "\" has no digits"));
    }
    for (const Entry& e : plan.numbers_) {
      if (e.digits == digits) {
        return absl::InvalidArgumentError(
            absl::StrCat("dial-in number \"", number.number, "\" is listed twice"));
      }
    }
    plan.numbers_.push_back({std::move(digits), number});
  }
  for (const SipTrunk& trunk : options.trunks) {
    TrunkEntry entry{trunk, {}};
    if (trunk.allow.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("trunk \"", trunk.name, "\" allows no source address"));
    }
    for (const std::string& a : trunk.allow) {
      absl::StatusOr<Cidr> cidr = Cidr::Parse(a);
      if (!cidr.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("trunk \"", trunk.name, "\": ", cidr.status().message()));
      }
      entry.allow.push_back(*cidr);
    }
    if (!trunk.realm.empty() && (trunk.username.empty() || trunk.password.empty())) {
      return absl::InvalidArgumentError(absl::StrCat(
          "trunk \"", trunk.name, "\": a digest realm needs a username and a password"));
    }
    plan.trunks_.push_back(std::move(entry));
  }
  plan.open_trunk_.name = "any";
  return plan;
}

const DialInNumber* NumberPlan::Match(std::string_view dialled) const {
  const std::string digits = NumberDigits(dialled);
  if (digits.empty()) return nullptr;
  for (const Entry& e : numbers_) {
    if (e.digits == digits) return &e.number;
  }
  return nullptr;
}

const SipTrunk* NumberPlan::TrunkFor(const net::IpEndpoint& source) const {
  if (trunks_.empty()) return &open_trunk_;
  for (const TrunkEntry& t : trunks_) {
    for (const Cidr& c : t.allow) {
      if (c.Contains(source)) return &t.trunk;
    }
  }
  return nullptr;
}

}  // namespace konfero::dial_in
