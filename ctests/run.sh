#!/usr/bin/env bash
# The differential harness.  Every ctests/t_*.c (but t_header) runs once under
# the system libssl (the baseline) and three times under the library under
# test: linked against it at build time, through LD_LIBRARY_PATH and through
# LD_PRELOAD.  A case passes when it exits 0, its stdout equals the
# baseline's, and its stderr's "libssl:" line names the intended library
# (the baseline's must name the system one).  t_header.c is only compiled,
# next to <openssl/ssl.h>, against include/sslshim.h.
#
#   bash ctests/run.sh [FILTER...]    only tests whose name contains a FILTER
#
# Environment:
#   SSLSHIM_LIB_DIR     directory holding our libssl.so.3 (target/release)
#   SSLSHIM_EXPECT_LIB  path the "libssl:" line must show under ours
#                       (default: realpath of $SSLSHIM_LIB_DIR/libssl.so.3);
#                       setting it also allows it to be the system library,
#                       which is how the harness checks itself
#   SSLSHIM_SYSTEM_LIB  path the baseline must show (default: what the dynamic
#                       loader resolves libssl.so.3 to without our variables)
#   SANITIZE=asan       build the linked variant with AddressSanitizer
set -u
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BUILD=$ROOT/target/ctests
OUT=$BUILD/out
CERTS=$BUILD/certs
LIB_DIR=$(realpath -m "${SSLSHIM_LIB_DIR:-target/release}")
OUR_LIB=$LIB_DIR/libssl.so.3
EXPECT_OURS=${SSLSHIM_EXPECT_LIB:-$(realpath -m "$OUR_LIB")}
CFLAGS=(-O1 -g -Wall -Werror)
TIMEOUT=120

LINK_FLAGS=()
LINK_ENV=()
if [ "${SANITIZE:-}" = asan ]; then
  LINK_FLAGS=(-fsanitize=address -fno-omit-frame-pointer)
  LINK_ENV=(ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}")
elif [ -n "${SANITIZE:-}" ]; then
  echo "SANITIZE=$SANITIZE is not supported (only asan)" >&2
  exit 2
fi

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "ok $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

