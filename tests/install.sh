#!/usr/bin/env bash
# `make install` into a temporary PREFIX, then the installed with-sslshim runs
# the system curl against `openssl s_server` on the system OpenSSL: the data
# arrives by hash, and the libssl curl maps is the installed copy (not the
# source tree's, not the system's). Also: nothing lands where the loader would
# find it by default, the launcher's usage and missing-library errors, the
# launcher from the source tree, and `make uninstall`.
source "$(dirname "$0")/programs/lib.sh"

PREFIX=$WORK/prefix
make -C "$ROOT" -s install PREFIX="$PREFIX" >"$WORK/install.log" 2>&1
expect "make install succeeds" 0 $?
INSTALLED=$PREFIX/lib/sslshim/libssl.so.3
LAUNCHER=$PREFIX/bin/with-sslshim
expect "the library is installed as PREFIX/lib/sslshim/libssl.so.3" yes "$([ -f "$INSTALLED" ] && echo yes)"
expect "the installed library is the built one" "$(sha "$SHIM")" "$(sha "$INSTALLED" 2>/dev/null)"
expect "the launcher is installed executable" yes "$([ -x "$LAUNCHER" ] && echo yes)"
expect "nothing named libssl directly in PREFIX/lib" "" "$(ls "$PREFIX"/lib/libssl* 2>/dev/null)"
expect "the launcher names the installed library" "LIB_DIR='$PREFIX/lib/sslshim'" \
  "$(grep -m1 '^LIB_DIR=' "$LAUNCHER")"

cp "$DATA" "$WORK/data.bin"
port=$(free_port)
(cd "$WORK" && peer openssl s_server -quiet -WWW -accept 127.0.0.1:"$port" \
    -cert "$CERTS/server.pem" -key "$CERTS/server.key" >/dev/null 2>&1) &
wait_port "$port" || { fail "s_server did not start"; finish; exit; }

# Run from elsewhere, with the environment a user has: no variables of ours.
cd /
got=$(env -u LD_LIBRARY_PATH -u LD_PRELOAD "$LAUNCHER" curl -sS --cacert "$CERTS/ca.pem" \
  "https://localhost:$port/data.bin" 2>"$WORK/curl.err" | sha256sum | cut -c1-64)
expect "with-sslshim curl downloads 20 MB" "$DATA_SHA" "$got"
expect "curl under with-sslshim logged nothing" "" "$(cat "$WORK/curl.err")"

# The library a running curl has mapped, read while a slow download runs.
env -u LD_LIBRARY_PATH -u LD_PRELOAD "$LAUNCHER" curl -sS --limit-rate 4M --cacert "$CERTS/ca.pem" \
  -o "$WORK/slow.bin" "https://localhost:$port/data.bin" &
curl_pid=$!
mapped=""
for _ in $(seq 100); do
  mapped=$(libssl_of_pid "$curl_pid")
  [ -n "$mapped" ] && break
  sleep 0.05
done
expect "curl maps the installed library and no other libssl" "$INSTALLED" "$mapped"
wait "$curl_pid"
expect "the slow download arrives too" "$DATA_SHA" "$(sha "$WORK/slow.bin")"
expect "the shell's own environment is untouched" "" "${LD_LIBRARY_PATH:-}"

"$LAUNCHER" >/dev/null 2>"$WORK/usage.err"
expect "without a program: usage, exit 2" "2 usage: with-sslshim PROGRAM [ARGS...]" "$? $(cat "$WORK/usage.err")"
expect "the source tree's launcher uses target/release" "$LIB_DIR" \
  "$("$ROOT/bin/with-sslshim" sh -c 'echo "${LD_LIBRARY_PATH%%:*}"')"
expect "LD_LIBRARY_PATH already set is kept after ours" "$PREFIX/lib/sslshim:/x" \
  "$(LD_LIBRARY_PATH=/x "$LAUNCHER" sh -c 'echo "$LD_LIBRARY_PATH"')"

make -C "$ROOT" -s uninstall PREFIX="$PREFIX" >>"$WORK/install.log" 2>&1
expect "make uninstall removes both files" "" \
  "$(ls "$INSTALLED" "$LAUNCHER" "$PREFIX/lib/sslshim" 2>/dev/null)"
cp "$ROOT/bin/with-sslshim" "$WORK/lone-launcher"
"$WORK/lone-launcher" true 2>"$WORK/missing.err"
expect "a launcher that finds no library says so, exit 1" 1 $?
finish
