//! `SSL_write(3)`, `SSL_read(3)`, `SSL_do_handshake(3)`, `SSL_connect(3)`,
//! `SSL_accept(3)`, `SSL_shutdown(3)`, `SSL_get_error(3)`, `SSL_pending(3)`.

use std::ffi::{c_void, CStr};

use libc::{c_int, size_t};

use super::connection::SSL;
use super::{deref, guard};
use crate::bridge::bio::{ssl_get_error, BioIo, ErrorInputs};
use crate::bridge::err;
use crate::core::connection::{Connection, Role, RwState};
use crate::core::error::{Error, Reason};

/// `ERR_R_SHOULD_NOT_HAVE_BEEN_CALLED`, flagged fatal and common.
const SHOULD_NOT_HAVE_BEEN_CALLED: Reason = Reason(257 | (0x3 << 18));

/// Runs one operation on the connection with its BIOs, the way OpenSSL's
/// entry points do: a failure with a reason leaves that reason on the queue
/// (a handshake step clears the queue first: see `StepHook`).
fn run<T>(
    ssl: &mut SSL,
    func: &'static CStr,
    op: impl FnOnce(&mut Connection, &mut BioIo) -> Result<T, Error>,
) -> Result<T, Error> {
    let _current = super::keylog::Current::enter(ssl);
    let before = super::info::enter(ssl);
    let handshaking_server = ssl.conn.role() == Role::Server
        && ssl.conn.in_init()
        && ssl.conn.pending_key_update().is_none();
    let r = ssl
        .start_if_needed()
        .and_then(|()| super::hello::client_hello_step(ssl))
        .and_then(|()| {
            let mut io = ssl.io();
            op(&mut ssl.conn, &mut io)
        });
    if let Some(reason) = r.as_ref().err().and_then(|e| e.reason()) {
        err::push(reason, func);
    }
    if handshaking_server && !ssl.conn.in_init() {
        super::session_ctx::server_handshake_done(ssl);
    }
    let reason = r.as_ref().err().and_then(|e| e.reason());
    super::info::leave(ssl, before, if r.is_ok() { 1 } else { -1 }, reason);
    r
}

fn handshake(s: *mut SSL, func: &'static CStr, role: Role) -> c_int {
    guard(func, -1, || {
        let ssl = deref!(c"SSL_do_handshake", s, -1);
        if ssl.conn.role() == Role::Unset {
            if role == Role::Unset {
                err::push(Reason(144), c"SSL_do_handshake"); // SSL_R_CONNECTION_TYPE_NOT_SET
                return -1;
            }
            ssl.conn.set_role(role);
        }
        if !ssl.conn.method_allows_role() {
            err::clear();
            err::push(SHOULD_NOT_HAVE_BEEN_CALLED, func);
            return 0;
        }
        match run(ssl, func, |c, io| c.handshake(io)) {
            Ok(()) => 1,
            Err(_) => -1,
        }
    })
}

#[export_name = "sslshim_SSL_do_handshake"]
pub unsafe extern "C" fn SSL_do_handshake(s: *mut SSL) -> c_int {
    handshake(s, c"SSL_do_handshake", Role::Unset)
}

#[export_name = "sslshim_SSL_connect"]
pub unsafe extern "C" fn SSL_connect(s: *mut SSL) -> c_int {
    handshake(s, c"SSL_connect", Role::Client)
}

#[export_name = "sslshim_SSL_accept"]
pub unsafe extern "C" fn SSL_accept(s: *mut SSL) -> c_int {
    handshake(s, c"SSL_accept", Role::Server)
}

/// The caller's buffer as a slice; `None` (with a reason queued) for NULL
/// with a nonzero length, where OpenSSL would read through the null pointer.
unsafe fn in_buf<'a>(buf: *const c_void, len: usize, func: &'static CStr) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if buf.is_null() {
        err::push(Reason::PASSED_NULL_PARAMETER, func);
        return None;
    }
    Some(unsafe { std::slice::from_raw_parts(buf as *const u8, len) })
}

unsafe fn out_buf<'a>(buf: *mut c_void, len: usize, func: &'static CStr) -> Option<&'a mut [u8]> {
    if len == 0 {
        return Some(&mut []);
    }
    if buf.is_null() {
        err::push(Reason::PASSED_NULL_PARAMETER, func);
        return None;
    }
    Some(unsafe { std::slice::from_raw_parts_mut(buf as *mut u8, len) })
}

fn write(s: *mut SSL, buf: *const c_void, len: usize, func: &'static CStr) -> Result<usize, Error> {
    let ssl = deref!(c"SSL_write", s, Err(Error::Transport));
    let Some(data) = (unsafe { in_buf(buf, len, func) }) else {
        return Err(Error::Transport);
    };
    run(ssl, func, |c, io| c.write(io, data, buf as usize))
}

#[export_name = "sslshim_SSL_write"]
pub unsafe extern "C" fn SSL_write(s: *mut SSL, buf: *const c_void, num: c_int) -> c_int {
    guard(c"SSL_write", -1, || {
        if num < 0 {
            err::push(Reason::BAD_LENGTH, c"SSL_write");
            return -1;
        }
        match write(s, buf, num as usize, c"SSL_write") {
            Ok(n) => n as c_int,
            Err(_) => -1,
        }
    })
}

#[export_name = "sslshim_SSL_write_ex"]
pub unsafe extern "C" fn SSL_write_ex(
    s: *mut SSL,
    buf: *const c_void,
    num: size_t,
    written: *mut size_t,
) -> c_int {
    guard(c"SSL_write_ex", 0, || {
        match write(s, buf, num, c"SSL_write_ex") {
            Ok(n) => {
                if let Some(w) = unsafe { written.as_mut() } {
                    *w = n;
                }
                1
            }
            Err(_) => 0,
        }
    })
}

