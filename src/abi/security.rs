//! `SSL_CTX_set_security_level(3)`: the level is kept per context and per
//! connection and applied where sslshim can apply it, as the authentication
//! level of certificate verification (minimum key sizes and signature
//! digests, `X509_V_ERR_EE_KEY_TOO_SMALL`, `X509_V_ERR_CA_MD_TOO_WEAK`...).

use libc::c_int;

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};

#[export_name = "sslshim_SSL_CTX_set_security_level"]
pub unsafe extern "C" fn SSL_CTX_set_security_level(ctx: *mut SSL_CTX, level: c_int) {
    guard(c"SSL_CTX_set_security_level", (), || {
        deref!(c"SSL_CTX_set_security_level", ctx)
            .lock()
            .core
            .security_level = level;
    })
}

#[export_name = "sslshim_SSL_CTX_get_security_level"]
pub unsafe extern "C" fn SSL_CTX_get_security_level(ctx: *const SSL_CTX) -> c_int {
    guard(c"SSL_CTX_get_security_level", 0, || {
        deref!(c"SSL_CTX_get_security_level", ctx as *mut SSL_CTX, 0)
            .lock()
            .core
            .security_level
    })
}

#[export_name = "sslshim_SSL_set_security_level"]
pub unsafe extern "C" fn SSL_set_security_level(s: *mut SSL, level: c_int) {
    guard(c"SSL_set_security_level", (), || {
        deref!(c"SSL_set_security_level", s).verify.security_level = level;
    })
}

#[export_name = "sslshim_SSL_get_security_level"]
pub unsafe extern "C" fn SSL_get_security_level(s: *const SSL) -> c_int {
    guard(c"SSL_get_security_level", 0, || {
        deref!(c"SSL_get_security_level", s as *mut SSL, 0)
            .verify
            .security_level
    })
}
