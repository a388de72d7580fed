//! Context-wide session settings: `SSL_CTX_sess_set_new_cb(3)`,
//! `SSL_CTX_set_session_id_context(3)`,
//! `SSL_CTX_set_timeout(3)`, `SSL_CTX_set_num_tickets(3)`; and NPN, which
//! rustls does not speak (`SSL_CTX_set_next_proto_select_cb(3)`).

use std::ffi::c_void;
use std::sync::Arc;

use libc::{c_int, c_long, c_uint};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::session::SSL_SESSION;
use super::{deref, guard};
use crate::bridge::err;
use crate::core::context::TLS1_3_VERSION;
use crate::core::error::Reason;
use crate::core::options;
use crate::core::session::Session;

pub type NewSessionCb = Option<unsafe extern "C" fn(*mut SSL, *mut SSL_SESSION) -> c_int>;

/// `SSL_SESS_CACHE_CLIENT`.
const SESS_CACHE_CLIENT: c_long = 1;

/// Offers a client's new session to the application's callback, as OpenSSL
/// does when the cache mode includes clients. A callback returning 1 keeps
/// the reference it was given.
pub(crate) fn new_session(ctx: &SSL_CTX, sess: Arc<Session>) {
    let (cb, mode) = {
        let c = ctx.lock();
        (c.new_session_cb, c.session_cache_mode)
    };
    let ssl = super::keylog::current();
    let Some(cb) = cb else { return };
    if mode & SESS_CACHE_CLIENT == 0 || ssl.is_null() {
        return;
    }
    let p = Arc::into_raw(sess) as *mut SSL_SESSION;
    if unsafe { cb(ssl as *mut SSL, p) } == 0 {
        drop(unsafe { Arc::from_raw(p as *const Session) });
    }
}

/// `SSL_SESS_CACHE_SERVER`.
const SESS_CACHE_SERVER: c_long = 2;

/// A server's handshake just finished. OpenSSL makes a session for each
/// TLS 1.3 ticket it sends, and one for a TLS 1.2 session kept by ID
/// (`SSL_OP_NO_TICKET`); a TLS 1.2 session that lives in a ticket has no ID.
/// Each new ID comes from the application's generator when it set one, and
/// each session goes to the new-session callback in `SSL_SESS_CACHE_SERVER`
/// mode. The connection's own session ends with the last one's ID.
pub(crate) fn server_handshake_done(ssl: &mut SSL) {
    let (cb, mode, tickets, gen) = {
        let c = ssl.ctx.lock();
        (
            c.new_session_cb,
            c.session_cache_mode,
            c.core.num_tickets(),
            c.sessions.gen_id,
        )
    };
    let Some(sess) = ssl.conn.session() else {
        return;
    };
    let tls13 = ssl.conn.version() == Some(TLS1_3_VERSION);
    let count = match (tls13, ssl.conn.settings.options & options::NO_TICKET != 0) {
        (true, _) => tickets,
        (false, true) => 1,
        (false, false) => 0,
    };
    let p: *mut SSL = ssl;
    for _ in 0..count {
        let s = if tls13 {
            Arc::new(sess.dup_with_new_id())
        } else {
            sess.clone()
        };
        if let Some(id) = gen.and_then(|g| super::session_cache::generated_id(g, p)) {
            s.meta().id = id;
        }
        if tls13 {
            sess.meta().id = s.meta().id.clone();
        }
        let Some(cb) = cb.filter(|_| mode & SESS_CACHE_SERVER != 0) else {
            continue;
        };
        let raw = Arc::into_raw(s) as *mut SSL_SESSION;
        if unsafe { cb(p, raw) } == 0 {
            drop(unsafe { Arc::from_raw(raw as *const Session) });
        }
    }
}

#[export_name = "sslshim_SSL_CTX_sess_set_new_cb"]
pub unsafe extern "C" fn SSL_CTX_sess_set_new_cb(
    ctx: *mut SSL_CTX,
    cb: Option<unsafe extern "C" fn(*mut SSL, *mut SSL_SESSION) -> c_int>,
) {
    guard(c"SSL_CTX_sess_set_new_cb", (), || {
        let ctx = deref!(c"SSL_CTX_sess_set_new_cb", ctx);
        ctx.lock().new_session_cb = cb;
    })
}

/// `SSL_MAX_SID_CTX_LENGTH`.
const MAX_SID_CTX_LENGTH: c_uint = 32;
/// `SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG`.
const SESSION_ID_CONTEXT_TOO_LONG: Reason = Reason(273);

/// Tickets are bound to the context that issued them, so the session ID
/// context separates nothing more in resumption; it is kept and given to
/// the sessions the context's connections make.
#[export_name = "sslshim_SSL_CTX_set_session_id_context"]
pub unsafe extern "C" fn SSL_CTX_set_session_id_context(
    ctx: *mut SSL_CTX,
    sid_ctx: *const u8,
    len: c_uint,
) -> c_int {
    guard(c"SSL_CTX_set_session_id_context", 0, || {
        let ctx = deref!(c"SSL_CTX_set_session_id_context", ctx, 0);
        let Some(v) = (unsafe { sid_ctx_bytes(sid_ctx, len, c"SSL_CTX_set_session_id_context") })
        else {
            return 0;
        };
        ctx.lock().core.session_id_context = v;
        1
    })
}

