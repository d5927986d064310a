// rtp_leg_options.cc: RtpLegOptions checked.
#include "control/rtp_leg_options.h"

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::control {

absl::StatusOr<plain_rtp::PlainRtpLegOptions> ToLegOptions(const RtpLegOptions& o) {
  if (o.rtp_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("rtp_timeout must be >= 0 (0: never)");
  }
  for (size_t i = 0; i < o.codecs.size(); ++i) {
    if (o.codecs[i] == audio::Codec::kL16) {
      return absl::InvalidArgumentError("codecs: L16 is not a plain-RTP codec here");
    }
    for (size_t j = 0; j < i; ++j) {
      if (o.codecs[j] == o.codecs[i]) {
        return absl::InvalidArgumentError(
            absl::StrCat("codecs: ", Sv(audio::CodecName(o.codecs[i])), " is listed twice"));
      }
    }
  }
  plain_rtp::PlainRtpLegOptions leg;
  leg.symmetric_rtp = o.symmetric_rtp;
  leg.rtp_timeout_us = absl::ToInt64Microseconds(o.rtp_timeout);
  switch (o.inband_dtmf) {
    case RtpLegOptions::InbandDtmf::kAuto:
      leg.inband_dtmf = plain_rtp::PlainRtpLegOptions::InbandDtmf::kAuto;
      break;
    case RtpLegOptions::InbandDtmf::kOn:
      leg.inband_dtmf = plain_rtp::PlainRtpLegOptions::InbandDtmf::kOn;
      break;
    case RtpLegOptions::InbandDtmf::kOff:
      leg.inband_dtmf = plain_rtp::PlainRtpLegOptions::InbandDtmf::kOff;
      break;
  }
  return leg;
}

}  // namespace konfero::control
