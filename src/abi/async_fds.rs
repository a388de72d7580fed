//! `SSL_get_all_async_fds(3)`: the file descriptors of an async job's wait
//! context. OpenSSL has a wait context only once a job ran under
//! `SSL_MODE_ASYNC`, which sslshim refuses, so there is never one: the calls
//! answer as OpenSSL's do for a connection without it, returning 0 and
//! leaving the caller's counts untouched.

use libc::{c_int, size_t};

use super::connection::SSL;
use super::{deref, guard};

#[export_name = "sslshim_SSL_waiting_for_async"]
pub unsafe extern "C" fn SSL_waiting_for_async(s: *mut SSL) -> c_int {
    guard(c"SSL_waiting_for_async", 0, || {
        deref!(c"SSL_waiting_for_async", s, 0);
        0
    })
}

#[export_name = "sslshim_SSL_get_all_async_fds"]
pub unsafe extern "C" fn SSL_get_all_async_fds(
    s: *mut SSL,
    _fds: *mut c_int,
    _numfds: *mut size_t,
) -> c_int {
    guard(c"SSL_get_all_async_fds", 0, || {
        deref!(c"SSL_get_all_async_fds", s, 0);
        0
    })
}

#[export_name = "sslshim_SSL_get_changed_async_fds"]
pub unsafe extern "C" fn SSL_get_changed_async_fds(
    s: *mut SSL,
    _addfd: *mut c_int,
    _numaddfds: *mut size_t,
    _delfd: *mut c_int,
    _numdelfds: *mut size_t,
) -> c_int {
    guard(c"SSL_get_changed_async_fds", 0, || {
        deref!(c"SSL_get_changed_async_fds", s, 0);
        0
    })
}
