#!/usr/bin/env bash
# bench/profile.sh FIGURE...: where each library spends a timed figure of
# bench/bench.c, sampled by perf: the functions that took the most samples
# themselves (not counting their callees), for OpenSSL and for sslshim. Uses
# the binary and certificates bench/run.sh leaves in target/bench; make bench
# runs it for each speed target it missed.
#
# Environment: BENCH_SECONDS (timed length, default 1), PROFILE_TOP (lines
# per library, default 12).
source "$(dirname "$0")/common.sh" profile
TOP=${PROFILE_TOP:-12}
[ $# -gt 0 ] || die "usage: bench/profile.sh FIGURE..."
if ! command -v perf >/dev/null || ! perf record -o /dev/null -q -- true 2>/dev/null; then
  echo "profile: perf cannot sample here (install linux-perf, or lower kernel.perf_event_paranoid); see README.md, Where the time goes"
  exit 0
fi
mkdir -p "$OUT/profile"

# perf's rows ("12.34%  object  [.] symbol  [IPC columns]"), largest first.
top() { # data rows sort-keys
  perf report -i "$1" --stdio --no-children --sort "$3" 2>/dev/null |
    awk '/^ *[0-9.]+%/ {
      sym = ""
      for (i = 3; i <= NF; i++) if ($i != "[.]" && $i != "[k]" && $i != "-") sym = sym " " $i
      printf "%7s  %-16s%s\n", $1, $2, sym }' |
    sort -rn | awk -v n="$2" 'NR <= n { print "  " $0 }'
}

for fig in "$@"; do
  for label in system ours; do
    data=$OUT/profile/$label.$fig.data
    BENCH_SECONDS=${BENCH_SECONDS:-1} "$label" perf record -q -F 4999 -o "$data" \
      "$BENCH" "$CERTS" "$fig" >/dev/null 2>"$OUT/profile/$label.$fig.err" ||
      die "$label $fig failed under perf: $(tail -3 "$OUT/profile/$label.$fig.err")"
    name=OpenSSL
    [ $label = ours ] && name=sslshim
    # The bench's own setup is kept, so the shares add up to the whole run.
    echo "== $fig, $name: share of samples by object"
    top "$data" 6 dso
    echo "== $fig, $name: hottest functions, self"
    top "$data" "$TOP" dso,symbol
  done
done
