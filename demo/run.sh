#!/usr/bin/env bash
# Real programs moving data over TLS through target/release/libssl.so.3, each
# talking to the system's own `openssl s_server`, every transfer checked by hash.
set -u
cd "$(dirname "$0")/.."
LIB_DIR=$PWD/target/release
WORK=$PWD/target/demo
mkdir -p "$WORK"
bash ctests/certs.sh "$WORK/certs" >/dev/null
CERTS=$WORK/certs

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sha() { sha256sum "$1" | cut -c1-64; }
# Peers run on the system OpenSSL, never on the library under test.
peer() { env -u LD_LIBRARY_PATH -u LD_PRELOAD "$@"; }
# Ready once listening; a probe connection would use up one of -naccept.
wait_port() { for _ in $(seq 100); do ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.1; done; return 1; }
libssl_of() { # which libssl.so.3 the dynamic loader gives a program
  env "$@" ldd "$(command -v curl)" | grep -o '/[^ ]*libssl\.so\.3' | head -1
}

passed=0; failed=0
report() { # name, expected hash, actual hash, detail
  if [ "$2" = "$3" ]; then passed=$((passed+1)); echo "  OK    $1: $4, sha256 matches"; else failed=$((failed+1)); echo "  FAIL  $1: $4, sha256 differs"; fi
}

echo "sslshim demo: unmodified OpenSSL programs, TLS through $LIB_DIR/libssl.so.3"
echo "peers: the system's openssl s_server ($(peer openssl version | cut -d' ' -f1-2))"
echo

echo "1. A C program built against OpenSSL's headers and linked to sslshim:"
echo "   cc demo/client.c -L target/release -lssl -lcrypto"
cc -O2 -Wall -o "$WORK/client" demo/client.c -L"$LIB_DIR" -lssl -lcrypto -Wl,-rpath,"$LIB_DIR" || exit 1
echo "   (its libssl.so.3: $(ldd "$WORK/client" | awk '/libssl.so.3/ {print $3}'))"
for mode in blocking nonblocking; do
  port=$(free_port)
  # s_server sends whatever arrives on its stdin: give it a pipe that stays
  # open and silent until the transfer is over.
  rm -f "$WORK/stdin.$mode"; mkfifo "$WORK/stdin.$mode"
  peer openssl s_server -quiet -naccept 1 -accept 127.0.0.1:"$port" \
      -cert "$CERTS/server.pem" -key "$CERTS/server.key" < "$WORK/stdin.$mode" > "$WORK/received.$mode" 2>/dev/null &
  server=$!
  exec 3> "$WORK/stdin.$mode"
  wait_port "$port"
  out=$(timeout 60 "$WORK/client" localhost "$port" "$CERTS/ca.pem" 3145728 "$mode")
  rc=$?
  wait "$server"
  exec 3>&-
  rm -f "$WORK/stdin.$mode"
  if [ $rc -ne 0 ]; then failed=$((failed+1)); echo "  FAIL  client $mode"; continue; fi
  echo "$out" | sed 's/^  /   /'
  sent=$(echo "$out" | sed -n 's/.*sha256 \([0-9a-f]*\)$/\1/p')
  report "3 MiB to s_server ($mode)" "$sent" "$(sha "$WORK/received.$mode")" "server received $(wc -c < "$WORK/received.$mode") bytes"
done
echo

echo "2. The distribution's curl ($(curl --version | head -1 | cut -d' ' -f1-2)), unmodified, verifying localhost with --cacert:"
head -c 20000000 /dev/urandom > "$WORK/payload.bin"
port=$(free_port)
(cd "$WORK" && peer openssl s_server -quiet -WWW -naccept 2 -accept 127.0.0.1:"$port" \
    -cert "$CERTS/server.pem" -key "$CERTS/server.key" </dev/null >/dev/null 2>&1) &
wait_port "$port"
for how in "LD_LIBRARY_PATH=$LIB_DIR" "LD_PRELOAD=$LIB_DIR/libssl.so.3"; do
  echo "   $how curl (its libssl.so.3: $(libssl_of "$how"))"
  rm -f "$WORK/downloaded.bin"
  env "$how" timeout 60 curl -sS --cacert "$CERTS/ca.pem" "https://localhost:$port/payload.bin" -o "$WORK/downloaded.bin"
  report "20 MB download (${how%%=*})" "$(sha "$WORK/payload.bin")" "$(sha "$WORK/downloaded.bin" 2>/dev/null)" \
    "received $(wc -c < "$WORK/downloaded.bin" 2>/dev/null || echo 0) bytes"
done
wait
echo
if [ "$failed" = 0 ]; then
  echo "RESULT: PASS, $passed of $passed transfers byte-exact through sslshim"
else
  echo "RESULT: FAIL, $failed of $((passed+failed)) transfers did not arrive intact"
  exit 1
fi
