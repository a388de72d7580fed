//! `SSL_set_options(3)` on one connection (the `SSL_CTX_` forms are with the
//! context). An `SSL` takes its context's options at `SSL_new`; afterwards
//! each has its own.

use super::connection::SSL;
use super::{deref, guard};

#[export_name = "sslshim_SSL_set_options"]
pub unsafe extern "C" fn SSL_set_options(s: *mut SSL, op: u64) -> u64 {
    guard(c"SSL_set_options", 0, || {
        let ssl = deref!(c"SSL_set_options", s, 0);
        ssl.conn.settings.options |= op;
        ssl.conn.settings.options
    })
}

#[export_name = "sslshim_SSL_clear_options"]
pub unsafe extern "C" fn SSL_clear_options(s: *mut SSL, op: u64) -> u64 {
    guard(c"SSL_clear_options", 0, || {
        let ssl = deref!(c"SSL_clear_options", s, 0);
        ssl.conn.settings.options &= !op;
        ssl.conn.settings.options
    })
}

#[export_name = "sslshim_SSL_get_options"]
pub unsafe extern "C" fn SSL_get_options(s: *const SSL) -> u64 {
    guard(c"SSL_get_options", 0, || {
        deref!(c"SSL_get_options", s as *mut SSL, 0)
            .conn
            .settings
            .options
    })
}
