//! `SSL_key_update(3)`.

use libc::c_int;

use super::connection::SSL;
use super::{deref, guard};
use crate::bridge::err;
use crate::core::connection::KeyUpdate;
use crate::core::error::Error;

/// `SSL_KEY_UPDATE_NONE`.
const NONE: c_int = -1;

#[export_name = "sslshim_SSL_key_update"]
pub unsafe extern "C" fn SSL_key_update(s: *mut SSL, updatetype: c_int) -> c_int {
    guard(c"SSL_key_update", 0, || {
        let ssl = deref!(c"SSL_key_update", s, 0);
        match ssl.conn.request_key_update(updatetype) {
            Ok(()) => 1,
            Err(Error::Ssl(reason)) => {
                err::push(reason, c"SSL_key_update");
                0
            }
            Err(_) => 0,
        }
    })
}

#[export_name = "sslshim_SSL_get_key_update_type"]
pub unsafe extern "C" fn SSL_get_key_update_type(s: *const SSL) -> c_int {
    guard(c"SSL_get_key_update_type", NONE, || {
        match deref!(c"SSL_get_key_update_type", s as *mut SSL, NONE)
            .conn
            .pending_key_update()
        {
            None => NONE,
            Some(KeyUpdate::NotRequested) => 0,
            Some(KeyUpdate::Requested) => 1,
        }
    })
}

/// rustls never renegotiates and `SSL_renegotiate` fails, so no
/// renegotiation is ever pending; a TLS 1.3 key update is not one either,
/// as in OpenSSL.
#[export_name = "sslshim_SSL_renegotiate_pending"]
pub unsafe extern "C" fn SSL_renegotiate_pending(s: *const SSL) -> c_int {
    guard(c"SSL_renegotiate_pending", 0, || {
        deref!(c"SSL_renegotiate_pending", s as *mut SSL, 0);
        0
    })
}
