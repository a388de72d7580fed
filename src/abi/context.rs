//! `SSL_CTX_new(3)`, `SSL_CTX_free(3)`, `SSL_CTX_set_options(3)` and the
//! methods: the `SSL_CTX` object shared by connections and threads.

use std::ffi::c_void;
use std::sync::{Arc, Mutex, MutexGuard};

use libc::{c_int, c_long};
use openssl_sys::X509_STORE;
use rustls::{ClientConfig, ServerConfig};

use super::{deref, guard};
use crate::bridge::ffi::{self, CryptoExData};
use crate::bridge::verify::VerifyParam;
use crate::bridge::x509::{Cert, PKey, Password, Store};
use crate::bridge::{err, ex_data};
use crate::core::context::{Context, Method, Variant};
use crate::core::error::Reason;

pub struct SSL_METHOD {
    pub(crate) method: Method,
    /// The one version of `TLSv1_2_method` and the like; 0 for the
    /// version-flexible `TLS_method`.
    pub(crate) version: c_int,
}

static TLS_ANY: SSL_METHOD = SSL_METHOD {
    method: Method::Any,
    version: 0,
};
static TLS_CLIENT: SSL_METHOD = SSL_METHOD {
    method: Method::Client,
    version: 0,
};
static TLS_SERVER: SSL_METHOD = SSL_METHOD {
    method: Method::Server,
    version: 0,
};

#[export_name = "sslshim_TLS_method"]
pub extern "C" fn TLS_method() -> *const SSL_METHOD {
    &TLS_ANY
}

#[export_name = "sslshim_TLS_client_method"]
pub extern "C" fn TLS_client_method() -> *const SSL_METHOD {
    &TLS_CLIENT
}

#[export_name = "sslshim_TLS_server_method"]
pub extern "C" fn TLS_server_method() -> *const SSL_METHOD {
    &TLS_SERVER
}

pub use crate::bridge::verify::VerifyCallback;
/// `SSL_MODE_NO_AUTO_CHAIN`.
const NO_AUTO_CHAIN: u64 = 0x8;

/// What the `SSL_CTX` holds besides the core context: the application's
/// libcrypto objects and callbacks.
pub(crate) struct CtxInner {
    pub core: Context,
    pub store: Store,
    /// The store's size when its certificates last became rustls roots.
    store_seen: Option<usize>,
    pub cert: Option<Cert>,
    pub extra_chain: Vec<Cert>,
    /// `SSL_CTX_set0_chain`: the current certificate's own chain, which
    /// takes the place of the extra chain certificates when set.
    pub chain: Option<Vec<Cert>>,
    /// What `SSL_CTX_get0_chain_certs` last handed out, owned here.
    pub chain_stack: Option<crate::bridge::x509::CertStack>,
    pub key: Option<PKey>,
    /// Certificates and keys of the other key types (OpenSSL's other slots).
    pub other_slots: Vec<super::cert::Slot>,
    pub password: Password,
    pub verify_callback: VerifyCallback,
    /// `SSL_CTX_get0_param`: what connections start verifying with.
    pub param: VerifyParam,
    pub session_cache_mode: c_long,
    /// `SSL_CTX_sess_set_cache_size`.
    pub session_cache_size: c_long,
    pub read_ahead: c_long,
    /// Any int, returned as given (OpenSSL keeps the value, not a flag).
    pub quiet_shutdown: c_int,
    pub hello: super::hello::HelloCallbacks,
    pub keylog: KeylogCallback,
    pub new_session_cb: super::session_ctx::NewSessionCb,
    /// `SSL_CTX_add_session` and the cache callbacks.
    pub sessions: super::session_cache::SessionCache,
    /// `SSL_CTX_set_cert_cb`.
    pub cert_cb: Option<super::cert_cb::CertCb>,
    /// `SSL_CTX_set_max_early_data`, `SSL_CTX_set_recv_max_early_data`.
    pub early_data: super::early_data::Limits,
    /// `SSL_CTX_set_client_CA_list`: a stack the application may change in
    /// place, so it is read again whenever a server configuration is needed.
    pub client_ca: Option<crate::bridge::names::NameStack>,
    /// `SSL_CTX_set0_CA_list`: named in a CertificateRequest when the
    /// client CA list is empty.
    pub ca_list: Option<crate::bridge::names::NameStack>,
    /// What `SSL_CTX_get_ciphers` handed out.
    pub cipher_stack: crate::bridge::stack::PtrStack,
}

