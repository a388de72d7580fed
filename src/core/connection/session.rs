//! What a finished handshake writes into its `SSL_SESSION`.

use std::ffi::CString;

use super::{Connection, Role};
use crate::core::client_hello::ClientHelloView;
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

/// `key_share`'s extension type.
const KEY_SHARE: u16 = 51;

impl Connection {
    /// `SSL_get_peer_tmp_key`'s material: the negotiated group and the
    /// peer's public share, from the TLS 1.3 hellos (a TLS 1.2 share travels
    /// in ServerKeyExchange, which is not tapped).
    pub(super) fn peer_key_share(&self) -> Option<(u16, Vec<u8>)> {
        let (group, server_share) = server_hello_share(&self.hellos.server_hello()?.body)?;
        if !crate::core::groups::share_is_public_key(group) {
            return None;
        }
        if self.role == Role::Client {
            return Some((group, server_share.to_vec()));
        }
        let ch = ClientHelloView::parse(self.hellos.client_hello()?.body.clone())?;
        let list = ch.extension(KEY_SHARE)?;
        let mut entries = list.get(2..)?;
        while entries.len() >= 4 {
            let g = u16::from_be_bytes([entries[0], entries[1]]);
            let len = usize::from(u16::from_be_bytes([entries[2], entries[3]]));
            let key = entries.get(4..4 + len)?;
            if g == group {
                return Some((g, key.to_vec()));
            }
            entries = &entries[4 + len..];
        }
        None
    }

    /// `SSL_get_peer_tmp_key`: the group and the peer's share.
    pub fn peer_tmp_key(&self) -> Option<(u16, &[u8])> {
        self.peer_tmp_key.as_ref().map(|(g, k)| (*g, k.as_slice()))
    }
}

/// The key_share of a ServerHello body: its group and the server's share.
fn server_hello_share(body: &[u8]) -> Option<(u16, &[u8])> {
    let sid_len = usize::from(*body.get(34)?);
    let mut rest = body.get(35 + sid_len + 3..)?;
    let ext_len = usize::from(u16::from_be_bytes([*rest.first()?, *rest.get(1)?]));
    rest = rest.get(2..2 + ext_len)?;
    while rest.len() >= 4 {
        let t = u16::from_be_bytes([rest[0], rest[1]]);
        let len = usize::from(u16::from_be_bytes([rest[2], rest[3]]));
        let data = rest.get(4..4 + len)?;
        if t == KEY_SHARE && data.len() >= 4 {
            let group = u16::from_be_bytes([data[0], data[1]]);
            let klen = usize::from(u16::from_be_bytes([data[2], data[3]]));
            return Some((group, data.get(4..4 + klen)?));
        }
        rest = &rest[4 + len..];
    }
    None
}

#[cfg(test)]
mod tests {
    use super::server_hello_share;

    #[test]
    fn finds_the_server_share() {
        let mut body = vec![3, 3];
        body.extend([7u8; 32]);
        body.extend([0, 0x13, 0x01, 0]); // no session id, suite, compression
        let ext: Vec<u8> = [0, 43, 0, 2, 3, 4, 0, 51, 0, 6, 0, 29, 0, 2, 0xaa, 0xbb].to_vec();
        body.extend((ext.len() as u16).to_be_bytes());
        body.extend(ext);
        assert_eq!(server_hello_share(&body), Some((29, &[0xaa, 0xbb][..])));
        assert_eq!(server_hello_share(&body[..40]), None);
    }
}
