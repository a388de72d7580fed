//! `SSL_CTX_set_max_early_data(3)`, `SSL_read_early_data(3)`,
//! `SSL_write_early_data(3)`, `SSL_get_early_data_status(3)`: TLS 1.3
//! 0-RTT data. The limits are kept and reported as OpenSSL keeps them; no
//! early data is ever sent or accepted, which OpenSSL's callers handle as a
//! peer that sent none.

use std::ffi::c_void;

use libc::c_int;

use super::connection::SSL;
use super::context::SSL_CTX;
use super::session::SSL_SESSION;
use super::{deref, guard};
use crate::bridge::err;
use crate::core::error::Reason;

/// `SSL3_RT_MAX_PLAIN_LENGTH`: OpenSSL's default for what a server accepts.
pub const DEFAULT_RECV_MAX: u32 = 16384;

/// The limits of one context or connection.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// `SSL_set_max_early_data`: what a server advertises in its tickets.
    pub max: u32,
    /// `SSL_set_recv_max_early_data`: what a server reads before refusing.
    pub recv_max: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max: 0,
            recv_max: DEFAULT_RECV_MAX,
        }
    }
}

#[export_name = "sslshim_SSL_CTX_set_max_early_data"]
pub unsafe extern "C" fn SSL_CTX_set_max_early_data(
    ctx: *mut SSL_CTX,
    max_early_data: u32,
) -> c_int {
    guard(c"SSL_CTX_set_max_early_data", 0, || {
        let ctx = deref!(c"SSL_CTX_set_max_early_data", ctx, 0);
        ctx.lock().early_data.max = max_early_data;
        1
    })
}

#[export_name = "sslshim_SSL_CTX_get_max_early_data"]
pub unsafe extern "C" fn SSL_CTX_get_max_early_data(ctx: *const SSL_CTX) -> u32 {
    guard(c"SSL_CTX_get_max_early_data", 0, || {
        deref!(c"SSL_CTX_get_max_early_data", ctx as *mut SSL_CTX, 0)
            .lock()
            .early_data
            .max
    })
}

#[export_name = "sslshim_SSL_CTX_set_recv_max_early_data"]
pub unsafe extern "C" fn SSL_CTX_set_recv_max_early_data(
    ctx: *mut SSL_CTX,
    recv_max_early_data: u32,
) -> c_int {
    guard(c"SSL_CTX_set_recv_max_early_data", 0, || {
        let ctx = deref!(c"SSL_CTX_set_recv_max_early_data", ctx, 0);
        ctx.lock().early_data.recv_max = recv_max_early_data;
        1
    })
}

#[export_name = "sslshim_SSL_CTX_get_recv_max_early_data"]
pub unsafe extern "C" fn SSL_CTX_get_recv_max_early_data(ctx: *const SSL_CTX) -> u32 {
    guard(c"SSL_CTX_get_recv_max_early_data", 0, || {
        deref!(c"SSL_CTX_get_recv_max_early_data", ctx as *mut SSL_CTX, 0)
            .lock()
            .early_data
            .recv_max
    })
}

#[export_name = "sslshim_SSL_set_max_early_data"]
pub unsafe extern "C" fn SSL_set_max_early_data(s: *mut SSL, max_early_data: u32) -> c_int {
    guard(c"SSL_set_max_early_data", 0, || {
        deref!(c"SSL_set_max_early_data", s, 0).early_data.max = max_early_data;
        1
    })
}

#[export_name = "sslshim_SSL_get_max_early_data"]
pub unsafe extern "C" fn SSL_get_max_early_data(s: *const SSL) -> u32 {
    guard(c"SSL_get_max_early_data", 0, || {
        deref!(c"SSL_get_max_early_data", s as *mut SSL, 0)
            .early_data
            .max
    })
}

#[export_name = "sslshim_SSL_set_recv_max_early_data"]
pub unsafe extern "C" fn SSL_set_recv_max_early_data(
    s: *mut SSL,
    recv_max_early_data: u32,
) -> c_int {
    guard(c"SSL_set_recv_max_early_data", 0, || {
        deref!(c"SSL_set_recv_max_early_data", s, 0)
            .early_data
            .recv_max = recv_max_early_data;
        1
    })
}

#[export_name = "sslshim_SSL_get_recv_max_early_data"]
pub unsafe extern "C" fn SSL_get_recv_max_early_data(s: *const SSL) -> u32 {
    guard(c"SSL_get_recv_max_early_data", 0, || {
        deref!(c"SSL_get_recv_max_early_data", s as *mut SSL, 0)
            .early_data
            .recv_max
    })
}

