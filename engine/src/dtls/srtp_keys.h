// srtp_keys.h: the SRTP protection profiles konfero negotiates in DTLS-SRTP
// (RFC 5764, RFC 7714) and the master keys a handshake exports for them.
//
// DtlsTransport produces an SrtpKeyingMaterial once connected; SrtpSession
// consumes it:
//
//   const SrtpKeyingMaterial& keys = *dtls->srtp_keying_material();
//   auto srtp = SrtpSession::Create(keys);
//
// Header only, free of OpenSSL and libsrtp types.
#ifndef KONFERO_DTLS_SRTP_KEYS_H_
#define KONFERO_DTLS_SRTP_KEYS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace konfero::dtls {

// The DTLS-SRTP protection profile identifiers of the IANA registry.
enum class SrtpProfile : uint16_t {
  kAes128CmHmacSha1_80 = 0x0001,  // RFC 5764
  kAeadAes128Gcm = 0x0007,        // RFC 7714
};

// Master key and master salt lengths in bytes (RFC 5764 §4.1.2, RFC 7714 §12).
constexpr size_t SrtpMasterKeyLength(SrtpProfile) { return 16; }
constexpr size_t SrtpMasterSaltLength(SrtpProfile profile) {
  return profile == SrtpProfile::kAeadAes128Gcm ? 12 : 14;
}

// The profile's name in OpenSSL's use_srtp list ("SRTP_AEAD_AES_128_GCM").
constexpr std::string_view SrtpProfileOpenSslName(SrtpProfile profile) {
  return profile == SrtpProfile::kAeadAes128Gcm ? "SRTP_AEAD_AES_128_GCM"
                                                : "SRTP_AES128_CM_SHA1_80";
}

// The keys of one DTLS-SRTP association, already assigned by role: `local`
// protects what this side sends, `remote` checks what it receives. On the
// DTLS client local is the client_write key and salt of RFC 5764 §4.2, on
// the server it is the server_write pair; so one side's local equals the
// other side's remote. Secret: the destructor wipes the bytes.
struct SrtpKeyingMaterial {
  SrtpProfile profile = SrtpProfile::kAeadAes128Gcm;
  std::vector<uint8_t> local_key;
  std::vector<uint8_t> local_salt;
  std::vector<uint8_t> remote_key;
  std::vector<uint8_t> remote_salt;

  SrtpKeyingMaterial() = default;
  SrtpKeyingMaterial(const SrtpKeyingMaterial&) = default;
  SrtpKeyingMaterial& operator=(const SrtpKeyingMaterial&) = default;
  SrtpKeyingMaterial(SrtpKeyingMaterial&&) = default;
  SrtpKeyingMaterial& operator=(SrtpKeyingMaterial&&) = default;
  ~SrtpKeyingMaterial() {
    for (std::vector<uint8_t>* v : {&local_key, &local_salt, &remote_key, &remote_salt}) {
      volatile uint8_t* p = v->data();
      for (size_t i = 0; i < v->size(); ++i) p[i] = 0;
    }
  }
};

}  // namespace konfero::dtls

#endif  // KONFERO_DTLS_SRTP_KEYS_H_
