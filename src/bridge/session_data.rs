//! What an `SSL_SESSION` carries for libcrypto: its `CRYPTO_EX_DATA`
//! (`SSL_SESSION_get_ex_new_index(3)`) and its peer certificate as an `X509`.

use std::ffi::c_void;
use std::sync::Mutex;

use libc::c_int;

use super::ffi::{self, CryptoExData, CRYPTO_EX_INDEX_SSL_SESSION};
use super::x509::Cert;

pub struct SessionData {
    /// The session's address, the parent libcrypto's callbacks are given.
    owner: usize,
    ex: Mutex<CryptoExData>,
    pub peer: Mutex<Option<Cert>>,
}

// The raw pointers are libcrypto's ex_data, shared as OpenSSL shares a
// session's between threads.
unsafe impl Send for SessionData {}
unsafe impl Sync for SessionData {}

impl SessionData {
    /// Runs the application's new-callbacks for `owner`.
    pub fn new(owner: *const c_void) -> Self {
        let d = Self::empty(owner);
        {
            let mut ex = d.ex.lock().unwrap_or_else(|e| e.into_inner());
            unsafe {
                ffi::CRYPTO_new_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, owner as *mut c_void, &mut *ex)
            };
        }
        d
    }

    fn empty(owner: *const c_void) -> Self {
        Self {
            owner: owner as usize,
            ex: Mutex::new(CryptoExData {
                ctx: std::ptr::null_mut(),
                sk: std::ptr::null_mut(),
            }),
            peer: Mutex::new(None),
        }
    }

    /// The data of a duplicate: the dup-callbacks decide what it keeps.
    pub fn dup_for(&self, owner: *const c_void) -> Self {
        let d = Self::new(owner);
        {
            let from = self.ex.lock().unwrap_or_else(|e| e.into_inner());
            let mut to = d.ex.lock().unwrap_or_else(|e| e.into_inner());
            unsafe { ffi::CRYPTO_dup_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, &mut *to, &*from) };
        }
        d
    }

    pub fn set(&self, idx: c_int, data: *mut c_void) -> c_int {
        let mut ex = self.ex.lock().unwrap_or_else(|e| e.into_inner());
        unsafe { super::ex_data::set(&mut ex, idx, data, c"SSL_SESSION_set_ex_data") }
    }

    pub fn get(&self, idx: c_int) -> *mut c_void {
        let ex = self.ex.lock().unwrap_or_else(|e| e.into_inner());
        unsafe { ffi::CRYPTO_get_ex_data(&*ex, idx) }
    }
}

impl Drop for SessionData {
    fn drop(&mut self) {
        let ex = self.ex.get_mut().unwrap_or_else(|e| e.into_inner());
        unsafe {
            ffi::CRYPTO_free_ex_data(CRYPTO_EX_INDEX_SSL_SESSION, self.owner as *mut c_void, ex)
        };
    }
}
