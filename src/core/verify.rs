//! Server-certificate verification the OpenSSL way: the chain is always checked
//! and the outcome recorded as an `X509_V_ERR_*` number (`SSL_get_verify_result`),
//! the host name is checked only when the application named one (`SSL_set1_host`),
//! independently of SNI, and `SSL_VERIFY_NONE` lets the handshake go on.
//!
//! One `ClientConfig` serves every connection of an `SSL_CTX`, so the settings of
//! the connection being verified reach the shared verifier through [`Scope`],
//! which the connection installs around each call into rustls.

use std::cell::RefCell;
use std::sync::{Arc, RwLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, RootCertStore, SignatureScheme};

/// `X509_V_*` numbers from `<openssl/x509_vfy.h>`.
pub mod x509_v {
    pub const OK: i64 = 0;
    pub const ERR_UNSPECIFIED: i64 = 1;
    pub const ERR_CERT_SIGNATURE_FAILURE: i64 = 7;
    pub const ERR_CERT_NOT_YET_VALID: i64 = 9;
    pub const ERR_CERT_HAS_EXPIRED: i64 = 10;
    pub const ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: i64 = 20;
    pub const ERR_CERT_REVOKED: i64 = 23;
    pub const ERR_INVALID_PURPOSE: i64 = 26;
    pub const ERR_HOSTNAME_MISMATCH: i64 = 62;
    pub const ERR_IP_ADDRESS_MISMATCH: i64 = 64;
}

/// `SSL_VERIFY_*` bits.
pub const VERIFY_NONE: i32 = 0;
pub const VERIFY_PEER: i32 = 1;
pub const VERIFY_FAIL_IF_NO_PEER_CERT: i32 = 2;

/// Verifies a peer's chain (leaf first) the way the application configured
/// it: whether the chain is accepted (a verify callback may accept a failed
/// one), and the `X509_V_*` result to record.
/// The flag says whether a server verifies its client.
pub type ChainCheck = Arc<dyn Fn(&[CertificateDer<'_>], bool) -> (bool, i64) + Send + Sync>;

/// What the connection under verification asks for, and where the answer goes.
#[derive(Default)]
pub struct Request {
    pub host: Option<String>,
    pub verify_mode: i32,
    pub result: Option<i64>,
    /// When set, decides in place of the built-in check against the roots.
    pub check: Option<ChainCheck>,
}

thread_local! {
    static CURRENT: RefCell<Option<Request>> = const { RefCell::new(None) };
}

/// Installs a connection's request for the duration of one call into rustls.
pub struct Scope;

impl Scope {
    pub fn enter(req: Request) -> Scope {
        CURRENT.with(|c| *c.borrow_mut() = Some(req));
        Scope
    }
    /// Ends the scope, returning the verification outcome if one was reached.
    pub fn finish(self) -> Option<i64> {
        CURRENT
            .with(|c| c.borrow_mut().take())
            .and_then(|r| r.result)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        CURRENT.with(|c| c.borrow_mut().take());
    }
}

/// The check the connection under verification installed, if any.
pub(super) fn current_check() -> Option<ChainCheck> {
    CURRENT.with(|c| c.borrow().as_ref().and_then(|r| r.check.clone()))
}

/// Records a verification outcome for the connection under verification.
pub(super) fn record(code: i64) {
    CURRENT.with(|c| {
        if let Some(req) = c.borrow_mut().as_mut() {
            req.result = Some(code);
        }
    });
}

/// The trust anchors of a context, replaceable while configurations built
/// with them are in use: applications may fill the store after a handshake
/// started, and verification must see what the store holds by then.
#[derive(Debug)]
pub struct Roots(RwLock<Arc<RootCertStore>>);

impl Default for Roots {
    fn default() -> Self {
        Roots(RwLock::new(Arc::new(RootCertStore::empty())))
    }
}

impl Roots {
    pub fn get(&self) -> Arc<RootCertStore> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn set(&self, store: RootCertStore) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(store);
    }
}

#[derive(Debug)]
pub struct OpensslServerVerifier {
    roots: Arc<Roots>,
    algs: WebPkiSupportedAlgorithms,
}

impl OpensslServerVerifier {
    pub fn new(roots: Arc<Roots>, algs: WebPkiSupportedAlgorithms) -> Self {
        Self { roots, algs }
    }

    fn check(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        host: Option<&str>,
        now: UnixTime,
    ) -> i64 {
        let cert = match ParsedCertificate::try_from(end_entity) {
            Ok(c) => c,
            Err(e) => return code_for(&e),
        };
        if let Err(e) = rustls::client::verify_server_cert_signed_by_trust_anchor(
            &cert,
            &self.roots.get(),
            intermediates,
            now,
            self.algs.all,
        ) {
            return code_for(&e);
        }
        if let Some(host) = host {
            let name = match ServerName::try_from(host) {
                Ok(n) => n.to_owned(),
                Err(_) => return x509_v::ERR_HOSTNAME_MISMATCH,
            };
            if rustls::client::verify_server_name(&cert, &name).is_err() {
                return match name {
                    ServerName::IpAddress(_) => x509_v::ERR_IP_ADDRESS_MISMATCH,
                    _ => x509_v::ERR_HOSTNAME_MISMATCH,
                };
            }
        }
        x509_v::OK
    }
}

pub(super) fn code_for(e: &rustls::Error) -> i64 {
    use x509_v::*;
    match e {
        rustls::Error::InvalidCertificate(ce) => {
            match ce {
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                    ERR_CERT_HAS_EXPIRED
                }
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                    ERR_CERT_NOT_YET_VALID
                }
                CertificateError::UnknownIssuer => ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
                CertificateError::BadSignature => ERR_CERT_SIGNATURE_FAILURE,
                CertificateError::Revoked => ERR_CERT_REVOKED,
                CertificateError::InvalidPurpose
                | CertificateError::InvalidPurposeContext { .. } => ERR_INVALID_PURPOSE,
                CertificateError::NotValidForName
                | CertificateError::NotValidForNameContext { .. } => ERR_HOSTNAME_MISMATCH,
                _ => ERR_UNSPECIFIED,
            }
        }
        _ => ERR_UNSPECIFIED,
    }
}

