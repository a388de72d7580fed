//! `SSL_CTX_use_certificate(3)`, `SSL_CTX_check_private_key(3)`,
//! `SSL_get1_peer_certificate(3)`, `SSL_get_peer_cert_chain(3)`.

use std::ffi::CStr;

use libc::{c_char, c_int};
use openssl_sys::{stack_st_X509, EVP_PKEY, X509};

use super::connection::SSL;
use super::context::{CtxInner, SSL_CTX};
use super::{deref, guard, opt_cstr};
use crate::bridge::err;
use crate::bridge::x509::{self, Cert, PKey, FILETYPE_ASN1, FILETYPE_PEM};
use crate::core::connection::Role;
use crate::core::error::Reason;

/// `ERR_R_SYS_LIB`, `ERR_R_PEM_LIB`, `ERR_R_ASN1_LIB`: what OpenSSL adds
/// after libcrypto's own reasons when a file cannot be used.
const ERR_R_SYS_LIB: Reason = Reason(2 | (0x2 << 18));
const ERR_R_PEM_LIB: Reason = Reason(9 | (0x2 << 18));
const ERR_R_ASN1_LIB: Reason = Reason(13 | (0x2 << 18));
const BAD_SSL_FILETYPE: Reason = Reason(124);

/// A certificate and key for one key type. OpenSSL keeps one per type and
/// makes the last one set current; `cert` and `key` of the context are the
/// current one.
pub(crate) struct Slot {
    kind: c_int,
    cert: Option<Cert>,
    key: Option<PKey>,
    chain: Option<Vec<Cert>>,
}

/// Makes the slot of key type `kind` current, so that a key of another type
/// than the certificate neither fails nor replaces it, as in OpenSSL.
fn select_slot(c: &mut CtxInner, kind: c_int) {
    let current = c
        .cert
        .as_ref()
        .map(Cert::key_kind)
        .or(c.key.as_ref().map(PKey::kind));
    let Some(current) = current.filter(|k| *k != kind) else {
        return;
    };
    let next = match c.other_slots.iter().position(|s| s.kind == kind) {
        Some(i) => c.other_slots.remove(i),
        None => Slot {
            kind,
            cert: None,
            key: None,
            chain: None,
        },
    };
    c.other_slots.push(Slot {
        kind: current,
        cert: std::mem::replace(&mut c.cert, next.cert),
        key: std::mem::replace(&mut c.key, next.key),
        chain: std::mem::replace(&mut c.chain, next.chain),
    });
}

/// Installs the certificate; a key that does not match it is dropped, as
/// OpenSSL does, so a later matching key can be set.
fn use_cert(c: &mut CtxInner, cert: Cert) {
    select_slot(c, cert.key_kind());
    if let Some(k) = &c.key {
        if err::quietly(|| (!k.matches(&cert)).then_some(())).is_some() {
            c.key = None;
        }
    }
    c.cert = Some(cert);
    c.certificates_changed();
}

/// Installs the key; 0 (reason queued by libcrypto) if it does not match the
/// certificate already set.
fn use_key(c: &mut CtxInner, key: PKey) -> c_int {
    select_slot(c, key.kind());
    if let Some(cert) = &c.cert {
        if !key.matches(cert) {
            return 0;
        }
    }
    c.key = Some(key);
    c.certificates_changed();
    1
}

/// Opens and parses a file the way OpenSSL's `use_*_file` functions do,
/// including the reasons they queue.
pub(crate) fn load<T>(
    file: *const c_char,
    filetype: c_int,
    func: &'static CStr,
    read: impl FnOnce(&CStr) -> Option<T>,
) -> Option<T> {
    let Some(path) = (unsafe { opt_cstr(file) }) else {
        err::push(Reason::PASSED_NULL_PARAMETER, func);
        return None;
    };
    if std::fs::metadata(path.to_string_lossy().as_ref()).is_err() {
        // Let libcrypto report the open failure itself, then add ours.
        let _ = read(path);
        err::push(ERR_R_SYS_LIB, func);
        return None;
    }
    if filetype != FILETYPE_PEM && filetype != FILETYPE_ASN1 {
        err::push(BAD_SSL_FILETYPE, func);
        return None;
    }
    let v = read(path);
    if v.is_none() {
        err::push(
            if filetype == FILETYPE_PEM {
                ERR_R_PEM_LIB
            } else {
                ERR_R_ASN1_LIB
            },
            func,
        );
    }
    v
}

