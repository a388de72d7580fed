#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/ (committed; rerun only to
change them). The peers are Python's ssl module on the system OpenSSL,
exchanging a real first flight in memory: a ClientHello for the server
target, a server's answer for the client target. The first byte of each
seed is the targets' knob byte (see src/lib.rs): 0 feeds the bytes at
once, 1 byte by byte, 2 in 5-byte pieces; 0x40 makes the client TLS 1.2
only."""
import os
import ssl

here = os.path.dirname(os.path.abspath(__file__))
cert, key = os.path.join(here, "certs/cert.pem"), os.path.join(here, "certs/key.pem")


def flights(max_version):
    cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cctx.check_hostname = False
    cctx.verify_mode = ssl.CERT_NONE
    cctx.maximum_version = max_version
    sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sctx.load_cert_chain(cert, key)
    ci, co, si, so = (ssl.MemoryBIO() for _ in range(4))
    c = cctx.wrap_bio(ci, co, server_hostname="localhost")
    s = sctx.wrap_bio(si, so, server_side=True)
    try:
        c.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = co.read()
    si.write(hello)
    try:
        s.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return hello, so.read()


def put(target, name, data):
    d = os.path.join(here, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


for label, version in (("13", ssl.TLSVersion.TLSv1_3), ("12", ssl.TLSVersion.TLSv1_2)):
    hello, answer = flights(version)
    tls12 = 0x40 if label == "12" else 0
    for knob, how in ((0, "whole"), (1, "bytewise"), (2, "pieces")):
        put("server_bytes", f"hello{label}_{how}", bytes([knob]) + hello)
        put("client_bytes", f"answer{label}_{how}", bytes([knob | tls12]) + answer)

# API programs: setup byte (bit 0 TLS 1.2, bit 1 handshake first), the two
# BIO capacities, then (op, arg_hi, arg_lo) triples; op bit 7 picks the side.
put("api_sequence", "write_read", bytes([2, 14, 14, 0x00, 0x10, 0x00, 0x83, 0x20, 0x00]))
put("api_sequence", "small_pair", bytes([0, 4, 4, 0x00, 0x30, 0x00, 0x83, 0x40, 0x00, 0x06, 0, 0]))
put("api_sequence", "modes", bytes([3, 10, 12, 0x07, 0, 1, 0x08, 0, 1, 0x00, 0x7f, 0xff,
                                    0x83, 0x00, 0x10, 0x0a, 0, 1, 0x09, 0, 3]))
