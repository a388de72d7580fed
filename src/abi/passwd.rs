//! `SSL_CTX_set_default_passwd_cb(3)`: the callback and argument used to
//! decrypt PEM keys the context reads.

use std::ffi::c_void;

use super::context::SSL_CTX;
use super::{deref, guard};
use crate::bridge::ffi::PemPasswordCb;

#[export_name = "sslshim_SSL_CTX_set_default_passwd_cb"]
pub unsafe extern "C" fn SSL_CTX_set_default_passwd_cb(ctx: *mut SSL_CTX, cb: PemPasswordCb) {
    guard(c"SSL_CTX_set_default_passwd_cb", (), || {
        let ctx = deref!(c"SSL_CTX_set_default_passwd_cb", ctx);
        ctx.lock().password.cb = cb;
    })
}

#[export_name = "sslshim_SSL_CTX_set_default_passwd_cb_userdata"]
pub unsafe extern "C" fn SSL_CTX_set_default_passwd_cb_userdata(ctx: *mut SSL_CTX, u: *mut c_void) {
    guard(c"SSL_CTX_set_default_passwd_cb_userdata", (), || {
        let ctx = deref!(c"SSL_CTX_set_default_passwd_cb_userdata", ctx);
        ctx.lock().password.userdata = u;
    })
}

#[export_name = "sslshim_SSL_CTX_get_default_passwd_cb"]
pub unsafe extern "C" fn SSL_CTX_get_default_passwd_cb(ctx: *mut SSL_CTX) -> PemPasswordCb {
    guard(c"SSL_CTX_get_default_passwd_cb", None, || {
        deref!(c"SSL_CTX_get_default_passwd_cb", ctx, None)
            .lock()
            .password
            .cb
    })
}

#[export_name = "sslshim_SSL_CTX_get_default_passwd_cb_userdata"]
pub unsafe extern "C" fn SSL_CTX_get_default_passwd_cb_userdata(ctx: *mut SSL_CTX) -> *mut c_void {
    guard(
        c"SSL_CTX_get_default_passwd_cb_userdata",
        std::ptr::null_mut(),
        || {
            deref!(
                c"SSL_CTX_get_default_passwd_cb_userdata",
                ctx,
                std::ptr::null_mut()
            )
            .lock()
            .password
            .userdata
        },
    )
}