/// The rustls error that makes the handshake fail for an OpenSSL verify error.
pub(super) fn tls_error_for(code: i64) -> rustls::Error {
    use x509_v::*;
    let ce = match code {
        ERR_CERT_HAS_EXPIRED => CertificateError::Expired,
        ERR_CERT_NOT_YET_VALID => CertificateError::NotValidYet,
        ERR_HOSTNAME_MISMATCH | ERR_IP_ADDRESS_MISMATCH => CertificateError::NotValidForName,
        ERR_CERT_SIGNATURE_FAILURE => CertificateError::BadSignature,
        ERR_CERT_REVOKED => CertificateError::Revoked,
        ERR_INVALID_PURPOSE => CertificateError::InvalidPurpose,
        _ => CertificateError::UnknownIssuer,
    };
    rustls::Error::InvalidCertificate(ce)
}

impl ServerCertVerifier for OpensslServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let (check, host, mode) = CURRENT.with(|c| {
            let mut cur = c.borrow_mut();
            let req = cur.get_or_insert_with(|| Request {
                verify_mode: VERIFY_PEER,
                ..Default::default()
            });
            (req.check.clone(), req.host.clone(), req.verify_mode)
        });
        // The application's callback runs from here: no borrow is held.
        let (accepted, code) = match check {
            Some(check) => {
                let mut chain = Vec::with_capacity(intermediates.len() + 1);
                chain.push(end_entity.clone());
                chain.extend(intermediates.iter().cloned());
                check(&chain, false)
            }
            None => {
                let code = self.check(end_entity, intermediates, host.as_deref(), now);
                (code == x509_v::OK, code)
            }
        };
        record(code);
        if !accepted && mode & VERIFY_PEER != 0 {
            Err(tls_error_for(code))
        } else {
            Ok(ServerCertVerified::assertion())
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algs.supported_schemes()
    }
}
