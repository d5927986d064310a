// dtls_certificate.cc: ECDSA P-256 key and self-signed certificate for DTLS.
#include "dtls/dtls_certificate.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <ctime>
#include <utility>

#include "absl/status/status.h"
#include "dtls/openssl_ptr.h"

namespace konfero::dtls {

void DtlsCertificate::KeyFree::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
void DtlsCertificate::X509Free::operator()(X509* x509) const { X509_free(x509); }
void DtlsCertificate::SslCtxFree::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }

DtlsCertificate::DtlsCertificate(EVP_PKEY* key, X509* x509, SSL_CTX* ssl_ctx,
                                 std::string fingerprint)
    : key_(key), x509_(x509), ssl_ctx_(ssl_ctx), fingerprint_sha256_(std::move(fingerprint)) {}

std::string FormatFingerprint(const unsigned char* digest, size_t size) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(size * 3);
  for (size_t i = 0; i < size; ++i) {
    if (i > 0) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xf]);
  }
  return out;
}

namespace {

// ECDHE only (forward secrecy), AEAD first. The ECDSA suites serve our own
// certificate; the RSA ones let us, as client, talk to an RSA-keyed peer.
constexpr char kCipherList[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES128-SHA";

absl::Status OpenSslFailure(const char* what) {
  return absl::InternalError(std::string("DTLS certificate: ") + what + ": " +
                             TakeOpenSslError("unknown OpenSSL error"));
}

// A positive random 64-bit serial (RFC 5280 §4.1.2.2: at most 20 octets).
bool SetRandomSerial(X509* x509) {
  BigNumPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
    return false;
  }
  return BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x509)) != nullptr;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const DtlsCertificate>> DtlsCertificate::Generate(
    absl::Time now) {
  ERR_clear_error();
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpenSslFailure("P-256 key generation failed");

  X509Ptr x509(X509_new());
  if (!x509) return OpenSslFailure("X509_new failed");
  if (X509_set_version(x509.get(), X509_VERSION_3) != 1 || !SetRandomSerial(x509.get())) {
    return OpenSslFailure("setting version and serial failed");
  }
  time_t now_t = absl::ToTimeT(now);
  if (X509_time_adj_ex(X509_getm_notBefore(x509.get()), -30, 0, &now_t) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(x509.get()), 365, 0, &now_t) == nullptr) {
    return OpenSslFailure("setting validity failed");
  }
  X509_NAME* name = X509_get_subject_name(x509.get());
  static constexpr unsigned char kCommonName[] = "konfero";
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, kCommonName, -1, -1, 0) != 1 ||
      X509_set_issuer_name(x509.get(), name) != 1 ||
      X509_set_pubkey(x509.get(), key.get()) != 1) {
    return OpenSslFailure("setting names and key failed");
  }
  if (X509_sign(x509.get(), key.get(), EVP_sha256()) <= 0) {
    return OpenSslFailure("signing failed");
  }

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (X509_digest(x509.get(), EVP_sha256(), digest, &digest_size) != 1) {
    return OpenSslFailure("fingerprint failed");
  }
  std::string fingerprint = FormatFingerprint(digest, digest_size);

  SslCtxPtr ctx(SSL_CTX_new(DTLS_method()));
  if (!ctx) return OpenSslFailure("SSL_CTX_new failed");
  if (SSL_CTX_set_min_proto_version(ctx.get(), DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx.get(), DTLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx.get(), kCipherList) != 1 ||
      SSL_CTX_set1_groups_list(ctx.get(), "X25519:P-256:P-384") != 1 ||
      SSL_CTX_use_certificate(ctx.get(), x509.get()) != 1 ||
      SSL_CTX_use_PrivateKey(ctx.get(), key.get()) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    return OpenSslFailure("configuring the DTLS context failed");
  }
  // No resumption or renegotiation: each association is one full
  // handshake, so the peer's certificate is always presented and checked.
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_set_options(ctx.get(), SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET |
                                     SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  return std::shared_ptr<const DtlsCertificate>(new DtlsCertificate(
      key.release(), x509.release(), ctx.release(), std::move(fingerprint)));
}

}  // namespace konfero::dtls
