//! `SSL_read`, `SSL_peek`, `SSL_pending`.

use std::io::{self, Read};

use super::{Connection, Role, RwState, State};
use crate::core::error::{Error, Reason};
use crate::core::transport::Transport;

impl Connection {
    /// `SSL_read_ex` and `SSL_peek_ex`.
    pub fn read(
        &mut self,
        io: &mut dyn Transport,
        buf: &mut [u8],
        peek: bool,
    ) -> Result<usize, Error> {
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
                    self.read_records(io)?;
                }
                Err(_) => {
                    if self.eof_as_close_notify() {
                        return Err(Error::ZeroReturn);
                    }
                    self.fail();
                    return Err(Error::UnexpectedEof);
                }
            }
        }
    }

    /// A read of 0 bytes. OpenSSL still processes a record when none is
    /// pending, then returns 0 (`SSL_read_ex` fails); with nothing to read it
    /// wants to read like any other.
    fn read_nothing(&mut self, io: &mut dyn Transport) -> Result<usize, Error> {
        while self.pending() == 0 {
            let n = self.read_records(io)?;
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
}
