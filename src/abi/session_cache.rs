//! The context's session cache as the application sees it:
//! `SSL_CTX_add_session(3)`, `SSL_CTX_sess_set_get_cb(3)`,
//! `SSL_CTX_flush_sessions(3)`, `SSL_CTX_set_session_ticket_cb(3)`.
//!
//! rustls resumes from a store and tickets of its own, which hold its
//! secrets; the list kept here is what `SSL_CTX_add_session` adds and what the
//! remove callback hears about. The get callback and the ticket callbacks are
//! kept and returned, and never called: rustls has no place to call them.

use std::ffi::c_void;
use std::sync::Arc;

use libc::{c_int, c_long, c_uchar, c_ulong};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::session::SSL_SESSION;
use super::{deref, guard};
use crate::core::session::Session;

pub type GetSessionCb =
    Option<unsafe extern "C" fn(*mut SSL, *const c_uchar, c_int, *mut c_int) -> *mut SSL_SESSION>;
pub type RemoveSessionCb = Option<unsafe extern "C" fn(*mut SSL_CTX, *mut SSL_SESSION)>;
pub type TicketGenCb = Option<unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int>;
pub type TicketDecCb = Option<
    unsafe extern "C" fn(
        *mut SSL,
        *mut SSL_SESSION,
        *const c_uchar,
        c_ulong,
        c_int,
        *mut c_void,
    ) -> c_int,
>;

pub type GenIdCb = Option<unsafe extern "C" fn(*mut SSL, *mut c_uchar, *mut libc::c_uint) -> c_int>;

/// What an `SSL_CTX` keeps for these calls.
pub struct SessionCache {
    pub get_cb: GetSessionCb,
    pub remove_cb: RemoveSessionCb,
    pub ticket_gen: TicketGenCb,
    pub ticket_dec: TicketDecCb,
    pub ticket_arg: *mut c_void,
    /// `SSL_CTX_set_generate_session_id`.
    pub gen_id: GenIdCb,
    /// Sessions added with `SSL_CTX_add_session`, each holding a reference.
    pub list: Vec<Arc<Session>>,
}

impl Default for SessionCache {
    fn default() -> Self {
        Self {
            get_cb: None,
            remove_cb: None,
            ticket_gen: None,
            ticket_dec: None,
            ticket_arg: std::ptr::null_mut(),
            gen_id: None,
            list: Vec::new(),
        }
    }
}

/// Tells the remove callback, outside the context's lock (it may call back
/// in), then drops the cache's reference.
fn removed(ctx: *mut SSL_CTX, cb: RemoveSessionCb, gone: Vec<Arc<Session>>) {
    for s in gone {
        if let Some(cb) = cb {
            unsafe { cb(ctx, Arc::as_ptr(&s) as *mut SSL_SESSION) };
        }
    }
}

/// The context is being freed: every kept session goes, each told to the
/// remove callback.
pub(crate) fn flush_at_free(ctx: *mut SSL_CTX, cache: SessionCache) {
    removed(ctx, cache.remove_cb, cache.list);
}

#[export_name = "sslshim_SSL_CTX_sess_set_get_cb"]
pub unsafe extern "C" fn SSL_CTX_sess_set_get_cb(
    ctx: *mut SSL_CTX,
    cb: Option<
        unsafe extern "C" fn(*mut SSL, *const c_uchar, c_int, *mut c_int) -> *mut SSL_SESSION,
    >,
) {
    guard(c"SSL_CTX_sess_set_get_cb", (), || {
        let ctx = deref!(c"SSL_CTX_sess_set_get_cb", ctx);
        ctx.lock().sessions.get_cb = cb;
    })
}

#[export_name = "sslshim_SSL_CTX_sess_get_get_cb"]
pub unsafe extern "C" fn SSL_CTX_sess_get_get_cb(
    ctx: *mut SSL_CTX,
) -> Option<unsafe extern "C" fn(*mut SSL, *const c_uchar, c_int, *mut c_int) -> *mut SSL_SESSION> {
    guard(c"SSL_CTX_sess_get_get_cb", None, || {
        let ctx = deref!(c"SSL_CTX_sess_get_get_cb", ctx, None);
        ctx.lock().sessions.get_cb
    })
}

