// signalling/wire.h: the signalling protocol's wire format as the hub and
// its sessions see it. The requests, frames and error codes live in
// engine/src/protocol, the one module of every wire format the engine
// writes and parses (with the WebRTC control channel's).
//
// Thread contract: declarations only.
#ifndef KONFERO_SIGNALLING_WIRE_H_
#define KONFERO_SIGNALLING_WIRE_H_

#include "protocol/signalling_errors.h"
#include "protocol/signalling_frames.h"
#include "protocol/signalling_requests.h"

namespace konfero::signalling {

using namespace ::konfero::protocol;  // NOLINT(google-build-using-namespace)

}  // namespace konfero::signalling

#endif  // KONFERO_SIGNALLING_WIRE_H_
