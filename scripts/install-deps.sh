#!/usr/bin/env bash
# Installs every build and test dependency of konfero from Debian 12 packages.
# Idempotent: skips apt-get entirely when everything is already present.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev
  libabsl-dev libssl-dev libsqlite3-dev libargon2-dev
  libsrtp2-dev libusrsctp-dev libopus-dev libspeexdsp-dev libspandsp-dev libyuv-dev libhwy-dev
  libboost-dev libboost-system-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-dev pybind11-dev python3-pybind11 python3-pytest python3-numpy
  python3-aiortc python3-av python3-aiohttp
  chromium iproute2 nftables util-linux
  ffmpeg sox espeak-ng sip-tester baresip linphone-cli kamailio tshark libosip2-dev
)

# Node.js runs playwright-core for the browser tests; Debian's if none is
# installed yet.
if ! command -v node >/dev/null 2>&1; then PACKAGES+=(nodejs npm); fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# playwright-core drives Debian's /usr/bin/chromium; it downloads no browser.
BROWSER_TESTS="$(dirname "$0")/../tests/browser"
if [ ! -d "$BROWSER_TESTS/node_modules/playwright-core" ]; then
  (cd "$BROWSER_TESTS" && npm ci --no-audit --no-fund --loglevel=error)
fi
