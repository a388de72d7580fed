#!/usr/bin/env bash
# Instructions per operation, counted by callgrind, for the system libssl
# and for ours: the comparison that holds on a busy machine, where timings
# of the same build differ by a factor of two. Uses the binary and
# certificates bench/run.sh leaves in target/bench (run make bench first).
#
#   small writes: SSL_write + SSL_read + SSL_get_error, per 64-byte write
#   bulk:         the same, per 16 KiB write
#   handshake:    connect_pair (SSL_new to tickets read) + SSL_free, per
#                 handshake, less aws-lc's one-time entropy seeding
#
# Under valgrind both crypto libraries take their AVX2 code, not AVX-512:
# counts compare the work done, not the time it takes on this CPU.
#
# Environment: BENCH_SECONDS (default 1), the timed length under valgrind.
source "$(dirname "$0")/common.sh" icount
command -v valgrind >/dev/null || die "valgrind is not installed"
mkdir -p "$OUT/icount"

# $1 runner, $2 figure: writes the callgrind tree to $OUT/icount/$label.$figure.txt
profile() {
  local runner=$1 fig=$2 label=$3 raw=$OUT/icount/$3.$2.out
  BENCH_SECONDS=${BENCH_SECONDS:-1} "$runner" valgrind --tool=callgrind \
    --callgrind-out-file="$raw" "$BENCH" "$CERTS" "$fig" >/dev/null 2>&1 ||
    die "$label $fig failed under valgrind"
  callgrind_annotate --tree=caller --inclusive=yes "$raw" >"$OUT/icount/$label.$fig.txt" 2>/dev/null
  rm -f "$raw"
}

# Inclusive instructions of a function (either spelling of an export), and
# how often a named caller called it.
inclusive() { # file function...
  local f=$1; shift
  local fn
  for fn in "$@"; do
    awk -v fn="$fn" '$0 ~ ("\\* .*:" fn "( |$)") { gsub(",", "", $1); print $1; found = 1; exit }
      END { if (!found) print 0 }' "$f"
  done | awk '{ s += $1 } END { print s + 0 }'
}
calls_from() { # file caller function
  awk -v caller="$2" -v fn="$3" '
    $0 ~ ("< .*:" caller " \\(") { m = $0; sub(/.*\(/, "", m); sub(/x\).*/, "", m); gsub(",", "", m); c = m }
    $0 ~ ("\\* .*:" fn "( |$)") { print c + 0; found = 1; exit }
    /^$/ { c = 0 }
    END { if (!found) print 0 }' "$1"
}

per_write() { # file
  local f=$1 io n
  io=$(inclusive "$f" SSL_write sslshim_SSL_write SSL_read sslshim_SSL_read SSL_get_error sslshim_SSL_get_error)
  # connect_pair's few calls (the tickets' read) are left in: they are noise.
  n=$(calls_from "$f" transfer SSL_write)
  [ "$n" -gt 0 ] || n=$(calls_from "$f" transfer sslshim_SSL_write)
  [ "$n" -gt 0 ] || die "no SSL_write calls in $f"
  echo $((io / n))
}

per_handshake() { # file
  local f=$1 all seed n
  all=$(inclusive "$f" connect_pair free_pair)
  seed=$(inclusive "$f" aws_lc_0_47_0_tree_jitter_initialize)
  n=$(calls_from "$f" fig_handshakes connect_pair)
  [ "$n" -gt 0 ] || die "no handshakes in $f"
  echo $(((all - seed) / n))
}

printf '%-20s %12s %12s %16s\n' "instructions per" OpenSSL sslshim "sslshim/OpenSSL"
for fig in small_writes_s bulk_mib_s handshakes_s; do
  profile system "$fig" system
  profile ours "$fig" ours
  case $fig in
    small_writes_s) name="64-byte write"; get=per_write ;;
    bulk_mib_s) name="16 KiB write"; get=per_write ;;
    handshakes_s) name="handshake"; get=per_handshake ;;
  esac
  s=$($get "$OUT/icount/system.$fig.txt")
  o=$($get "$OUT/icount/ours.$fig.txt")
  awk -v n="$name" -v s="$s" -v o="$o" 'BEGIN { printf "%-20s %12d %12d %16.2f\n", n, s, o, o / s }'
done | tee "$OUT/icount.txt"
