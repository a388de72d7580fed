//! `SSL_CTX_set_info_callback(3)`, `SSL_get_state(3)`, `SSL_state_string(3)`,
//! `SSL_alert_type_string(3)`: what an application learns of the handshake's
//! progress. rustls does not expose its state machine message by message, so
//! the callback sees the steps OpenSSL's caller can rely on: the start of a
//! handshake, each handshake call (a loop step) and its exit with the
//! call's result, the end of the handshake, and close_notify alerts.

use std::ffi::CStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use libc::{c_char, c_int};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};
use crate::core::connection::{Role, ShutdownFlags};
use crate::core::error::Reason;

// Spelled out in the entry points: OpenSSL has no typedef for it, and the
// generated header must declare them as <openssl/ssl.h> does.
pub type InfoCb = Option<unsafe extern "C" fn(*const SSL, c_int, c_int)>;

/// `SSL_CB_*`.
const CB_LOOP: c_int = 0x01;
const CB_EXIT: c_int = 0x02;
const CB_READ: c_int = 0x04;
const CB_WRITE: c_int = 0x08;
const CB_ALERT: c_int = 0x4000;
const CB_ACCEPT: c_int = 0x2000;
const CB_CONNECT: c_int = 0x1000;
const CB_HANDSHAKE_START: c_int = 0x10;
const CB_HANDSHAKE_DONE: c_int = 0x20;

/// `OSSL_HANDSHAKE_STATE` values sslshim reports.
const TLS_ST_BEFORE: c_int = 0;
const TLS_ST_OK: c_int = 1;
const TLS_ST_CW_CLNT_HELLO: c_int = 12;
const TLS_ST_SR_CLNT_HELLO: c_int = 20;

/// `SSL3_AL_WARNING` and `SSL3_AL_FATAL` shifted into an alert's value.
const WARNING_CLOSE_NOTIFY: c_int = 1 << 8;
const FATAL: c_int = 2 << 8;
/// `SSL_AD_REASON_OFFSET`: a received alert's reason is this plus its code.
const ALERT_REASON_OFFSET: u32 = 1000;

/// The callback in force for a connection: its own, else its context's.
fn callback(ssl: &SSL) -> InfoCb {
    ssl.info_cb.or_else(|| ssl.ctx.info_cb.get())
}

/// A context's callback, kept outside the context's lock: every read and
/// write looks it up, from every thread that shares the context, and a
/// lock there made the threads queue on each other.
#[derive(Debug, Default)]
pub(crate) struct CtxInfoCb(AtomicUsize);

impl CtxInfoCb {
    pub(crate) fn get(&self) -> InfoCb {
        match self.0.load(Ordering::Acquire) {
            0 => None,
            // SAFETY: only `set` stores here, and only such pointers.
            f => Some(unsafe {
                std::mem::transmute::<usize, unsafe extern "C" fn(*const SSL, c_int, c_int)>(f)
            }),
        }
    }

    pub(crate) fn set(&self, cb: InfoCb) {
        self.0
            .store(cb.map_or(0, |f| f as usize), Ordering::Release);
    }
}

/// What the connection looked like before a call, to tell afterwards what
/// the call did.
pub(crate) struct Before {
    cb: InfoCb,
    in_init: bool,
    sent_close: bool,
    received_close: bool,
}

fn role_bit(ssl: &SSL) -> c_int {
    if ssl.conn.is_server() {
        CB_ACCEPT
    } else {
        CB_CONNECT
    }
}

/// Called as a call on the connection starts. Reports the start of a
/// handshake and the step about to run, as OpenSSL's state machine does.
pub(crate) fn enter(ssl: &SSL) -> Before {
    let cb = callback(ssl);
    let flags = ssl.conn.shutdown_flags();
    let before = Before {
        cb,
        in_init: ssl.conn.in_init() && !ssl.conn.failed() && ssl.conn.role() != Role::Unset,
        sent_close: flags.sent,
        received_close: flags.received,
    };
    if let (Some(f), true) = (cb, before.in_init) {
        let p: *const SSL = ssl;
        if ssl.conn.in_before() {
            unsafe { f(p, CB_HANDSHAKE_START, 1) };
        }
        unsafe { f(p, role_bit(ssl) | CB_LOOP, 1) };
    }
    before
}

