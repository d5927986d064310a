// dtls_bio.cc: the datagram-preserving in-memory BIO of DtlsTransport.
#include "dtls/dtls_bio.h"

#include <algorithm>
#include <cstring>

namespace konfero::dtls {
namespace {

DatagramQueues* Queues(BIO* bio) { return static_cast<DatagramQueues*>(BIO_get_data(bio)); }

int Write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  if (size < 0) return -1;
  const auto* bytes = reinterpret_cast<const uint8_t*>(data);
  Queues(bio)->outgoing.emplace_back(bytes, bytes + size);
  return size;
}

int Read(BIO* bio, char* data, int size) {
  BIO_clear_retry_flags(bio);
  DatagramQueues* queues = Queues(bio);
  if (queues->incoming.empty()) {
    BIO_set_retry_read(bio);
    return -1;
  }
  // A datagram larger than the buffer is cut, as recvfrom would.
  const size_t n = std::min(queues->incoming.size(), static_cast<size_t>(std::max(size, 0)));
  std::memcpy(data, queues->incoming.data(), n);
  queues->incoming = {};
  return static_cast<int>(n);
}

long Ctrl(BIO* bio, int cmd, long /*num*/, void* /*ptr*/) {
  switch (cmd) {
    case BIO_CTRL_FLUSH:
      return 1;  // every write is already a whole datagram
    case BIO_CTRL_PENDING:
      return static_cast<long>(Queues(bio)->incoming.size());
    case BIO_CTRL_WPENDING:
      return 0;  // nothing buffered: DTLS sizes records from this
    case BIO_CTRL_DGRAM_QUERY_MTU:
    case BIO_CTRL_DGRAM_GET_MTU_OVERHEAD:
    case BIO_CTRL_DGRAM_MTU_EXCEEDED:
    case BIO_CTRL_DGRAM_SET_NEXT_TIMEOUT:
    default:
      return 0;
  }
}

int Create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int Destroy(BIO* bio) {
  BIO_set_data(bio, nullptr);
  return 1;
}

}  // namespace

BioMethodPtr NewDatagramBioMethod() {
  BioMethodPtr method(BIO_meth_new(BIO_TYPE_SOURCE_SINK, "konfero datagram"));
  if (!method || BIO_meth_set_write(method.get(), Write) != 1 ||
      BIO_meth_set_read(method.get(), Read) != 1 ||
      BIO_meth_set_ctrl(method.get(), Ctrl) != 1 ||
      BIO_meth_set_create(method.get(), Create) != 1 ||
      BIO_meth_set_destroy(method.get(), Destroy) != 1) {
    return nullptr;
  }
  return method;
}

BIO* NewDatagramBio(const BIO_METHOD* method, DatagramQueues* queues) {
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_data(bio, queues);
  return bio;
}

}  // namespace konfero::dtls
