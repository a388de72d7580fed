//! The process-wide list of compression methods (`SSL_COMP_get_compression_methods(3)`),
//! a libcrypto stack that the application may read, replace and free. sslshim
//! never compresses, so the list starts empty and nothing is ever added.

use std::sync::Mutex;

use libc::c_char;
use openssl_sys::{COMP_METHOD, OPENSSL_STACK};

/// `None` until first asked for; then the stack's address, 0 for NULL (the
/// application may set0 a NULL list). Raw pointers are not `Send`.
static METHODS: Mutex<Option<usize>> = Mutex::new(None);

fn lock() -> std::sync::MutexGuard<'static, Option<usize>> {
    METHODS.lock().unwrap_or_else(|e| e.into_inner())
}

/// The current list, created empty on first use as OpenSSL builds its own.
pub fn methods() -> *mut OPENSSL_STACK {
    current(&mut lock()) as *mut OPENSSL_STACK
}

fn current(m: &mut Option<usize>) -> usize {
    *m.get_or_insert_with(|| unsafe { openssl_sys::OPENSSL_sk_new_null() } as usize)
}

/// Installs `new` (the application's stack, or NULL) and hands back the one
/// it replaces, which the caller then owns.
pub fn set0_methods(new: *mut OPENSSL_STACK) -> *mut OPENSSL_STACK {
    let mut m = lock();
    let old = current(&mut m);
    *m = Some(new as usize);
    old as *mut OPENSSL_STACK
}

extern "C" {
    fn COMP_get_name(meth: *const COMP_METHOD) -> *const c_char;
}

/// libcrypto's name of a compression method.
///
/// # Safety
/// `cm` is NULL or a `COMP_METHOD` from libcrypto.
pub unsafe fn method_name(cm: *const COMP_METHOD) -> *const c_char {
    if cm.is_null() {
        return std::ptr::null();
    }
    unsafe { COMP_get_name(cm) }
}
