//! `SSL_COMP_add_compression_method(3)`, `SSL_get_current_compression(3)`:
//! TLS compression, which sslshim never does (rustls has none, and OpenSSL 3.0
//! disables it by default). The method list stays empty, as in an OpenSSL
//! built without zlib, and no connection has a current method.

use libc::{c_char, c_int};
use openssl_sys::COMP_METHOD;

use super::connection::SSL;
use super::{deref, guard};
use crate::bridge::comp;

/// Only ever behind pointers: no `SSL_COMP` is ever made.
pub enum SSL_COMP {}
/// libcrypto's `OPENSSL_STACK`, typed as `<openssl/ssl.h>` types it.
pub enum stack_st_SSL_COMP {}

#[export_name = "sslshim_SSL_COMP_get_compression_methods"]
pub extern "C" fn SSL_COMP_get_compression_methods() -> *mut stack_st_SSL_COMP {
    guard(
        c"SSL_COMP_get_compression_methods",
        std::ptr::null_mut(),
        || comp::methods() as *mut stack_st_SSL_COMP,
    )
}

#[export_name = "sslshim_SSL_COMP_set0_compression_methods"]
pub unsafe extern "C" fn SSL_COMP_set0_compression_methods(
    meths: *mut stack_st_SSL_COMP,
) -> *mut stack_st_SSL_COMP {
    guard(
        c"SSL_COMP_set0_compression_methods",
        std::ptr::null_mut(),
        || comp::set0_methods(meths as *mut openssl_sys::OPENSSL_STACK) as *mut stack_st_SSL_COMP,
    )
}

/// OpenSSL 3.0 without zlib returns success and adds nothing when the method
/// is not a real one, which is all libcrypto's `COMP_zlib()` then gives; with
/// no compression at all here, every method is treated that way.
#[export_name = "sslshim_SSL_COMP_add_compression_method"]
pub unsafe extern "C" fn SSL_COMP_add_compression_method(
    _id: c_int,
    cm: *mut COMP_METHOD,
) -> c_int {
    if !cm.is_null() {
        super::ignored("SSL_COMP_add_compression_method (no compression)");
    }
    1
}

#[export_name = "sslshim_SSL_COMP_get_name"]
pub unsafe extern "C" fn SSL_COMP_get_name(cm: *const COMP_METHOD) -> *const c_char {
    guard(c"SSL_COMP_get_name", std::ptr::null(), || unsafe {
        comp::method_name(cm)
    })
}

/// No `SSL_COMP` exists: the list never holds one and applications cannot
/// make one. A pointer that is not NULL is not read.
#[export_name = "sslshim_SSL_COMP_get0_name"]
pub unsafe extern "C" fn SSL_COMP_get0_name(comp: *const SSL_COMP) -> *const c_char {
    guard(c"SSL_COMP_get0_name", std::ptr::null(), || {
        deref!(
            c"SSL_COMP_get0_name",
            comp as *mut SSL_COMP,
            std::ptr::null()
        );
        std::ptr::null()
    })
}

#[export_name = "sslshim_SSL_COMP_get_id"]
pub unsafe extern "C" fn SSL_COMP_get_id(comp: *const SSL_COMP) -> c_int {
    guard(c"SSL_COMP_get_id", -1, || {
        deref!(c"SSL_COMP_get_id", comp as *mut SSL_COMP, -1);
        -1
    })
}

#[export_name = "sslshim_SSL_get_current_compression"]
pub unsafe extern "C" fn SSL_get_current_compression(s: *const SSL) -> *const COMP_METHOD {
    guard(c"SSL_get_current_compression", std::ptr::null(), || {
        deref!(
            c"SSL_get_current_compression",
            s as *mut SSL,
            std::ptr::null()
        );
        std::ptr::null()
    })
}

#[export_name = "sslshim_SSL_get_current_expansion"]
pub unsafe extern "C" fn SSL_get_current_expansion(s: *const SSL) -> *const COMP_METHOD {
    guard(c"SSL_get_current_expansion", std::ptr::null(), || {
        deref!(
            c"SSL_get_current_expansion",
            s as *mut SSL,
            std::ptr::null()
        );
        std::ptr::null()
    })
}
