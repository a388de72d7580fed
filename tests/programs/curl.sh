#!/usr/bin/env bash
# curl on sslshim: a download from `openssl s_server -WWW`, an upload (-T) to
# an HTTPS server that answers with the hash of what it received, and
# verification of localhost against --cacert (and its refusal without it).
source "$(dirname "$0")/lib.sh"

cp "$DATA" "$WORK/data.bin"
port=$(free_port)
(cd "$WORK" && peer openssl s_server -quiet -WWW -accept 127.0.0.1:"$port" \
    -cert "$CERTS/server.pem" -key "$CERTS/server.key" >/dev/null 2>&1) &
up=$(free_port)
peer python3 "$ROOT/tests/programs/https_sink.py" "$up" "$CERTS/server.pem" "$CERTS/server.key" "$DATA" &
wait_port "$port" && wait_port "$up" || { fail "servers did not start"; finish; exit; }

for mode in $MODES; do
  uses_shim "[$mode] curl" "$(libssl_of_cmd "$mode" curl)"
  got=$(shim "$mode" curl -sS --cacert "$CERTS/ca.pem" "https://localhost:$port/data.bin" | sha256sum | cut -c1-64)
  expect "[$mode] download of 20 MB from s_server -WWW" "$DATA_SHA" "$got"
  got=$(shim "$mode" curl -sS --cacert "$CERTS/ca.pem" -T "$DATA" "https://localhost:$up/upload")
  expect "[$mode] upload of 20 MB with -T" "$DATA_SHA" "$got"
  shim "$mode" curl -sS -o /dev/null "https://localhost:$port/data.bin" 2>"$WORK/untrusted.err"
  expect "[$mode] without --cacert the server is refused (exit 60)" 60 $?
  quiet "$mode"
done
finish
