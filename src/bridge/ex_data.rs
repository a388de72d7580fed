//! Application data on our objects, kept in libcrypto's `CRYPTO_EX_DATA`.

use std::ffi::{c_void, CStr};

use libc::c_int;

use super::err;
use super::ffi::{self, CryptoExData};
use crate::core::error::Reason;

/// Far above any index `CRYPTO_get_ex_new_index` hands out in practice.
/// libcrypto grows its array up to the index it is given, so a wild index
/// would otherwise allocate (and zero) gigabytes before failing.
const MAX_INDEX: c_int = 1 << 16;

/// `CRYPTO_set_ex_data`, refusing an index no program can have been given.
///
/// # Safety
/// `ad` was initialised by `CRYPTO_new_ex_data`.
pub unsafe fn set(
    ad: &mut CryptoExData,
    idx: c_int,
    data: *mut c_void,
    func: &'static CStr,
) -> c_int {
    if !(0..MAX_INDEX).contains(&idx) {
        err::push(Reason::PASSED_INVALID_ARGUMENT, func);
        return 0;
    }
    unsafe { ffi::CRYPTO_set_ex_data(ad, idx, data) }
}
