//! `SSL_new(3)`, `SSL_free(3)`, `SSL_set_bio(3)`, `SSL_set_fd(3)`,
//! `SSL_set_connect_state(3)`: the `SSL` object and what it is connected to.

use std::ffi::c_void;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

use libc::c_int;
use openssl_sys::BIO;

use super::context::SSL_CTX;
use super::{deref, guard};
use crate::bridge::bio::{Bio, BioIo};
use crate::bridge::ffi::{self, CryptoExData};
use crate::bridge::x509::CertStack;
use crate::bridge::{err, ex_data};
use crate::core::connection::{Connection, Role};
use crate::core::error::{Error, Reason};

pub struct SSL {
    refs: AtomicI32,
    pub(crate) ctx: Arc<SSL_CTX>,
    pub(crate) conn: Connection,
    rbio: Option<Bio>,
    wbio: Option<Bio>,
    ex_data: CryptoExData,
    /// Kept for `SSL_get_peer_cert_chain`, whose result the `SSL` owns.
    pub(crate) peer_chain: Option<CertStack>,
    pub(crate) verify: super::verify::VerifyState,
    /// Kept for `SSL_get_servername`, whose result the `SSL` owns.
    pub(crate) servername: Option<std::ffi::CString>,
    /// `SSL_set_info_callback`: in place of the context's when set.
    pub(crate) info_cb: super::info::InfoCb,
    /// `SSL_set_cert_cb`: `Some` once the connection chose its own.
    pub(crate) cert_cb: Option<Option<super::cert_cb::CertCb>>,
    /// `SSL_use_certificate`, `SSL_use_PrivateKey`, `SSL_set0_chain`.
    pub(crate) own: super::cert_cb::OwnCert,
    /// Taken from the context by `SSL_new`, then the connection's own.
    pub(crate) early_data: super::early_data::Limits,
    pub(crate) early_read: super::early_data::ReadState,
    /// `SSL_set_client_CA_list`: returned in place of the context's.
    pub(crate) client_ca: Option<crate::bridge::names::NameStack>,
    /// `SSL_set0_CA_list`.
    pub(crate) ca_list: Option<crate::bridge::names::NameStack>,
    /// What `SSL_get0_peer_CA_list` handed out, owned here.
    pub(crate) peer_ca: Option<crate::bridge::names::NameStack>,
    /// What `SSL_get_ciphers` and `SSL_get_client_ciphers` handed out.
    pub(crate) ciphers: super::ciphers::CipherStacks,
    /// This handshake resumed with a ticket the application's ticket key
    /// callback opened without asking for a new one (see `ticket_key`).
    pub(crate) ticket_no_renew: std::sync::atomic::AtomicBool,
}

impl SSL {
    pub(crate) fn rbio_ptr(&self) -> *mut BIO {
        self.rbio.as_ref().map_or(std::ptr::null_mut(), Bio::as_ptr)
    }

    pub(crate) fn wbio_ptr(&self) -> *mut BIO {
        self.wbio.as_ref().map_or(std::ptr::null_mut(), Bio::as_ptr)
    }

    fn set0_rbio(&mut self, b: Option<Bio>) {
        self.rbio = b;
    }

    fn set0_wbio(&mut self, b: Option<Bio>) {
        self.wbio = b;
    }

    /// Gives the connection its rustls configuration if it has none yet; a
    /// failure here is a failed handshake, reported on the queue.
    pub(crate) fn start_if_needed(&mut self) -> Result<(), Error> {
        let Some(role) = self.conn.needs_start() else {
            return Ok(());
        };
        self.ticket_no_renew.store(false, Ordering::Relaxed);
        let started = if role == Role::Client && self.conn.start_legacy_client() {
            Ok(())
        } else if role == Role::Client {
            let config = self.ctx.lock().client_config(&self.conn.settings.variant());
            config
                .and_then(|c| super::cert_cb::client_config(self, c))
                .map_err(Error::Ssl)
                .and_then(|c| self.conn.start_client(c))
        } else {
            let accepting = {
                let ctx = self.ctx.lock();
                ctx.hello.any() || super::cert_cb::has_callback(self, &ctx)
            };
            if accepting {
                // The application's callbacks see the ClientHello before
                // the configuration is chosen.
                self.conn.start_accepting();
                Ok(())
            } else {
                super::cert_cb::server_config(self)
                    .map_err(Error::Ssl)
                    .and_then(|c| self.conn.start_server(c))
            }
        };
        if started.is_err() {
            self.conn.fail();
        }
        started
    }

