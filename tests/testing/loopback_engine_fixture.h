// loopback_engine_fixture.h: the base fixture of the tests that run a real
// konfero::Engine on 127.0.0.1 over an in-memory RoomService
// (tests/control/control_plane_test.cc, calls_test.cc and
// tests/dial_in/dial_in_core_test.cc): cheap password hashing, the dial-in
// number "+49 30 555 0100", alice (admin) logged in, and a TaskQueue as the
// engine's executor. The steps are separate so that a fixture can do its
// own in between; each asserts, so call them under ASSERT_NO_FATAL_FAILURE:
//
//   void SetUp() override {
//     ASSERT_NO_FATAL_FAILURE(OpenRoomsAsAlice());
//     ASSERT_NO_FATAL_FAILURE(OpenPublicRoom("Phones"));  // room_, pin_
//     ASSERT_NO_FATAL_FAILURE(StartEngine(/*workers=*/1));
//   }
//
// Thread contract: the test's thread is the control thread; queue_->Wait
// runs the workers' reports on it.
#ifndef KONFERO_TESTS_TESTING_LOOPBACK_ENGINE_FIXTURE_H_
#define KONFERO_TESTS_TESTING_LOOPBACK_ENGINE_FIXTURE_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "gtest/gtest.h"
#include "konfero/clock.h"
#include "konfero/engine.h"
#include "konfero/executor.h"
#include "konfero/room_service.h"

namespace konfero::test_support {

class LoopbackEngineTest : public ::testing::Test {
 protected:
  // The engine's options on 127.0.0.1 with `executor` (null: none, which
  // Engine::Start refuses).
  static Engine::Options Loopback(ControlExecutor* executor, int workers = 1) {
    Engine::Options o;
    o.bind_address = "127.0.0.1";
    o.workers = workers;
    o.executor = executor;
    return o;
  }

  // rooms_ on an in-memory database (cheap argon2 cost: these tests are
  // about calls, not hashing strength); alice is its admin, session_ hers.
  void OpenRoomsAsAlice() {
    RoomServiceOptions o;
    o.password_hash_memory_kib = 8;
    o.password_hash_iterations = 1;
    o.dial_in_number = "+49 30 555 0100";
    auto rooms = RoomService::Open(o, clock_);
    ASSERT_TRUE(rooms.ok()) << rooms.status();
    rooms_ = *std::move(rooms);
    ASSERT_TRUE(rooms_->BootstrapAdmin("alice", "Alice", "alice-password").ok());
    auto session = rooms_->Login("alice", "alice-password", "127.0.0.1");
    ASSERT_TRUE(session.ok()) << session.status();
    session_ = session->token;
  }

  // Alice's room `name`, made public: room_ and its PIN pin_.
  void OpenPublicRoom(std::string_view name) {
    auto room = rooms_->CreateRoom(session_, name);
    ASSERT_TRUE(room.ok()) << room.status();
    room_ = room->id;
    auto access = rooms_->SetPublic(session_, room_, true);
    ASSERT_TRUE(access.ok()) << access.status();
    pin_ = access->pin;
  }

  // queue_, and engine_ on 127.0.0.1 with `workers` threads reporting to it.
  void StartEngine(int workers) {
    auto queue = TaskQueue::Create();
    ASSERT_TRUE(queue.ok()) << queue.status();
    queue_ = *std::move(queue);
    auto engine = Engine::Start(*rooms_, Loopback(queue_.get(), workers));
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
  }

  ManualClock clock_;
  std::unique_ptr<RoomService> rooms_;
  std::unique_ptr<TaskQueue> queue_;
  std::unique_ptr<Engine> engine_;
  std::string session_, pin_;
  RoomId room_{};
};

}  // namespace konfero::test_support

#endif  // KONFERO_TESTS_TESTING_LOOPBACK_ENGINE_FIXTURE_H_
