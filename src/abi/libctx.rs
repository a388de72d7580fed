//! `SSL_CTX_new_ex(3)`: a context in a library context, with a property
//! query. sslshim's cryptography is rustls's own, not libcrypto's providers:
//! the default library context is the one whose certificates and keys it
//! reads, and a query is only checked, as OpenSSL checks it, for a cipher
//! libcrypto can fetch with it (stunnel asks for `provider!=fips`).

use libc::c_char;
use openssl_sys::OSSL_LIB_CTX;

use super::context::{SSL_CTX_new, SSL_CTX, SSL_METHOD};
use super::guard;
use crate::bridge::err;
use crate::bridge::ffi::{is_default_libctx, query_has_ciphers};
use crate::core::error::Reason;

/// `SSL_R_LIBRARY_HAS_NO_CIPHERS`.
const LIBRARY_HAS_NO_CIPHERS: Reason = Reason(161);

#[export_name = "sslshim_SSL_CTX_new_ex"]
pub unsafe extern "C" fn SSL_CTX_new_ex(
    libctx: *mut OSSL_LIB_CTX,
    propq: *const c_char,
    meth: *const SSL_METHOD,
) -> *mut SSL_CTX {
    guard(c"SSL_CTX_new_ex", std::ptr::null_mut(), || {
        if !is_default_libctx(libctx) {
            super::unimplemented(
                c"SSL_CTX_new_ex",
                "SSL_CTX_new_ex with another library context",
            );
            return std::ptr::null_mut();
        }
        let query = unsafe { super::opt_cstr(propq) };
        if query.is_some_and(|q| !query_has_ciphers(q)) {
            err::push(LIBRARY_HAS_NO_CIPHERS, c"SSL_CTX_new_ex");
            return std::ptr::null_mut();
        }
        unsafe { SSL_CTX_new(meth) }
    })
}