selected() {
  [ $# -gt 1 ] || return 0
  local name=$1 f; shift
  for f in "$@"; do [[ $name == *"$f"* ]] && return 0; done
  return 1
}

mkdir -p "$BUILD" "$OUT"
if ! bash ctests/certs.sh "$CERTS" >"$OUT/certs.log" 2>&1; then
  fail "certs" "ctests/certs.sh failed: $(tail -3 "$OUT/certs.log" | tr '\n' ' ')"
  finish
fi

# The path the loader gives a program for libssl.so.3 when nothing of ours
# is in its environment.
system_libssl() {
  env -u LD_LIBRARY_PATH -u LD_PRELOAD ldd "$1" 2>/dev/null |
    awk '$1 == "libssl.so.3" && $3 ~ /^\// { print $3; exit }' | xargs -r realpath
}

# Why the library under test cannot be checked, or nothing.
ours_problem=""
if [ ! -e "$OUR_LIB" ]; then
  ours_problem="no $OUR_LIB (build it first, or set SSLSHIM_LIB_DIR)"
fi

# Runs a test binary; $1 label (file stem), $2 wanted library, then env
# assignments and the command. Sets case_error to the reason of a failure.
run_one() {
  local label=$1 want=$2; shift 2
  local out=$OUT/$label.out err=$OUT/$label.err rc got
  env -u LD_LIBRARY_PATH -u LD_PRELOAD "$@" "$CERTS" >"$out" 2>"$err" </dev/null
  rc=$?
  case_error=""
  got=$(sed -n 's/^libssl: //p' "$err" | head -1)
  if [ $rc -eq 124 ]; then
    case_error="timed out after ${TIMEOUT}s"
  elif [ $rc -ne 0 ]; then
    case_error="exit status $rc: $(grep -v '^libssl: ' "$err" | tail -3 | tr '\n' ' ')"
  elif [ -z "$got" ]; then
    case_error="no libssl: line on stderr"
  elif [ "$got" != "$want" ]; then
    case_error="mapped $got, expected $want"
  fi
  [ -z "$case_error" ]
}

any=0
if selected t_header "$@"; then
  any=1
  if [ ! -f include/sslshim.h ]; then
    fail "t_header [compile]" "include/sslshim.h does not exist"
  elif cc -Wall -Werror -I include -c ctests/t_header.c -o "$BUILD/t_header.o" >"$OUT/t_header.log" 2>&1; then
    pass "t_header [compile]"
  else
    fail "t_header [compile]" "include/sslshim.h does not compile after <openssl/ssl.h>:"
    sed 's/^/    /' "$OUT/t_header.log" | head -20
  fi
fi

for src in ctests/t_*.c; do
  t=$(basename "$src" .c)
  [ "$t" = t_header ] && continue
  selected "$t" "$@" || continue
  any=1
  sys_bin=$BUILD/$t.sys
  link_bin=$BUILD/$t.link
  rm -f "$sys_bin" "$link_bin"

  # Build both variants.
  sys_error=""
  if ! cc "${CFLAGS[@]}" -o "$sys_bin" "$src" ctests/common.c -lssl -lcrypto >"$OUT/$t.sys.build.log" 2>&1; then
    sys_error="does not build against the system libssl: $(head -3 "$OUT/$t.sys.build.log" | tr '\n' ' ')"
  fi
  link_error=$ours_problem
  if [ -z "$link_error" ]; then
    # -l:libssl.so.3 needs no libssl.so link; NEEDED comes from the soname.
    if ! cc "${CFLAGS[@]}" "${LINK_FLAGS[@]}" -o "$link_bin" "$src" ctests/common.c \
        -L"$LIB_DIR" -l:libssl.so.3 -lcrypto -Wl,-rpath,"$LIB_DIR" -Wl,--disable-new-dtags \
        >"$OUT/$t.link.build.log" 2>&1; then
      link_error="does not link against $OUR_LIB: $(grep -m3 -E 'error|undefined' "$OUT/$t.link.build.log" | tr '\n' ' ')"
    else
      needed=$(readelf -d "$link_bin" | sed -n 's/.*(NEEDED).*\[\(libssl[^]]*\)\].*/\1/p' | tr '\n' ' ')
      [ "$needed" = "libssl.so.3 " ] || link_error="linked binary needs '${needed% }', not libssl.so.3 (soname of $OUR_LIB?)"
    fi
  fi

  # The baseline.
  base_error=$sys_error
  if [ -z "$base_error" ]; then
    sys_lib=${SSLSHIM_SYSTEM_LIB:-$(system_libssl "$sys_bin")}
    if [ -z "$sys_lib" ]; then
      base_error="cannot tell which libssl.so.3 the system provides"
    elif [ "$sys_lib" = "$EXPECT_OURS" ] && [ -z "${SSLSHIM_EXPECT_LIB:-}" ]; then
      base_error="the library under test resolves to the system's $sys_lib; nothing would be compared"
    elif ! run_one "$t.baseline" "$sys_lib" timeout -k 5 $TIMEOUT "$sys_bin"; then
      base_error="the baseline under the system libssl failed: $case_error"
    fi
  fi

  for way in link LD_LIBRARY_PATH LD_PRELOAD; do
    name="$t [$way]"
    if [ -n "$base_error" ]; then fail "$name" "$base_error"; continue; fi
    if [ -n "$ours_problem" ]; then fail "$name" "$ours_problem"; continue; fi
    case $way in
      link)
        if [ -n "$link_error" ]; then fail "$name" "$link_error"; continue; fi
        cmd=("${LINK_ENV[@]}" timeout -k 5 $TIMEOUT "$link_bin") ;;
      LD_LIBRARY_PATH) cmd=(LD_LIBRARY_PATH="$LIB_DIR" timeout -k 5 $TIMEOUT "$sys_bin") ;;
      LD_PRELOAD) cmd=(LD_PRELOAD="$OUR_LIB" timeout -k 5 $TIMEOUT "$sys_bin") ;;
    esac
    if ! run_one "$t.$way" "$EXPECT_OURS" "${cmd[@]}"; then
      fail "$name" "$case_error"
    elif ! diff -u --label "system libssl" --label "$way" "$OUT/$t.baseline.out" "$OUT/$t.$way.out" \
        >"$OUT/$t.$way.diff"; then
      fail "$name" "stdout differs from the baseline (full diff: ${OUT#"$ROOT"/}/$t.$way.diff)"
      sed 's/^/    /' "$OUT/$t.$way.diff" | head -40
    else
      pass "$name"
    fi
  done
done

if [ $any -eq 0 ]; then
  fail "filter" "no test matches: $*"
fi
finish
