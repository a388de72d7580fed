#!/usr/bin/env bash
# make bench: bench/bench.c, built once against the system OpenSSL, runs
# alternately under the system libssl.so.3 and under ours (LD_LIBRARY_PATH),
# BENCH_ROUNDS times each (default 5); the table shows the median of each
# figure. A measurement, not a test: it fails only when a run fails or maps
# the wrong library, never because of a ratio. After each round, plain rustls
# (examples/rustls_ceiling.rs) runs the figures whose targets sslshim misses,
# so a second table can say whether rustls itself reaches them.
#
# Environment: BENCH_ROUNDS (default 5), BENCH_SECONDS (timed length of each
# figure in one run, default 1), CC (default cc).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/target/bench
LIB_DIR=$ROOT/target/release
ROUNDS=${BENCH_ROUNDS:-5}
# A run takes a few seconds; far longer means a library stopped making progress.
TIMEOUT=120

die() { echo "bench: $*" >&2; exit 1; }

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "BENCH_ROUNDS=$ROUNDS is not a positive integer"
[ -e "$LIB_DIR/libssl.so.3" ] || die "no $LIB_DIR/libssl.so.3 (run make build)"
OUR_LIB=$(realpath "$LIB_DIR/libssl.so.3")

# Nothing of ours may reach the compiler, the certificate tool or the
# baseline runs.
system() { env -u LD_LIBRARY_PATH -u LD_PRELOAD "$@"; }
ours() { env -u LD_PRELOAD LD_LIBRARY_PATH="$LIB_DIR" "$@"; }

