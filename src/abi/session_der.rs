//! `i2d_SSL_SESSION(3)`, `d2i_SSL_SESSION(3)` and their PEM forms
//! (`PEM_write_bio_SSL_SESSION(3)`): see `core::session_export` for what the
//! encoding is, and why it only decodes in the same process.

use std::ffi::c_void;
use std::sync::Arc;

use libc::{c_int, c_long, c_uchar};
use openssl_sys::BIO;

use super::session::SSL_SESSION;
use super::{deref, guard};
use crate::bridge::ffi::PemPasswordCb;
use crate::bridge::pem::{self, Sink};
use crate::core::session_export::{self, ENCODED_LEN};

/// The length; with `pp`, the encoding written at `*pp` (allocated with
/// `OPENSSL_malloc` when `*pp` is NULL, as libcrypto's i2d functions do)
/// and `*pp` moved past it when the caller gave the buffer.
#[export_name = "sslshim_i2d_SSL_SESSION"]
pub unsafe extern "C" fn i2d_SSL_SESSION(s: *const SSL_SESSION, pp: *mut *mut c_uchar) -> c_int {
    guard(c"i2d_SSL_SESSION", 0, || {
        let s = deref!(c"i2d_SSL_SESSION", s as *mut SSL_SESSION, 0);
        let Some(pp) = (unsafe { pp.as_mut() }) else {
            return ENCODED_LEN as c_int;
        };
        let der = session_export::encode(s);
        if pp.is_null() {
            let p = crate::bridge::ffi::openssl_copy(&der);
            if p.is_null() {
                return -1;
            }
            *pp = p;
        } else {
            unsafe {
                std::ptr::copy_nonoverlapping(der.as_ptr(), *pp, der.len());
                *pp = pp.add(der.len());
            }
        }
        der.len() as c_int
    })
}

/// A new session from an encoding this process made; `*pp` moves past it
/// and `*a`, when given, is freed and replaced, as with libcrypto's d2i.
#[export_name = "sslshim_d2i_SSL_SESSION"]
pub unsafe extern "C" fn d2i_SSL_SESSION(
    a: *mut *mut SSL_SESSION,
    pp: *mut *const c_uchar,
    length: c_long,
) -> *mut SSL_SESSION {
    guard(c"d2i_SSL_SESSION", std::ptr::null_mut(), || {
        let pp = deref!(c"d2i_SSL_SESSION", pp, std::ptr::null_mut());
        if pp.is_null() || length <= 0 {
            return std::ptr::null_mut();
        }
        let der = unsafe { std::slice::from_raw_parts(*pp, length as usize) };
        let Some(s) = session_export::decode(der) else {
            super::unimplemented(
                c"d2i_SSL_SESSION",
                "d2i_SSL_SESSION of a session not encoded by this process",
            );
            return std::ptr::null_mut();
        };
        *pp = unsafe { pp.add(ENCODED_LEN) };
        let new = Arc::into_raw(Arc::new(s)) as *mut SSL_SESSION;
        if let Some(a) = unsafe { a.as_mut() } {
            unsafe { super::session::SSL_SESSION_free(*a) };
            *a = new;
        }
        new
    })
}

unsafe extern "C" fn i2d_any(x: *const c_void, pp: *mut *mut u8) -> c_int {
    unsafe { i2d_SSL_SESSION(x as *const SSL_SESSION, pp) }
}

unsafe extern "C" fn d2i_any(a: *mut *mut c_void, pp: *mut *const u8, len: c_long) -> *mut c_void {
    unsafe { d2i_SSL_SESSION(a as *mut *mut SSL_SESSION, pp, len) as *mut c_void }
}

#[export_name = "sslshim_PEM_write_bio_SSL_SESSION"]
pub unsafe extern "C" fn PEM_write_bio_SSL_SESSION(out: *mut BIO, x: *const SSL_SESSION) -> c_int {
    guard(c"PEM_write_bio_SSL_SESSION", 0, || unsafe {
        pem::write_session(Sink::Bio(out), x as *const c_void, i2d_any)
    })
}

#[export_name = "sslshim_PEM_write_SSL_SESSION"]
pub unsafe extern "C" fn PEM_write_SSL_SESSION(
    out: *mut libc::FILE,
    x: *const SSL_SESSION,
) -> c_int {
    guard(c"PEM_write_SSL_SESSION", 0, || unsafe {
        pem::write_session(Sink::File(out), x as *const c_void, i2d_any)
    })
}

#[export_name = "sslshim_PEM_read_bio_SSL_SESSION"]
pub unsafe extern "C" fn PEM_read_bio_SSL_SESSION(
    out: *mut BIO,
    x: *mut *mut SSL_SESSION,
    cb: PemPasswordCb,
    u: *mut c_void,
) -> *mut SSL_SESSION {
    guard(
        c"PEM_read_bio_SSL_SESSION",
        std::ptr::null_mut(),
        || unsafe {
            pem::read_session(Sink::Bio(out), x as *mut *mut c_void, cb, u, d2i_any)
                as *mut SSL_SESSION
        },
    )
}

#[export_name = "sslshim_PEM_read_SSL_SESSION"]
pub unsafe extern "C" fn PEM_read_SSL_SESSION(
    out: *mut libc::FILE,
    x: *mut *mut SSL_SESSION,
    cb: PemPasswordCb,
    u: *mut c_void,
) -> *mut SSL_SESSION {
    guard(c"PEM_read_SSL_SESSION", std::ptr::null_mut(), || unsafe {
        pem::read_session(Sink::File(out), x as *mut *mut c_void, cb, u, d2i_any)
            as *mut SSL_SESSION
    })
}
