#!/usr/bin/env bash
# The README's test command: installs the dependencies, builds konfero with
# g++ (warnings are errors, thread contracts checked: KONFERO_DCHECK), runs
# the GoogleTest suite with CTest, builds the threaded tests
# again with clang under ThreadSanitizer and reruns them,
# proves that an outside CMake project can find_package(konfero), runs
# the Python tests with pytest (aiortc and Chromium peers included), and
# last runs the server's tests again against an ASan + UBSan build of it.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
JOBS=${JOBS:-$(nproc)}
BUILD=${BUILD:-$ROOT/build}

bash scripts/install-deps.sh

# Every option the run relies on is set here: a build/ left by
# scripts/demo.sh (tests and benchmarks off) is reconfigured, not reused as is.
echo "== build (g++, -Werror)"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKONFERO_BUILD_TESTS=ON -DKONFERO_BUILD_BENCH=ON -DKONFERO_BUILD_PYTHON=ON \
  -DKONFERO_BUILD_EXAMPLES=ON -DKONFERO_BUILD_FUZZERS=OFF -DKONFERO_SANITIZE= \
  -DKONFERO_WERROR=ON -DKONFERO_DCHECK=ON -DCMAKE_INSTALL_PREFIX="$BUILD/install" >/dev/null
cmake --build "$BUILD" -j "$JOBS"

echo "== build (clang, -Werror, ThreadSanitizer)"
CC=clang CXX=clang++ cmake -S . -B "$BUILD-tsan" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKONFERO_WERROR=ON -DKONFERO_DCHECK=ON \
  -DKONFERO_SANITIZE=thread -DKONFERO_BUILD_TESTS=ON -DKONFERO_BUILD_EXAMPLES=OFF \
  -DKONFERO_BUILD_FUZZERS=OFF -DKONFERO_BUILD_PYTHON=OFF -DKONFERO_BUILD_BENCH=OFF >/dev/null
# Only the binaries the TSan rerun needs (the server gets its clang build
# under ASan + UBSan below).
cmake --build "$BUILD-tsan" -j "$JOBS" --target konfero_threaded_tests

echo "== find_package(konfero) from an outside project"
cmake --install "$BUILD" >/dev/null
rm -rf "$BUILD/consumer"
cmake -S tests/consumer -B "$BUILD/consumer" -G Ninja \
  -DCMAKE_PREFIX_PATH="$BUILD/install" >/dev/null
cmake --build "$BUILD/consumer"
"$BUILD/consumer/konfero_consumer"

echo "== threaded tests under ThreadSanitizer"
TSAN_OPTIONS="halt_on_error=1" ctest --test-dir "$BUILD-tsan" -L threaded \
  --output-on-failure -j "$JOBS" --no-tests=error

echo "== C++ tests (CTest)"
ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --no-tests=error

echo "== Python tests (pytest, real WebRTC peers in a loopback-only namespace)"
PYTHONPATH="$BUILD/bindings/python" bash scripts/netns_run.sh \
  /usr/bin/python3 -m pytest -q tests/python

# The server under AddressSanitizer and UndefinedBehaviorSanitizer: any
# report ends the process (and so fails the test); leaks are checked when
# it exits.
echo "== konfero-server under ASan + UBSan: server tests and browser scenarios"
CC=clang CXX=clang++ cmake -S . -B "$BUILD-asan" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKONFERO_WERROR=ON -DKONFERO_SANITIZE=address,undefined \
  -DKONFERO_BUILD_TESTS=OFF -DKONFERO_BUILD_EXAMPLES=ON -DKONFERO_BUILD_FUZZERS=OFF \
  -DKONFERO_BUILD_PYTHON=OFF -DKONFERO_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD-asan" -j "$JOBS" --target konfero-server
KONFERO_SERVER="$BUILD-asan/examples/server/konfero-server" \
  ASAN_OPTIONS="detect_leaks=1" UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1" \
  PYTHONPATH="$BUILD/bindings/python" bash scripts/netns_run.sh \
  /usr/bin/python3 -m pytest -q tests/python/test_server_smoke.py \
  tests/python/test_server_limits.py tests/python/test_server_logins.py tests/python/test_server_faults.py \
  tests/python/test_e2e_browser.py
