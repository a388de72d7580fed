//! One TLS connection as an `SSL` object sees it: its role, where the handshake
//! is, what the last call waited for, the shutdown flags, and the write state.
//! Every C call is one transition here; the BIO arrives with each call.

use std::io::{self, Read, Write};
use std::mem;
use std::sync::Arc;

use rustls::{ClientConfig, ServerConfig};

use super::context::{mode, Context, Method, TLS1_2_VERSION, TLS1_3_VERSION};
use super::error::{reason_for_tls_error, Error, Reason};
use super::record_reader::{Bounded, RecordBoundary};
use super::transport::Transport;
use super::verify::{self, x509_v};
use super::write_state::{RecordSink, SendFragment, WriteMode, WriteState};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Unset,
    Client,
    Server,
}

/// What the last call was waiting for (OpenSSL's `rwstate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RwState {
    Nothing,
    Reading,
    Writing,
}

enum State {
    /// Nothing sent or received yet.
    Idle,
    Handshaking(rustls::Connection),
    Established(rustls::Connection),
    /// A fatal error ended the connection; rustls is kept for what it learnt.
    Failed(Option<rustls::Connection>),
}

/// OpenSSL's `SSL_get_shutdown` flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShutdownFlags {
    pub sent: bool,
    pub received: bool,
}

impl ShutdownFlags {
    pub fn bits(self) -> i32 {
        i32::from(self.sent) | (i32::from(self.received) << 1)
    }
    pub fn from_bits(bits: i32) -> Self {
        Self {
            sent: bits & 1 != 0,
            received: bits & 2 != 0,
        }
    }
}

/// Settings an `SSL` takes from its `SSL_CTX` and may then change alone.
#[derive(Debug, Clone)]
pub struct Settings {
    pub mode: u64,
    pub options: u64,
    pub verify_mode: i32,
    pub sni: Option<String>,
    pub verify_host: Option<String>,
    pub send_fragment: SendFragment,
    pub quiet_shutdown: bool,
    /// `SSL_set_read_ahead`: let rustls take all the BIO has, not one record.
    pub read_ahead: bool,
}

impl Settings {
    pub fn from_context(ctx: &Context) -> Self {
        Self {
            mode: ctx.mode,
            options: ctx.options,
            verify_mode: ctx.verify_mode,
            sni: None,
            verify_host: None,
            send_fragment: ctx.send_fragment,
            quiet_shutdown: false,
            read_ahead: false,
        }
    }
}

/// Brings the context's trust anchors up to date with the application's
/// store. Applications may fill the store as late as inside their BIO's read
/// callback (curl does), so it is consulted after each read of handshake
/// records and before they are processed, when OpenSSL consults it.
pub type TrustRefresh = Arc<dyn Fn() + Send + Sync>;

pub struct Connection {
    role: Role,
    /// The roles the context's method allows.
    method: Method,
    state: State,
    rwstate: RwState,
    shutdown: ShutdownFlags,
    write: WriteState,
    /// Plaintext taken out of rustls by `SSL_peek` and not yet read.
    peeked: Vec<u8>,
    verify_result: i64,
    /// Where the BIO stands relative to record boundaries (no read-ahead).
    boundary: RecordBoundary,
    trust_refresh: Option<TrustRefresh>,
    pub settings: Settings,
}