#[export_name = "sslshim_SSL_CTX_use_certificate_file"]
pub unsafe extern "C" fn SSL_CTX_use_certificate_file(
    ctx: *mut SSL_CTX,
    file: *const c_char,
    filetype: c_int,
) -> c_int {
    guard(c"SSL_CTX_use_certificate_file", 0, || {
        let ctx = deref!(c"SSL_CTX_use_certificate_file", ctx, 0);
        let mut c = ctx.lock();
        let pw = c.password;
        let Some(cert) = load(file, filetype, c"SSL_CTX_use_certificate_file", |p| {
            x509::read_cert(p, filetype, pw)
        }) else {
            return 0;
        };
        use_cert(&mut c, cert);
        1
    })
}

#[export_name = "sslshim_SSL_CTX_use_certificate_chain_file"]
pub unsafe extern "C" fn SSL_CTX_use_certificate_chain_file(
    ctx: *mut SSL_CTX,
    file: *const c_char,
) -> c_int {
    guard(c"SSL_CTX_use_certificate_chain_file", 0, || {
        let ctx = deref!(c"SSL_CTX_use_certificate_chain_file", ctx, 0);
        let mut c = ctx.lock();
        let pw = c.password;
        let Some(mut chain) = load(
            file,
            FILETYPE_PEM,
            c"SSL_CTX_use_certificate_chain_file",
            |p| x509::read_chain(p, pw),
        ) else {
            return 0;
        };
        let leaf = chain.remove(0);
        use_cert(&mut c, leaf);
        c.extra_chain = chain;
        c.certificates_changed();
        1
    })
}

#[export_name = "sslshim_SSL_CTX_use_PrivateKey_file"]
pub unsafe extern "C" fn SSL_CTX_use_PrivateKey_file(
    ctx: *mut SSL_CTX,
    file: *const c_char,
    filetype: c_int,
) -> c_int {
    guard(c"SSL_CTX_use_PrivateKey_file", 0, || {
        let ctx = deref!(c"SSL_CTX_use_PrivateKey_file", ctx, 0);
        let mut c = ctx.lock();
        let pw = c.password;
        let Some(key) = load(file, filetype, c"SSL_CTX_use_PrivateKey_file", |p| {
            x509::read_key(p, filetype, pw)
        }) else {
            return 0;
        };
        use_key(&mut c, key)
    })
}

#[export_name = "sslshim_SSL_CTX_use_certificate"]
pub unsafe extern "C" fn SSL_CTX_use_certificate(ctx: *mut SSL_CTX, x: *mut X509) -> c_int {
    guard(c"SSL_CTX_use_certificate", 0, || {
        let ctx = deref!(c"SSL_CTX_use_certificate", ctx, 0);
        let Some(cert) = (unsafe { Cert::share(x) }) else {
            err::push(Reason::PASSED_NULL_PARAMETER, c"SSL_CTX_use_certificate");
            return 0;
        };
        use_cert(&mut ctx.lock(), cert);
        1
    })
}

#[export_name = "sslshim_SSL_CTX_use_PrivateKey"]
pub unsafe extern "C" fn SSL_CTX_use_PrivateKey(ctx: *mut SSL_CTX, pkey: *mut EVP_PKEY) -> c_int {
    guard(c"SSL_CTX_use_PrivateKey", 0, || {
        let ctx = deref!(c"SSL_CTX_use_PrivateKey", ctx, 0);
        let Some(key) = (unsafe { PKey::share(pkey) }) else {
            err::push(Reason::PASSED_NULL_PARAMETER, c"SSL_CTX_use_PrivateKey");
            return 0;
        };
        use_key(&mut ctx.lock(), key)
    })
}

#[export_name = "sslshim_SSL_CTX_check_private_key"]
pub unsafe extern "C" fn SSL_CTX_check_private_key(ctx: *const SSL_CTX) -> c_int {
    guard(c"SSL_CTX_check_private_key", 0, || {
        let ctx = deref!(c"SSL_CTX_check_private_key", ctx as *mut SSL_CTX, 0);
        let c = ctx.lock();
        let Some(cert) = &c.cert else {
            err::push(
                Reason::NO_CERTIFICATE_ASSIGNED,
                c"SSL_CTX_check_private_key",
            );
            return 0;
        };
        let Some(key) = &c.key else {
            err::push(
                Reason::NO_PRIVATE_KEY_ASSIGNED,
                c"SSL_CTX_check_private_key",
            );
            return 0;
        };
        c_int::from(key.matches(cert))
    })
}

/// The certificate an `SSL` presents: its context's (not a new reference).
#[export_name = "sslshim_SSL_get_certificate"]
pub unsafe extern "C" fn SSL_get_certificate(s: *const SSL) -> *mut X509 {
    guard(c"SSL_get_certificate", std::ptr::null_mut(), || {
        let ssl = deref!(c"SSL_get_certificate", s as *mut SSL, std::ptr::null_mut());
        if let Some(own) = &ssl.own.cert {
            return own.as_ptr();
        }
        ssl.ctx
            .lock()
            .cert
            .as_ref()
            .map_or(std::ptr::null_mut(), Cert::as_ptr)
    })
}

