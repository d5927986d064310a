// negotiation.cc: classifying a participant's new offer.
#include "control/negotiation.h"

namespace konfero::control {

std::string_view ToString(OfferCase c) {
  switch (c) {
    case OfferCase::kNewTransport: return "new transport";
    case OfferCase::kRenegotiation: return "renegotiation";
    case OfferCase::kIceRestart: return "ICE restart";
  }
  return "unknown";
}

OfferCase ClassifyOffer(const WebRtcNegotiation* existing, RoomId existing_room,
                        size_t existing_worker, RoomId room, size_t worker,
                        std::string_view remote_fingerprint, std::string_view remote_ufrag) {
  if (existing == nullptr || existing_room != room || existing_worker != worker ||
      existing->remote_fingerprint != remote_fingerprint) {
    return OfferCase::kNewTransport;
  }
  return existing->remote_ufrag == remote_ufrag ? OfferCase::kRenegotiation
                                                : OfferCase::kIceRestart;
}

}  // namespace konfero::control
