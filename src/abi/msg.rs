//! `SSL_CTX_set_msg_callback(3)`. OpenSSL calls it with each record header
//! and each protocol message; rustls hands out neither, so the callback is
//! accepted and never called.

use std::ffi::c_void;

use libc::c_int;

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};

#[export_name = "sslshim_SSL_CTX_set_msg_callback"]
pub unsafe extern "C" fn SSL_CTX_set_msg_callback(
    ctx: *mut SSL_CTX,
    cb: Option<
        unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, usize, *mut SSL, *mut c_void),
    >,
) {
    guard(c"SSL_CTX_set_msg_callback", (), || {
        deref!(c"SSL_CTX_set_msg_callback", ctx);
        if cb.is_some() {
            super::ignored("SSL_CTX_set_msg_callback");
        }
    })
}

#[export_name = "sslshim_SSL_set_msg_callback"]
pub unsafe extern "C" fn SSL_set_msg_callback(
    s: *mut SSL,
    cb: Option<
        unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, usize, *mut SSL, *mut c_void),
    >,
) {
    guard(c"SSL_set_msg_callback", (), || {
        deref!(c"SSL_set_msg_callback", s);
        if cb.is_some() {
            super::ignored("SSL_set_msg_callback");
        }
    })
}
