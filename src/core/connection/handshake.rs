//! The handshake, run by `SSL_do_handshake` and implicitly by the first read
//! or write.

use std::mem;

use super::records::{flush, release_read_buffer};
use super::{Connection, Role, State};
use crate::core::context::TLS1_3_VERSION;
use crate::core::error::{reason_for_tls_error, Error, Reason};
use crate::core::transport::Transport;

/// `SSL_KEY_UPDATE_NOT_REQUESTED` and `SSL_KEY_UPDATE_REQUESTED`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUpdate {
    NotRequested,
    Requested,
}

impl KeyUpdate {
    pub fn from_c(t: i32) -> Option<Self> {
        match t {
            0 => Some(Self::NotRequested),
            1 => Some(Self::Requested),
            _ => None,
        }
    }
}

impl Connection {
    /// `SSL_key_update`: checked as OpenSSL checks it, and sent by the next
    /// handshake step, read or write. rustls always asks the peer to update
    /// too, so `NotRequested` goes out as a request.
    pub fn request_key_update(&mut self, kind: i32) -> Result<(), Error> {
        if self.version() != Some(TLS1_3_VERSION) {
            return Err(Reason::WRONG_SSL_VERSION.into());
        }
        let kind = KeyUpdate::from_c(kind).ok_or(Reason::INVALID_KEY_UPDATE_TYPE)?;
        if self.in_init() {
            return Err(Reason::STILL_IN_INIT.into());
        }
        if self.write.record_pending() {
            return Err(Reason::BAD_WRITE_RETRY.into());
        }
        self.key_update = Some(kind);
        Ok(())
    }

    /// `SSL_get_key_update_type`.
    pub fn pending_key_update(&self) -> Option<KeyUpdate> {
        self.key_update
    }

    /// `SSL_do_handshake`, and the implicit handshake of a first read or write.
    pub fn handshake(&mut self, io: &mut dyn Transport) -> Result<(), Error> {
        let r = self.tapped(io, Self::run_handshake);
        if r.is_ok() {
            // The hellos are whole until here (the taps are out while the
            // handshake runs).
            if self.peer_tmp_key.is_none() {
                self.peer_tmp_key = self.peer_key_share();
            }
            self.hellos.drop_extensions();
        }
        r
    }

    fn run_handshake(&mut self, io: &mut dyn Transport) -> Result<(), Error> {
        crate::core::fault::point("handshake");
        if self.role == Role::Unset {
            return Err(Reason::UNINITIALIZED.into());
        }
        if self.in_init() && !matches!(self.state, State::Failed(_)) {
            if let Some(hook) = &self.step_hook {
                hook();
            }
        }
        loop {
            let conn = match &mut self.state {
                State::Established(c) => {
                    if let Some(kind) = self.key_update.take() {
                        self.key_update_answer_unasked = kind == KeyUpdate::NotRequested;
                        c.refresh_traffic_keys()
                            .map_err(|e| Error::Ssl(reason_for_tls_error(&e)))?;
                    }
                    return flush(c, io, &mut self.rwstate);
                }
                // OpenSSL's state machine refuses to run again after a fatal
                // error, pushing nothing: the caller sees SSL_ERROR_SYSCALL.
                State::Failed(_) => return Err(Error::Transport),
                State::Idle if self.legacy.is_some() => return self.run_legacy_hello(io),
                State::Idle => return Err(Reason::UNINITIALIZED.into()),
                // The library runs the ClientHello step before any other.
                State::Accepting(_) | State::HelloReceived(_) => return Err(Error::Transport),
                State::Handshaking(c) => c,
            };
            match flush(conn, io, &mut self.rwstate) {
                // rustls queues some records sooner than OpenSSL would (a TLS
                // 1.3 client's compatibility ChangeCipherSpec right after
                // ServerHello). When the BIO cannot take them yet, reading
                // what the peer has sent keeps a handshake moving that
                // OpenSSL's order would not have stalled.
                Err(Error::WouldBlock)
                    if conn.is_handshaking() && io.readable().is_some_and(|n| n > 0) =>
                {
                    self.read_records(io)?;
                    continue;
                }
                r => r?,
            }
            if !conn.is_handshaking() {
                // The handshake's flights grew rustls's record buffer, which
                // it shrinks only as its next read starts: an idle
                // connection would hold the larger buffer until then.
                if !self.settings.reads_ahead() && self.boundary.at_record_start() {
                    release_read_buffer(conn);
                }
                if let State::Handshaking(c) = mem::replace(&mut self.state, State::Idle) {
                    self.state = State::Established(c);
                }
                self.stamp_session();
                return Ok(());
            }
            if self.read_records(io)? == 0 {
                if self.eof_as_close_notify() {
                    // -1 with nothing queued: SSL_get_error answers
                    // ZERO_RETURN from the flags.
                    self.fail();
                    return Err(Error::Transport);
                }
                self.fail();
                return Err(Reason::UNEXPECTED_EOF_WHILE_READING.into());
            }
        }
    }
}
