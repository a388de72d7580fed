//! A server verifying its client's certificate the OpenSSL way: the
//! connection's own check (libcrypto's `X509_verify_cert` with the `SSL`'s
//! parameters and verify callback) decides, and its `X509_V_*` result is
//! recorded whether the handshake goes on or not.
//!
//! Whether a certificate is asked for, and whether one is required, are the
//! `SSL`'s verify mode, which rustls reads from the configuration: each mode
//! in use gets its own configuration ([`super::context::Context`]).

use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};

use super::verify::{self, Roots, VERIFY_FAIL_IF_NO_PEER_CERT, VERIFY_PEER};

/// The verify-mode bits a server's configuration depends on.
pub fn auth_bits(mode: i32) -> i32 {
    if mode & VERIFY_PEER == 0 {
        0
    } else {
        mode & (VERIFY_PEER | VERIFY_FAIL_IF_NO_PEER_CERT)
    }
}

#[derive(Debug)]
pub struct OpensslClientVerifier {
    mandatory: bool,
    /// Used only by connections without a check of their own.
    roots: Arc<Roots>,
    provider: Arc<CryptoProvider>,
    /// `SSL_CTX_set_client_CA_list`: named in the CertificateRequest.
    ca_names: Vec<DistinguishedName>,
}

impl OpensslClientVerifier {
    /// For a mode with `SSL_VERIFY_PEER` set.
    pub fn new(
        mode: i32,
        roots: Arc<Roots>,
        provider: Arc<CryptoProvider>,
        ca_names: &[Vec<u8>],
    ) -> Self {
        Self {
            mandatory: mode & VERIFY_FAIL_IF_NO_PEER_CERT != 0,
            roots,
            provider,
            ca_names: ca_names
                .iter()
                .map(|n| DistinguishedName::from(n.clone()))
                .collect(),
        }
    }

    fn check_against_roots(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> i64 {
        let built =
            WebPkiClientVerifier::builder_with_provider(self.roots.get(), self.provider.clone())
                .build();
        match built.map(|v| v.verify_client_cert(end_entity, intermediates, now)) {
            Ok(Ok(_)) => verify::x509_v::OK,
            Ok(Err(e)) => verify::code_for(&e),
            Err(_) => verify::x509_v::ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
        }
    }
}

impl ClientCertVerifier for OpensslClientVerifier {
    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    /// OpenSSL 3.0 names no CA unless the application set a client CA list.
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &self.ca_names
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        // The application's callback runs from here: no borrow is held.
        let (accepted, code) = match verify::current_check() {
            Some(check) => {
                let mut chain = Vec::with_capacity(intermediates.len() + 1);
                chain.push(end_entity.clone());
                chain.extend(intermediates.iter().cloned());
                check(&chain, true)
            }
            None => {
                let code = self.check_against_roots(end_entity, intermediates, now);
                (code == verify::x509_v::OK, code)
            }
        };
        verify::record(code);
        if accepted {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(verify::tls_error_for(code))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
