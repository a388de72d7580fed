//! `SSL_CTX_set_verify(3)`, `SSL_CTX_load_verify_locations(3)`,
//! `SSL_set1_host(3)`, `SSL_get_verify_result(3)`.

use std::ffi::CStr;
use std::sync::Arc;

use libc::{c_char, c_int, c_long, c_uint, c_void};
use rustls::pki_types::CertificateDer;

use super::connection::SSL;
use super::context::{VerifyCallback, SSL_CTX};
use super::{deref, guard, opt_cstr};
use crate::bridge::verify::{self as bverify, ChainRequest, VerifyParam};
use crate::bridge::x509;

/// What an `SSL` verifies its peer with, as OpenSSL keeps it per connection:
/// taken from the context at `SSL_new`, then changed by the `SSL_set_*` calls.
pub(crate) struct VerifyState {
    pub callback: VerifyCallback,
    pub param: VerifyParam,
    /// `SSL_get0_verified_chain`: what the last verification built.
    pub verified_chain: Option<x509::CertStack>,
    /// `SSL_set_security_level`: verification's authentication level.
    pub security_level: c_int,
}

impl VerifyState {
    pub fn new(ctx: &SSL_CTX) -> Option<VerifyState> {
        let c = ctx.lock();
        Some(VerifyState {
            callback: c.verify_callback,
            param: VerifyParam::inherit(&c.param)?,
            verified_chain: None,
            security_level: c.core.security_level,
        })
    }
}

/// Has the connection's handshake verify the peer through libcrypto.
///
/// # Safety
/// `s` was just made by `SSL_new`; the check runs only while it lives, from
/// calls on it.
pub(crate) unsafe fn attach(s: *mut SSL) {
    let addr = s as usize;
    let check = Arc::new(move |chain: &[CertificateDer<'_>], server: bool| {
        // SAFETY: the connection calls this during its own handshake, so the
        // SSL is alive; only the fields apart from the connection are read.
        unsafe { verify_peer(addr as *mut SSL, chain, server) }
    });
    unsafe { (*s).conn.set_chain_check(check) };
}

