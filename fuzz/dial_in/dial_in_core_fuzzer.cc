// dial_in_core_fuzzer: a DialInCore fed arbitrary datagrams, interleaved
// with timer ticks and the engine's reports; it must never crash, and what
// it sends must be SIP that parses (a 400 echoing a malformed request's
// header values excepted).
//
// The RoomService (in memory, one public room), the TaskQueue and a real
// Engine on 127.0.0.1 are made once; each input gets a new DialInCore and
// ends with EndAll, so calls and phone guests do not pile up.
//
// Input: steps separated by "\n%%\n". A step is a datagram from
// 127.0.0.1:5070 over UDP, unless it starts with one of:
//   "!tick N"   advance the clock N ms (at most 100 s) and OnTimer
//   "!digits S" the last answered call typed S ('P' stands for the PIN)
//   "!done"     the last answered call's prompts have played (all it got;
//               "!done N": N of them, a stale report when fewer)
//   "!ended"    the last answered call's leg ended
//   "!tcp\n"    the rest is a datagram over TCP (connection 1)
// After each datagram the core gets a 20 ms tick. In a datagram, "$TAG"
// stands for the To tag of the last response the core sent and "$BRANCH"
// for the Via branch of its last request, so that seeds can reach the
// dialog (ACK, INFO, re-INVITE, BYE) and answer the core's BYE.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dial_in/dial_in_core.h"
#include "dial_in/recording_engine.h"
#include "konfero/clock.h"
#include "konfero/executor.h"
#include "konfero/room_service.h"
#include "sip/headers.h"
#include "sip/parser.h"

namespace {

using namespace konfero;  // NOLINT: a fuzz target's own file

#define FUZZ_CHECK(cond)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

class CheckingNetwork final : public dial_in::DialInCore::Network {
 public:
  void Send(std::string bytes, const sip::Destination& /*to*/) override {
    absl::StatusOr<sip::SipMessage> m = sip::Parse(bytes);
    if (!m.ok()) {
      if (bytes.starts_with("SIP/2.0 400 ")) return;
      std::fprintf(stderr, "sent unparseable SIP (%s):\n%s\n",
                   std::string(m.status().message()).c_str(), bytes.c_str());
      std::abort();
    }
    if (m->is_request()) {
      std::vector<std::string_view> vias = m->GetAll("Via");
      FUZZ_CHECK(!vias.empty());
      absl::StatusOr<sip::Via> via = sip::ParseVia(vias.front());
      FUZZ_CHECK(via.ok());
      last_branch = std::string(via->Param("branch").value_or(""));
    } else if (std::optional<std::string_view> to = m->Get("To")) {
      if (absl::StatusOr<sip::NameAddr> addr = sip::ParseNameAddr(*to); addr.ok()) {
        if (std::optional<std::string_view> tag = addr->Param("tag")) last_tag = std::string(*tag);
      }
    }
  }
  std::string last_tag;
  std::string last_branch;
};

std::string Substitute(std::string_view step, const CheckingNetwork& network) {
  std::string out;
  out.reserve(step.size());
  while (!step.empty()) {
    if (step.starts_with("$TAG")) {
      out += network.last_tag;
      step.remove_prefix(4);
    } else if (step.starts_with("$BRANCH")) {
      out += network.last_branch;
      step.remove_prefix(7);
    } else {
      out += step.front();
      step.remove_prefix(1);
    }
  }
  return out;
}

struct World {
  ManualClock clock;
  std::unique_ptr<RoomService> rooms;
  std::unique_ptr<TaskQueue> queue;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<dial_in_test::RecordingEngine> recorder;
  std::vector<Event> events;
  std::string pin;
  DialInOptions options;

