//! `SSL_CTX_ctrl(3)` and `SSL_ctrl(3)`: the commands behind OpenSSL's macros
//! (`SSL_CTX_set_mode`, `SSL_set_tlsext_host_name`, ...), by their numbers in
//! `<openssl/ssl.h>`. A command not listed fails as OpenSSL fails an unknown
//! one (0) and is logged once.

use std::ffi::c_void;

use libc::{c_int, c_long};
use openssl_sys::{OPENSSL_STACK, X509};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};
use crate::bridge::err;
use crate::bridge::x509::{self, Cert, CertStack};
use crate::core::context::{mode, version_bound};
use crate::core::error::Reason;
use crate::core::groups::BadList;

const MODE: c_int = 33;
const CLEAR_MODE: c_int = 78;
const GET_READ_AHEAD: c_int = 40;
const SET_READ_AHEAD: c_int = 41;
const SET_SESS_CACHE_SIZE: c_int = 42;
const GET_SESS_CACHE_SIZE: c_int = 43;
const SET_SESS_CACHE_MODE: c_int = 44;
const GET_SESS_CACHE_MODE: c_int = 45;
const SET_MAX_SEND_FRAGMENT: c_int = 52;
const SET_SPLIT_SEND_FRAGMENT: c_int = 125;
const SET_MAX_PIPELINES: c_int = 126;
const SET_TLSEXT_HOSTNAME: c_int = 55;
const SET_TLSEXT_SERVERNAME_ARG: c_int = 54;
const EXTRA_CHAIN_CERT: c_int = 14;
const CLEAR_EXTRA_CHAIN_CERTS: c_int = 83;
const GET_RI_SUPPORT: c_int = 76;
const CHAIN: c_int = 88;
const SET_GROUPS_LIST: c_int = 92;
const CHAIN_CERT: c_int = 89;
const GET_CHAIN_CERTS: c_int = 115;
const SET_MSG_CALLBACK_ARG: c_int = 16;
const SET_MIN_PROTO_VERSION: c_int = 123;
const SET_MAX_PROTO_VERSION: c_int = 124;
const GET_MIN_PROTO_VERSION: c_int = 130;
const GET_MAX_PROTO_VERSION: c_int = 131;
const SET_TMP_DH: c_int = 3;
const SET_DH_AUTO: c_int = 118;
const SET_TMP_ECDH: c_int = 4;
const GET_PEER_TMP_KEY: c_int = 109;

/// `ERR_R_PASSED_INVALID_ARGUMENT`.
const PASSED_INVALID_ARGUMENT: Reason = Reason(262 | (0x2 << 18));

/// `TLSEXT_MAXLEN_host_name`.
const MAX_HOST_NAME: usize = 255;

/// `SSL_MAX_PIPELINES`.
const MAX_PIPELINES: c_long = 32;

/// `SSL_set_max_pipelines`: OpenSSL accepts 1 to 32 and pipelines only with
/// ciphers that support it, which none of the default providers' does; one
/// record at a time is what it does with the suites sslshim offers.
fn pipelines(larg: c_long) -> c_long {
    if !(1..=MAX_PIPELINES).contains(&larg) {
        return 0;
    }
    if larg > 1 {
        super::ignored("SSL_set_max_pipelines above 1");
    }
    1
}

/// `SSL_set_min_proto_version`/`SSL_set_max_proto_version` on one `SSL`.
fn set_bound(bound: &mut i32, other: i32, larg: c_long) -> c_long {
    match i32::try_from(larg)
        .ok()
        .and_then(|v| version_bound(*bound, other, v))
    {
        Some(v) => {
            *bound = v;
            1
        }
        None => 0,
    }
}

/// `SSL_CTRL_MODE`: returns the new mode, which lacks any bit refused.
fn set_mode(current: &mut u64, larg: c_long) -> c_long {
    let (new, refused) = mode::set(*current, larg as u64);
    if refused != 0 {
        super::log_once(&format!(
            "SSL_MODE bits {refused:#x} are not supported; left clear"
        ));
    }
    *current = new;
    new as c_long
}

/// `SSL_set_tmp_dh`: OpenSSL's checks, then nothing kept. rustls offers no
/// finite-field DHE suite, so the parameters could never be used; refusing
/// them would stop programs (socat) that always set them.
fn tmp_dh(parg: *mut c_void, func: &'static std::ffi::CStr, level: c_int) -> c_long {
    if parg.is_null() {
        err::push(Reason::PASSED_NULL_PARAMETER, func);
        return 0;
    }
    let bits = unsafe { crate::bridge::ffi::DH_security_bits(parg) };
    if !crate::core::dh::tmp_dh_allowed(bits, level) {
        err::push(Reason(394), func); // SSL_R_DH_KEY_TOO_SMALL
        return 0;
    }
    super::ignored("SSL_set_tmp_dh (no DHE suites)");
    1
}

