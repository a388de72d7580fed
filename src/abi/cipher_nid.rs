//! `SSL_CIPHER_get_cipher_nid(3)` and the other descriptions of a suite by
//! libcrypto NIDs, `SSL_CIPHER_find`, `SSL_version`.

use libc::c_int;

use super::cipher::SSL_CIPHER;
use super::connection::SSL;
use super::{deref, guard};
use crate::core::cipher::{CipherInfo, CIPHERS};

const NID_AES_128_GCM: c_int = 895;
const NID_AES_256_GCM: c_int = 901;
const NID_CHACHA20_POLY1305: c_int = 1018;
const NID_KX_ECDHE: c_int = 1038;
const NID_KX_ANY: c_int = 1063;
const NID_AUTH_RSA: c_int = 1046;
const NID_AUTH_ECDSA: c_int = 1047;
const NID_AUTH_ANY: c_int = 1064;

fn name(c: &CipherInfo) -> std::borrow::Cow<'_, str> {
    c.standard_name.to_string_lossy()
}

#[export_name = "sslshim_SSL_CIPHER_get_cipher_nid"]
pub unsafe extern "C" fn SSL_CIPHER_get_cipher_nid(c: *const SSL_CIPHER) -> c_int {
    let Some(c) = (unsafe { c.as_ref() }) else {
        return 0;
    };
    let n = name(c);
    if n.contains("AES_128") {
        NID_AES_128_GCM
    } else if n.contains("AES_256") {
        NID_AES_256_GCM
    } else {
        NID_CHACHA20_POLY1305
    }
}

/// Every suite offered is an AEAD, which OpenSSL reports as no MAC digest.
#[export_name = "sslshim_SSL_CIPHER_get_digest_nid"]
pub unsafe extern "C" fn SSL_CIPHER_get_digest_nid(_c: *const SSL_CIPHER) -> c_int {
    0
}

#[export_name = "sslshim_SSL_CIPHER_get_kx_nid"]
pub unsafe extern "C" fn SSL_CIPHER_get_kx_nid(c: *const SSL_CIPHER) -> c_int {
    match unsafe { c.as_ref() } {
        Some(c) if c.is_tls13() => NID_KX_ANY,
        Some(_) => NID_KX_ECDHE,
        None => 0,
    }
}

#[export_name = "sslshim_SSL_CIPHER_get_auth_nid"]
pub unsafe extern "C" fn SSL_CIPHER_get_auth_nid(c: *const SSL_CIPHER) -> c_int {
    match unsafe { c.as_ref() } {
        Some(c) if c.is_tls13() => NID_AUTH_ANY,
        Some(c) if name(c).contains("_ECDSA_") => NID_AUTH_ECDSA,
        Some(_) => NID_AUTH_RSA,
        None => 0,
    }
}

#[export_name = "sslshim_SSL_CIPHER_is_aead"]
pub unsafe extern "C" fn SSL_CIPHER_is_aead(c: *const SSL_CIPHER) -> c_int {
    c_int::from(!c.is_null())
}

/// The suite with the two-byte code point at `ptr`, among those offered.
#[export_name = "sslshim_SSL_CIPHER_find"]
pub unsafe extern "C" fn SSL_CIPHER_find(s: *mut SSL, ptr: *const u8) -> *const SSL_CIPHER {
    guard(c"SSL_CIPHER_find", std::ptr::null(), || {
        deref!(c"SSL_CIPHER_find", s, std::ptr::null());
        if ptr.is_null() {
            return std::ptr::null();
        }
        let code = u16::from_be_bytes(unsafe { [*ptr, *ptr.add(1)] });
        CIPHERS
            .iter()
            .find(|c| u16::from(c.suite) == code)
            .map_or(std::ptr::null(), |c| c as *const SSL_CIPHER)
    })
}

/// The negotiated version; before it, the highest known, as OpenSSL 3.0.
#[export_name = "sslshim_SSL_version"]
pub unsafe extern "C" fn SSL_version(s: *const SSL) -> c_int {
    guard(c"SSL_version", 0, || {
        let ssl = deref!(c"SSL_version", s as *mut SSL, 0);
        ssl.conn.reported_version()
    })
}
