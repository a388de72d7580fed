//! libcrypto functions that openssl-sys does not declare.

use libc::{c_char, c_int, c_long, c_ulong, c_void};
use openssl_sys::{
    BIO, BIO_METHOD, EVP_PKEY, OPENSSL_STACK, PKCS8_PRIV_KEY_INFO, X509, X509_STORE,
};

/// `CRYPTO_EX_DATA`, embedded in each object that carries application data.
#[repr(C)]
pub struct CryptoExData {
    pub ctx: *mut c_void,
    pub sk: *mut c_void,
}

#[repr(C)]
pub struct ErrStringData {
    pub error: c_ulong,
    pub string: *const c_char,
}

pub type PemPasswordCb =
    Option<unsafe extern "C" fn(*mut c_char, c_int, c_int, *mut c_void) -> c_int>;

extern "C" {
    /// Takes a `DH *`; the type is opaque here.
    pub fn DH_security_bits(dh: *const c_void) -> c_int;
    pub fn BIO_test_flags(b: *const BIO, flags: c_int) -> c_int;
    pub fn BIO_get_retry_reason(b: *mut BIO) -> c_int;
    pub fn BIO_find_type(b: *mut BIO, bio_type: c_int) -> *mut BIO;
    pub fn BIO_method_type(b: *const BIO) -> c_int;
    pub fn BIO_up_ref(b: *mut BIO) -> c_int;
    pub fn BIO_new(method: *const BIO_METHOD) -> *mut BIO;
    pub fn BIO_s_socket() -> *const BIO_METHOD;
    pub fn BIO_s_file() -> *const BIO_METHOD;
    pub fn ERR_peek_error() -> c_ulong;
    pub fn ERR_set_mark() -> c_int;
    pub fn ERR_pop_to_mark() -> c_int;
    pub fn ERR_load_strings_const(s: *const ErrStringData) -> c_int;
    pub fn ERR_new();
    pub fn ERR_set_debug(file: *const c_char, line: c_int, func: *const c_char);
    pub fn ERR_set_error(lib: c_int, reason: c_int, fmt: *const c_char, ...);
    pub fn PEM_read_bio_X509(
        b: *mut BIO,
        x: *mut *mut X509,
        cb: PemPasswordCb,
        u: *mut c_void,
    ) -> *mut X509;
    pub fn PEM_read_bio_X509_AUX(
        b: *mut BIO,
        x: *mut *mut X509,
        cb: PemPasswordCb,
        u: *mut c_void,
    ) -> *mut X509;
    pub fn PEM_read_bio_PrivateKey(
        b: *mut BIO,
        x: *mut *mut EVP_PKEY,
        cb: PemPasswordCb,
        u: *mut c_void,
    ) -> *mut EVP_PKEY;
    pub fn d2i_PrivateKey_bio(b: *mut BIO, a: *mut *mut EVP_PKEY) -> *mut EVP_PKEY;
    pub fn EVP_PKEY2PKCS8(pkey: *const EVP_PKEY) -> *mut PKCS8_PRIV_KEY_INFO;
    pub fn i2d_PKCS8_PRIV_KEY_INFO(p8: *const PKCS8_PRIV_KEY_INFO, out: *mut *mut u8) -> c_int;
    pub fn X509_check_private_key(x: *const X509, k: *const EVP_PKEY) -> c_int;
    pub fn X509_STORE_load_file(s: *mut X509_STORE, file: *const c_char) -> c_int;
    pub fn X509_STORE_load_path(s: *mut X509_STORE, path: *const c_char) -> c_int;
    pub fn X509_STORE_get0_objects(s: *const X509_STORE) -> *mut OPENSSL_STACK;
    pub fn X509_OBJECT_get0_X509(o: *const c_void) -> *mut X509;
    pub fn X509_get_default_cert_file() -> *const c_char;
    pub fn X509_get_default_cert_dir() -> *const c_char;
    pub fn X509_get_default_cert_file_env() -> *const c_char;
    pub fn X509_get_default_cert_dir_env() -> *const c_char;
    pub fn CRYPTO_new_ex_data(class_index: c_int, obj: *mut c_void, ad: *mut CryptoExData)
        -> c_int;
    pub fn CRYPTO_free_ex_data(class_index: c_int, obj: *mut c_void, ad: *mut CryptoExData);
    pub fn CRYPTO_set_ex_data(ad: *mut CryptoExData, idx: c_int, val: *mut c_void) -> c_int;
    pub fn CRYPTO_get_ex_data(ad: *const CryptoExData, idx: c_int) -> *mut c_void;
    pub fn CRYPTO_dup_ex_data(
        class_index: c_int,
        to: *mut CryptoExData,
        from: *const CryptoExData,
    ) -> c_int;
    pub fn OPENSSL_init_crypto(opts: u64, settings: *const c_void) -> c_int;
    pub fn OPENSSL_sk_num(st: *const OPENSSL_STACK) -> c_int;
    pub fn OPENSSL_sk_value(st: *const OPENSSL_STACK, i: c_int) -> *mut c_void;
    pub fn OPENSSL_sk_new_null() -> *mut OPENSSL_STACK;
    pub fn OPENSSL_sk_free(st: *mut OPENSSL_STACK);
    pub fn OPENSSL_sk_push(st: *mut OPENSSL_STACK, data: *const c_void) -> c_int;
    pub fn OPENSSL_sk_pop_free(
        st: *mut OPENSSL_STACK,
        f: Option<unsafe extern "C" fn(*mut c_void)>,
    );
    pub fn CRYPTO_free(p: *mut c_void, file: *const c_char, line: c_int);
    pub fn CRYPTO_malloc(num: usize, file: *const c_char, line: c_int) -> *mut c_void;
}