fn unknown(what: &str, cmd: c_int) -> c_long {
    super::log_once(&format!("{what} command {cmd} is not implemented"));
    0
}

#[export_name = "sslshim_SSL_CTX_ctrl"]
pub unsafe extern "C" fn SSL_CTX_ctrl(
    ctx: *mut SSL_CTX,
    cmd: c_int,
    larg: c_long,
    parg: *mut c_void,
) -> c_long {
    guard(c"SSL_CTX_ctrl", 0, || {
        let ctx = deref!(c"SSL_CTX_ctrl", ctx, 0);
        let mut c = ctx.lock();
        match cmd {
            MODE => set_mode(&mut c.core.mode, larg),
            CLEAR_MODE => {
                c.core.mode &= !(larg as u64);
                c.core.mode as c_long
            }
            GET_READ_AHEAD => c.read_ahead,
            SET_READ_AHEAD => std::mem::replace(&mut c.read_ahead, larg),
            SET_SESS_CACHE_MODE => std::mem::replace(&mut c.session_cache_mode, larg),
            GET_SESS_CACHE_MODE => c.session_cache_mode,
            // Kept and returned: rustls's server cache keeps its own bound.
            SET_SESS_CACHE_SIZE if larg >= 0 => std::mem::replace(&mut c.session_cache_size, larg),
            SET_SESS_CACHE_SIZE => 0,
            GET_SESS_CACHE_SIZE => c.session_cache_size,
            SET_MAX_SEND_FRAGMENT => c_long::from(c.core.send_fragment.set_max(larg)),
            SET_SPLIT_SEND_FRAGMENT => c_long::from(c.core.send_fragment.set_split(larg)),
            SET_MAX_PIPELINES => pipelines(larg),
            SET_TMP_DH => tmp_dh(parg, c"SSL_CTX_ctrl", c.core.security_level),
            SET_DH_AUTO => 1,
            SET_MIN_PROTO_VERSION => c_long::from(c.core.set_min_version(larg as c_int)),
            SET_MAX_PROTO_VERSION => c_long::from(c.core.set_max_version(larg as c_int)),
            GET_MIN_PROTO_VERSION => c.core.min_version().into(),
            GET_MAX_PROTO_VERSION => c.core.max_version().into(),
            EXTRA_CHAIN_CERT => {
                // The context takes over the caller's reference.
                match unsafe { Cert::adopt(parg as *mut X509) } {
                    Some(x) => {
                        c.extra_chain.push(x);
                        c.certificates_changed();
                        1
                    }
                    None => 0,
                }
            }
            SET_TLSEXT_SERVERNAME_ARG => {
                drop(c);
                super::hello::set_servername_arg(ctx, parg);
                1
            }
            // The message callback is never called, so its argument is moot.
            SET_MSG_CALLBACK_ARG => 1,
            CHAIN => {
                let certs = unsafe { x509::stack_certs(parg as *mut OPENSSL_STACK, larg == 0) };
                c.chain = (!parg.is_null()).then_some(certs);
                c.certificates_changed();
                1
            }
            CHAIN_CERT => {
                let x = parg as *mut X509;
                let cert = if larg == 0 {
                    unsafe { Cert::adopt(x) }
                } else {
                    unsafe { Cert::share(x) }
                };
                let Some(cert) = cert else {
                    return 0;
                };
                c.chain.get_or_insert_with(Vec::new).push(cert);
                c.certificates_changed();
                1
            }
            GET_CHAIN_CERTS => {
                // The stack stays the context's, as OpenSSL's get0 does.
                if c.chain_stack.is_none() {
                    c.chain_stack = c.chain.as_deref().and_then(CertStack::from_certs);
                }
                let p = c
                    .chain_stack
                    .as_ref()
                    .map_or(std::ptr::null_mut(), CertStack::as_ptr);
                if !parg.is_null() {
                    unsafe { *(parg as *mut *mut OPENSSL_STACK) = p };
                }
                1
            }
            SET_TMP_ECDH => {
                if parg.is_null() {
                    err::push(Reason::PASSED_NULL_PARAMETER, c"SSL_CTX_ctrl");
                    return 0;
                }
                // OpenSSL makes the key's curve the one group offered.
                match unsafe { crate::bridge::ffi::ec_key_curve(parg as *const _) } {
                    (false, _) => {
                        err::push(Reason(290), c"SSL_CTX_ctrl"); // SSL_R_MISSING_PARAMETERS
                        0
                    }
                    (true, Some(name)) => c_long::from(c.core.set_groups_list(&name).is_ok()),
                    (true, None) => 0,
                }
            }
            SET_GROUPS_LIST => {
                let Some(list) = (unsafe { super::opt_cstr(parg as *const libc::c_char) }) else {
                    return 0;
                };
                match c.core.set_groups_list(&list.to_string_lossy()) {
                    Ok(()) => 1,
                    Err(BadList::EmptyItem) => 0,
                    Err(BadList::UnknownName) => {
                        err::push(PASSED_INVALID_ARGUMENT, c"SSL_CTX_ctrl");
                        0
                    }
                }
            }
            CLEAR_EXTRA_CHAIN_CERTS => {
                c.extra_chain.clear();
                c.certificates_changed();
                1
            }
            _ => unknown("SSL_CTX_ctrl", cmd),
        }
    })
}

