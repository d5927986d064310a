#!/usr/bin/env bash
# The README's first command: installs the dependencies, builds konfero and
# its Python module, and creates a public demo room in an embedded SQLite
# database (./konfero-demo.db), printing its invitation: the dial-in number,
# the PIN and the URL. (The conference server replaces this step once it
# exists.)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-$ROOT/build}

bash scripts/install-deps.sh
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKONFERO_BUILD_TESTS=OFF -DKONFERO_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target _konfero
PYTHONPATH="$BUILD/bindings/python" exec /usr/bin/python3 \
  examples/python/create_public_room.py "${KONFERO_DB:-$ROOT/konfero-demo.db}"
