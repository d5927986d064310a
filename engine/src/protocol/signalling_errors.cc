// protocol/signalling_errors.cc: absl status codes to protocol error codes.
#include "protocol/signalling_errors.h"

#include "common/absl_compat.h"

namespace konfero::protocol {

ProtocolError ErrorFromStatus(const absl::Status& status) {
  std::string_view code;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument: code = codes::kInvalidArgument; break;
    case absl::StatusCode::kNotFound: code = codes::kNotFound; break;
    case absl::StatusCode::kAlreadyExists: code = codes::kAlreadyExists; break;
    case absl::StatusCode::kPermissionDenied: code = codes::kForbidden; break;
    case absl::StatusCode::kFailedPrecondition: code = codes::kFailedPrecondition; break;
    case absl::StatusCode::kResourceExhausted: code = codes::kResourceExhausted; break;
    case absl::StatusCode::kUnauthenticated: code = codes::kUnauthenticated; break;
    // The database is locked by another process or its disk is full (the
    // message says which and names no value): nothing was changed.
    case absl::StatusCode::kUnavailable: code = codes::kUnavailable; break;
    default:
      // A database or internal fault: its text helps an operator, not the
      // client, and might say more about the server than it should.
      return {codes::kInternal, "the server could not complete the request"};
  }
  return {code, std::string(Sv(status.message()))};
}

}  // namespace konfero::protocol
