// dtls_transport.cc: DTLS 1.2 handshake, peer fingerprint check and
// DTLS-SRTP key export over OpenSSL, driven by datagrams handed in.
#include "dtls/dtls_transport.h"

#include <openssl/crypto.h>
#include <openssl/srtp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::dtls {
namespace {

// The RFC 5764 §4.2 exporter label.
constexpr char kSrtpExporterLabel[] = "EXTRACTOR-dtls_srtp";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "AB:CD:..." -> bytes; nullopt unless exactly `size` pairs.
std::optional<std::vector<uint8_t>> ParseFingerprint(std::string_view text, size_t size) {
  if (text.size() != size * 3 - 1) return std::nullopt;
  std::vector<uint8_t> out(size);
  for (size_t i = 0; i < size; ++i) {
    const int hi = HexValue(text[i * 3]);
    const int lo = HexValue(text[i * 3 + 1]);
    if (hi < 0 || lo < 0 || (i + 1 < size && text[i * 3 + 2] != ':')) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

const EVP_MD* DigestByName(std::string_view name) {
  const std::string lower = absl::AsciiStrToLower(Sv(name));
  if (lower == "sha-256") return EVP_sha256();
  if (lower == "sha-384") return EVP_sha384();
  if (lower == "sha-512") return EVP_sha512();
  return nullptr;
}

absl::Status Internal(const char* what) {
  return absl::InternalError(
      absl::StrCat("DTLS: ", what, ": ", TakeOpenSslError("unknown OpenSSL error")));
}

unsigned int ToMicros(absl::Duration d) {
  const int64_t us = absl::ToInt64Microseconds(d);
  return static_cast<unsigned int>(std::clamp<int64_t>(us, 1000, 600'000'000));
}

}  // namespace

const char* DtlsStateName(DtlsState state) {
  switch (state) {
    case DtlsState::kNew: return "new";
    case DtlsState::kConnecting: return "connecting";
    case DtlsState::kConnected: return "connected";
    case DtlsState::kFailed: return "failed";
    case DtlsState::kClosed: return "closed";
  }
  return "unknown";
}

absl::StatusOr<std::unique_ptr<DtlsTransport>> DtlsTransport::Create(
    std::shared_ptr<const DtlsCertificate> certificate, DtlsTransportConfig config) {
  if (certificate == nullptr) return absl::InvalidArgumentError("DTLS: no certificate");
  const EVP_MD* md = DigestByName(config.remote_fingerprint_algorithm);
  if (md == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DTLS: unsupported fingerprint algorithm '", config.remote_fingerprint_algorithm, "'"));
  }
  std::optional<std::vector<uint8_t>> digest =
      ParseFingerprint(config.remote_fingerprint, static_cast<size_t>(EVP_MD_get_size(md)));
  if (!digest) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DTLS: malformed ", config.remote_fingerprint_algorithm, " fingerprint '",
        config.remote_fingerprint, "'"));
  }
  if (config.srtp_profiles.empty()) {
    return absl::InvalidArgumentError("DTLS: no SRTP profile to offer");
  }
  if (config.mtu < 256 || config.mtu > 65507) {
    return absl::InvalidArgumentError("DTLS: MTU out of [256, 65507]");
  }
  std::unique_ptr<DtlsTransport> transport(
      new DtlsTransport(std::move(certificate), std::move(config), std::move(*digest), md));
  if (absl::Status s = transport->Init(); !s.ok()) return s;
  return transport;
}

DtlsTransport::DtlsTransport(std::shared_ptr<const DtlsCertificate> certificate,
                             DtlsTransportConfig config, std::vector<uint8_t> remote_digest,
                             const EVP_MD* digest_algorithm)
    : certificate_(std::move(certificate)),
      config_(std::move(config)),
      remote_digest_(std::move(remote_digest)),
      digest_algorithm_(digest_algorithm),
      read_buffer_(16 * 1024 + 256) {}

