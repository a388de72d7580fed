#!/usr/bin/env bash
# haproxy on sslshim, as a TLS terminator in front of a plain HTTP backend and
# as a TLS client of an HTTPS backend (on the system OpenSSL) that it
# verifies against a CA file; a backend whose certificate does not verify is
# refused with 503. curl, on the system OpenSSL, moves 20 MB each way, over
# HTTP/1.1 and over HTTP/2 (ALPN). The terminator holds three certificates
# and picks one in its ClientHello callback, by SNI and, for localhost's RSA
# and ECDSA pair, by the signature algorithms offered; it seals tickets under
# its tls-ticket-keys (which a second connection resumes with) and has DH
# parameters configured.
source "$(dirname "$0")/lib.sh"

cat "$CERTS/server.pem" "$CERTS/server.key" > "$WORK/combined.pem"
# A second certificate, for alt.test, from the same CA.
peer openssl req -newkey rsa:2048 -nodes -subj /CN=alt.test -keyout "$WORK/alt.key" \
  -out "$WORK/alt.csr" 2>/dev/null
peer openssl x509 -req -in "$WORK/alt.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca.key" \
  -set_serial 0x2002 -days 30 -extfile <(echo subjectAltName=DNS:alt.test) \
  -out "$WORK/alt.pem" 2>/dev/null
cat "$WORK/alt.pem" "$WORK/alt.key" > "$WORK/alt-combined.pem"
# An ECDSA certificate for localhost, besides the RSA one.
peer openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
  -keyout "$WORK/ec.key" -out "$WORK/ec.csr" 2>/dev/null
peer openssl x509 -req -in "$WORK/ec.csr" -CA "$CERTS/ca.pem" -CAkey "$CERTS/ca.key" \
  -set_serial 0x3003 -days 30 -extfile <(echo subjectAltName=DNS:localhost) \
  -out "$WORK/ec.pem" 2>/dev/null
cat "$WORK/ec.pem" "$WORK/ec.key" > "$WORK/ec-combined.pem"
for _ in 1 2 3; do peer openssl rand -base64 48; done > "$WORK/tickets.key"
# A backend certificate no CA we trust signed.
peer openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost -keyout "$WORK/rogue.key" -out "$WORK/rogue.pem" 2>/dev/null

plain=$(free_port); tls=$(free_port); rogue=$(free_port)
peer python3 "$ROOT/tests/programs/http_sink.py" "$plain" "$DATA" &
peer python3 "$ROOT/tests/programs/https_sink.py" "$tls" "$CERTS/server.pem" "$CERTS/server.key" "$DATA" &
peer python3 "$ROOT/tests/programs/https_sink.py" "$rogue" "$WORK/rogue.pem" "$WORK/rogue.key" "$DATA" &
wait_port "$plain" && wait_port "$tls" && wait_port "$rogue" || { fail "backends did not start"; finish; exit; }

for mode in $MODES; do
  front=$(free_port); back=$(free_port); bad=$(free_port)
  cat > "$WORK/$mode.cfg" <<CFG
global
  log stderr format raw local0 info
  nbthread 2
  tune.ssl.default-dh-param 2048
defaults
  mode http
  log global
  option httplog
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend tls_in
  bind 127.0.0.1:$front ssl crt $WORK/combined.pem crt $WORK/alt-combined.pem crt $WORK/ec-combined.pem alpn h2,http/1.1 tls-ticket-keys $WORK/tickets.key
  default_backend plain
backend plain
  server s0 127.0.0.1:$plain
frontend plain_in
  bind 127.0.0.1:$back
  default_backend tls
backend tls
  server s1 127.0.0.1:$tls ssl verify required ca-file $CERTS/ca.pem sni str(localhost)
frontend rogue_in
  bind 127.0.0.1:$bad
  default_backend rogue
backend rogue
  server s2 127.0.0.1:$rogue ssl verify required ca-file $CERTS/ca.pem sni str(localhost)
