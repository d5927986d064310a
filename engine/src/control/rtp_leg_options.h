// rtp_leg_options.h: the public RtpLegOptions, checked and turned into the
// plain-RTP leg's own options.
//
// Thread contract: a pure function.
#ifndef KONFERO_CONTROL_RTP_LEG_OPTIONS_H_
#define KONFERO_CONTROL_RTP_LEG_OPTIONS_H_

#include "absl/status/statusor.h"
#include "konfero/media_types.h"
#include "plain_rtp/plain_rtp_leg.h"

namespace konfero::control {

// InvalidArgument for a negative timeout, L16, or a codec listed twice.
absl::StatusOr<plain_rtp::PlainRtpLegOptions> ToLegOptions(const RtpLegOptions& o);

}  // namespace konfero::control

#endif  // KONFERO_CONTROL_RTP_LEG_OPTIONS_H_
