//! Chain verification by libcrypto itself (`X509_verify_cert`), set up as
//! OpenSSL's libssl sets it up, so that `X509_V_ERR_*` results, the depth
//! limit, host checks and the application's verify callback behave as there.

use std::ffi::CStr;
use std::sync::OnceLock;

use libc::{c_char, c_int, c_long, c_uint, c_void};
use openssl_sys::{OPENSSL_STACK, X509, X509_STORE, X509_STORE_CTX, X509_VERIFY_PARAM};
use rustls::pki_types::CertificateDer;

use super::decoded::DecodedCerts;
use super::x509::CertStack;

/// `int (*)(int preverify_ok, X509_STORE_CTX *)`, as `SSL_CTX_set_verify` takes.
pub type VerifyCallback = Option<unsafe extern "C" fn(c_int, *mut X509_STORE_CTX) -> c_int>;

extern "C" {
    fn X509_STORE_CTX_new() -> *mut X509_STORE_CTX;
    fn X509_STORE_CTX_free(ctx: *mut X509_STORE_CTX);
    fn X509_STORE_CTX_init(
        ctx: *mut X509_STORE_CTX,
        store: *mut X509_STORE,
        x: *mut X509,
        chain: *mut OPENSSL_STACK,
    ) -> c_int;
    fn X509_STORE_CTX_set_ex_data(ctx: *mut X509_STORE_CTX, idx: c_int, data: *mut c_void)
        -> c_int;
    fn X509_STORE_CTX_set_default(ctx: *mut X509_STORE_CTX, name: *const c_char) -> c_int;
    fn X509_STORE_CTX_get0_param(ctx: *mut X509_STORE_CTX) -> *mut X509_VERIFY_PARAM;
    fn X509_STORE_CTX_set_verify_cb(ctx: *mut X509_STORE_CTX, cb: VerifyCallback);
    fn X509_STORE_CTX_get_error(ctx: *mut X509_STORE_CTX) -> c_int;
    fn X509_STORE_CTX_get1_chain(ctx: *const X509_STORE_CTX) -> *mut OPENSSL_STACK;
    fn CRYPTO_get_ex_new_index(
        class_index: c_int,
        argl: c_long,
        argp: *mut c_void,
        new: *mut c_void,
        dup: *mut c_void,
        free: *mut c_void,
    ) -> c_int;
    fn X509_verify_cert(ctx: *mut X509_STORE_CTX) -> c_int;
    fn X509_STORE_up_ref(s: *mut X509_STORE) -> c_int;
    fn X509_STORE_free(s: *mut X509_STORE);
    fn X509_VERIFY_PARAM_new() -> *mut X509_VERIFY_PARAM;
    fn X509_VERIFY_PARAM_free(p: *mut X509_VERIFY_PARAM);
    fn X509_VERIFY_PARAM_inherit(
        to: *mut X509_VERIFY_PARAM,
        from: *const X509_VERIFY_PARAM,
    ) -> c_int;
    fn X509_VERIFY_PARAM_set1(to: *mut X509_VERIFY_PARAM, from: *const X509_VERIFY_PARAM) -> c_int;
    fn X509_VERIFY_PARAM_set_auth_level(p: *mut X509_VERIFY_PARAM, level: c_int);
    fn X509_VERIFY_PARAM_set_depth(p: *mut X509_VERIFY_PARAM, depth: c_int);
    fn X509_VERIFY_PARAM_get_depth(p: *const X509_VERIFY_PARAM) -> c_int;
    fn X509_VERIFY_PARAM_set1_host(
        p: *mut X509_VERIFY_PARAM,
        n: *const c_char,
        len: usize,
    ) -> c_int;
    fn X509_VERIFY_PARAM_add1_host(
        p: *mut X509_VERIFY_PARAM,
        n: *const c_char,
        len: usize,
    ) -> c_int;
    fn X509_VERIFY_PARAM_set1_ip_asc(p: *mut X509_VERIFY_PARAM, ip: *const c_char) -> c_int;
    fn X509_VERIFY_PARAM_get1_ip_asc(p: *mut X509_VERIFY_PARAM) -> *mut c_char;
    fn CRYPTO_free(p: *mut c_void, file: *const c_char, line: c_int);
    fn X509_VERIFY_PARAM_set_hostflags(p: *mut X509_VERIFY_PARAM, flags: c_uint);
    fn X509_VERIFY_PARAM_get0_peername(p: *const X509_VERIFY_PARAM) -> *const c_char;
    fn X509_VERIFY_PARAM_move_peername(to: *mut X509_VERIFY_PARAM, from: *mut X509_VERIFY_PARAM);
}

