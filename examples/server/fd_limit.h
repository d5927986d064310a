// fd_limit.h: the process's open-file limit, raised to what the system
// allows, and how many connections fit into it. Every connection is a
// file descriptor; the media workers, the database and the SIP transport
// need theirs too, so connections get half of what is left after a
// reserve. Past the limit accept() fails with EMFILE for as long as the
// listener has connections waiting.
//
//   FdLimit fds = RaiseOpenFileLimit();
//   ConnectionLimits limits{.total = ConnectionCapFor(fds.soft, config.max_connections)};
#ifndef KONFERO_EXAMPLES_SERVER_FD_LIMIT_H_
#define KONFERO_EXAMPLES_SERVER_FD_LIMIT_H_

#include <cstddef>
#include <cstdint>

namespace konfero::server {

struct FdLimit {
  uint64_t soft = 0;  // in force now
  uint64_t hard = 0;  // the most the soft limit can be raised to
};

// Raises the soft RLIMIT_NOFILE to the hard one (at most 1 << 20) and
// returns the limits now in force.
FdLimit RaiseOpenFileLimit();

// Descriptors kept for everything but connections.
inline constexpr uint64_t kReservedFds = 256;
// Connections never get fewer than this, however low the limit.
inline constexpr size_t kMinConnectionCap = 16;

// `requested`, lowered to half of the descriptors left after the reserve.
size_t ConnectionCapFor(uint64_t soft_limit, size_t requested);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_FD_LIMIT_H_