    /// The BIOs as the core's transport for one call.
    pub(crate) fn io(&self) -> BioIo {
        BioIo {
            rbio: self.rbio_ptr(),
            wbio: self.wbio_ptr(),
        }
    }
}

#[export_name = "sslshim_SSL_new"]
pub unsafe extern "C" fn SSL_new(ctx: *mut SSL_CTX) -> *mut SSL {
    guard(c"SSL_new", std::ptr::null_mut(), || {
        if ctx.is_null() {
            err::push(Reason::NULL_SSL_CTX, c"SSL_new");
            return std::ptr::null_mut();
        }
        let ctx = unsafe { SSL_CTX::share(ctx) };
        let Some(verify) = super::verify::VerifyState::new(&ctx) else {
            return std::ptr::null_mut();
        };
        let early_data = ctx.lock().early_data;
        let mut conn = {
            let c = ctx.lock();
            let mut conn = Connection::new(&c.core);
            conn.settings.quiet_shutdown = c.quiet_shutdown;
            conn.settings.read_ahead = c.read_ahead as c_int;
            conn
        };
        let trust = ctx.clone();
        conn.set_trust_refresh(Arc::new(move || trust.lock().sync_roots()));
        let sessions = ctx.clone();
        conn.set_new_session_hook(Arc::new(move |sess| {
            super::session_ctx::new_session(&sessions, sess)
        }));
        conn.set_step_hook(Arc::new(err::clear_with_errno));
        let ssl = Box::into_raw(Box::new(SSL {
            refs: AtomicI32::new(1),
            ctx,
            conn,
            rbio: None,
            wbio: None,
            ex_data: CryptoExData {
                ctx: std::ptr::null_mut(),
                sk: std::ptr::null_mut(),
            },
            peer_chain: None,
            verify,
            servername: None,
            info_cb: None,
            cert_cb: None,
            own: Default::default(),
            early_data,
            early_read: Default::default(),
            client_ca: None,
            ca_list: None,
            peer_ca: None,
            ciphers: Default::default(),
            ticket_no_renew: Default::default(),
        }));
        unsafe { super::verify::attach(ssl) };
        unsafe {
            ffi::CRYPTO_new_ex_data(
                ffi::CRYPTO_EX_INDEX_SSL,
                ssl as *mut c_void,
                &mut (*ssl).ex_data,
            )
        };
        ssl
    })
}

#[export_name = "sslshim_SSL_clear"]
pub unsafe extern "C" fn SSL_clear(s: *mut SSL) -> c_int {
    guard(c"SSL_clear", 0, || {
        let ssl = deref!(c"SSL_clear", s, 0);
        ssl.conn.clear();
        ssl.peer_chain = None;
        ssl.early_read = Default::default();
        ssl.peer_ca = None;
        ssl.verify.verified_chain = None;
        1
    })
}

#[export_name = "sslshim_SSL_free"]
pub unsafe extern "C" fn SSL_free(s: *mut SSL) {
    guard(c"SSL_free", (), || {
        let Some(ssl) = (unsafe { s.as_mut() }) else {
            return;
        };
        if ssl.refs.fetch_sub(1, Ordering::AcqRel) != 1 {
            return;
        }
        unsafe {
            ffi::CRYPTO_free_ex_data(ffi::CRYPTO_EX_INDEX_SSL, s as *mut c_void, &mut ssl.ex_data);
            drop(Box::from_raw(s));
        }
    })
}

#[export_name = "sslshim_SSL_up_ref"]
pub unsafe extern "C" fn SSL_up_ref(s: *mut SSL) -> c_int {
    guard(c"SSL_up_ref", 0, || {
        let ssl = deref!(c"SSL_up_ref", s, 0);
        ssl.refs.fetch_add(1, Ordering::AcqRel);
        1
    })
}

