//! Arbitrary bytes from a client, read by a server of this library.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::feed_peer_bytes(data, true));
