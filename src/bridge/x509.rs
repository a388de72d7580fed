//! Certificates, keys and trust stores: the application's libcrypto objects on
//! one side, DER for rustls on the other.

use std::ffi::CStr;

use libc::{c_int, c_void};
use openssl_sys::{BIO, EVP_PKEY, OPENSSL_STACK, X509, X509_STORE};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::err;
use super::ffi::{self, PemPasswordCb};

extern "C" {
    fn X509_get0_pubkey(x: *const X509) -> *mut EVP_PKEY;
    fn X509_check_purpose(x: *mut X509, id: c_int, ca: c_int) -> c_int;
    fn EVP_PKEY_get_base_id(k: *const EVP_PKEY) -> c_int;
    fn EVP_PKEY_get_security_bits(k: *const EVP_PKEY) -> c_int;
}

/// `SSL_FILETYPE_*`.
pub const FILETYPE_PEM: c_int = 1;
pub const FILETYPE_ASN1: c_int = 2;

/// One reference to an `X509`.
#[derive(Debug)]
pub struct Cert(*mut X509);
unsafe impl Send for Cert {}
unsafe impl Sync for Cert {}

impl Cert {
    /// # Safety
    /// `p` is a live X509 whose reference the caller gives up.
    pub unsafe fn adopt(p: *mut X509) -> Option<Cert> {
        (!p.is_null()).then_some(Cert(p))
    }

    /// # Safety
    /// `p` is a live X509; a new reference is taken.
    pub unsafe fn share(p: *mut X509) -> Option<Cert> {
        if p.is_null() {
            return None;
        }
        openssl_sys::X509_up_ref(p);
        Some(Cert(p))
    }

    pub fn from_der(der: &[u8]) -> Option<Cert> {
        let mut p = der.as_ptr();
        let x = unsafe { openssl_sys::d2i_X509(std::ptr::null_mut(), &mut p, der.len() as _) };
        unsafe { Cert::adopt(x) }
    }

    /// Has libcrypto work out its extensions, key identifiers and signature
    /// information now (purpose -1 does just that): false, with nothing
    /// left on the error queue, when it finds them invalid. Verification
    /// would do it on first use and report the failure then.
    pub fn cache_extensions(&self) -> bool {
        super::err::quietly(|| (unsafe { X509_check_purpose(self.0, -1, 0) } == 1).then_some(()))
            .is_some()
    }

    pub fn to_der(&self) -> Option<CertificateDer<'static>> {
        unsafe {
            let mut out: *mut u8 = std::ptr::null_mut();
            let n = openssl_sys::i2d_X509(self.0, &mut out);
            if n <= 0 || out.is_null() {
                return None;
            }
            let der = std::slice::from_raw_parts(out, n as usize).to_vec();
            ffi::CRYPTO_free(out as *mut c_void, c"x509.rs".as_ptr(), 0);
            Some(CertificateDer::from(der))
        }
    }

    pub fn as_ptr(&self) -> *mut X509 {
        self.0
    }

    /// The `EVP_PKEY_*` base type of the certificate's public key, which
    /// picks OpenSSL's certificate slot (RSA, EC, Ed25519...).
    pub fn key_kind(&self) -> c_int {
        unsafe {
            let k = X509_get0_pubkey(self.0);
            if k.is_null() {
                0
            } else {
                EVP_PKEY_get_base_id(k)
            }
        }
    }

    /// Gives the reference to the caller.
    pub fn into_raw(self) -> *mut X509 {
        let p = self.0;
        std::mem::forget(self);
        p
    }
}

impl Clone for Cert {
    fn clone(&self) -> Self {
        unsafe { openssl_sys::X509_up_ref(self.0) };
        Cert(self.0)
    }
}

impl Drop for Cert {
    fn drop(&mut self) {
        unsafe { openssl_sys::X509_free(self.0) }
    }
}

