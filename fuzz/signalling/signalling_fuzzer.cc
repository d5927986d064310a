// signalling_fuzzer.cc: libFuzzer target for the signalling protocol
// (konfero/signalling.h): arbitrary frames into a session, joined or not.
//
// Each input runs against a fresh in-memory RoomService with a moderator
// and a guest already joined on their own sessions (participants 1 and 2),
// so kicks, mutes and chat reach somebody. The first byte picks what the
// fuzzed session has done before: nothing, hello, joined as moderator, or
// joined as guest. The rest is split at '\n' into frames; "$SESSION" and
// "$URL" in a frame become the moderator's session and the room's URL
// token, so seeds can hold real joins. One-byte lines are actions:
//   \x01 the socket drops   \x02 30 s pass, hub.Poll()
//   \x03 a new socket resumes with the last resume token   \x04 shutdown
//
// Checked (abort otherwise): every frame the server sends is a JSON object
// with a string "type"; error frames have a code, a message and a fatal
// flag and never contain a token; a session is closed at most once, and
// always after a fatal error; when the sessions and the hub are gone, no
// participant and no licence seat remains.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_replace.h"
#include "konfero/media_connector.h"
#include "konfero/room_service.h"
#include "konfero/signalling.h"
#include "nlohmann/json.hpp"

namespace {

using konfero::ParticipantId;
using Json = nlohmann::json;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "signalling_fuzzer: %s\n", what);
    std::abort();
  }
}

// Media is the SDP fuzzer's business: this MediaConnector answers any
// offer of a present participant with a fixed text and does nothing else.
class FakeMedia final : public konfero::MediaConnector {
 public:
  explicit FakeMedia(konfero::RoomService& rooms) : rooms_(rooms) {}
  absl::StatusOr<std::string> Connect(ParticipantId p, std::string_view offer) override {
    if (!rooms_.GetParticipant(p).ok()) return absl::NotFoundError("not present");
    if (offer.substr(0, 3) != "v=0") return absl::InvalidArgumentError("SDP line 1: \xff");
    return std::string("v=0\r\n");
  }
  absl::Status Disconnect(ParticipantId) override { return absl::OkStatus(); }

 private:
  konfero::RoomService& rooms_;
};

struct Secrets {
  std::string session;
  std::string url_token;
  std::vector<std::string> resume_tokens;
};