impl CtxInner {
    /// Brings the rustls roots up to date with the trust store, which the
    /// application may fill directly (`SSL_CTX_get_cert_store`), even during
    /// a handshake: cheap when nothing changed.
    pub fn sync_roots(&mut self) {
        let len = self.store.len();
        if self.store_seen == Some(len) {
            return;
        }
        // A CA directory stays in the store's hash lookup, where
        // X509_verify_cert finds its certificates by subject, as in OpenSSL.
        self.core.set_roots(&self.store.certificates());
        self.store_seen = Some(len);
        if self.extra_chain.is_empty() && self.chain.is_none() && self.cert.is_some() {
            self.certificates_changed();
        }
    }

    /// Marks the roots for rebuilding, after a CA directory was added.
    pub fn roots_changed(&mut self) {
        self.store_seen = None;
    }

    /// The configuration for a connection whose options are `opts`.
    pub fn client_config(&mut self, v: &Variant) -> Result<Arc<ClientConfig>, Reason> {
        self.sync_roots();
        self.core.client_config_for(v)
    }

    /// Hands the CA names a server sends to the core: the client CA list,
    /// or when it is empty the CA list (`SSL_CTX_set0_CA_list`), as OpenSSL
    /// picks them. The application may change either stack in place.
    pub fn sync_ca_names(&mut self) {
        let mut names = self
            .client_ca
            .as_ref()
            .map(crate::bridge::names::NameStack::to_der)
            .unwrap_or_default();
        if names.is_empty() {
            names = self
                .ca_list
                .as_ref()
                .map(crate::bridge::names::NameStack::to_der)
                .unwrap_or_default();
        }
        self.core.set_client_ca_names(names);
    }

    pub fn server_config(&mut self, v: &Variant) -> Result<Arc<ServerConfig>, Reason> {
        self.sync_roots();
        self.sync_ca_names();
        self.core.server_config_for(v)
    }

    /// The certificates sent after `leaf`: the slot's own chain, else the
    /// extra chain certificates, else (unless `SSL_MODE_NO_AUTO_CHAIN`)
    /// issuers found in the trust store, as OpenSSL picks them.
    pub fn issuers(&self, leaf: &Cert) -> Vec<Cert> {
        if let Some(own) = &self.chain {
            own.clone()
        } else if !self.extra_chain.is_empty() {
            self.extra_chain.clone()
        } else if self.core.mode & NO_AUTO_CHAIN == 0 {
            crate::bridge::chain::auto_chain(&self.store, leaf)
        } else {
            Vec::new()
        }
    }

    /// Hands the certificate, its chain and the key to the core as DER.
    pub fn certificates_changed(&mut self) {
        self.chain_stack = None;
        let mut chain: Vec<_> = self.cert.iter().filter_map(Cert::to_der).collect();
        if let Some(leaf) = self.cert.as_ref().filter(|_| !chain.is_empty()) {
            chain.extend(self.issuers(leaf).iter().filter_map(Cert::to_der));
        }
        self.core.set_certificate_chain(chain);
        if let Some(k) = self.key.as_ref().and_then(PKey::to_der) {
            self.core.set_private_key(k);
        }
    }
}

pub struct SSL_CTX {
    inner: Mutex<CtxInner>,
    ex_data: Mutex<CryptoExData>,
    /// `SSL_CTX_set_info_callback`.
    pub(crate) info_cb: super::info::CtxInfoCb,
    /// The peer certificates its connections decoded, for the next ones.
    pub(crate) peer_certs: crate::bridge::decoded::DecodedCerts,
}

// An SSL_CTX is shared by threads in C as in OpenSSL. Its state is behind
// mutexes; the raw pointers it holds (ex_data, the password callback's
// argument) belong to the application, which shares them the same way.
unsafe impl Send for SSL_CTX {}
unsafe impl Sync for SSL_CTX {}