fn read(
    s: *mut SSL,
    buf: *mut c_void,
    len: usize,
    peek: bool,
    func: &'static CStr,
) -> Result<usize, Error> {
    let ssl = deref!(c"SSL_read", s, Err(Error::Transport));
    let Some(data) = (unsafe { out_buf(buf, len, func) }) else {
        return Err(Error::Transport);
    };
    run(ssl, func, |c, io| c.read(io, data, peek))
}

fn read_int(s: *mut SSL, buf: *mut c_void, num: c_int, peek: bool, func: &'static CStr) -> c_int {
    guard(func, -1, || {
        if num < 0 {
            err::push(Reason::BAD_LENGTH, func);
            return -1;
        }
        match read(s, buf, num as usize, peek, func) {
            Ok(n) => n as c_int,
            Err(Error::ZeroReturn | Error::ReadEnded(_)) => 0,
            Err(_) => -1,
        }
    })
}

fn read_ex(
    s: *mut SSL,
    buf: *mut c_void,
    num: size_t,
    out: *mut size_t,
    peek: bool,
    func: &'static CStr,
) -> c_int {
    guard(func, 0, || match read(s, buf, num, peek, func) {
        // A read of nothing is not a success for OpenSSL's `_ex` forms.
        Ok(0) => 0,
        Ok(n) => {
            if let Some(o) = unsafe { out.as_mut() } {
                *o = n;
            }
            1
        }
        Err(_) => 0,
    })
}

#[export_name = "sslshim_SSL_read"]
pub unsafe extern "C" fn SSL_read(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    read_int(s, buf, num, false, c"SSL_read")
}

#[export_name = "sslshim_SSL_peek"]
pub unsafe extern "C" fn SSL_peek(s: *mut SSL, buf: *mut c_void, num: c_int) -> c_int {
    read_int(s, buf, num, true, c"SSL_peek")
}

#[export_name = "sslshim_SSL_read_ex"]
pub unsafe extern "C" fn SSL_read_ex(
    s: *mut SSL,
    buf: *mut c_void,
    num: size_t,
    readbytes: *mut size_t,
) -> c_int {
    read_ex(s, buf, num, readbytes, false, c"SSL_read_ex")
}

#[export_name = "sslshim_SSL_peek_ex"]
pub unsafe extern "C" fn SSL_peek_ex(
    s: *mut SSL,
    buf: *mut c_void,
    num: size_t,
    readbytes: *mut size_t,
) -> c_int {
    read_ex(s, buf, num, readbytes, true, c"SSL_peek_ex")
}

#[export_name = "sslshim_SSL_pending"]
pub unsafe extern "C" fn SSL_pending(s: *const SSL) -> c_int {
    guard(c"SSL_pending", 0, || {
        let ssl = deref!(c"SSL_pending", s as *mut SSL, 0);
        ssl.conn.pending().min(c_int::MAX as usize) as c_int
    })
}

#[export_name = "sslshim_SSL_has_pending"]
pub unsafe extern "C" fn SSL_has_pending(s: *const SSL) -> c_int {
    guard(c"SSL_has_pending", 0, || {
        let ssl = deref!(c"SSL_has_pending", s as *mut SSL, 0);
        c_int::from(ssl.conn.has_pending())
    })
}

#[export_name = "sslshim_SSL_shutdown"]
pub unsafe extern "C" fn SSL_shutdown(s: *mut SSL) -> c_int {
    guard(c"SSL_shutdown", -1, || {
        let ssl = deref!(c"SSL_shutdown", s, -1);
        let flags = ssl.conn.shutdown_flags();
        let r = ssl.conn.shutdown(&mut ssl.io());
        super::info::shutdown_alerts(ssl, flags);
        match r {
            Ok(done) => c_int::from(done),
            Err(e) => {
                if let Some(reason) = e.reason() {
                    err::push(reason, c"SSL_shutdown");
                }
                -1
            }
        }
    })
}

#[export_name = "sslshim_SSL_get_error"]
pub unsafe extern "C" fn SSL_get_error(s: *const SSL, ret_code: c_int) -> c_int {
    guard(c"SSL_get_error", crate::bridge::bio::code::SSL, || {
        let ssl = deref!(
            c"SSL_get_error",
            s as *mut SSL,
            crate::bridge::bio::code::SSL
        );
        ssl_get_error(&ErrorInputs {
            ret: ret_code.into(),
            want_read: ssl.conn.rwstate() == RwState::Reading,
            want_write: ssl.conn.rwstate() == RwState::Writing,
            want_client_hello_cb: ssl.conn.rwstate() == RwState::ClientHelloCb,
            received_close_notify: ssl.conn.shutdown_flags().received,
            rbio: ssl.rbio_ptr(),
            wbio: ssl.wbio_ptr(),
        })
    })
}

/// `SSL_want`: OpenSSL's `SSL_NOTHING` (1), `SSL_WRITING` (2), `SSL_READING` (3).
#[export_name = "sslshim_SSL_want"]
pub unsafe extern "C" fn SSL_want(s: *const SSL) -> c_int {
    guard(c"SSL_want", 1, || {
        let ssl = deref!(c"SSL_want", s as *mut SSL, 1);
        match ssl.conn.rwstate() {
            RwState::Nothing => 1,
            RwState::Writing => 2,
            RwState::Reading => 3,
            RwState::ClientHelloCb => 7,
        }
    })
}
