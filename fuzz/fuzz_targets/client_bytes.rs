//! Arbitrary bytes from a server, read by a client of this library (TLS 1.2
//! and 1.3 offered, or TLS 1.2 only, as the first byte says).
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::feed_peer_bytes(data, false));