DtlsTransport::~DtlsTransport() = default;

absl::Status DtlsTransport::Init() {
  ERR_clear_error();
  ssl_.reset(SSL_new(certificate_->ssl_ctx()));
  if (!ssl_) return Internal("SSL_new failed");
  SSL* ssl = ssl_.get();
  std::string profiles;
  for (SrtpProfile p : config_.srtp_profiles) {
    if (!profiles.empty()) profiles += ':';
    profiles += SrtpProfileOpenSslName(p);
  }
  // Returns 0 on success, unlike most of OpenSSL.
  if (SSL_set_tlsext_use_srtp(ssl, profiles.c_str()) != 0) {
    return Internal("setting the SRTP profiles failed");
  }
  SSL_set_verify(ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, VerifyCallback);
  SSL_set_app_data(ssl, this);

  bio_method_ = NewDatagramBioMethod();
  if (!bio_method_) return Internal("BIO_meth_new failed");
  BIO* bio = NewDatagramBio(bio_method_.get(), &queues_);
  if (bio == nullptr) return Internal("BIO_new failed");
  SSL_set_bio(ssl, bio, bio);  // one reference, owned by ssl from here
  // Returns the MTU set, or 0 if below the minimum.
  if (SSL_set_mtu(ssl, static_cast<long>(config_.mtu)) <= 0) {
    return Internal("setting the MTU failed");
  }
  DTLS_set_timer_cb(ssl, TimerCallback);
  if (config_.role == DtlsRole::kClient) {
    SSL_set_connect_state(ssl);
  } else {
    SSL_set_accept_state(ssl);
  }
  return absl::OkStatus();
}

unsigned int DtlsTransport::TimerCallback(SSL* ssl, unsigned int previous_us) {
  const auto* self = static_cast<const DtlsTransport*>(SSL_get_app_data(ssl));
  const unsigned int initial = ToMicros(self->config_.initial_retransmit_timeout);
  const unsigned int max = std::max(initial, ToMicros(self->config_.max_retransmit_timeout));
  if (previous_us == 0) return initial;
  return previous_us >= max / 2 ? max : previous_us * 2;
}

int DtlsTransport::VerifyCallback(int /*preverify_ok*/, X509_STORE_CTX* store) {
  // Self-signed certificates are the rule in WebRTC: chain errors are
  // ignored, the fingerprint of the leaf is what authenticates the peer.
  if (X509_STORE_CTX_get_error_depth(store) != 0) return 1;
  auto* ssl = static_cast<SSL*>(
      X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = static_cast<DtlsTransport*>(SSL_get_app_data(ssl));
  if (self->FingerprintMatches(X509_STORE_CTX_get_current_cert(store))) return 1;
  self->fingerprint_mismatch_ = true;
  X509_STORE_CTX_set_error(store, X509_V_ERR_CERT_REJECTED);
  return 0;
}

bool DtlsTransport::FingerprintMatches(X509* peer) const {
  if (peer == nullptr) return false;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(peer, digest_algorithm_, digest, &size) != 1) return false;
  return size == remote_digest_.size() &&
         CRYPTO_memcmp(digest, remote_digest_.data(), size) == 0;
}

absl::Status DtlsTransport::Start(absl::Time /*now*/) {
  if (state_ != DtlsState::kNew) {
    return absl::FailedPreconditionError("DTLS: Start() called twice");
  }
  state_ = DtlsState::kConnecting;
  if (config_.role == DtlsRole::kClient) AdvanceHandshake();
  return failure_;
}

void DtlsTransport::Fail(absl::Status status) {
  if (state_ == DtlsState::kFailed) return;
  state_ = DtlsState::kFailed;
  failure_ = std::move(status);
  srtp_keys_.reset();
}

