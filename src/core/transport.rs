//! What the core reads TLS records from and writes them to: the application's
//! BIOs in the library, in-memory pipes in tests. `Ok(0)` from `read` is end of
//! file; `ErrorKind::WouldBlock` means "retry later", as `BIO_should_retry` says;
//! `ErrorKind::NotConnected` means there is no BIO in that direction.

use std::io;

pub trait Transport: io::Read + io::Write {
    /// Bytes the read side holds now, when it can tell without reading: a
    /// failed read would change the retry state `SSL_get_error` reports from.
    fn readable(&self) -> Option<usize> {
        None
    }

    /// Marks the read side as wanting a retry, as OpenSSL does to its BIO
    /// when a read returns early on its own account (`SSL_MODE_AUTO_RETRY`
    /// cleared), so that `SSL_get_error` says `SSL_ERROR_WANT_READ` even on
    /// a blocking BIO.
    fn set_retry_read(&mut self) {}
}
