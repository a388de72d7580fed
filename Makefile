# sslshim: `make` builds target/release/libssl.so.3; `make demo` shows it at
# work; `make test` is the one test command (CI runs exactly it).

SHELL := /bin/bash
LIB := target/release/libssl.so.3
CARGO ?= cargo
# Debian packages the tests and the demo use, installed when missing.
DEBS := libssl-dev openssl curl gcc make pkg-config iproute2 procps python3 \
  nginx-light haproxy socat stunnel4

.PHONY: all build deps demo test cargo-test ctests programs bench fuzz tsan clean install uninstall

# `make install`: the library goes where no loader looks by default, so the
# system's libssl.so.3 stays the one every program gets; bin/with-sslshim
# puts ours under one command. DESTDIR stages a package.
PREFIX ?= /usr/local
LIBDIR := $(PREFIX)/lib/sslshim

all: build

deps:
	@missing=""; for p in $(DEBS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "run as root, or install:$$missing" >&2; exit 1; fi; \
	fi

build: deps
	$(CARGO) build --release
	@# cargo names the cdylib after the crate; the soname is libssl.so.3.
	@# Replaced by rename, never rewritten in place: a running program that
	@# has it mapped would crash.
	cp -f target/release/libssl.so $(LIB).tmp && mv -f $(LIB).tmp $(LIB)
	@# Every declaration must match <openssl/ssl.h>'s: a generated header
	@# that does not compile beside it is a signature that differs.
	@printf '#include <openssl/ssl.h>\n#include "sslshim.h"\n' | \
	  cc -Wall -Werror -Iinclude -x c -fsyntax-only - || \
	  { echo "include/sslshim.h disagrees with <openssl/ssl.h> (spell function-pointer types out; cbindgen cannot see through aliases)" >&2; exit 1; }

demo: build
	bash demo/run.sh

cargo-test: deps
	$(CARGO) test --release
	$(CARGO) test --release --features fault-injection --test panic_boundary

ctests: build
	bash ctests/run.sh

test: build cargo-test
	bash tests/artifact.sh
	bash tests/compat.sh
	bash tests/misuse/run.sh
	bash ctests/run.sh
	bash tests/programs/run.sh
	bash tests/install.sh

programs: build
	bash tests/programs/run.sh

install: build
	install -d "$(DESTDIR)$(LIBDIR)" "$(DESTDIR)$(PREFIX)/bin"
	install -m 0644 $(LIB) "$(DESTDIR)$(LIBDIR)/libssl.so.3"
	@# The installed launcher names the installed library, wherever it runs from.
	sed "s|^LIB_DIR=$$|LIB_DIR='$(LIBDIR)'|" bin/with-sslshim > "$(DESTDIR)$(PREFIX)/bin/.with-sslshim.tmp"
	chmod 0755 "$(DESTDIR)$(PREFIX)/bin/.with-sslshim.tmp"
	mv -f "$(DESTDIR)$(PREFIX)/bin/.with-sslshim.tmp" "$(DESTDIR)$(PREFIX)/bin/with-sslshim"

uninstall:
	rm -f "$(DESTDIR)$(LIBDIR)/libssl.so.3" "$(DESTDIR)$(PREFIX)/bin/with-sslshim"
	-rmdir "$(DESTDIR)$(LIBDIR)" 2>/dev/null

# The profiles behind missed targets need perf and heaptrack; bench/icount.sh
# needs valgrind. Installed when missing, as the tests' packages are.
BENCH_DEBS := linux-perf heaptrack valgrind

bench: build
	@$(MAKE) --no-print-directory deps DEBS="$(BENCH_DEBS)"
	bash bench/run.sh

# Not part of `make test`: ten million executions per target take hours.
fuzz: deps
	bash fuzz/run.sh

# Not part of `make test` either: the sanitized build takes minutes.
tsan: deps
	bash tests/tsan.sh

clean:
	$(CARGO) clean
