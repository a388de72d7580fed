//! `SSL_SESSION_get_id(3)`, `SSL_SESSION_get_time(3)`,
//! `SSL_SESSION_get0_hostname(3)`, `SSL_SESSION_get_master_key(3)`,
//! `SSL_SESSION_get_ex_data(3)` and the rest of what an application reads
//! and sets on a session. The values live in the core's `SessionMeta`;
//! pointers handed out point into it and stay valid until the value is set
//! again or the session is freed, as in OpenSSL.

use std::ffi::c_void;
use std::sync::Arc;

use libc::{c_char, c_int, c_long, c_uchar, c_uint};
use openssl_sys::X509;

use super::cipher::SSL_CIPHER;
use super::session::SSL_SESSION;
use super::{deref, guard};
use crate::bridge::err;
use crate::bridge::session_data::SessionData;
use crate::bridge::x509::Cert;
use crate::core::cipher;
use crate::core::error::Reason;
use crate::core::session::{now, Session, MAX_ID_LENGTH, MAX_MASTER_KEY_LENGTH};

/// `SSL_R_SSL_SESSION_ID_TOO_LONG`.
const SESSION_ID_TOO_LONG: Reason = Reason(408);
/// `SSL_R_SSL_SESSION_ID_CONTEXT_TOO_LONG`.
const SESSION_ID_CONTEXT_TOO_LONG: Reason = Reason(273);
/// OpenSSL's timeout for a session made by `SSL_SESSION_new`.
const NEW_SESSION_TIMEOUT: i64 = 304;

/// The session's libcrypto side, made (with the new-callbacks) on first use.
pub(crate) fn data(s: &Session) -> &SessionData {
    let owner = s as *const Session as *const c_void;
    s.attached
        .get_or_init(|| SessionData::new(owner))
        .expect("a session's attachment is always SessionData")
}

/// Copies `src[..len]`; NULL with a length is refused by the caller.
unsafe fn bytes(src: *const u8, len: usize) -> Vec<u8> {
    if src.is_null() || len == 0 {
        return Vec::new();
    }
    unsafe { std::slice::from_raw_parts(src, len) }.to_vec()
}

/// Stores a pointer and a length through the caller's optional out-parameters.
unsafe fn out<T>(p: *mut *const T, v: *const T) {
    if let Some(p) = unsafe { p.as_mut() } {
        *p = v;
    }
}

#[export_name = "sslshim_SSL_SESSION_new"]
pub extern "C" fn SSL_SESSION_new() -> *mut SSL_SESSION {
    guard(c"SSL_SESSION_new", std::ptr::null_mut(), || {
        let s = Arc::new(Session::default());
        {
            let mut m = s.meta();
            m.time = now();
            m.timeout = NEW_SESSION_TIMEOUT;
        }
        data(&s);
        Arc::into_raw(s) as *mut SSL_SESSION
    })
}

/// A copy with its own values and application data (through the
/// dup-callbacks); TLS 1.3 tickets cannot be copied, so the two share them.
#[export_name = "sslshim_SSL_SESSION_dup"]
pub unsafe extern "C" fn SSL_SESSION_dup(src: *const SSL_SESSION) -> *mut SSL_SESSION {
    guard(c"SSL_SESSION_dup", std::ptr::null_mut(), || {
        let s = deref!(
            c"SSL_SESSION_dup",
            src as *mut SSL_SESSION,
            std::ptr::null_mut()
        );
        let d = Arc::new(s.dup());
        let owner = Arc::as_ptr(&d) as *const c_void;
        let copied = data(s).dup_for(owner);
        d.attached.get_or_init(|| copied);
        Arc::into_raw(d) as *mut SSL_SESSION
    })
}

#[export_name = "sslshim_SSL_SESSION_get_id"]
pub unsafe extern "C" fn SSL_SESSION_get_id(
    s: *const SSL_SESSION,
    len: *mut c_uint,
) -> *const c_uchar {
    guard(c"SSL_SESSION_get_id", std::ptr::null(), || {
        let s = deref!(
            c"SSL_SESSION_get_id",
            s as *mut SSL_SESSION,
            std::ptr::null()
        );
        let m = s.meta();
        if let Some(l) = unsafe { len.as_mut() } {
            *l = m.id.len() as c_uint;
        }
        m.id.as_ptr()
    })
}

#[export_name = "sslshim_SSL_SESSION_set1_id"]
pub unsafe extern "C" fn SSL_SESSION_set1_id(
    s: *mut SSL_SESSION,
    sid: *const c_uchar,
    len: c_uint,
) -> c_int {
    guard(c"SSL_SESSION_set1_id", 0, || {
        let s = deref!(c"SSL_SESSION_set1_id", s, 0);
        if len as usize > MAX_ID_LENGTH {
            err::push(SESSION_ID_TOO_LONG, c"SSL_SESSION_set1_id");
            return 0;
        }
        s.meta().id = unsafe { bytes(sid, len as usize) };
        1
    })
}

