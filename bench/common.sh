# Sourced by bench/icount.sh and bench/profile.sh: where make bench leaves
# its binary and certificates, and how each library is run. $1 names the
# caller in messages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
OUT=$ROOT/target/bench
BENCH=$OUT/bench
CERTS=$OUT/certs
NAME=$1
die() { echo "$NAME: $*" >&2; exit 1; }
[ -x "$BENCH" ] && [ -d "$CERTS" ] || die "no $BENCH or $CERTS (run make bench first)"

system() { env -u LD_LIBRARY_PATH -u LD_PRELOAD "$@"; }
ours() { env -u LD_PRELOAD LD_LIBRARY_PATH="$ROOT/target/release" "$@"; }
