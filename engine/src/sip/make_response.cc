// sip/make_response.cc: a response built from its request (RFC 3261 8.2.6.2).
#include <string>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "sip/headers.h"
#include "sip/message.h"

namespace konfero::sip {

SipMessage MakeResponse(const SipMessage& request, int status, std::string_view reason,
                        std::string_view to_tag) {
  SipMessage response = SipMessage::Response(status, std::string(reason));
  response.ReserveHeaders(8);
  for (const Header& h : request.headers()) {
    if (h.name == "Via") response.AddCanonical(h.name, h.value);
  }
  for (std::string_view name : {"From", "To", "Call-ID", "CSeq"}) {
    const std::optional<std::string_view> value = request.Get(name);
    if (!value) continue;
    if (name == "To" && !to_tag.empty()) {
      auto to = ParseNameAddr(*value);
      if (to.ok() && !to->Param("tag")) {
        response.AddCanonical("To", absl::StrCat(Sv(*value), ";tag=", Sv(to_tag)));
        continue;
      }
    }
    response.AddCanonical(std::string(name), std::string(*value));
  }
  if (status == 100) {
    if (auto timestamp = request.Get("Timestamp")) response.AddCanonical("Timestamp", std::string(*timestamp));
  }
  return response;
}

}  // namespace konfero::sip
