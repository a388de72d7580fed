"""Per-pair heap by owner, from two heaptrack runs of bench.c's heap figure.

Usage: heap_owners.py LIBRARY SMALL LARGE PAIRS_DIFF

SMALL.peak and LARGE.peak are `heaptrack_print -F`'s output with the peak
cost: one line per call stack, the bytes that stack held at the run's
highest heap; SMALL.count and LARGE.count the same stacks' numbers of
allocations.
The two runs hold different numbers of idle pairs at that moment; their
difference, divided by the difference in pairs, is what one more pair
holds. What is made once (caches, the entropy pool, the contexts) is in
both runs and cancels out.
"""

import collections
import sys

# First match wins. Patterns are frame names, as heaptrack resolves them.
OURS = [
    ("rustls record buffers, read side", ["DeframerVecBuffer"]),
    ("AEAD keys (aws-lc GCM contexts)", ["AeadAlgorithm::encrypter", "AeadAlgorithm::decrypter"]),
    ("peer certificate decoded by libcrypto (verified chain)", ["verify_chain"]),
    ("session tickets the client keeps (rustls values)", ["sslshim_SSL_read"]),
    ("SSL objects (rustls connection inline)", ["sslshim_SSL_new"]),
    ("SSL_SESSION records", ["stamp_session", "Connection::clear"]),
    ("rustls handshake and traffic state", ["rustls::"]),
]
# The system libssl has no symbols: its entry points say who allocated,
# and a block of 16 KiB or more can only be one of its record buffers.
RECORD_BUFFER = 16 * 1024
SYSTEM = [
    ("SSL_new", ["SSL_new"]),
    ("SSL_do_handshake", ["SSL_do_handshake"]),
    ("SSL_read (session tickets)", ["SSL_read"]),
    ("SSL_set_connect_state, SSL_set_accept_state", ["SSL_set_connect_state", "SSL_set_accept_state"]),
]


def held(path):
    out = collections.Counter()
    with open(path) as f:
        for line in f:
            stack, _, cost = line.rstrip("\n").rpartition(" ")
            # Only what the pairs hold: the BIO pairs are the bench's own.
            if "connect_pair" in stack and "BIO_new_bio_pair" not in stack:
                out[stack] += int(cost)
    return out


def owner(stack, rules, block):
    if rules is SYSTEM and block >= RECORD_BUFFER:
        return "record buffers (blocks of 16 KiB and more)"
    for name, patterns in rules:
        if any(p in stack for p in patterns):
            return name
    return "other"


def main():
    library, small, large, diff = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    rules = OURS if library == "sslshim" else SYSTEM
    # Stacks are compared within a run: frames without symbols are
    # addresses, which differ between runs. Owners are compared across them.
    by = collections.Counter()
    for run, sign in ((large, 1), (small, -1)):
        peak, count = held(run + ".peak"), held(run + ".count")
        for stack, n in peak.items():
            # Bytes held over allocations made: the block size where a stack
            # allocates once per connection and keeps it.
            block = n / max(count[stack], 1)
            by[owner(stack, rules, block)] += sign * n
    total = sum(by.values())
    print(f"== heap_pair_kib, {library}: what one idle pair holds, by owner (heaptrack)")
    for name, n in by.most_common():
        if abs(n) / diff >= 32:
            print(f"  {n / diff / 1024:7.1f} KiB  {100 * n / total:5.1f}%  {name}")
    print(f"  {total / diff / 1024:7.1f} KiB  total (requested sizes, without malloc's own overhead)")


main()
