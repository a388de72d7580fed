#!/usr/bin/env bash
# The differential harness: every ctests/t_*.c runs under the system libssl
# (the baseline) and under sslshim loaded three ways: linked at build time,
# through LD_LIBRARY_PATH, and through LD_PRELOAD. A case passes when its
# stdout equals the baseline's and stderr names the library it was meant to
# load. `bash ctests/run.sh [FILTER]`; SANITIZE=asan builds the linked variant
# with AddressSanitizer.
set -u
cd "$(dirname "$0")/.."
LIB_DIR=$(realpath "${SSLSHIM_LIB_DIR:-target/release}")
BUILD=target/ctests
CERTS=$BUILD/certs
FILTER=${1:-}
mkdir -p "$BUILD"
bash ctests/certs.sh "$CERTS" >/dev/null || { echo "cannot make certificates"; exit 1; }
CERTS=$(realpath "$CERTS")
SYS_LIB=$(realpath "$(env -u LD_LIBRARY_PATH -u LD_PRELOAD ldconfig -p | awk '/libssl.so.3 .*x86-64/ {print $NF; exit}')")

CFLAGS="-O1 -g -Wall -Werror"
ASAN_FLAGS=""
if [ "${SANITIZE:-}" = asan ]; then
  ASAN_FLAGS="-fsanitize=address -fno-omit-frame-pointer"
  export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
fi

passed=0; failed=0
pass() { passed=$((passed+1)); echo "ok   $1"; }
fail() { failed=$((failed+1)); echo "FAIL $1: $2"; }

if [ -z "$FILTER" ] || [[ t_header == *"$FILTER"* ]]; then
  if cc $CFLAGS -Iinclude -c ctests/t_header.c -o "$BUILD/t_header.o" 2>"$BUILD/t_header.err"; then
    pass "t_header [include/sslshim.h agrees with <openssl/ssl.h>]"
  else
    fail "t_header" "$(head -5 "$BUILD/t_header.err")"
  fi
fi

# Runs one case; $1 name, $2 expected library, then the command.
run_case() {
  local name=$1 want=$2; shift 2
  local out="$BUILD/$name.out" err="$BUILD/$name.err"
  (cd "$BUILD" && timeout 120 "$@" "$CERTS" >"$(basename "$out")" 2>"$(basename "$err")")
  local rc=$?
  local got; got=$(sed -n 's/^libssl: //p' "$err" | head -1)
  [ -n "$got" ] && got=$(realpath "$got")
  if [ $rc -ne 0 ]; then fail "$name" "exit status $rc; $(tail -3 "$err")"; return 1; fi
  if [ "$got" != "$want" ]; then fail "$name" "loaded ${got:-no libssl}, not $want"; return 1; fi
  return 0
}

for src in ctests/t_*.c; do
  t=$(basename "$src" .c)
  [ "$t" = t_header ] && continue
  [ -n "$FILTER" ] && [[ $t != *"$FILTER"* ]] && continue
  cc $CFLAGS -o "$BUILD/$t.sys" "$src" -lssl -lcrypto || { fail "$t" "does not compile"; continue; }
  # Linked at build time against ours; the soname makes NEEDED libssl.so.3.
  cc $CFLAGS $ASAN_FLAGS -o "$BUILD/$t.link" "$src" "$LIB_DIR/libssl.so.3" -lcrypto -Wl,-rpath,"$LIB_DIR" \
    || { fail "$t" "does not link against sslshim"; continue; }
  if ! run_case "$t.baseline" "$SYS_LIB" env -u LD_LIBRARY_PATH -u LD_PRELOAD "$PWD/$BUILD/$t.sys"; then
    fail "$t" "the baseline under the system libssl did not run"; continue
  fi
  for way in link LD_LIBRARY_PATH LD_PRELOAD; do
    case $way in
      link) cmd=(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$PWD/$BUILD/$t.link") ;;
      LD_LIBRARY_PATH) cmd=(env -u LD_PRELOAD LD_LIBRARY_PATH="$LIB_DIR" "$PWD/$BUILD/$t.sys") ;;
      LD_PRELOAD) cmd=(env -u LD_LIBRARY_PATH LD_PRELOAD="$LIB_DIR/libssl.so.3" "$PWD/$BUILD/$t.sys") ;;
    esac
    run_case "$t.$way" "$LIB_DIR/libssl.so.3" "${cmd[@]}" || continue
    if diff -u "$BUILD/$t.baseline.out" "$BUILD/$t.$way.out" > "$BUILD/$t.$way.diff"; then
      pass "$t [$way]"
    else
      fail "$t [$way]" "stdout differs from the system libssl:"; sed 's/^/    /' "$BUILD/$t.$way.diff" | head -30
    fi
  done
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
