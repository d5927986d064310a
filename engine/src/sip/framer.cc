// sip/framer.cc: message boundaries on a SIP stream (RFC 3261 18.3, RFC 5626 3.5.1).
#include "sip/framer.h"

#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "sip/message.h"
#include "sip/text.h"

namespace konfero::sip {
namespace {

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("SIP stream: ", absl::string_view(what.data(), what.size())));
}

// The end of the header block (just past the empty line) in `s`, searching
// from `from`; npos if not there yet. Lines end with CRLF or LF, as Parse
// accepts.
size_t FindHeaderEnd(std::string_view s, size_t from) {
  size_t pos = from;
  while (true) {
    const void* nl = pos < s.size() ? std::memchr(s.data() + pos, '\n', s.size() - pos) : nullptr;
    if (nl == nullptr) return std::string_view::npos;
    const size_t i = static_cast<size_t>(static_cast<const char*>(nl) - s.data());
    if (i + 1 < s.size() && s[i + 1] == '\n') return i + 2;
    if (i + 2 < s.size() && s[i + 1] == '\r' && s[i + 2] == '\n') return i + 3;
    if (i + 2 >= s.size()) return std::string_view::npos;  // wait for the next bytes
    pos = i + 1;
  }
}

// The Content-Length of a header block (start line included): nullopt if
// absent; an error if malformed. Folded values are joined.
absl::StatusOr<std::optional<size_t>> FindContentLength(std::string_view block) {
  std::optional<size_t> result;
  size_t pos = block.find('\n');  // skip the start line
  while (pos != std::string_view::npos && pos + 1 < block.size()) {
    const size_t start = pos + 1;
    pos = block.find('\n', start);
    std::string_view line = block.substr(start, pos == std::string_view::npos ? block.npos : pos - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const size_t colon = line.find(':');
    if (line.empty() || text::IsWsp(line[0]) || colon == std::string_view::npos) continue;
    const std::string_view name = CanonicalHeaderName(text::TrimRight(line.substr(0, colon)));
    if (name != "Content-Length") continue;
    std::string value(text::Trim(line.substr(colon + 1)));
    // Continuation lines of this header.
    while (pos != std::string_view::npos && pos + 1 < block.size() && text::IsWsp(block[pos + 1])) {
      const size_t next = block.find('\n', pos + 1);
      std::string_view more = block.substr(pos + 1, next == std::string_view::npos ? block.npos : next - pos - 1);
      if (!more.empty() && more.back() == '\r') more.remove_suffix(1);
      more = text::Trim(more);
      if (!more.empty()) value.append(value.empty() ? "" : " ").append(more);
      pos = next;
    }
    if (!value.empty() && value[0] == '-') return Invalid("negative Content-Length");
    size_t n = 0;
    for (char c : value) {
      if (!text::IsDigit(c)) return Invalid("non-numeric Content-Length");
      n = n > (size_t{1} << 40) ? n : n * 10 + static_cast<size_t>(c - '0');
    }
    if (value.empty()) return Invalid("empty Content-Length");
    if (result && *result != n) return Invalid("conflicting Content-Length headers");
    result = n;
  }
  return result;
}

}  // namespace

StreamFramer::StreamFramer(ParseLimits limits) : limits_(limits) {}

absl::StatusOr<std::vector<std::string>> StreamFramer::Feed(std::string_view bytes) {
  if (failed_) return Invalid("the stream failed earlier and must be closed");
  std::vector<std::string> out;
  buffer_.append(bytes);
  size_t consumed = 0;
  auto fail = [&](absl::Status status) {
    failed_ = true;
    buffer_.clear();
    return status;
  };
  while (consumed < buffer_.size()) {
    if (header_end_ == 0) {
      // Between messages: CRLF keep-alives (a CRLFCRLF ping is two).
      const std::string_view rest = std::string_view(buffer_).substr(consumed);
      if (rest[0] == '\n' || rest[0] == '\r') {
        if (rest[0] == '\r' && rest.size() < 2) break;  // the LF may follow
        if (rest[0] == '\r' && rest[1] != '\n') return fail(Invalid("stray CR between messages"));
        consumed += rest[0] == '\r' ? 2 : 1;
        if (++pending_crlfs_ == 2) {
          ++keepalives_seen_;
          pending_crlfs_ = 0;
        }
        continue;
      }
      pending_crlfs_ = 0;
      const size_t end = FindHeaderEnd(rest, scanned_);
      if (end == std::string_view::npos) {
        if (rest.size() > limits_.max_message_bytes) return fail(Invalid("header block exceeds the size limit"));
        scanned_ = rest.size() > 2 ? rest.size() - 2 : 0;
        break;
      }
      if (end > limits_.max_message_bytes) return fail(Invalid("header block exceeds the size limit"));
      auto length = FindContentLength(rest.substr(0, end));
      if (!length.ok()) return fail(length.status());
      if (!*length) return fail(Invalid("message without Content-Length on a stream"));
      if (**length > limits_.max_message_bytes - end) return fail(Invalid("message exceeds the size limit"));
      header_end_ = end;
      body_length_ = **length;
    }
    if (buffer_.size() - consumed < header_end_ + body_length_) break;
    out.emplace_back(buffer_, consumed, header_end_ + body_length_);
    consumed += header_end_ + body_length_;
    header_end_ = 0;
    body_length_ = 0;
    scanned_ = 0;
  }
  buffer_.erase(0, consumed);
  return out;
}

}  // namespace konfero::sip
