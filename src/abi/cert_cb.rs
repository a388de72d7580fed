//! `SSL_CTX_set_cert_cb(3)`, `SSL_use_certificate(3)`: a connection's own
//! certificate and key, set before its handshake or by the certificate
//! callback, which a server runs once the ClientHello is in and before its
//! certificate is chosen (after the servername callback, as OpenSSL).

use std::ffi::c_void;
use std::sync::Arc;

use libc::{c_char, c_int};
use openssl_sys::{EVP_PKEY, X509};
use rustls::ServerConfig;

use super::cert::load;
use super::connection::SSL;
use super::context::{CtxInner, SSL_CTX};
use super::{deref, guard};
use crate::bridge::err;
use crate::bridge::names::NameStack;
use crate::bridge::x509::{self, Cert, PKey, FILETYPE_PEM};
use crate::core::error::{Error, Reason};

pub type CertCbFn = unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int;

/// A certificate callback with its argument.
#[derive(Clone, Copy)]
pub struct CertCb {
    pub f: CertCbFn,
    pub arg: *mut c_void,
}

/// `SSL_R_CERT_CB_ERROR`, `SSL_AD_INTERNAL_ERROR`.
const CERT_CB_ERROR: Reason = Reason(377);
const AD_INTERNAL_ERROR: u8 = 80;

/// What a connection set for itself; `None` parts are its context's.
#[derive(Default)]
pub struct OwnCert {
    pub cert: Option<Cert>,
    pub key: Option<PKey>,
    /// `SSL_set0_chain`, `SSL_use_certificate_chain_file`.
    pub chain: Option<Vec<Cert>>,
}

impl OwnCert {
    pub fn is_set(&self) -> bool {
        self.cert.is_some() || self.key.is_some() || self.chain.is_some()
    }
}

#[export_name = "sslshim_SSL_CTX_set_cert_cb"]
pub unsafe extern "C" fn SSL_CTX_set_cert_cb(
    ctx: *mut SSL_CTX,
    cb: Option<unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int>,
    arg: *mut c_void,
) {
    guard(c"SSL_CTX_set_cert_cb", (), || {
        let ctx = deref!(c"SSL_CTX_set_cert_cb", ctx);
        ctx.lock().cert_cb = cb.map(|f| CertCb { f, arg });
    })
}

#[export_name = "sslshim_SSL_set_cert_cb"]
pub unsafe extern "C" fn SSL_set_cert_cb(
    s: *mut SSL,
    cb: Option<unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int>,
    arg: *mut c_void,
) {
    guard(c"SSL_set_cert_cb", (), || {
        let ssl = deref!(c"SSL_set_cert_cb", s);
        ssl.cert_cb = Some(cb.map(|f| CertCb { f, arg }));
    })
}

/// The callback in force: the connection's own once it set one (even to
/// none), else its context's.
fn callback(ssl: &SSL) -> Option<CertCb> {
    match ssl.cert_cb {
        Some(own) => own,
        None => ssl.ctx.lock().cert_cb,
    }
}

/// Whether a server must stop at the ClientHello to run the callback.
pub(crate) fn has_callback(ssl: &SSL, ctx: &CtxInner) -> bool {
    match ssl.cert_cb {
        Some(own) => own.is_some(),
        None => ctx.cert_cb.is_some(),
    }
}

/// Runs the certificate callback. 0 ends the handshake with an
/// internal_error alert and `SSL_R_CERT_CB_ERROR`; a negative result (retry
/// later) is taken the same way, as rustls cannot pause there.
pub(crate) fn run_callback(ssl: &mut SSL) -> Result<(), Error> {
    let Some(cb) = callback(ssl) else {
        return Ok(());
    };
    let p: *mut SSL = ssl;
    let r = unsafe { (cb.f)(p, cb.arg) };
    if r > 0 {
        return Ok(());
    }
    if r < 0 {
        super::log_once("a certificate callback asking to be called again is taken as failed");
    }
    let mut io = ssl.io();
    Err(ssl
        .conn
        .reject_hello(AD_INTERNAL_ERROR, CERT_CB_ERROR, &mut io))
}

/// The server configuration for this connection: its context's, or one of
/// its own when it has its own certificate and key or its own CA names.
pub(crate) fn server_config(ssl: &SSL) -> Result<Arc<ServerConfig>, Reason> {
    let variant = ssl.conn.settings.variant();
    let mut ctx = ssl.ctx.lock();
    let own_names = ssl.client_ca.is_some() || ssl.ca_list.is_some();
    if !ssl.own.is_set() && !own_names {
        return ctx.server_config(&variant);
    }
    ctx.sync_roots();
    ctx.sync_ca_names();
    let names = own_names.then(|| {
        let der = |l: Option<&NameStack>| l.map(NameStack::to_der).unwrap_or_default();
        let client = der(ssl.client_ca.as_ref().or(ctx.client_ca.as_ref()));
        if client.is_empty() {
            der(ssl.ca_list.as_ref().or(ctx.ca_list.as_ref()))
        } else {
            client
        }
    });
    let cert = if ssl.own.is_set() {
        Some(own_chain_and_key(ssl, &ctx).ok_or(Reason::NO_SHARED_CIPHER)?)
    } else {
        None
    };
    ctx.core.server_config_for_connection(&variant, cert, names)
}

