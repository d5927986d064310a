// media_plane.cc: starting and stopping the workers; commands to them.
#include "media/media_plane.h"

#include <algorithm>
#include <future>
#include <utility>

namespace konfero::media {

absl::StatusOr<std::unique_ptr<MediaPlane>> MediaPlane::Start(
    const MediaPlaneConfig& config, std::shared_ptr<const dtls::DtlsCertificate> certificate,
    ReportSink& reports, const MonotonicClock& clock) {
  std::unique_ptr<MediaPlane> plane(new MediaPlane());
  for (const net::IpEndpoint& local : config.bind) {
    Slot slot;
    slot.media = std::make_unique<WorkerMedia>(config.mixer, certificate, reports, clock);
    absl::StatusOr<std::unique_ptr<transport::Worker>> worker =
        transport::Worker::Start(local, *slot.media);
    if (!worker.ok()) return worker.status();  // the destructor stops the others
    slot.worker = *std::move(worker);
    slot.media->Attach(*slot.worker);
    plane->workers_.push_back(std::move(slot));
  }
  return plane;
}

MediaPlane::~MediaPlane() {
  // Each worker tears its legs down on its own thread (their thread
  // contract; an RTP leg's ports are Asio objects of that loop), then stops.
  for (Slot& slot : workers_) {
    std::promise<void> done;
    std::future<void> finished = done.get_future();
    WorkerMedia* media = slot.media.get();
    slot.worker->Post([media, &done] {
      media->Shutdown();
      done.set_value();
    });
    finished.wait();
  }
  for (Slot& slot : workers_) slot.worker->Stop();
}

void MediaPlane::Send(size_t worker, MediaCommand command) {
  WorkerMedia* media = workers_[worker].media.get();
  workers_[worker].worker->Post(
      [media, command = std::move(command)]() mutable { media->Apply(std::move(command)); });
}

void MediaPlane::Post(size_t worker, std::function<void(WorkerMedia&, transport::Worker&)> fn) {
  WorkerMedia* media = workers_[worker].media.get();
  transport::Worker* w = workers_[worker].worker.get();
  w->Post([media, w, fn = std::move(fn)] { fn(*media, *w); });
}

net::IpEndpoint MediaPlane::local_endpoint(size_t worker) const {
  return workers_[worker].worker->local_endpoint();
}

WorkerMedia::TickStats MediaPlane::tick_stats() const {
  WorkerMedia::TickStats total;
  for (const Slot& slot : workers_) {
    const WorkerMedia::TickStats t = slot.media->tick_stats();
    total.ticks += t.ticks;
    total.total_ns += t.total_ns;
    total.max_ns = std::max(total.max_ns, t.max_ns);
    total.window_p99_ns = std::max(total.window_p99_ns, t.window_p99_ns);  // the busiest worker's
    total.window_cpu_p99_ns = std::max(total.window_cpu_p99_ns, t.window_cpu_p99_ns);
  }
  return total;
}

}  // namespace konfero::media