#[export_name = "sslshim_SSL_SESSION_get0_id_context"]
pub unsafe extern "C" fn SSL_SESSION_get0_id_context(
    s: *const SSL_SESSION,
    len: *mut c_uint,
) -> *const c_uchar {
    guard(c"SSL_SESSION_get0_id_context", std::ptr::null(), || {
        let s = deref!(
            c"SSL_SESSION_get0_id_context",
            s as *mut SSL_SESSION,
            std::ptr::null()
        );
        let m = s.meta();
        if let Some(l) = unsafe { len.as_mut() } {
            *l = m.id_context.len() as c_uint;
        }
        m.id_context.as_ptr()
    })
}

#[export_name = "sslshim_SSL_SESSION_set1_id_context"]
pub unsafe extern "C" fn SSL_SESSION_set1_id_context(
    s: *mut SSL_SESSION,
    ctx: *const c_uchar,
    len: c_uint,
) -> c_int {
    guard(c"SSL_SESSION_set1_id_context", 0, || {
        let s = deref!(c"SSL_SESSION_set1_id_context", s, 0);
        if len as usize > MAX_ID_LENGTH {
            err::push(SESSION_ID_CONTEXT_TOO_LONG, c"SSL_SESSION_set1_id_context");
            return 0;
        }
        s.meta().id_context = unsafe { bytes(ctx, len as usize) };
        1
    })
}

#[export_name = "sslshim_SSL_SESSION_get_time"]
pub unsafe extern "C" fn SSL_SESSION_get_time(s: *const SSL_SESSION) -> c_long {
    guard(c"SSL_SESSION_get_time", 0, || {
        let s = deref!(c"SSL_SESSION_get_time", s as *mut SSL_SESSION, 0);
        s.meta().time as c_long
    })
}

/// Returns the time set, as OpenSSL 3.0 does.
#[export_name = "sslshim_SSL_SESSION_set_time"]
pub unsafe extern "C" fn SSL_SESSION_set_time(s: *mut SSL_SESSION, t: c_long) -> c_long {
    guard(c"SSL_SESSION_set_time", 0, || {
        let s = deref!(c"SSL_SESSION_set_time", s, 0);
        s.meta().time = t;
        t
    })
}

#[export_name = "sslshim_SSL_SESSION_get_timeout"]
pub unsafe extern "C" fn SSL_SESSION_get_timeout(s: *const SSL_SESSION) -> c_long {
    guard(c"SSL_SESSION_get_timeout", 0, || {
        let s = deref!(c"SSL_SESSION_get_timeout", s as *mut SSL_SESSION, 0);
        s.meta().timeout as c_long
    })
}

#[export_name = "sslshim_SSL_SESSION_set_timeout"]
pub unsafe extern "C" fn SSL_SESSION_set_timeout(s: *mut SSL_SESSION, t: c_long) -> c_long {
    guard(c"SSL_SESSION_set_timeout", 0, || {
        let s = deref!(c"SSL_SESSION_set_timeout", s, 0);
        s.meta().timeout = t;
        1
    })
}

#[export_name = "sslshim_SSL_SESSION_get_protocol_version"]
pub unsafe extern "C" fn SSL_SESSION_get_protocol_version(s: *const SSL_SESSION) -> c_int {
    guard(c"SSL_SESSION_get_protocol_version", 0, || {
        let s = deref!(
            c"SSL_SESSION_get_protocol_version",
            s as *mut SSL_SESSION,
            0
        );
        s.meta().protocol_version
    })
}

#[export_name = "sslshim_SSL_SESSION_set_protocol_version"]
pub unsafe extern "C" fn SSL_SESSION_set_protocol_version(s: *mut SSL_SESSION, v: c_int) -> c_int {
    guard(c"SSL_SESSION_set_protocol_version", 0, || {
        let s = deref!(c"SSL_SESSION_set_protocol_version", s, 0);
        s.meta().protocol_version = v;
        1
    })
}

#[export_name = "sslshim_SSL_SESSION_get0_cipher"]
pub unsafe extern "C" fn SSL_SESSION_get0_cipher(s: *const SSL_SESSION) -> *const SSL_CIPHER {
    guard(c"SSL_SESSION_get0_cipher", std::ptr::null(), || {
        let s = deref!(
            c"SSL_SESSION_get0_cipher",
            s as *mut SSL_SESSION,
            std::ptr::null()
        );
        let suite = s.meta().cipher;
        suite
            .and_then(cipher::lookup)
            .map_or(std::ptr::null(), |c| c as *const SSL_CIPHER)
    })
}