#[export_name = "sslshim_SSL_get_SSL_CTX"]
pub unsafe extern "C" fn SSL_get_SSL_CTX(s: *const SSL) -> *mut SSL_CTX {
    guard(c"SSL_get_SSL_CTX", std::ptr::null_mut(), || {
        let ssl = deref!(c"SSL_get_SSL_CTX", s as *mut SSL, std::ptr::null_mut());
        Arc::as_ptr(&ssl.ctx) as *mut SSL_CTX
    })
}

#[export_name = "sslshim_SSL_set_connect_state"]
pub unsafe extern "C" fn SSL_set_connect_state(s: *mut SSL) {
    guard(c"SSL_set_connect_state", (), || {
        let ssl = deref!(c"SSL_set_connect_state", s);
        ssl.conn.set_role(Role::Client);
    })
}

#[export_name = "sslshim_SSL_set_accept_state"]
pub unsafe extern "C" fn SSL_set_accept_state(s: *mut SSL) {
    guard(c"SSL_set_accept_state", (), || {
        let ssl = deref!(c"SSL_set_accept_state", s);
        ssl.conn.set_role(Role::Server);
    })
}

#[export_name = "sslshim_SSL_is_server"]
pub unsafe extern "C" fn SSL_is_server(s: *const SSL) -> c_int {
    guard(c"SSL_is_server", 0, || {
        let ssl = deref!(c"SSL_is_server", s as *mut SSL, 0);
        c_int::from(ssl.conn.is_server())
    })
}

#[export_name = "sslshim_SSL_set0_rbio"]
pub unsafe extern "C" fn SSL_set0_rbio(s: *mut SSL, rbio: *mut BIO) {
    guard(c"SSL_set0_rbio", (), || {
        let ssl = deref!(c"SSL_set0_rbio", s);
        ssl.set0_rbio(unsafe { Bio::adopt(rbio) });
    })
}

#[export_name = "sslshim_SSL_set0_wbio"]
pub unsafe extern "C" fn SSL_set0_wbio(s: *mut SSL, wbio: *mut BIO) {
    guard(c"SSL_set0_wbio", (), || {
        let ssl = deref!(c"SSL_set0_wbio", s);
        ssl.set0_wbio(unsafe { Bio::adopt(wbio) });
    })
}

#[export_name = "sslshim_SSL_set_bio"]
pub unsafe extern "C" fn SSL_set_bio(s: *mut SSL, rbio: *mut BIO, wbio: *mut BIO) {
    guard(c"SSL_set_bio", (), || {
        let ssl = deref!(c"SSL_set_bio", s);
        set_bio(ssl, rbio, wbio);
    })
}

/// `SSL_set_bio`'s documented ownership rules: one reference given per
/// argument, one BIO passed twice counting as one; an argument equal to what is
/// already set replaces itself, so only the changed side consumes a reference.
fn set_bio(ssl: &mut SSL, rbio: *mut BIO, wbio: *mut BIO) {
    let adopt = |p| unsafe { Bio::adopt(p) };
    if !rbio.is_null() && rbio == wbio {
        unsafe { ffi::BIO_up_ref(rbio) };
    }
    if rbio == ssl.rbio_ptr() {
        ssl.set0_wbio(adopt(wbio));
        return;
    }
    if wbio == ssl.wbio_ptr() && ssl.rbio_ptr() != ssl.wbio_ptr() {
        ssl.set0_rbio(adopt(rbio));
        return;
    }
    ssl.set0_rbio(adopt(rbio));
    ssl.set0_wbio(adopt(wbio));
}

#[export_name = "sslshim_SSL_get_rbio"]
pub unsafe extern "C" fn SSL_get_rbio(s: *const SSL) -> *mut BIO {
    guard(c"SSL_get_rbio", std::ptr::null_mut(), || {
        deref!(c"SSL_get_rbio", s as *mut SSL, std::ptr::null_mut()).rbio_ptr()
    })
}

