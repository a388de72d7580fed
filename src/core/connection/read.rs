//! `SSL_read`, `SSL_peek`, `SSL_pending`.

use std::io::{self, Read};
use std::mem;

use super::{Connection, Role, RwState, State};
use crate::core::context::mode;
use crate::core::error::{Error, Reason};
use crate::core::transport::Transport;

const CONTENT_HANDSHAKE: u8 = 22;
const CONTENT_APPLICATION_DATA: u8 = 23;

impl Connection {
    /// `SSL_read_ex` and `SSL_peek_ex`.
    pub fn read(
        &mut self,
        io: &mut dyn Transport,
        buf: &mut [u8],
        peek: bool,
    ) -> Result<usize, Error> {
        crate::core::fault::point("read");
        if self.role == Role::Unset {
            return Err(Reason::UNINITIALIZED.into());
        }
        self.rwstate = RwState::Nothing;
        // OpenSSL answers from the flag alone, so `SSL_set_shutdown` and a
        // quiet shutdown end reading too, before any handshake.
        if self.shutdown.received {
            return Err(Error::ZeroReturn);
        }
        if self.in_init() {
            self.handshake(io)?;
        }
        if buf.is_empty() {
            return self.read_nothing(io);
        }
        loop {
            if !self.peeked.is_empty() {
                self.top_up_peeked(buf.len());
                let n = buf.len().min(self.peeked.len());
                buf[..n].copy_from_slice(&self.peeked[..n]);
                if !peek {
                    self.peeked.drain(..n);
                }
                return Ok(n);
            }
            let State::Established(conn) = &mut self.state else {
                return Err(Error::Transport);
            };
            match conn.reader().read(buf) {
                Ok(0) => {
                    self.shutdown.received = true;
                    return Err(Error::ZeroReturn);
                }
                Ok(n) if peek => self.peeked.extend_from_slice(&buf[..n]),
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.next_record(io)?;
                }
                Err(_) => {
                    if self.eof_as_close_notify() {
                        return Err(Error::ZeroReturn);
                    }
                    self.fail();
                    return Err(Error::ReadEnded(Reason::UNEXPECTED_EOF_WHILE_READING));
                }
            }
        }
    }

    /// A fatal alert from the peer ends reading the way OpenSSL's record
    /// layer ends it: the reason queued (the received-shutdown flag is set
    /// where records are read), and 0 returned where other failures return -1.
    fn alert_closes(e: Error) -> Error {
        match e {
            Error::Ssl(r) if r.is_alert() => Error::ReadEnded(r),
            e => e,
        }
    }

    /// A read of 0 bytes. OpenSSL still processes a record when none is
    /// pending, then returns 0 (`SSL_read_ex` fails); with nothing to read it
    /// wants to read like any other.
    fn read_nothing(&mut self, io: &mut dyn Transport) -> Result<usize, Error> {
        while self.pending() == 0 {
            let n = self.next_record(io)?;
            let closed = match &mut self.state {
                State::Established(c) => c
                    .process_new_packets()
                    .map_or(true, |s| s.peer_has_closed()),
                _ => true,
            };
            if self.pending() == 0 && (n == 0 || closed) {
                // The end of the stream, reported as a read reports it.
                return self.read(io, &mut [0u8; 1], true);
            }
        }
        Ok(0)
    }

    /// Reads and processes the next record for a read, then, without
    /// `SSL_MODE_AUTO_RETRY`, returns early as OpenSSL does when that record
    /// held handshake messages (a TLS 1.3 NewSessionTicket or KeyUpdate) and
    /// no more is buffered: -1 with the read BIO marked to retry, even when
    /// it blocks. OpenSSL returns once per message; rustls takes a record
    /// whole, so the returns still owed for its other messages come first.
    fn next_record(&mut self, io: &mut dyn Transport) -> Result<usize, Error> {
        if self.early_returns_owed > 0 {
            self.early_returns_owed -= 1;
            return Err(self.return_early(io));
        }
        let tickets = self.tickets_received();
        let n = self.read_records(io).map_err(Self::alert_closes)?;
        if self.settings.mode & mode::AUTO_RETRY != 0
            || self.settings.reads_ahead()
            || n == 0
            || !self.boundary.at_record_start()
            || !self.record_was_handshake()
        {
            return Ok(n);
        }
        let messages = self.tickets_received() - tickets;
        if messages == 0 && mem::take(&mut self.key_update_answer_unasked) {
            return Ok(n);
        }
        self.early_returns_owed = messages.saturating_sub(1);
        Err(self.return_early(io))
    }

    fn return_early(&mut self, io: &mut dyn Transport) -> Error {
        self.rwstate = RwState::Reading;
        io.set_retry_read();
        Error::WouldBlock
    }

    /// Whether the record just read in full held handshake messages: after
    /// the handshake, a record that brought no plaintext and no close_notify.
    fn record_was_handshake(&mut self) -> bool {
        let State::Established(conn) = &mut self.state else {
            return false;
        };
        let Ok(st) = conn.process_new_packets() else {
            return false;
        };
        if st.plaintext_bytes_to_read() > 0 || st.peer_has_closed() {
            return false;
        }
        // TLS 1.3 hides the content type inside the protected record.
        let handshake_type = match conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => CONTENT_APPLICATION_DATA,
            _ => CONTENT_HANDSHAKE,
        };
        self.boundary.last_type() == handshake_type
    }

    fn tickets_received(&self) -> u32 {
        match &self.state {
            State::Established(rustls::Connection::Client(c)) => c.tls13_tickets_received(),
            _ => 0,
        }
    }

    /// Adds to what `SSL_peek` took out of rustls, up to `want` bytes, from
    /// records already processed: a later peek or read sees the rest of the
    /// record, as OpenSSL's does, not just what the first peek asked for.
    fn top_up_peeked(&mut self, want: usize) {
        let State::Established(conn) = &mut self.state else {
            return;
        };
        let have = self.peeked.len();
        if have >= want {
            return;
        }
        self.peeked.resize(want, 0);
        let got = conn.reader().read(&mut self.peeked[have..]).unwrap_or(0);
        self.peeked.truncate(have + got);
    }

    /// `SSL_pending`: plaintext bytes a read would return without the BIO.
    pub fn pending(&mut self) -> usize {
        let buffered = match &mut self.state {
            State::Established(c) => c
                .process_new_packets()
                .map(|s| s.plaintext_bytes_to_read())
                .unwrap_or(0),
            _ => 0,
        };
        self.peeked.len() + buffered
    }

    /// `SSL_has_pending`: plaintext to read, or part of a record read from
    /// the BIO and waiting for the rest.
    pub fn has_pending(&mut self) -> bool {
        self.pending() > 0 || (!self.settings.reads_ahead() && self.boundary.holds_partial())
    }
}
