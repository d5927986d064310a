// tls_context.h: the TLS server context for HTTPS and WSS, from a PEM
// certificate chain and its private key.
//
//   absl::StatusOr<std::unique_ptr<boost::asio::ssl::context>> tls =
//       MakeTlsContext("/etc/konfero/cert.pem", "/etc/konfero/key.pem");
//   if (!tls.ok()) { std::cerr << tls.status().message(); return 2; }
//
// TLS 1.2 and newer only. Errors name the file and what is wrong with it.
//
// Thread contract: build once at startup; the context is then shared by
// the connections on the control thread.
#ifndef KONFERO_EXAMPLES_SERVER_TLS_CONTEXT_H_
#define KONFERO_EXAMPLES_SERVER_TLS_CONTEXT_H_

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace konfero::server {

absl::StatusOr<std::unique_ptr<boost::asio::ssl::context>> MakeTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_TLS_CONTEXT_H_