void DtlsTransport::AdvanceHandshake() {
  ERR_clear_error();
  const int ret = SSL_do_handshake(ssl_.get());
  if (ret == 1) {
    OnHandshakeComplete();
    return;
  }
  const int error = SSL_get_error(ssl_.get(), ret);
  if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
    ERR_clear_error();
    return;
  }
  if (fingerprint_mismatch_) {
    ERR_clear_error();
    Fail(absl::PermissionDeniedError(
        absl::StrCat("DTLS: the peer's certificate does not match its a=fingerprint (",
                     config_.remote_fingerprint_algorithm, ")")));
    return;
  }
  Fail(absl::UnavailableError(
      absl::StrCat("DTLS handshake failed: ", TakeOpenSslError("connection closed by peer"))));
}

void DtlsTransport::OnHandshakeComplete() {
  // Checked again here, not only in the callback: nothing but a verified
  // fingerprint may yield keys.
  if (!FingerprintMatches(SSL_get0_peer_certificate(ssl_.get()))) {
    Fail(absl::PermissionDeniedError(
        "DTLS: the peer's certificate does not match its a=fingerprint"));
    return;
  }
  const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(ssl_.get());
  std::optional<SrtpProfile> profile;
  if (selected != nullptr) {
    for (SrtpProfile p : config_.srtp_profiles) {
      if (selected->id == static_cast<unsigned long>(p)) profile = p;
    }
  }
  if (!profile) {
    Fail(absl::UnavailableError("DTLS: no SRTP profile negotiated (use_srtp)"));
    return;
  }
  // RFC 5764 §4.2: client_write_key | server_write_key | client_write_salt
  // | server_write_salt.
  const size_t key_len = SrtpMasterKeyLength(*profile);
  const size_t salt_len = SrtpMasterSaltLength(*profile);
  std::vector<uint8_t> material(2 * (key_len + salt_len));
  if (SSL_export_keying_material(ssl_.get(), material.data(), material.size(),
                                 kSrtpExporterLabel, sizeof(kSrtpExporterLabel) - 1, nullptr,
                                 0, 0) != 1) {
    Fail(Internal("exporting the SRTP keys failed"));
    return;
  }
  const uint8_t* client_key = material.data();
  const uint8_t* server_key = client_key + key_len;
  const uint8_t* client_salt = server_key + key_len;
  const uint8_t* server_salt = client_salt + salt_len;
  const bool client = config_.role == DtlsRole::kClient;
  SrtpKeyingMaterial keys;
  keys.profile = *profile;
  keys.local_key.assign(client ? client_key : server_key,
                        (client ? client_key : server_key) + key_len);
  keys.local_salt.assign(client ? client_salt : server_salt,
                         (client ? client_salt : server_salt) + salt_len);
  keys.remote_key.assign(client ? server_key : client_key,
                         (client ? server_key : client_key) + key_len);
  keys.remote_salt.assign(client ? server_salt : client_salt,
                          (client ? server_salt : client_salt) + salt_len);
  OPENSSL_cleanse(material.data(), material.size());
  srtp_keys_ = std::move(keys);
  state_ = DtlsState::kConnected;
}

void DtlsTransport::ReadApplicationData(std::vector<std::vector<uint8_t>>& out) {
  for (;;) {
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), read_buffer_.data(), static_cast<int>(read_buffer_.size()));
    if (n > 0) {
      out.emplace_back(read_buffer_.begin(), read_buffer_.begin() + n);
      continue;
    }
    const int error = SSL_get_error(ssl_.get(), n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
      ERR_clear_error();
      return;
    }
    if (error == SSL_ERROR_ZERO_RETURN) {  // close_notify
      ERR_clear_error();
      state_ = DtlsState::kClosed;
      return;
    }
    Fail(absl::UnavailableError(
        absl::StrCat("DTLS: connection failed: ", TakeOpenSslError("fatal alert"))));
    return;
  }
}

