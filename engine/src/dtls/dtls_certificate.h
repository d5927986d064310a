// dtls_certificate.h: the self-signed certificate a WebRTC endpoint presents
// in DTLS; peers authenticate it by the a=fingerprint of the SDP (RFC 8122,
// RFC 8827 §6.5), not by a CA.
//
//   absl::StatusOr<std::shared_ptr<const DtlsCertificate>> cert =
//       DtlsCertificate::Generate(now);
//   sdp.fingerprint = "sha-256 " + (*cert)->fingerprint_sha256();
//   // hand *cert to every DtlsTransport of the worker
//
// One per engine or worker, made at start: generating costs a P-256 key
// pair, a signature and an SSL_CTX (about half a millisecond). It carries
// the DTLS 1.2 SSL_CTX its transports share, because OpenSSL 3 takes some
// hundred microseconds to make one and 4 us to make an SSL from it.
// Immutable once made, so it may be shared by transports on any thread
// (SSL_new on a shared, unmodified SSL_CTX is thread-safe; OpenSSL
// reference-counts atomically).
#ifndef KONFERO_DTLS_DTLS_CERTIFICATE_H_
#define KONFERO_DTLS_DTLS_CERTIFICATE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

// OpenSSL's types, so this header does not pull in its headers.
typedef struct evp_pkey_st EVP_PKEY;
typedef struct x509_st X509;
typedef struct ssl_ctx_st SSL_CTX;

namespace konfero::dtls {

class DtlsCertificate {
 public:
  // A fresh ECDSA P-256 key and a self-signed X.509 v3 certificate
  // (SHA-256 signature, random 64-bit serial, CN "konfero", valid from 30
  // days before `now`, against peers with a skewed clock, to a year after).
  // Internal on an OpenSSL failure.
  static absl::StatusOr<std::shared_ptr<const DtlsCertificate>> Generate(absl::Time now);

  ~DtlsCertificate() = default;
  DtlsCertificate(const DtlsCertificate&) = delete;
  DtlsCertificate& operator=(const DtlsCertificate&) = delete;

  // The SHA-256 digest of the DER certificate as the SDP writes it:
  // 32 uppercase hex pairs joined by ':' ("AB:CD:...:EF").
  const std::string& fingerprint_sha256() const { return fingerprint_sha256_; }

  // Borrowed OpenSSL handles.
  X509* x509() const { return x509_.get(); }
  EVP_PKEY* private_key() const { return key_.get(); }
  // For DtlsTransport: a DTLS 1.2 context with this certificate and key,
  // ECDHE AEAD cipher suites, no session resumption, no renegotiation, no
  // MTU discovery. Transports call SSL_new on it and configure their SSL;
  // nothing may modify the context itself.
  SSL_CTX* ssl_ctx() const { return ssl_ctx_.get(); }

 private:
  // Deleters defined in the .cc, where OpenSSL's headers are.
  struct KeyFree {
    void operator()(EVP_PKEY* key) const;
  };
  struct X509Free {
    void operator()(X509* x509) const;
  };
  struct SslCtxFree {
    void operator()(SSL_CTX* ctx) const;
  };

  DtlsCertificate(EVP_PKEY* key, X509* x509, SSL_CTX* ssl_ctx, std::string fingerprint);

  std::unique_ptr<EVP_PKEY, KeyFree> key_;
  std::unique_ptr<X509, X509Free> x509_;
  std::unique_ptr<SSL_CTX, SslCtxFree> ssl_ctx_;
  std::string fingerprint_sha256_;
};

// "AB:CD:..." of a digest (uppercase hex pairs joined by ':').
std::string FormatFingerprint(const unsigned char* digest, size_t size);

}  // namespace konfero::dtls

#endif  // KONFERO_DTLS_DTLS_CERTIFICATE_H_
