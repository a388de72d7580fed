//! Lists of CA names (`STACK_OF(X509_NAME)`): what a server names in its
//! CertificateRequest, read from certificate files the way libssl reads them,
//! with libcrypto's own stack, name and PEM functions, so that order, duplicates
//! and the reasons queued for a bad file come out as OpenSSL's.

use std::ffi::CStr;

use libc::{c_char, c_int, c_void};
use openssl_sys::{OPENSSL_STACK, X509, X509_NAME};

use super::err;
use super::ffi;

extern "C" {
    fn X509_get_subject_name(x: *const X509) -> *mut X509_NAME;
    fn X509_NAME_dup(n: *const X509_NAME) -> *mut X509_NAME;
    fn X509_NAME_free(n: *mut X509_NAME);
    fn X509_NAME_cmp(a: *const X509_NAME, b: *const X509_NAME) -> c_int;
    fn i2d_X509_NAME(n: *const X509_NAME, out: *mut *mut u8) -> c_int;
    fn d2i_X509_NAME(
        a: *mut *mut X509_NAME,
        pp: *mut *const u8,
        len: libc::c_long,
    ) -> *mut X509_NAME;
    fn OPENSSL_sk_set_cmp_func(
        st: *mut OPENSSL_STACK,
        cmp: Option<unsafe extern "C" fn(*const c_void, *const c_void) -> c_int>,
    ) -> Option<unsafe extern "C" fn(*const c_void, *const c_void) -> c_int>;
    fn OPENSSL_sk_find(st: *mut OPENSSL_STACK, data: *const c_void) -> c_int;
}

unsafe extern "C" fn free_name(p: *mut c_void) {
    unsafe { X509_NAME_free(p as *mut X509_NAME) }
}

/// libssl's order for a stack of names: `X509_NAME_cmp` of the elements.
unsafe extern "C" fn cmp_names(a: *const c_void, b: *const c_void) -> c_int {
    unsafe {
        X509_NAME_cmp(
            *(a as *const *const X509_NAME),
            *(b as *const *const X509_NAME),
        )
    }
}

/// A `STACK_OF(X509_NAME)` owned by an `SSL_CTX` or `SSL`, names included.
#[derive(Debug)]
pub struct NameStack(*mut OPENSSL_STACK);
unsafe impl Send for NameStack {}
unsafe impl Sync for NameStack {}

impl NameStack {
    pub fn new() -> Option<NameStack> {
        let st = unsafe { ffi::OPENSSL_sk_new_null() };
        (!st.is_null()).then_some(NameStack(st))
    }

    /// # Safety
    /// `p` is NULL or a live `STACK_OF(X509_NAME)` the caller gives up.
    pub unsafe fn adopt(p: *mut OPENSSL_STACK) -> Option<NameStack> {
        (!p.is_null()).then_some(NameStack(p))
    }

    pub fn as_ptr(&self) -> *mut OPENSSL_STACK {
        self.0
    }

    /// `SSL_CTX_add_client_CA`: a copy of the certificate's subject, at the
    /// end, duplicates allowed as in OpenSSL.
    ///
    /// # Safety
    /// `x` is a live X509.
    pub unsafe fn push_subject(&self, x: *mut X509) -> bool {
        let n = unsafe { X509_NAME_dup(X509_get_subject_name(x)) };
        if n.is_null() {
            return false;
        }
        if unsafe { ffi::OPENSSL_sk_push(self.0, n as *const c_void) } <= 0 {
            unsafe { X509_NAME_free(n) };
            return false;
        }
        true
    }

    /// A stack of the names given as DER; names that do not parse are left
    /// out.
    pub fn from_der(names: &[Vec<u8>]) -> Option<NameStack> {
        let out = NameStack::new()?;
        for der in names {
            let mut p = der.as_ptr();
            let n =
                unsafe { d2i_X509_NAME(std::ptr::null_mut(), &mut p, der.len() as libc::c_long) };
            if !n.is_null() && unsafe { ffi::OPENSSL_sk_push(out.0, n as *const c_void) } <= 0 {
                unsafe { X509_NAME_free(n) };
            }
        }
        Some(out)
    }

