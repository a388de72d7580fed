#!/usr/bin/env bash
# Every program test in tests/programs, or those whose names are given.
# MODES=path or MODES=preload runs one loading method only.
cd "$(dirname "$0")"
total=0; bad=""
for t in ${@:-$(ls *.sh | grep -vE '^(lib|run)\.sh$' | sed 's/\.sh$//')}; do
  echo "== $t"
  if ! bash "./$t.sh"; then bad="$bad $t"; fi
  total=$((total+1))
done
echo "programs: $total run${bad:+, failed:$bad}"
[ -z "$bad" ]
