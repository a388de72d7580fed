//! A libcrypto `OPENSSL_STACK` of pointers the library owns elsewhere (the
//! static `SSL_CIPHER` table), as `SSL_get_ciphers` hands out.

use std::ffi::c_void;

use openssl_sys::OPENSSL_STACK;

use super::ffi;

/// The stack is rebuilt only when its contents change, so that a pointer a
/// caller got from an earlier call stays good while the list is the same.
#[derive(Debug)]
pub struct PtrStack {
    items: Vec<*const c_void>,
    sk: *mut OPENSSL_STACK,
}

// The items are pointers into static data; the stack is the owner's alone.
unsafe impl Send for PtrStack {}
unsafe impl Sync for PtrStack {}

impl Default for PtrStack {
    fn default() -> Self {
        PtrStack {
            items: Vec::new(),
            sk: std::ptr::null_mut(),
        }
    }
}

impl PtrStack {
    /// A stack holding `items` in order; NULL if libcrypto cannot make one.
    pub fn refresh<T>(&mut self, items: &[&'static T]) -> *mut OPENSSL_STACK {
        let want: Vec<*const c_void> = items
            .iter()
            .map(|t| *t as *const T as *const c_void)
            .collect();
        if !self.sk.is_null() && want == self.items {
            return self.sk;
        }
        self.clear();
        let sk = unsafe { ffi::OPENSSL_sk_new_null() };
        if sk.is_null() {
            return sk;
        }
        for p in &want {
            if unsafe { ffi::OPENSSL_sk_push(sk, *p) } == 0 {
                unsafe { ffi::OPENSSL_sk_free(sk) };
                return std::ptr::null_mut();
            }
        }
        self.sk = sk;
        self.items = want;
        sk
    }

    pub fn clear(&mut self) {
        if !self.sk.is_null() {
            unsafe { ffi::OPENSSL_sk_free(self.sk) };
        }
        self.sk = std::ptr::null_mut();
        self.items.clear();
    }
}

impl Drop for PtrStack {
    fn drop(&mut self) {
        self.clear();
    }
}