impl SSL_CTX {
    pub(crate) fn lock(&self) -> MutexGuard<'_, CtxInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Shares the context behind a C pointer without consuming its reference.
    ///
    /// # Safety
    /// `p` came from `SSL_CTX_new` and is still referenced.
    pub(crate) unsafe fn share(p: *const SSL_CTX) -> Arc<SSL_CTX> {
        unsafe {
            Arc::increment_strong_count(p);
            Arc::from_raw(p)
        }
    }
}

impl Drop for SSL_CTX {
    fn drop(&mut self) {
        let obj = self as *mut SSL_CTX as *mut c_void;
        // OpenSSL flushes the cache as the context goes, telling the remove
        // callback, while the context's application data is still there.
        let cache = std::mem::take(
            &mut self
                .inner
                .get_mut()
                .unwrap_or_else(|e| e.into_inner())
                .sessions,
        );
        super::session_cache::flush_at_free(obj as *mut SSL_CTX, cache);
        let ad = self.ex_data.get_mut().unwrap_or_else(|e| e.into_inner());
        unsafe { ffi::CRYPTO_free_ex_data(ffi::CRYPTO_EX_INDEX_SSL_CTX, obj, ad) };
    }
}

#[export_name = "sslshim_SSL_CTX_new"]
pub unsafe extern "C" fn SSL_CTX_new(meth: *const SSL_METHOD) -> *mut SSL_CTX {
    guard(c"SSL_CTX_new", std::ptr::null_mut(), || {
        super::init::ensure();
        let Some(m) = (unsafe { meth.as_ref() }) else {
            err::push(Reason(196), c"SSL_CTX_new_ex"); // SSL_R_NULL_SSL_METHOD_PASSED
            return std::ptr::null_mut();
        };
        let (Some(store), Some(param)) = (Store::new(), VerifyParam::new()) else {
            return std::ptr::null_mut();
        };
        let ctx = Arc::new(SSL_CTX {
            inner: Mutex::new(CtxInner {
                core: Context::with_version(m.method, m.version),
                store,
                store_seen: None,
                cert: None,
                extra_chain: Vec::new(),
                chain: None,
                chain_stack: None,
                key: None,
                other_slots: Vec::new(),
                password: Password {
                    cb: None,
                    userdata: std::ptr::null_mut(),
                },
                verify_callback: None,
                param,
                session_cache_mode: 2,         // SSL_SESS_CACHE_SERVER
                session_cache_size: 1024 * 20, // SSL_SESSION_CACHE_MAX_SIZE_DEFAULT
                read_ahead: 0,
                quiet_shutdown: 0,
                hello: Default::default(),
                keylog: None,
                new_session_cb: None,
                sessions: Default::default(),
                cipher_stack: Default::default(),
                cert_cb: None,
                early_data: Default::default(),
                client_ca: crate::bridge::names::NameStack::new(),
                ca_list: crate::bridge::names::NameStack::new(),
            }),
            ex_data: Mutex::new(CryptoExData {
                ctx: std::ptr::null_mut(),
                sk: std::ptr::null_mut(),
            }),
            info_cb: Default::default(),
            peer_certs: Default::default(),
        });
        let p = Arc::into_raw(ctx) as *mut SSL_CTX;
        unsafe {
            let ad = &mut *(*p).ex_data.lock().unwrap_or_else(|e| e.into_inner());
            ffi::CRYPTO_new_ex_data(ffi::CRYPTO_EX_INDEX_SSL_CTX, p as *mut c_void, ad);
        }
        p
    })
}

#[export_name = "sslshim_SSL_CTX_free"]
pub unsafe extern "C" fn SSL_CTX_free(ctx: *mut SSL_CTX) {
    guard(c"SSL_CTX_free", (), || {
        if !ctx.is_null() {
            drop(unsafe { Arc::from_raw(ctx) });
        }
    })
}

#[export_name = "sslshim_SSL_CTX_up_ref"]
pub unsafe extern "C" fn SSL_CTX_up_ref(ctx: *mut SSL_CTX) -> c_int {
    guard(c"SSL_CTX_up_ref", 0, || {
        deref!(c"SSL_CTX_up_ref", ctx, 0);
        unsafe { Arc::increment_strong_count(ctx) };
        1
    })
}

