//! `SSL_CTX_get0_param(3)`, `SSL_get0_param(3)`, `SSL_get0_verified_chain(3)`:
//! the `X509_VERIFY_PARAM` that verification really uses, so that what an
//! application sets on it (host names, flags, depth, purpose) takes effect.

use openssl_sys::{stack_st_X509, X509_VERIFY_PARAM};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};

#[export_name = "sslshim_SSL_CTX_get0_param"]
pub unsafe extern "C" fn SSL_CTX_get0_param(ctx: *mut SSL_CTX) -> *mut X509_VERIFY_PARAM {
    guard(c"SSL_CTX_get0_param", std::ptr::null_mut(), || {
        // The parameters live as long as the context and never move, so the
        // pointer stays good after the lock is released, as in OpenSSL.
        deref!(c"SSL_CTX_get0_param", ctx, std::ptr::null_mut())
            .lock()
            .param
            .as_ptr()
    })
}

#[export_name = "sslshim_SSL_get0_param"]
pub unsafe extern "C" fn SSL_get0_param(s: *mut SSL) -> *mut X509_VERIFY_PARAM {
    guard(c"SSL_get0_param", std::ptr::null_mut(), || {
        deref!(c"SSL_get0_param", s, std::ptr::null_mut())
            .verify
            .param
            .as_ptr()
    })
}

#[export_name = "sslshim_SSL_get0_verified_chain"]
pub unsafe extern "C" fn SSL_get0_verified_chain(s: *const SSL) -> *mut stack_st_X509 {
    guard(c"SSL_get0_verified_chain", std::ptr::null_mut(), || {
        deref!(
            c"SSL_get0_verified_chain",
            s as *mut SSL,
            std::ptr::null_mut()
        )
        .verify
        .verified_chain
        .as_ref()
        .map_or(std::ptr::null_mut(), |c| c.as_ptr() as *mut stack_st_X509)
    })
}