mkdir -p "$OUT/runs"
rm -f "$OUT"/runs/*
system "${CC:-cc}" -O2 -Wall -Werror -pthread -o "$OUT/bench" bench/bench.c -lssl -lcrypto
# The AEAD ceiling of our side: the provider's sealing through rustls's
# crypto interface, in a binary of its own (examples/aead_ceiling.rs).
cargo build --release --quiet --example aead_ceiling
AEAD_OURS=$ROOT/target/release/examples/aead_ceiling
# Plain rustls with glibc's malloc, no sslshim code: whether a missed target
# is within reach of rustls at all.
cargo build --release --quiet --example rustls_ceiling
CEILING=$ROOT/target/release/examples/rustls_ceiling
# openssl speed counts whole seconds.
SPEED_SECONDS=$(awk -v s="${BENCH_SECONDS:-1}" 'BEGIN { s = int(s + 0.5); print (s < 1) ? 1 : s }')

# A fresh key each time: nothing to keep, and no stale file can be picked up.
tmp=$(mktemp -d "$OUT/certs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# RSA-2048, the usual server certificate, whose signature dominates a full
# handshake on both sides.
system openssl req -x509 -newkey rsa:2048 -nodes \
    -sha256 -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>"$tmp/req.log" ||
    die "openssl req failed: $(cat "$tmp/req.log")"
rm -f "$tmp/req.log"
rm -rf "$OUT/certs"
mv "$tmp" "$OUT/certs"
CERTS=$OUT/certs

SYS_LIB=$(system ldd "$OUT/bench" | awk '$1 == "libssl.so.3" && $3 ~ /^\// { print $3; exit }')
[ -n "$SYS_LIB" ] || die "the loader finds no system libssl.so.3 for $OUT/bench"
SYS_LIB=$(realpath "$SYS_LIB")
[ "$SYS_LIB" != "$OUR_LIB" ] || die "the system libssl.so.3 is ours ($OUR_LIB): nothing to compare"

SPEED_FIGURES="bulk_mib_s small_writes_s handshakes_s threads_mib_s"
HEAP_FIGURES="heap_pair_kib heap_after_free_pct"

# $1 label (system|ours), $2 round, $3 library it must map, then the runner.
run() {
  local label=$1 round=$2 want=$3 runner=$4
  local out=$OUT/runs/$label.$round.out err=$OUT/runs/$label.$round.err
  local part=$OUT/runs/$label.$round.part
  : >"$out"
  : >"$err"
  # glibc's per-thread cache keeps freed chunks counted as in use, so the
  # heap figures run in a process of their own without it; the speed
  # figures keep the allocator as programs have it.
  local tcache
  for tcache in on off; do
    local figures=$SPEED_FIGURES rc=0
    if [ $tcache = off ]; then figures=$HEAP_FIGURES; fi
    if [ $tcache = on ]; then
      "$runner" timeout "$TIMEOUT" "$OUT/bench" "$CERTS" $figures >"$part" 2>>"$err" </dev/null || rc=$?
    else
      "$runner" env GLIBC_TUNABLES=glibc.malloc.tcache_count=0 \
        timeout "$TIMEOUT" "$OUT/bench" "$CERTS" $figures >"$part" 2>>"$err" </dev/null || rc=$?
    fi
    if [ "$rc" -ne 0 ]; then
      [ "$rc" -ne 124 ] || echo "bench: timed out after ${TIMEOUT}s" >>"$err"
      cat "$part" "$err" >&2
      die "$label run $round failed (exit $rc); output in $part, $err"
    fi
    local mapped
    mapped=$(awk '$1 == "libssl" { print $2 }' "$part")
    [ "$mapped" = "$want" ] ||
      die "$label run $round mapped '$(echo "$mapped" | paste -sd' ')', wanted $want"
    if [ $tcache = on ]; then cat "$part" >>"$out"; else awk '$1 != "libssl"' "$part" >>"$out"; fi
  done
  rm -f "$part"
  aead "$label" >>"$out" || die "$label run $round: AEAD ceiling failed"
  echo "round $round $label: $(awk '$1 != "libssl"' "$out" | paste -sd' ')" >&2
}

# The AEAD ceiling, one core sealing 16 KiB with AES-256-GCM: libcrypto's
# (openssl speed, whose machine-readable row is in bytes per second) for
# the system runs, the provider's for ours.
aead() {
  if [ "$1" = system ]; then
    system openssl speed -mr -seconds "$SPEED_SECONDS" -bytes 16384 -evp aes-256-gcm 2>/dev/null |
      awk -F: '$1 == "+F" { printf "aead_seal_mib_s %.1f\n", $4 / 1048576; found = 1 }
               END { exit !found }'
  else
    system "$AEAD_OURS"
  fi
}

# Plain rustls's figures, split like run()'s: speed in one process, heap in
# another without the tcache. The *_unbuffered ones use rustls::unbuffered.
CEILING_SPEED="small_writes_s small_writes_unbuffered_s handshakes_s"
CEILING_HEAP="heap_pair_kib heap_pair_unbuffered_kib"

ceiling() { # round
  local out=$OUT/runs/rustls.$1.out err=$OUT/runs/rustls.$1.err rc=0
  : >"$err"
  { system timeout "$TIMEOUT" "$CEILING" "$CERTS" $CEILING_SPEED &&
    system env GLIBC_TUNABLES=glibc.malloc.tcache_count=0 \
      timeout "$TIMEOUT" "$CEILING" "$CERTS" $CEILING_HEAP; } >"$out" 2>>"$err" </dev/null || rc=$?
  if [ "$rc" -ne 0 ]; then
    [ "$rc" -ne 124 ] || echo "bench: timed out after ${TIMEOUT}s" >>"$err"
    cat "$out" "$err" >&2
    die "rustls run $1 failed (exit $rc); output in $out, $err"
  fi
  [ "$(awk '{ print $1 }' "$out" | paste -sd' ')" = "$CEILING_SPEED $CEILING_HEAP" ] ||
    die "rustls run $1 reported other figures than $CEILING_SPEED $CEILING_HEAP"
  echo "round $1 rustls: $(paste -sd' ' "$out")" >&2
}

echo "bench: $ROUNDS rounds; system $SYS_LIB, ours $OUR_LIB" >&2
for round in $(seq "$ROUNDS"); do
  run system "$round" "$SYS_LIB" system
  run ours "$round" "$OUR_LIB" ours
  ceiling "$round"
done

# Every run must report the same figures, in the same order.
figures=$(awk '$1 != "libssl" { print $1 }' "$OUT/runs/system.1.out")
[ -n "$figures" ] || die "no figures in $OUT/runs/system.1.out"
for f in "$OUT"/runs/system.*.out "$OUT"/runs/ours.*.out; do
  [ "$(awk '$1 != "libssl" { print $1 }' "$f")" = "$figures" ] ||
    die "$f reports other figures than $OUT/runs/system.1.out"
done

median() { # label figure
  awk -v f="$2" '$1 == f { print $2 }' "$OUT"/runs/"$1".*.out | sort -g |
    awk '{ v[NR] = $1 } END { printf "%.3f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# The ratios sslshim aims at: at least (>=) or at most (<=) this much of
# OpenSSL's figure.
target() {
  case $1 in
    bulk_mib_s) echo ">=1.5" ;;
    small_writes_s) echo ">=2.5" ;;
    handshakes_s) echo ">=3.0" ;;
    heap_pair_kib) echo "<=0.15" ;;
    heap_after_free_pct) echo "<=1.05" ;;
  esac
}

{
  echo "$(system openssl version), $(nproc) cores, median of $ROUNDS runs each"
  printf '%-20s %12s %12s %16s  %s\n' figure OpenSSL sslshim "sslshim/OpenSSL" target
  for f in $figures; do
    awk -v f="$f" -v s="$(median system "$f")" -v o="$(median ours "$f")" -v t="$(target "$f")" 'BEGIN {
      fmt = (s >= 10000 || o >= 10000) ? "%12.0f" : "%12.1f"
      r = (s > 0) ? o / s : 0
      verdict = ""
      if (t != "") {
        # Judged on the ratio as printed.
        rr = sprintf("%.2f", r) + 0
        v = substr(t, 3) + 0
        met = (substr(t, 1, 2) == ">=") ? rr >= v : rr <= v
        verdict = t " " (met ? "met" : "missed")
      }
      printf "%-20s " fmt " " fmt " %16.2f  %s\n", f, s, o, r, verdict
    }'
  done
} | tee "$OUT/results.txt"

# What sslshim missed, read before the second table joins the file.
missed=$(awk '$NF == "missed" && $1 ~ /_s$/ { print $1 }' "$OUT/results.txt")
heap_missed=$(awk '$NF == "missed" && $1 ~ /^heap/ { found = 1 } END { print found + 0 }' "$OUT/results.txt")

# Plain rustls's median against OpenSSL's (the buffered figure's for an
# *_unbuffered one), judged as the table above judges.
{
  echo
  echo "plain rustls in the same run (examples/rustls_ceiling.rs), against OpenSSL's median above"
  printf '%-26s %12s %14s %16s  %s\n' figure OpenSSL "plain rustls" "rustls/OpenSSL" target
  for f in $CEILING_SPEED $CEILING_HEAP; do
    base=${f/_unbuffered/}
    awk -v f="$f" -v s="$(median system "$base")" -v o="$(median rustls "$f")" -v t="$(target "$base")" 'BEGIN {
      fmt = (s >= 10000 || o >= 10000) ? ".0f" : ".1f"
      r = (s > 0) ? o / s : 0
      rr = sprintf("%.2f", r) + 0
      v = substr(t, 3) + 0
      met = (substr(t, 1, 2) == ">=") ? rr >= v : rr <= v
      printf "%-26s %12" fmt " %14" fmt " %16.2f  %s\n", f, s, o, r, t " " (met ? "met" : "missed")
    }'
  done
} | tee -a "$OUT/results.txt"

# A missed speed target comes with where the time went: each library's
# hottest functions in that figure, sampled by perf (BENCH_PROFILE=0 skips
# this and the heap profile below).
if [ -n "$missed" ] && [ "${BENCH_PROFILE:-1}" != 0 ]; then
  bash bench/profile.sh $missed | tee "$OUT/profile.txt"
fi
# A missed heap target comes with what one idle pair holds, by owner
# (heaptrack), for both libraries.
if [ "$heap_missed" = 1 ] && [ "${BENCH_PROFILE:-1}" != 0 ]; then
  bash bench/heap_profile.sh | tee "$OUT/heap_profile.txt"
fi

# Freed pairs must give their heap back. Said, not enforced: every run's
# figure, not the median, so that one leaking run shows.
worst=$(awk '$1 == "heap_after_free_pct" && $2 > w { w = $2 } END { printf "%.1f", w }' "$OUT"/runs/ours.*.out)
if awk -v w="$worst" 'BEGIN { exit !(w > 105) }'; then
  echo "note: sslshim's heap after freeing the pairs reached ${worst}% of the start (over 105%)" | tee -a "$OUT/results.txt"
fi
