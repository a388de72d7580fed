//! One TLS connection as an `SSL` object sees it: its role, where the handshake
//! is, what the last call waited for, the shutdown flags, and the write state.
//! Every C call is one transition here; the BIO arrives with each call.

use std::mem;
use std::sync::Arc;

use rustls::{ClientConfig, ServerConfig};

use super::client_hello::ClientHelloView;
use super::context::{Context, Method, Variant, TLS1_2_VERSION, TLS1_3_VERSION};
use super::error::{reason_for_tls_error, Error};
use super::hello_tap::HelloTaps;
use super::record_reader::RecordBoundary;
use super::session::{ConnectionStore, NewSessionHook, Session};
use super::verify::{self, x509_v};
use super::write_state::{SendFragment, WriteState};

mod accept;
pub use accept::{ClientHello, AD_NO_APPLICATION_PROTOCOL, AD_UNRECOGNIZED_NAME};
mod handshake;
pub use handshake::KeyUpdate;
mod hellos;
mod legacy;
mod read;
mod records;
mod session;
mod shutdown;
mod write;

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
    /// The ClientHello callback asked to be called again.
    ClientHelloCb,
}

enum State {
    /// Nothing sent or received yet.
    Idle,
    /// A server waiting for the ClientHello before it picks its configuration.
    Accepting(Box<rustls::server::Acceptor>),
    /// The ClientHello is in; the application's callbacks choose the rest.
    HelloReceived(Box<rustls::server::Accepted>),
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
    /// `SSL_set_min_proto_version`/`SSL_set_max_proto_version`, 0 for none.
    pub min_version: i32,
    pub max_version: i32,
    pub sni: Option<String>,
    pub verify_host: Option<String>,
    pub send_fragment: SendFragment,
    /// `SSL_set_quiet_shutdown`'s value as given; nonzero means quiet.
    pub quiet_shutdown: i32,
    /// The version of a fixed-version method, 0 for `TLS_method`: what
    /// `SSL_version` reports before one is negotiated.
    pub fixed_version: i32,
    /// `SSL_set_read_ahead`, the value as given (OpenSSL returns it so);
    /// nonzero lets rustls take all the BIO has, not one record.
    pub read_ahead: i32,
    /// `SSL_set_alpn_protos`: the client's own list, in place of its context's.
    pub alpn: Option<Vec<Vec<u8>>>,
    /// The suites, copied from the context at `SSL_new` as OpenSSL copies
    /// its cipher list; `SSL_set_cipher_list` changes this copy alone.
    pub suites: crate::core::cipher::Suites,
    /// `SSL_set_session_id_context`, given to the sessions made here.
    pub sid_ctx: Vec<u8>,
    /// The context's session timeout, in seconds, for new sessions.
    pub session_timeout: i64,
}

impl Settings {
    pub fn reads_ahead(&self) -> bool {
        self.read_ahead != 0
    }

    /// What of these settings decides the connection's rustls configuration.
    pub fn variant(&self) -> Variant {
        Variant {
            options: self.options,
            verify_mode: self.verify_mode,
            min_version: self.min_version,
            max_version: self.max_version,
            suites: self.suites.clone(),
        }
    }

    pub fn from_context(ctx: &Context) -> Self {
        Self {
            mode: ctx.mode,
            options: ctx.options,
            verify_mode: ctx.verify_mode,
            min_version: ctx.min_version(),
            max_version: ctx.max_version(),
            sni: None,
            verify_host: None,
            send_fragment: ctx.send_fragment,
            quiet_shutdown: 0,
            read_ahead: 0,
            fixed_version: ctx.fixed_version,
            alpn: None,
            suites: ctx.suites(),
            sid_ctx: ctx.session_id_context.clone(),
            session_timeout: ctx.session_timeout,
        }
    }
}

/// Brings the context's trust anchors up to date with the application's
/// store. Applications may fill the store as late as inside their BIO's read
/// callback (curl does), so it is consulted after each read of handshake
/// records and before they are processed, when OpenSSL consults it.
pub type TrustRefresh = Arc<dyn Fn() + Send + Sync>;

