// sip_transport/tls_stream.h: SIP over TLS (RFC 3261 26.2; TLS 1.2 or
// newer) with Boost.Asio SSL on OpenSSL: the server and client contexts and
// the TLS ByteStream.
//
//   auto server = MakeTlsServerContext("cert.pem", "key.pem");
//   auto stream = MakeTlsStream(std::move(accepted), **server, TlsRole::kServer, "");
//
// Thread contract: contexts are made before the loop runs and then only
// used on its thread; streams as ByteStream (the loop's thread).
#ifndef KONFERO_SIP_TRANSPORT_TLS_STREAM_H_
#define KONFERO_SIP_TRANSPORT_TLS_STREAM_H_

#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include "absl/status/statusor.h"
#include "sip_transport/byte_stream.h"

namespace konfero::sip_transport {

// InvalidArgument if the PEM certificate chain or key cannot be read or do
// not match.
absl::StatusOr<std::unique_ptr<boost::asio::ssl::context>> MakeTlsServerContext(
    const std::string& cert_file, const std::string& key_file);

// `verify_peer`: check the server's chain against `ca_file` (empty: the
// system's CAs). InvalidArgument if `ca_file` cannot be read.
absl::StatusOr<std::unique_ptr<boost::asio::ssl::context>> MakeTlsClientContext(
    bool verify_peer, const std::string& ca_file);

enum class TlsRole { kServer, kClient };

// `verify_host`: client side with verification on, the name or IP address
// the server's certificate must name; empty: no name check.
std::unique_ptr<ByteStream> MakeTlsStream(boost::asio::ip::tcp::socket socket,
                                          boost::asio::ssl::context& context, TlsRole role,
                                          const std::string& verify_host);

}  // namespace konfero::sip_transport

#endif  // KONFERO_SIP_TRANSPORT_TLS_STREAM_H_
