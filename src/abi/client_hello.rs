//! `SSL_CTX_set_client_hello_cb(3)`: the application's first look at a
//! ClientHello, before the server has chosen anything, and the accessors it
//! (and the servername and ALPN callbacks after it) may call. They answer
//! from the ClientHello as received, while the server processes it, and
//! return 0 at any other time, as OpenSSL's do.

use std::ffi::c_void;

use libc::{c_int, c_uint, size_t};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};
use crate::bridge::ffi::openssl_copy;
use crate::core::client_hello::ClientHelloView;
use crate::core::error::{Error, Reason};

pub type ClientHelloCb = Option<unsafe extern "C" fn(*mut SSL, *mut c_int, *mut c_void) -> c_int>;

/// `SSL_CLIENT_HELLO_SUCCESS`, `SSL_CLIENT_HELLO_RETRY`.
const SUCCESS: c_int = 1;
const RETRY: c_int = -1;
/// `SSL_AD_INTERNAL_ERROR`: the alert of a failure whose callback chose none.
const AD_INTERNAL_ERROR: c_int = 80;

/// Runs the context's ClientHello callback, if any. Success lets the
/// server go on; retry stops the handshake step with
/// `SSL_ERROR_WANT_CLIENT_HELLO_CB` and calls it again on the next one; any
/// other answer ends the handshake with the alert it chose.
pub(crate) fn run_callback(ssl: &mut SSL) -> Result<(), Error> {
    let p: *mut SSL = ssl;
    let (cb, arg) = {
        let c = ssl.ctx.lock();
        (c.hello.client_hello, c.hello.client_hello_arg)
    };
    let Some(cb) = cb else {
        return Ok(());
    };
    let mut al = AD_INTERNAL_ERROR;
    ssl.conn.set_in_client_hello_cb(true);
    let ret = unsafe { cb(p, &mut al, arg) };
    ssl.conn.set_in_client_hello_cb(false);
    match ret {
        SUCCESS => Ok(()),
        RETRY => {
            ssl.conn.await_client_hello_cb();
            Err(Error::WouldBlock)
        }
        _ => {
            let mut io = ssl.io();
            Err(ssl
                .conn
                .reject_hello(al as u8, Reason::CALLBACK_FAILED, &mut io))
        }
    }
}

#[export_name = "sslshim_SSL_CTX_set_client_hello_cb"]
pub unsafe extern "C" fn SSL_CTX_set_client_hello_cb(
    c: *mut SSL_CTX,
    cb: ClientHelloCb,
    arg: *mut c_void,
) {
    guard(c"SSL_CTX_set_client_hello_cb", (), || {
        let ctx = deref!(c"SSL_CTX_set_client_hello_cb", c);
        let mut c = ctx.lock();
        c.hello.client_hello = cb;
        c.hello.client_hello_arg = arg;
    })
}

/// The ClientHello being processed, if any.
fn view<'a>(s: *mut SSL) -> Option<&'a ClientHelloView> {
    unsafe { s.as_ref() }?.conn.client_hello_view()
}

/// Points `out` at `part` of the ClientHello and returns its length.
fn part(s: *mut SSL, out: *mut *const u8, part: fn(&ClientHelloView) -> &[u8]) -> size_t {
    let Some(bytes) = view(s).map(part) else {
        return 0;
    };
    if let Some(o) = unsafe { out.as_mut() } {
        *o = bytes.as_ptr();
    }
    bytes.len()
}

/// Always 0: an SSLv2-format ClientHello is refused before any callback.
#[export_name = "sslshim_SSL_client_hello_isv2"]
pub unsafe extern "C" fn SSL_client_hello_isv2(_s: *mut SSL) -> c_int {
    0
}

#[export_name = "sslshim_SSL_client_hello_get0_legacy_version"]
pub unsafe extern "C" fn SSL_client_hello_get0_legacy_version(s: *mut SSL) -> c_uint {
    guard(c"SSL_client_hello_get0_legacy_version", 0, || {
        view(s).map_or(0, |v| c_uint::from(v.legacy_version()))
    })
}

#[export_name = "sslshim_SSL_client_hello_get0_random"]
pub unsafe extern "C" fn SSL_client_hello_get0_random(s: *mut SSL, out: *mut *const u8) -> size_t {
    guard(c"SSL_client_hello_get0_random", 0, || {
        part(s, out, ClientHelloView::random)
    })
}

#[export_name = "sslshim_SSL_client_hello_get0_session_id"]
pub unsafe extern "C" fn SSL_client_hello_get0_session_id(
    s: *mut SSL,
    out: *mut *const u8,
) -> size_t {
    guard(c"SSL_client_hello_get0_session_id", 0, || {
        part(s, out, ClientHelloView::session_id)
    })
}

#[export_name = "sslshim_SSL_client_hello_get0_ciphers"]
pub unsafe extern "C" fn SSL_client_hello_get0_ciphers(s: *mut SSL, out: *mut *const u8) -> size_t {
    guard(c"SSL_client_hello_get0_ciphers", 0, || {
        part(s, out, ClientHelloView::ciphers)
    })
}

#[export_name = "sslshim_SSL_client_hello_get0_compression_methods"]
pub unsafe extern "C" fn SSL_client_hello_get0_compression_methods(
    s: *mut SSL,
    out: *mut *const u8,
) -> size_t {
    guard(c"SSL_client_hello_get0_compression_methods", 0, || {
        part(s, out, ClientHelloView::compression_methods)
    })
}

/// The recognised extension types in the order received, in memory the
/// caller frees with `OPENSSL_free`; none gives NULL and 0.
#[export_name = "sslshim_SSL_client_hello_get1_extensions_present"]
pub unsafe extern "C" fn SSL_client_hello_get1_extensions_present(
    s: *mut SSL,
    out: *mut *mut c_int,
    outlen: *mut size_t,
) -> c_int {
    guard(c"SSL_client_hello_get1_extensions_present", 0, || {
        let (Some(v), Some(out), Some(outlen)) =
            (view(s), unsafe { out.as_mut() }, unsafe { outlen.as_mut() })
        else {
            return 0;
        };
        let types: Vec<c_int> = v.extension_types().into_iter().map(c_int::from).collect();
        if types.is_empty() {
            *out = std::ptr::null_mut();
            *outlen = 0;
            return 1;
        }
        let p = openssl_copy(&types);
        if p.is_null() {
            return 0;
        }
        *out = p;
        *outlen = types.len();
        1
    })
}

#[export_name = "sslshim_SSL_client_hello_get0_ext"]
pub unsafe extern "C" fn SSL_client_hello_get0_ext(
    s: *mut SSL,
    ext_type: c_uint,
    out: *mut *const u8,
    outlen: *mut size_t,
) -> c_int {
    guard(c"SSL_client_hello_get0_ext", 0, || {
        let Some(data) = u16::try_from(ext_type)
            .ok()
            .and_then(|t| view(s)?.extension(t))
        else {
            return 0;
        };
        unsafe {
            if let Some(o) = out.as_mut() {
                *o = data.as_ptr();
            }
            if let Some(l) = outlen.as_mut() {
                *l = data.len();
            }
        }
        1
    })
}
