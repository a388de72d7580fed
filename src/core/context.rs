//! What an `SSL_CTX` configures, and the rustls configurations built from it.
//! A configuration is built once and shared by every connection of the context;
//! any setter that changes what it would contain drops the cached one.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore, ServerConfig, SupportedProtocolVersion};

use super::cipher::{self, CIPHERS};
use super::error::Reason;
use super::groups;
use super::options;
use super::verify::{self, OpensslServerVerifier, Roots};
use super::verify_client::{auth_bits, OpensslClientVerifier};
use super::write_state::SendFragment;

/// Which roles the method given to `SSL_CTX_new` allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Any,
    Client,
    Server,
}

/// `SSL_MODE_*` bits.
pub mod mode {
    pub const ENABLE_PARTIAL_WRITE: u64 = 0x1;
    pub const ACCEPT_MOVING_WRITE_BUFFER: u64 = 0x2;
    pub const AUTO_RETRY: u64 = 0x4;
    pub const RELEASE_BUFFERS: u64 = 0x10;
    /// Handshakes run as async jobs on an engine: nothing of it exists here.
    pub const ASYNC: u64 = 0x100;
    /// OpenSSL 3.0's `SSL_CTX_new` starts with this.
    pub const DEFAULT: u64 = AUTO_RETRY;

    /// `SSL_set_mode`: the bits sslshim can honour are added to `current`;
    /// the others are left clear so that `SSL_get_mode` tells the caller.
    /// Returns the new mode and the refused bits.
    pub fn set(current: u64, bits: u64) -> (u64, u64) {
        (current | (bits & !ASYNC), bits & ASYNC)
    }
}

/// Protocol versions as OpenSSL numbers them.
pub const TLS1_VERSION: i32 = 0x0301;
pub const TLS1_1_VERSION: i32 = 0x0302;
pub const TLS1_2_VERSION: i32 = 0x0303;
pub const TLS1_3_VERSION: i32 = 0x0304;
const DTLS1_2_VERSION: i32 = 0xfefd;
const DTLS1_BAD_VER: i32 = 0x0100;

/// Options bits, authentication bits, version bounds and suites, as compared.
type VariantKey = (u64, i32, i32, i32, cipher::Suites);

/// A connection's own settings that shape a rustls configuration; an `SSL`
/// starts with its context's and may change them alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    pub options: u64,
    pub verify_mode: i32,
    pub min_version: i32,
    pub max_version: i32,
    pub suites: cipher::Suites,
}

impl Variant {
    /// The part that tells configurations apart.
    fn key(&self) -> VariantKey {
        (
            self.options & options::CONFIG,
            auth_bits(self.verify_mode),
            self.min_version,
            self.max_version,
            self.suites.clone(),
        )
    }

    fn apply(&self, c: &mut Context) {
        c.options = self.options;
        c.verify_mode = self.verify_mode;
        c.min_version = self.min_version;
        c.max_version = self.max_version;
        c.tls13_suites = self.suites.tls13.clone();
        c.tls12_suites = self.suites.tls12.clone();
    }
}

/// OpenSSL 3.0's `SSL_set_min_proto_version`/`SSL_set_max_proto_version` on
/// a TLS method: `v` as the new bound, given the bound now set (`current`)
/// and the opposite one (`other`). A TLS version from SSL 3.0 to TLS 1.3 (or
/// 0, no bound) is taken as given; those below TLS 1.2 are known to OpenSSL
/// but never offered here. A DTLS version is accepted and changes nothing,
/// unless the opposite bound is a TLS version: mixing the two is refused.
/// `None` when refused.
pub fn version_bound(current: i32, other: i32, v: i32) -> Option<i32> {
    let is_dtls = |x: i32| x == DTLS1_BAD_VER || x >> 8 == 0xfe;
    if is_dtls(v) && other != 0 && !is_dtls(other) {
        return None;
    }
    if v == 0 || (0x0300..=TLS1_3_VERSION).contains(&v) {
        return Some(v);
    }
    let dtls_ordinal = if v == DTLS1_BAD_VER { 0xff00 } else { v };
    (DTLS1_2_VERSION..=0xff00)
        .contains(&dtls_ordinal)
        .then_some(current)
}