pub const BIO_FLAGS_READ: c_int = 0x01;
pub const BIO_FLAGS_WRITE: c_int = 0x02;
pub const BIO_FLAGS_IO_SPECIAL: c_int = 0x04;
pub const BIO_FLAGS_SHOULD_RETRY: c_int = 0x08;
pub const BIO_RR_CONNECT: c_int = 0x02;
pub const BIO_RR_ACCEPT: c_int = 0x03;
pub const BIO_TYPE_DESCRIPTOR: c_int = 0x0100;
/// `BIO_ctrl_pending`: bytes ready to read.
pub const BIO_CTRL_PENDING: c_int = 10;
pub const BIO_C_SET_FD: c_int = 104;
pub const BIO_C_GET_FD: c_int = 105;
pub const BIO_NOCLOSE: c_long = 0;
pub const BIO_CLOSE: c_long = 0x01;
pub const BIO_FP_READ: c_long = 0x02;
pub const BIO_C_SET_FILENAME: c_int = 108;
pub const CRYPTO_EX_INDEX_SSL: c_int = 0;
pub const CRYPTO_EX_INDEX_SSL_CTX: c_int = 1;
pub const CRYPTO_EX_INDEX_SSL_SESSION: c_int = 2;

/// A copy of `items` in memory the application frees with `OPENSSL_free`;
/// NULL if the allocation failed.
pub fn openssl_copy<T: Copy>(items: &[T]) -> *mut T {
    let size = std::mem::size_of_val(items);
    let p = unsafe { CRYPTO_malloc(size.max(1), c"ffi.rs".as_ptr(), 0) } as *mut T;
    if !p.is_null() {
        unsafe { std::ptr::copy_nonoverlapping(items.as_ptr(), p, items.len()) };
    }
    p
}

extern "C" {
    fn OSSL_LIB_CTX_get0_global_default() -> *mut openssl_sys::OSSL_LIB_CTX;
}

/// Whether `libctx` names libcrypto's default library context: NULL, or the
/// global default itself.
pub fn is_default_libctx(libctx: *mut openssl_sys::OSSL_LIB_CTX) -> bool {
    libctx.is_null() || libctx == unsafe { OSSL_LIB_CTX_get0_global_default() }
}

extern "C" {
    fn EVP_CIPHER_fetch(
        ctx: *mut openssl_sys::OSSL_LIB_CTX,
        algorithm: *const c_char,
        properties: *const c_char,
    ) -> *mut openssl_sys::EVP_CIPHER;
    fn EVP_CIPHER_free(cipher: *mut openssl_sys::EVP_CIPHER);
}

/// Whether libcrypto's default context has a cipher matching the property
/// query `propq`: what OpenSSL needs before it makes a context with it.
pub fn query_has_ciphers(propq: &std::ffi::CStr) -> bool {
    unsafe {
        ERR_set_mark();
        let c = EVP_CIPHER_fetch(
            std::ptr::null_mut(),
            c"AES-256-GCM".as_ptr(),
            propq.as_ptr(),
        );
        ERR_pop_to_mark();
        let found = !c.is_null();
        EVP_CIPHER_free(c);
        found
    }
}

/// The curve of an `EC_KEY`, as `(has a group, short name)`: `(false, None)`
/// without parameters, `(true, None)` for a curve without a name.
///
/// # Safety
/// `key` is a live `EC_KEY`.
pub unsafe fn ec_key_curve(key: *const openssl_sys::EC_KEY) -> (bool, Option<String>) {
    let group = unsafe { openssl_sys::EC_KEY_get0_group(key) };
    if group.is_null() {
        return (false, None);
    }
    let nid = unsafe { openssl_sys::EC_GROUP_get_curve_name(group) };
    if nid == 0 {
        return (true, None);
    }
    let sn = unsafe { openssl_sys::OBJ_nid2sn(nid) };
    let name = (!sn.is_null()).then(|| {
        unsafe { std::ffi::CStr::from_ptr(sn) }
            .to_string_lossy()
            .into_owned()
    });
    (true, name)
}
