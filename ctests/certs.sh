#!/bin/bash
# Test PKI for the differential harness: a CA and a localhost server cert.
# Usage: certs.sh OUTDIR
set -eu
out=${1:?usage: certs.sh OUTDIR}
mkdir -p "$out"
cd "$out"

if [ -s ca.pem ] && [ -s ca.key ] && [ -s server.pem ] && [ -s server.key ] && [ -s chain.pem ]; then
    exit 0
fi

# Peers and the library under test must both run on the system OpenSSL here.
unset LD_PRELOAD LD_LIBRARY_PATH
export OPENSSL_CONF=/dev/null

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -keyout "$tmp/ca.key" -out "$tmp/ca.pem" \
    -subj "/CN=sslshim test CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null

openssl req -newkey rsa:2048 -nodes -sha256 \
    -keyout "$tmp/server.key" -out "$tmp/server.csr" \
    -subj "/CN=localhost" 2>/dev/null

cat > "$tmp/ext.cnf" <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EXT

openssl x509 -req -sha256 -days 3650 -in "$tmp/server.csr" \
    -CA "$tmp/ca.pem" -CAkey "$tmp/ca.key" -set_serial 0x1001 \
    -extfile "$tmp/ext.cnf" -out "$tmp/server.pem" 2>/dev/null

cat "$tmp/server.pem" "$tmp/ca.pem" > "$tmp/chain.pem"

# Publish all files together so a partial run is never mistaken for complete.
for f in ca.key server.key; do install -m 600 "$tmp/$f" "$f"; done
for f in ca.pem server.pem chain.pem; do install -m 644 "$tmp/$f" "$f"; done
