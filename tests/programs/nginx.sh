#!/usr/bin/env bash
# nginx on sslshim: the distribution's nginx serves HTTPS from a private
# configuration; the system curl downloads 20 MB at full speed and at a
# limited rate (so nginx's nonblocking SSL_write is refused and retried), and
# uploads 20 MB with PUT, which nginx stores; every transfer is checked by hash.
# A second server takes its certificate from variables (nginx installs it
# from the certificate callback, with its chain), asks for a client
# certificate against a CA list, reads early data and sets its TLS 1.3 suite
# with ssl_conf_command; it answers with what it negotiated.
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/html" "$WORK/tmp"
cp "$DATA" "$WORK/html/data.bin"

# start_nginx MODE PORT: nginx in the foreground with one worker, everything
# it writes in $WORK. Prints the master's pid.
start_nginx() {
  local mode=$1 port=$2 port2=$3 d=$WORK/$1
  mkdir -p "$d/up"
  cat > "$d/nginx.conf" <<CONF
daemon off;
user root root;
master_process on;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log info;
events { worker_connections 64; }
http {
  access_log off;
  # With sendfile nginx asks the BIO whether kernel TLS sends (it never does
  # here) and otherwise writes through SSL_write; SSL_sendfile stays unused.
  sendfile on;
  client_body_temp_path $WORK/tmp/body-$mode;
  proxy_temp_path $WORK/tmp/proxy-$mode;
  fastcgi_temp_path $WORK/tmp/fastcgi-$mode;
  uwsgi_temp_path $WORK/tmp/uwsgi-$mode;
  scgi_temp_path $WORK/tmp/scgi-$mode;
  server {
    listen 127.0.0.1:$port ssl;
    server_name localhost;
    ssl_certificate $CERTS/chain.pem;
    ssl_certificate_key $CERTS/server.key;
    root $WORK/html;
    location /up/ {
      root $d;
      dav_methods PUT;
      client_max_body_size 0;
    }
  }
  server {
    listen 127.0.0.1:$port2 ssl;
    server_name localhost;
    ssl_certificate $WORK/pki/\$ssl_server_name.pem;
    ssl_certificate_key $WORK/pki/\$ssl_server_name.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_client_certificate $CERTS/ca.pem;
    ssl_verify_client optional;
    ssl_early_data on;
    ssl_conf_command Ciphersuites TLS_CHACHA20_POLY1305_SHA256;
    location / {
      return 200 "\$ssl_client_verify \$ssl_protocol \$ssl_cipher \$ssl_early_data\n";
    }
  }
}
CONF
  shim "$mode" nginx -p "$d" -c "$d/nginx.conf" &
  echo $!
}

# The certificate the second server finds by the name the client asks for:
# a leaf of the intermediate CA, sent with its chain.
mkdir -p "$WORK/pki"
cp "$CERTS/inter_leaf_chain.pem" "$WORK/pki/localhost.pem"
cp "$CERTS/inter_leaf.key" "$WORK/pki/localhost.key"

# The worker's pid, a child of the master.
worker_of() {
  local master p
  master=$(cat "$WORK/$1/nginx.pid" 2>/dev/null) || return 1
  for _ in $(seq 50); do
    p=$(pgrep -P "$master" -x nginx | head -1)
    [ -n "$p" ] && { echo "$p"; return 0; }
    sleep 0.1
  done
  return 1
}

for mode in $MODES; do
  port=$(free_port)
  port2=$(free_port)
  start_nginx "$mode" "$port" "$port2" >/dev/null
  if ! wait_port "$port" || ! wait_port "$port2"; then fail "[$mode] nginx did not start"; continue; fi
  url=https://localhost:$port
  worker=$(worker_of "$mode")
  uses_shim "[$mode] nginx worker" "$(libssl_of_pid "$worker")"

  got=$(peer curl -sS --cacert "$CERTS/ca.pem" "$url/data.bin" | sha256sum | cut -c1-64)
  expect "[$mode] download of 20 MB" "$DATA_SHA" "$got"
  # 20 MB at 5 MB/s: about four seconds of a full socket buffer.
  got=$(peer curl -sS --limit-rate 5M --cacert "$CERTS/ca.pem" "$url/data.bin" | sha256sum | cut -c1-64)
  expect "[$mode] download of 20 MB at a limited rate" "$DATA_SHA" "$got"
  code=$(peer curl -sS -o /dev/null -w '%{http_code}' --cacert "$CERTS/ca.pem" -T "$DATA" "$url/up/put.bin")
  expect "[$mode] upload of 20 MB with PUT is stored (201)" 201 "$code"
  expect "[$mode] the stored upload is intact" "$DATA_SHA" "$(sha "$WORK/$mode/up/put.bin" 2>/dev/null)"
  code=$(peer curl -sS -o /dev/null -w '%{http_code}' --cacert "$CERTS/ca.pem" "$url/missing")
  expect "[$mode] a missing file is 404 over TLS" 404 "$code"

  url2=https://localhost:$port2
  got=$(peer curl -sS --cacert "$CERTS/ca.pem" "$url2/")
  expect "[$mode] certificate from the callback, no client certificate" \
    "NONE TLSv1.3 TLS_CHACHA20_POLY1305_SHA256 " "$got"
  got=$(peer curl -sS --cacert "$CERTS/ca.pem" --cert "$CERTS/clientonly.pem" \
    --key "$CERTS/clientonly.key" "$url2/")
  expect "[$mode] a client certificate is asked for and verified" \
    "SUCCESS TLSv1.3 TLS_CHACHA20_POLY1305_SHA256 " "$got"
  got=$(peer curl -sS --tls-max 1.2 --cacert "$CERTS/ca.pem" --cert "$CERTS/clientonly.pem" \
    --key "$CERTS/clientonly.key" "$url2/")
  expect "[$mode] the same over TLS 1.2" "SUCCESS TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 " "$got"

  names=$(peer openssl s_client -connect "127.0.0.1:$port2" -servername localhost \
    -CAfile "$CERTS/ca.pem" </dev/null 2>/dev/null | sed -n '/^Acceptable client certificate CA names/{n;p}')
  expect "[$mode] the CertificateRequest names ssl_client_certificate's CA" "CN = sslshim test CA" "$names"

  kill -QUIT "$(cat "$WORK/$mode/nginx.pid")" 2>/dev/null
  for _ in $(seq 100); do ss -Hltn "sport = :$port" | grep -q . || break; sleep 0.1; done
  cat "$WORK/$mode/error.log" >> "$WORK/$mode.stderr" 2>/dev/null
  # nginx logs what it finds wrong with a connection (a stale error left on
  # the queue, a failed SSL call) at alert, crit or error, the 404 aside.
  bad=$(grep -E '\[(alert|crit|error|emerg)\]' "$WORK/$mode/error.log" | grep -v '/missing" failed')
  expect "[$mode] nginx logged no SSL trouble${bad:+: $bad}" "" "$bad"
  quiet "$mode"
done
finish