// One socket: checks what the server sends it.
class Socket {
 public:
  Socket(konfero::SignallingHub& hub, Secrets& secrets) : secrets_(secrets) {
    session_ = hub.Open({"192.0.2.1"}, [this](std::string frame) { OnFrame(frame); },
                        [this] { OnClose(); });
  }
  ~Socket() {
    session_.reset();
    Check(!fatal_ || closes_ == 1, "not closed after a fatal error");
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;

  void Send(std::string_view frame) { session_->OnMessage(frame); }
  void Drop() { session_->OnSocketClosed(); }

 private:
  void OnFrame(const std::string& text) {
    Check(closes_ == 0, "frame sent after close");
    const Json frame = Json::parse(text, nullptr, /*allow_exceptions=*/false);
    Check(frame.is_object(), "frame is not a JSON object");
    auto type = frame.find("type");
    Check(type != frame.end() && type->is_string(), "frame has no string type");
    if (*type == "joined") {
      auto token = frame.find("resume_token");
      Check(token != frame.end() && token->is_string(), "joined without resume token");
      secrets_.resume_tokens.push_back(token->get<std::string>());
      return;
    }
    // The input cannot know a resume token, so none may show up elsewhere.
    for (const std::string& t : secrets_.resume_tokens) {
      Check(text.find(t) == std::string::npos, "a resume token leaked");
    }
    if (*type != "error") return;
    Check(frame.contains("code") && frame["code"].is_string(), "error without code");
    Check(frame.contains("message") && frame["message"].is_string(), "error without message");
    Check(frame.contains("fatal") && frame["fatal"].is_boolean(), "error without fatal");
    // Chat may echo what the input put in ($SESSION), an error never does.
    Check(text.find(secrets_.session) == std::string::npos, "the session token leaked");
    Check(text.find(secrets_.url_token) == std::string::npos, "the URL token leaked");
    if (frame["fatal"].get<bool>()) fatal_ = true;
  }
  void OnClose() {
    Check(closes_ == 0, "closed twice");
    ++closes_;
  }

  Secrets& secrets_;
  std::unique_ptr<konfero::SignallingSession> session_;
  int closes_ = 0;
  bool fatal_ = false;
};

struct World {
  konfero::ManualClock clock;
  std::unique_ptr<konfero::RoomService> rooms;
  std::unique_ptr<FakeMedia> media;
  Secrets secrets;
  konfero::RoomId room{};
};

std::unique_ptr<World> MakeWorld() {
  auto w = std::make_unique<World>();
  konfero::RoomServiceOptions o;
  o.guest_seats = 3;
  o.password_hash_memory_kib = 8;
  o.password_hash_iterations = 1;
  auto rooms = konfero::RoomService::Open(o, w->clock);
  Check(rooms.ok(), "RoomService::Open failed");
  w->rooms = *std::move(rooms);
  Check(w->rooms->BootstrapAdmin("alice", "Alice", "alice-password").ok(), "bootstrap");
  w->secrets.session = w->rooms->Login("alice", "alice-password", "10.0.0.1")->token;
  w->room = w->rooms->CreateRoom(w->secrets.session, "Vertrieb")->id;
  w->secrets.url_token = w->rooms->SetPublic(w->secrets.session, w->room, true)->url_token;
  w->media = std::make_unique<FakeMedia>(*w->rooms);
  return w;
}

std::string ModeratorJoin(const World& w) {
  return Json{{"type", "join"}, {"as", "moderator"}, {"session", w.secrets.session},
              {"room", konfero::ToInt(w.room)}}.dump();
}

std::string GuestJoin(const World& w, std::string_view key) {
  return Json{{"type", "join"}, {"as", "guest"}, {"url_token", w.secrets.url_token},
              {"name", "Erika"}, {"guest_key", std::string(key)}}.dump();
}

constexpr std::string_view kHello = R"({"type":"hello","version":1})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::unique_ptr<World> world = MakeWorld();
  World& w = *world;
  {
    auto hub = konfero::SignallingHub::Create(
        *w.rooms, *w.media, {.reconnect_grace = absl::Seconds(20), .max_frame_bytes = 4096});
    std::vector<std::unique_ptr<Socket>> sockets;
    auto open = [&] { return sockets.emplace_back(std::make_unique<Socket>(*hub, w.secrets)).get(); };

    Socket* mod = open();
    mod->Send(kHello);
    mod->Send(ModeratorJoin(w));
    Socket* guest = open();
    guest->Send(kHello);
    guest->Send(GuestJoin(w, "guest-key-bystander-0001"));

    Socket* fuzzed = open();
    const int mode = data[0] & 3;
    if (mode >= 1) fuzzed->Send(kHello);
    if (mode == 2) fuzzed->Send(ModeratorJoin(w));
    if (mode == 3) fuzzed->Send(GuestJoin(w, "guest-key-fuzzed-00001"));

    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    while (!rest.empty()) {
      const size_t end = rest.find('\n');
      const std::string_view line = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      if (line == "\x01") {
        fuzzed->Drop();
      } else if (line == "\x02") {
        w.clock.Advance(absl::Seconds(30));
        hub->Poll();
      } else if (line == "\x03") {
        if (w.secrets.resume_tokens.empty()) continue;
        fuzzed = open();
        fuzzed->Send(kHello);
        fuzzed->Send(Json{{"type", "resume"},
                          {"resume_token", w.secrets.resume_tokens.back()}}.dump());
      } else if (line == "\x04") {
        hub->Shutdown();
      } else {
        fuzzed->Send(absl::StrReplaceAll(
            absl::string_view(line.data(), line.size()),
            {{"$SESSION", w.secrets.session}, {"$URL", w.secrets.url_token}}));
      }
      const konfero::SignallingStats stats = hub->stats();
      Check(stats.joined <= stats.sessions && stats.in_grace >= 0, "inconsistent stats");
    }
    sockets.clear();
  }
  // Everyone who joined came through the hub, which is gone now.
  const konfero::RoomStats stats = w.rooms->GetStats();
  Check(stats.moderators + stats.browser_guests + stats.phone_guests == 0,
        "participants outlived the hub");
  Check(stats.guest_seats_in_use == 0, "a licence seat leaked");
  return 0;
}
