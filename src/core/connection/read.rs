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
            return Ok(0);
        }
        loop {
            if !self.peeked.is_empty() {
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
