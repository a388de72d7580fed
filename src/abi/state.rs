//! `SSL_in_init(3)`: where the handshake stands.

use libc::c_int;

use super::connection::SSL;
use super::{deref, guard};

#[export_name = "sslshim_SSL_in_init"]
pub unsafe extern "C" fn SSL_in_init(s: *const SSL) -> c_int {
    guard(c"SSL_in_init", 0, || {
        c_int::from(deref!(c"SSL_in_init", s as *mut SSL, 0).conn.in_init())
    })
}

#[export_name = "sslshim_SSL_is_init_finished"]
pub unsafe extern "C" fn SSL_is_init_finished(s: *const SSL) -> c_int {
    guard(c"SSL_is_init_finished", 0, || {
        c_int::from(
            !deref!(c"SSL_is_init_finished", s as *mut SSL, 0)
                .conn
                .in_init(),
        )
    })
}

#[export_name = "sslshim_SSL_in_before"]
pub unsafe extern "C" fn SSL_in_before(s: *const SSL) -> c_int {
    guard(c"SSL_in_before", 0, || {
        c_int::from(deref!(c"SSL_in_before", s as *mut SSL, 0).conn.in_before())
    })
}