#[derive(Debug, Clone)]
pub struct Context {
    pub method: Method,
    pub mode: u64,
    pub options: u64,
    pub verify_mode: i32,
    pub verify_depth: i32,
    /// `SSL_CTX_set_max_send_fragment`, `SSL_CTX_set_split_send_fragment`.
    pub send_fragment: SendFragment,
    /// 0 = no bound, as `SSL_CTX_set_min_proto_version(ctx, 0)` means.
    min_version: i32,
    max_version: i32,
    chain: Vec<CertificateDer<'static>>,
    key: Option<Arc<PrivateKeyDer<'static>>>,
    roots: Arc<Roots>,
    alpn: Vec<Vec<u8>>,
    tls12_suites: Option<Vec<rustls::CipherSuite>>,
    tls13_suites: Option<Vec<rustls::CipherSuite>>,
    client: Option<Arc<ClientConfig>>,
    server: Option<Arc<ServerConfig>>,
    /// Server configurations for connections whose option bits or verify
    /// mode differ from the context's, keyed by both, built once each.
    server_variants: Vec<(VariantKey, Arc<ServerConfig>)>,
    /// Client configurations of connections whose settings differ.
    client_variants: Vec<(VariantKey, Arc<ClientConfig>)>,
    /// Shared by every server configuration so that a session cached by one
    /// resumes on another.
    server_sessions: Arc<dyn rustls::server::StoresServerSessions>,
    /// The context's session-ticket key, kept across rebuilt configurations
    /// so that tickets issued stay valid.
    ticketer: Option<Arc<dyn rustls::server::ProducesTickets>>,
    /// `SSL_CTX_set_tlsext_ticket_key_evp_cb`: the application's keys, in
    /// place of the context's own while set.
    app_ticketer: Option<Arc<dyn rustls::server::ProducesTickets>>,
    /// `SSL_CTX_set_keylog_callback`.
    key_log: Option<Arc<dyn rustls::KeyLog>>,
    /// `SSL_CTX_set_num_tickets`: TLS 1.3 tickets sent after a handshake.
    num_tickets: usize,
    /// `SSL_CTX_set1_groups_list`: the groups offered and accepted, in
    /// order; `None` for rustls's defaults.
    groups: Option<Vec<rustls::NamedGroup>>,
    /// Set only in the copy `server_config_for_connection` builds from.
    own_cert: Option<Arc<rustls::sign::CertifiedKey>>,
    /// The DER names of `SSL_CTX_set_client_CA_list`, for CertificateRequest.
    client_ca_names: Vec<Vec<u8>>,
    /// `SSL_CTX_set_timeout`, in seconds: kept and reported.
    pub session_timeout: i64,
    /// `SSL_CTX_set_security_level`: the authentication level certificate
    /// verification applies (key sizes, signature digests).
    pub security_level: i32,
    /// `SSL_CTX_set_session_id_context`, given to the sessions it makes.
    pub session_id_context: Vec<u8>,
    /// The one version a method such as `TLSv1_2_method` speaks, whatever
    /// the options and bounds say (OpenSSL ignores them there); 0 for none.
    pub fixed_version: i32,
}

/// The installed OpenSSL's default security level (the distribution builds
/// it with 2, not upstream's 1).
pub const DEFAULT_SECURITY_LEVEL: i32 = 2;

impl Context {
    pub fn new(method: Method) -> Self {
        Self {
            method,
            mode: mode::DEFAULT,
            options: options::DEFAULT,
            verify_mode: verify::VERIFY_NONE,
            verify_depth: -1,
            send_fragment: SendFragment::default(),
            min_version: 0,
            max_version: 0,
            chain: Vec::new(),
            key: None,
            roots: Arc::new(Roots::default()),
            alpn: Vec::new(),
            tls12_suites: None,
            tls13_suites: None,
            client: None,
            server: None,
            server_variants: Vec::new(),
            client_variants: Vec::new(),
            server_sessions: rustls::server::ServerSessionMemoryCache::new(256),
            ticketer: None,
            app_ticketer: None,
            key_log: None,
            num_tickets: 2,
            client_ca_names: Vec::new(),
            own_cert: None,
            groups: None,
            session_timeout: 7200,
            security_level: DEFAULT_SECURITY_LEVEL,
            session_id_context: Vec::new(),
            fixed_version: 0,
        }
    }

