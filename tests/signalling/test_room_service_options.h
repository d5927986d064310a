// tests/signalling: the RoomService options every signalling test uses.
#ifndef KONFERO_TESTS_SIGNALLING_TEST_ROOM_SERVICE_OPTIONS_H_
#define KONFERO_TESTS_SIGNALLING_TEST_ROOM_SERVICE_OPTIONS_H_

#include "absl/time/time.h"
#include "konfero/room_service.h"

namespace konfero::signalling::testing {

// Two guest seats (so the third browser guest is refused), a password hash
// cheap enough for tests, and three wrong guest codes a minute per source.
inline RoomServiceOptions TestRoomServiceOptions() {
  RoomServiceOptions o;
  o.guest_seats = 2;
  o.password_hash_memory_kib = 8;
  o.password_hash_iterations = 1;
  o.guest_code_limit = RateLimit{3, absl::Minutes(1), absl::Minutes(5)};
  return o;
}

}  // namespace konfero::signalling::testing

#endif  // KONFERO_TESTS_SIGNALLING_TEST_ROOM_SERVICE_OPTIONS_H_