/// `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED`, flagged fatal and common.
const SHOULD_NOT_HAVE_BEEN_CALLED: Reason = Reason(257 | (0x3 << 18));

/// `SSL_READ_EARLY_DATA_*`.
const READ_EARLY_DATA_ERROR: c_int = 0;
const READ_EARLY_DATA_FINISH: c_int = 2;
/// `SSL_EARLY_DATA_NOT_SENT`.
const EARLY_DATA_NOT_SENT: c_int = 0;

/// Where a server's `SSL_read_early_data` calls stand (OpenSSL's
/// `early_data_state` as far as a server that accepts none needs it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReadState {
    #[default]
    None,
    /// The ClientHello is awaited; call again.
    AcceptRetry,
    Finished,
}

/// A server never accepts 0-RTT data (rustls is not given a limit), so
/// once the ClientHello is processed and the server's flight is out, this
/// reports the end of early data with nothing read, as OpenSSL does when it
/// rejects or gets none; the handshake then completes as usual.
#[export_name = "sslshim_SSL_read_early_data"]
pub unsafe extern "C" fn SSL_read_early_data(
    s: *mut SSL,
    _buf: *mut c_void,
    _num: usize,
    readbytes: *mut usize,
) -> c_int {
    const FUNC: &std::ffi::CStr = c"SSL_read_early_data";
    guard(FUNC, READ_EARLY_DATA_ERROR, || {
        let ssl = deref!(c"SSL_read_early_data", s, READ_EARLY_DATA_ERROR);
        let refuse = || {
            err::push(SHOULD_NOT_HAVE_BEEN_CALLED, FUNC);
            READ_EARLY_DATA_ERROR
        };
        if !ssl.conn.is_server() {
            return refuse();
        }
        match ssl.early_read {
            ReadState::None if !ssl.conn.in_before() => return refuse(),
            ReadState::Finished => return refuse(),
            _ => {}
        }
        let r = unsafe { super::io::SSL_accept(s) };
        let ssl = unsafe { &mut *s };
        // Waiting for the client's Finished: OpenSSL's server stops there
        // to read early data.
        let past_hello = r <= 0
            && ssl.conn.version().is_some()
            && ssl.conn.rwstate() == crate::core::connection::RwState::Reading;
        if r <= 0 && !past_hello {
            ssl.early_read = ReadState::AcceptRetry;
            return READ_EARLY_DATA_ERROR;
        }
        ssl.early_read = ReadState::Finished;
        if let Some(n) = unsafe { readbytes.as_mut() } {
            *n = 0;
        }
        READ_EARLY_DATA_FINISH
    })
}

/// A client sends 0-RTT data only on a session that allows it; sessions here
/// never carry an allowance, so this fails as OpenSSL fails without one.
#[export_name = "sslshim_SSL_write_early_data"]
pub unsafe extern "C" fn SSL_write_early_data(
    s: *mut SSL,
    _buf: *const c_void,
    _num: usize,
    _written: *mut usize,
) -> c_int {
    const FUNC: &std::ffi::CStr = c"SSL_write_early_data";
    guard(FUNC, 0, || {
        deref!(c"SSL_write_early_data", s, 0);
        super::log_once("SSL_write_early_data: 0-RTT data is never sent");
        err::push(SHOULD_NOT_HAVE_BEEN_CALLED, FUNC);
        0
    })
}

/// No early data is ever sent or accepted.
#[export_name = "sslshim_SSL_get_early_data_status"]
pub unsafe extern "C" fn SSL_get_early_data_status(s: *const SSL) -> c_int {
    guard(c"SSL_get_early_data_status", EARLY_DATA_NOT_SENT, || {
        deref!(
            c"SSL_get_early_data_status",
            s as *mut SSL,
            EARLY_DATA_NOT_SENT
        );
        EARLY_DATA_NOT_SENT
    })
}

/// What the server's ticket allowed: rustls keeps the allowance with each
/// TLS 1.3 ticket; a session without one (TLS 1.2, or a server's) has 0.
#[export_name = "sslshim_SSL_SESSION_get_max_early_data"]
pub unsafe extern "C" fn SSL_SESSION_get_max_early_data(s: *const SSL_SESSION) -> u32 {
    guard(c"SSL_SESSION_get_max_early_data", 0, || {
        let sess = deref!(c"SSL_SESSION_get_max_early_data", s as *mut SSL_SESSION, 0);
        sess.lock()
            .tls13
            .front()
            .map_or(0, |t| t.max_early_data_size())
    })
}
