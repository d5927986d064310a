// connection_set.h: the server's open connections, so that a shutdown can
// close them all and the listener can refuse connections beyond a limit,
// in all and per source address (one host must not hold every slot).
//
//   ConnectionSet connections({.total = 2048, .per_address = 100});
//   if (!connections.Admits("203.0.113.7")) { /* close the new socket */ }
//   uint64_t id = connections.Add("203.0.113.7", connection);  // a weak reference
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
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace konfero::server {

// A connection that can be asked to end: an HTTP connection closes its
// socket, a WebSocket closes after the frames it still has to write.
class Closable {
 public:
  virtual ~Closable() = default;
  virtual void Close() = 0;
};

struct ConnectionLimits {
  size_t total = 2048;
  size_t per_address = 100;
};

class ConnectionSet {
 public:
  explicit ConnectionSet(ConnectionLimits limits) : limits_(limits) {}

  const ConnectionLimits& limits() const { return limits_; }
  size_t size() const { return open_.size(); }
  size_t count_from(const std::string& address) const {
    auto it = per_address_.find(address);
    return it == per_address_.end() ? 0 : it->second;
  }
  // Whether a new connection from `address` stays within both limits.
  bool Admits(const std::string& address) const {
    return open_.size() < limits_.total && count_from(address) < limits_.per_address;
  }

  uint64_t Add(const std::string& address, std::weak_ptr<Closable> connection) {
    open_.emplace(next_id_, Entry{address, std::move(connection)});
    ++per_address_[address];
    return next_id_++;
  }
  void Remove(uint64_t id) {
    auto it = open_.find(id);
    if (it == open_.end()) return;
    auto count = per_address_.find(it->second.address);
    if (count != per_address_.end() && --count->second == 0) per_address_.erase(count);
    open_.erase(it);
  }

  void CloseAll() {
    std::vector<std::shared_ptr<Closable>> alive;
    for (auto& [id, entry] : open_) {
      if (auto connection = entry.connection.lock()) alive.push_back(std::move(connection));
    }
    for (auto& connection : alive) connection->Close();
  }

 private:
  struct Entry {
    std::string address;
    std::weak_ptr<Closable> connection;
  };
  ConnectionLimits limits_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Entry> open_;
  std::unordered_map<std::string, size_t> per_address_;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_CONNECTION_SET_H_
