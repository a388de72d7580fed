//! The application's BIOs: ownership as `SSL_set_bio` defines it, and I/O for
//! the core, with `BIO_should_retry` turned into `WouldBlock`.

use std::io;

use libc::{c_int, c_long, c_void};
use openssl_sys::BIO;

use std::ptr;

use super::err;
use super::ffi;
use crate::core::transport::Transport;

/// One reference to a BIO; dropping it is `BIO_free_all`, as OpenSSL does when
/// an `SSL` lets go of its BIO.
#[derive(Debug)]
pub struct Bio(*mut BIO);

// A BIO is handed between threads with the SSL that owns it, as in OpenSSL.
unsafe impl Send for Bio {}

impl Bio {
    /// Takes over a reference the caller gives up.
    ///
    /// # Safety
    /// `p` is a live BIO the caller owns one reference to.
    pub unsafe fn adopt(p: *mut BIO) -> Option<Bio> {
        (!p.is_null()).then_some(Bio(p))
    }

    /// A second reference to the same BIO.
    pub fn another_ref(&self) -> Bio {
        unsafe { ffi::BIO_up_ref(self.0) };
        Bio(self.0)
    }

    pub fn as_ptr(&self) -> *mut BIO {
        self.0
    }

    /// A socket BIO over `fd` that leaves the descriptor open, as `SSL_set_fd` makes.
    pub fn socket(fd: c_int) -> Option<Bio> {
        unsafe {
            let b = ffi::BIO_new(ffi::BIO_s_socket());
            if b.is_null() {
                return None;
            }
            let mut fd = fd;
            openssl_sys::BIO_ctrl(
                b,
                ffi::BIO_C_SET_FD,
                ffi::BIO_NOCLOSE,
                &mut fd as *mut c_int as *mut c_void,
            );
            Some(Bio(b))
        }
    }

    /// The descriptor of the first descriptor BIO in the chain, or -1. A NULL
    /// BIO goes to libcrypto too, which queues its reason as under OpenSSL.
    pub fn fd(p: *mut BIO) -> c_int {
        unsafe {
            let d = ffi::BIO_find_type(p, ffi::BIO_TYPE_DESCRIPTOR);
            if d.is_null() {
                return -1;
            }
            let mut fd: c_int = -1;
            openssl_sys::BIO_ctrl(
                d,
                ffi::BIO_C_GET_FD,
                0,
                &mut fd as *mut c_int as *mut c_void,
            );
            fd
        }
    }

    pub fn is_socket_with_fd(p: *mut BIO, fd: c_int) -> bool {
        !p.is_null()
            && unsafe { ffi::BIO_method_type(p) } == (5 | 0x0400 | 0x0100)
            && Self::fd(p) == fd
    }
}

impl Drop for Bio {
    fn drop(&mut self) {
        unsafe { openssl_sys::BIO_free_all(self.0) }
    }
}

/// The read and write BIOs of one call, as the core's transport.
pub struct BioIo {
    pub rbio: *mut BIO,
    pub wbio: *mut BIO,
}

fn retry(b: *mut BIO) -> bool {
    unsafe { ffi::BIO_test_flags(b, ffi::BIO_FLAGS_SHOULD_RETRY) != 0 }
}

impl Transport for BioIo {
    fn readable(&self) -> Option<usize> {
        if self.rbio.is_null() {
            return Some(0);
        }
        let n =
            unsafe { openssl_sys::BIO_ctrl(self.rbio, ffi::BIO_CTRL_PENDING, 0, ptr::null_mut()) };
        Some(n.max(0) as usize)
    }

    fn set_retry_read(&mut self) {
        if self.rbio.is_null() {
            return;
        }
        let rws = ffi::BIO_FLAGS_READ | ffi::BIO_FLAGS_WRITE | ffi::BIO_FLAGS_IO_SPECIAL;
        unsafe {
            openssl_sys::BIO_clear_flags(self.rbio, rws | ffi::BIO_FLAGS_SHOULD_RETRY);
            openssl_sys::BIO_set_flags(
                self.rbio,
                ffi::BIO_FLAGS_READ | ffi::BIO_FLAGS_SHOULD_RETRY,
            );
        }
    }
}

