// connection_set.h: the server's open connections, so that a shutdown can
// close them all and the listener can refuse connections beyond a limit.
//
//   ConnectionSet connections(/*limit=*/2048);
//   uint64_t id = connections.Add(connection);   // a weak reference
//   ...
//   connections.Remove(id);                      // from the connection's destructor
//   connections.CloseAll();                      // on shutdown
//
// Thread contract: the control thread only (the io_context's thread).
#ifndef KONFERO_EXAMPLES_SERVER_CONNECTION_SET_H_
#define KONFERO_EXAMPLES_SERVER_CONNECTION_SET_H_

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace konfero::server {

// A connection that can be asked to end: an HTTP connection closes its
// socket, a WebSocket closes after the frames it still has to write.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void Close() = 0;
};

class ConnectionSet {
 public:
  explicit ConnectionSet(size_t limit) : limit_(limit) {}

  bool full() const { return open_.size() >= limit_; }
  size_t size() const { return open_.size(); }

  uint64_t Add(std::weak_ptr<Closable> connection) {
    open_.emplace(next_id_, std::move(connection));
    return next_id_++;
  }
  void Remove(uint64_t id) { open_.erase(id); }

  void CloseAll() {
    std::vector<std::shared_ptr<Closable>> alive;
    for (auto& [id, weak] : open_) {
      if (auto connection = weak.lock()) alive.push_back(std::move(connection));
    }
    for (auto& connection : alive) connection->Close();
  }

 private:
  size_t limit_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::weak_ptr<Closable>> open_;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_CONNECTION_SET_H_
