#!/usr/bin/env bash
# The contract every C caller relies on, checked on the built library:
# soname, no real libssl behind it, every export versioned OPENSSL_3.0.0, the
# committed header current, and docs/compat.md naming every export.
set -u
cd "$(dirname "$0")/.."
so=target/release/libssl.so.3
passed=0; failed=0
check() { if eval "$2"; then passed=$((passed+1)); echo "ok $1"; else failed=$((failed+1)); echo "FAIL $1"; fi; }

exports=$(grep -rhoE '#\[export_name = "sslshim_[A-Za-z0-9_]+"\]' src/abi | sed -E 's/.*sslshim_([A-Za-z0-9_]+).*/\1/' | sort -u)
versioned=$(objdump -T "$so" | awk 'NF > 2 && $(NF-1) == "OPENSSL_3.0.0" && $4 != "*UND*" {print $NF}' | sort -u)

check "soname is libssl.so.3" "readelf -d $so | grep -q 'SONAME.*\[libssl.so.3\]'"
check "no libssl in NEEDED" "! readelf -d $so | grep NEEDED | grep -q 'libssl'"
check "links the system libcrypto.so.3" "readelf -d $so | grep NEEDED | grep -q 'libcrypto.so.3'"
check "SSL_write is in OPENSSL_3.0.0" "objdump -T $so | grep -qE 'OPENSSL_3\.0\.0 +SSL_write\$'"
missing=$(comm -23 <(echo "$exports") <(echo "$versioned"))
check "all $(echo "$exports" | wc -l) exports are in OPENSSL_3.0.0" "[ -z \"$missing\" ] || { echo \"unversioned: $missing\"; false; }"
real=$(sort -u tests/data/libssl-exports.txt)
extra=$(comm -23 <(echo "$versioned") <(echo "$real"))
check "every export is a function the real libssl.so.3 exports" "[ -z \"$extra\" ] || { echo \"not in libssl: $extra\"; false; }"
absent=$(comm -13 <(echo "$versioned") <(echo "$real"))
check "all $(echo "$real" | wc -l) functions of the real libssl.so.3 are exported in OPENSSL_3.0.0" \
  "[ -z \"$absent\" ] || { echo \"not exported: $absent\"; false; }"
undocumented=$(for f in $exports; do grep -q "\`$f\`" docs/compat.md || echo "$f"; done)
check "docs/compat.md names every export" "[ -z \"$undocumented\" ] || { echo \"undocumented: $undocumented\"; false; }"
check "include/sslshim.h is the one cbindgen generates" "git diff --quiet -- include/sslshim.h"
check "include/sslshim.h agrees with <openssl/ssl.h>" \
  "printf '#include <openssl/ssl.h>\n#include \"sslshim.h\"\n' | cc -Wall -Werror -Iinclude -x c -fsyntax-only -"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
