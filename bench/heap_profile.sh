#!/usr/bin/env bash
# bench/heap_profile.sh: what one idle client+server pair of bench.c's
# heap_pair_kib holds, by owner, for OpenSSL and for sslshim. heaptrack
# records two builds of bench.c holding 100 and 200 pairs; the difference
# per pair, stack by stack, is grouped by bench/heap_owners.py. make bench
# runs it when the heap target is missed.
source "$(dirname "$0")/common.sh" heap-profile
command -v heaptrack >/dev/null && command -v heaptrack_print >/dev/null ||
  { echo "heap-profile: heaptrack is not installed; see README.md, Where the time goes"; exit 0; }
mkdir -p "$OUT/heap"
small=100 large=200
for n in $small $large; do
  system "${CC:-cc}" -O2 -g -pthread -DHEAP_PAIRS=$n -o "$OUT/heap/bench.$n" bench/bench.c -lssl -lcrypto
done
for label in system ours; do
  name=OpenSSL
  [ $label = ours ] && name=sslshim
  for n in $small $large; do
    rec=$OUT/heap/$label.$n
    rm -f "$rec".zst
    # As run.sh measures it: glibc's per-thread cache off.
    "$label" env GLIBC_TUNABLES=glibc.malloc.tcache_count=0 heaptrack -o "$rec" \
      "$OUT/heap/bench.$n" "$CERTS" heap_pair_kib >"$rec.log" 2>&1 ||
      die "$label with $n pairs failed under heaptrack: $(tail -3 "$rec.log")"
    for cost in peak allocations; do
      heaptrack_print -f "$rec.zst" -p 0 -a 0 -T 0 -l 0 --flamegraph-cost-type $cost \
        -F "$rec.${cost/allocations/count}" >/dev/null 2>&1 || die "heaptrack_print failed on $rec.zst"
    done
  done
  python3 bench/heap_owners.py "$name" "$OUT/heap/$label.$small" \
    "$OUT/heap/$label.$large" $((large - small))
done