/// One reference to an `EVP_PKEY`.
#[derive(Debug)]
pub struct PKey(*mut EVP_PKEY);
unsafe impl Send for PKey {}
unsafe impl Sync for PKey {}

impl PKey {
    /// # Safety
    /// `p` is a live EVP_PKEY; a new reference is taken.
    pub unsafe fn share(p: *mut EVP_PKEY) -> Option<PKey> {
        if p.is_null() {
            return None;
        }
        openssl_sys::EVP_PKEY_up_ref(p);
        Some(PKey(p))
    }

    /// # Safety
    /// `p` is a live EVP_PKEY whose reference the caller gives up.
    pub unsafe fn adopt(p: *mut EVP_PKEY) -> Option<PKey> {
        (!p.is_null()).then_some(PKey(p))
    }

    /// `EVP_PKEY_get_security_bits`.
    pub fn security_bits(&self) -> c_int {
        unsafe { EVP_PKEY_get_security_bits(self.0) }
    }

    pub fn as_ptr(&self) -> *mut EVP_PKEY {
        self.0
    }

    /// The `EVP_PKEY_*` base type, as [`Cert::key_kind`].
    pub fn kind(&self) -> c_int {
        unsafe { EVP_PKEY_get_base_id(self.0) }
    }

    /// The key as PKCS#8 DER, the one form rustls takes for every key type.
    pub fn to_der(&self) -> Option<PrivateKeyDer<'static>> {
        unsafe {
            let p8 = ffi::EVP_PKEY2PKCS8(self.0);
            if p8.is_null() {
                return None;
            }
            let mut out: *mut u8 = std::ptr::null_mut();
            let n = ffi::i2d_PKCS8_PRIV_KEY_INFO(p8, &mut out);
            openssl_sys::PKCS8_PRIV_KEY_INFO_free(p8);
            if n <= 0 || out.is_null() {
                return None;
            }
            let der = std::slice::from_raw_parts(out, n as usize).to_vec();
            ffi::CRYPTO_free(out as *mut c_void, c"x509.rs".as_ptr(), 0);
            Some(PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der)))
        }
    }

    /// `X509_check_private_key`, which queues OpenSSL's reason on a mismatch.
    pub fn matches(&self, cert: &Cert) -> bool {
        unsafe { ffi::X509_check_private_key(cert.0, self.0) == 1 }
    }
}

impl Clone for PKey {
    fn clone(&self) -> Self {
        unsafe { openssl_sys::EVP_PKEY_up_ref(self.0) };
        PKey(self.0)
    }
}

impl Drop for PKey {
    fn drop(&mut self) {
        unsafe { openssl_sys::EVP_PKEY_free(self.0) }
    }
}

/// A file opened as OpenSSL's `SSL_CTX_use_*_file` open theirs (a file BIO,
/// then `BIO_read_filename`), so a missing file queues the same reasons.
struct FileBio(*mut BIO);

impl FileBio {
    fn open(path: &CStr) -> Option<FileBio> {
        let b = unsafe { ffi::BIO_new(ffi::BIO_s_file()) };
        if b.is_null() {
            return None;
        }
        let f = FileBio(b);
        let r = unsafe {
            openssl_sys::BIO_ctrl(
                b,
                ffi::BIO_C_SET_FILENAME,
                ffi::BIO_CLOSE | ffi::BIO_FP_READ,
                path.as_ptr() as *mut c_void,
            )
        };
        (r > 0).then_some(f)
    }
}

impl Drop for FileBio {
    fn drop(&mut self) {
        unsafe { openssl_sys::BIO_free_all(self.0) }
    }
}

/// Password callback and its argument, for encrypted PEM keys.
#[derive(Clone, Copy)]
pub struct Password {
    pub cb: PemPasswordCb,
    pub userdata: *mut c_void,
}