const CRYPTO_EX_INDEX_X509_STORE_CTX: c_int = 5;

/// `SSL_get_ex_data_X509_STORE_CTX_idx`: where a verify callback finds the
/// `SSL` being verified. One index per process, as in libssl.
pub fn ssl_ex_index() -> c_int {
    static IDX: OnceLock<c_int> = OnceLock::new();
    *IDX.get_or_init(|| unsafe {
        CRYPTO_get_ex_new_index(
            CRYPTO_EX_INDEX_X509_STORE_CTX,
            0,
            c"SSL for verify callback".as_ptr() as *mut c_void,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        )
    })
}

/// Whether libcrypto reads the text as an IPv4 or IPv6 address.
fn is_ip_address(h: &CStr) -> bool {
    let Some(p) = VerifyParam::new() else {
        return false;
    };
    unsafe { X509_VERIFY_PARAM_set1_ip_asc(p.0, h.as_ptr()) == 1 }
}

/// An owned `X509_VERIFY_PARAM`: what an `SSL_CTX` or an `SSL` asks of
/// verification (depth, host names, flags).
#[derive(Debug)]
pub struct VerifyParam(*mut X509_VERIFY_PARAM);
unsafe impl Send for VerifyParam {}
unsafe impl Sync for VerifyParam {}

impl VerifyParam {
    pub fn new() -> Option<VerifyParam> {
        let p = unsafe { X509_VERIFY_PARAM_new() };
        (!p.is_null()).then_some(VerifyParam(p))
    }

    /// A connection's parameters, starting from its context's.
    pub fn inherit(from: &VerifyParam) -> Option<VerifyParam> {
        let p = VerifyParam::new()?;
        unsafe { X509_VERIFY_PARAM_inherit(p.0, from.0) };
        Some(p)
    }

    pub fn as_ptr(&self) -> *mut X509_VERIFY_PARAM {
        self.0
    }

    pub fn set_depth(&self, depth: c_int) {
        unsafe { X509_VERIFY_PARAM_set_depth(self.0, depth) }
    }

    pub fn depth(&self) -> c_int {
        unsafe { X509_VERIFY_PARAM_get_depth(self.0) }
    }

    /// `SSL_set1_host`: None clears the names; an IP address in text form
    /// is checked as an address, not a name.
    pub fn set1_host(&self, host: Option<&CStr>) -> bool {
        if host.is_some_and(|h| unsafe { X509_VERIFY_PARAM_set1_ip_asc(self.0, h.as_ptr()) == 1 }) {
            return true;
        }
        let (p, n) = host.map_or((std::ptr::null(), 0), |h| (h.as_ptr(), h.count_bytes()));
        unsafe { X509_VERIFY_PARAM_set1_host(self.0, p, n) == 1 }
    }

    /// `SSL_add1_host`: names accumulate; there is room for one address.
    pub fn add1_host(&self, host: Option<&CStr>) -> bool {
        if let Some(h) = host.filter(|h| is_ip_address(h)) {
            let old = unsafe { X509_VERIFY_PARAM_get1_ip_asc(self.0) };
            if !old.is_null() {
                unsafe { CRYPTO_free(old as *mut c_void, c"verify.rs".as_ptr(), 0) };
                return false;
            }
            return unsafe { X509_VERIFY_PARAM_set1_ip_asc(self.0, h.as_ptr()) == 1 };
        }
        let (p, n) = host.map_or((std::ptr::null(), 0), |h| (h.as_ptr(), h.count_bytes()));
        unsafe { X509_VERIFY_PARAM_add1_host(self.0, p, n) == 1 }
    }

