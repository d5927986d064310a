// konfero/signalling.h: the signalling protocol (docs/protocol.md) between a
// browser's WebSocket and the engine, so that servers only carry frames.
//
// A server makes one SignallingHub for its RoomService and its media (an
// Engine, or anything else that implements MediaConnector), opens a
// SignallingSession per WebSocket and feeds it the socket's text frames;
// the session answers through the callbacks it was opened with.
//
//   auto hub = konfero::SignallingHub::Create(rooms, *engine, {});
//   auto session = hub->Open({.source_address = "203.0.113.7"},
//       [ws](std::string frame) { ws->Write(std::move(frame)); },
//       [ws] { ws->Close(); });
//   session->OnMessage(R"({"type":"hello","version":1})");
//   ...
//   session->OnSocketClosed();   // the participant keeps its seat for the grace period
//   // every few hundred ms, on the control thread (ends reconnect graces):
//   hub->Poll();
//
// Behaviour beyond docs/protocol.md:
//   - Join errors are fatal, other bad frames (malformed JSON, wrong field
//     types, frames over max_frame_bytes, unknown types) get a non-fatal
//     error and change nothing. Anything but `hello` first is fatal, junk
//     included, and so is no `hello` within hello_timeout (checked by Poll).
//   - Joins and offers beyond their budgets per socket (join_burst and
//     join_refill, offer_burst and offer_refill) get a non-fatal
//     `rate_limited` and change nothing.
//   - A guest join with the URL token of a room that was made private gets
//     `not_public`; a token that is unknown (never issued, replaced by a
//     regeneration, of a deleted room, or of a room made public again with
//     new codes) gets `bad_url` (RoomService::JoinAsBrowserGuest).
//   - `leave` keeps the socket open; it may join again.
//   - A resume token opens one `resume` and is replaced by the one in the
//     new `joined`. Resuming while the old socket is still open moves the
//     participant to the new socket; the old one gets a fatal error. An
//     unknown or used token gets a non-fatal `not_found` (join afresh).
//   - A participant removed by anything but a kick gets `removed` with the
//     LeaveReason's name (access_revoked, room_deleted, membership_revoked,
//     disconnected, left) and is closed.
//   - A participant whose grace ran out leaves as disconnected
//     (RoomService::Disconnect); Shutdown() makes everyone leave normally.
//   - Frames follow the RoomService's events, whoever caused them (the REST
//     API, the engine dropping a leg): each session gets its `state` and
//     its room's `participants` when they changed, lobby watchers their
//     `rooms` list when it changed.
//
// Thread contract: everything here runs on the RoomService's control thread
// (the thread that also drives the Engine). Callbacks are called on it,
// possibly from inside OnMessage or Poll, and also from inside RoomService
// calls made by others (their events reach the sockets). They must not call
// back into the hub or a session, nor destroy one (queue the frame, close
// later).
#ifndef KONFERO_SIGNALLING_H_
#define KONFERO_SIGNALLING_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "konfero/media_connector.h"
#include "konfero/room_service.h"

namespace konfero {

inline constexpr int kSignallingProtocolVersion = 1;

struct SignallingOptions {
  // A dropped socket keeps its participant (seat, role) this long for a
  // `resume`; then the participant leaves.
  absl::Duration reconnect_grace = absl::Seconds(20);
  // Longest text frame accepted; longer ones get an error and are dropped.
  size_t max_frame_bytes = 256 * 1024;
  // A socket that has not sent `hello` this long after it opened is closed
  // (a fatal error); nothing else it sends keeps it open.
  absl::Duration hello_timeout = absl::Seconds(10);
  // Joins and resumes per socket: a burst of `join_burst`, then one per
  // `join_refill` (each join sends the room's chat history).
  int join_burst = 5;
  absl::Duration join_refill = absl::Seconds(2);
  // Offers per socket: a burst, then one per `offer_refill` (each sets up
  // or renews a transport on a media worker).
  int offer_burst = 10;
  absl::Duration offer_refill = absl::Seconds(1);
};

struct SignallingStats {
  int sessions = 0;          // open sockets
  int joined = 0;            // sessions with a participant
  int in_grace = 0;          // participants whose socket dropped, not yet gone
  uint64_t frames_in = 0;
  uint64_t frames_out = 0;
  uint64_t errors_sent = 0;
};

class SignallingSession {
 public:
  virtual ~SignallingSession() = default;
  // One text frame from the socket.
  virtual void OnMessage(std::string_view frame) = 0;
  // The socket closed (or failed). A joined participant that did not send
  // `leave` stays for the grace period.
  virtual void OnSocketClosed() = 0;
};

class SignallingHub {
 public:
  // Writes one text frame to the socket.
  using SendFn = std::function<void(std::string frame)>;
  // Closes the socket after the frames already written.
  using CloseFn = std::function<void()>;

  struct Peer {
    std::string source_address;  // for rate limits and logs (no secrets)
  };

  // `rooms` and `media` must outlive the hub.
  static std::unique_ptr<SignallingHub> Create(RoomService& rooms, MediaConnector& media,
                                               SignallingOptions options = {});
  virtual ~SignallingHub() = default;

  // The session must be destroyed before the hub. Destroying a session
  // counts as OnSocketClosed().
  virtual std::unique_ptr<SignallingSession> Open(Peer peer, SendFn send, CloseFn close) = 0;
  // Ends grace periods that ran out and closes sockets without `hello`
  // past hello_timeout, by the RoomService's clock; call every few hundred
  // ms.
  virtual void Poll() = 0;
  // Server shutdown: every session gets {"type":"shutdown"} and is closed;
  // every participant leaves.
  virtual void Shutdown() = 0;
  virtual SignallingStats stats() const = 0;
};

}  // namespace konfero

#endif  // KONFERO_SIGNALLING_H_
