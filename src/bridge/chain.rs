//! The chain a certificate goes out with when the application gave none:
//! OpenSSL builds it from the context's trust store, unless
//! `SSL_MODE_NO_AUTO_CHAIN` is set.

use openssl_sys::{
    X509_STORE_CTX_free, X509_STORE_CTX_get0_chain, X509_STORE_CTX_init, X509_STORE_CTX_new,
    X509_verify_cert, OPENSSL_STACK, X509,
};

use super::err;
use super::ffi;
use super::x509::{Cert, Store};

/// The issuers of `leaf` as far as `store` knows them, root included, in
/// order; empty when it knows none. Whether the chain verifies is not the
/// question here, so failures stay off the error queue.
pub fn auto_chain(store: &Store, leaf: &Cert) -> Vec<Cert> {
    err::quietly(|| unsafe {
        let ctx = X509_STORE_CTX_new();
        if ctx.is_null() {
            return None;
        }
        let mut out = Vec::new();
        if X509_STORE_CTX_init(ctx, store.as_ptr(), leaf.as_ptr(), std::ptr::null_mut()) == 1 {
            X509_verify_cert(ctx);
            let sk = X509_STORE_CTX_get0_chain(ctx) as *const OPENSSL_STACK;
            if !sk.is_null() {
                for i in 1..ffi::OPENSSL_sk_num(sk) {
                    let x = ffi::OPENSSL_sk_value(sk, i) as *mut X509;
                    out.extend(Cert::share(x));
                }
            }
        }
        X509_STORE_CTX_free(ctx);
        Some(out)
    })
    .unwrap_or_default()
}
