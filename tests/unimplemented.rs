//! A function sslshim does not implement fails the way the C caller checks
//! for: OpenSSL's failure value, `ERR_R_UNSUPPORTED` on the error queue, and
//! one line on stderr however often it is called.

use std::process::Command;
use std::ptr::null_mut;

use ssl::abi::context::{SSL_CTX_free, SSL_CTX_new, TLS_client_method};
use ssl::abi::unimplemented::{dtls, misc, srp, srp::SSL_CTX_set_srp_username};

extern "C" {
    fn ERR_get_error() -> std::os::raw::c_ulong;
    fn ERR_clear_error();
}

const ERR_LIB_SSL: u64 = 20;
const ERR_R_UNSUPPORTED: u64 = 0x8010c;

/// The (lib, reason) of each queued error, which it clears.
fn errors() -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    loop {
        let e = unsafe { ERR_get_error() } as u64;
        if e == 0 {
            return out;
        }
        out.push(((e >> 23) & 0xff, e & 0x7fffff));
    }
}

#[test]
fn placeholders_return_openssls_failure_values() {
    unsafe {
        ERR_clear_error();
        let ctx = SSL_CTX_new(TLS_client_method());
        assert_eq!(SSL_CTX_set_srp_username(ctx, c"u".as_ptr().cast_mut()), 0);
        assert_eq!(errors(), [(ERR_LIB_SSL, ERR_R_UNSUPPORTED)]);
        assert!(dtls::DTLS_client_method().is_null());
        assert_eq!(errors(), [(ERR_LIB_SSL, ERR_R_UNSUPPORTED)]);
        // SRTP's setters return 0 for success.
        assert_eq!(
            dtls::SSL_CTX_set_tlsext_use_srtp(ctx, c"SRTP_AES128_CM_SHA1_80".as_ptr()),
            1
        );
        assert_eq!(errors(), [(ERR_LIB_SSL, ERR_R_UNSUPPORTED)]);
        assert_eq!(misc::SSL_sendfile(null_mut(), 0, 0, 10, 0), -1);
        assert_eq!(errors(), [(ERR_LIB_SSL, ERR_R_UNSUPPORTED)]);
        srp::SSL_CTX_set_srp_cb_arg(ctx, null_mut());
        SSL_CTX_free(ctx);
    }
}

/// Run in a child process so that its stderr can be read.
#[test]
fn each_placeholder_logs_once() {
    if std::env::var_os("SSLSHIM_PLACEHOLDER_CHILD").is_some() {
        unsafe {
            for _ in 0..3 {
                dtls::DTLS_client_method();
                dtls::DTLS_server_method();
            }
        }
        return;
    }
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "each_placeholder_logs_once",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SSLSHIM_PLACEHOLDER_CHILD", "1")
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<_> = stderr
        .lines()
        .filter(|l| l.starts_with("sslshim:"))
        .collect();
    assert_eq!(
        lines,
        [
            "sslshim: DTLS_client_method is not implemented",
            "sslshim: DTLS_server_method is not implemented"
        ]
    );
}