/// Called as the call returns `ret` (OpenSSL's convention: 1 done, -1 or 0
/// not done) with the reason it failed for, if any: alerts that went either
/// way (a fatal alert received shows as its reason), the handshake's end,
/// the exit.
pub(crate) fn leave(ssl: &SSL, before: Before, ret: c_int, reason: Option<Reason>) {
    let Some(f) = before.cb else {
        return;
    };
    let p: *const SSL = ssl;
    let fatal = reason
        .and_then(|r| r.0.checked_sub(ALERT_REASON_OFFSET))
        .filter(|d| (1..=255).contains(d));
    if let Some(desc) = fatal {
        unsafe { f(p, CB_ALERT | CB_READ, FATAL | desc as c_int) };
    }
    let flags = ssl.conn.shutdown_flags();
    // A fatal alert marks the shutdown as received too, with no close_notify.
    if flags.received && !before.received_close && fatal.is_none() {
        unsafe { f(p, CB_ALERT | CB_READ, WARNING_CLOSE_NOTIFY) };
    }
    if flags.sent && !before.sent_close {
        unsafe { f(p, CB_ALERT | CB_WRITE, WARNING_CLOSE_NOTIFY) };
    }
    if !before.in_init {
        return;
    }
    let done = !ssl.conn.in_init();
    if done {
        unsafe { f(p, CB_HANDSHAKE_DONE, 1) };
    }
    let ret = if done { 1 } else { ret.min(0) };
    unsafe { f(p, role_bit(ssl) | CB_EXIT, ret) };
}

/// `SSL_shutdown` sends and reads close_notify outside the handshake's
/// calls; `before` is the shutdown flags as the call started.
pub(crate) fn shutdown_alerts(ssl: &SSL, before: ShutdownFlags) {
    let Some(f) = callback(ssl) else {
        return;
    };
    let now = ssl.conn.shutdown_flags();
    if now.sent && !before.sent {
        unsafe { f(ssl, CB_ALERT | CB_WRITE, WARNING_CLOSE_NOTIFY) };
    }
    if now.received && !before.received {
        unsafe { f(ssl, CB_ALERT | CB_READ, WARNING_CLOSE_NOTIFY) };
    }
}

#[export_name = "sslshim_SSL_CTX_set_info_callback"]
pub unsafe extern "C" fn SSL_CTX_set_info_callback(
    ctx: *mut SSL_CTX,
    cb: Option<unsafe extern "C" fn(*const SSL, c_int, c_int)>,
) {
    guard(c"SSL_CTX_set_info_callback", (), || {
        deref!(c"SSL_CTX_set_info_callback", ctx).info_cb.set(cb);
    })
}

#[export_name = "sslshim_SSL_CTX_get_info_callback"]
pub unsafe extern "C" fn SSL_CTX_get_info_callback(
    ctx: *mut SSL_CTX,
) -> Option<unsafe extern "C" fn(*const SSL, c_int, c_int)> {
    guard(c"SSL_CTX_get_info_callback", None, || {
        deref!(c"SSL_CTX_get_info_callback", ctx, None)
            .info_cb
            .get()
    })
}

#[export_name = "sslshim_SSL_set_info_callback"]
pub unsafe extern "C" fn SSL_set_info_callback(
    s: *mut SSL,
    cb: Option<unsafe extern "C" fn(*const SSL, c_int, c_int)>,
) {
    guard(c"SSL_set_info_callback", (), || {
        deref!(c"SSL_set_info_callback", s).info_cb = cb;
    })
}

/// The connection's own callback only, as OpenSSL's getter returns.
#[export_name = "sslshim_SSL_get_info_callback"]
pub unsafe extern "C" fn SSL_get_info_callback(
    s: *const SSL,
) -> Option<unsafe extern "C" fn(*const SSL, c_int, c_int)> {
    guard(c"SSL_get_info_callback", None, || {
        deref!(c"SSL_get_info_callback", s as *mut SSL, None).info_cb
    })
}

/// Where the handshake stands, in OpenSSL's terms, as far as rustls lets
/// it be seen: before, in progress (the first flight of the role), done.
fn state(ssl: &SSL) -> c_int {
    if ssl.conn.in_before() {
        TLS_ST_BEFORE
    } else if !ssl.conn.in_init() {
        TLS_ST_OK
    } else if ssl.conn.is_server() {
        TLS_ST_SR_CLNT_HELLO
    } else {
        TLS_ST_CW_CLNT_HELLO
    }
}

#[export_name = "sslshim_SSL_get_state"]
pub unsafe extern "C" fn SSL_get_state(s: *const SSL) -> libc::c_uint {
    guard(c"SSL_get_state", 0, || {
        state(deref!(c"SSL_get_state", s as *mut SSL, 0)) as _
    })
}

