#!/usr/bin/env bash
# The distribution's Python (/usr/bin/python3, whose _ssl links libssl.so.3;
# not whatever python3 comes first on PATH) on sslshim: as a client, a
# download with urllib and an upload with http.client over verified HTTPS
# from https_sink.py on the system OpenSSL, and the refusals of an untrusted
# server and of a wrong host name, reported as the system libssl reports them;
# as a server, https_sink.py itself on sslshim, fetched and fed by the
# system's curl. What the module reports of cipher lists, the security level,
# a PROTOCOL_TLSv1_2 context and the verified chain must be what it reports
# on the system libssl.
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3
CLIENT=$ROOT/tests/programs/py_ssl_client.py
SINK=$ROOT/tests/programs/https_sink.py

up=$(free_port)
peer "$PY" "$SINK" "$up" "$CERTS/server.pem" "$CERTS/server.key" "$DATA" &
wait_port "$up" || { fail "server did not start"; finish; exit; }

# What the system libssl reports, to be matched: the module's view of a
# context and of two connections, and each refusal.
want_info=$(peer "$PY" "$CLIENT" info "$up" "$CERTS/ca.pem")
want_untrusted=$(peer "$PY" "$CLIENT" refused "$up")
want_wronghost=$(peer "$PY" "$CLIENT" refused "$up" "$CERTS/ca.pem" wrong.example)
case $want_untrusted in SSLCertVerificationError\ 20\ *) ;; *)
  fail "the system libssl refuses an untrusted server with code 20 (got '$want_untrusted')";;
esac
case $want_wronghost in SSLCertVerificationError\ 62\ *) ;; *)
  fail "the system libssl refuses a wrong host with code 62 (got '$want_wronghost')";;
esac

# serve_once RUN [MODE]: a Python server for one request by the system's curl
# (TLS 1.2 at most), run as RUN says (peer, or shim MODE); prints its report.
serve_once() {
  local p out; p=$(free_port); out=$WORK/serve.$p
  "$@" timeout 60 "$PY" "$CLIENT" serve "$p" "$CERTS/server.pem" "$CERTS/server.key" >"$out" &
  local job=$!
  wait_port "$p" && peer curl -sS --tls-max 1.2 --cacert "$CERTS/ca.pem" "https://localhost:$p/" >/dev/null
  wait "$job"
  cat "$out"
}
want_serve=$(serve_once peer)

for mode in $MODES; do
  uses_shim "[$mode] import ssl" "$(shim "$mode" "$PY" "$CLIENT" maps)"
  got=$(shim "$mode" "$PY" "$CLIENT" get "$up" "$CERTS/ca.pem")
  expect "[$mode] urllib download of 20 MB" "$DATA_SHA" "$got"
  got=$(shim "$mode" "$PY" "$CLIENT" put "$up" "$CERTS/ca.pem" "$DATA")
  expect "[$mode] http.client PUT of 20 MB" "$DATA_SHA" "$got"
  got=$(shim "$mode" "$PY" "$CLIENT" info "$up" "$CERTS/ca.pem")
  expect "[$mode] ciphers, security level, TLSv1_2 and verified chain as with OpenSSL" "$want_info" "$got"
  got=$(shim "$mode" "$PY" "$CLIENT" refused "$up")
  expect "[$mode] an untrusted server is refused as by OpenSSL" "$want_untrusted" "$got"
  got=$(shim "$mode" "$PY" "$CLIENT" refused "$up" "$CERTS/ca.pem" wrong.example)
  expect "[$mode] a wrong host name is refused as by OpenSSL" "$want_wronghost" "$got"

  # Python as the server, on sslshim; the system's curl as its client.
  port=$(free_port)
  shim "$mode" "$PY" "$SINK" "$port" "$CERTS/server.pem" "$CERTS/server.key" "$DATA" &
  job=$!
  if wait_port "$port"; then
    srv=$(pgrep -f "https_sink.py $port" | head -1)
    uses_shim "[$mode] Python server" "$(libssl_of_pid "$srv")"
    got=$(peer curl -sS --cacert "$CERTS/ca.pem" "https://localhost:$port/data" | sha256sum | cut -c1-64)
    expect "[$mode] curl downloads 20 MB from Python's ssl server" "$DATA_SHA" "$got"
    got=$(peer curl -sS --cacert "$CERTS/ca.pem" -T "$DATA" "https://localhost:$port/upload")
    expect "[$mode] curl uploads 20 MB to Python's ssl server" "$DATA_SHA" "$got"
  else
    fail "[$mode] Python's ssl server did not start"
  fi
  pkill -TERM -P "$job"; kill "$job" 2>/dev/null; wait "$job" 2>/dev/null

  # What a Python server shares with a TLS 1.2 client, as on the system libssl.
  got=$(serve_once shim "$mode")
  expect "[$mode] a Python server's version, cipher and shared ciphers as with OpenSSL" "$want_serve" "$got"
  quiet "$mode"
done
finish
