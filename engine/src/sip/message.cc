// sip/message.cc: SipMessage header access and the header-name tables.
#include "sip/message.h"

#include <array>
#include <utility>

namespace konfero::sip {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsWsp(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsWsp(s.back())) s.remove_suffix(1);
  return s;
}

// RFC 3261 7.3.3 and the compact forms registered since (IANA SIP parameters).
constexpr std::array<std::string_view, 26> kCompact = {
    "Accept-Contact",       // a
    "Referred-By",          // b
    "Content-Type",         // c
    "Request-Disposition",  // d
    "Content-Encoding",     // e
    "From",                 // f
    "",                     // g
    "",                     // h
    "Call-ID",              // i
    "Reject-Contact",       // j
    "Supported",            // k
    "Content-Length",       // l
    "Contact",              // m
    "Identity-Info",        // n
    "Event",                // o
    "",                     // p
    "",                     // q
    "Refer-To",             // r
    "Subject",              // s
    "To",                   // t
    "Allow-Events",         // u
    "Via",                  // v
    "",                     // w
    "Session-Expires",      // x
    "Identity",             // y
    "",                     // z
};

struct Known {
  std::string_view name;
  bool list;  // comma-separated list of values
};

// The names konfero spells canonically; the common ones first.
constexpr Known kKnown[] = {
    {"Via", true},
    {"From", false},
    {"To", false},
    {"Call-ID", false},
    {"CSeq", false},
    {"Contact", true},
    {"Max-Forwards", false},
    {"Content-Length", false},
    {"Content-Type", false},
    {"Route", true},
    {"Record-Route", true},
    {"User-Agent", false},
    {"Allow", true},
    {"Supported", true},
    {"Expires", false},
    {"Authorization", false},
    {"WWW-Authenticate", false},
    {"Proxy-Authenticate", false},
    {"Proxy-Authorization", false},
    {"Authentication-Info", false},
    {"Accept", true},
    {"Accept-Encoding", true},
    {"Accept-Language", true},
    {"Alert-Info", true},
    {"Call-Info", true},
    {"Content-Disposition", false},
    {"Content-Encoding", true},
    {"Content-Language", true},
    {"Date", false},
    {"Error-Info", true},
    {"In-Reply-To", true},
    {"MIME-Version", false},
    {"Min-Expires", false},
    {"Organization", false},
    {"Priority", false},
    {"Proxy-Require", true},
    {"Reply-To", false},
    {"Require", true},
    {"Retry-After", false},
    {"Server", false},
    {"Subject", false},
    {"Timestamp", false},
    {"Unsupported", true},
    {"Warning", true},
    {"RSeq", false},
    {"RAck", false},
    {"Event", false},
    {"Allow-Events", true},
    {"Subscription-State", false},
    {"Refer-To", false},
    {"Referred-By", false},
    {"Replaces", false},
    {"Session-Expires", false},
    {"Min-SE", false},
    {"P-Asserted-Identity", true},
    {"P-Preferred-Identity", true},
    {"Privacy", false},
    {"Path", true},
    {"Service-Route", true},
    {"Reason", true},
    {"Identity", false},
    {"Identity-Info", false},
    {"Accept-Contact", true},
    {"Reject-Contact", true},
    {"Request-Disposition", true},
    {"SIP-ETag", false},
    {"SIP-If-Match", false},
};

const Known* FindKnown(std::string_view name) {
  for (const Known& k : kKnown) {
    if (k.name.size() == name.size() && EqualsIgnoreCase(k.name, name)) return &k;
  }
  return nullptr;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i] && Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view CanonicalHeaderName(std::string_view name) {
  if (name.size() == 1) {
    const char c = Lower(name[0]);
    if (c >= 'a' && c <= 'z' && !kCompact[c - 'a'].empty()) return kCompact[c - 'a'];
    return name;
  }
  if (const Known* k = FindKnown(name)) return k->name;
  return name;
}

bool IsListHeader(std::string_view canonical_name) {
  if (const Known* k = FindKnown(canonical_name)) return k->list;
  return true;
}

std::vector<std::string_view> SplitList(std::string_view value) {
  std::vector<std::string_view> out;
  bool quoted = false;
  int angle = 0;
  size_t start = 0;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (quoted) {
      if (c == '\\' && i + 1 < value.size()) {
        ++i;
      } else if (c == '"') {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>') {
      if (angle > 0) --angle;
    } else if (c == ',' && angle == 0) {
      std::string_view element = Trim(value.substr(start, i - start));
      if (!element.empty()) out.push_back(element);
      start = i + 1;
    }
  }
  std::string_view element = Trim(value.substr(start));
  if (!element.empty()) out.push_back(element);
  return out;
}

SipMessage SipMessage::Request(std::string method, std::string request_uri) {
  SipMessage m;
  m.method_ = std::move(method);
  m.request_uri_ = std::move(request_uri);
  return m;
}

SipMessage SipMessage::Response(int status, std::string reason) {
  SipMessage m;
  m.status_ = status;
  m.reason_ = std::move(reason);
  return m;
}

std::optional<std::string_view> SipMessage::Get(std::string_view name) const {
  const std::string_view canonical = CanonicalHeaderName(name);
  for (const Header& h : headers_) {
    if (EqualsIgnoreCase(h.name, canonical)) return std::string_view(h.value);
  }
  return std::nullopt;
}

std::vector<std::string_view> SipMessage::GetAll(std::string_view name) const {
  const std::string_view canonical = CanonicalHeaderName(name);
  const bool list = IsListHeader(canonical);
  std::vector<std::string_view> out;
  for (const Header& h : headers_) {
    if (!EqualsIgnoreCase(h.name, canonical)) continue;
    if (!list) {
      out.push_back(h.value);
      continue;
    }
    for (std::string_view v : SplitList(h.value)) out.push_back(v);
  }
  return out;
}

void SipMessage::Add(std::string_view name, std::string_view value) {
  headers_.push_back(Header{std::string(CanonicalHeaderName(Trim(name))), std::string(Trim(value))});
}

void SipMessage::AddFirst(std::string_view name, std::string_view value) {
  const std::string_view canonical = CanonicalHeaderName(Trim(name));
  auto it = headers_.begin();
  while (it != headers_.end() && !EqualsIgnoreCase(it->name, canonical)) ++it;
  headers_.insert(it, Header{std::string(canonical), std::string(Trim(value))});
}

void SipMessage::Set(std::string_view name, std::string_view value) {
  const std::string_view canonical = CanonicalHeaderName(Trim(name));
  bool placed = false;
  for (auto it = headers_.begin(); it != headers_.end();) {
    if (!EqualsIgnoreCase(it->name, canonical)) {
      ++it;
    } else if (!placed) {
      it->name = std::string(canonical);
      it->value = std::string(Trim(value));
      placed = true;
      ++it;
    } else {
      it = headers_.erase(it);
    }
  }
  if (!placed) headers_.push_back(Header{std::string(canonical), std::string(Trim(value))});
}

void SipMessage::Remove(std::string_view name) {
  const std::string_view canonical = CanonicalHeaderName(name);
  std::erase_if(headers_, [&](const Header& h) { return EqualsIgnoreCase(h.name, canonical); });
}

void SipMessage::RemoveFirst(std::string_view name) {
  const std::string_view canonical = CanonicalHeaderName(name);
  for (auto it = headers_.begin(); it != headers_.end(); ++it) {
    if (EqualsIgnoreCase(it->name, canonical)) {
      headers_.erase(it);
      return;
    }
  }
}

}  // namespace konfero::sip
