// sip_transport/tls_stream.cc: TLS contexts and the TLS ByteStream.
#include "sip_transport/tls_stream.h"

#include <openssl/ssl.h>

#include <utility>

#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include "absl/strings/str_cat.h"

namespace konfero::sip_transport {
namespace ssl = boost::asio::ssl;

namespace {

absl::StatusOr<std::unique_ptr<ssl::context>> NewContext(ssl::context::method method) {
  auto context = std::make_unique<ssl::context>(method);
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    return absl::InternalError("TLS: cannot require TLS 1.2");
  }
  return context;
}

class TlsStream final : public ByteStream {
 public:
  TlsStream(boost::asio::ip::tcp::socket socket, ssl::context& context, TlsRole role)
      : stream_(std::move(socket), context), role_(role) {}

  ssl::stream<boost::asio::ip::tcp::socket>& stream() { return stream_; }

  boost::asio::ip::tcp::socket& socket() override { return stream_.next_layer(); }
  void AsyncHandshake(DoneHandler done) override {
    stream_.async_handshake(
        role_ == TlsRole::kServer ? ssl::stream_base::server : ssl::stream_base::client,
        std::move(done));
  }
  void AsyncReadSome(boost::asio::mutable_buffer buffer, IoHandler done) override {
    stream_.async_read_some(buffer, std::move(done));
  }
  void AsyncWrite(boost::asio::const_buffer buffer, IoHandler done) override {
    boost::asio::async_write(stream_, buffer, std::move(done));
  }

 private:
  ssl::stream<boost::asio::ip::tcp::socket> stream_;
  const TlsRole role_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ssl::context>> MakeTlsServerContext(const std::string& cert_file,
                                                                   const std::string& key_file) {
  if (cert_file.empty() || key_file.empty()) {
    return absl::InvalidArgumentError("TLS listener: tls_cert_file and tls_key_file are required");
  }
  absl::StatusOr<std::unique_ptr<ssl::context>> context = NewContext(ssl::context::tls_server);
  if (!context.ok()) return context.status();
  boost::system::error_code error;
  (*context)->use_certificate_chain_file(cert_file, error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS: cannot read certificate ", cert_file, ": ", error.message()));
  }
  (*context)->use_private_key_file(key_file, ssl::context::pem, error);
  if (error) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS: cannot read private key ", key_file, ": ", error.message()));
  }
  if (SSL_CTX_check_private_key((*context)->native_handle()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS: the key ", key_file, " does not match the certificate ", cert_file));
  }
  return context;
}

absl::StatusOr<std::unique_ptr<ssl::context>> MakeTlsClientContext(bool verify_peer,
                                                                   const std::string& ca_file) {
  absl::StatusOr<std::unique_ptr<ssl::context>> context = NewContext(ssl::context::tls_client);
  if (!context.ok()) return context.status();
  if (!verify_peer) {
    (*context)->set_verify_mode(ssl::verify_none);
    return context;
  }
  boost::system::error_code error;
  if (ca_file.empty()) {
    (*context)->set_default_verify_paths(error);
  } else {
    (*context)->load_verify_file(ca_file, error);
  }
  if (error) {
    return absl::InvalidArgumentError(absl::StrCat(
        "TLS: cannot load CAs ", ca_file.empty() ? "(system)" : ca_file, ": ", error.message()));
  }
  (*context)->set_verify_mode(ssl::verify_peer);
  return context;
}

std::unique_ptr<ByteStream> MakeTlsStream(boost::asio::ip::tcp::socket socket,
                                          ssl::context& context, TlsRole role,
                                          const std::string& verify_host) {
  auto stream = std::make_unique<TlsStream>(std::move(socket), context, role);
  if (role == TlsRole::kClient && !verify_host.empty()) {
    boost::system::error_code ignored;
    stream->stream().set_verify_callback(ssl::host_name_verification(verify_host), ignored);
  }
  return stream;
}

}  // namespace konfero::sip_transport
