// info_dtmf.h: a DTMF digit carried in a SIP INFO body:
// application/dtmf-relay ("Signal=5\r\nDuration=160") or application/dtmf
// ("5"). Pure functions.
#ifndef KONFERO_DIAL_IN_INFO_DTMF_H_
#define KONFERO_DIAL_IN_INFO_DTMF_H_

#include <optional>

#include "sip/message.h"

namespace konfero::dial_in {

// The digit (0-9, *, #, A-D) of an INFO request, or nullopt for another
// body type or a malformed one.
std::optional<char> InfoDigit(const sip::SipMessage& info);

}  // namespace konfero::dial_in

#endif  // KONFERO_DIAL_IN_INFO_DTMF_H_
