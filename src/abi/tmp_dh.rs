//! `SSL_CTX_set0_tmp_dh_pkey` and `SSL_set0_tmp_dh_pkey` (the
//! `SSL_CTX_set_tmp_dh_callback(3)` family): OpenSSL's security check, then
//! the key is taken over and dropped. rustls has no finite-field DHE suite,
//! so the parameters could never be used; refusing them would stop programs
//! that always set them (haproxy with `ssl-dh-param-file`), as with
//! `SSL_CTX_set_tmp_dh` in `ctrl.rs`.

use libc::c_int;
use openssl_sys::EVP_PKEY;

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};
use crate::bridge::err;
use crate::bridge::x509::PKey;
use crate::core::error::Reason;

/// `SSL_R_DH_KEY_TOO_SMALL`.
const DH_KEY_TOO_SMALL: Reason = Reason(394);

/// On success the caller's reference is ours (and released, as nothing
/// would use it); on failure it stays the caller's, as in OpenSSL.
fn take(dhpkey: *mut EVP_PKEY, func: &'static std::ffi::CStr, level: c_int) -> c_int {
    let bits = unsafe { PKey::share(dhpkey) }.map_or(0, |k| k.security_bits());
    if !crate::core::dh::tmp_dh_allowed(bits, level) {
        err::push(DH_KEY_TOO_SMALL, func);
        return 0;
    }
    drop(unsafe { PKey::adopt(dhpkey) });
    super::ignored("SSL_CTX_set0_tmp_dh_pkey (no DHE suites)");
    1
}

#[export_name = "sslshim_SSL_CTX_set0_tmp_dh_pkey"]
pub unsafe extern "C" fn SSL_CTX_set0_tmp_dh_pkey(
    ctx: *mut SSL_CTX,
    dhpkey: *mut EVP_PKEY,
) -> c_int {
    guard(c"SSL_CTX_set0_tmp_dh_pkey", 0, || {
        let level = deref!(c"SSL_CTX_set0_tmp_dh_pkey", ctx, 0)
            .lock()
            .core
            .security_level;
        take(dhpkey, c"SSL_CTX_set0_tmp_dh_pkey", level)
    })
}

#[export_name = "sslshim_SSL_set0_tmp_dh_pkey"]
pub unsafe extern "C" fn SSL_set0_tmp_dh_pkey(s: *mut SSL, dhpkey: *mut EVP_PKEY) -> c_int {
    guard(c"SSL_set0_tmp_dh_pkey", 0, || {
        let level = deref!(c"SSL_set0_tmp_dh_pkey", s, 0).verify.security_level;
        take(dhpkey, c"SSL_set0_tmp_dh_pkey", level)
    })
}
