//! The AEAD ceiling for `make bench`: how fast the crypto provider sslshim
//! uses seals 16 KiB TLS 1.3 records with AES-256-GCM on one core, through
//! the same rustls interface its connections use (a `MessageEncrypter` from
//! the suite's AEAD algorithm). Bulk throughput can be read against it.
//!
//! Prints `aead_seal_mib_s VALUE`; `BENCH_SECONDS` is the timed length.

use std::hint::black_box;
use std::time::Instant;

use rustls::crypto::aws_lc_rs::cipher_suite::TLS13_AES_256_GCM_SHA384;
use rustls::crypto::cipher::{AeadKey, Iv, OutboundChunks, OutboundPlainMessage};
use rustls::{ContentType, ProtocolVersion, SupportedCipherSuite};

const RECORD: usize = 16384;

fn main() {
    let seconds: f64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s: &f64| *s > 0.0)
        .unwrap_or(1.0);
    let SupportedCipherSuite::Tls13(suite) = TLS13_AES_256_GCM_SHA384 else {
        panic!("TLS13_AES_256_GCM_SHA384 is not a TLS 1.3 suite");
    };
    let mut sealer = suite
        .aead_alg
        .encrypter(AeadKey::from([0x42; 32]), Iv::new([0x24; 12]));
    let plaintext = vec![0x5a_u8; RECORD];
    let mut seq = 0u64;
    let mut seal_for = |secs: f64| {
        let start = Instant::now();
        let mut bytes = 0usize;
        while start.elapsed().as_secs_f64() < secs {
            for _ in 0..64 {
                let msg = OutboundPlainMessage {
                    typ: ContentType::ApplicationData,
                    version: ProtocolVersion::TLSv1_2,
                    payload: OutboundChunks::Single(&plaintext),
                };
                let sealed = sealer.encrypt(msg, seq).expect("seal");
                black_box(sealed);
                seq += 1;
                bytes += RECORD;
            }
        }
        bytes as f64 / start.elapsed().as_secs_f64()
    };
    seal_for(seconds * 0.2);
    let rate = seal_for(seconds);
    println!("aead_seal_mib_s {:.1}", rate / (1024.0 * 1024.0));
}
