//! `SSL_get1_session(3)`, `SSL_set_session(3)`, `SSL_session_reused(3)`,
//! `SSL_SESSION_free(3)`: sessions as reference-counted objects the
//! application moves from one connection to the next.

use std::sync::Arc;

use libc::c_int;

use super::connection::SSL;
use super::{deref, guard};
use crate::core::session::Session;

pub type SSL_SESSION = Session;

/// Shares a session behind a C pointer without consuming its reference.
///
/// # Safety
/// `p` came from `SSL_get1_session` and is still referenced.
pub(crate) unsafe fn share(p: *const SSL_SESSION) -> Arc<Session> {
    unsafe {
        Arc::increment_strong_count(p);
        Arc::from_raw(p)
    }
}

#[export_name = "sslshim_SSL_SESSION_free"]
pub unsafe extern "C" fn SSL_SESSION_free(sess: *mut SSL_SESSION) {
    guard(c"SSL_SESSION_free", (), || {
        if !sess.is_null() {
            drop(unsafe { Arc::from_raw(sess as *const Session) });
        }
    })
}

#[export_name = "sslshim_SSL_SESSION_up_ref"]
pub unsafe extern "C" fn SSL_SESSION_up_ref(sess: *mut SSL_SESSION) -> c_int {
    guard(c"SSL_SESSION_up_ref", 0, || {
        deref!(c"SSL_SESSION_up_ref", sess, 0);
        unsafe { Arc::increment_strong_count(sess as *const Session) };
        1
    })
}

#[export_name = "sslshim_SSL_SESSION_is_resumable"]
pub unsafe extern "C" fn SSL_SESSION_is_resumable(sess: *const SSL_SESSION) -> c_int {
    guard(c"SSL_SESSION_is_resumable", 0, || {
        let s = deref!(c"SSL_SESSION_is_resumable", sess as *mut SSL_SESSION, 0);
        c_int::from(s.resumable())
    })
}

#[export_name = "sslshim_SSL_get1_session"]
pub unsafe extern "C" fn SSL_get1_session(s: *mut SSL) -> *mut SSL_SESSION {
    guard(c"SSL_get1_session", std::ptr::null_mut(), || {
        let ssl = deref!(c"SSL_get1_session", s, std::ptr::null_mut());
        ssl.conn.session().map_or(std::ptr::null_mut(), |a| {
            Arc::into_raw(a) as *mut SSL_SESSION
        })
    })
}

/// The session without a new reference; the `SSL` keeps it alive.
#[export_name = "sslshim_SSL_get_session"]
pub unsafe extern "C" fn SSL_get_session(s: *const SSL) -> *mut SSL_SESSION {
    guard(c"SSL_get_session", std::ptr::null_mut(), || {
        let ssl = deref!(c"SSL_get_session", s as *mut SSL, std::ptr::null_mut());
        ssl.conn.session().map_or(std::ptr::null_mut(), |a| {
            Arc::as_ptr(&a) as *mut SSL_SESSION
        })
    })
}

#[export_name = "sslshim_SSL_set_session"]
pub unsafe extern "C" fn SSL_set_session(s: *mut SSL, sess: *mut SSL_SESSION) -> c_int {
    guard(c"SSL_set_session", 0, || {
        let ssl = deref!(c"SSL_set_session", s, 0);
        let offered = (!sess.is_null()).then(|| unsafe { share(sess) });
        ssl.conn.set_session(offered);
        1
    })
}

#[export_name = "sslshim_SSL_session_reused"]
pub unsafe extern "C" fn SSL_session_reused(s: *const SSL) -> c_int {
    guard(c"SSL_session_reused", 0, || {
        let ssl = deref!(c"SSL_session_reused", s as *mut SSL, 0);
        c_int::from(ssl.conn.session_reused())
    })
}

/// The session and the session ID context; the certificate stays the
/// destination's own (OpenSSL shares the source's).
#[export_name = "sslshim_SSL_copy_session_id"]
pub unsafe extern "C" fn SSL_copy_session_id(to: *mut SSL, from: *const SSL) -> c_int {
    guard(c"SSL_copy_session_id", 0, || {
        let (sess, sid_ctx) = {
            let from = deref!(c"SSL_copy_session_id", from as *mut SSL, 0);
            (from.conn.session(), from.conn.settings.sid_ctx.clone())
        };
        let to = deref!(c"SSL_copy_session_id", to, 0);
        to.conn.set_session(sess);
        to.conn.settings.sid_ctx = sid_ctx;
        1
    })
}
