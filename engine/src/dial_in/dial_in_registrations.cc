// dial_in_registrations.cc: the provider accounts konfero registers to, on
// the core's transaction layer, and the calls that reach them.
#include <utility>

#include "dial_in/dial_in_core.h"
#include "sip/headers.h"

namespace konfero::dial_in {

void DialInCore::TickRegistrations() {
  for (size_t i = 0; i < registrations_.size(); ++i) {
    if (now_us_ < registrations_[i].NextDeadline()) continue;
    const Registration::State before = registrations_[i].state();
    SendRegistrationRequests(i, registrations_[i].OnTimer(now_us_));
    CountRegistration(i, before);
  }
}

void DialInCore::SendRegistrationRequests(size_t index, std::vector<sip::SipMessage> requests) {
  Registration& registration = registrations_[index];
  for (const sip::SipMessage& request : requests) {
    absl::StatusOr<sip::ClientTransactionHandle> tx =
        layer_->SendRequest(request, registration.config().registrar, now_us_);
    if (tx.ok()) {
      registration_tx_[tx->id] = index;
    } else {
      // Counted as a timeout: it retries with back-off.
      std::vector<sip::SipMessage> retry = registration.OnTimeout(now_us_);
      if (!retry.empty()) SendRegistrationRequests(index, std::move(retry));
    }
  }
}

void DialInCore::CountRegistration(size_t index, Registration::State before) {
  const Registration::State now = registrations_[index].state();
  if (now == before) return;
  if (now == Registration::State::kRegistered) ++stats_.registrations_ok;
  if (now == Registration::State::kFailed) ++stats_.registration_failures;
}

std::optional<DialInNumber> DialInCore::RegisteredNumber(std::string_view dialled_user) const {
  for (size_t i = 0; i < registrations_.size(); ++i) {
    const Registration& r = registrations_[i];
    if (dialled_user.empty() || dialled_user != r.config().aor.user) continue;
    if (!registration_numbers_[i].empty()) {
      if (const DialInNumber* n = plan_.Match(registration_numbers_[i])) return *n;
    }
    DialInNumber all;  // every public room, as the default number does
    all.number = r.config().aor.user;
    if (!options_.numbers.empty()) all.language = options_.numbers.front().language;
    return all;
  }
  return std::nullopt;
}

bool DialInCore::FromRegistrar(const net::IpEndpoint& source) const {
  for (const Registration& r : registrations_) {
    net::IpEndpoint a = r.config().registrar.endpoint.Unmapped();
    net::IpEndpoint b = source.Unmapped();
    if (a.address_bytes() == b.address_bytes()) return true;
  }
  return false;
}

}  // namespace konfero::dial_in
