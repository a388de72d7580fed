//! What a finished handshake writes into its `SSL_SESSION`.

use std::ffi::CString;

use super::{Connection, Role};
use crate::core::context::TLS1_2_VERSION;
use crate::core::options;
use crate::core::session::SessionMeta;

impl Connection {
    /// The servername callback returned `SSL_TLSEXT_ERR_OK`.
    pub fn acknowledge_sni(&mut self) {
        self.sni_acknowledged = true;
    }

    /// Fills the session's values from the handshake, as OpenSSL fills its
    /// session while negotiating.
    pub(super) fn stamp_session(&self) {
        let meta = SessionMeta {
            timeout: self.settings.session_timeout,
            protocol_version: self.version().unwrap_or(0),
            cipher: self.cipher_suite(),
            hostname: self
                .sni_hostname()
                .filter(|_| self.role == Role::Server && self.sni_acknowledged)
                .and_then(|h| CString::new(h).ok()),
            alpn: self.alpn_protocol().map(<[u8]>::to_vec).unwrap_or_default(),
            peer: self
                .peer_certificates()
                .and_then(|c| c.first())
                .map(|c| c.as_ref().to_vec()),
            id_context: self.settings.sid_ctx.clone(),
            server: self.role == Role::Server,
            ..SessionMeta::default()
        };
        // A TLS 1.2 server that issues tickets keeps no ID, as in OpenSSL.
        let tickets = self.settings.options & options::NO_TICKET == 0;
        let with_id = !(meta.server && meta.protocol_version == TLS1_2_VERSION && tickets);
        self.session.stamp(meta, with_id);
    }
}
