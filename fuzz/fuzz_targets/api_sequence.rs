//! Random sequences of C API calls on a client and a server of this
//! library joined by a BIO pair, with every byte accounted for.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::seq::run(data));
