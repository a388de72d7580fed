#!/usr/bin/env bash
# Runs the fuzz targets: fuzz/run.sh [TARGET...]  (default: all three)
#   FUZZ_RUNS     executions per target (default 10000000)
#   FUZZ_SECONDS  stop a target after this long instead (default: no limit)
# New inputs go to fuzz/work/TARGET (not committed); the committed seeds in
# fuzz/corpus/TARGET are read too. A crash leaves its input in
# fuzz/artifacts/TARGET; replay it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -O TARGET fuzz/artifacts/TARGET/crash-…
# Each target's log, ending in libFuzzer's final statistics (stat::number_of_executed_units),
# is fuzz/work/TARGET.log.
set -eu
cd "$(dirname "$0")"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo fuzz needs nightly flags (-Zsanitizer); RUSTC_BOOTSTRAP lets the
# stable toolchain take them.
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
bin=target/x86_64-unknown-linux-gnu/release
runs=${FUZZ_RUNS:-10000000}
limit=()
[ -n "${FUZZ_SECONDS:-}" ] && limit=(-max_total_time="$FUZZ_SECONDS")
status=0
for t in ${@:-server_bytes client_bytes api_sequence}; do
  mkdir -p "work/$t" "artifacts/$t"
  echo "== $t"
  if "$bin/$t" -artifact_prefix="artifacts/$t/" -runs="$runs" "${limit[@]}" \
      -print_final_stats=1 "work/$t" "corpus/$t" >"work/$t.log" 2>&1; then
    grep -E 'stat::number_of_executed_units|Done' "work/$t.log" | tail -2
  else
    status=1
    echo "FAIL $t: see fuzz/work/$t.log and fuzz/artifacts/$t/"
    grep -m3 -E '^panic|ERROR' "work/$t.log" || true
  fi
done
exit $status