#[export_name = "sslshim_SSL_CTX_sess_set_remove_cb"]
pub unsafe extern "C" fn SSL_CTX_sess_set_remove_cb(
    ctx: *mut SSL_CTX,
    cb: Option<unsafe extern "C" fn(*mut SSL_CTX, *mut SSL_SESSION)>,
) {
    guard(c"SSL_CTX_sess_set_remove_cb", (), || {
        let ctx = deref!(c"SSL_CTX_sess_set_remove_cb", ctx);
        ctx.lock().sessions.remove_cb = cb;
    })
}

#[export_name = "sslshim_SSL_CTX_sess_get_remove_cb"]
pub unsafe extern "C" fn SSL_CTX_sess_get_remove_cb(
    ctx: *mut SSL_CTX,
) -> Option<unsafe extern "C" fn(*mut SSL_CTX, *mut SSL_SESSION)> {
    guard(c"SSL_CTX_sess_get_remove_cb", None, || {
        let ctx = deref!(c"SSL_CTX_sess_get_remove_cb", ctx, None);
        ctx.lock().sessions.remove_cb
    })
}

#[export_name = "sslshim_SSL_CTX_sess_get_new_cb"]
pub unsafe extern "C" fn SSL_CTX_sess_get_new_cb(
    ctx: *mut SSL_CTX,
) -> Option<unsafe extern "C" fn(*mut SSL, *mut SSL_SESSION) -> c_int> {
    guard(c"SSL_CTX_sess_get_new_cb", None, || {
        let ctx = deref!(c"SSL_CTX_sess_get_new_cb", ctx, None);
        ctx.lock().new_session_cb
    })
}

/// 1 when added; 0 when the session is there already. The cache is keyed
/// by session ID, as OpenSSL's: another session with the same ID is
/// replaced without a word to the remove callback, as in OpenSSL.
#[export_name = "sslshim_SSL_CTX_add_session"]
pub unsafe extern "C" fn SSL_CTX_add_session(ctx: *mut SSL_CTX, s: *mut SSL_SESSION) -> c_int {
    guard(c"SSL_CTX_add_session", 0, || {
        let c = deref!(c"SSL_CTX_add_session", ctx, 0);
        let s = deref!(c"SSL_CTX_add_session", s, 0);
        let replaced = {
            let mut inner = c.lock();
            let list = &mut inner.sessions.list;
            if list.iter().any(|x| std::ptr::eq(Arc::as_ptr(x), s)) {
                return 0;
            }
            let id = s.meta().id.clone();
            let i = list.iter().position(|x| x.meta().id == id);
            let old = i.map(|i| list.remove(i));
            list.push(unsafe { super::session::share(s) });
            old
        };
        drop(replaced);
        1
    })
}

/// 1 when a session with this one's ID was in the cache. As in OpenSSL, the
/// remove callback is told of any session with an ID, cached or not.
#[export_name = "sslshim_SSL_CTX_remove_session"]
pub unsafe extern "C" fn SSL_CTX_remove_session(ctx: *mut SSL_CTX, s: *mut SSL_SESSION) -> c_int {
    guard(c"SSL_CTX_remove_session", 0, || {
        let c = deref!(c"SSL_CTX_remove_session", ctx, 0);
        let sess = deref!(c"SSL_CTX_remove_session", s, 0);
        let id = sess.meta().id.clone();
        if id.is_empty() {
            return 0;
        }
        let (cb, gone) = {
            let mut inner = c.lock();
            let list = &mut inner.sessions.list;
            let gone = list
                .iter()
                .position(|x| x.meta().id == id)
                .map(|i| list.remove(i));
            (inner.sessions.remove_cb, gone)
        };
        if let Some(cb) = cb {
            unsafe { cb(ctx, s) };
        }
        c_int::from(gone.is_some())
    })
}