#[export_name = "sslshim_SSL_get_wbio"]
pub unsafe extern "C" fn SSL_get_wbio(s: *const SSL) -> *mut BIO {
    guard(c"SSL_get_wbio", std::ptr::null_mut(), || {
        deref!(c"SSL_get_wbio", s as *mut SSL, std::ptr::null_mut()).wbio_ptr()
    })
}

#[export_name = "sslshim_SSL_set_fd"]
pub unsafe extern "C" fn SSL_set_fd(s: *mut SSL, fd: c_int) -> c_int {
    guard(c"SSL_set_fd", 0, || {
        let ssl = deref!(c"SSL_set_fd", s, 0);
        let Some(b) = Bio::socket(fd) else {
            err::push(Reason(0x2_0000 | 32), c"SSL_set_fd"); // ERR_R_BUF_LIB-style: BIO failed
            return 0;
        };
        let p = b.as_ptr();
        std::mem::forget(b);
        set_bio(ssl, p, p);
        1
    })
}

#[export_name = "sslshim_SSL_set_rfd"]
pub unsafe extern "C" fn SSL_set_rfd(s: *mut SSL, fd: c_int) -> c_int {
    guard(c"SSL_set_rfd", 0, || {
        let ssl = deref!(c"SSL_set_rfd", s, 0);
        // Reuse the write side's socket BIO when it is on the same descriptor.
        let b = match &ssl.wbio {
            Some(w) if Bio::is_socket_with_fd(w.as_ptr(), fd) => Some(w.another_ref()),
            _ => Bio::socket(fd),
        };
        let Some(b) = b else { return 0 };
        ssl.set0_rbio(Some(b));
        1
    })
}

#[export_name = "sslshim_SSL_set_wfd"]
pub unsafe extern "C" fn SSL_set_wfd(s: *mut SSL, fd: c_int) -> c_int {
    guard(c"SSL_set_wfd", 0, || {
        let ssl = deref!(c"SSL_set_wfd", s, 0);
        let b = match &ssl.rbio {
            Some(r) if Bio::is_socket_with_fd(r.as_ptr(), fd) => Some(r.another_ref()),
            _ => Bio::socket(fd),
        };
        let Some(b) = b else { return 0 };
        ssl.set0_wbio(Some(b));
        1
    })
}

#[export_name = "sslshim_SSL_get_fd"]
pub unsafe extern "C" fn SSL_get_fd(s: *const SSL) -> c_int {
    unsafe { SSL_get_rfd(s) }
}

#[export_name = "sslshim_SSL_get_rfd"]
pub unsafe extern "C" fn SSL_get_rfd(s: *const SSL) -> c_int {
    guard(c"SSL_get_rfd", -1, || {
        Bio::fd(deref!(c"SSL_get_rfd", s as *mut SSL, -1).rbio_ptr())
    })
}

#[export_name = "sslshim_SSL_get_wfd"]
pub unsafe extern "C" fn SSL_get_wfd(s: *const SSL) -> c_int {
    guard(c"SSL_get_wfd", -1, || {
        Bio::fd(deref!(c"SSL_get_wfd", s as *mut SSL, -1).wbio_ptr())
    })
}

#[export_name = "sslshim_SSL_set_ex_data"]
pub unsafe extern "C" fn SSL_set_ex_data(s: *mut SSL, idx: c_int, data: *mut c_void) -> c_int {
    guard(c"SSL_set_ex_data", 0, || {
        let ssl = deref!(c"SSL_set_ex_data", s, 0);
        unsafe { ex_data::set(&mut ssl.ex_data, idx, data, c"SSL_set_ex_data") }
    })
}

#[export_name = "sslshim_SSL_get_ex_data"]
pub unsafe extern "C" fn SSL_get_ex_data(s: *const SSL, idx: c_int) -> *mut c_void {
    guard(c"SSL_get_ex_data", std::ptr::null_mut(), || {
        let ssl = deref!(c"SSL_get_ex_data", s as *mut SSL, std::ptr::null_mut());
        unsafe { ffi::CRYPTO_get_ex_data(&ssl.ex_data, idx) }
    })
}