fn state_strings(ssl: &SSL) -> (&'static CStr, &'static CStr) {
    if ssl.conn.failed() {
        return (c"SSLERR", c"error");
    }
    match state(ssl) {
        TLS_ST_BEFORE => (c"PINIT", c"before SSL initialization"),
        TLS_ST_OK => (c"SSLOK", c"SSL negotiation finished successfully"),
        TLS_ST_SR_CLNT_HELLO => (c"TRCH", c"SSLv3/TLS read client hello"),
        _ => (c"TWCH", c"SSLv3/TLS write client hello"),
    }
}

#[export_name = "sslshim_SSL_state_string"]
pub unsafe extern "C" fn SSL_state_string(s: *const SSL) -> *const c_char {
    guard(c"SSL_state_string", std::ptr::null(), || {
        let ssl = deref!(c"SSL_state_string", s as *mut SSL, std::ptr::null());
        state_strings(ssl).0.as_ptr()
    })
}

#[export_name = "sslshim_SSL_state_string_long"]
pub unsafe extern "C" fn SSL_state_string_long(s: *const SSL) -> *const c_char {
    guard(c"SSL_state_string_long", std::ptr::null(), || {
        let ssl = deref!(c"SSL_state_string_long", s as *mut SSL, std::ptr::null());
        state_strings(ssl).1.as_ptr()
    })
}

fn alert_type(value: c_int) -> (&'static CStr, &'static CStr) {
    match value >> 8 {
        1 => (c"W", c"warning"),
        2 => (c"F", c"fatal"),
        _ => (c"U", c"unknown"),
    }
}

#[export_name = "sslshim_SSL_alert_type_string"]
pub extern "C" fn SSL_alert_type_string(value: c_int) -> *const c_char {
    alert_type(value).0.as_ptr()
}

#[export_name = "sslshim_SSL_alert_type_string_long"]
pub extern "C" fn SSL_alert_type_string_long(value: c_int) -> *const c_char {
    alert_type(value).1.as_ptr()
}

/// TLS alerts by number, with OpenSSL 3.0's two-letter codes and names.
static ALERTS: &[(c_int, &CStr, &CStr)] = &[
    (0, c"CN", c"close notify"),
    (10, c"UM", c"unexpected_message"),
    (20, c"BM", c"bad record mac"),
    (21, c"DC", c"decryption failed"),
    (22, c"RO", c"record overflow"),
    (30, c"DF", c"decompression failure"),
    (40, c"HF", c"handshake failure"),
    (41, c"NC", c"no certificate"),
    (42, c"BC", c"bad certificate"),
    (43, c"UC", c"unsupported certificate"),
    (44, c"CR", c"certificate revoked"),
    (45, c"CE", c"certificate expired"),
    (46, c"CU", c"certificate unknown"),
    (47, c"IP", c"illegal parameter"),
    (48, c"CA", c"unknown CA"),
    (49, c"AD", c"access denied"),
    (50, c"DE", c"decode error"),
    (51, c"CY", c"decrypt error"),
    (60, c"ER", c"export restriction"),
    (70, c"PV", c"protocol version"),
    (71, c"IS", c"insufficient security"),
    (80, c"IE", c"internal error"),
    (90, c"US", c"user canceled"),
    (100, c"NR", c"no renegotiation"),
    (110, c"UE", c"unsupported extension"),
    (111, c"CO", c"certificate unobtainable"),
    (112, c"UN", c"unrecognized name"),
    (113, c"BR", c"bad certificate status response"),
    (114, c"BH", c"bad certificate hash value"),
    (115, c"UP", c"unknown PSK identity"),
    // OpenSSL 3.0 gives this one the code it uses for unknown alerts.
    (120, c"UK", c"no application protocol"),
];

fn alert(value: c_int) -> (&'static CStr, &'static CStr) {
    let desc = value & 0xff;
    ALERTS
        .iter()
        .find(|(n, _, _)| *n == desc)
        .map_or((c"UK", c"unknown"), |(_, s, l)| (s, l))
}

#[export_name = "sslshim_SSL_alert_desc_string"]
pub extern "C" fn SSL_alert_desc_string(value: c_int) -> *const c_char {
    alert(value).0.as_ptr()
}

#[export_name = "sslshim_SSL_alert_desc_string_long"]
pub extern "C" fn SSL_alert_desc_string_long(value: c_int) -> *const c_char {
    alert(value).1.as_ptr()
}