unsafe fn verify_peer(s: *mut SSL, chain: &[CertificateDer<'_>], server: bool) -> (bool, i64) {
    let (ctx, v) = unsafe {
        (
            &*std::ptr::addr_of!((*s).ctx),
            &*std::ptr::addr_of!((*s).verify),
        )
    };
    // Unlocked before libcrypto runs: the callback may call into the context.
    let store = ctx.lock().store.as_ptr();
    let mut out = bverify::verify_chain(
        &ChainRequest {
            store,
            param: &v.param,
            security_level: v.security_level,
            callback: v.callback,
            ssl: s as *mut c_void,
            server,
            decoded: &ctx.peer_certs,
        },
        chain,
    );
    let built = out.chain.take();
    // SAFETY: as above; nothing else borrows this field once libcrypto returned.
    unsafe { (*std::ptr::addr_of_mut!((*s).verify.verified_chain)) = built };
    (out.accepted, out.error)
}

#[export_name = "sslshim_SSL_get_ex_data_X509_STORE_CTX_idx"]
pub extern "C" fn SSL_get_ex_data_X509_STORE_CTX_idx() -> c_int {
    bverify::ssl_ex_index()
}

#[export_name = "sslshim_SSL_CTX_set_verify"]
pub unsafe extern "C" fn SSL_CTX_set_verify(ctx: *mut SSL_CTX, mode: c_int, cb: VerifyCallback) {
    guard(c"SSL_CTX_set_verify", (), || {
        let ctx = deref!(c"SSL_CTX_set_verify", ctx);
        let mut c = ctx.lock();
        c.core.set_verify(mode);
        c.verify_callback = cb;
    })
}

#[export_name = "sslshim_SSL_set_verify"]
pub unsafe extern "C" fn SSL_set_verify(s: *mut SSL, mode: c_int, cb: VerifyCallback) {
    guard(c"SSL_set_verify", (), || {
        let ssl = deref!(c"SSL_set_verify", s);
        ssl.conn.settings.verify_mode = mode;
        // As OpenSSL: a null callback keeps the one the SSL has.
        if cb.is_some() {
            ssl.verify.callback = cb;
        }
    })
}

#[export_name = "sslshim_SSL_CTX_get_verify_mode"]
pub unsafe extern "C" fn SSL_CTX_get_verify_mode(ctx: *const SSL_CTX) -> c_int {
    guard(c"SSL_CTX_get_verify_mode", 0, || {
        deref!(c"SSL_CTX_get_verify_mode", ctx as *mut SSL_CTX, 0)
            .lock()
            .core
            .verify_mode
    })
}

#[export_name = "sslshim_SSL_get_verify_mode"]
pub unsafe extern "C" fn SSL_get_verify_mode(s: *const SSL) -> c_int {
    guard(c"SSL_get_verify_mode", 0, || {
        deref!(c"SSL_get_verify_mode", s as *mut SSL, 0)
            .conn
            .settings
            .verify_mode
    })
}

#[export_name = "sslshim_SSL_CTX_set_verify_depth"]
pub unsafe extern "C" fn SSL_CTX_set_verify_depth(ctx: *mut SSL_CTX, depth: c_int) {
    guard(c"SSL_CTX_set_verify_depth", (), || {
        let mut c = deref!(c"SSL_CTX_set_verify_depth", ctx).lock();
        c.core.verify_depth = depth;
        c.param.set_depth(depth);
    })
}

#[export_name = "sslshim_SSL_CTX_get_verify_depth"]
pub unsafe extern "C" fn SSL_CTX_get_verify_depth(ctx: *const SSL_CTX) -> c_int {
    guard(c"SSL_CTX_get_verify_depth", 0, || {
        deref!(c"SSL_CTX_get_verify_depth", ctx as *mut SSL_CTX, 0)
            .lock()
            .param
            .depth()
    })
}

#[export_name = "sslshim_SSL_set_verify_depth"]
pub unsafe extern "C" fn SSL_set_verify_depth(s: *mut SSL, depth: c_int) {
    guard(c"SSL_set_verify_depth", (), || {
        deref!(c"SSL_set_verify_depth", s)
            .verify
            .param
            .set_depth(depth);
    })
}

#[export_name = "sslshim_SSL_get_verify_depth"]
pub unsafe extern "C" fn SSL_get_verify_depth(s: *const SSL) -> c_int {
    guard(c"SSL_get_verify_depth", 0, || {
        deref!(c"SSL_get_verify_depth", s as *mut SSL, 0)
            .verify
            .param
            .depth()
    })
}

#[export_name = "sslshim_SSL_CTX_get_verify_callback"]
pub unsafe extern "C" fn SSL_CTX_get_verify_callback(ctx: *const SSL_CTX) -> VerifyCallback {
    guard(c"SSL_CTX_get_verify_callback", None, || {
        deref!(c"SSL_CTX_get_verify_callback", ctx as *mut SSL_CTX, None)
            .lock()
            .verify_callback
    })
}

#[export_name = "sslshim_SSL_get_verify_callback"]
pub unsafe extern "C" fn SSL_get_verify_callback(s: *const SSL) -> VerifyCallback {
    guard(c"SSL_get_verify_callback", None, || {
        deref!(c"SSL_get_verify_callback", s as *mut SSL, None)
            .verify
            .callback
    })
}

#[export_name = "sslshim_SSL_get_verify_result"]
pub unsafe extern "C" fn SSL_get_verify_result(s: *const SSL) -> c_long {
    guard(c"SSL_get_verify_result", 0, || {
        deref!(c"SSL_get_verify_result", s as *mut SSL, 0)
            .conn
            .verify_result() as c_long
    })
}

#[export_name = "sslshim_SSL_set_verify_result"]
pub unsafe extern "C" fn SSL_set_verify_result(s: *mut SSL, v: c_long) {
    guard(c"SSL_set_verify_result", (), || {
        deref!(c"SSL_set_verify_result", s)
            .conn
            .set_verify_result(v);
    })
}

#[export_name = "sslshim_SSL_set1_host"]
pub unsafe extern "C" fn SSL_set1_host(s: *mut SSL, hostname: *const c_char) -> c_int {
    guard(c"SSL_set1_host", 0, || {
        let ssl = deref!(c"SSL_set1_host", s, 0);
        let host = unsafe { opt_cstr(hostname) };
        if !ssl.verify.param.set1_host(host) {
            return 0;
        }
        let host = host.map(|h| h.to_string_lossy().into_owned());
        ssl.conn.settings.verify_host = host.filter(|h| !h.is_empty());
        1
    })
}

#[export_name = "sslshim_SSL_add1_host"]
pub unsafe extern "C" fn SSL_add1_host(s: *mut SSL, hostname: *const c_char) -> c_int {
    guard(c"SSL_add1_host", 0, || {
        let ssl = deref!(c"SSL_add1_host", s, 0);
        c_int::from(ssl.verify.param.add1_host(unsafe { opt_cstr(hostname) }))
    })
}

#[export_name = "sslshim_SSL_set_hostflags"]
pub unsafe extern "C" fn SSL_set_hostflags(s: *mut SSL, flags: c_uint) {
    guard(c"SSL_set_hostflags", (), || {
        deref!(c"SSL_set_hostflags", s)
            .verify
            .param
            .set_hostflags(flags);
    })
}

#[export_name = "sslshim_SSL_get0_peername"]
pub unsafe extern "C" fn SSL_get0_peername(s: *mut SSL) -> *const c_char {
    guard(c"SSL_get0_peername", std::ptr::null(), || {
        deref!(c"SSL_get0_peername", s, std::ptr::null())
            .verify
            .param
            .peername()
    })
}

#[export_name = "sslshim_SSL_CTX_load_verify_file"]
pub unsafe extern "C" fn SSL_CTX_load_verify_file(ctx: *mut SSL_CTX, file: *const c_char) -> c_int {
    guard(c"SSL_CTX_load_verify_file", 0, || {
        let ctx = deref!(c"SSL_CTX_load_verify_file", ctx, 0);
        let Some(file) = (unsafe { opt_cstr(file) }) else {
            return 0;
        };
        c_int::from(ctx.lock().store.load_file(file))
    })
}

fn add_dir(ctx: &SSL_CTX, dir: &CStr) -> bool {
    let mut c = ctx.lock();
    if !c.store.load_path(dir) {
        return false;
    }
    c.roots_changed();
    true
}

#[export_name = "sslshim_SSL_CTX_load_verify_dir"]
pub unsafe extern "C" fn SSL_CTX_load_verify_dir(ctx: *mut SSL_CTX, dir: *const c_char) -> c_int {
    guard(c"SSL_CTX_load_verify_dir", 0, || {
        let ctx = deref!(c"SSL_CTX_load_verify_dir", ctx, 0);
        let Some(dir) = (unsafe { opt_cstr(dir) }) else {
            return 0;
        };
        c_int::from(add_dir(ctx, dir))
    })
}

#[export_name = "sslshim_SSL_CTX_load_verify_locations"]
pub unsafe extern "C" fn SSL_CTX_load_verify_locations(
    ctx: *mut SSL_CTX,
    file: *const c_char,
    dir: *const c_char,
) -> c_int {
    guard(c"SSL_CTX_load_verify_locations", 0, || {
        let ctx = deref!(c"SSL_CTX_load_verify_locations", ctx, 0);
        let (file, dir) = unsafe { (opt_cstr(file), opt_cstr(dir)) };
        if file.is_none() && dir.is_none() {
            return 0;
        }
        if let Some(f) = file {
            if !ctx.lock().store.load_file(f) {
                return 0;
            }
        }
        if let Some(d) = dir {
            if !add_dir(ctx, d) {
                return 0;
            }
        }
        1
    })
}

#[export_name = "sslshim_SSL_CTX_set_default_verify_paths"]
pub unsafe extern "C" fn SSL_CTX_set_default_verify_paths(ctx: *mut SSL_CTX) -> c_int {
    guard(c"SSL_CTX_set_default_verify_paths", 0, || {
        let ctx = deref!(c"SSL_CTX_set_default_verify_paths", ctx, 0);
        let (file, dir) = x509::default_paths();
        // As X509_STORE_set_default_paths: a missing default file or directory
        // is not an error.
        crate::bridge::err::quietly(|| ctx.lock().store.load_file(&file).then_some(()));
        crate::bridge::err::quietly(|| add_dir(ctx, &dir).then_some(()));
        1
    })
}
