// number_plan.h: which calls the dial-in takes: the dialled number matched
// to a DialInNumber (digits only), and the source address matched to the
// trunks' CIDR lists.
//
// Thread contract: immutable after Create; any thread.
#ifndef KONFERO_DIAL_IN_NUMBER_PLAN_H_
#define KONFERO_DIAL_IN_NUMBER_PLAN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "konfero/dial_in.h"
#include "konfero/net/ip_endpoint.h"

namespace konfero::dial_in {

// "192.0.2.0/24", "2001:db8::/32", or one address ("127.0.0.1": /32).
struct Cidr {
  net::IpEndpoint network;
  int prefix = 0;
  static absl::StatusOr<Cidr> Parse(std::string_view text);
  bool Contains(const net::IpEndpoint& address) const;
};

// The digits of a number ("+49 (30) 123-4567" -> "49301234567").
std::string NumberDigits(std::string_view number);

class NumberPlan {
 public:
  // InvalidArgument for a number without digits, a number listed twice, or
  // a bad CIDR (naming it).
  static absl::StatusOr<NumberPlan> Create(const DialInOptions& options);

  // The number a call dialled: the Request-URI user, else the To user.
  const DialInNumber* Match(std::string_view dialled) const;
  // The trunk a source may call through; with no trunks configured, any
  // source is let in (returns a default trunk).
  const SipTrunk* TrunkFor(const net::IpEndpoint& source) const;

 private:
  struct Entry {
    std::string digits;
    DialInNumber number;
  };
  struct TrunkEntry {
    SipTrunk trunk;
    std::vector<Cidr> allow;
  };
  std::vector<Entry> numbers_;
  std::vector<TrunkEntry> trunks_;
  SipTrunk open_trunk_;
};

}  // namespace konfero::dial_in

#endif  // KONFERO_DIAL_IN_NUMBER_PLAN_H_
