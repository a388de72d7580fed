//! `SSL_shutdown`: close_notify sent, then awaited.

use std::io::{self, Read};

use super::records::flush;
use super::{Connection, Role, ShutdownFlags, State};
use crate::core::error::{Error, Reason};
use crate::core::transport::Transport;

impl Connection {
    /// `SSL_shutdown`: `Ok(true)` once close_notify went both ways, `Ok(false)`
    /// after ours is sent and the peer's not yet seen.
    pub fn shutdown(&mut self, io: &mut dyn Transport) -> Result<bool, Error> {
        if self.role == Role::Unset {
            return Err(Reason::UNINITIALIZED.into());
        }
        if self.in_init() {
            return Err(Reason::SHUTDOWN_WHILE_IN_INIT.into());
        }
        if self.settings.quiet_shutdown != 0 {
            self.shutdown = ShutdownFlags {
                sent: true,
                received: true,
            };
            return Ok(true);
        }
        let State::Established(conn) = &mut self.state else {
            return Err(Error::Transport);
        };
        if !self.shutdown.sent {
            self.shutdown.sent = true;
            if self.write.record_pending() {
                // OpenSSL puts no alert behind a record it has not finished
                // sending: it keeps the close_notify back and reports
                // WANT_WRITE from the interrupted write's state.
                self.close_notify_deferred = true;
                return Err(Error::WouldBlock);
            }
            conn.send_close_notify();
            flush(conn, io, &mut self.rwstate)?;
        } else if self.close_notify_deferred {
            // Sending it now would mean a record of another type while an
            // application-data record is half out, which OpenSSL's record
            // layer refuses, fatally. The interrupted write cannot be finished
            // either: close_notify counts as sent.
            self.fail();
            return Err(Reason::BAD_WRITE_RETRY.into());
        } else if conn.wants_write() {
            flush(conn, io, &mut self.rwstate)?;
        } else if !self.shutdown.received {
            self.await_close_notify(io)?;
        }
        Ok(self.shutdown.sent && self.shutdown.received)
    }

    /// Reads until the peer's close_notify. Application data in its place is
    /// fatal, as in OpenSSL, whose shutdown reads no data for anyone; the
    /// close_notify already sent keeps any alert from going out.
    fn await_close_notify(&mut self, io: &mut dyn Transport) -> Result<(), Error> {
        let mut scratch = [0u8; 1];
        if !self.peeked.is_empty() {
            self.fail();
            return Err(Reason::APPLICATION_DATA_AFTER_CLOSE_NOTIFY.into());
        }
        loop {
            let State::Established(conn) = &mut self.state else {
                return Err(Error::Transport);
            };
            match conn.reader().read(&mut scratch) {
                Ok(0) => {
                    self.shutdown.received = true;
                    return Ok(());
                }
                Ok(_) => {
                    self.fail();
                    return Err(Reason::APPLICATION_DATA_AFTER_CLOSE_NOTIFY.into());
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.read_records(io)?;
                }
                Err(_) if self.eof_as_close_notify() => return Ok(()),
                Err(_) => {
                    self.fail();
                    return Err(Reason::UNEXPECTED_EOF_WHILE_READING.into());
                }
            }
        }
    }
}
