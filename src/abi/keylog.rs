//! `SSL_CTX_set_keylog_callback(3)`: rustls's `KeyLog` hands each secret to
//! the application's callback as an NSS key log line, with the `SSL` whose
//! handshake produced it. One configuration serves every connection of a
//! context, so the `SSL` in use is known through a per-thread marker set for
//! the duration of each call into the connection.

use std::cell::Cell;
use std::ffi::CString;
use std::fmt::Write;

use libc::c_char;

use super::connection::SSL;

pub type KeylogFn = unsafe extern "C" fn(*const SSL, *const c_char);

thread_local! {
    static CURRENT: Cell<*const SSL> = const { Cell::new(std::ptr::null()) };
}

/// Marks `ssl` as the connection at work on this thread until dropped.
pub(crate) struct Current(*const SSL);

impl Current {
    pub(crate) fn enter(ssl: *const SSL) -> Current {
        Current(CURRENT.with(|c| c.replace(ssl)))
    }
}

impl Drop for Current {
    fn drop(&mut self) {
        CURRENT.with(|c| c.set(self.0));
    }
}

/// The `SSL` whose call is running on this thread, or null.
pub(crate) fn current() -> *const SSL {
    CURRENT.with(Cell::get)
}

#[derive(Debug)]
pub(crate) struct CallbackKeyLog(pub KeylogFn);

impl rustls::KeyLog for CallbackKeyLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        let ssl = CURRENT.with(Cell::get);
        if ssl.is_null() {
            return;
        }
        let mut line =
            String::with_capacity(label.len() + 2 * (client_random.len() + secret.len()) + 2);
        line.push_str(label);
        line.push(' ');
        for b in client_random {
            let _ = write!(line, "{b:02x}");
        }
        line.push(' ');
        for b in secret {
            let _ = write!(line, "{b:02x}");
        }
        if let Ok(c) = CString::new(line) {
            unsafe { (self.0)(ssl, c.as_ptr()) };
        }
    }

    fn will_log(&self, _label: &str) -> bool {
        true
    }
}
