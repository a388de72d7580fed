//! PEM armour around an object's DER, through libcrypto's generic PEM
//! functions, for `PEM_write_bio_SSL_SESSION(3)` and its kin.

use std::ffi::c_void;

use libc::{c_char, c_int, c_long, FILE};
use openssl_sys::BIO;

use super::ffi::PemPasswordCb;

pub type I2d = unsafe extern "C" fn(*const c_void, *mut *mut u8) -> c_int;
pub type D2i = unsafe extern "C" fn(*mut *mut c_void, *mut *const u8, c_long) -> *mut c_void;

extern "C" {
    fn PEM_ASN1_write_bio(
        i2d: I2d,
        name: *const c_char,
        bp: *mut BIO,
        x: *const c_void,
        enc: *const c_void,
        kstr: *const u8,
        klen: c_int,
        cb: PemPasswordCb,
        u: *mut c_void,
    ) -> c_int;
    fn PEM_ASN1_write(
        i2d: I2d,
        name: *const c_char,
        fp: *mut FILE,
        x: *const c_void,
        enc: *const c_void,
        kstr: *const u8,
        klen: c_int,
        cb: PemPasswordCb,
        u: *mut c_void,
    ) -> c_int;
    fn PEM_ASN1_read_bio(
        d2i: D2i,
        name: *const c_char,
        bp: *mut BIO,
        x: *mut *mut c_void,
        cb: PemPasswordCb,
        u: *mut c_void,
    ) -> *mut c_void;
    fn PEM_ASN1_read(
        d2i: D2i,
        name: *const c_char,
        fp: *mut FILE,
        x: *mut *mut c_void,
        cb: PemPasswordCb,
        u: *mut c_void,
    ) -> *mut c_void;
}

/// `PEM_STRING_SSL_SESSION`.
const SESSION: &std::ffi::CStr = c"SSL SESSION PARAMETERS";

/// Where the PEM text goes or comes from.
pub enum Sink {
    Bio(*mut BIO),
    File(*mut FILE),
}

impl Sink {
    /// A NULL stream, refused before libcrypto's file BIO reads through it
    /// (which would crash).
    fn is_null(&self, func: &'static std::ffi::CStr) -> bool {
        let null = match self {
            Sink::Bio(b) => b.is_null(),
            Sink::File(f) => f.is_null(),
        };
        if null {
            super::err::push(crate::core::error::Reason::PASSED_NULL_PARAMETER, func);
        }
        null
    }
}

/// # Safety
/// `x` is what `i2d` encodes; the sink is live.
pub unsafe fn write_session(to: Sink, x: *const c_void, i2d: I2d) -> c_int {
    let (enc, k, u) = (std::ptr::null(), std::ptr::null(), std::ptr::null_mut());
    let name = SESSION.as_ptr();
    if to.is_null(c"PEM_write_SSL_SESSION") {
        return 0;
    }
    match to {
        Sink::Bio(b) => unsafe { PEM_ASN1_write_bio(i2d, name, b, x, enc, k, 0, None, u) },
        Sink::File(f) => unsafe { PEM_ASN1_write(i2d, name, f, x, enc, k, 0, None, u) },
    }
}

/// # Safety
/// `x` is NULL or where `d2i` may store its result; the source is live.
pub unsafe fn read_session(
    from: Sink,
    x: *mut *mut c_void,
    cb: PemPasswordCb,
    u: *mut c_void,
    d2i: D2i,
) -> *mut c_void {
    if from.is_null(c"PEM_read_SSL_SESSION") {
        return std::ptr::null_mut();
    }
    match from {
        Sink::Bio(b) => unsafe { PEM_ASN1_read_bio(d2i, SESSION.as_ptr(), b, x, cb, u) },
        Sink::File(f) => unsafe { PEM_ASN1_read(d2i, SESSION.as_ptr(), f, x, cb, u) },
    }
}
