#!/usr/bin/env bash
# nginx on sslshim: the distribution's nginx serves HTTPS from a private
# configuration; the system curl downloads 20 MB at full speed and at a
# limited rate (so nginx's nonblocking SSL_write is refused and retried), and
# uploads 20 MB with PUT, which nginx stores; every transfer is checked by hash.
source "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/html" "$WORK/tmp"
cp "$DATA" "$WORK/html/data.bin"

# start_nginx MODE PORT: nginx in the foreground with one worker, everything
# it writes in $WORK. Prints the master's pid.
start_nginx() {
  local mode=$1 port=$2 d=$WORK/$1
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
}
CONF
  shim "$mode" nginx -p "$d" -c "$d/nginx.conf" &
  echo $!
}

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
  start_nginx "$mode" "$port" >/dev/null
  if ! wait_port "$port"; then fail "[$mode] nginx did not start"; continue; fi
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
