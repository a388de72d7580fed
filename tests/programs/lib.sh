# Sourced by tests/programs/<program>.sh: distribution programs, unmodified,
# moving 20 MB over TLS through target/release/libssl.so.3, each run twice:
# with LD_LIBRARY_PATH (MODE=path) and with LD_PRELOAD (MODE=preload). Peers run
# on the system OpenSSL. A run passes when the data arrives with its hash, the
# program had our library mapped and not the system's, and our library logged
# no unimplemented function or ctrl command.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LIB_DIR=$ROOT/target/release
SHIM=$LIB_DIR/libssl.so.3
NAME=$(basename "$0" .sh)
WORK=$ROOT/target/programs/$NAME
MODES=${MODES:-path preload}
rm -rf "$WORK"
mkdir -p "$WORK"
bash "$ROOT/ctests/certs.sh" "$ROOT/target/programs/certs" >/dev/null || exit 1
CERTS=$ROOT/target/programs/certs # ca.pem, server.pem (CN=localhost), server.key, chain.pem
export OPENSSL_CONF=/dev/null # the same settings for both libraries

# 20 MB of random bytes, made once and shared by every program's test.
DATA=$ROOT/target/programs/data.bin
if [ ! -s "$DATA" ]; then
  head -c 20000000 /dev/urandom > "$DATA.tmp" && mv "$DATA.tmp" "$DATA"
fi
sha() { sha256sum "$1" | cut -c1-64; }
DATA_SHA=$(sha "$DATA")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 150); do ss -Hltn "sport = :$1" | grep -q . && return 0; sleep 0.1; done; return 1; }
# Runs a command on the system OpenSSL, whatever the caller's environment.
peer() { env -u LD_LIBRARY_PATH -u LD_PRELOAD "$@"; }
# shim MODE CMD...: runs CMD on sslshim, loaded as MODE says. Its stderr goes
# to the terminal and to $WORK/MODE.stderr, which quiet() reads.
shim() {
  local mode=$1; shift
  case $mode in
    path) env LD_LIBRARY_PATH="$LIB_DIR" "$@" 2> >(tee -a "$WORK/$mode.stderr" >&2) ;;
    preload) env LD_PRELOAD="$SHIM" "$@" 2> >(tee -a "$WORK/$mode.stderr" >&2) ;;
    *) echo "shim: unknown mode $mode" >&2; return 2 ;;
  esac
}
# The libssl.so.3 a running process has mapped, one line per file.
libssl_of_pid() { grep -o '/[^ ]*libssl\.so\.3' "/proc/$1/maps" 2>/dev/null | sort -u; }
# The libssl.so.3 the loader gives a program under MODE (for short-lived clients).
libssl_of_cmd() {
  local mode=$1 bin; bin=$(command -v "$2")
  case $mode in
    path) env LD_LIBRARY_PATH="$LIB_DIR" ldd "$bin" ;;
    preload) env LD_PRELOAD="$SHIM" ldd "$bin" ;;
  esac | grep -o '/[^ ]*libssl\.so\.3' | sort -u
}

passed=0; failed=0
ok() { passed=$((passed+1)); echo "ok $NAME: $*"; }
fail() { failed=$((failed+1)); echo "FAIL $NAME: $*"; }
# expect NAME WANT GOT: a check of equal values.
expect() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1 (wanted '$2', got '$3')"; fi; }
# uses_shim WHAT LIBS: the libraries a process mapped are ours alone.
uses_shim() { expect "$1 runs on sslshim" "$SHIM" "$2"; }
# quiet MODE: our library logged no unimplemented function or ctrl command.
quiet() {
  local lines
  # shim's tee (a process substitution) may still be writing the last lines.
  sleep 0.3
  lines=$(grep -h 'sslshim: .*not implemented' "$WORK/$1.stderr" 2>/dev/null | sort -u)
  expect "[$1] nothing unimplemented was called${lines:+: $(echo "$lines" | tr '\n' ';')}" "" "$lines"
}
# reap PID: waits a little for a background job, then stops it, so that a
# failed transfer does not leave its peer waiting for the whole timeout.
reap() {
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  pkill -TERM -P "$1" 2>/dev/null; kill "$1" 2>/dev/null; wait "$1" 2>/dev/null
}
# The process listening on a port.
pid_on_port() { ss -Hltnp "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }
# Stops the background processes this script started.
cleanup() {
  local p
  for p in $(jobs -p); do pkill -TERM -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
  wait 2>/dev/null
}
trap cleanup EXIT
finish() { echo "$NAME: $passed passed, $failed failed"; [ "$failed" = 0 ]; }
