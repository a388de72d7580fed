//! NULL objects and buffers, and bad lengths, get OpenSSL's failure value and
//! `ERR_R_PASSED_NULL_PARAMETER` (or the reason OpenSSL would give) on the
//! error queue; nothing crashes. OpenSSL itself would dereference most of
//! these pointers, so these cases have no differential twin in ctests/.

use std::ptr::{null, null_mut};

use ssl::abi::connection::{SSL_free, SSL_new, SSL_set_connect_state, SSL_set_fd};
use ssl::abi::context::{SSL_CTX_free, SSL_CTX_new, SSL_CTX_set_options, TLS_client_method};
use ssl::abi::ctrl::{SSL_CTX_ctrl, SSL_ctrl};
use ssl::abi::io::{
    SSL_connect, SSL_get_error, SSL_read, SSL_read_ex, SSL_shutdown, SSL_write, SSL_write_ex,
};
use ssl::abi::verify::{SSL_CTX_load_verify_locations, SSL_set1_host};

extern "C" {
    fn ERR_get_error() -> std::os::raw::c_ulong;
    fn ERR_clear_error();
}

const ERR_LIB_SSL: u64 = 20;
const PASSED_NULL_PARAMETER: u64 = 258;
const BAD_LENGTH: u64 = 271;

/// The (lib, reason) of the first queued error, and clears the queue.
fn first_error() -> (u64, u64) {
    let e = unsafe { ERR_get_error() } as u64;
    unsafe { ERR_clear_error() };
    ((e >> 23) & 0xff, e & 0x7fffff & 0xfff)
}

#[test]
fn null_objects_fail_cleanly() {
    unsafe {
        ERR_clear_error();
        assert_eq!(SSL_write(null_mut(), b"x".as_ptr().cast(), 1), -1);
        assert_eq!(first_error(), (ERR_LIB_SSL, PASSED_NULL_PARAMETER));
        let mut n = 0usize;
        assert_eq!(SSL_write_ex(null_mut(), null(), 0, &mut n), 0);
        assert_eq!(SSL_read(null_mut(), null_mut(), 10), -1);
        assert_eq!(SSL_read_ex(null_mut(), null_mut(), 10, &mut n), 0);
        assert_eq!(SSL_connect(null_mut()), -1);
        assert_eq!(SSL_shutdown(null_mut()), -1);
        assert_eq!(SSL_get_error(null(), -1), 1);
        assert_eq!(SSL_set_fd(null_mut(), 0), 0);
        assert_eq!(SSL_set1_host(null_mut(), c"x".as_ptr()), 0);
        assert_eq!(SSL_ctrl(null_mut(), 33, 1, null_mut()), 0);
        assert_eq!(SSL_CTX_ctrl(null_mut(), 33, 1, null_mut()), 0);
        assert_eq!(SSL_CTX_set_options(null_mut(), 1), 0);
        assert_eq!(SSL_CTX_load_verify_locations(null_mut(), null(), null()), 0);
        assert_eq!(first_error(), (ERR_LIB_SSL, PASSED_NULL_PARAMETER));
        assert!(SSL_new(null_mut()).is_null());
        assert!(SSL_CTX_new(null()).is_null());
        SSL_free(null_mut());
        SSL_CTX_free(null_mut());
    }
}

#[test]
fn null_buffers_and_bad_lengths_fail_cleanly() {
    unsafe {
        let ctx = SSL_CTX_new(TLS_client_method());
        let s = SSL_new(ctx);
        SSL_set_connect_state(s);
        ERR_clear_error();
        assert_eq!(SSL_write(s, null(), 10), -1);
        assert_eq!(first_error(), (ERR_LIB_SSL, PASSED_NULL_PARAMETER));
        assert_eq!(SSL_read(s, null_mut(), 10), -1);
        assert_eq!(first_error(), (ERR_LIB_SSL, PASSED_NULL_PARAMETER));
        assert_eq!(SSL_write(s, b"x".as_ptr().cast(), -5), -1);
        assert_eq!(first_error(), (ERR_LIB_SSL, BAD_LENGTH));
        assert_eq!(SSL_read(s, [0u8; 4].as_mut_ptr().cast(), -1), -1);
        assert_eq!(first_error(), (ERR_LIB_SSL, BAD_LENGTH));
        // No BIO at all: the handshake fails as OpenSSL's does (its first
        // flight cannot be flushed: SSL_ERROR_SYSCALL), and nothing crashes.
        assert_eq!(SSL_connect(s), -1);
        assert_eq!(SSL_get_error(s, -1), 5);
        SSL_free(s);
        SSL_CTX_free(ctx);
    }
}

/// `SSL_MODE_ASYNC` needs OpenSSL's async jobs; the bit stays clear, so a
/// caller reading the mode back sees it was not taken, and nothing else is
/// lost from the call.
#[test]
fn async_mode_is_refused() {
    const MODE: i32 = 33;
    const ASYNC: i64 = 0x100;
    const PARTIAL: i64 = 0x1;
    unsafe {
        let ctx = SSL_CTX_new(TLS_client_method());
        assert_eq!(SSL_CTX_ctrl(ctx, MODE, 0, null_mut()), 0x4);
        assert_eq!(SSL_CTX_ctrl(ctx, MODE, ASYNC | PARTIAL, null_mut()), 0x5);
        let ssl = SSL_new(ctx);
        assert_eq!(SSL_ctrl(ssl, MODE, ASYNC, null_mut()), 0x5);
        assert_eq!(SSL_ctrl(ssl, MODE, 0, null_mut()), 0x5);
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    }
}
