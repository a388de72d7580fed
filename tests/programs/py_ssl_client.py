"""The client side of tests/programs/python.sh, run by the distribution's
Python on whichever libssl the loader gives it. Prints one line per check.

    python3 py_ssl_client.py maps
    python3 py_ssl_client.py get PORT CAFILE          # sha256 of GET /data
    python3 py_ssl_client.py put PORT CAFILE FILE     # the server's sha256
    python3 py_ssl_client.py refused PORT [CAFILE [HOST]]
    python3 py_ssl_client.py info PORT CAFILE         # what the ssl module reports
    python3 py_ssl_client.py serve PORT CERT KEY      # one HTTPS request, then a report
"""
import hashlib
import http.client
import os
import socket
import ssl
import sys
import urllib.request
import warnings


def maps():
    libs = sorted({line.split()[-1] for line in open("/proc/self/maps")
                   if line.rstrip().endswith("libssl.so.3")})
    print(" ".join(libs))


def get(port, cafile):
    ctx = ssl.create_default_context(cafile=cafile)
    h = hashlib.sha256()
    with urllib.request.urlopen(f"https://localhost:{port}/data", context=ctx) as r:
        while True:
            b = r.read(1 << 16)
            if not b:
                break
            h.update(b)
    print(h.hexdigest())


def put(port, cafile, path):
    ctx = ssl.create_default_context(cafile=cafile)
    conn = http.client.HTTPSConnection("localhost", port, context=ctx)
    with open(path, "rb") as f:
        conn.request("PUT", "/upload", body=f,
                     headers={"Content-Length": str(os.path.getsize(path))})
    r = conn.getresponse()
    print(r.read().decode().strip())


def refused(port, cafile=None, host="localhost"):
    # Without a CA file the default context trusts the system's roots, which
    # do not include the test CA.
    ctx = ssl.create_default_context(cafile=cafile)
    try:
        with socket.create_connection(("127.0.0.1", port)) as raw:
            with ctx.wrap_socket(raw, server_hostname=host) as s:
                print("connected", s.version())
    except ssl.SSLCertVerificationError as e:
        print("SSLCertVerificationError", e.verify_code, e.verify_message, e.reason)


def info(port, cafile):
    # Suites both libraries have, so that the lists can be compared.
    ctx = ssl.create_default_context(cafile=cafile)
    print("security level", ctx.security_level)
    ctx.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
    for c in ctx.get_ciphers():
        print(c["name"], c["protocol"], c["description"], c["strength_bits"], c["aead"])
    for proto in ("PROTOCOL_TLSv1_2", "PROTOCOL_TLS_CLIENT"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx = ssl.SSLContext(getattr(ssl, proto))
        ctx.load_verify_locations(cafile)
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.set_ciphers("ECDHE+AESGCM")
        with socket.create_connection(("127.0.0.1", port)) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                chain = s._sslobj.get_verified_chain() if hasattr(s._sslobj, "get_verified_chain") else []
                # Not get_channel_binding("tls-unique"): rustls does not
                # expose the Finished message it is made of.
                print(proto, s.version(), s.cipher()[0], s.getpeercert()["subject"], len(chain))


def serve(port, cert, key):
    # The server's suites are those both libraries have, so that what it
    # shares with the client can be compared.
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.set_ciphers("ECDHE+AESGCM:ECDHE+CHACHA20")
    with socket.create_server(("127.0.0.1", int(port))) as ls:
        raw, _ = ls.accept()
        with ctx.wrap_socket(raw, server_side=True) as s:
            while not s.recv(4096).endswith(b"\r\n\r\n"):
                pass
            s.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
            shared = sorted(c[0] for c in s.shared_ciphers() or [])
            print(s.version(), s.cipher()[0], len(shared), " ".join(shared))


cmd, args = sys.argv[1], sys.argv[2:]
{"maps": maps, "get": get, "put": put, "refused": refused, "info": info,
 "serve": serve}[cmd](*args)
