//! Peer certificates decoded once per context and handed out again.
//!
//! A context's connections mostly meet the same few certificates, and
//! libcrypto 3.0 decodes a certificate's public key through its provider
//! machinery: `d2i_X509` of an RSA-2048 server certificate took a sixth of
//! a full handshake. The objects are shared between connections as a
//! store's certificates are: an `X509` is reference-counted, and OpenSSL
//! reads one from several threads at once everywhere.

use rustls::pki_types::CertificateDer;

use super::x509::{Cert, CertStack};
use crate::core::recent::Recent;

/// A client's servers and their intermediates, or a server's clients.
const KEPT: usize = 16;

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
        self.0.get_or_make(der, || Cert::from_der(der))
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
