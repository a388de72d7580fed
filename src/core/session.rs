//! Sessions as OpenSSL hands them to the application: a client resumes only
//! the session given to it with `SSL_set_session`, and `SSL_get1_session`
//! returns what its own handshake left. Each client connection gets a rustls
//! session store of its own that offers the one and collects the other.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard};

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

#[derive(Debug, Default)]
pub struct Session(Mutex<SessionData>);

impl Session {
    pub fn lock(&self) -> MutexGuard<'_, SessionData> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Whether a handshake could resume from it.
    pub fn resumable(&self) -> bool {
        let d = self.lock();
        d.tls12.is_some() || !d.tls13.is_empty()
    }
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
