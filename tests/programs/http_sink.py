"""A plain HTTP server on loopback, the backend behind a TLS-terminating
proxy: https_sink.py's handler without TLS (the SHA-256 of each PUT or POST
body; the file named on the command line for each GET).

    python3 http_sink.py PORT DATAFILE
"""
import http.server
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from https_sink import Handler  # noqa: E402

Handler.data_file = sys.argv[2]
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
