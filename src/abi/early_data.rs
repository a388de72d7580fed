//! `SSL_CTX_set_max_early_data(3)`, `SSL_read_early_data(3)`,
//! `SSL_write_early_data(3)`, `SSL_get_early_data_status(3)`: TLS 1.3
//! 0-RTT data. The limits are kept and reported as OpenSSL keeps them.

use libc::c_int;

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};

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
