//! The C surface: `extern "C"` entry points with OpenSSL's signatures, one
//! module per man-page family. Each checks its pointers, stops panics, converts,
//! and calls the core. Public names are given to the linker as aliases of the
//! `sslshim_`-prefixed symbols (see build.rs), so they carry `OPENSSL_3.0.0`.
#![allow(non_snake_case, non_camel_case_types, clippy::missing_safety_doc)]

use std::collections::HashSet;
use std::ffi::CStr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Mutex;

use crate::bridge::err;
use crate::core::error::Reason;

pub mod async_fds;
pub mod ca_names;
pub mod cert;
pub mod cert_cb;
pub mod cipher;
pub mod cipher_nid;
pub mod ciphers;
pub mod client_hello;
pub mod comp;
pub mod conf;
pub mod connection;
pub mod context;
pub mod ctrl;
pub mod early_data;
pub mod hello;
pub mod info;
pub mod init;
pub mod io;
pub mod key_update;
pub mod keylog;
pub mod libctx;
pub mod methods;
pub mod msg;
pub mod options;
pub mod param;
pub mod passwd;
pub mod pha;
pub mod randoms;
pub mod read_ahead;
pub mod security;
pub mod session;
pub mod session_api;
pub mod session_cache;
pub mod session_ctx;
pub mod session_der;
pub mod shutdown;
pub mod state;
pub mod ticket_key;
pub mod tmp_dh;
pub mod unimplemented;
pub mod verify;

/// `ERR_R_UNSUPPORTED`.
const UNSUPPORTED: Reason = Reason(268 | (0x2 << 18));

/// Runs an entry point's body; a panic becomes `fail` with a reason on the
/// error queue instead of unwinding into C.
pub(crate) fn guard<T>(func: &'static CStr, fail: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(v) => v,
        Err(_) => {
            err::push(Reason::INTERNAL_ERROR, func);
            fail
        }
    }
}

/// Writes one line to stderr the first time `msg` comes up in the process.
pub(crate) fn log_once(msg: &str) {
    static LOGGED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut logged = LOGGED.lock().unwrap_or_else(|e| e.into_inner());
    if logged
        .get_or_insert_with(HashSet::new)
        .insert(msg.to_owned())
    {
        eprintln!("sslshim: {msg}");
    }
}

/// Reports a function sslshim does not implement: the caller returns
/// OpenSSL's failure value; this queues a reason and logs once.
pub(crate) fn unimplemented(func: &'static CStr, what: &str) {
    log_once(&format!("{what} is not implemented"));
    err::push(UNSUPPORTED, func);
}

/// A setting that is accepted but has no effect, where OpenSSL's call cannot
/// fail and doing without it costs the caller nothing essential. Noted once
/// when `SSLSHIM_LOG` is set, so that programs such as curl stay quiet.
pub(crate) fn ignored(what: &str) {
    if std::env::var_os("SSLSHIM_LOG").is_some() {
        log_once(&format!("{what} has no effect"));
    }
}

/// Borrows a C object, or queues `ERR_R_PASSED_NULL_PARAMETER` and returns `$fail`.
macro_rules! deref {
    ($func:literal, $p:expr) => {
        $crate::abi::deref!($func, $p, ())
    };
    ($func:literal, $p:expr, $fail:expr) => {
        match unsafe { $p.as_mut() } {
            Some(r) => r,
            None => {
                $crate::bridge::err::push(
                    $crate::core::error::Reason::PASSED_NULL_PARAMETER,
                    $func,
                );
                return $fail;
            }
        }
    };
}
pub(crate) use deref;

/// A C string argument, or `None` for NULL.
pub(crate) unsafe fn opt_cstr<'a>(p: *const libc::c_char) -> Option<&'a CStr> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) })
}