#[export_name = "sslshim_SSL_get_privatekey"]
pub unsafe extern "C" fn SSL_get_privatekey(s: *const SSL) -> *mut EVP_PKEY {
    guard(c"SSL_get_privatekey", std::ptr::null_mut(), || {
        let ssl = deref!(c"SSL_get_privatekey", s as *mut SSL, std::ptr::null_mut());
        if let Some(own) = &ssl.own.key {
            return own.as_ptr();
        }
        ssl.ctx
            .lock()
            .key
            .as_ref()
            .map_or(std::ptr::null_mut(), PKey::as_ptr)
    })
}

#[export_name = "sslshim_SSL_get1_peer_certificate"]
pub unsafe extern "C" fn SSL_get1_peer_certificate(s: *const SSL) -> *mut X509 {
    guard(c"SSL_get1_peer_certificate", std::ptr::null_mut(), || {
        let ssl = deref!(
            c"SSL_get1_peer_certificate",
            s as *mut SSL,
            std::ptr::null_mut()
        );
        let Some(der) = ssl.conn.peer_certificates().and_then(|c| c.first()) else {
            return std::ptr::null_mut();
        };
        // The object verification decoded, as OpenSSL hands out the one it
        // verified; decoding again cost a seventh of a client's handshake.
        // A handshake that verified nothing (resumption) decodes afresh.
        let verified = ssl
            .verify
            .verified_chain
            .as_ref()
            .and_then(|c| c.first())
            .filter(|c| c.to_der().is_some_and(|d| d.as_ref() == der.as_ref()));
        verified
            .or_else(|| ssl.ctx.peer_certs.decode(der))
            .map_or(std::ptr::null_mut(), Cert::into_raw)
    })
}

/// The peer's chain, owned by the `SSL`: with the leaf on a client, without
/// it on a server, as OpenSSL has it.
#[export_name = "sslshim_SSL_get_peer_cert_chain"]
pub unsafe extern "C" fn SSL_get_peer_cert_chain(s: *const SSL) -> *mut stack_st_X509 {
    guard(c"SSL_get_peer_cert_chain", std::ptr::null_mut(), || {
        let ssl = deref!(
            c"SSL_get_peer_cert_chain",
            s as *mut SSL,
            std::ptr::null_mut()
        );
        // A server that asked for a certificate got a Certificate message,
        // empty if the client had none: OpenSSL keeps an empty chain for it
        // once the handshake succeeded, and none after a failed one.
        let asked = ssl.conn.role() == Role::Server
            && ssl.conn.settings.verify_mode & crate::core::verify::VERIFY_PEER != 0
            && !ssl.conn.in_init();
        let Some(certs) = ssl.conn.peer_certificates().or(asked.then_some(&[][..])) else {
            return std::ptr::null_mut();
        };
        let certs = if ssl.conn.role() == Role::Server {
            certs.get(1..).unwrap_or(&[])
        } else {
            certs
        };
        // OpenSSL returns the one stack it keeps, and callers may hold it
        // across calls: replacing it would free the stack handed out before
        // (and decode every certificate again).
        if !ssl.peer_chain.as_ref().is_some_and(|c| c.holds(certs)) {
            ssl.peer_chain = ssl.ctx.peer_certs.stack(certs);
        }
        ssl.peer_chain
            .as_ref()
            .map_or(std::ptr::null_mut(), |c| c.as_ptr() as *mut stack_st_X509)
    })
}

#[export_name = "sslshim_SSL_CTX_get0_certificate"]
pub unsafe extern "C" fn SSL_CTX_get0_certificate(ctx: *const SSL_CTX) -> *mut X509 {
    guard(c"SSL_CTX_get0_certificate", std::ptr::null_mut(), || {
        let ctx = deref!(
            c"SSL_CTX_get0_certificate",
            ctx as *mut SSL_CTX,
            std::ptr::null_mut()
        );
        ctx.lock()
            .cert
            .as_ref()
            .map_or(std::ptr::null_mut(), Cert::as_ptr)
    })
}

#[export_name = "sslshim_SSL_CTX_get0_privatekey"]
pub unsafe extern "C" fn SSL_CTX_get0_privatekey(ctx: *const SSL_CTX) -> *mut EVP_PKEY {
    guard(c"SSL_CTX_get0_privatekey", std::ptr::null_mut(), || {
        let ctx = deref!(
            c"SSL_CTX_get0_privatekey",
            ctx as *mut SSL_CTX,
            std::ptr::null_mut()
        );
        ctx.lock()
            .key
            .as_ref()
            .map_or(std::ptr::null_mut(), PKey::as_ptr)
    })
}