/// Drops the sessions that expired by `tm` (all of them for 0).
#[export_name = "sslshim_SSL_CTX_flush_sessions"]
pub unsafe extern "C" fn SSL_CTX_flush_sessions(ctx: *mut SSL_CTX, tm: c_long) {
    guard(c"SSL_CTX_flush_sessions", (), || {
        let c = deref!(c"SSL_CTX_flush_sessions", ctx);
        let (cb, gone) = {
            let mut inner = c.lock();
            let expired = |s: &Arc<Session>| {
                let m = s.meta();
                tm == 0 || m.time.saturating_add(m.timeout) < tm
            };
            let (gone, kept): (Vec<_>, Vec<_>) =
                inner.sessions.list.drain(..).partition(|s| expired(s));
            inner.sessions.list = kept;
            (inner.sessions.remove_cb, gone)
        };
        removed(ctx, cb, gone);
    })
}

#[export_name = "sslshim_SSL_CTX_set_session_ticket_cb"]
pub unsafe extern "C" fn SSL_CTX_set_session_ticket_cb(
    ctx: *mut SSL_CTX,
    gen_cb: Option<unsafe extern "C" fn(*mut SSL, *mut c_void) -> c_int>,
    dec_cb: Option<
        unsafe extern "C" fn(
            *mut SSL,
            *mut SSL_SESSION,
            *const c_uchar,
            c_ulong,
            c_int,
            *mut c_void,
        ) -> c_int,
    >,
    arg: *mut c_void,
) -> c_int {
    guard(c"SSL_CTX_set_session_ticket_cb", 0, || {
        let ctx = deref!(c"SSL_CTX_set_session_ticket_cb", ctx, 0);
        if gen_cb.is_some() || dec_cb.is_some() {
            super::ignored(
                "SSL_CTX_set_session_ticket_cb (rustls's tickets carry no application data)",
            );
        }
        let mut c = ctx.lock();
        c.sessions.ticket_gen = gen_cb;
        c.sessions.ticket_dec = dec_cb;
        c.sessions.ticket_arg = arg;
        1
    })
}

/// 1 when the connection's context keeps a session with this ID.
#[export_name = "sslshim_SSL_has_matching_session_id"]
pub unsafe extern "C" fn SSL_has_matching_session_id(
    s: *const SSL,
    id: *const c_uchar,
    len: libc::c_uint,
) -> c_int {
    guard(c"SSL_has_matching_session_id", 0, || {
        let ssl = deref!(c"SSL_has_matching_session_id", s as *mut SSL, 0);
        if len as usize > crate::core::session::MAX_ID_LENGTH || (id.is_null() && len > 0) {
            return 0;
        }
        let id = if len == 0 {
            &[][..]
        } else {
            unsafe { std::slice::from_raw_parts(id, len as usize) }
        };
        let c = ssl.ctx.lock();
        let found = c.sessions.list.iter().any(|x| x.meta().id == id);
        c_int::from(found)
    })
}

/// An ID from the application's generator: it is given room for 32 bytes
/// and may shorten it. `None` when it fails or gives a length outside 1 to
/// 32, where OpenSSL fails the handshake; here the handshake is already
/// over, so the session keeps the ID sslshim made.
pub(crate) fn generated_id(
    gen: unsafe extern "C" fn(*mut SSL, *mut c_uchar, *mut libc::c_uint) -> c_int,
    ssl: *mut SSL,
) -> Option<Vec<u8>> {
    let mut buf = [0u8; crate::core::session::MAX_ID_LENGTH];
    let mut len = buf.len() as libc::c_uint;
    if unsafe { gen(ssl, buf.as_mut_ptr(), &mut len) } == 0 {
        return None;
    }
    let len = len as usize;
    (1..=buf.len()).contains(&len).then(|| buf[..len].to_vec())
}

#[export_name = "sslshim_SSL_CTX_set_generate_session_id"]
pub unsafe extern "C" fn SSL_CTX_set_generate_session_id(
    ctx: *mut SSL_CTX,
    cb: Option<unsafe extern "C" fn(*mut SSL, *mut c_uchar, *mut libc::c_uint) -> c_int>,
) -> c_int {
    guard(c"SSL_CTX_set_generate_session_id", 0, || {
        let ctx = deref!(c"SSL_CTX_set_generate_session_id", ctx, 0);
        ctx.lock().sessions.gen_id = cb;
        1
    })
}
