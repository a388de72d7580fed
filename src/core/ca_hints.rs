//! The CA names of a server's CertificateRequest, as a client sees them
//! (`SSL_get_client_CA_list` on a client). rustls hands them only to the
//! client's certificate resolver, which belongs to the shared configuration
//! (resumption requires the same one), so the resolver notes them for the
//! connection whose records are being processed on this thread.

use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use rustls::client::ResolvesClientCert;

/// Where one connection keeps the names; `None` until a request came.
pub type PeerCaNames = Arc<Mutex<Option<Vec<Vec<u8>>>>>;

thread_local! {
    static SINK: RefCell<Option<PeerCaNames>> = const { RefCell::new(None) };
}

/// Makes `sink` the connection whose handshake records are processed until
/// the scope ends.
pub struct Scope(Option<PeerCaNames>);

impl Scope {
    pub fn enter(sink: PeerCaNames) -> Scope {
        Scope(SINK.with(|s| s.borrow_mut().replace(sink)))
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        let previous = self.0.take();
        SINK.with(|s| *s.borrow_mut() = previous);
    }
}

/// Wraps a configuration's resolver and notes what it is asked with.
#[derive(Debug)]
pub struct RecordCaNames {
    pub inner: Arc<dyn ResolvesClientCert>,
}

impl ResolvesClientCert for RecordCaNames {
    fn resolve(
        &self,
        root_hint_subjects: &[&[u8]],
        sigschemes: &[rustls::SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        SINK.with(|s| {
            if let Some(sink) = &*s.borrow() {
                *sink.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(root_hint_subjects.iter().map(|n| n.to_vec()).collect());
            }
        });
        self.inner.resolve(root_hint_subjects, sigschemes)
    }

    fn only_raw_public_keys(&self) -> bool {
        self.inner.only_raw_public_keys()
    }

    fn has_certs(&self) -> bool {
        self.inner.has_certs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct NoCert;
    impl ResolvesClientCert for NoCert {
        fn resolve(
            &self,
            _: &[&[u8]],
            _: &[rustls::SignatureScheme],
        ) -> Option<Arc<rustls::sign::CertifiedKey>> {
            None
        }
        fn has_certs(&self) -> bool {
            false
        }
    }

    #[test]
    fn notes_names_only_inside_a_scope() {
        let r = RecordCaNames {
            inner: Arc::new(NoCert),
        };
        let sink = PeerCaNames::default();
        r.resolve(&[b"x"], &[]);
        assert_eq!(*sink.lock().unwrap(), None);
        {
            let _s = Scope::enter(sink.clone());
            r.resolve(&[b"a", b"b"], &[]);
        }
        assert_eq!(
            *sink.lock().unwrap(),
            Some(vec![b"a".to_vec(), b"b".to_vec()])
        );
        let other = PeerCaNames::default();
        r.resolve(&[b"c"], &[]);
        assert_eq!(*other.lock().unwrap(), None);
    }
}
