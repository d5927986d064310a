// dtls_bio.h: an OpenSSL BIO that keeps datagram boundaries in memory, so
// DTLS runs sans-I/O.
//
// A memory BIO (BIO_s_mem) would join the records of a flight into one byte
// stream; this BIO instead makes each write of the DTLS record layer one
// outgoing datagram, exactly what a UDP socket BIO would send, and each read
// returns the one incoming datagram the caller handed in (then "retry").
// The MTU is set on the SSL (SSL_OP_NO_QUERY_MTU), never queried.
//
// Thread contract: that of the DtlsTransport owning it.
#ifndef KONFERO_DTLS_DTLS_BIO_H_
#define KONFERO_DTLS_DTLS_BIO_H_

#include <cstdint>
#include <vector>

#include <openssl/bio.h>

#include "absl/types/span.h"
#include "dtls/openssl_ptr.h"

namespace konfero::dtls {

// The buffers a datagram BIO reads from and writes to.
struct DatagramQueues {
  absl::Span<const uint8_t> incoming;  // consumed by the next read
  std::vector<std::vector<uint8_t>> outgoing;
};

// A BIO_METHOD for datagram BIOs; it must outlive every BIO made from it.
BioMethodPtr NewDatagramBioMethod();

// A BIO of `method` over `queues` (borrowed; must outlive the BIO). nullptr
// on allocation failure.
BIO* NewDatagramBio(const BIO_METHOD* method, DatagramQueues* queues);

}  // namespace konfero::dtls

#endif  // KONFERO_DTLS_DTLS_BIO_H_
