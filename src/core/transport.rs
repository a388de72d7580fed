//! What the core reads TLS records from and writes them to: the application's
//! BIOs in the library, in-memory pipes in tests. `Ok(0)` from `read` is end of
//! file; `ErrorKind::WouldBlock` means "retry later", as `BIO_should_retry` says;
//! `ErrorKind::NotConnected` means there is no BIO in that direction.

use std::io;

pub trait Transport: io::Read + io::Write {}
impl<T: io::Read + io::Write> Transport for T {}
