// protocol/signalling_requests.cc: JSON text to typed requests, with nlohmann::json in its
// no-exception mode and a type check before every read.
#include "protocol/signalling_requests.h"

#include <limits>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "nlohmann/json.hpp"

namespace konfero::protocol {
namespace {

using Json = nlohmann::json;

ProtocolError Invalid(std::string message) {
  return {codes::kInvalidArgument, std::move(message)};
}

size_t CountCodePoints(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
  }
  return n;
}

// A JSON integer that fits an int64_t; floats and larger numbers do not.
std::optional<int64_t> AsInt64(const Json& v) {
  if (v.is_number_unsigned()) {
    const uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<int64_t>();
  return std::nullopt;
}

// Reads the fields of one frame. The first problem is kept (the others
// would only repeat it) and every later read returns a default value, so a
// request can be built field by field and checked once.
class FieldReader {
 public:
  FieldReader(const Json& frame, std::string_view type) : frame_(frame), type_(type) {}

  std::string String(const char* key, size_t min_bytes, size_t max_bytes) {
    const std::string* s = FindString(key);
    if (s == nullptr) return {};
    if (s->size() < min_bytes || s->size() > max_bytes) {
      Fail(key, absl::StrCat("must be ", min_bytes, " to ", max_bytes, " bytes"));
      return {};
    }
    return *s;
  }

  // 1 to kMaxNameChars characters after trimming white space; the trimmed
  // text. (The parser has already checked that it is UTF-8.)
  std::string Name(const char* key) {
    const std::string* s = FindString(key);
    if (s == nullptr) return {};
    const absl::string_view trimmed = absl::StripAsciiWhitespace(*s);
    const size_t chars = CountCodePoints(Sv(trimmed));
    if (chars < 1 || chars > kMaxNameChars) {
      Fail(key, absl::StrCat("must be 1 to ", kMaxNameChars,
                             " characters after trimming spaces"));
      return {};
    }
    return std::string(trimmed);
  }

  int64_t Integer(const char* key) {
    const Json* v = Find(key);
    if (v == nullptr) return 0;
    const std::optional<int64_t> value = AsInt64(*v);
    if (!value) {
      Fail(key, "must be an integer");
      return 0;
    }
    return *value;
  }

  // Ids: 1 and up.
  int64_t PositiveId(const char* key) {
    const Json* v = Find(key);
    if (v == nullptr) return 0;
    const std::optional<int64_t> value = AsInt64(*v);
    if (!value || *value < 1) {
      Fail(key, "must be a positive integer id");
      return 0;
    }
    return *value;
  }

  bool Bool(const char* key) {
    const Json* v = Find(key);
    if (v == nullptr) return false;
    if (!v->is_boolean()) {
      Fail(key, "must be true or false");
      return false;
    }
    return v->get<bool>();
  }

  bool ok() const { return !error_.has_value(); }
  const ProtocolError& error() const { return *error_; }

 private:
  const Json* Find(const char* key) {
    if (error_) return nullptr;
    auto it = frame_.find(key);
    if (it == frame_.end()) {
      Fail(key, "is missing");
      return nullptr;
    }
    return &*it;
  }

  const std::string* FindString(const char* key) {
    const Json* v = Find(key);
    if (v == nullptr) return nullptr;
    if (!v->is_string()) {
      Fail(key, "must be a string");
      return nullptr;
    }
    return &v->get_ref<const std::string&>();
  }

  void Fail(const char* key, std::string_view rule) {
    if (!error_) {
      error_ = Invalid(absl::StrCat("\"", Sv(type_), "\": field \"", key, "\" ", Sv(rule)));
    }
  }

  const Json& frame_;
  std::string_view type_;
  std::optional<ProtocolError> error_;
};

template <typename Request>
ClientFrame Checked(const FieldReader& fields, Request request) {
  if (!fields.ok()) return fields.error();
  return request;
}

ClientFrame ParseJoin(const Json& frame) {
  FieldReader fields(frame, "join");
  const std::string as = fields.String("as", 1, 16);
  ClientFrame request;
  if (!fields.ok()) {
    request = fields.error();
  } else if (as == "moderator") {
    JoinModeratorRequest r;
    r.session = fields.String("session", 1, kMaxTokenBytes);
    r.room = RoomId{fields.PositiveId("room")};
    request = Checked(fields, std::move(r));
  } else if (as == "guest") {
    JoinGuestRequest r;
    r.url_token = fields.String("url_token", 1, kMaxTokenBytes);
    r.name = fields.Name("name");
    r.guest_key = fields.String("guest_key", 1, kMaxTokenBytes);
    request = Checked(fields, std::move(r));
  } else {
    request = Invalid(R"("join": field "as" must be "moderator" or "guest")");
  }
  if (auto* error = std::get_if<ProtocolError>(&request)) return RejectedJoin{*error};
  return request;
}

}  // namespace

ClientFrame ParseClientFrame(std::string_view text) {
  const Json frame = Json::parse(text.begin(), text.end(), /*cb=*/nullptr,
                                 /*allow_exceptions=*/false);
  if (frame.is_discarded()) return Invalid("the frame is not valid JSON (UTF-8)");
  if (!frame.is_object()) return Invalid("a frame must be a JSON object");
  auto type_it = frame.find("type");
  if (type_it == frame.end() || !type_it->is_string()) {
    return Invalid(R"(a frame needs a string field "type")");
  }
  const std::string& type = type_it->get_ref<const std::string&>();
  FieldReader fields(frame, type);

  if (type == "hello") {
    return Checked(fields, HelloRequest{fields.Integer("version")});
  }
  if (type == "join") return ParseJoin(frame);
  if (type == "resume") {
    return Checked(fields, ResumeRequest{fields.String("resume_token", 1, kMaxTokenBytes)});
  }
  if (type == "offer") {
    // The frame's size bounds the SDP; the engine parses and checks it.
    return Checked(fields, OfferRequest{fields.String("sdp", 1, text.size())});
  }
  if (type == "chat") {
    return Checked(fields, ChatRequest{fields.String("text", 0, text.size())});
  }
  if (type == "kick") {
    return Checked(fields, KickRequest{ParticipantId{
                               static_cast<uint64_t>(fields.PositiveId("participant"))}});
  }
  if (type == "mute") {
    MuteRequest r;
    r.participant = ParticipantId{static_cast<uint64_t>(fields.PositiveId("participant"))};
    r.muted = fields.Bool("muted");
    return Checked(fields, r);
  }
  if (type == "set-public") {
    return Checked(fields, SetPublicRequest{fields.Bool("public")});
  }
  if (type == "leave") return LeaveRequest{};
  if (type == "ping") return PingRequest{};
  if (type == "watch-rooms") {
    return Checked(fields, WatchRoomsRequest{fields.String("session", 1, kMaxTokenBytes)});
  }
  return ProtocolError{codes::kUnknownType, "unknown frame type"};
}

}  // namespace konfero::protocol