/// The first certificate of a file; `None` with libcrypto's reasons queued.
pub fn read_cert(path: &CStr, filetype: c_int, pw: Password) -> Option<Cert> {
    let f = FileBio::open(path)?;
    let x = unsafe {
        match filetype {
            FILETYPE_PEM => ffi::PEM_read_bio_X509(f.0, std::ptr::null_mut(), pw.cb, pw.userdata),
            _ => openssl_sys::d2i_X509_bio(f.0, std::ptr::null_mut()),
        }
    };
    unsafe { Cert::adopt(x) }
}

/// Every certificate of a PEM file in order: the leaf, then its chain.
pub fn read_chain(path: &CStr, pw: Password) -> Option<Vec<Cert>> {
    let f = FileBio::open(path)?;
    let first =
        unsafe { ffi::PEM_read_bio_X509_AUX(f.0, std::ptr::null_mut(), pw.cb, pw.userdata) };
    let mut out = vec![unsafe { Cert::adopt(first)? }];
    // The end of the file shows as a "no start line" error, not the caller's.
    while let Some(c) = err::quietly(|| unsafe {
        Cert::adopt(ffi::PEM_read_bio_X509(
            f.0,
            std::ptr::null_mut(),
            pw.cb,
            pw.userdata,
        ))
    }) {
        out.push(c);
    }
    Some(out)
}

pub fn read_key(path: &CStr, filetype: c_int, pw: Password) -> Option<PKey> {
    let f = FileBio::open(path)?;
    let k = unsafe {
        match filetype {
            FILETYPE_PEM => {
                ffi::PEM_read_bio_PrivateKey(f.0, std::ptr::null_mut(), pw.cb, pw.userdata)
            }
            _ => ffi::d2i_PrivateKey_bio(f.0, std::ptr::null_mut()),
        }
    };
    (!k.is_null()).then_some(PKey(k))
}

/// One reference to an `X509_STORE`, the trust store of an `SSL_CTX`.
#[derive(Debug)]
pub struct Store(*mut X509_STORE);
unsafe impl Send for Store {}
unsafe impl Sync for Store {}

impl Store {
    pub fn new() -> Option<Store> {
        let s = unsafe { openssl_sys::X509_STORE_new() };
        (!s.is_null()).then_some(Store(s))
    }

    /// # Safety
    /// `p` is a live store whose reference the caller gives up.
    pub unsafe fn adopt(p: *mut X509_STORE) -> Option<Store> {
        (!p.is_null()).then_some(Store(p))
    }

    pub fn as_ptr(&self) -> *mut X509_STORE {
        self.0
    }

    pub fn load_file(&self, path: &CStr) -> bool {
        unsafe { ffi::X509_STORE_load_file(self.0, path.as_ptr()) == 1 }
    }

    pub fn load_path(&self, path: &CStr) -> bool {
        unsafe { ffi::X509_STORE_load_path(self.0, path.as_ptr()) == 1 }
    }

    /// How many objects the store holds: changes when anyone adds to it.
    pub fn len(&self) -> usize {
        unsafe { ffi::OPENSSL_sk_num(ffi::X509_STORE_get0_objects(self.0)).max(0) as usize }
    }

    /// The certificates the store holds, as DER.
    pub fn certificates(&self) -> Vec<CertificateDer<'static>> {
        let mut out = Vec::new();
        unsafe {
            let objs = ffi::X509_STORE_get0_objects(self.0);
            for i in 0..ffi::OPENSSL_sk_num(objs) {
                let x = ffi::X509_OBJECT_get0_X509(ffi::OPENSSL_sk_value(objs, i));
                if let Some(c) = Cert::share(x) {
                    out.extend(c.to_der());
                }
            }
        }
        out
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        unsafe { openssl_sys::X509_STORE_free(self.0) }
    }
}

/// A `STACK_OF(X509)` the `SSL` owns, as `SSL_get_peer_cert_chain` returns.
#[derive(Debug)]
pub struct CertStack(*mut OPENSSL_STACK);
unsafe impl Send for CertStack {}

unsafe extern "C" fn free_x509(p: *mut c_void) {
    openssl_sys::X509_free(p as *mut X509)
}

