//! Sessions as OpenSSL hands them to the application: a client resumes only
//! the session given to it with `SSL_set_session`, and `SSL_get1_session`
//! returns what its own handshake left. Each client connection gets a rustls
//! session store of its own that offers the one and collects the other.

use std::any::Any;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use rustls::client::{ClientSessionStore, Tls12ClientSessionValue, Tls13ClientSessionValue};
use rustls::pki_types::ServerName;
use rustls::NamedGroup;

/// What one `SSL_SESSION` holds for resumption.
#[derive(Debug, Default)]
pub struct SessionData {
    pub kx_hint: Option<NamedGroup>,
    pub tls12: Option<Tls12ClientSessionValue>,
    /// TLS 1.3 tickets, each usable once (rustls does not reuse one).
    pub tls13: VecDeque<Tls13ClientSessionValue>,
}

/// `SSL_MAX_SSL_SESSION_ID_LENGTH`, also the longest ID context.
pub const MAX_ID_LENGTH: usize = 32;
/// OpenSSL's room for a master key or a TLS 1.3 resumption secret.
pub const MAX_MASTER_KEY_LENGTH: usize = 512;

/// What OpenSSL's `SSL_SESSION` getters and setters read and write.
#[derive(Debug, Clone, Default)]
pub struct SessionMeta {
    pub id: Vec<u8>,
    pub id_context: Vec<u8>,
    /// Seconds since the epoch; 0 until the handshake stamps it.
    pub time: i64,
    pub timeout: i64,
    /// `TLS1_2_VERSION`, `TLS1_3_VERSION`; 0 before a handshake.
    pub protocol_version: i32,
    pub cipher: Option<rustls::CipherSuite>,
    pub hostname: Option<std::ffi::CString>,
    pub alpn: Vec<u8>,
    pub master_key: Vec<u8>,
    /// The peer's certificate, DER.
    pub peer: Option<Vec<u8>>,
    pub ticket_appdata: Vec<u8>,
    /// Made by a server's handshake: it resumes from rustls's own store,
    /// so it is resumable exactly when it has an ID, as OpenSSL's is.
    pub server: bool,
}

/// An `SSL_SESSION`: what resumption needs, shared by duplicates (rustls's
/// tickets cannot be copied), and what the application can read and set.
#[derive(Debug, Default)]
pub struct Session {
    resume: Arc<Mutex<SessionData>>,
    meta: Mutex<SessionMeta>,
    /// What the C surface keeps with the session (its application data, the
    /// peer's certificate as an object); dropped with it.
    pub attached: Attached,
}

/// One value of a type the owner chooses, made on first use.
#[derive(Default)]
pub struct Attached(OnceLock<Box<dyn Any + Send + Sync>>);

impl Attached {
    pub fn get_or_init<T: Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Option<&T> {
        self.0.get_or_init(|| Box::new(make())).downcast_ref()
    }

    pub fn get<T: Any>(&self) -> Option<&T> {
        self.0.get()?.downcast_ref()
    }
}

impl std::fmt::Debug for Attached {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() {
            "Attached(..)"
        } else {
            "Attached"
        })
    }
}

impl Session {
    pub fn lock(&self) -> MutexGuard<'_, SessionData> {
        self.resume.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn meta(&self) -> MutexGuard<'_, SessionMeta> {
        self.meta.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a handshake could resume from it.
    pub fn resumable(&self) -> bool {
        let d = self.lock();
        if d.tls12.is_some() || !d.tls13.is_empty() {
            return true;
        }
        let m = self.meta();
        m.server && !m.id.is_empty()
    }

    /// `SSL_SESSION_has_ticket`: a client holds a ticket from the server.
    pub fn has_ticket(&self) -> bool {
        let d = self.lock();
        !d.tls13.is_empty() || d.tls12.is_some() && self.meta().protocol_version == TLS1_2
    }

    /// `SSL_SESSION_dup`: the same resumption state, the values copied.
    pub fn dup(&self) -> Session {
        Session {
            resume: self.resume.clone(),
            meta: Mutex::new(self.meta().clone()),
            attached: Attached::default(),
        }
    }

    /// A copy under a new ID: what an OpenSSL server hands its new-session
    /// callback for each TLS 1.3 ticket it sends.
    pub fn dup_with_new_id(&self) -> Session {
        let d = self.dup();
        d.meta().id = random_id();
        d
    }

