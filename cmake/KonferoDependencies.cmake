# Finds konfero's dependencies, all from Debian 12 packages.
find_package(PkgConfig REQUIRED)
find_package(absl REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
find_package(Threads REQUIRED)