    pub fn set_hostflags(&self, flags: c_uint) {
        unsafe { X509_VERIFY_PARAM_set_hostflags(self.0, flags) }
    }

    pub fn peername(&self) -> *const c_char {
        unsafe { X509_VERIFY_PARAM_get0_peername(self.0) }
    }
}

impl Drop for VerifyParam {
    fn drop(&mut self) {
        unsafe { X509_VERIFY_PARAM_free(self.0) }
    }
}

/// What one verification needs besides the chain.
pub struct ChainRequest<'a> {
    pub store: *mut X509_STORE,
    pub param: &'a VerifyParam,
    /// The connection's security level, applied as the authentication level.
    pub security_level: c_int,
    pub callback: VerifyCallback,
    /// The `SSL` handed to the callback through the store context's ex_data.
    pub ssl: *mut c_void,
    /// True when a server verifies its client's certificate.
    pub server: bool,
    /// Where the peer's certificates are decoded: the context's.
    pub decoded: &'a DecodedCerts,
}

/// What `X509_verify_cert` decided, the `X509_V_*` error it left, and the
/// chain it built (also after a failure, as far as it got).
#[derive(Debug)]
pub struct ChainOutcome {
    pub accepted: bool,
    pub error: i64,
    pub chain: Option<CertStack>,
}

/// OpenSSL's `ssl_verify_cert_chain`: the leaf and everything the peer sent
/// as untrusted certificates, the context's store, the purpose of the other
/// side, the connection's parameters, then the verify callback.
pub fn verify_chain(req: &ChainRequest<'_>, chain: &[CertificateDer<'_>]) -> ChainOutcome {
    const FAILED: ChainOutcome = ChainOutcome {
        accepted: false,
        error: 1, // X509_V_ERR_UNSPECIFIED
        chain: None,
    };
    // The leaf is the stack's first certificate, as in libssl: decoding it
    // twice cost a quarter of a client's handshake (libcrypto 3.0 decodes
    // the public key through its provider machinery each time).
    let Some(untrusted) = req.decoded.stack(chain) else {
        return FAILED;
    };
    let Some(leaf) = untrusted.first() else {
        return FAILED;
    };
    unsafe {
        let ctx = X509_STORE_CTX_new();
        if ctx.is_null() {
            return FAILED;
        }
        // The store may be replaced while the callback runs; hold it.
        X509_STORE_up_ref(req.store);
        let mut out = FAILED;
        if X509_STORE_CTX_init(ctx, req.store, leaf.as_ptr(), untrusted.as_ptr()) == 1 {
            X509_STORE_CTX_set_ex_data(ctx, ssl_ex_index(), req.ssl);
            // The purpose is that of the peer's certificate.
            let purpose = if req.server {
                c"ssl_client"
            } else {
                c"ssl_server"
            };
            X509_STORE_CTX_set_default(ctx, purpose.as_ptr());
            let param = X509_STORE_CTX_get0_param(ctx);
            X509_VERIFY_PARAM_set_auth_level(param, req.security_level);
            X509_VERIFY_PARAM_set1(param, req.param.as_ptr());
            if req.callback.is_some() {
                X509_STORE_CTX_set_verify_cb(ctx, req.callback);
            }
            let r = X509_verify_cert(ctx);
            out = ChainOutcome {
                accepted: r > 0,
                error: X509_STORE_CTX_get_error(ctx) as i64,
                chain: CertStack::adopt(X509_STORE_CTX_get1_chain(ctx)),
            };
            X509_VERIFY_PARAM_move_peername(req.param.as_ptr(), param);
        }
        X509_STORE_CTX_free(ctx);
        X509_STORE_free(req.store);
        out
    }
}