    /// A context of a method fixed to one version (`TLSv1_2_method`), or
    /// of a version-flexible one when `version` is 0.
    pub fn with_version(method: Method, version: i32) -> Self {
        Self {
            fixed_version: version,
            ..Self::new(method)
        }
    }

    fn changed(&mut self) {
        self.client = None;
        self.server_changed();
    }

    fn server_changed(&mut self) {
        self.server = None;
        self.server_variants.clear();
        self.client_variants.clear();
    }

    pub fn set_verify(&mut self, mode: i32) {
        self.verify_mode = mode;
        self.changed();
    }

    /// Replaces the trust anchors, which configurations read at each
    /// verification.
    pub fn set_roots(&mut self, certs: &[CertificateDer<'static>]) {
        let mut store = RootCertStore::empty();
        store.add_parsable_certificates(certs.iter().cloned());
        self.roots.set(store);
    }

    pub fn set_certificate_chain(&mut self, chain: Vec<CertificateDer<'static>>) {
        self.chain = chain;
        self.changed();
    }

    pub fn set_private_key(&mut self, key: PrivateKeyDer<'static>) {
        self.key = Some(Arc::new(key));
        self.changed();
    }

    pub fn has_certificate(&self) -> bool {
        !self.chain.is_empty()
    }

    /// The CA names a server requesting a certificate sends; the server's
    /// configurations are rebuilt only when they changed.
    pub fn set_client_ca_names(&mut self, names: Vec<Vec<u8>>) {
        if names != self.client_ca_names {
            self.client_ca_names = names;
            self.server_changed();
        }
    }

    /// Seals tickets with the application's keys (`None`: the context's own,
    /// which stay as they were).
    pub fn set_app_ticketer(&mut self, t: Option<Arc<dyn rustls::server::ProducesTickets>>) {
        self.app_ticketer = t;
        self.server_changed();
    }

    pub fn set_num_tickets(&mut self, n: usize) {
        self.num_tickets = n;
        self.server_changed();
    }

    pub fn num_tickets(&self) -> usize {
        self.num_tickets
    }

    pub fn set_key_log(&mut self, log: Option<Arc<dyn rustls::KeyLog>>) {
        self.key_log = log;
        self.changed();
    }

    /// `SSL_CTX_set_options`/`SSL_CTX_clear_options`: the new bits, with the
    /// cached configurations dropped when bits they are built from changed.
    pub fn set_options(&mut self, bits: u64) -> u64 {
        if (bits ^ self.options) & options::CONFIG != 0 {
            self.changed();
        }
        self.options = bits;
        bits
    }

    pub fn set_alpn(&mut self, protos: Vec<Vec<u8>>) {
        self.alpn = protos;
        self.changed();
    }

    /// `SSL_CTX_set_min_proto_version`; false for a version sslshim cannot speak.
    pub fn set_min_version(&mut self, v: i32) -> bool {
        self.set_version_bound(v, true)
    }

    pub fn set_max_version(&mut self, v: i32) -> bool {
        self.set_version_bound(v, false)
    }

    fn set_version_bound(&mut self, v: i32, min: bool) -> bool {
        let (bound, other) = if min {
            (&mut self.min_version, self.max_version)
        } else {
            (&mut self.max_version, self.min_version)
        };
        let Some(new) = version_bound(*bound, other, v) else {
            return false;
        };
        // A fixed-version method takes a valid bound and keeps none but 0.
        if self.fixed_version == 0 || v == 0 {
            *bound = new;
            self.changed();
        }
        true
    }

    pub fn min_version(&self) -> i32 {
        self.min_version
    }

    pub fn max_version(&self) -> i32 {
        self.max_version
    }

    /// `SSL_CTX_set1_groups_list`; nothing changes for a list OpenSSL
    /// refuses.
    pub fn set_groups_list(&mut self, list: &str) -> Result<(), groups::BadList> {
        self.groups = Some(groups::parse_list(list)?);
        self.changed();
        Ok(())
    }

    pub fn set_cipher_list(&mut self, list: &str) -> Result<(), Reason> {
        self.tls12_suites = Some(cipher::parse_cipher_list(list).ok_or(Reason::NO_CIPHER_MATCH)?);
        if let Some(level) = cipher::seclevel_in(list) {
            self.security_level = level;
        }
        self.changed();
        Ok(())
    }

    /// The suites set with `SSL_CTX_set_cipher_list` and `SSL_CTX_set_ciphersuites`.
    pub fn suites(&self) -> cipher::Suites {
        cipher::Suites {
            tls13: self.tls13_suites.clone(),
            tls12: self.tls12_suites.clone(),
        }
    }

    pub fn set_ciphersuites(&mut self, list: &str) -> Result<(), Reason> {
        self.tls13_suites = Some(cipher::parse_ciphersuites(list).ok_or(Reason::NO_CIPHER_MATCH)?);
        self.changed();
        Ok(())
    }

    fn versions(&self, client: bool) -> Result<Vec<&'static SupportedProtocolVersion>, Reason> {
        match self.fixed_version {
            0 => {}
            TLS1_2_VERSION => return Ok(vec![&rustls::version::TLS12]),
            // TLS 1.0 and 1.1 alone, which rustls does not speak: refused as
            // the bounds that leave only them are (see below).
            _ if client => return Err(Reason::NO_PROTOCOLS_AVAILABLE),
            _ => return Err(Reason::NO_SUITABLE_SIGNATURE_ALGORITHM),
        }
        if client {
            let run = options::client_versions(self.options, self.min_version, self.max_version);
            // Only TLS 1.0 and 1.1 left: versions rustls does not speak.
            return match (run.contains(&TLS1_3_VERSION), run.contains(&TLS1_2_VERSION)) {
                (true, true) => Ok(vec![&rustls::version::TLS13, &rustls::version::TLS12]),
                (true, false) => Ok(vec![&rustls::version::TLS13]),
                (false, true) => Ok(vec![&rustls::version::TLS12]),
                (false, false) => Err(Reason::NO_PROTOCOLS_AVAILABLE),
            };
        }
        // SSL 3.0 is never offered by OpenSSL 3.0's default build.
        let lo = if self.min_version == 0 {
            TLS1_VERSION
        } else {
            self.min_version
        };
        let hi = if self.max_version == 0 {
            TLS1_3_VERSION
        } else {
            self.max_version
        };
        let mut out = Vec::new();
        let off = |bit| self.options & bit != 0;
        if lo <= TLS1_3_VERSION && hi >= TLS1_3_VERSION && !off(options::NO_TLSV1_3) {
            out.push(&rustls::version::TLS13);
        }
        if lo <= TLS1_2_VERSION && hi >= TLS1_2_VERSION && !off(options::NO_TLSV1_2) {
            out.push(&rustls::version::TLS12);
        }
        if out.is_empty() {
            // With TLS 1.0 or 1.1 still enabled OpenSSL 3.0's server gets as
            // far as choosing a signature algorithm, and finds none its
            // default security level allows there.
            let old = (lo <= TLS1_VERSION && hi >= TLS1_VERSION && !off(options::NO_TLSV1))
                || (lo <= TLS1_1_VERSION && hi >= TLS1_1_VERSION && !off(options::NO_TLSV1_1));
            return Err(if old {
                Reason::NO_SUITABLE_SIGNATURE_ALGORITHM
            } else {
                Reason::NO_PROTOCOLS_AVAILABLE
            });
        }
        Ok(out)
    }