  World() {
    RoomServiceOptions o;
    o.password_hash_memory_kib = 8;
    o.password_hash_iterations = 1;
    o.dial_in_number = "+49 30 555 0100";
    rooms = *RoomService::Open(o, clock);
    (void)rooms->Subscribe(std::nullopt, [this](const Event& e) { events.push_back(e); });
    FUZZ_CHECK(rooms->BootstrapAdmin("alice", "Alice", "alice-password").ok());
    const std::string session = rooms->Login("alice", "alice-password", "127.0.0.1")->token;
    const RoomId room = rooms->CreateRoom(session, "Phones")->id;
    pin = rooms->SetPublic(session, room, true)->pin;
    queue = *TaskQueue::Create();
    Engine::Options eo;
    eo.bind_address = "127.0.0.1";
    eo.workers = 1;
    eo.executor = queue.get();
    engine = *Engine::Start(*rooms, eo);
    recorder = std::make_unique<dial_in_test::RecordingEngine>(*engine);
    DialInNumber number;
    number.number = "+49 30 555 0100";
    options.numbers.push_back(number);
    DialInNumber room_number;
    room_number.number = "+49 30 555 0101";
    room_number.room = room;
    options.numbers.push_back(room_number);
    options.max_calls = 8;
    options.executor = queue.get();
  }
};

World& TheWorld() {
  static World* world = new World();  // never destroyed: the engine's threads
  return *world;
}

// The room's events since the last call, as DialInService would post them.
void DeliverRoomEvents(World& w, dial_in::DialInCore& core, int64_t now) {
  std::vector<Event> events = std::move(w.events);
  w.events.clear();
  for (const Event& e : events) core.OnRoomEvent(e, now);
}

std::vector<std::string_view> Steps(std::string_view input) {
  constexpr std::string_view kSeparator = "\n%%\n";
  std::vector<std::string_view> steps;
  while (true) {
    const size_t at = input.find(kSeparator);
    steps.push_back(input.substr(0, at));
    if (at == std::string_view::npos || steps.size() >= 64) break;
    input.remove_prefix(at + kSeparator.size());
  }
  return steps;
}

int64_t Number(std::string_view text) {
  int64_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    n = n * 10 + (c - '0');
    if (n > 100'000) return 100'000;
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 16 * 1024) return 0;
  World& w = TheWorld();
  // Rate-limit windows and lockouts pass between inputs.
  w.clock.Advance(absl::Minutes(30));
  w.events.clear();
  CheckingNetwork network;
  absl::StatusOr<dial_in::NumberPlan> plan = dial_in::NumberPlan::Create(w.options);
  FUZZ_CHECK(plan.ok());
  auto core = std::make_unique<dial_in::DialInCore>(
      *w.rooms, *w.recorder, w.options, *std::move(plan), network,
      dial_in::DialInCore::LocalAddress{"127.0.0.1:5060"});
  const size_t calls_before = w.recorder->calls.size();
  int64_t now = 1'000'000'000;

  sip::Destination udp;
  udp.transport = sip::Transport::kUdp;
  udp.endpoint = *net::IpEndpoint::Parse("127.0.0.1", 5070);
  sip::Destination tcp = udp;
  tcp.transport = sip::Transport::kTcp;
  tcp.connection_id = 1;

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::string_view step : Steps(input)) {
    auto event = [&](CallEvent::Type type, char digit, std::optional<uint64_t> played = {}) {
      if (w.recorder->calls.size() == calls_before) return;
      CallEvent e;
      e.call = w.recorder->calls.back();
      e.type = type;
      e.digit = digit;
      e.reason = "fuzz";
      if (played) {
        e.prompts_played = *played;
      } else {
        for (const auto& p : w.recorder->prompts) {
          if (p.call == e.call && p.ok) ++e.prompts_played;
        }
      }
      core->OnCallEvent(e, now);
    };
    if (step.starts_with("!tick ")) {
      now += Number(step.substr(6)) * 1000;
      core->OnTimer(now);
    } else if (step.starts_with("!digits ")) {
      for (char c : step.substr(8)) {
        if (c == 'P') {
          for (char p : w.pin) event(CallEvent::Type::kDigit, p);
        } else {
          event(CallEvent::Type::kDigit, c);
        }
      }
    } else if (step.starts_with("!done")) {
      std::optional<uint64_t> played;
      if (step.starts_with("!done ")) played = static_cast<uint64_t>(Number(step.substr(6)));
      event(CallEvent::Type::kPromptsDone, 0, played);
    } else if (step.starts_with("!ended")) {
      event(CallEvent::Type::kEnded, 0);
    } else if (step.starts_with("!tcp\n")) {
      core->OnDatagram(Substitute(step.substr(5), network), tcp, now);
      now += 20'000;
      core->OnTimer(now);
    } else {
      core->OnDatagram(Substitute(step, network), udp, now);
      now += 20'000;
      core->OnTimer(now);
    }
    DeliverRoomEvents(w, *core, now);
  }
  core->EndAll(now);
  DeliverRoomEvents(w, *core, now);
  core.reset();
  w.queue->RunPending();
  // The recorder's logs would grow without end.
  w.recorder->calls.clear();
  w.recorder->prompts.clear();
  w.recorder->admitted.clear();
  w.recorder->hung_up.clear();
  return 0;
}
