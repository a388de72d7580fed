//! `OPENSSL_init_ssl(3)`.

use libc::c_int;
use openssl_sys::OPENSSL_INIT_SETTINGS;

use super::guard;
use crate::bridge::{err, ffi};

/// What every entry point that creates an object needs first: libcrypto
/// initialised and our reason strings registered.
pub(crate) fn ensure() {
    err::load_strings();
}

#[export_name = "sslshim_OPENSSL_init_ssl"]
pub unsafe extern "C" fn OPENSSL_init_ssl(
    opts: u64,
    settings: *const OPENSSL_INIT_SETTINGS,
) -> c_int {
    guard(c"OPENSSL_init_ssl", 0, || {
        // The SSL-specific option bits are libssl's; libcrypto takes the rest.
        const CRYPTO_BITS: u64 = 0x0000_FFFF_FFFF;
        if unsafe { ffi::OPENSSL_init_crypto(opts & CRYPTO_BITS, settings.cast()) } == 0 {
            return 0;
        }
        ensure();
        1
    })
}