#[export_name = "sslshim_SSL_CTX_set_options"]
pub unsafe extern "C" fn SSL_CTX_set_options(ctx: *mut SSL_CTX, op: u64) -> u64 {
    guard(c"SSL_CTX_set_options", 0, || {
        let ctx = deref!(c"SSL_CTX_set_options", ctx, 0);
        let mut c = ctx.lock();
        let new = c.core.options | op;
        c.core.set_options(new)
    })
}

#[export_name = "sslshim_SSL_CTX_clear_options"]
pub unsafe extern "C" fn SSL_CTX_clear_options(ctx: *mut SSL_CTX, op: u64) -> u64 {
    guard(c"SSL_CTX_clear_options", 0, || {
        let ctx = deref!(c"SSL_CTX_clear_options", ctx, 0);
        let mut c = ctx.lock();
        let new = c.core.options & !op;
        c.core.set_options(new)
    })
}

#[export_name = "sslshim_SSL_CTX_get_options"]
pub unsafe extern "C" fn SSL_CTX_get_options(ctx: *const SSL_CTX) -> u64 {
    guard(c"SSL_CTX_get_options", 0, || {
        let ctx = deref!(c"SSL_CTX_get_options", ctx as *mut SSL_CTX, 0);
        ctx.lock().core.options
    })
}

#[export_name = "sslshim_SSL_CTX_get_cert_store"]
pub unsafe extern "C" fn SSL_CTX_get_cert_store(ctx: *const SSL_CTX) -> *mut X509_STORE {
    guard(c"SSL_CTX_get_cert_store", std::ptr::null_mut(), || {
        let ctx = deref!(
            c"SSL_CTX_get_cert_store",
            ctx as *mut SSL_CTX,
            std::ptr::null_mut()
        );
        ctx.lock().store.as_ptr()
    })
}

#[export_name = "sslshim_SSL_CTX_set_cert_store"]
pub unsafe extern "C" fn SSL_CTX_set_cert_store(ctx: *mut SSL_CTX, store: *mut X509_STORE) {
    guard(c"SSL_CTX_set_cert_store", (), || {
        let ctx = deref!(c"SSL_CTX_set_cert_store", ctx);
        // The context takes over the caller's reference; NULL leaves an empty store.
        let new = unsafe { Store::adopt(store) }.or_else(Store::new);
        if let Some(s) = new {
            let mut c = ctx.lock();
            c.store = s;
            c.roots_changed();
        }
    })
}

#[export_name = "sslshim_SSL_CTX_set_ex_data"]
pub unsafe extern "C" fn SSL_CTX_set_ex_data(
    ctx: *mut SSL_CTX,
    idx: c_int,
    data: *mut c_void,
) -> c_int {
    guard(c"SSL_CTX_set_ex_data", 0, || {
        let ctx = deref!(c"SSL_CTX_set_ex_data", ctx, 0);
        let mut ad = ctx.ex_data.lock().unwrap_or_else(|e| e.into_inner());
        unsafe { ex_data::set(&mut ad, idx, data, c"SSL_CTX_set_ex_data") }
    })
}

#[export_name = "sslshim_SSL_CTX_get_ex_data"]
pub unsafe extern "C" fn SSL_CTX_get_ex_data(ctx: *const SSL_CTX, idx: c_int) -> *mut c_void {
    guard(c"SSL_CTX_get_ex_data", std::ptr::null_mut(), || {
        let ctx = deref!(
            c"SSL_CTX_get_ex_data",
            ctx as *mut SSL_CTX,
            std::ptr::null_mut()
        );
        let ad = ctx.ex_data.lock().unwrap_or_else(|e| e.into_inner());
        unsafe { ffi::CRYPTO_get_ex_data(&*ad, idx) }
    })
}

