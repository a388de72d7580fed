//! `SSL_SESSION_free(3)`, `SSL_set_session(3)`. Sessions resume inside rustls's
//! per-context cache; no `SSL_SESSION` object is ever handed out yet.

use libc::c_int;

use super::connection::SSL;
use super::{deref, guard};

pub struct SSL_SESSION {
    _private: (),
}

#[export_name = "sslshim_SSL_SESSION_free"]
pub unsafe extern "C" fn SSL_SESSION_free(sess: *mut SSL_SESSION) {
    guard(c"SSL_SESSION_free", (), || {
        if !sess.is_null() {
            drop(unsafe { Box::from_raw(sess) });
        }
    })
}

#[export_name = "sslshim_SSL_set_session"]
pub unsafe extern "C" fn SSL_set_session(s: *mut SSL, sess: *mut SSL_SESSION) -> c_int {
    guard(c"SSL_set_session", 0, || {
        deref!(c"SSL_set_session", s, 0);
        if sess.is_null() {
            return 1;
        }
        super::unimplemented(c"SSL_set_session", "SSL_set_session with a session");
        0
    })
}
