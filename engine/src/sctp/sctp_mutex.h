// sctp/sctp_mutex.h: the SCTP component's names for common/mutex.h (a
// std::mutex with thread-safety annotations, visible to ThreadSanitizer).
//
// Thread contract: a mutex; any thread.
#ifndef KONFERO_SCTP_SCTP_MUTEX_H_
#define KONFERO_SCTP_SCTP_MUTEX_H_

#include "common/mutex.h"

namespace konfero::sctp {

using SctpMutex = ::konfero::Mutex;
using SctpMutexLock = ::konfero::MutexLock;

}  // namespace konfero::sctp

#endif  // KONFERO_SCTP_SCTP_MUTEX_H_