    fn provider(&self) -> Arc<CryptoProvider> {
        let base = rustls::crypto::aws_lc_rs::default_provider();
        let allowed = |s: rustls::CipherSuite| {
            let list = if cipher::lookup(s).is_some_and(|c| c.is_tls13()) {
                &self.tls13_suites
            } else {
                &self.tls12_suites
            };
            list.as_ref().is_none_or(|l| l.contains(&s))
        };
        let mut cipher_suites: Vec<_> = CIPHERS
            .iter()
            .filter(|c| allowed(c.suite))
            .filter_map(|c| {
                base.cipher_suites
                    .iter()
                    .find(|s| s.suite() == c.suite)
                    .copied()
            })
            .collect();
        // The order is the preference: TLS 1.3 suites first, each group in
        // the order its list gave (rustls offers and, without
        // SSL_OP_CIPHER_SERVER_PREFERENCE, accepts in the client's order).
        let rank = |s: rustls::CipherSuite| {
            let tls13 = cipher::lookup(s).is_some_and(|c| c.is_tls13());
            let list = if tls13 {
                &self.tls13_suites
            } else {
                &self.tls12_suites
            };
            let pos = list.as_ref().and_then(|l| l.iter().position(|x| *x == s));
            (!tls13, pos.unwrap_or(usize::MAX))
        };
        cipher_suites.sort_by_key(|s| rank(s.suite()));
        let kx_groups = match &self.groups {
            Some(wanted) => groups::select(rustls::crypto::aws_lc_rs::ALL_KX_GROUPS, wanted),
            None => base.kx_groups.clone(),
        };
        Arc::new(CryptoProvider {
            cipher_suites,
            kx_groups,
            ..base
        })
    }