/// A client's configuration, with the connection's own certificate and key
/// when it has them (sessions it gets then resume only on connections that
/// present the same: rustls ties a session to the certificate resolver).
pub(crate) fn client_config(
    ssl: &SSL,
    base: Arc<rustls::ClientConfig>,
) -> Result<Arc<rustls::ClientConfig>, Reason> {
    if !ssl.own.is_set() {
        return Ok(base);
    }
    let Some((chain, key)) = own_chain_and_key(ssl, &ssl.ctx.lock()) else {
        return Ok(base);
    };
    let certified = rustls::sign::CertifiedKey::from_der(chain, key, base.crypto_provider())
        .map_err(|_| Reason::NO_PRIVATE_KEY_ASSIGNED)?;
    let mut own = (*base).clone();
    own.client_auth_cert_resolver = Arc::new(crate::core::ca_hints::RecordCaNames {
        inner: Arc::new(rustls::sign::SingleCertAndKey::from(certified)),
    });
    Ok(Arc::new(own))
}

/// The connection's certificate chain (its own certificate, else the
/// context's, with its own chain or the context's issuers) and key, in DER;
/// None when either is missing.
fn own_chain_and_key(
    ssl: &SSL,
    ctx: &CtxInner,
) -> Option<(
    Vec<rustls::pki_types::CertificateDer<'static>>,
    rustls::pki_types::PrivateKeyDer<'static>,
)> {
    let cert = ssl.own.cert.as_ref().or(ctx.cert.as_ref())?;
    let key = ssl.own.key.as_ref().or(ctx.key.as_ref())?.to_der()?;
    let issuers = match &ssl.own.chain {
        Some(c) => c.clone(),
        None => ctx.issuers(cert),
    };
    let chain = std::iter::once(cert)
        .chain(issuers.iter())
        .filter_map(Cert::to_der)
        .collect();
    Some((chain, key))
}

/// Installs a certificate; a key that does not match it is dropped, as
/// OpenSSL does.
fn use_cert(ssl: &mut SSL, cert: Cert) {
    let key = ssl.own.key.clone().or_else(|| ssl.ctx.lock().key.clone());
    if let Some(k) = key {
        if err::quietly(|| (!k.matches(&cert)).then_some(())).is_some() {
            ssl.own.key = None;
        } else {
            ssl.own.key = Some(k);
        }
    }
    ssl.own.cert = Some(cert);
}

/// Installs a key. OpenSSL keeps one certificate and key per key type and
/// checks a key only against the certificate of its own type; a connection
/// here has one, so a key of another type is accepted and left unused.
fn use_key(ssl: &mut SSL, key: PKey) -> c_int {
    let cert = ssl.own.cert.clone().or_else(|| ssl.ctx.lock().cert.clone());
    if let Some(c) = cert {
        if c.key_kind() != key.kind() {
            super::ignored("SSL_use_PrivateKey with a key of another type than the certificate");
            return 1;
        }
        if !key.matches(&c) {
            return 0;
        }
    }
    ssl.own.key = Some(key);
    1
}

#[export_name = "sslshim_SSL_use_certificate"]
pub unsafe extern "C" fn SSL_use_certificate(s: *mut SSL, x: *mut X509) -> c_int {
    guard(c"SSL_use_certificate", 0, || {
        let ssl = deref!(c"SSL_use_certificate", s, 0);
        let Some(cert) = (unsafe { Cert::share(x) }) else {
            err::push(Reason::PASSED_NULL_PARAMETER, c"SSL_use_certificate");
            return 0;
        };
        use_cert(ssl, cert);
        1
    })
}

#[export_name = "sslshim_SSL_use_PrivateKey"]
pub unsafe extern "C" fn SSL_use_PrivateKey(s: *mut SSL, pkey: *mut EVP_PKEY) -> c_int {
    guard(c"SSL_use_PrivateKey", 0, || {
        let ssl = deref!(c"SSL_use_PrivateKey", s, 0);
        let Some(key) = (unsafe { PKey::share(pkey) }) else {
            err::push(Reason::PASSED_NULL_PARAMETER, c"SSL_use_PrivateKey");
            return 0;
        };
        use_key(ssl, key)
    })
}

#[export_name = "sslshim_SSL_use_certificate_file"]
pub unsafe extern "C" fn SSL_use_certificate_file(
    s: *mut SSL,
    file: *const c_char,
    filetype: c_int,
) -> c_int {
    guard(c"SSL_use_certificate_file", 0, || {
        let ssl = deref!(c"SSL_use_certificate_file", s, 0);
        let pw = ssl.ctx.lock().password;
        let Some(cert) = load(file, filetype, c"SSL_use_certificate_file", |p| {
            x509::read_cert(p, filetype, pw)
        }) else {
            return 0;
        };
        use_cert(ssl, cert);
        1
    })
}

#[export_name = "sslshim_SSL_use_PrivateKey_file"]
pub unsafe extern "C" fn SSL_use_PrivateKey_file(
    s: *mut SSL,
    file: *const c_char,
    filetype: c_int,
) -> c_int {
    guard(c"SSL_use_PrivateKey_file", 0, || {
        let ssl = deref!(c"SSL_use_PrivateKey_file", s, 0);
        let pw = ssl.ctx.lock().password;
        let Some(key) = load(file, filetype, c"SSL_use_PrivateKey_file", |p| {
            x509::read_key(p, filetype, pw)
        }) else {
            return 0;
        };
        use_key(ssl, key)
    })
}

#[export_name = "sslshim_SSL_use_certificate_chain_file"]
pub unsafe extern "C" fn SSL_use_certificate_chain_file(s: *mut SSL, file: *const c_char) -> c_int {
    guard(c"SSL_use_certificate_chain_file", 0, || {
        let ssl = deref!(c"SSL_use_certificate_chain_file", s, 0);
        let pw = ssl.ctx.lock().password;
        let Some(mut chain) = load(file, FILETYPE_PEM, c"SSL_use_certificate_chain_file", |p| {
            x509::read_chain(p, pw)
        }) else {
            return 0;
        };
        let leaf = chain.remove(0);
        use_cert(ssl, leaf);
        ssl.own.chain = Some(chain);
        1
    })
}
