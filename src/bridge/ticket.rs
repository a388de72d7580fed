//! The cipher and HMAC contexts an application's session-ticket callback
//! (`SSL_CTX_set_tlsext_ticket_key_evp_cb`) sets up, and the sealing done
//! with them in OpenSSL's ticket layout: key name, IV, encrypted state, HMAC
//! over all that.

use std::ffi::c_void;
use std::ptr;

use libc::c_int;
use openssl_sys::{EVP_CIPHER_CTX, EVP_MAC, EVP_MAC_CTX};

/// A fresh cipher context and an HMAC context, freed together.
pub struct TicketCrypto {
    cipher: *mut EVP_CIPHER_CTX,
    mac_alg: *mut EVP_MAC,
    mac: *mut EVP_MAC_CTX,
}

impl TicketCrypto {
    pub fn new() -> Option<TicketCrypto> {
        // Built empty first, so that Drop frees whatever was made if a later
        // step fails.
        let mut t = TicketCrypto {
            cipher: ptr::null_mut(),
            mac_alg: ptr::null_mut(),
            mac: ptr::null_mut(),
        };
        unsafe {
            t.cipher = openssl_sys::EVP_CIPHER_CTX_new();
            t.mac_alg = openssl_sys::EVP_MAC_fetch(ptr::null_mut(), c"HMAC".as_ptr(), ptr::null());
            if t.cipher.is_null() || t.mac_alg.is_null() {
                return None;
            }
            t.mac = openssl_sys::EVP_MAC_CTX_new(t.mac_alg);
        }
        (!t.mac.is_null()).then_some(t)
    }

    pub fn cipher_ctx(&self) -> *mut EVP_CIPHER_CTX {
        self.cipher
    }

    pub fn mac_ctx(&self) -> *mut EVP_MAC_CTX {
        self.mac
    }

    /// The IV length of the cipher the callback chose (at most 16).
    pub fn iv_len(&self) -> Option<usize> {
        let n = unsafe { openssl_sys::EVP_CIPHER_CTX_get_iv_length(self.cipher) };
        usize::try_from(n).ok().filter(|&n| n <= 16)
    }

    pub fn mac_size(&self) -> usize {
        unsafe { openssl_sys::EVP_MAC_CTX_get_mac_size(self.mac) }
    }

    /// The HMAC of `data` with the key the callback set.
    pub fn mac_of(&self, data: &[u8]) -> Option<Vec<u8>> {
        let mut out = vec![0u8; 64];
        let mut n = 0usize;
        unsafe {
            if openssl_sys::EVP_MAC_update(self.mac, data.as_ptr(), data.len()) <= 0
                || openssl_sys::EVP_MAC_final(self.mac, out.as_mut_ptr(), &mut n, out.len()) <= 0
            {
                return None;
            }
        }
        out.truncate(n);
        Some(out)
    }

    /// Runs the cipher the callback initialised over `input`.
    pub fn crypt(&self, input: &[u8], encrypt: bool) -> Option<Vec<u8>> {
        let len = c_int::try_from(input.len()).ok()?;
        let mut out = vec![0u8; input.len() + 32];
        let (mut n, mut m) = (0, 0);
        unsafe {
            let update = if encrypt {
                openssl_sys::EVP_EncryptUpdate(
                    self.cipher,
                    out.as_mut_ptr(),
                    &mut n,
                    input.as_ptr(),
                    len,
                )
            } else {
                openssl_sys::EVP_DecryptUpdate(
                    self.cipher,
                    out.as_mut_ptr(),
                    &mut n,
                    input.as_ptr(),
                    len,
                )
            };
            if update <= 0 {
                return None;
            }
            let tail = out.as_mut_ptr().add(n as usize);
            let done = if encrypt {
                openssl_sys::EVP_EncryptFinal_ex(self.cipher, tail, &mut m)
            } else {
                openssl_sys::EVP_DecryptFinal_ex(self.cipher, tail, &mut m)
            };
            if done <= 0 {
                return None;
            }
        }
        out.truncate((n + m) as usize);
        Some(out)
    }
}

/// Compares in constant time, as OpenSSL checks a ticket's HMAC.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len()
        && unsafe {
            openssl_sys::CRYPTO_memcmp(
                a.as_ptr() as *const c_void,
                b.as_ptr() as *const c_void,
                a.len(),
            )
        } == 0
}

impl Drop for TicketCrypto {
    fn drop(&mut self) {
        unsafe {
            openssl_sys::EVP_MAC_CTX_free(self.mac);
            openssl_sys::EVP_MAC_free(self.mac_alg);
            openssl_sys::EVP_CIPHER_CTX_free(self.cipher);
        }
    }
}
