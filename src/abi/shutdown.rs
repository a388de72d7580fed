//! `SSL_set_shutdown(3)`, `SSL_set_quiet_shutdown(3)`: the shutdown flags and
//! the quiet setting (`SSL_shutdown` itself is with the other I/O calls).

use libc::c_int;

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};
use crate::core::connection::ShutdownFlags;

#[export_name = "sslshim_SSL_get_shutdown"]
pub unsafe extern "C" fn SSL_get_shutdown(s: *const SSL) -> c_int {
    guard(c"SSL_get_shutdown", 0, || {
        deref!(c"SSL_get_shutdown", s as *mut SSL, 0)
            .conn
            .shutdown_flags()
            .bits()
    })
}

#[export_name = "sslshim_SSL_set_shutdown"]
pub unsafe extern "C" fn SSL_set_shutdown(s: *mut SSL, mode: c_int) {
    guard(c"SSL_set_shutdown", (), || {
        let ssl = deref!(c"SSL_set_shutdown", s);
        ssl.conn.set_shutdown_flags(ShutdownFlags::from_bits(mode));
    })
}

#[export_name = "sslshim_SSL_set_quiet_shutdown"]
pub unsafe extern "C" fn SSL_set_quiet_shutdown(s: *mut SSL, mode: c_int) {
    guard(c"SSL_set_quiet_shutdown", (), || {
        deref!(c"SSL_set_quiet_shutdown", s)
            .conn
            .settings
            .quiet_shutdown = mode;
    })
}

#[export_name = "sslshim_SSL_CTX_set_quiet_shutdown"]
pub unsafe extern "C" fn SSL_CTX_set_quiet_shutdown(ctx: *mut SSL_CTX, mode: c_int) {
    guard(c"SSL_CTX_set_quiet_shutdown", (), || {
        deref!(c"SSL_CTX_set_quiet_shutdown", ctx)
            .lock()
            .quiet_shutdown = mode;
    })
}

#[export_name = "sslshim_SSL_get_quiet_shutdown"]
pub unsafe extern "C" fn SSL_get_quiet_shutdown(s: *const SSL) -> c_int {
    guard(c"SSL_get_quiet_shutdown", 0, || {
        deref!(c"SSL_get_quiet_shutdown", s as *mut SSL, 0)
            .conn
            .settings
            .quiet_shutdown
    })
}

#[export_name = "sslshim_SSL_CTX_get_quiet_shutdown"]
pub unsafe extern "C" fn SSL_CTX_get_quiet_shutdown(ctx: *const SSL_CTX) -> c_int {
    guard(c"SSL_CTX_get_quiet_shutdown", 0, || {
        deref!(c"SSL_CTX_get_quiet_shutdown", ctx as *mut SSL_CTX, 0)
            .lock()
            .quiet_shutdown
    })
}