#[export_name = "sslshim_SSL_ctrl"]
pub unsafe extern "C" fn SSL_ctrl(
    s: *mut SSL,
    cmd: c_int,
    larg: c_long,
    parg: *mut c_void,
) -> c_long {
    guard(c"SSL_ctrl", 0, || {
        let ssl = deref!(c"SSL_ctrl", s, 0);
        let settings = &mut ssl.conn.settings;
        match cmd {
            MODE => set_mode(&mut settings.mode, larg),
            CLEAR_MODE => {
                settings.mode &= !(larg as u64);
                settings.mode as c_long
            }
            // A fixed-version method takes a valid bound and keeps none but 0.
            SET_MIN_PROTO_VERSION if settings.fixed_version != 0 && larg != 0 => set_bound(
                &mut settings.min_version.clone(),
                settings.max_version,
                larg,
            ),
            SET_MAX_PROTO_VERSION if settings.fixed_version != 0 && larg != 0 => set_bound(
                &mut settings.max_version.clone(),
                settings.min_version,
                larg,
            ),
            SET_MIN_PROTO_VERSION => {
                set_bound(&mut settings.min_version, settings.max_version, larg)
            }
            SET_MAX_PROTO_VERSION => {
                set_bound(&mut settings.max_version, settings.min_version, larg)
            }
            GET_MIN_PROTO_VERSION => settings.min_version.into(),
            GET_MAX_PROTO_VERSION => settings.max_version.into(),
            SET_MAX_SEND_FRAGMENT => c_long::from(settings.send_fragment.set_max(larg)),
            SET_SPLIT_SEND_FRAGMENT => c_long::from(settings.send_fragment.set_split(larg)),
            SET_MAX_PIPELINES => pipelines(larg),
            SET_TMP_DH => tmp_dh(parg, c"SSL_ctrl", ssl.verify.security_level),
            SET_DH_AUTO => 1,
            SET_TLSEXT_HOSTNAME => {
                // Only host names exist (TLSEXT_NAMETYPE_host_name = 0).
                if larg != 0 {
                    err::push(Reason(320), c"SSL_ctrl"); // SSL_R_SSL3_EXT_INVALID_SERVERNAME_TYPE
                    return 0;
                }
                let name = unsafe { super::opt_cstr(parg as *const libc::c_char) };
                match name {
                    None => settings.sni = None,
                    Some(n) if n.to_bytes().is_empty() || n.to_bytes().len() > MAX_HOST_NAME => {
                        err::push(Reason(319), c"SSL_ctrl"); // SSL_R_SSL3_EXT_INVALID_SERVERNAME
                        return 0;
                    }
                    Some(n) => settings.sni = Some(n.to_string_lossy().into_owned()),
                }
                1
            }
            // Secure renegotiation is moot: rustls never renegotiates.
            GET_READ_AHEAD => settings.read_ahead.into(),
            SET_READ_AHEAD => std::mem::replace(&mut settings.read_ahead, larg as c_int).into(),
            // The message callback is never called, so its argument is moot.
            SET_MSG_CALLBACK_ARG => 1,
            // The peer's TLS 1.3 key share; none for TLS 1.2 (see compat.md).
            GET_PEER_TMP_KEY => {
                let Some((group, share)) = ssl.conn.peer_tmp_key() else {
                    return 0;
                };
                let key = crate::bridge::kx::peer_key(group, share);
                if key.is_null() || parg.is_null() {
                    unsafe { openssl_sys::EVP_PKEY_free(key) };
                    return 0;
                }
                unsafe { *(parg as *mut *mut openssl_sys::EVP_PKEY) = key };
                1
            }
            GET_RI_SUPPORT => 1,
            CHAIN => {
                let certs = unsafe { x509::stack_certs(parg as *mut OPENSSL_STACK, larg == 0) };
                ssl.own.chain = (!parg.is_null()).then_some(certs);
                1
            }
            _ => unknown("SSL_ctrl", cmd),
        }
    })
}