#[export_name = "sslshim_SSL_CTX_set_cipher_list"]
pub unsafe extern "C" fn SSL_CTX_set_cipher_list(
    ctx: *mut SSL_CTX,
    s: *const libc::c_char,
) -> c_int {
    guard(c"SSL_CTX_set_cipher_list", 0, || {
        let ctx = deref!(c"SSL_CTX_set_cipher_list", ctx, 0);
        let Some(list) = (unsafe { super::opt_cstr(s) }) else {
            err::push(Reason::PASSED_NULL_PARAMETER, c"SSL_CTX_set_cipher_list");
            return 0;
        };
        match ctx.lock().core.set_cipher_list(&list.to_string_lossy()) {
            Ok(()) => 1,
            Err(r) => {
                err::push(r, c"SSL_CTX_set_cipher_list");
                0
            }
        }
    })
}

#[export_name = "sslshim_SSL_CTX_set_ciphersuites"]
pub unsafe extern "C" fn SSL_CTX_set_ciphersuites(
    ctx: *mut SSL_CTX,
    s: *const libc::c_char,
) -> c_int {
    guard(c"SSL_CTX_set_ciphersuites", 0, || {
        let ctx = deref!(c"SSL_CTX_set_ciphersuites", ctx, 0);
        let Some(list) = (unsafe { super::opt_cstr(s) }) else {
            err::push(Reason::PASSED_NULL_PARAMETER, c"SSL_CTX_set_ciphersuites");
            return 0;
        };
        match ctx.lock().core.set_ciphersuites(&list.to_string_lossy()) {
            Ok(()) => 1,
            Err(r) => {
                err::push(r, c"SSL_CTX_set_ciphersuites");
                0
            }
        }
    })
}

/// Parses OpenSSL's wire form of an ALPN list: length-prefixed names.
fn parse_alpn(wire: &[u8]) -> Option<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    let mut rest = wire;
    while let Some((&len, tail)) = rest.split_first() {
        if len == 0 || tail.len() < len as usize {
            return None;
        }
        out.push(tail[..len as usize].to_vec());
        rest = &tail[len as usize..];
    }
    Some(out)
}

/// The shared body of `SSL_CTX_set_alpn_protos` and `SSL_set_alpn_protos`,
/// which return 0 on success, as OpenSSL's do.
pub(crate) unsafe fn alpn_from_c(protos: *const u8, len: libc::c_uint) -> Result<Vec<Vec<u8>>, ()> {
    if protos.is_null() || len == 0 {
        return Ok(Vec::new());
    }
    let wire = unsafe { std::slice::from_raw_parts(protos, len as usize) };
    parse_alpn(wire).ok_or(())
}

#[export_name = "sslshim_SSL_CTX_set_alpn_protos"]
pub unsafe extern "C" fn SSL_CTX_set_alpn_protos(
    ctx: *mut SSL_CTX,
    protos: *const u8,
    len: libc::c_uint,
) -> c_int {
    guard(c"SSL_CTX_set_alpn_protos", 1, || {
        let ctx = deref!(c"SSL_CTX_set_alpn_protos", ctx, 1);
        match unsafe { alpn_from_c(protos, len) } {
            Ok(list) => {
                ctx.lock().core.set_alpn(list);
                0
            }
            Err(()) => 1,
        }
    })
}

pub type KeylogCallback =
    Option<unsafe extern "C" fn(*const crate::abi::connection::SSL, *const libc::c_char)>;

#[export_name = "sslshim_SSL_CTX_set_keylog_callback"]
pub unsafe extern "C" fn SSL_CTX_set_keylog_callback(ctx: *mut SSL_CTX, cb: KeylogCallback) {
    guard(c"SSL_CTX_set_keylog_callback", (), || {
        let ctx = deref!(c"SSL_CTX_set_keylog_callback", ctx);
        let log = cb.map(|f| Arc::new(super::keylog::CallbackKeyLog(f)) as Arc<dyn rustls::KeyLog>);
        let mut c = ctx.lock();
        c.keylog = cb;
        c.core.set_key_log(log);
    })
}

#[export_name = "sslshim_SSL_CTX_get_keylog_callback"]
pub unsafe extern "C" fn SSL_CTX_get_keylog_callback(ctx: *const SSL_CTX) -> KeylogCallback {
    guard(c"SSL_CTX_get_keylog_callback", None, || {
        let ctx = deref!(c"SSL_CTX_get_keylog_callback", ctx as *mut SSL_CTX, None);
        ctx.lock().keylog
    })
}
