// media_plane.h: the media workers, as the control plane sees them.
//
// Starts one transport::Worker (thread, event loop, WebRTC UDP port) and
// one WorkerMedia per worker, places rooms on workers, and carries typed
// commands to them. Reports come back through the ReportSink given at
// Start, on the worker threads.
//
//   auto plane = MediaPlane::Start(config, certificate, sink, clock);
//   (*plane)->Send((*plane)->WorkerFor(room), SetHold{participant, true});
//
// Thread contract: Start, Send, the accessors and the destructor on the
// control thread (Send is also safe from any thread). The destructor has
// each worker tear its media down on its own thread, then stops it.
#ifndef KONFERO_MEDIA_MEDIA_PLANE_H_
#define KONFERO_MEDIA_MEDIA_PLANE_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "dtls/dtls_certificate.h"
#include "konfero/audio/mixer.h"
#include "konfero/clock.h"
#include "konfero/net/ip_endpoint.h"
#include "konfero/room_types.h"
#include "media/media_commands.h"
#include "media/worker_media.h"
#include "transport/worker.h"

namespace konfero::media {

struct MediaPlaneConfig {
  // The workers' WebRTC ports: each binds its own address (same IP, port
  // +i, or 0 for any).
  std::vector<net::IpEndpoint> bind;
  audio::MixerConfig mixer;
};

class MediaPlane {
 public:
  // `reports` and `clock` must outlive the plane.
  static absl::StatusOr<std::unique_ptr<MediaPlane>> Start(
      const MediaPlaneConfig& config, std::shared_ptr<const dtls::DtlsCertificate> certificate,
      ReportSink& reports, const MonotonicClock& clock);
  ~MediaPlane();
  MediaPlane(const MediaPlane&) = delete;
  MediaPlane& operator=(const MediaPlane&) = delete;

  size_t worker_count() const { return workers_.size(); }
  // The worker that hosts `room` (every leg of a room is on it).
  size_t WorkerFor(RoomId room) const {
    return static_cast<size_t>(ToInt(room)) % workers_.size();
  }
  void Send(size_t worker, MediaCommand command);
  // Runs `fn` on the worker's thread (for the legs it owns, e.g. binding
  // their sockets to its loop).
  void Post(size_t worker, std::function<void(WorkerMedia&, transport::Worker&)> fn);
  net::IpEndpoint local_endpoint(size_t worker) const;
  WorkerMedia::TickStats tick_stats() const;  // summed; max of the longest

 private:
  struct Slot {
    std::unique_ptr<WorkerMedia> media;
    std::unique_ptr<transport::Worker> worker;
  };
  MediaPlane() = default;
  std::vector<Slot> workers_;
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_MEDIA_PLANE_H_
