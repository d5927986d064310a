#!/usr/bin/env bash
# Long fuzzing runs (not part of every CI run, which only replays the seed
# corpora): builds each libFuzzer target with clang, ASan and UBSan, and
# runs it for FUZZ_SECONDS (default 300) on a copy of its seed corpus, so
# the repository's corpus is not flooded. Crash inputs land in
# build-fuzz/crashes/; keep them as regression inputs in fuzz/corpus/<target>/.
# Usage: bash scripts/fuzz.sh [TARGET...]    (default: every target)
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${FUZZ_SECONDS:-300}
BUILD=${BUILD:-build-fuzz}
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(stun_fuzzer rtp_fuzzer rtcp_fuzzer sdp_fuzzer dcep_fuzzer video_payload_fuzzer
           signalling_fuzzer server_router_fuzzer telephone_event_fuzzer
           control_channel_fuzzer plain_rtp_leg_fuzzer plain_rtp_sdp_fuzzer
           sip_digest_fuzzer sip_message_fuzzer dial_in_core_fuzzer)
fi

bash scripts/install-deps.sh
CC=clang CXX=clang++ cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DKONFERO_BUILD_FUZZERS=ON -DKONFERO_BUILD_TESTS=OFF -DKONFERO_BUILD_PYTHON=OFF \
  -DKONFERO_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j "$(nproc)" --target "${TARGETS[@]}"

mkdir -p "$BUILD/crashes"
status=0
for target in "${TARGETS[@]}"; do
  binary=$(find "$BUILD/fuzz" -type f -name "$target" -perm -u+x | head -n 1)
  work=$(mktemp -d)
  cp -r "fuzz/corpus/$target/." "$work/"
  dict=()
  [ -f "fuzz/${target%_fuzzer}/${target%_fuzzer}.dict" ] && dict=(-dict="fuzz/${target%_fuzzer}/${target%_fuzzer}.dict")
  echo "== $target for ${SECONDS_EACH}s"
  if ! "$binary" -max_total_time="$SECONDS_EACH" -print_final_stats=1 \
       -artifact_prefix="$BUILD/crashes/$target-" "${dict[@]}" "$work" 2>&1 | tail -n 12; then
    echo "$target: FAILED (see $BUILD/crashes/)"
    status=1
  fi
  rm -rf "$work"
done
exit $status
