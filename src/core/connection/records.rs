//! Moving records between rustls and the BIO: one record at a time in, all
//! that is queued out.

use std::io::{self, Read, Write};

use super::{Connection, RwState, State};
use crate::core::error::{reason_for_tls_error, Error, Reason};
use crate::core::record_check::Protection;
use crate::core::record_reader::{Bounded, RecordBoundary};
use crate::core::transport::Transport;
use crate::core::verify;

impl Connection {
    /// Reads what the BIO has and lets rustls process it; the byte count read
    /// (0 at end of file).
    pub(super) fn read_records(&mut self, io: &mut dyn Transport) -> Result<usize, Error> {
        let conn = match &mut self.state {
            State::Handshaking(c) | State::Established(c) => c,
            _ => return Err(Error::Transport),
        };
        if !conn.is_handshaking() {
            self.boundary.expect.protection = protection_of(conn);
        }
        self.rwstate = RwState::Reading;
        let read = if self.settings.reads_ahead() {
            conn.read_tls(&mut ReadHalf(io))
        } else {
            read_record(conn, io, &mut self.boundary)
        };
        let n = match read {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Error::WouldBlock),
            Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                self.rwstate = RwState::Nothing;
                self.fail();
                return Err(Reason::READ_BIO_NOT_SET.into());
            }
            Err(_) => {
                self.rwstate = RwState::Nothing;
                return Err(self.refused_record().unwrap_or(Error::Transport));
            }
        };
        self.rwstate = RwState::Nothing;
        // Certificates arrive only during the handshake; after it, records are
        // processed without the verification scope and its allocations.
        let processed = if conn.is_handshaking() {
            if let Some(refresh) = &self.trust_refresh {
                refresh();
            }
            let _names = crate::core::ca_hints::Scope::enter(self.peer_ca_names.clone());
            let scope = verify::Scope::enter(verify::Request {
                host: self.settings.verify_host.clone(),
                verify_mode: self.settings.verify_mode,
                result: None,
                check: self.chain_check.clone(),
            });
            let processed = conn.process_new_packets();
            if let Some(code) = scope.finish() {
                self.verify_result = code;
            }
            processed
        } else {
            conn.process_new_packets()
        };
        match processed {
            Ok(_) => {
                // Answers rustls owes the peer (KeyUpdate, tickets) go out when
                // the BIO takes them; a full BIO leaves them queued, not lost.
                let _ = flush(conn, io, &mut RwState::Nothing);
                Ok(n)
            }
            Err(e) => {
                let _ = flush(conn, io, &mut RwState::Nothing);
                let tls12 = conn.protocol_version() == Some(rustls::ProtocolVersion::TLSv1_2);
                self.fail();
                let reason = match reason_for_tls_error(&e) {
                    Reason::DECRYPTION_FAILED_OR_BAD_RECORD_MAC if tls12 => {
                        Reason::TLS12_BAD_RECORD_MAC
                    }
                    r => r,
                };
                // OpenSSL's record layer marks a fatal alert from the peer as
                // its shutdown, wherever it arrives.
                if reason.is_alert() {
                    self.shutdown.received = true;
                }
                Err(Error::Ssl(reason))
            }
        }
    }
}

impl Connection {
    /// The failure for a record the header checks refused, if that is why
    /// reading stopped.
    pub(super) fn refused_record(&mut self) -> Option<Error> {
        let reason = self.boundary.take_violation()?;
        self.fail();
        Some(Error::Ssl(reason))
    }
}

/// Reads one record for rustls, or what the BIO has of it. rustls takes
/// at most 4 KiB per `read_tls`; while the BIO holds more of the record,
/// the rest is read before rustls processes it, since every pass over
/// an incomplete record moves what rustls holds of it onto itself.
fn read_record(
    conn: &mut rustls::Connection,
    io: &mut dyn Transport,
    boundary: &mut RecordBoundary,
) -> io::Result<usize> {
    let mut total = 0;
    loop {
        let ready = io.readable().unwrap_or(0);
        if total > 0 && (ready == 0 || boundary.at_record_start()) {
            return Ok(total);
        }
        match conn.read_tls(&mut Bounded {
            ready,
            inner: &mut ReadHalf(io),
            boundary,
        }) {
            Ok(0) if total > 0 => return Ok(total),
            Ok(n) if n > 0 => total += n,
            // The bytes read already are processed first; the failure
            // comes back at the next read.
            Err(_) if total > 0 => return Ok(total),
            r => return r,
        }
    }
}

/// How an established connection's records are protected.
fn protection_of(conn: &rustls::Connection) -> Protection {
    use rustls::CipherSuite as S;
    match conn.negotiated_cipher_suite().map(|s| s.suite()) {
        Some(S::TLS13_AES_128_GCM_SHA256)
        | Some(S::TLS13_AES_256_GCM_SHA384)
        | Some(S::TLS13_CHACHA20_POLY1305_SHA256) => Protection::Tls13,
        // An explicit 8-byte nonce and a 16-byte tag.
        Some(
            S::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
            | S::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
            | S::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
            | S::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ) => Protection::Tls12 { min_len: 24 },
        Some(_) => Protection::Tls12 { min_len: 0 },
        None => Protection::Clear,
    }
}

/// Sends everything rustls has queued; `WouldBlock` leaves the rest queued.
pub(super) fn flush(
    conn: &mut rustls::Connection,
    io: &mut dyn Transport,
    rwstate: &mut RwState,
) -> Result<(), Error> {
    while conn.wants_write() {
        *rwstate = RwState::Writing;
        match conn.write_tls(&mut WriteHalf(io)) {
            Ok(0) => return Err(Error::Transport),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Error::WouldBlock),
            // OpenSSL writes handshake records through a buffering BIO, which
            // without a BIO beneath fails silently: SSL_ERROR_SYSCALL. After
            // the handshake the record layer itself finds the BIO missing.
            Err(e) if e.kind() == io::ErrorKind::NotConnected && !conn.is_handshaking() => {
                *rwstate = RwState::Nothing;
                return Err(Reason::BIO_NOT_SET.into());
            }
            Err(_) => return Err(Error::Transport),
        }
    }
    *rwstate = RwState::Nothing;
    Ok(())
}

/// Lets rustls bring its record buffer back to its resting size, which it
/// does as a read starts with no partial record held: a read from a source
/// with nothing to give. Only for a buffer known to hold no bytes, as with
/// records read one at a time and the last one processed.
pub(super) fn release_read_buffer(conn: &mut rustls::Connection) {
    struct Nothing;
    impl Read for Nothing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::ErrorKind::WouldBlock.into())
        }
    }
    let _ = conn.read_tls(&mut Nothing);
}

pub(super) struct ReadHalf<'a>(pub(super) &'a mut dyn Transport);
impl Read for ReadHalf<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

pub(super) struct WriteHalf<'a>(pub(super) &'a mut dyn Transport);
impl Write for WriteHalf<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