impl Connection {
    pub fn new(ctx: &Context) -> Self {
        // As in OpenSSL, the method alone never chooses the role: that takes
        // SSL_set_connect_state/SSL_set_accept_state or SSL_connect/SSL_accept.
        Self {
            role: Role::Unset,
            method: ctx.method,
            state: State::Idle,
            rwstate: RwState::Nothing,
            shutdown: ShutdownFlags::default(),
            write: WriteState::default(),
            peeked: Vec::new(),
            verify_result: x509_v::OK,
            boundary: RecordBoundary::default(),
            trust_refresh: None,
            settings: Settings::from_context(ctx),
        }
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// `SSL_is_server`. Before a role is chosen OpenSSL answers from whether
    /// the method can accept, so `TLS_method` says server.
    pub fn is_server(&self) -> bool {
        match self.role {
            Role::Unset => self.method != Method::Client,
            r => r == Role::Server,
        }
    }

    /// False when the chosen role is one the method cannot play (a client from
    /// `TLS_server_method`): OpenSSL's handshake then fails before starting.
    pub fn method_allows_role(&self) -> bool {
        !matches!(
            (self.role, self.method),
            (Role::Client, Method::Server) | (Role::Server, Method::Client)
        )
    }

    pub fn set_trust_refresh(&mut self, f: TrustRefresh) {
        self.trust_refresh = Some(f);
    }

    /// `SSL_set_connect_state`/`SSL_set_accept_state`: choose a role and start
    /// over, as OpenSSL clears the handshake state there.
    pub fn set_role(&mut self, role: Role) {
        self.role = role;
        self.state = State::Idle;
        self.shutdown = ShutdownFlags::default();
        self.write = WriteState::default();
        self.peeked.clear();
        self.rwstate = RwState::Nothing;
    }

    pub fn rwstate(&self) -> RwState {
        self.rwstate
    }

    pub fn shutdown_flags(&self) -> ShutdownFlags {
        self.shutdown
    }

    pub fn set_shutdown_flags(&mut self, f: ShutdownFlags) {
        self.shutdown = f;
    }

    pub fn verify_result(&self) -> i64 {
        self.verify_result
    }

    pub fn set_verify_result(&mut self, v: i64) {
        self.verify_result = v;
    }

    /// OpenSSL's `SSL_in_init`: the handshake has not finished (or never will).
    pub fn in_init(&self) -> bool {
        !matches!(self.state, State::Established(_))
    }

    /// OpenSSL's `SSL_in_before`: no handshake message sent or received yet.
    pub fn in_before(&self) -> bool {
        matches!(self.state, State::Idle)
    }

    /// The role whose rustls configuration the connection needs before it can
    /// do anything, if it has none yet.
    pub fn needs_start(&self) -> Option<Role> {
        match (&self.state, self.role) {
            (State::Idle, Role::Client | Role::Server) => Some(self.role),
            _ => None,
        }
    }

    pub fn start_client(&mut self, config: Arc<ClientConfig>) -> Result<(), Error> {
        // Without SNI, an address as server name keeps rustls from sending one;
        // the verifier takes the host to check from `SSL_set1_host`, not from here.
        let name = self
            .settings
            .sni
            .as_deref()
            .and_then(|h| rustls::pki_types::ServerName::try_from(h.to_owned()).ok())
            .unwrap_or(rustls::pki_types::ServerName::IpAddress(
                std::net::Ipv4Addr::UNSPECIFIED.into(),
            ));
        let conn = rustls::ClientConnection::new(config, name)
            .map_err(|e| Error::Ssl(reason_for_tls_error(&e)))?;
        self.begin(conn.into());
        Ok(())
    }

    pub fn start_server(&mut self, config: Arc<ServerConfig>) -> Result<(), Error> {
        let conn = rustls::ServerConnection::new(config)
            .map_err(|e| Error::Ssl(reason_for_tls_error(&e)))?;
        self.begin(conn.into());
        Ok(())
    }

    fn begin(&mut self, mut conn: rustls::Connection) {
        // Records are sealed one at a time and sent before the next, so the
        // outgoing queue never needs a cap (and a cap would split a record).
        conn.set_buffer_limit(None);
        self.state = State::Handshaking(conn);
    }

    /// A fatal failure at start, such as a server with no certificate.
    pub fn fail(&mut self) {
        self.state = match mem::replace(&mut self.state, State::Idle) {
            State::Handshaking(c) | State::Established(c) => State::Failed(Some(c)),
            State::Failed(c) => State::Failed(c),
            State::Idle => State::Failed(None),
        };
    }

    fn tls(&self) -> Option<&rustls::Connection> {
        match &self.state {
            State::Handshaking(c) | State::Established(c) | State::Failed(Some(c)) => Some(c),
            _ => None,
        }
    }

    /// `SSL_do_handshake`, and the implicit handshake of a first read or write.
    pub fn handshake(&mut self, io: &mut dyn Transport) -> Result<(), Error> {
        if self.role == Role::Unset {
            return Err(Reason::UNINITIALIZED.into());
        }
        loop {
            let conn = match &mut self.state {
                State::Established(_) => return Ok(()),
                // OpenSSL's state machine refuses to run again after a fatal
                // error, pushing nothing: the caller sees SSL_ERROR_SYSCALL.
                State::Failed(_) => return Err(Error::Transport),
                State::Idle => return Err(Reason::UNINITIALIZED.into()),
                State::Handshaking(c) => c,
            };
            flush(conn, io, &mut self.rwstate)?;
            if !conn.is_handshaking() {
                if let State::Handshaking(c) = mem::replace(&mut self.state, State::Idle) {
                    self.state = State::Established(c);
                }
                return Ok(());
            }
            if self.read_records(io)? == 0 {
                self.fail();
                return Err(Reason::UNEXPECTED_EOF_WHILE_READING.into());
            }
        }
    }

    /// Reads what the BIO has and lets rustls process it; the byte count read
    /// (0 at end of file).
    fn read_records(&mut self, io: &mut dyn Transport) -> Result<usize, Error> {
        let conn = match &mut self.state {
            State::Handshaking(c) | State::Established(c) => c,
            _ => return Err(Error::Transport),
        };
        self.rwstate = RwState::Reading;
        let read = if self.settings.read_ahead {
            conn.read_tls(&mut ReadHalf(io))
        } else {
            conn.read_tls(&mut Bounded {
                inner: &mut ReadHalf(io),
                boundary: &mut self.boundary,
            })
        };
        let n = match read {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Error::WouldBlock),
            Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                self.rwstate = RwState::Nothing;
                self.fail();
                return Err(Reason::READ_BIO_NOT_SET.into());
            }
            Err(_) => return Err(Error::Transport),
        };
        self.rwstate = RwState::Nothing;
        // Certificates arrive only during the handshake; after it, records are
        // processed without the verification scope and its allocations.
        let processed = if conn.is_handshaking() {
            if let Some(refresh) = &self.trust_refresh {
                refresh();
            }
            let scope = verify::Scope::enter(verify::Request {
                host: self.settings.verify_host.clone(),
                verify_mode: self.settings.verify_mode,
                result: None,
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
                self.fail();
                Err(Error::Ssl(reason_for_tls_error(&e)))
            }
        }
    }

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
                    self.fail();
                    return Err(Reason::UNEXPECTED_EOF_WHILE_READING.into());
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

