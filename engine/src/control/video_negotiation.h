// video_negotiation.h: the video part of a peer's negotiation: our tracks
// for the sections the peer receives on, and the VideoParams read back
// from the offer and our answer.
//
// Thread contract: free functions, no state.
#ifndef KONFERO_CONTROL_VIDEO_NEGOTIATION_H_
#define KONFERO_CONTROL_VIDEO_NEGOTIATION_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "konfero/sdp/negotiation.h"
#include "konfero/sdp/session_description.h"
#include "media/video_params.h"

namespace konfero::control {

using media::VideoCodecParams;
using media::VideoParams;
using media::VideoPublicationParams;
using media::VideoSlotParams;

// Adds to `options` one sending track (an SSRC and an RTX SSRC: those of
// `known` for a mid it lists, else from `new_ssrc`) for every video section
// of `offer` the peer can receive on.
void AddVideoSlotTracks(const sdp::SessionDescription& offer, const std::string& cname,
                        const std::vector<VideoSlotParams>& known,
                        absl::FunctionRef<uint32_t()> new_ssrc,
                        sdp::AnswerOptions& options);

// Reads the negotiated video: `remote` is the peer's offer, `answer` ours.
VideoParams ExtractVideoParams(const sdp::SessionDescription& remote,
                               const sdp::SessionDescription& answer);

}  // namespace konfero::control

#endif  // KONFERO_CONTROL_VIDEO_NEGOTIATION_H_
