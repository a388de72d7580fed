#!/usr/bin/env bash
# Keeps docs/compat.md true to the code. Every function of the real libssl.so.3
# (tests/data/libssl-exports.txt) has exactly one row; a row's state is "fails
# cleanly" exactly when src/abi/unimplemented holds the function; its "used by"
# cell names the programs whose imports (tests/data/used-by) include it.
set -u
cd "$(dirname "$0")/.."
doc=docs/compat.md
passed=0; failed=0
check() { if [ -z "$2" ]; then passed=$((passed+1)); echo "ok $1"; else failed=$((failed+1)); echo "FAIL $1"; echo "$2" | head -20 | sed 's/^/    /'; fi; }

# name|state|used-by for each table row naming a function
rows=$(awk -F'|' '/^\| function \|/ {t = 1} /^$/ {t = 0} t && $2 ~ /^ `[A-Za-z0-9_]+` $/ {
  gsub(/[ `]/, "", $2); s = $3; gsub(/^ +| +$/, "", s); u = $4; gsub(/ /, "", u); print $2 "|" s "|" u }' "$doc")
names=$(echo "$rows" | cut -d'|' -f1 | sort)
all=$(sort -u tests/data/libssl-exports.txt)
check "every libssl function has a row" "$(comm -23 <(echo "$all") <(echo "$names" | sort -u))"
check "no row names something libssl does not export" "$(comm -13 <(echo "$all") <(echo "$names" | sort -u))"
check "no function has two rows" "$(echo "$names" | uniq -d)"

absent=$(grep -rhoE 'absent\(c"[A-Za-z0-9_]+"' src/abi/unimplemented | sed -E 's/.*c"(.*)"/\1/' | sort -u)
said=$(echo "$rows" | awk -F'|' '$2 == "fails cleanly" {print $1}' | sort -u)
check "\"fails cleanly\" rows are the unimplemented functions" \
  "$(comm -3 <(echo "$absent") <(echo "$said") | sed 's/^\t/row says fails cleanly, but implemented: /; t; s/^/unimplemented, row says otherwise: /')"
states=$(echo "$rows" | awk -F'|' '$2 !~ /^(implemented|partial|no effect|fails cleanly)$/ {print $1 ": " $2}')
check "every state is one of the four" "$states"

declare -A users
for f in curl:libcurl haproxy:haproxy nginx:nginx python:python3-ssl socat:socat stunnel:stunnel4; do
  prog=${f%%:*}
  for fn in $(cat "tests/data/used-by/${f#*:}.txt"); do users[$fn]="${users[$fn]:+${users[$fn]},}$prog"; done
done
wrong=$(echo "$rows" | while IFS='|' read -r n s u; do
  want=${users[$n]:-}
  [ "$u" = "$want" ] || echo "$n: \"$u\", should be \"$want\""
done)
check "\"used by\" cells match the programs' imports" "$wrong"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
