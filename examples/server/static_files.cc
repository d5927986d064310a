// static_files.cc: path resolution below the web root and file reading.
#include "server/static_files.h"

#include <array>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

#include "absl/strings/ascii.h"
#include "server/http_security.h"

namespace konfero::server {
namespace fs = std::filesystem;
namespace {

bool SafeSegment(std::string_view segment) {
  return !segment.empty() && segment.front() != '.' &&
         segment.find('\\') == std::string_view::npos &&
         segment.find('\0') == std::string_view::npos;
}

// True if `path` is `root` or lies below it (both canonical).
bool IsBelow(const fs::path& root, const fs::path& path) {
  auto r = root.begin();
  auto p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (p == path.end() || *r != *p) return false;
  }
  return true;
}

HttpResponse NotFound() {
  HttpResponse response;
  response.status = 404;
  response.content_type = "text/plain; charset=utf-8";
  response.body = "not found\n";
  return response;
}

}  // namespace

std::string_view ContentTypeFor(const fs::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kTypes = {{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wav", "audio/wav"},
  }};
  const std::string extension = absl::AsciiStrToLower(file.extension().string());
  for (const auto& [ext, type] : kTypes) {
    if (ext == extension) return type;
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(fs::path root, std::string content_security_policy)
    : content_security_policy_(content_security_policy.empty()
                                   ? ContentSecurityPolicy(OriginPolicy())
                                   : std::move(content_security_policy)) {
  std::error_code ec;
  fs::path canonical = fs::canonical(root, ec);
  root_ = ec ? std::move(root) : std::move(canonical);
}

std::optional<fs::path> StaticFiles::Resolve(const std::vector<std::string>& segments) const {
  fs::path relative;
  if (segments.empty()) {
    relative = "index.html";
  } else if (segments.size() == 2 && segments[0] == "r" && !segments[1].empty()) {
    relative = "guest.html";  // /r/<url_token>: the token stays in the browser
  } else {
    for (const std::string& segment : segments) {
      if (!SafeSegment(segment)) return std::nullopt;
      relative /= segment;
    }
  }
  std::error_code ec;
  const fs::path file = fs::canonical(root_ / relative, ec);
  if (ec || !IsBelow(root_, file)) return std::nullopt;
  const fs::file_status status = fs::status(file, ec);
  if (ec || !fs::is_regular_file(status)) return std::nullopt;
  return file;
}

HttpResponse StaticFiles::Serve(const std::vector<std::string>& segments) const {
  std::optional<fs::path> file = Resolve(segments);
  if (!file) return NotFound();
  std::error_code ec;
  const uintmax_t size = fs::file_size(*file, ec);
  if (ec || size > kMaxStaticFileBytes) return NotFound();
  std::ifstream in(*file, std::ios::binary);
  if (!in) return NotFound();

  HttpResponse response;
  response.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  response.content_type = std::string(ContentTypeFor(*file));
  response.route = "static";
  // The client is small and changes with the server: always revalidate.
  response.headers.emplace_back("cache-control", "no-cache");
  response.headers.emplace_back("x-content-type-options", "nosniff");
  // The guest page's URL holds the room's token: keep it out of Referer
  // headers to other sites, and keep the pages out of other sites' frames.
  response.headers.emplace_back("referrer-policy", "no-referrer");
  response.headers.emplace_back("x-frame-options", "DENY");
  // No inline script or style, nothing from other origins: an injected
  // string cannot run as code.
  response.headers.emplace_back("content-security-policy", content_security_policy_);
  return response;
}

}  // namespace konfero::server
