# Finds konfero's dependencies, all from Debian 12 packages
# (scripts/install-deps.sh). cmake/konferoConfig.cmake.in repeats these for
# consumers of the installed static libraries: keep the two in step.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(absl REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET GLOBAL libargon2)
# Audio: codecs, resampler and SIMD kernels with runtime dispatch.
pkg_check_modules(OPUS REQUIRED IMPORTED_TARGET GLOBAL opus)
pkg_check_modules(SPEEXDSP REQUIRED IMPORTED_TARGET GLOBAL speexdsp)
# Telephony DSP: G.722 and in-band DTMF detection for phone legs.
pkg_check_modules(SPANDSP REQUIRED IMPORTED_TARGET GLOBAL spandsp)
find_package(hwy REQUIRED)
find_package(Boost 1.74 REQUIRED)  # Asio and Beast, header-only
pkg_check_modules(SRTP2 REQUIRED IMPORTED_TARGET GLOBAL libsrtp2)
find_package(nlohmann_json 3 REQUIRED)
