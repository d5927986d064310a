// fd_limit.cc: see fd_limit.h.
#include "server/fd_limit.h"

#include <sys/resource.h>

#include <algorithm>

namespace konfero::server {

FdLimit RaiseOpenFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
  const rlim_t wanted = std::min<rlim_t>(limit.rlim_max, rlim_t{1} << 20);
  if (limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = wanted;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return {static_cast<uint64_t>(limit.rlim_cur), static_cast<uint64_t>(limit.rlim_max)};
}

size_t ConnectionCapFor(uint64_t soft_limit, size_t requested) {
  const uint64_t usable = soft_limit > kReservedFds ? (soft_limit - kReservedFds) / 2 : 0;
  const uint64_t cap = std::max<uint64_t>(usable, kMinConnectionCap);
  return static_cast<size_t>(std::min<uint64_t>(requested, cap));
}

}  // namespace konfero::server