#[export_name = "sslshim_SSL_SESSION_set_cipher"]
pub unsafe extern "C" fn SSL_SESSION_set_cipher(
    s: *mut SSL_SESSION,
    c: *const SSL_CIPHER,
) -> c_int {
    guard(c"SSL_SESSION_set_cipher", 0, || {
        let s = deref!(c"SSL_SESSION_set_cipher", s, 0);
        s.meta().cipher = unsafe { c.as_ref() }.map(|c| c.suite);
        1
    })
}

#[export_name = "sslshim_SSL_SESSION_get0_hostname"]
pub unsafe extern "C" fn SSL_SESSION_get0_hostname(s: *const SSL_SESSION) -> *const c_char {
    guard(c"SSL_SESSION_get0_hostname", std::ptr::null(), || {
        let s = deref!(
            c"SSL_SESSION_get0_hostname",
            s as *mut SSL_SESSION,
            std::ptr::null()
        );
        let m = s.meta();
        m.hostname.as_ref().map_or(std::ptr::null(), |h| h.as_ptr())
    })
}

/// NULL clears it.
#[export_name = "sslshim_SSL_SESSION_set1_hostname"]
pub unsafe extern "C" fn SSL_SESSION_set1_hostname(
    s: *mut SSL_SESSION,
    name: *const c_char,
) -> c_int {
    guard(c"SSL_SESSION_set1_hostname", 0, || {
        let s = deref!(c"SSL_SESSION_set1_hostname", s, 0);
        let name = unsafe { super::opt_cstr(name) };
        s.meta().hostname = name.map(std::ffi::CStr::to_owned);
        1
    })
}

#[export_name = "sslshim_SSL_SESSION_get0_alpn_selected"]
pub unsafe extern "C" fn SSL_SESSION_get0_alpn_selected(
    s: *const SSL_SESSION,
    alpn: *mut *const c_uchar,
    len: *mut usize,
) {
    guard(c"SSL_SESSION_get0_alpn_selected", (), || {
        let s = deref!(c"SSL_SESSION_get0_alpn_selected", s as *mut SSL_SESSION);
        let m = s.meta();
        let p = if m.alpn.is_empty() {
            std::ptr::null()
        } else {
            m.alpn.as_ptr()
        };
        unsafe { out(alpn, p) };
        if let Some(l) = unsafe { len.as_mut() } {
            *l = m.alpn.len();
        }
    })
}

#[export_name = "sslshim_SSL_SESSION_set1_alpn_selected"]
pub unsafe extern "C" fn SSL_SESSION_set1_alpn_selected(
    s: *mut SSL_SESSION,
    alpn: *const c_uchar,
    len: usize,
) -> c_int {
    guard(c"SSL_SESSION_set1_alpn_selected", 0, || {
        let s = deref!(c"SSL_SESSION_set1_alpn_selected", s, 0);
        s.meta().alpn = unsafe { bytes(alpn, len) };
        1
    })
}

/// What the application set; a handshake's own secret stays inside rustls.
#[export_name = "sslshim_SSL_SESSION_get_master_key"]
pub unsafe extern "C" fn SSL_SESSION_get_master_key(
    s: *const SSL_SESSION,
    buf: *mut c_uchar,
    outlen: usize,
) -> usize {
    guard(c"SSL_SESSION_get_master_key", 0, || {
        let s = deref!(c"SSL_SESSION_get_master_key", s as *mut SSL_SESSION, 0);
        let m = s.meta();
        if outlen == 0 {
            return m.master_key.len();
        }
        let n = outlen.min(m.master_key.len());
        if !buf.is_null() {
            unsafe { std::ptr::copy_nonoverlapping(m.master_key.as_ptr(), buf, n) };
        }
        n
    })
}

#[export_name = "sslshim_SSL_SESSION_set1_master_key"]
pub unsafe extern "C" fn SSL_SESSION_set1_master_key(
    s: *mut SSL_SESSION,
    key: *const c_uchar,
    len: usize,
) -> c_int {
    guard(c"SSL_SESSION_set1_master_key", 0, || {
        let s = deref!(c"SSL_SESSION_set1_master_key", s, 0);
        if len > MAX_MASTER_KEY_LENGTH {
            return 0;
        }
        s.meta().master_key = unsafe { bytes(key, len) };
        1
    })
}

