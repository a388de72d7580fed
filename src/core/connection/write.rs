//! `SSL_write`: OpenSSL's checks, then the write state over rustls.

use std::io::Write;

use super::records::flush;
use super::{Connection, Role, RwState, State};
use crate::core::context::mode;
use crate::core::error::{Error, Reason};
use crate::core::transport::Transport;
use crate::core::write_state::{RecordSink, WriteMode};

impl Connection {
    /// Checks OpenSSL makes before any write: a role, no close_notify sent.
    fn check_writable(&mut self) -> Result<(), Error> {
        if self.role == Role::Unset {
            return Err(Reason::UNINITIALIZED.into());
        }
        if self.shutdown.sent {
            self.rwstate = RwState::Nothing;
            return Err(Reason::PROTOCOL_IS_SHUTDOWN.into());
        }
        Ok(())
    }

    /// `SSL_write_ex`: `buf` lives at `addr` in the caller's memory, which a
    /// retry must repeat unless the mode allows a moving buffer.
    pub fn write(
        &mut self,
        io: &mut dyn Transport,
        buf: &[u8],
        addr: usize,
    ) -> Result<usize, Error> {
        crate::core::fault::point("write");
        self.check_writable()?;
        self.rwstate = RwState::Nothing;
        if let Err(e) = self.write.check_length(buf.len()) {
            self.fail();
            return Err(e);
        }
        if self.in_init() {
            self.handshake(io)?;
        }
        let mode = WriteMode {
            partial: self.settings.mode & mode::ENABLE_PARTIAL_WRITE != 0,
            moving_buffer: self.settings.mode & mode::ACCEPT_MOVING_WRITE_BUFFER != 0,
            max_fragment: self.settings.send_fragment.record_size(),
        };
        let State::Established(conn) = &mut self.state else {
            return Err(Error::Transport);
        };
        let mut sink = Sink {
            conn,
            io,
            rwstate: &mut self.rwstate,
        };
        let result = self.write.write(&mut sink, buf, addr, mode);
        if let Err(Error::Ssl(_)) = result {
            self.fail();
        }
        result
    }
}

struct Sink<'a> {
    conn: &'a mut rustls::Connection,
    io: &'a mut dyn Transport,
    rwstate: &'a mut RwState,
}

impl RecordSink for Sink<'_> {
    fn seal(&mut self, plaintext: &[u8]) -> Result<(), Error> {
        match self.conn.writer().write(plaintext) {
            Ok(n) if n == plaintext.len() => Ok(()),
            _ => Err(Error::Transport),
        }
    }
    fn flush(&mut self) -> Result<(), Error> {
        flush(self.conn, self.io, self.rwstate)
    }
}
