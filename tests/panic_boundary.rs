//! A bug that panics inside the core must come back to C as an error return,
//! with `ERR_R_INTERNAL_ERROR` on the queue, and leave the process running.
//! Built only with the `fault-injection` feature, whose named points in the
//! core panic on demand (`make test` runs it).
#![cfg(feature = "fault-injection")]

use std::ffi::c_int;

use openssl_sys::{BIO_new, BIO_s_mem, ERR_clear_error};
use ssl::abi::connection::{SSL_free, SSL_new, SSL_set_bio, SSL_set_connect_state};
use ssl::abi::context::{SSL_CTX_free, SSL_CTX_new, TLS_client_method};
use ssl::abi::io::{SSL_do_handshake, SSL_get_error, SSL_read, SSL_write};

extern "C" {
    fn ERR_get_error() -> std::os::raw::c_ulong;
}

const SSL_ERROR_SSL: c_int = 1;
const SSL_ERROR_WANT_READ: c_int = 2;
/// `ERR_R_INTERNAL_ERROR`, as ERR_GET_REASON shows it (flags included).
const INTERNAL_ERROR: u64 = 259 | (0x3 << 18);

/// The reasons on the error queue, which this empties.
fn reasons() -> Vec<u64> {
    std::iter::from_fn(|| match unsafe { ERR_get_error() } as u64 {
        0 => None,
        e => Some(e & 0x7fffff),
    })
    .collect()
}

/// A client over memory BIOs: its handshake stops at WANT_READ.
unsafe fn client() -> *mut ssl::abi::connection::SSL {
    unsafe {
        let ctx = SSL_CTX_new(TLS_client_method());
        let s = SSL_new(ctx);
        SSL_CTX_free(ctx);
        SSL_set_bio(s, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
        SSL_set_connect_state(s);
        s
    }
}

#[test]
fn panics_in_the_core_become_errors() {
    // Quiet the default hook's message; the test checks what C sees.
    std::panic::set_hook(Box::new(|_| {}));
    let mut buf = [0u8; 16];
    type Call = unsafe fn(*mut ssl::abi::connection::SSL, &mut [u8]) -> c_int;
    let calls: [(&str, Call); 3] = [
        ("handshake", |s, _| unsafe { SSL_do_handshake(s) }),
        ("write", |s, b| unsafe {
            SSL_write(s, b.as_ptr().cast(), b.len() as c_int)
        }),
        ("read", |s, b| unsafe {
            SSL_read(s, b.as_mut_ptr().cast(), b.len() as c_int)
        }),
    ];
    for (point, call) in calls {
        unsafe {
            ERR_clear_error();
            let s = client();
            std::env::set_var("SSLSHIM_FAULT", point);
            let ret = call(s, &mut buf);
            std::env::remove_var("SSLSHIM_FAULT");
            assert_eq!(ret, -1, "{point}: the failure value");
            assert_eq!(
                SSL_get_error(s, ret),
                SSL_ERROR_SSL,
                "{point}: SSL_get_error"
            );
            assert_eq!(reasons(), [INTERNAL_ERROR], "{point}: the error queue");
            // The object is still usable and can be freed.
            let again = call(s, &mut buf);
            assert!(again <= 0, "{point}: a later call returned {again}");
            let _ = SSL_get_error(s, again);
            ERR_clear_error();
            SSL_free(s);
        }
    }
    let _ = std::panic::take_hook();
    let fresh = unsafe { client() };
    let r = unsafe { SSL_do_handshake(fresh) };
    assert_eq!(
        (r, unsafe { SSL_get_error(fresh, r) }),
        (-1, SSL_ERROR_WANT_READ)
    );
    unsafe { SSL_free(fresh) };
}
