// static_files.h: serves the web client's files from a web root directory.
//
//   StaticFiles files("/usr/share/konfero/web", ContentSecurityPolicy(origins));
//   router.SetFallback([&](const HttpRequest& req, const RouteParams& p) {
//     return files.Serve(p.segments);
//   });
//   // "/" -> index.html, "/r/<url_token>" -> guest.html, "/js/api.js" -> js/api.js
//
// Only regular files below the root are served: a segment that is empty,
// "." or "..", or starts with a dot (hidden files), or holds a backslash is
// refused before the file system is asked, and the resolved path (symbolic
// links followed) must still lie below the resolved root. Everything else
// is 404, so a probe learns nothing about the file system. Every file goes
// with the given Content-Security-Policy, no-referrer, nosniff and DENY
// for frames.
//
// Thread contract: immutable after construction; Serve reads files and may
// be called from any thread.
#ifndef KONFERO_EXAMPLES_SERVER_STATIC_FILES_H_
#define KONFERO_EXAMPLES_SERVER_STATIC_FILES_H_

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http_message.h"

namespace konfero::server {

// Files larger than this are not served (the web client's are far smaller).
inline constexpr uintmax_t kMaxStaticFileBytes = 16 * 1024 * 1024;

class StaticFiles {
 public:
  // `content_security_policy`: empty for ContentSecurityPolicy of an
  // OriginPolicy that names no origin (connections to 'self' only).
  explicit StaticFiles(std::filesystem::path root, std::string content_security_policy = {});

  // The answer for a GET of these decoded path segments.
  HttpResponse Serve(const std::vector<std::string>& segments) const;

  // The file to serve, or std::nullopt (404).
  std::optional<std::filesystem::path> Resolve(
      const std::vector<std::string>& segments) const;

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;  // canonical if it exists
  std::string content_security_policy_;
};

// "text/html; charset=utf-8" for "index.html", ...; application/octet-stream
// for an unknown extension.
std::string_view ContentTypeFor(const std::filesystem::path& file);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_STATIC_FILES_H_
