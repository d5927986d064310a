// Workers on loopback: batched receive and send, posted tasks in order.
#include "transport/worker.h"

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace konfero::transport {
namespace {

// Collects datagrams on the worker thread; the test thread waits on a
// promise, never on a clock in the assertions.
class Collector : public DatagramHandler {
 public:
  explicit Collector(int expected) : expected_(expected) {}
  void OnDatagram(absl::Span<const uint8_t> data,
                  const net::IpEndpoint& from) override {
    std::lock_guard<std::mutex> lock(mu_);
    received_.emplace_back(data.begin(), data.end());
    from_ = from;
    if (static_cast<int>(received_.size()) == expected_) done_.set_value();
  }
  std::future<void> done() { return done_.get_future(); }
  std::vector<std::vector<uint8_t>> received() {
    std::lock_guard<std::mutex> lock(mu_);
    return received_;
  }
  net::IpEndpoint from() {
    std::lock_guard<std::mutex> lock(mu_);
    return from_;
  }

 private:
  const int expected_;
  std::mutex mu_;
  std::vector<std::vector<uint8_t>> received_;
  net::IpEndpoint from_;
  std::promise<void> done_;
};

void ExchangeBurst(const char* address) {
  constexpr int kCount = 200;  // several recvmmsg and sendmmsg batches
  Collector sink(kCount), unused(1 << 30);
  auto receiver = Worker::Start(*net::IpEndpoint::Parse(address, 0), sink);
  auto sender = Worker::Start(*net::IpEndpoint::Parse(address, 0), unused);
  ASSERT_TRUE(receiver.ok()) << receiver.status();
  ASSERT_TRUE(sender.ok()) << sender.status();
  const net::IpEndpoint to = (*receiver)->local_endpoint();
  ASSERT_NE(to.port(), 0);
  auto done = sink.done();
  Worker* s = sender->get();
  s->Post([s, to] {
    for (int i = 0; i < kCount; ++i) {
      std::vector<uint8_t> packet(100 + i, static_cast<uint8_t>(i));
      s->Send(packet, to);
    }
  });
  ASSERT_EQ(done.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  auto got = sink.received();
  ASSERT_EQ(got.size(), static_cast<size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {  // loopback keeps the order
    EXPECT_EQ(got[i].size(), static_cast<size_t>(100 + i));
    EXPECT_EQ(got[i].front(), static_cast<uint8_t>(i));
  }
  EXPECT_EQ(sink.from(), (*sender)->local_endpoint());
  (*sender)->Stop();
  EXPECT_EQ((*sender)->counters().datagrams_out, static_cast<uint64_t>(kCount));
  EXPECT_LT((*sender)->counters().send_calls, static_cast<uint64_t>(kCount));
}

TEST(WorkerTest, ExchangesABurstOverIpv4Loopback) { ExchangeBurst("127.0.0.1"); }

TEST(WorkerTest, ExchangesABurstOverIpv6Loopback) {
  auto probe = UdpBatchSocket::Bind(*net::IpEndpoint::Parse("::1", 0));
  if (!probe.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << probe.status();
  probe->reset();
  ExchangeBurst("::1");
}

TEST(WorkerTest, PostedTasksRunOnTheWorkerThreadInOrder) {
  Collector sink(1);
  auto worker = Worker::Start(*net::IpEndpoint::Parse("127.0.0.1", 0), sink);
  ASSERT_TRUE(worker.ok());
  std::vector<int> order;
  std::atomic<bool> on_worker{true};
  std::promise<void> done;
  Worker* w = worker->get();
  for (int i = 0; i < 100; ++i) {
    w->Post([&, i, w] {
      on_worker = on_worker && w->IsWorkerThread();
      order.push_back(i);
      if (i == 99) done.set_value();
    });
  }
  ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(30)),
            std::future_status::ready);
  w->Stop();
  EXPECT_TRUE(on_worker);
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(WorkerTest, BindingATakenPortFailsClearly) {
  Collector sink(1);
  auto first = Worker::Start(*net::IpEndpoint::Parse("127.0.0.1", 0), sink);
  ASSERT_TRUE(first.ok());
  auto second = Worker::Start((*first)->local_endpoint(), sink);
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("cannot bind UDP"), std::string::npos);
}

}  // namespace
}  // namespace konfero::transport