    /// What a finished handshake tells about its session. Values the
    /// application set earlier are kept; the ID is made once, if `with_id`.
    pub fn stamp(&self, from: SessionMeta, with_id: bool) {
        let mut m = self.meta();
        if m.time == 0 {
            m.time = now();
        }
        if m.id.is_empty() && with_id {
            m.id = random_id();
        }
        m.server = from.server;
        m.timeout = from.timeout;
        m.protocol_version = from.protocol_version;
        m.cipher = from.cipher;
        m.hostname = from.hostname;
        m.alpn = from.alpn;
        m.peer = from.peer;
        if m.id_context.is_empty() {
            m.id_context = from.id_context;
        }
    }
}

const TLS1_2: i32 = 0x0303;

/// Seconds since the epoch, as `time(NULL)`.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A fresh session ID, as OpenSSL makes one: 32 random bytes.
fn random_id() -> Vec<u8> {
    let mut id = vec![0u8; MAX_ID_LENGTH];
    let rng = rustls::crypto::aws_lc_rs::default_provider().secure_random;
    if rng.fill(&mut id).is_err() {
        id.clear();
    }
    id
}

/// Told of each session a client connection receives.
pub type NewSessionHook = Arc<dyn Fn(Arc<Session>) + Send + Sync>;

/// The store of one client connection. rustls keys sessions by server name;
/// OpenSSL leaves the choice of session to the application, so names are
/// ignored here.
pub struct ConnectionStore {
    pub offer: Option<Arc<Session>>,
    pub got: Arc<Session>,
    pub on_new: Option<NewSessionHook>,
}

impl ConnectionStore {
    fn received(&self) {
        if let Some(hook) = &self.on_new {
            hook(self.got.clone());
        }
    }
}

impl std::fmt::Debug for ConnectionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionStore")
            .field("offer", &self.offer)
            .field("got", &self.got)
            .finish_non_exhaustive()
    }
}

impl ClientSessionStore for ConnectionStore {
    fn set_kx_hint(&self, _: ServerName<'static>, group: NamedGroup) {
        self.got.lock().kx_hint = Some(group);
    }

    fn kx_hint(&self, _: &ServerName<'_>) -> Option<NamedGroup> {
        self.offer.as_ref().and_then(|s| s.lock().kx_hint)
    }

    fn set_tls12_session(&self, _: ServerName<'static>, value: Tls12ClientSessionValue) {
        self.got.lock().tls12 = Some(value);
        self.received();
    }

    fn tls12_session(&self, _: &ServerName<'_>) -> Option<Tls12ClientSessionValue> {
        self.offer.as_ref().and_then(|s| s.lock().tls12.clone())
    }

    fn remove_tls12_session(&self, _: &ServerName<'static>) {}

    fn insert_tls13_ticket(&self, _: ServerName<'static>, value: Tls13ClientSessionValue) {
        self.got.lock().tls13.push_back(value);
        self.received();
    }

    fn take_tls13_ticket(&self, _: &ServerName<'static>) -> Option<Tls13ClientSessionValue> {
        self.offer.as_ref().and_then(|s| s.lock().tls13.pop_front())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamp_keeps_what_was_set() {
        let s = Session::default();
        s.meta().id = vec![1, 2, 3];
        s.meta().time = 5;
        s.stamp(
            SessionMeta {
                protocol_version: 0x0304,
                timeout: 300,
                ..Default::default()
            },
            true,
        );
        let m = s.meta();
        assert_eq!(m.id, vec![1, 2, 3]);
        assert_eq!(m.time, 5);
        assert_eq!(m.timeout, 300);
        assert_eq!(m.protocol_version, 0x0304);
    }

    #[test]
    fn fresh_ids_are_random() {
        let (a, b) = (Session::default(), Session::default());
        a.stamp(SessionMeta::default(), true);
        b.stamp(SessionMeta::default(), true);
        assert_eq!(a.meta().id.len(), 32);
        assert_ne!(a.meta().id, b.meta().id);
        assert!(a.meta().time > 0);
    }

    #[test]
    fn duplicates_share_resumption() {
        let a = Session::default();
        a.meta().alpn = b"h2".to_vec();
        let b = a.dup();
        assert_eq!(b.meta().alpn, b"h2");
        b.meta().alpn.clear();
        assert_eq!(a.meta().alpn, b"h2");
        a.lock().kx_hint = Some(NamedGroup::X25519);
        assert_eq!(b.lock().kx_hint, Some(NamedGroup::X25519));
    }
}