/// The peer's certificate, made from its DER once and kept with the session.
#[export_name = "sslshim_SSL_SESSION_get0_peer"]
pub unsafe extern "C" fn SSL_SESSION_get0_peer(s: *mut SSL_SESSION) -> *mut X509 {
    guard(c"SSL_SESSION_get0_peer", std::ptr::null_mut(), || {
        let s = deref!(c"SSL_SESSION_get0_peer", s, std::ptr::null_mut());
        let der = s.meta().peer.clone();
        let Some(der) = der else {
            return std::ptr::null_mut();
        };
        let mut peer = data(s).peer.lock().unwrap_or_else(|e| e.into_inner());
        if peer.is_none() {
            *peer = Cert::from_der(&der);
        }
        peer.as_ref().map_or(std::ptr::null_mut(), Cert::as_ptr)
    })
}

#[export_name = "sslshim_SSL_SESSION_has_ticket"]
pub unsafe extern "C" fn SSL_SESSION_has_ticket(s: *const SSL_SESSION) -> c_int {
    guard(c"SSL_SESSION_has_ticket", 0, || {
        let s = deref!(c"SSL_SESSION_has_ticket", s as *mut SSL_SESSION, 0);
        c_int::from(s.has_ticket())
    })
}

/// rustls keeps a ticket's lifetime to itself.
#[export_name = "sslshim_SSL_SESSION_get_ticket_lifetime_hint"]
pub unsafe extern "C" fn SSL_SESSION_get_ticket_lifetime_hint(
    s: *const SSL_SESSION,
) -> libc::c_ulong {
    guard(c"SSL_SESSION_get_ticket_lifetime_hint", 0, || {
        deref!(
            c"SSL_SESSION_get_ticket_lifetime_hint",
            s as *mut SSL_SESSION,
            0
        );
        0
    })
}

/// Maximum fragment length is never negotiated.
#[export_name = "sslshim_SSL_SESSION_get_max_fragment_length"]
pub unsafe extern "C" fn SSL_SESSION_get_max_fragment_length(s: *const SSL_SESSION) -> u8 {
    guard(c"SSL_SESSION_get_max_fragment_length", 0, || {
        deref!(
            c"SSL_SESSION_get_max_fragment_length",
            s as *mut SSL_SESSION,
            0
        );
        0
    })
}

/// Nothing is compressed.
#[export_name = "sslshim_SSL_SESSION_get_compress_id"]
pub unsafe extern "C" fn SSL_SESSION_get_compress_id(s: *const SSL_SESSION) -> c_uint {
    guard(c"SSL_SESSION_get_compress_id", 0, || {
        deref!(c"SSL_SESSION_get_compress_id", s as *mut SSL_SESSION, 0);
        0
    })
}

#[export_name = "sslshim_SSL_SESSION_get0_ticket_appdata"]
pub unsafe extern "C" fn SSL_SESSION_get0_ticket_appdata(
    s: *mut SSL_SESSION,
    data: *mut *mut c_void,
    len: *mut usize,
) -> c_int {
    guard(c"SSL_SESSION_get0_ticket_appdata", 0, || {
        let s = deref!(c"SSL_SESSION_get0_ticket_appdata", s, 0);
        let m = s.meta();
        let p = if m.ticket_appdata.is_empty() {
            std::ptr::null()
        } else {
            m.ticket_appdata.as_ptr() as *const c_void
        };
        unsafe { out(data as *mut *const c_void, p) };
        if let Some(l) = unsafe { len.as_mut() } {
            *l = m.ticket_appdata.len();
        }
        1
    })
}

#[export_name = "sslshim_SSL_SESSION_set1_ticket_appdata"]
pub unsafe extern "C" fn SSL_SESSION_set1_ticket_appdata(
    s: *mut SSL_SESSION,
    data: *const c_void,
    len: usize,
) -> c_int {
    guard(c"SSL_SESSION_set1_ticket_appdata", 0, || {
        let s = deref!(c"SSL_SESSION_set1_ticket_appdata", s, 0);
        s.meta().ticket_appdata = unsafe { bytes(data as *const u8, len) };
        1
    })
}

#[export_name = "sslshim_SSL_SESSION_set_ex_data"]
pub unsafe extern "C" fn SSL_SESSION_set_ex_data(
    s: *mut SSL_SESSION,
    idx: c_int,
    arg: *mut c_void,
) -> c_int {
    guard(c"SSL_SESSION_set_ex_data", 0, || {
        let s = deref!(c"SSL_SESSION_set_ex_data", s, 0);
        data(s).set(idx, arg)
    })
}

#[export_name = "sslshim_SSL_SESSION_get_ex_data"]
pub unsafe extern "C" fn SSL_SESSION_get_ex_data(s: *const SSL_SESSION, idx: c_int) -> *mut c_void {
    guard(c"SSL_SESSION_get_ex_data", std::ptr::null_mut(), || {
        let s = deref!(
            c"SSL_SESSION_get_ex_data",
            s as *mut SSL_SESSION,
            std::ptr::null_mut()
        );
        data(s).get(idx)
    })
}