    /// `SSL_shutdown`: `Ok(true)` once close_notify went both ways, `Ok(false)`
    /// after ours is sent and the peer's not yet seen.
    pub fn shutdown(&mut self, io: &mut dyn Transport) -> Result<bool, Error> {
        if self.role == Role::Unset {
            return Err(Reason::UNINITIALIZED.into());
        }
        if self.in_init() {
            return Err(Reason::SHUTDOWN_WHILE_IN_INIT.into());
        }
        if self.settings.quiet_shutdown {
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
            conn.send_close_notify();
            flush(conn, io, &mut self.rwstate)?;
        } else if conn.wants_write() {
            flush(conn, io, &mut self.rwstate)?;
        } else if !self.shutdown.received {
            self.await_close_notify(io)?;
        }
        Ok(self.shutdown.sent && self.shutdown.received)
    }

    /// Reads until the peer's close_notify, dropping application data.
    fn await_close_notify(&mut self, io: &mut dyn Transport) -> Result<(), Error> {
        let mut scratch = [0u8; 4096];
        self.peeked.clear();
        loop {
            let State::Established(conn) = &mut self.state else {
                return Err(Error::Transport);
            };
            match conn.reader().read(&mut scratch) {
                Ok(0) => {
                    self.shutdown.received = true;
                    return Ok(());
                }
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.read_records(io)?;
                }
                Err(_) => return Err(Reason::UNEXPECTED_EOF_WHILE_READING.into()),
            }
        }
    }

    /// `SSL_get_version`'s protocol, once negotiated.
    pub fn version(&self) -> Option<i32> {
        self.tls()?.protocol_version().map(|v| match v {
            rustls::ProtocolVersion::TLSv1_3 => TLS1_3_VERSION,
            rustls::ProtocolVersion::TLSv1_2 => TLS1_2_VERSION,
            other => i32::from(u16::from(other)),
        })
    }

    pub fn cipher_suite(&self) -> Option<rustls::CipherSuite> {
        self.tls()?.negotiated_cipher_suite().map(|s| s.suite())
    }

    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.tls()?.alpn_protocol()
    }

    pub fn peer_certificates(&self) -> Option<&[rustls::pki_types::CertificateDer<'static>]> {
        self.tls()?.peer_certificates()
    }

    pub fn sni_hostname(&self) -> Option<&str> {
        match self.tls()? {
            rustls::Connection::Server(s) => s.server_name(),
            rustls::Connection::Client(_) => self.settings.sni.as_deref(),
        }
    }
}

/// Sends everything rustls has queued; `WouldBlock` leaves the rest queued.
fn flush(
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

struct ReadHalf<'a>(&'a mut dyn Transport);
impl Read for ReadHalf<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

struct WriteHalf<'a>(&'a mut dyn Transport);
impl Write for WriteHalf<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