    /// The configurations follow the option bits they depend on, whether set
    /// on the context or, for one connection, on its `SSL`.
    /// The client configuration for a connection with settings `v`: the
    /// context's own when they agree with it where configurations differ,
    /// else one built once per distinct variant.
    pub fn client_config_for(&mut self, v: &Variant) -> Result<Arc<ClientConfig>, Reason> {
        let key = v.key();
        if key == self.variant().key() {
            return self.client_config();
        }
        if let Some((_, c)) = self.client_variants.iter().find(|(k, _)| *k == key) {
            return Ok(c.clone());
        }
        let mut c = self.clone();
        v.apply(&mut c);
        c.client = None;
        c.client_variants.clear();
        let config = c.client_config()?;
        self.client_variants.push((key, config.clone()));
        Ok(config)
    }

    /// What of this context's own settings its configurations depend on.
    pub fn variant(&self) -> Variant {
        Variant {
            options: self.options,
            verify_mode: self.verify_mode,
            min_version: self.min_version,
            max_version: self.max_version,
            suites: self.suites(),
        }
    }

    /// The server configuration for a connection with settings `v` (its
    /// `SSL_set_options`, `SSL_set_verify`, `SSL_set_min_proto_version`...):
    /// the context's own when they agree with it where configurations differ,
    /// else one built once per distinct variant.
    pub fn server_config_for(&mut self, v: &Variant) -> Result<Arc<ServerConfig>, Reason> {
        let key = v.key();
        if key == self.variant().key() {
            return self.server_config();
        }
        if let Some((_, c)) = self.server_variants.iter().find(|(k, _)| *k == key) {
            return Ok(c.clone());
        }
        // Made before the copy so that every variant issues and accepts
        // the same tickets.
        if self.ticketer.is_none() {
            self.ticketer = rustls::crypto::aws_lc_rs::Ticketer::new().ok();
        }
        let mut c = self.clone();
        v.apply(&mut c);
        c.server = None;
        c.server_variants.clear();
        let config = c.server_config()?;
        self.server_variants.push((key, config.clone()));
        Ok(config)
    }

