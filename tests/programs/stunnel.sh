#!/usr/bin/env bash
# stunnel4 on sslshim, one process per MODE with five services: as a TLS
# server in front of a plain listener, receiving and sending 20 MB; as a TLS
# client (verifyChain, CAfile, checkHost) in front of the system's socat as
# TLS server, sending and receiving 20 MB; and a client trusting another CA,
# whose connection is refused. Hashes are taken where the data arrives.
source "$(dirname "$0")/lib.sh"

T=120
SRV="cert=$CERTS/server.pem,key=$CERTS/server.key,verify=0"
peer openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=other CA" \
  -keyout "$WORK/other.key" -out "$WORK/other.pem" 2>/dev/null

for mode in $MODES; do
  # Each service: stunnel's port (p_*) and the port behind it (b_*).
  for s in srv_in srv_out cli_in cli_out cli_bad; do
    eval "p_$s=$(free_port) b_$s=$(free_port)"
  done
  log=$WORK/$mode.log
  conf=$WORK/$mode.conf
  cat > "$conf" <<EOF
foreground = yes
pid =
output = $log
debug = info
syslog = no

[srv_in]
accept = 127.0.0.1:$p_srv_in
connect = 127.0.0.1:$b_srv_in
cert = $CERTS/server.pem
key = $CERTS/server.key

[srv_out]
accept = 127.0.0.1:$p_srv_out
connect = 127.0.0.1:$b_srv_out
cert = $CERTS/server.pem
key = $CERTS/server.key

[cli_in]
client = yes
accept = 127.0.0.1:$p_cli_in
connect = 127.0.0.1:$b_cli_in
verifyChain = yes
CAfile = $CERTS/ca.pem
checkHost = localhost

[cli_out]
client = yes
accept = 127.0.0.1:$p_cli_out
connect = 127.0.0.1:$b_cli_out
verifyChain = yes
CAfile = $CERTS/ca.pem
checkHost = localhost

[cli_bad]
client = yes
accept = 127.0.0.1:$p_cli_bad
connect = 127.0.0.1:$b_cli_bad
verifyChain = yes
CAfile = $WORK/other.pem
checkHost = localhost
EOF
  : > "$log"
  shim "$mode" stunnel4 "$conf" &
  tunnel=$!
  if ! wait_port "$p_srv_in" || ! wait_port "$p_cli_bad"; then
    fail "[$mode] stunnel did not start"
    reap "$tunnel"; cat "$log" >> "$WORK/$mode.stderr"
    continue
  fi
  uses_shim "[$mode] stunnel4" "$(libssl_of_pid "$(pid_on_port "$p_srv_in")")"

  # Server: a TLS client sends 20 MB, the plain listener behind stores it.
  rm -f "$WORK/got"
  peer timeout $T socat -u "TCP-LISTEN:$b_srv_in,bind=127.0.0.1,reuseaddr" "CREATE:$WORK/got" &
  sink=$!
  wait_port "$b_srv_in"
  peer timeout $T socat -u "OPEN:$DATA" "OPENSSL:localhost:$p_srv_in,cafile=$CERTS/ca.pem"
  expect "[$mode] server: TLS client sends 20 MB (exit)" 0 $?
  reap "$sink"
  expect "[$mode] server: 20 MB arrive behind it (hash)" "$DATA_SHA" "$(sha "$WORK/got")"

  # Server: the plain listener sends 20 MB, the TLS client hashes them.
  peer timeout $T socat -u "OPEN:$DATA" "TCP-LISTEN:$b_srv_out,bind=127.0.0.1,reuseaddr" &
  src=$!
  wait_port "$b_srv_out"
  got=$(peer timeout $T socat -u "OPENSSL:localhost:$p_srv_out,cafile=$CERTS/ca.pem" STDOUT | sha256sum | cut -c1-64)
  expect "[$mode] server: TLS client receives 20 MB (hash)" "$DATA_SHA" "$got"
  reap "$src"

  # Client: a plain client sends 20 MB to a TLS server behind stunnel.
  rm -f "$WORK/got"
  peer timeout $T socat -u "OPENSSL-LISTEN:$b_cli_in,bind=127.0.0.1,reuseaddr,$SRV" "CREATE:$WORK/got" &
  sink=$!
  wait_port "$b_cli_in"
  peer timeout $T socat -u "OPEN:$DATA" "TCP:127.0.0.1:$p_cli_in"
  expect "[$mode] client: plain client sends 20 MB (exit)" 0 $?
  reap "$sink"
  expect "[$mode] client: 20 MB arrive at the TLS server (hash)" "$DATA_SHA" "$(sha "$WORK/got")"

  # Client: the TLS server sends 20 MB, the plain client hashes them.
  peer timeout $T socat -u "OPEN:$DATA" "OPENSSL-LISTEN:$b_cli_out,bind=127.0.0.1,reuseaddr,$SRV" &
  src=$!
  wait_port "$b_cli_out"
  got=$(peer timeout $T socat -u "TCP:127.0.0.1:$p_cli_out" STDOUT | sha256sum | cut -c1-64)
  expect "[$mode] client: plain client receives 20 MB (hash)" "$DATA_SHA" "$got"
  reap "$src"

  # Client: a server certificate from another CA is refused; nothing passes.
  peer timeout $T socat -u "OPEN:$DATA" "OPENSSL-LISTEN:$b_cli_bad,bind=127.0.0.1,reuseaddr,$SRV" \
    2>/dev/null &
  src=$!
  wait_port "$b_cli_bad"
  got=$(peer timeout $T socat -u "TCP:127.0.0.1:$p_cli_bad" STDOUT 2>/dev/null | wc -c)
  expect "[$mode] client: untrusted server refused (no bytes)" 0 "$got"
  reap "$src"
  grep -q 'certificate verify failed' "$log"
  expect "[$mode] client: stunnel logs the verification failure" 0 $?

  reap "$tunnel"
  cat "$log" >> "$WORK/$mode.stderr"
  quiet "$mode"
done
finish
