#!/usr/bin/env bash
# ThreadSanitizer run of ctests/t_threads.c. The library and the standard
# library beneath it are built with -Zsanitizer=thread (nightly's
# -Zbuild-std: with an uninstrumented std, the lock a contended Mutex takes
# inside std is invisible and every shared structure it guards is reported),
# and the test is linked against Rust's own TSan runtime, whose version
# matches the instrumentation. Not part of `make test`: the build alone takes
# minutes. Passes when the test passes and TSan reports nothing.
#   CT_THREADS_CONNS  connections per thread (default 500, as in make test)
set -eu
cd "$(dirname "$0")/.."
out=target/tsan
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
rustup component add rust-src --toolchain nightly >/dev/null
RUSTFLAGS="-Zsanitizer=thread" CARGO_TARGET_DIR=$out \
  cargo +nightly build -Zbuild-std --release --target x86_64-unknown-linux-gnu
mkdir -p $out/lib
cp -f $out/x86_64-unknown-linux-gnu/release/libssl.so $out/lib/libssl.so.3
rt=$(rustc +nightly --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/lib
rt=$(ls "$rt"/librustc-*_rt.tsan.a | head -1)
bash ctests/certs.sh target/ctests/certs >/dev/null
cc -O1 -g -o $out/t_threads ctests/t_threads.c ctests/common.c \
  -Wl,--whole-archive "$rt" -Wl,--no-whole-archive -lpthread -ldl -lm -lrt \
  -L$out/lib -l:libssl.so.3 -lcrypto -Wl,-rpath,"$PWD/$out/lib"
TSAN_OPTIONS="halt_on_error=0 report_signal_unsafe=0" $out/t_threads target/ctests/certs \
  >$out/t_threads.out 2>$out/t_threads.err
grep '^thread' $out/t_threads.out
grep -q "^libssl: $PWD/$out/lib/libssl.so.3" $out/t_threads.err
reports=$(grep -c 'WARNING: ThreadSanitizer' $out/t_threads.err || true)
echo "ThreadSanitizer reports: $reports"
[ "$reports" = 0 ]
