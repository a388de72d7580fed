//! The thread's libcrypto error queue, where C callers look for our failures.

use std::sync::{Once, OnceLock};

use libc::{c_int, c_ulong};

use super::ffi::{self, ErrStringData};
use crate::core::error::Reason;
use crate::core::REASONS;

pub const ERR_LIB_SYS: c_int = 2;
pub const ERR_LIB_SSL: c_int = 20;
pub const ERR_LIB_PROV: c_int = 57;

/// `ERR_PACK(lib, 0, reason)` for OpenSSL 3.
fn pack(lib: c_int, reason: u32) -> c_ulong {
    ((lib as c_ulong & 0xff) << 23) | (reason as c_ulong & 0x7f_ffff)
}

/// The table libcrypto is given; it keeps pointing into it for the process.
struct StringTable(Vec<ErrStringData>);

// Read-only after it is built; the pointers are to static strings.
unsafe impl Send for StringTable {}
unsafe impl Sync for StringTable {}

static STRINGS: OnceLock<StringTable> = OnceLock::new();

/// Registers OpenSSL's texts for our reasons, as libssl's init does, so
/// `ERR_error_string` prints `SSL routines::bad write retry`.
pub fn load_strings() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let table = STRINGS.get_or_init(|| {
            let entries = REASONS.iter().map(|(n, _, text)| ErrStringData {
                error: pack(ERR_LIB_SSL, *n),
                string: text.as_ptr(),
            });
            let end = ErrStringData {
                error: 0,
                string: std::ptr::null(),
            };
            StringTable(entries.chain(std::iter::once(end)).collect())
        });
        unsafe { ffi::ERR_load_strings_const(table.0.as_ptr()) };
    });
}

/// Pushes `(ERR_LIB_SSL, reason)`, naming the OpenSSL function as the
/// origin, after the provider's entry where OpenSSL has one before it.
pub fn push(reason: Reason, func: &'static std::ffi::CStr) {
    load_strings();
    if let Some(prov) = reason.provider_reason() {
        push_entry(ERR_LIB_PROV, prov, func);
    }
    push_entry(ERR_LIB_SSL, reason.code(), func);
}

/// Pushes `(lib, reason)` of another libcrypto library.
pub fn push_entry(lib: c_int, reason: u32, func: &'static std::ffi::CStr) {
    unsafe {
        ffi::ERR_new();
        ffi::ERR_set_debug(c"sslshim".as_ptr(), 0, func.as_ptr());
        ffi::ERR_set_error(lib, reason as c_int, std::ptr::null());
    }
}

/// Pushes a system error (`ERR_LIB_SYS` with `errno`), with libcrypto's
/// "calling ..." data, as libssl reports a failed system call.
pub fn push_sys(errno: c_int, func: &'static std::ffi::CStr, call: &std::ffi::CStr) {
    unsafe {
        ffi::ERR_new();
        ffi::ERR_set_debug(c"sslshim".as_ptr(), 0, func.as_ptr());
        ffi::ERR_set_error(ERR_LIB_SYS, errno, c"calling %s".as_ptr(), call.as_ptr());
    }
}

pub fn clear() {
    unsafe { openssl_sys::ERR_clear_error() }
}

/// What OpenSSL does as a handshake step starts: a clean error queue and
/// `errno` 0, so that what a failed step leaves is its own.
pub fn clear_with_errno() {
    clear();
    unsafe { *libc::__errno_location() = 0 };
}

pub fn peek() -> c_ulong {
    unsafe { ffi::ERR_peek_error() }
}

/// `ERR_GET_LIB` of a packed error code.
pub fn lib_of(code: c_ulong) -> c_int {
    // System errors carry a flag in the top bit instead of a library number.
    if code & 0x8000_0000 != 0 {
        return ERR_LIB_SYS;
    }
    ((code >> 23) & 0xff) as c_int
}

/// Runs `f` with the error queue as it was kept unless `f` succeeds; for
/// look-ups whose failures are expected and not the caller's concern.
pub fn quietly<T>(f: impl FnOnce() -> Option<T>) -> Option<T> {
    unsafe { ffi::ERR_set_mark() };
    let r = f();
    unsafe { ffi::ERR_pop_to_mark() };
    r
}