absl::StatusOr<std::vector<std::vector<uint8_t>>> DtlsTransport::HandleIncoming(
    absl::Span<const uint8_t> datagram, absl::Time /*now*/) {
  switch (state_) {
    case DtlsState::kNew:
      return absl::FailedPreconditionError("DTLS: datagram before Start()");
    case DtlsState::kFailed:
      return failure_;
    case DtlsState::kClosed:
      return absl::FailedPreconditionError("DTLS: transport closed");
    case DtlsState::kConnecting:
    case DtlsState::kConnected:
      break;
  }
  std::vector<std::vector<uint8_t>> app_data;
  queues_.incoming = datagram;
  if (state_ == DtlsState::kConnecting) AdvanceHandshake();
  // Records after Finished may share the datagram; a connected transport
  // also answers retransmitted flights from inside SSL_read.
  if (state_ == DtlsState::kConnected) ReadApplicationData(app_data);
  queues_.incoming = {};
  if (state_ == DtlsState::kFailed) return failure_;
  return app_data;
}

absl::Status DtlsTransport::SendApplicationData(absl::Span<const uint8_t> data) {
  if (state_ != DtlsState::kConnected) {
    return absl::FailedPreconditionError(
        absl::StrCat("DTLS: cannot send application data while ", DtlsStateName(state_)));
  }
  if (data.empty()) return absl::OkStatus();
  if (data.size() > max_application_data_size()) {
    return absl::InvalidArgumentError(absl::StrCat("DTLS: ", data.size(),
                                                   " bytes do not fit one record of the MTU"));
  }
  ERR_clear_error();
  const int n = SSL_write(ssl_.get(), data.data(), static_cast<int>(data.size()));
  if (n != static_cast<int>(data.size())) {
    Fail(absl::UnavailableError(
        absl::StrCat("DTLS: write failed: ", TakeOpenSslError("SSL_write failed"))));
    return failure_;
  }
  return absl::OkStatus();
}

std::vector<std::vector<uint8_t>> DtlsTransport::TakeOutgoing() {
  return std::exchange(queues_.outgoing, {});
}

std::optional<absl::Time> DtlsTransport::NextTimeout(absl::Time now) const {
  // Only the handshake retransmits on a timer. After it, the side that sent
  // the last flight answers a retransmission of the peer's (a read, not a
  // timer), and renegotiation is off: nothing to ask OpenSSL every 10 ms.
  if (state_ != DtlsState::kConnecting) return std::nullopt;
  timeval left{};
  if (DTLSv1_get_timeout(ssl_.get(), &left) != 1) return std::nullopt;
  return now + absl::Seconds(left.tv_sec) + absl::Microseconds(left.tv_usec);
}

absl::Status DtlsTransport::HandleTimeout(absl::Time /*now*/) {
  if (state_ == DtlsState::kFailed) return failure_;
  if (state_ != DtlsState::kConnecting) return absl::OkStatus();
  ERR_clear_error();
  if (DTLSv1_handle_timeout(ssl_.get()) < 0) {
    ERR_clear_error();
    Fail(absl::DeadlineExceededError("DTLS: handshake timed out (retransmissions exhausted)"));
    return failure_;
  }
  ERR_clear_error();
  return absl::OkStatus();
}

void DtlsTransport::Close() {
  if (state_ == DtlsState::kConnected) {
    ERR_clear_error();
    SSL_shutdown(ssl_.get());  // queues close_notify; no answer awaited
    ERR_clear_error();
  }
  if (state_ != DtlsState::kFailed) state_ = DtlsState::kClosed;
  srtp_keys_.reset();
}

std::optional<SrtpProfile> DtlsTransport::selected_srtp_profile() const {
  if (!srtp_keys_) return std::nullopt;
  return srtp_keys_->profile;
}

size_t DtlsTransport::max_application_data_size() const {
  return DTLS_get_data_mtu(ssl_.get());
}

}  // namespace konfero::dtls
