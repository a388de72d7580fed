#!/usr/bin/env bash
# socat on sslshim, as a TLS client (OPENSSL:, verifying localhost against
# cafile=) and as a TLS server (OPENSSL-LISTEN:) to peers on the system
# OpenSSL's socat: 20 MB each way in each role, hashed where it arrives; and a
# client that trusts another CA is refused.
source "$(dirname "$0")/lib.sh"

SRV="cert=$CERTS/server.pem,key=$CERTS/server.key,verify=0"
CLI="cafile=$CERTS/ca.pem"
T=120

# A CA that did not sign the server's certificate.
peer openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=other CA" \
  -keyout "$WORK/other.key" -out "$WORK/other.pem" 2>/dev/null

# shim_listen MODE PORT DIRECTION: our socat as server in the background;
# "in" stores what it receives in $WORK/got, "out" sends $DATA.
shim_listen() {
  local mode=$1 port=$2
  if [ "$3" = in ]; then
    shim "$mode" timeout $T socat -u "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,$SRV" \
      "CREATE:$WORK/got" &
  else
    shim "$mode" timeout $T socat -u "OPEN:$DATA" \
      "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,$SRV" &
  fi
}

for mode in $MODES; do
  uses_shim "[$mode] socat" "$(libssl_of_cmd "$mode" socat)"

  # Client: upload to the system's socat, which hashes what it receives.
  port=$(free_port); rm -f "$WORK/got"
  peer timeout $T socat -u "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,$SRV" \
    "CREATE:$WORK/got" &
  srv=$!
  wait_port "$port" || fail "[$mode] peer server did not start"
  shim "$mode" timeout $T socat -u "OPEN:$DATA" "OPENSSL:localhost:$port,$CLI"
  expect "[$mode] client sends 20 MB (socat exit)" 0 $?
  reap "$srv"
  expect "[$mode] client sends 20 MB (hash at the server)" "$DATA_SHA" "$(sha "$WORK/got")"

  # Client: download from the system's socat.
  port=$(free_port)
  peer timeout $T socat -u "OPEN:$DATA" "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,$SRV" &
  srv=$!
  wait_port "$port" || fail "[$mode] peer server did not start"
  got=$(shim "$mode" timeout $T socat -u "OPENSSL:localhost:$port,$CLI" STDOUT | sha256sum | cut -c1-64)
  expect "[$mode] client receives 20 MB (hash)" "$DATA_SHA" "$got"
  reap "$srv"

  # Client: a server whose CA the client does not trust is refused.
  port=$(free_port)
  peer timeout $T socat -u "OPEN:$DATA" "OPENSSL-LISTEN:$port,bind=127.0.0.1,reuseaddr,$SRV" \
    2>/dev/null &
  srv=$!
  wait_port "$port" || fail "[$mode] peer server did not start"
  got=$(shim "$mode" timeout $T socat -u "OPENSSL:localhost:$port,cafile=$WORK/other.pem" STDOUT \
    2>"$WORK/refused.err" | wc -c)
  expect "[$mode] an untrusted server is refused (no bytes)" 0 "$got"
  # shim's stderr passes through tee in a process substitution, which may
  # still be writing when socat has exited.
  for _ in $(seq 30); do grep -q 'verify failed' "$WORK/refused.err" && break; sleep 0.1; done
  # What socat said goes into the message, should this ever fail.
  why=$(grep -o 'certificate verify failed' "$WORK/refused.err" | head -1)
  expect "[$mode] an untrusted server is refused (socat says why)" "certificate verify failed" \
    "${why:-$(tr '\n' ' ' < "$WORK/refused.err" | head -c 300)}"

  reap "$srv"

  # Server: receives from the system's socat and stores it.
  port=$(free_port); rm -f "$WORK/got"
  shim_listen "$mode" "$port" in
  srv=$!
  wait_port "$port" || fail "[$mode] socat server did not start"
  uses_shim "[$mode] socat OPENSSL-LISTEN" "$(libssl_of_pid "$(pid_on_port "$port")")"
  peer timeout $T socat -u "OPEN:$DATA" "OPENSSL:localhost:$port,$CLI"
  expect "[$mode] server receives 20 MB (peer exit)" 0 $?
  reap "$srv"
  expect "[$mode] server receives 20 MB (hash)" "$DATA_SHA" "$(sha "$WORK/got")"

  # Server: sends to the system's socat, which hashes it.
  port=$(free_port)
  shim_listen "$mode" "$port" out
  srv=$!
  wait_port "$port" || fail "[$mode] socat server did not start"
  got=$(peer timeout $T socat -u "OPENSSL:localhost:$port,$CLI" STDOUT | sha256sum | cut -c1-64)
  expect "[$mode] server sends 20 MB (hash at the client)" "$DATA_SHA" "$got"
  reap "$srv"
  quiet "$mode"
done
finish
