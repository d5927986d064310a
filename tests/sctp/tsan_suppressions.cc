// ThreadSanitizer suppressions for sctp_test, built into the binary so that
// `ctest -L threaded` under TSan needs no TSAN_OPTIONS of its own.
//
// usrsctp's sctp_invoke_recv_callback (Debian's prebuilt libusrsctp.so.2)
// drops the association lock and takes the endpoint read lock around the
// receive upcall, so the two usrsctp-internal mutexes are taken in both
// orders; TSan reports a lock-order inversion inside usrsctp whenever a
// notification is delivered from a timer (e.g. the association lost).
// konfero's own locks (pthread mutexes TSan sees, sctp/sctp_mutex.h) are
// never held while entering usrsctp's and are not suppressed.
extern "C" const char* __tsan_default_suppressions();
extern "C" const char* __tsan_default_suppressions() {
  return "deadlock:sctp_invoke_recv_callback\n";
}
