#!/usr/bin/env bash
# The README's first command: installs the dependencies, builds konfero and
# starts the conference server (examples/server) on http://127.0.0.1:8080
# with an embedded SQLite database in ./konfero-data. The first start
# creates the moderator login "admin" with a generated password and a public
# demo room, and prints the URLs to open (and the password, once).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build}

bash scripts/install-deps.sh
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKONFERO_BUILD_TESTS=OFF -DKONFERO_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target konfero-server
exec "$BUILD/examples/server/konfero-server" --listen "${KONFERO_LISTEN:-127.0.0.1:8080}" \
  --data-dir "${KONFERO_DATA:-$ROOT/konfero-data}" --dial-in-number "+49 30 1234567"