#[export_name = "sslshim_SSL_set_session_id_context"]
pub unsafe extern "C" fn SSL_set_session_id_context(
    s: *mut SSL,
    sid_ctx: *const u8,
    len: c_uint,
) -> c_int {
    guard(c"SSL_set_session_id_context", 0, || {
        let ssl = deref!(c"SSL_set_session_id_context", s, 0);
        let Some(v) = (unsafe { sid_ctx_bytes(sid_ctx, len, c"SSL_set_session_id_context") })
        else {
            return 0;
        };
        ssl.conn.settings.sid_ctx = v;
        1
    })
}

/// The ID context as bytes, or `None` (with OpenSSL's reason) when too long.
unsafe fn sid_ctx_bytes(
    p: *const u8,
    len: c_uint,
    func: &'static std::ffi::CStr,
) -> Option<Vec<u8>> {
    if len > MAX_SID_CTX_LENGTH {
        err::push(SESSION_ID_CONTEXT_TOO_LONG, func);
        return None;
    }
    if p.is_null() || len == 0 {
        return Some(Vec::new());
    }
    Some(unsafe { std::slice::from_raw_parts(p, len as usize) }.to_vec())
}

#[export_name = "sslshim_SSL_CTX_set_timeout"]
pub unsafe extern "C" fn SSL_CTX_set_timeout(ctx: *mut SSL_CTX, t: c_long) -> c_long {
    guard(c"SSL_CTX_set_timeout", 0, || {
        let ctx = deref!(c"SSL_CTX_set_timeout", ctx, 0);
        let mut c = ctx.lock();
        std::mem::replace(&mut c.core.session_timeout, t)
    })
}

#[export_name = "sslshim_SSL_CTX_get_timeout"]
pub unsafe extern "C" fn SSL_CTX_get_timeout(ctx: *const SSL_CTX) -> c_long {
    guard(c"SSL_CTX_get_timeout", 0, || {
        let ctx = deref!(c"SSL_CTX_get_timeout", ctx as *mut SSL_CTX, 0);
        ctx.lock().core.session_timeout
    })
}

#[export_name = "sslshim_SSL_CTX_set_num_tickets"]
pub unsafe extern "C" fn SSL_CTX_set_num_tickets(ctx: *mut SSL_CTX, n: usize) -> c_int {
    guard(c"SSL_CTX_set_num_tickets", 0, || {
        let ctx = deref!(c"SSL_CTX_set_num_tickets", ctx, 0);
        ctx.lock().core.set_num_tickets(n);
        1
    })
}

#[export_name = "sslshim_SSL_CTX_get_num_tickets"]
pub unsafe extern "C" fn SSL_CTX_get_num_tickets(ctx: *const SSL_CTX) -> usize {
    guard(c"SSL_CTX_get_num_tickets", 0, || {
        let ctx = deref!(c"SSL_CTX_get_num_tickets", ctx as *mut SSL_CTX, 0);
        ctx.lock().core.num_tickets()
    })
}

pub type NpnSelectCb = Option<
    unsafe extern "C" fn(*mut SSL, *mut *mut u8, *mut u8, *const u8, c_uint, *mut c_void) -> c_int,
>;
pub type NpnAdvertisedCb =
    Option<unsafe extern "C" fn(*mut SSL, *mut *const u8, *mut c_uint, *mut c_void) -> c_int>;

#[export_name = "sslshim_SSL_CTX_set_next_proto_select_cb"]
pub unsafe extern "C" fn SSL_CTX_set_next_proto_select_cb(
    ctx: *mut SSL_CTX,
    cb: NpnSelectCb,
    _arg: *mut c_void,
) {
    guard(c"SSL_CTX_set_next_proto_select_cb", (), || {
        deref!(c"SSL_CTX_set_next_proto_select_cb", ctx);
        if cb.is_some() {
            super::ignored("SSL_CTX_set_next_proto_select_cb (NPN)");
        }
    })
}

#[export_name = "sslshim_SSL_CTX_set_next_protos_advertised_cb"]
pub unsafe extern "C" fn SSL_CTX_set_next_protos_advertised_cb(
    ctx: *mut SSL_CTX,
    cb: NpnAdvertisedCb,
    _arg: *mut c_void,
) {
    guard(c"SSL_CTX_set_next_protos_advertised_cb", (), || {
        deref!(c"SSL_CTX_set_next_protos_advertised_cb", ctx);
        if cb.is_some() {
            super::ignored("SSL_CTX_set_next_protos_advertised_cb (NPN)");
        }
    })
}

#[export_name = "sslshim_SSL_get0_next_proto_negotiated"]
pub unsafe extern "C" fn SSL_get0_next_proto_negotiated(
    _s: *const SSL,
    data: *mut *const u8,
    len: *mut c_uint,
) {
    unsafe {
        if let Some(d) = data.as_mut() {
            *d = std::ptr::null();
        }
        if let Some(l) = len.as_mut() {
            *l = 0;
        }
    }
}
