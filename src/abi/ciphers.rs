//! `SSL_get_ciphers(3)`, `SSL_CTX_set_cipher_list(3)` on one connection,
//! `SSL_CIPHER_description(3)`: the cipher lists as stacks of `SSL_CIPHER`.

use libc::{c_char, c_int};
use openssl_sys::stack_st_SSL_CIPHER;

use super::cipher::SSL_CIPHER;
use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard, opt_cstr};
use crate::bridge::err;
use crate::bridge::stack::PtrStack;
use crate::core::cipher::{self, CipherInfo};
use crate::core::connection::Role;
use crate::core::error::Reason;

/// The stacks an `SSL` hands out and keeps until its lists change.
#[derive(Default)]
pub(crate) struct CipherStacks {
    own: PtrStack,
    client: PtrStack,
}

fn as_stack(p: *mut openssl_sys::OPENSSL_STACK) -> *mut stack_st_SSL_CIPHER {
    p as *mut stack_st_SSL_CIPHER
}

#[export_name = "sslshim_SSL_CTX_get_ciphers"]
pub unsafe extern "C" fn SSL_CTX_get_ciphers(ctx: *const SSL_CTX) -> *mut stack_st_SSL_CIPHER {
    guard(c"SSL_CTX_get_ciphers", std::ptr::null_mut(), || {
        // OpenSSL answers NULL for NULL, queueing nothing.
        let Some(ctx) = (unsafe { ctx.as_ref() }) else {
            return std::ptr::null_mut();
        };
        let mut c = ctx.lock();
        let list = c.core.suites().stack();
        as_stack(c.cipher_stack.refresh(&list))
    })
}

#[export_name = "sslshim_SSL_get_ciphers"]
pub unsafe extern "C" fn SSL_get_ciphers(s: *const SSL) -> *mut stack_st_SSL_CIPHER {
    guard(c"SSL_get_ciphers", std::ptr::null_mut(), || {
        let Some(ssl) = (unsafe { (s as *mut SSL).as_mut() }) else {
            return std::ptr::null_mut();
        };
        let list = ssl.conn.settings.suites.stack();
        as_stack(ssl.ciphers.own.refresh(&list))
    })
}

#[export_name = "sslshim_SSL_get_client_ciphers"]
pub unsafe extern "C" fn SSL_get_client_ciphers(s: *const SSL) -> *mut stack_st_SSL_CIPHER {
    guard(c"SSL_get_client_ciphers", std::ptr::null_mut(), || {
        let Some(ssl) = (unsafe { (s as *mut SSL).as_mut() }) else {
            return std::ptr::null_mut();
        };
        if ssl.conn.role() != Role::Server {
            return std::ptr::null_mut();
        }
        let Some(wire) = ssl.conn.received_client_ciphers() else {
            return std::ptr::null_mut();
        };
        let list = cipher::from_wire(&wire);
        as_stack(ssl.ciphers.client.refresh(&list))
    })
}

#[export_name = "sslshim_SSL_set_cipher_list"]
pub unsafe extern "C" fn SSL_set_cipher_list(s: *mut SSL, list: *const c_char) -> c_int {
    guard(c"SSL_set_cipher_list", 0, || {
        let ssl = deref!(c"SSL_set_cipher_list", s, 0);
        let Some(list) = (unsafe { opt_cstr(list) }) else {
            err::push(Reason::PASSED_NULL_PARAMETER, c"SSL_set_cipher_list");
            return 0;
        };
        let list = list.to_string_lossy();
        // As OpenSSL, a list that selects no TLS 1.2 suite still replaces
        // the connection's, leaving it the TLS 1.3 suites alone, and fails.
        let suites = cipher::parse_cipher_list(&list);
        let ok = suites.is_some();
        ssl.conn.settings.suites.tls12 = Some(suites.unwrap_or_default());
        if let Some(level) = cipher::seclevel_in(&list) {
            ssl.verify.security_level = level;
        }
        if !ok {
            err::push(Reason::NO_CIPHER_MATCH, c"SSL_set_cipher_list");
        }
        c_int::from(ok)
    })
}

/// OpenSSL's buffer for a description it allocates itself.
const DESCRIPTION_LEN: usize = 128;

#[export_name = "sslshim_SSL_CIPHER_description"]
pub unsafe extern "C" fn SSL_CIPHER_description(
    c: *const SSL_CIPHER,
    buf: *mut c_char,
    size: c_int,
) -> *mut c_char {
    guard(c"SSL_CIPHER_description", std::ptr::null_mut(), || {
        let Some(c) = (unsafe { c.as_ref() }) else {
            return std::ptr::null_mut();
        };
        if buf.is_null() {
            // The caller frees it with OPENSSL_free, as OpenSSL's own.
            let mut own = [0 as c_char; DESCRIPTION_LEN];
            write_description(c, own.as_mut_ptr(), DESCRIPTION_LEN);
            return crate::bridge::ffi::openssl_copy(&own);
        }
        // As OpenSSL: a caller's buffer must hold any description.
        if size < DESCRIPTION_LEN as c_int {
            return std::ptr::null_mut();
        }
        write_description(c, buf, size as usize);
        buf
    })
}

fn write_description(c: &CipherInfo, buf: *mut c_char, size: usize) {
    let text = c.description();
    let n = text.len().min(size - 1);
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr() as *const c_char, buf, n);
        *buf.add(n) = 0;
    }
}
