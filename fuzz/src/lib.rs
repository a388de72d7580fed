//! What the fuzz targets share: contexts with a fixed test certificate, SSLs
//! on libcrypto memory BIOs (so bytes pass through the library's own BIO
//! bridge and record bookkeeping), the invariant every return value must
//! keep with `SSL_get_error`, and a panic hook that makes any panic a crash.
//! Without the hook the C boundary would turn a panic into an error return,
//! which the fuzzer could not tell from a refusal.

use std::ffi::{c_int, c_long, c_void};
use std::ptr::null_mut;
use std::sync::{Once, OnceLock};

use openssl_sys as ossl;
pub use ssl::abi::connection::SSL;
use ssl::abi::connection::{SSL_new, SSL_set_accept_state, SSL_set_bio, SSL_set_connect_state};
use ssl::abi::context::{SSL_CTX_new, TLS_method, SSL_CTX};
use ssl::abi::ctrl::SSL_CTX_ctrl;
use ssl::abi::io::SSL_get_error;

pub mod seq;

const CERT: &[u8] = include_bytes!("../certs/cert.pem");
const KEY: &[u8] = include_bytes!("../certs/key.pem");

pub const SSL_ERROR_NONE: c_int = 0;
pub const SSL_ERROR_SSL: c_int = 1;
pub const SSL_ERROR_WANT_READ: c_int = 2;
pub const SSL_ERROR_WANT_WRITE: c_int = 3;
pub const SSL_ERROR_SYSCALL: c_int = 5;
pub const SSL_ERROR_ZERO_RETURN: c_int = 6;
const SSL_CTRL_SET_SESS_CACHE_MODE: c_int = 44;
const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;
const BIO_C_SET_BUF_MEM_EOF_RETURN: c_int = 130;
pub const TLS1_2_VERSION: c_long = 0x0303;

/// A client and a server context, made once per process: building them per
/// input would dominate every execution.
pub struct Contexts {
    pub client: *mut SSL_CTX,
    pub server: *mut SSL_CTX,
    pub client12: *mut SSL_CTX,
}
// Contexts are shared between connections by design, as in OpenSSL.
unsafe impl Send for Contexts {}
unsafe impl Sync for Contexts {}

pub fn init() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            eprintln!("panic: {info}");
            std::process::abort();
        }))
    });
}

pub fn contexts() -> &'static Contexts {
    static CTXS: OnceLock<Contexts> = OnceLock::new();
    CTXS.get_or_init(|| unsafe {
        init();
        let make = || {
            let ctx = SSL_CTX_new(TLS_method());
            assert!(!ctx.is_null());
            // No session cache: every input starts from the same state.
            SSL_CTX_ctrl(ctx, SSL_CTRL_SET_SESS_CACHE_MODE, 0, null_mut());
            ctx
        };
        let server = make();
        let cert = pem(CERT, |b| {
            ossl::PEM_read_bio_X509(b, null_mut(), None, null_mut()).cast()
        });
        let key = pem(KEY, |b| {
            ossl::PEM_read_bio_PrivateKey(b, null_mut(), None, null_mut()).cast()
        });
        assert_eq!(
            ssl::abi::cert::SSL_CTX_use_certificate(server, cert.cast()),
            1
        );
        assert_eq!(
            ssl::abi::cert::SSL_CTX_use_PrivateKey(server, key.cast()),
            1
        );
        let client12 = make();
        SSL_CTX_ctrl(
            client12,
            SSL_CTRL_SET_MAX_PROTO_VERSION,
            TLS1_2_VERSION,
            null_mut(),
        );
        Contexts {
            client: make(),
            server,
            client12,
        }
    })
}

unsafe fn pem(bytes: &[u8], read: impl Fn(*mut ossl::BIO) -> *mut c_void) -> *mut c_void {
    let bio = ossl::BIO_new_mem_buf(bytes.as_ptr().cast(), bytes.len() as c_int);
    let v = read(bio);
    ossl::BIO_free_all(bio);
    assert!(!v.is_null(), "test certificate or key does not parse");
    v
}

/// A memory BIO that reports "retry" when empty, as a nonblocking socket.
pub unsafe fn mem_bio() -> *mut ossl::BIO {
    let b = ossl::BIO_new(ossl::BIO_s_mem());
    assert!(!b.is_null());
    ossl::BIO_ctrl(b, BIO_C_SET_BUF_MEM_EOF_RETURN, -1, null_mut());
    b
}