    /// The names as DER, in the stack's order, for rustls.
    pub fn to_der(&self) -> Vec<Vec<u8>> {
        unsafe { names_der(self.0) }
    }
}

impl Drop for NameStack {
    fn drop(&mut self) {
        unsafe { ffi::OPENSSL_sk_pop_free(self.0, Some(free_name)) }
    }
}

/// # Safety
/// `st` is NULL or a live `STACK_OF(X509_NAME)`.
unsafe fn names_der(st: *const OPENSSL_STACK) -> Vec<Vec<u8>> {
    if st.is_null() {
        return Vec::new();
    }
    let n = unsafe { ffi::OPENSSL_sk_num(st) }.max(0);
    (0..n)
        .filter_map(|i| unsafe {
            let name = ffi::OPENSSL_sk_value(st, i) as *const X509_NAME;
            let mut out: *mut u8 = std::ptr::null_mut();
            let len = i2d_X509_NAME(name, &mut out);
            if len <= 0 || out.is_null() {
                return None;
            }
            let der = std::slice::from_raw_parts(out, len as usize).to_vec();
            ffi::CRYPTO_free(out as *mut c_void, c"names.rs".as_ptr(), 0);
            Some(der)
        })
        .collect()
}

const BIO_LIB: libc::c_int = 32;
/// `ERR_R_SYS_LIB` as libcrypto flags it (common reason).
const ERR_R_SYS_LIB: u32 = 2 | (0x2 << 18);

/// A PEM file opened as libssl opens it; `None` with libcrypto's reasons.
fn open(file: *const c_char) -> Option<*mut openssl_sys::BIO> {
    if file.is_null() {
        // What libcrypto's file BIO reports when fopen gets NULL (EFAULT),
        // without handing NULL to fopen, which not every fopen survives.
        super::err::push_sys(libc::EFAULT, c"SSL_load_client_CA_file", c"fopen");
        super::err::push_entry(BIO_LIB, ERR_R_SYS_LIB, c"SSL_load_client_CA_file");
        return None;
    }
    let b = unsafe { ffi::BIO_new(ffi::BIO_s_file()) };
    if b.is_null() {
        return None;
    }
    let r = unsafe {
        openssl_sys::BIO_ctrl(
            b,
            ffi::BIO_C_SET_FILENAME,
            ffi::BIO_CLOSE | ffi::BIO_FP_READ,
            file as *mut c_void,
        )
    };
    if r <= 0 {
        unsafe { openssl_sys::BIO_free_all(b) };
        return None;
    }
    Some(b)
}

/// Each certificate of a PEM file in turn, until the first that does not
/// parse (whose "no start line" stays on the queue, as in libssl).
fn each_cert(b: *mut openssl_sys::BIO, mut f: impl FnMut(*mut X509) -> bool) -> bool {
    let mut ok = true;
    loop {
        let x =
            unsafe { ffi::PEM_read_bio_X509(b, std::ptr::null_mut(), None, std::ptr::null_mut()) };
        if x.is_null() {
            break;
        }
        let go = f(x);
        unsafe { openssl_sys::X509_free(x) };
        if !go {
            ok = false;
            break;
        }
    }
    unsafe { openssl_sys::BIO_free_all(b) };
    ok
}