    /// The shared client configuration, built on first use.
    pub fn client_config(&mut self) -> Result<Arc<ClientConfig>, Reason> {
        if let Some(c) = &self.client {
            return Ok(c.clone());
        }
        let versions = self.versions(true)?;
        // OpenSSL 3.0's client refuses to start when TLS 1.3 is allowed but
        // its TLS 1.3 suites were all removed, even with TLS 1.2 suites left.
        if self.tls13_suites.as_ref().is_some_and(Vec::is_empty)
            && versions.contains(&&rustls::version::TLS13)
        {
            return Err(Reason::NO_CIPHERS_AVAILABLE);
        }
        // OpenSSL's client offers only the suites of the versions it offers;
        // rustls would list every suite of its provider.
        let mut provider = (*self.provider()).clone();
        provider.cipher_suites.retain(|s| {
            versions.iter().any(|v| match s {
                rustls::SupportedCipherSuite::Tls13(_) => {
                    v.version == rustls::ProtocolVersion::TLSv1_3
                }
                rustls::SupportedCipherSuite::Tls12(_) => {
                    v.version == rustls::ProtocolVersion::TLSv1_2
                }
            })
        });
        let provider = Arc::new(provider);
        let verifier = OpensslServerVerifier::new(
            self.roots.clone(),
            provider.signature_verification_algorithms,
        );
        let builder = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&versions)
            .map_err(|_| Reason::NO_CIPHER_MATCH)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier));
        let mut config = match (&self.key, self.chain.is_empty()) {
            (Some(key), false) => builder
                .with_client_auth_cert(self.chain.clone(), key.clone_key())
                .map_err(|_| Reason::NO_PRIVATE_KEY_ASSIGNED)?,
            _ => builder.with_no_client_auth(),
        };
        config.alpn_protocols = self.alpn.clone();
        config.client_auth_cert_resolver = Arc::new(super::ca_hints::RecordCaNames {
            inner: config.client_auth_cert_resolver.clone(),
        });
        if let Some(log) = &self.key_log {
            config.key_log = log.clone();
        }
        let config = Arc::new(config);
        self.client = Some(config.clone());
        Ok(config)
    }

    /// A server configuration for one connection alone: one that presents
    /// its own certificate (`SSL_use_certificate`, often from the
    /// certificate callback), or names its own CAs in the CertificateRequest
    /// (`SSL_set_client_CA_list`); tickets stay the context's.
    pub fn server_config_for_connection(
        &mut self,
        v: &Variant,
        cert: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
        ca_names: Option<Vec<Vec<u8>>>,
    ) -> Result<Arc<ServerConfig>, Reason> {
        let certified = match cert {
            Some((chain, key)) => Some(Arc::new(
                rustls::sign::CertifiedKey::from_der(chain, key, &self.provider())
                    .map_err(|_| Reason::NO_SHARED_CIPHER)?,
            )),
            None => None,
        };
        if self.ticketer.is_none() {
            self.ticketer = rustls::crypto::aws_lc_rs::Ticketer::new().ok();
        }
        let mut c = self.clone();
        v.apply(&mut c);
        c.server = None;
        c.server_variants.clear();
        c.own_cert = certified;
        if let Some(names) = ca_names {
            c.client_ca_names = names;
        }
        c.server_config()
    }

    /// The shared server configuration, built on first use.
    pub fn server_config(&mut self) -> Result<Arc<ServerConfig>, Reason> {
        if let Some(c) = &self.server {
            return Ok(c.clone());
        }
        let versions = self.versions(false)?;
        let provider = self.provider();
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&versions)
            .map_err(|_| Reason::NO_CIPHER_MATCH)?;
        let builder = if self.verify_mode & verify::VERIFY_PEER != 0 {
            builder.with_client_cert_verifier(Arc::new(OpensslClientVerifier::new(
                self.verify_mode,
                self.roots.clone(),
                provider,
                &self.client_ca_names,
            )))
        } else {
            builder.with_no_client_auth()
        };
        let mut config = if let Some(own) = &self.own_cert {
            builder.with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(own.clone())))
        } else {
            // OpenSSL lets a server without a certificate start and fails its
            // handshake for want of a usable suite.
            let key = self.key.as_ref().ok_or(Reason::NO_SHARED_CIPHER)?;
            if self.chain.is_empty() {
                return Err(Reason::NO_SHARED_CIPHER);
            }
            builder
                .with_single_cert(self.chain.clone(), key.clone_key())
                .map_err(|_| Reason::NO_SHARED_CIPHER)?
        };
        config.ignore_client_order = self.options & options::CIPHER_SERVER_PREFERENCE != 0;
        // OpenSSL 3.0's server issues stateless tickets by default, two
        // after a TLS 1.3 handshake (rustls's default count).
        if self.ticketer.is_none() {
            self.ticketer = rustls::crypto::aws_lc_rs::Ticketer::new().ok();
        }
        if let Some(t) = self.app_ticketer.as_ref().or(self.ticketer.as_ref()) {
            config.ticketer = t.clone();
        }
        config.session_storage = self.server_sessions.clone();
        config.send_tls13_tickets = self.num_tickets;
        if let Some(log) = &self.key_log {
            config.key_log = log.clone();
        }
        // An OpenSSL server negotiates ALPN only through its select callback,
        // which picks the protocol per connection; its own list is unused.
        let config = Arc::new(config);
        self.server = Some(config.clone());
        Ok(config)
    }
}
