//! `SSL_get_version(3)`, `SSL_get_current_cipher(3)`, `SSL_CIPHER_get_name(3)`,
//! `SSL_get0_alpn_selected(3)`.

use std::ffi::CStr;

use libc::{c_char, c_int, c_uint};

use super::connection::SSL;
use super::{deref, guard};
use crate::core::cipher::{self, CipherInfo};
use crate::core::context::{TLS1_1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION, TLS1_VERSION};

pub type SSL_CIPHER = CipherInfo;

#[export_name = "sslshim_SSL_get_version"]
pub unsafe extern "C" fn SSL_get_version(s: *const SSL) -> *const c_char {
    guard(c"SSL_get_version", std::ptr::null(), || {
        let ssl = deref!(c"SSL_get_version", s as *mut SSL, std::ptr::null());
        let v: &CStr = match ssl.conn.reported_version() {
            TLS1_3_VERSION => c"TLSv1.3",
            TLS1_2_VERSION => c"TLSv1.2",
            TLS1_1_VERSION => c"TLSv1.1",
            TLS1_VERSION => c"TLSv1",
            _ => c"unknown",
        };
        v.as_ptr()
    })
}

#[export_name = "sslshim_SSL_get_current_cipher"]
pub unsafe extern "C" fn SSL_get_current_cipher(s: *const SSL) -> *const SSL_CIPHER {
    guard(c"SSL_get_current_cipher", std::ptr::null(), || {
        let ssl = deref!(c"SSL_get_current_cipher", s as *mut SSL, std::ptr::null());
        ssl.conn
            .cipher_suite()
            .and_then(cipher::lookup)
            .map_or(std::ptr::null(), |c| c as *const SSL_CIPHER)
    })
}

#[export_name = "sslshim_SSL_CIPHER_get_name"]
pub unsafe extern "C" fn SSL_CIPHER_get_name(c: *const SSL_CIPHER) -> *const c_char {
    match unsafe { c.as_ref() } {
        Some(c) => c.name.as_ptr(),
        None => c"(NONE)".as_ptr(),
    }
}

#[export_name = "sslshim_SSL_CIPHER_standard_name"]
pub unsafe extern "C" fn SSL_CIPHER_standard_name(c: *const SSL_CIPHER) -> *const c_char {
    match unsafe { c.as_ref() } {
        Some(c) => c.standard_name.as_ptr(),
        None => c"(NONE)".as_ptr(),
    }
}

#[export_name = "sslshim_SSL_CIPHER_get_version"]
pub unsafe extern "C" fn SSL_CIPHER_get_version(c: *const SSL_CIPHER) -> *const c_char {
    match unsafe { c.as_ref() } {
        Some(c) => c.version.as_ptr(),
        None => c"(NONE)".as_ptr(),
    }
}

#[export_name = "sslshim_SSL_CIPHER_get_bits"]
pub unsafe extern "C" fn SSL_CIPHER_get_bits(c: *const SSL_CIPHER, alg_bits: *mut c_int) -> c_int {
    let Some(c) = (unsafe { c.as_ref() }) else {
        return 0;
    };
    if let Some(a) = unsafe { alg_bits.as_mut() } {
        *a = c.bits;
    }
    c.bits
}

#[export_name = "sslshim_SSL_CIPHER_get_id"]
pub unsafe extern "C" fn SSL_CIPHER_get_id(c: *const SSL_CIPHER) -> u32 {
    unsafe { c.as_ref() }.map_or(0, CipherInfo::id)
}

#[export_name = "sslshim_SSL_get0_alpn_selected"]
pub unsafe extern "C" fn SSL_get0_alpn_selected(
    s: *const SSL,
    data: *mut *const u8,
    len: *mut c_uint,
) {
    guard(c"SSL_get0_alpn_selected", (), || {
        let ssl = deref!(c"SSL_get0_alpn_selected", s as *mut SSL);
        let proto = ssl.conn.alpn_protocol();
        unsafe {
            if let Some(d) = data.as_mut() {
                *d = proto.map_or(std::ptr::null(), <[u8]>::as_ptr);
            }
            if let Some(l) = len.as_mut() {
                *l = proto.map_or(0, |p| p.len() as c_uint);
            }
        }
    })
}