/// Called as each handshake step starts. OpenSSL's state machine clears the
/// error queue and `errno` there, and only there: a call refused before the
/// handshake runs (after `SSL_shutdown`, or for a bad length) leaves the
/// queue as the caller had it.
pub type StepHook = Arc<dyn Fn() + Send + Sync>;

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
    pub(super) chain_check: Option<verify::ChainCheck>,
    step_hook: Option<StepHook>,
    /// `SSL_shutdown` was called with a record still pending: close_notify is
    /// owed but not queued (OpenSSL's `alert_dispatch` in that situation).
    close_notify_deferred: bool,
    /// A KeyUpdate asked for with `SSL_key_update`, sent by the next call.
    key_update: Option<KeyUpdate>,
    /// What a server learnt from the ClientHello when it stopped there.
    hello: Option<ClientHello>,
    /// The hellos as they crossed the wire (see `hello_tap`).
    hellos: HelloTaps,
    /// The ClientHello for the application's callbacks, while they run.
    hello_view: Option<ClientHelloView>,
    /// The ClientHello callback is running (see `client_random`).
    in_client_hello_cb: bool,
    /// `SSL_set_session`: what a client offers to resume.
    offered_session: Option<Arc<Session>>,
    /// What this handshake leaves for `SSL_get1_session`.
    session: Arc<Session>,
    new_session_hook: Option<NewSessionHook>,
    /// The servername callback accepted the client's name, which OpenSSL
    /// then records in the session.
    sni_acknowledged: bool,
    /// The negotiated group and the peer's key share (TLS 1.3).
    peer_tmp_key: Option<(u16, Vec<u8>)>,
    /// Reads still to return early, without `SSL_MODE_AUTO_RETRY`, for
    /// handshake messages already processed (see `read.rs`).
    early_returns_owed: u32,
    /// A KeyUpdate of ours went out as a request although the caller asked
    /// for none, so the peer's answer is one OpenSSL would never have seen.
    key_update_answer_unasked: bool,
    /// The CA names of the server's CertificateRequest, once one came.
    peer_ca_names: super::ca_hints::PeerCaNames,
    pub settings: Settings,
    /// The ClientHello of a TLS 1.0 or 1.1 method, sent in place of rustls's.
    legacy: Option<legacy::LegacyHello>,
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
            chain_check: None,
            step_hook: None,
            close_notify_deferred: false,
            key_update: None,
            hello: None,
            hellos: HelloTaps::default(),
            hello_view: None,
            in_client_hello_cb: false,
            offered_session: None,
            session: Arc::default(),
            new_session_hook: None,
            sni_acknowledged: false,
            peer_tmp_key: None,
            early_returns_owed: 0,
            key_update_answer_unasked: false,
            peer_ca_names: Arc::default(),
            settings: Settings::from_context(ctx),
            legacy: None,
        }
    }

    /// Record bookkeeping for a new connection: its first record is checked
    /// as OpenSSL checks a first record.
    fn fresh_boundary(&self) -> RecordBoundary {
        let mut b = RecordBoundary::default();
        b.expect.first_record = true;
        b.expect.server = self.role == Role::Server;
        b
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

    pub fn set_chain_check(&mut self, f: verify::ChainCheck) {
        self.chain_check = Some(f);
    }

    pub fn set_new_session_hook(&mut self, f: NewSessionHook) {
        self.new_session_hook = Some(f);
    }

    pub fn set_step_hook(&mut self, f: StepHook) {
        self.step_hook = Some(f);
    }

    /// `SSL_set_connect_state`/`SSL_set_accept_state`: choose a role and start
    /// over, as OpenSSL clears the handshake state there.
    pub fn set_role(&mut self, role: Role) {
        self.role = role;
        self.clear();
    }

    /// `SSL_clear`: ready for a new handshake in the same role, with the same
    /// settings; everything the last connection left behind is dropped.
    pub fn clear(&mut self) {
        self.state = State::Idle;
        self.peer_ca_names = Arc::default();
        self.shutdown = ShutdownFlags::default();
        self.write = WriteState::default();
        self.peeked = Vec::new();
        self.rwstate = RwState::Nothing;
        self.verify_result = x509_v::OK;
        self.boundary = self.fresh_boundary();
        self.key_update = None;
        self.early_returns_owed = 0;
        self.key_update_answer_unasked = false;
        self.close_notify_deferred = false;
        self.hello = None;
        self.hellos = HelloTaps::default();
        self.hello_view = None;
        self.sni_acknowledged = false;
        self.peer_tmp_key = None;
        self.legacy = None;
        // OpenSSL keeps the session through SSL_clear and offers it again.
        if self.session.resumable() {
            self.offered_session = Some(self.session.clone());
        }
        self.session = Arc::default();
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
        !matches!(self.state, State::Established(_)) || self.key_update.is_some()
    }

    /// A client's view of the server's CertificateRequest: the CA names it
    /// listed, `None` when no certificate was asked for.
    pub fn peer_ca_names(&self) -> Option<Vec<Vec<u8>>> {
        self.peer_ca_names
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The handshake or the connection ended in a fatal error.
    pub fn failed(&self) -> bool {
        matches!(self.state, State::Failed(_))
    }

    /// OpenSSL's `SSL_in_before`: no handshake message sent or received yet.
    pub fn in_before(&self) -> bool {
        matches!(self.state, State::Idle)
    }

    /// The role whose rustls configuration the connection needs before it can
    /// do anything, if it has none yet.
    pub fn needs_start(&self) -> Option<Role> {
        match (&self.state, self.role) {
            (State::Idle, Role::Client | Role::Server) if self.legacy.is_none() => Some(self.role),
            _ => None,
        }
    }

    pub fn start_client(&mut self, mut config: Arc<ClientConfig>) -> Result<(), Error> {
        // Each connection resumes only what it was given and keeps what it
        // gets, so it needs a session store of its own.
        let mut own = (*config).clone();

        if let Some(alpn) = &self.settings.alpn {
            own.alpn_protocols = alpn.clone();
        }
        own.resumption = rustls::client::Resumption::store(Arc::new(ConnectionStore {
            offer: self.offered_session.clone(),
            got: self.session.clone(),
            on_new: self.new_session_hook.clone(),
        }));
        config = Arc::new(own);
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

    /// Whether an EOF without close_notify is taken as close_notify
    /// (`SSL_OP_IGNORE_UNEXPECTED_EOF`). If so OpenSSL sets the shutdown flags
    /// to exactly "received", dropping "sent", and the caller sees
    /// `SSL_ERROR_ZERO_RETURN`.
    fn eof_as_close_notify(&mut self) -> bool {
        if self.settings.options & crate::core::options::IGNORE_UNEXPECTED_EOF == 0 {
            return false;
        }
        self.shutdown = ShutdownFlags {
            sent: false,
            received: true,
        };
        true
    }

    /// A fatal failure at start, such as a server with no certificate.
    pub fn fail(&mut self) {
        self.hello_view = None;
        self.state = match mem::replace(&mut self.state, State::Idle) {
            State::Handshaking(c) | State::Established(c) => State::Failed(Some(c)),
            State::Failed(c) => State::Failed(c),
            State::Idle | State::Accepting(_) | State::HelloReceived(_) => State::Failed(None),
        };
    }

    fn tls(&self) -> Option<&rustls::Connection> {
        match &self.state {
            State::Handshaking(c) | State::Established(c) | State::Failed(Some(c)) => Some(c),
            _ => None,
        }
    }

    /// `SSL_version`: the negotiated version, else the method's own, else
    /// (`TLS_method`) the highest OpenSSL 3.0 knows, whatever the bounds.
    pub fn reported_version(&self) -> i32 {
        self.version()
            .or_else(|| self.refused_legacy_version())
            .unwrap_or(match self.settings.fixed_version {
                0 => TLS1_3_VERSION,
                v => v,
            })
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

    /// `SSL_set_session`: the session a client offers at its next handshake.
    pub fn set_session(&mut self, s: Option<Arc<Session>>) {
        self.offered_session = s;
    }

    /// `SSL_get1_session`. Before the handshake starts, what
    /// `SSL_set_session` gave (OpenSSL keeps it as the connection's
    /// session); after a resumption that brought no new ticket, the session
    /// resumed, which can resume again, as OpenSSL's does.
    pub fn session(&self) -> Option<Arc<Session>> {
        if self.tls().is_none() {
            return self.offered_session.clone();
        }
        match &self.offered_session {
            Some(offered) if self.session_reused() && !self.session.resumable() => {
                Some(offered.clone())
            }
            _ => Some(self.session.clone()),
        }
    }

    /// `SSL_session_reused`.
    pub fn session_reused(&self) -> bool {
        self.tls()
            .and_then(|c| c.handshake_kind())
            .is_some_and(|k| k == rustls::HandshakeKind::Resumed)
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