impl io::Read for BioIo {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // A missing BIO is the core's to report: what OpenSSL says depends on
        // where the connection stands.
        if self.rbio.is_null() {
            return Err(io::ErrorKind::NotConnected.into());
        }
        let len = buf.len().min(c_int::MAX as usize) as c_int;
        let n = unsafe { openssl_sys::BIO_read(self.rbio, buf.as_mut_ptr() as *mut c_void, len) };
        if n > 0 {
            return Ok(n as usize);
        }
        if retry(self.rbio) {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        if n == 0 {
            return Ok(0);
        }
        Err(io::Error::other("BIO_read failed"))
    }
}

impl io::Write for BioIo {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.wbio.is_null() {
            return Err(io::ErrorKind::NotConnected.into());
        }
        let len = buf.len().min(c_int::MAX as usize) as c_int;
        let n = unsafe { openssl_sys::BIO_write(self.wbio, buf.as_ptr() as *const c_void, len) };
        if n > 0 {
            return Ok(n as usize);
        }
        if retry(self.wbio) {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Err(io::Error::other("BIO_write failed"))
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `SSL_ERROR_*` codes.
pub mod code {
    use libc::c_int;
    pub const NONE: c_int = 0;
    pub const SSL: c_int = 1;
    pub const WANT_READ: c_int = 2;
    pub const WANT_WRITE: c_int = 3;
    pub const SYSCALL: c_int = 5;
    pub const ZERO_RETURN: c_int = 6;
    pub const WANT_CONNECT: c_int = 7;
    pub const WANT_ACCEPT: c_int = 8;
    pub const WANT_CLIENT_HELLO_CB: c_int = 11;
}

/// What `SSL_get_error` derives from a BIO the last call waited on: the BIO's
/// retry flags say which way it must go next. A BIO that both reads and
/// writes (an application's own, or a socket) may carry both flags, when its
/// methods set one without clearing the other; OpenSSL then trusts the flag
/// of the direction the call was waiting for, so that goes first.
fn retry_code(b: *mut BIO, waiting_to_write: bool) -> Option<c_int> {
    if b.is_null() {
        return None;
    }
    let f = |flag| unsafe { ffi::BIO_test_flags(b, flag) != 0 };
    let (first, second) = if waiting_to_write {
        (
            (ffi::BIO_FLAGS_WRITE, code::WANT_WRITE),
            (ffi::BIO_FLAGS_READ, code::WANT_READ),
        )
    } else {
        (
            (ffi::BIO_FLAGS_READ, code::WANT_READ),
            (ffi::BIO_FLAGS_WRITE, code::WANT_WRITE),
        )
    };
    if f(first.0) {
        Some(first.1)
    } else if f(second.0) {
        Some(second.1)
    } else if f(ffi::BIO_FLAGS_IO_SPECIAL) {
        Some(match unsafe { ffi::BIO_get_retry_reason(b) } {
            ffi::BIO_RR_CONNECT => code::WANT_CONNECT,
            ffi::BIO_RR_ACCEPT => code::WANT_ACCEPT,
            _ => code::SYSCALL,
        })
    } else {
        None
    }
}

/// What the connection knows that `SSL_get_error` needs.
pub struct ErrorInputs {
    pub ret: c_long,
    pub want_read: bool,
    pub want_write: bool,
    /// The ClientHello callback asked to be called again.
    pub want_client_hello_cb: bool,
    pub received_close_notify: bool,
    pub rbio: *mut BIO,
    pub wbio: *mut BIO,
}

/// OpenSSL 3's `SSL_get_error`: the error queue first, then what the last
/// call waited for and what its BIO says, then close_notify, else SYSCALL.
pub fn ssl_get_error(i: &ErrorInputs) -> c_int {
    if i.ret > 0 {
        return code::NONE;
    }
    let queued = err::peek();
    if queued != 0 {
        return if err::lib_of(queued) == err::ERR_LIB_SYS {
            code::SYSCALL
        } else {
            code::SSL
        };
    }
    if i.want_read {
        if let Some(c) = retry_code(i.rbio, false) {
            return c;
        }
    }
    if i.want_write {
        if let Some(c) = retry_code(i.wbio, true) {
            return c;
        }
    }
    if i.want_client_hello_cb {
        return code::WANT_CLIENT_HELLO_CB;
    }
    if i.received_close_notify {
        return code::ZERO_RETURN;
    }
    code::SYSCALL
}