/// `SSL_load_client_CA_file`: the distinct subjects of a PEM file in file
/// order, or NULL when it holds none.
///
/// # Safety
/// `file` is NULL or a C string.
pub unsafe fn load_file(file: *const c_char) -> *mut OPENSSL_STACK {
    let Some(b) = open(file) else {
        return std::ptr::null_mut();
    };
    let mut list: Option<NameStack> = None;
    let ok = each_cert(b, |x| {
        if list.is_none() {
            list = NameStack::new();
        }
        let Some(l) = list.as_ref() else {
            return false;
        };
        let n = unsafe { X509_get_subject_name(x) };
        let st = l.as_ptr();
        let seen = (0..unsafe { ffi::OPENSSL_sk_num(st) }).any(|i| unsafe {
            X509_NAME_cmp(ffi::OPENSSL_sk_value(st, i) as *const X509_NAME, n) == 0
        });
        seen || unsafe { l.push_subject(x) }
    });
    match list {
        Some(l) if ok => {
            err::clear();
            let p = l.as_ptr();
            std::mem::forget(l);
            p
        }
        _ => std::ptr::null_mut(),
    }
}

/// `SSL_add_file_cert_subjects_to_stack`: adds the subjects not already in
/// `st`, found through the stack's sorted search as libssl finds them.
///
/// # Safety
/// `st` is a live `STACK_OF(X509_NAME)`; `file` is NULL or a C string.
pub unsafe fn add_file(st: *mut OPENSSL_STACK, file: *const c_char) -> c_int {
    let old = unsafe { OPENSSL_sk_set_cmp_func(st, Some(cmp_names)) };
    let ok = match open(file) {
        None => false,
        Some(b) => each_cert(b, |x| unsafe {
            let n = X509_NAME_dup(X509_get_subject_name(x));
            if n.is_null() {
                return false;
            }
            if OPENSSL_sk_find(st, n as *const c_void) >= 0 {
                X509_NAME_free(n);
                true
            } else if ffi::OPENSSL_sk_push(st, n as *const c_void) <= 0 {
                X509_NAME_free(n);
                false
            } else {
                true
            }
        }),
    };
    if ok {
        err::clear();
    }
    unsafe { OPENSSL_sk_set_cmp_func(st, old) };
    c_int::from(ok)
}

/// `SSL_add_dir_cert_subjects_to_stack`: every file of the directory as
/// `add_file`. `None` when the directory cannot be read (with the `errno`).
///
/// # Safety
/// `st` is a live `STACK_OF(X509_NAME)`.
pub unsafe fn add_dir(st: *mut OPENSSL_STACK, dir: &CStr) -> Result<(), i32> {
    let path = std::path::Path::new(std::ffi::OsStr::from_encoded_bytes_unchecked(
        dir.to_bytes(),
    ));
    let entries = std::fs::read_dir(path).map_err(|e| e.raw_os_error().unwrap_or(0))?;
    for e in entries {
        let e = e.map_err(|e| e.raw_os_error().unwrap_or(0))?;
        let mut full = dir.to_bytes().to_vec();
        full.push(b'/');
        full.extend_from_slice(e.file_name().as_encoded_bytes());
        let Ok(c) = std::ffi::CString::new(full) else {
            continue;
        };
        if unsafe { add_file(st, c.as_ptr()) } == 0 {
            return Err(0);
        }
    }
    Ok(())
}

/// `SSL_dup_CA_list`: a new stack of copies of the names (empty for NULL).
///
/// # Safety
/// `st` is NULL or a live `STACK_OF(X509_NAME)`.
pub unsafe fn dup_list(st: *const OPENSSL_STACK) -> *mut OPENSSL_STACK {
    let Some(out) = NameStack::new() else {
        return std::ptr::null_mut();
    };
    let n = if st.is_null() {
        0
    } else {
        unsafe { ffi::OPENSSL_sk_num(st) }
    };
    for i in 0..n {
        let name = unsafe { X509_NAME_dup(ffi::OPENSSL_sk_value(st, i) as *const X509_NAME) };
        if name.is_null() || unsafe { ffi::OPENSSL_sk_push(out.0, name as *const c_void) } <= 0 {
            return std::ptr::null_mut();
        }
    }
    let p = out.0;
    std::mem::forget(out);
    p
}
