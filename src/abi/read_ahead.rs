//! `SSL_CTX_set_read_ahead(3)` on one connection: the value is kept as
//! given, and a nonzero one lets the connection take everything its BIO
//! holds instead of one record at a time.

use libc::c_int;

use super::connection::SSL;
use super::{deref, guard};

#[export_name = "sslshim_SSL_set_read_ahead"]
pub unsafe extern "C" fn SSL_set_read_ahead(s: *mut SSL, yes: c_int) {
    guard(c"SSL_set_read_ahead", (), || {
        deref!(c"SSL_set_read_ahead", s).conn.settings.read_ahead = yes;
    })
}

#[export_name = "sslshim_SSL_get_read_ahead"]
pub unsafe extern "C" fn SSL_get_read_ahead(s: *const SSL) -> c_int {
    guard(c"SSL_get_read_ahead", 0, || {
        deref!(c"SSL_get_read_ahead", s as *mut SSL, 0)
            .conn
            .settings
            .read_ahead
    })
}
