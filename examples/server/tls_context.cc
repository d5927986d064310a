// tls_context.cc: loading the certificate and key with clear errors.
#include "server/tls_context.h"

#include <openssl/ssl.h>

#include "absl/status/status.h"
#include "server/text.h"

namespace konfero::server {

namespace ssl = boost::asio::ssl;

absl::StatusOr<std::unique_ptr<ssl::context>> MakeTlsContext(const std::string& cert_file,
                                                             const std::string& key_file) {
  auto tls = std::make_unique<ssl::context>(ssl::context::tls_server);
  tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                   ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  boost::system::error_code ec;
  tls->use_certificate_chain_file(cert_file, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        Cat("--tls-cert ", cert_file, ": cannot load a PEM certificate chain (", ec.message(), ")"));
  }
  tls->use_private_key_file(key_file, ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        Cat("--tls-key ", key_file, ": cannot load a PEM private key (", ec.message(), ")"));
  }
  if (SSL_CTX_check_private_key(tls->native_handle()) != 1) {
    return absl::InvalidArgumentError(
        Cat("--tls-key ", key_file, " does not belong to the certificate in ", cert_file));
  }
  return tls;
}

}  // namespace konfero::server