impl CertStack {
    pub fn from_certs(certs: &[Cert]) -> Option<CertStack> {
        let st = unsafe { ffi::OPENSSL_sk_new_null() };
        if st.is_null() {
            return None;
        }
        let stack = CertStack(st);
        for c in certs {
            unsafe { ffi::OPENSSL_sk_push(st, c.clone().into_raw() as *const c_void) };
        }
        Some(stack)
    }

    /// Takes over a stack of owned certificates (`X509_STORE_CTX_get1_chain`).
    ///
    /// # Safety
    /// `p` is NULL or a `STACK_OF(X509)` whose certificates' references the
    /// caller gives up.
    pub unsafe fn adopt(p: *mut OPENSSL_STACK) -> Option<CertStack> {
        (!p.is_null()).then_some(CertStack(p))
    }

    pub fn as_ptr(&self) -> *mut OPENSSL_STACK {
        self.0
    }

    /// A new reference to the first certificate, if any.
    pub fn first(&self) -> Option<Cert> {
        unsafe {
            if ffi::OPENSSL_sk_num(self.0) < 1 {
                return None;
            }
            Cert::share(ffi::OPENSSL_sk_value(self.0, 0) as *mut X509)
        }
    }

    /// Whether the stack holds exactly these certificates, in this order.
    pub fn holds(&self, certs: &[CertificateDer<'_>]) -> bool {
        let n = unsafe { ffi::OPENSSL_sk_num(self.0) };
        n >= 0
            && n as usize == certs.len()
            && certs.iter().enumerate().all(|(i, der)| {
                unsafe { Cert::share(ffi::OPENSSL_sk_value(self.0, i as c_int) as *mut X509) }
                    .and_then(|c| c.to_der())
                    .is_some_and(|d| d.as_ref() == der.as_ref())
            })
    }
}

/// The certificates of an application's `STACK_OF(X509)`. With `adopt` the
/// stack and its references become ours (OpenSSL's `set0`); otherwise each
/// certificate gains a reference and the stack stays the caller's (`set1`).
///
/// # Safety
/// `st` is NULL or a live `STACK_OF(X509)`.
pub unsafe fn stack_certs(st: *mut OPENSSL_STACK, adopt: bool) -> Vec<Cert> {
    if st.is_null() {
        return Vec::new();
    }
    let n = unsafe { ffi::OPENSSL_sk_num(st) }.max(0);
    let certs = (0..n)
        .filter_map(|i| {
            let x = unsafe { ffi::OPENSSL_sk_value(st, i) } as *mut X509;
            if adopt {
                unsafe { Cert::adopt(x) }
            } else {
                unsafe { Cert::share(x) }
            }
        })
        .collect();
    if adopt {
        unsafe { ffi::OPENSSL_sk_free(st) };
    }
    certs
}

impl Drop for CertStack {
    fn drop(&mut self) {
        unsafe { ffi::OPENSSL_sk_pop_free(self.0, Some(free_x509)) }
    }
}

/// The default CA file and directory of the system's OpenSSL, honouring
/// `SSL_CERT_FILE` and `SSL_CERT_DIR` as `X509_STORE_set_default_paths` does.
pub fn default_paths() -> (std::ffi::CString, std::ffi::CString) {
    let pick = |env: *const libc::c_char, dflt: *const libc::c_char| unsafe {
        let name = CStr::from_ptr(env).to_string_lossy().into_owned();
        match std::env::var_os(name) {
            Some(v) => std::ffi::CString::new(v.as_encoded_bytes()).unwrap_or_default(),
            None => CStr::from_ptr(dflt).to_owned(),
        }
    };
    unsafe {
        (
            pick(
                ffi::X509_get_default_cert_file_env(),
                ffi::X509_get_default_cert_file(),
            ),
            pick(
                ffi::X509_get_default_cert_dir_env(),
                ffi::X509_get_default_cert_dir(),
            ),
        )
    }
}
