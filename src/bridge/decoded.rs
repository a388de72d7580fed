//! Peer certificates decoded once per context and handed out again.
//!
//! A context's connections mostly meet the same few certificates, and
//! libcrypto 3.0 decodes a certificate's public key through its provider
//! machinery: `d2i_X509` of an RSA-2048 server certificate took a sixth of
//! a full handshake. Each thread gets its own objects: libcrypto fills
//! parts of an `X509` in during its first verification behind a check its
//! readers make without a lock, and ThreadSanitizer reports a race when
//! two threads verify one object (`tests/tsan.sh`).

use std::sync::atomic::{AtomicU64, Ordering};

use rustls::pki_types::CertificateDer;

use super::x509::{Cert, CertStack};
use crate::core::recent::Recent;

/// A client's servers and their intermediates, or a server's clients,
/// for a few threads.
const KEPT: usize = 32;

/// The calling thread, as the owner of what it decoded.
fn this_thread() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    thread_local!(static ID: u64 = NEXT.fetch_add(1, Ordering::Relaxed));
    ID.with(|id| *id)
}

pub struct DecodedCerts(Recent<Cert>);

impl Default for DecodedCerts {
    fn default() -> Self {
        DecodedCerts(Recent::new(KEPT))
    }
}

impl DecodedCerts {
    /// A reference to the certificate with this encoding; `None` if
    /// libcrypto cannot decode it.
    pub fn decode(&self, der: &[u8]) -> Option<Cert> {
        let mut invalid = false;
        let kept = self.0.get_or_make(this_thread(), der, || {
            let cert = Cert::from_der(der)?;
            if cert.cache_extensions() {
                return Some(cert);
            }
            invalid = true;
            None
        });
        // A certificate with extensions libcrypto rejects is decoded afresh
        // each time, as libssl decodes it, so that each verification
        // reports the rejection on the error queue as there.
        if invalid {
            return Cert::from_der(der);
        }
        kept
    }

    /// The certificates as a new `STACK_OF(X509)`, in order.
    pub fn stack(&self, certs: &[CertificateDer<'_>]) -> Option<CertStack> {
        let certs = certs
            .iter()
            .map(|c| self.decode(c))
            .collect::<Option<Vec<_>>>()?;
        CertStack::from_certs(&certs)
    }
}