CFG
  # The shell records its pid and becomes haproxy, so the pid is haproxy's.
  shim "$mode" sh -c 'echo $$ > "$1"; exec haproxy -db -f "$2"' sh "$WORK/$mode.pid" "$WORK/$mode.cfg" >/dev/null &
  if ! wait_port "$front" || ! wait_port "$back"; then fail "[$mode] haproxy did not start"; continue; fi
  pid=$(cat "$WORK/$mode.pid")
  uses_shim "[$mode] haproxy" "$(libssl_of_pid "$pid")"

  got=$(peer curl -sS -m 60 --cacert "$CERTS/ca.pem" "https://localhost:$front/data" | sha256sum | cut -c1-64)
  expect "[$mode] download of 20 MB through TLS termination" "$DATA_SHA" "$got"
  got=$(peer curl -sS -m 60 --cacert "$CERTS/ca.pem" -T "$DATA" "https://localhost:$front/upload")
  expect "[$mode] upload of 20 MB through TLS termination" "$DATA_SHA" "$got"
  got=$(peer curl -sS -m 60 --http2 --cacert "$CERTS/ca.pem" -w '%{http_version} ' "https://localhost:$front/data" -o "$WORK/h2.bin")
  expect "[$mode] download of 20 MB over HTTP/2, chosen by ALPN" "2 $DATA_SHA" "$got$(sha "$WORK/h2.bin")"
  got=$(peer curl -sS -m 60 --http2 --cacert "$CERTS/ca.pem" -T "$DATA" "https://localhost:$front/upload")
  expect "[$mode] upload of 20 MB over HTTP/2" "$DATA_SHA" "$got"
  got=$(peer curl -sS -m 60 --cacert "$CERTS/ca.pem" --resolve "alt.test:$front:127.0.0.1" \
    -o /dev/null -w '%{http_code}' "https://alt.test:$front/data")
  expect "[$mode] SNI alt.test gets the alt.test certificate" 200 "$got"
  peer curl -sS -m 60 --cacert "$CERTS/ca.pem" --resolve "other.test:$front:127.0.0.1" \
    -o /dev/null "https://other.test:$front/data" 2>/dev/null
  expect "[$mode] an unknown name gets the default certificate, which curl refuses (exit 60)" 60 $?
  for pick in "rsa_pss_rsae_sha256:rsa_pkcs1_sha256 2048" "ecdsa_secp256r1_sha256 256"; do
    got=$(peer openssl s_client -connect "127.0.0.1:$front" -servername localhost \
      -sigalgs "${pick% *}" -CAfile "$CERTS/ca.pem" -verify_return_error </dev/null 2>&1 |
      grep -o 'Server public key is [0-9]* bit')
    expect "[$mode] a client offering ${pick% *} gets the ${pick#* }-bit key" \
      "Server public key is ${pick#* } bit" "$got"
  done
  # s_client exits at EOF on its stdin; the sleep lets the tickets arrive first.
  for round in first second; do
    (sleep 1) | peer openssl s_client -connect "127.0.0.1:$front" -servername localhost \
      -CAfile "$CERTS/ca.pem" -verify_return_error \
      $([ $round = first ] && echo -sess_out || echo -sess_in) "$WORK/$mode.session" \
      > "$WORK/$mode.$round.s_client" 2>&1
  done
  got=$(grep -o '^\(New\|Reused\), TLSv1.3' "$WORK/$mode.second.s_client")
  expect "[$mode] a session ticket sealed under tls-ticket-keys resumes" "Reused, TLSv1.3" "$got"

  got=$(peer curl -sS -m 60 "http://127.0.0.1:$back/data" | sha256sum | cut -c1-64)
  expect "[$mode] download of 20 MB from a verified TLS backend" "$DATA_SHA" "$got"
  got=$(peer curl -sS -m 60 -T "$DATA" "http://127.0.0.1:$back/upload")
  expect "[$mode] upload of 20 MB to a verified TLS backend" "$DATA_SHA" "$got"
  got=$(peer curl -s -m 60 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$bad/data")
  expect "[$mode] a backend whose certificate does not verify is refused" 503 "$got"

  kill "$pid"
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  quiet "$mode"
done
finish