/// From now on the BIO reports end of file when empty.
pub unsafe fn set_eof(b: *mut ossl::BIO) {
    ossl::BIO_ctrl(b, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, null_mut());
}

/// An SSL of `ctx` in `server` or client role on fresh memory BIOs; returns
/// the SSL and its read and write BIOs (owned by the SSL).
pub unsafe fn ssl_on_mem(
    ctx: *mut SSL_CTX,
    server: bool,
) -> (*mut SSL, *mut ossl::BIO, *mut ossl::BIO) {
    let s = SSL_new(ctx);
    assert!(!s.is_null());
    let (rbio, wbio) = (mem_bio(), mem_bio());
    SSL_set_bio(s, rbio.cast(), wbio.cast());
    if server {
        SSL_set_accept_state(s);
    } else {
        SSL_set_connect_state(s);
    }
    (s, rbio, wbio)
}

/// Discards what the SSL wrote.
pub unsafe fn drain(b: *mut ossl::BIO) {
    let mut buf = [0u8; 4096];
    while ossl::BIO_read(b, buf.as_mut_ptr().cast(), buf.len() as c_int) > 0 {}
}

/// `SSL_get_error` after a call that returned `ret`, checked against it: a
/// positive return is success, anything else names why not.
pub unsafe fn checked_error(s: *mut SSL, ret: c_int, what: &str) -> c_int {
    let e = SSL_get_error(s, ret);
    if ret > 0 {
        assert_eq!(
            e, SSL_ERROR_NONE,
            "{what} returned {ret} but SSL_get_error says {e}"
        );
    } else {
        assert!(
            matches!(
                e,
                SSL_ERROR_SSL
                    | SSL_ERROR_WANT_READ
                    | SSL_ERROR_WANT_WRITE
                    | SSL_ERROR_SYSCALL
                    | SSL_ERROR_ZERO_RETURN
            ),
            "{what} returned {ret} and SSL_get_error says {e}"
        );
    }
    e
}

/// Feeds `data` to a fresh connection in the given role as if a peer sent
/// it. The first byte picks how the bytes are cut into BIO writes and how
/// the application reads, so record boundaries fall everywhere.
pub fn feed_peer_bytes(data: &[u8], server: bool) {
    let Some((&knobs, data)) = data.split_first() else {
        return;
    };
    let ctxs = contexts();
    let ctx = match (server, knobs & 0x40 != 0) {
        (true, _) => ctxs.server,
        (false, false) => ctxs.client,
        (false, true) => ctxs.client12,
    };
    let chunk = match knobs & 3 {
        0 => data.len().max(1),
        1 => 1,
        2 => 5,
        _ => usize::from(knobs >> 2 & 0xf) * 97 + 1,
    };
    let peek = knobs & 0x80 != 0;
    unsafe {
        let (s, rbio, wbio) = ssl_on_mem(ctx, server);
        let mut buf = vec![0u8; 16384];
        let mut dead = false;
        let step = |buf: &mut [u8]| -> c_int {
            let n = buf.len() as c_int;
            let r = if peek {
                ssl::abi::io::SSL_peek(s, buf.as_mut_ptr().cast(), n)
            } else {
                ssl::abi::io::SSL_read(s, buf.as_mut_ptr().cast(), n)
            };
            assert!(r <= n, "read returned {r} for a buffer of {n}");
            let e = checked_error(s, r, "SSL_read");
            drain(wbio);
            e
        };
        // A client speaks first; what it says is not the fuzzer's concern.
        step(&mut buf);
        for piece in data.chunks(chunk) {
            ossl::BIO_write(rbio, piece.as_ptr().cast(), piece.len() as c_int);
            for _ in 0..64 {
                match step(&mut buf) {
                    SSL_ERROR_NONE => {
                        if peek {
                            ssl::abi::io::SSL_read(s, buf.as_mut_ptr().cast(), 16384);
                        }
                    }
                    SSL_ERROR_WANT_READ | SSL_ERROR_WANT_WRITE => break,
                    _ => {
                        dead = true;
                        break;
                    }
                }
            }
            if dead {
                break;
            }
        }
        // The end of the stream, then what a caller may still try on a
        // connection that failed or ended.
        set_eof(rbio);
        step(&mut buf);
        let r = ssl::abi::io::SSL_write(s, b"x".as_ptr().cast(), 1);
        checked_error(s, r, "SSL_write");
        let r = ssl::abi::io::SSL_shutdown(s);
        let _ = r;
        ssl::abi::connection::SSL_free(s);
        ossl::ERR_clear_error();
    }
}
