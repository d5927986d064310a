// send_queue.h: a WebSocket's frames waiting to be written, bounded in
// bytes. A client that stops reading (or reads slower than it provokes
// frames) would otherwise grow the server without limit; past the bound
// the connection is dropped, not the frame (a hole in the stream would
// leave the client with a wrong picture of the room).
//
//   SendQueue queue(/*max_bytes=*/4 << 20);
//   if (!queue.Push(std::move(frame))) { /* drop the connection */ }
//   write(queue.front()); ... queue.Pop();
//
// Thread contract: one thread (the connection's strand).
#ifndef KONFERO_EXAMPLES_SERVER_SEND_QUEUE_H_
#define KONFERO_EXAMPLES_SERVER_SEND_QUEUE_H_

#include <cstddef>
#include <deque>
#include <string>
#include <utility>

namespace konfero::server {

class SendQueue {
 public:
  explicit SendQueue(size_t max_bytes) : max_bytes_(max_bytes) {}

  // False, and nothing queued, when `frame` would take the queue past its
  // bound. The front frame (being written) counts until it is popped.
  bool Push(std::string frame) {
    if (frame.size() > max_bytes_ - bytes_) return false;
    bytes_ += frame.size();
    frames_.push_back(std::move(frame));
    return true;
  }
  bool empty() const { return frames_.empty(); }
  const std::string& front() const { return frames_.front(); }
  void Pop() {
    bytes_ -= frames_.front().size();
    frames_.pop_front();
  }
  void Clear() {
    frames_.clear();
    bytes_ = 0;
  }
  size_t bytes() const { return bytes_; }

 private:
  size_t max_bytes_;
  size_t bytes_ = 0;
  std::deque<std::string> frames_;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_SEND_QUEUE_H_
