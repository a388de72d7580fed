#!/bin/bash
# Test PKI for the differential harness: a CA and a localhost server cert.
# Usage: certs.sh OUTDIR
set -eu
out=${1:?usage: certs.sh OUTDIR}
mkdir -p "$out"
cd "$out"

if [ -s ca.pem ] && [ -s ca.key ] && [ -s server.pem ] && [ -s server.key ] && [ -s chain.pem ] &&
    [ -s inter_leaf_chain.pem ] && [ -s clientonly.pem ] && [ -s serveronly.pem ]; then
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

# Verification cases (ctests/t_verify_*): leaves that fail in each of
# OpenSSL's ways, made with fixed dates since the clock cannot be moved.
vtmp=$(mktemp -d)
trap 'rm -rf "$vtmp"' EXIT
cp ca.pem ca.key "$vtmp/"
cd "$vtmp"

ec_req() { # name CN
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null
}
cat > leaf.cnf <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
cat > wrong.cnf <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=DNS:wrong.example
EXT
# Leaves whose extended key usage allows one role only.
for role in client server; do
  cat > "${role}only.cnf" <<EXT
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=${role}Auth
subjectAltName=DNS:localhost,IP:127.0.0.1
EXT
done
cat > ca_ext.cnf <<'EXT'
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
EXT
# `openssl ca` takes fixed start and end dates, which `x509 -req` in 3.0 does not.
mkdir -p db
: > db/index.txt
echo 01 > db/serial
cat > ca.cnf <<'CNF'
[ca]
default_ca = test
[test]
database = db/index.txt
new_certs_dir = db
serial = db/serial
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
CNF
signed_on() { # name startdate enddate extfile
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -notext \
        -in "$1.csr" -out "$1.pem" -startdate "$2" -enddate "$3" -extfile "$4" 2>/dev/null
}
ec_req expired localhost;   signed_on expired 20000101000000Z 20010101000000Z leaf.cnf
ec_req notyet localhost;    signed_on notyet 20900101000000Z 20910101000000Z leaf.cnf

ec_req wronghost wrong.example
openssl x509 -req -days 3650 -in wronghost.csr -CA ca.pem -CAkey ca.key \
    -set_serial 0x2001 -extfile wrong.cnf -out wronghost.pem 2>/dev/null

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -keyout selfsigned.key -out selfsigned.pem -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost" -addext "basicConstraints=critical,CA:FALSE" 2>/dev/null

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -keyout other_ca.key -out other_ca.pem -subj "/CN=sslshim other CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
ec_req other_leaf localhost
openssl x509 -req -days 3650 -in other_leaf.csr -CA other_ca.pem -CAkey other_ca.key \
    -set_serial 0x2002 -extfile leaf.cnf -out other_leaf.pem 2>/dev/null

ec_req inter "sslshim intermediate CA"
openssl x509 -req -days 3650 -in inter.csr -CA ca.pem -CAkey ca.key \
    -set_serial 0x2003 -extfile ca_ext.cnf -out inter.pem 2>/dev/null
ec_req inter_leaf localhost
openssl x509 -req -days 3650 -in inter_leaf.csr -CA inter.pem -CAkey inter.key \
    -set_serial 0x2004 -extfile leaf.cnf -out inter_leaf.pem 2>/dev/null
cat inter_leaf.pem inter.pem > inter_leaf_chain.pem
serial=0x2005
for role in client server; do
  ec_req "${role}only" localhost
  openssl x509 -req -days 3650 -in "${role}only.csr" -CA ca.pem -CAkey ca.key \
      -set_serial $serial -extfile "${role}only.cnf" -out "${role}only.pem" 2>/dev/null
  serial=0x2006
done

cd "$out"
for f in expired notyet wronghost selfsigned other_ca other_leaf inter inter_leaf clientonly serveronly; do
    install -m 600 "$vtmp/$f.key" "$f.key"
    install -m 644 "$vtmp/$f.pem" "$f.pem"
done
install -m 644 "$vtmp/inter_leaf_chain.pem" inter_leaf_chain.pem
