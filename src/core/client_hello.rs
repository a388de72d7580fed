//! The ClientHello as OpenSSL's `SSL_client_hello_*` accessors present it:
//! the fields as sent, and the extensions OpenSSL recognises, in the order
//! received. Extensions it has no parser for (GREASE, anything unknown) are
//! absent from its view, so they are from this one.

use std::ops::Range;

/// The extension types OpenSSL 3.0 parses in a ClientHello (its built-in
/// table, every optional feature compiled in, as distributions build it).
const KNOWN_EXTENSIONS: &[u16] = &[
    0xff01, // renegotiate
    0,      // server_name
    1,      // max_fragment_length
    12,     // srp
    11,     // ec_point_formats
    10,     // supported_groups
    35,     // session_ticket
    5,      // status_request
    13172,  // next_proto_neg
    16,     // application_layer_protocol_negotiation
    14,     // use_srtp
    22,     // encrypt_then_mac
    18,     // signed_certificate_timestamp
    23,     // extended_master_secret
    50,     // signature_algorithms_cert
    49,     // post_handshake_auth
    13,     // signature_algorithms
    43,     // supported_versions
    45,     // psk_kex_modes
    51,     // key_share
    44,     // cookie
    0xfde8, // cryptopro_bug
    42,     // early_data
    47,     // certificate_authorities
    21,     // padding
    41,     // psk
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHelloView {
    body: Vec<u8>,
    legacy_version: u16,
    random: Range<usize>,
    session_id: Range<usize>,
    ciphers: Range<usize>,
    compression: Range<usize>,
    /// Recognised extensions in the order received: type and data.
    extensions: Vec<(u16, Range<usize>)>,
}

/// A bounds-checked reader over the message body.
struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Option<Range<usize>> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.data.len())?;
        let r = self.pos..end;
        self.pos = end;
        Some(r)
    }
    fn uint(&mut self, width: usize) -> Option<usize> {
        let r = self.take(width)?;
        Some(self.data[r].iter().fold(0, |v, &b| v << 8 | usize::from(b)))
    }
    fn vector(&mut self, len_width: usize) -> Option<Range<usize>> {
        let n = self.uint(len_width)?;
        self.take(n)
    }
    fn left(&self) -> usize {
        self.data.len() - self.pos
    }
}

impl ClientHelloView {
    /// Parses a ClientHello body (after the handshake header); `None` if it
    /// is malformed.
    pub fn parse(body: Vec<u8>) -> Option<Self> {
        let mut c = Cursor {
            data: &body,
            pos: 0,
        };
        let legacy_version = c.uint(2)? as u16;
        let random = c.take(32)?;
        let session_id = c.vector(1)?;
        let ciphers = c.vector(2)?;
        let compression = c.vector(1)?;
        let mut extensions = Vec::new();
        if c.left() > 0 {
            let all = c.vector(2)?;
            if c.left() != 0 {
                return None;
            }
            let mut e = Cursor {
                data: &body[..all.end],
                pos: all.start,
            };
            while e.left() > 0 {
                let t = e.uint(2)? as u16;
                let data = e.vector(2)?;
                if extensions.iter().any(|(seen, _)| *seen == t) {
                    return None;
                }
                if KNOWN_EXTENSIONS.contains(&t) {
                    extensions.push((t, data));
                }
            }
        }
        Some(Self {
            body,
            legacy_version,
            random,
            session_id,
            ciphers,
            compression,
            extensions,
        })
    }

    pub fn legacy_version(&self) -> u16 {
        self.legacy_version
    }
    pub fn random(&self) -> &[u8] {
        &self.body[self.random.clone()]
    }
    pub fn session_id(&self) -> &[u8] {
        &self.body[self.session_id.clone()]
    }
    /// The cipher suites as sent, two bytes each.
    pub fn ciphers(&self) -> &[u8] {
        &self.body[self.ciphers.clone()]
    }
    pub fn compression_methods(&self) -> &[u8] {
        &self.body[self.compression.clone()]
    }
    /// The recognised extension types, in the order received.
    pub fn extension_types(&self) -> Vec<u16> {
        self.extensions.iter().map(|(t, _)| *t).collect()
    }
    /// A recognised extension's data, if it was sent.
    pub fn extension(&self, t: u16) -> Option<&[u8]> {
        self.extensions
            .iter()
            .find(|(seen, _)| *seen == t)
            .map(|(_, r)| &self.body[r.clone()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello(exts: &[(u16, &[u8])]) -> Vec<u8> {
        let mut b = vec![3, 3];
        b.extend(0..32u8);
        b.extend([2, 0xaa, 0xbb]);
        b.extend([0, 4, 0x13, 0x01, 0x13, 0x02]);
        b.extend([1, 0]);
        let mut e = Vec::new();
        for (t, d) in exts {
            e.extend(t.to_be_bytes());
            e.extend((d.len() as u16).to_be_bytes());
            e.extend_from_slice(d);
        }
        b.extend((e.len() as u16).to_be_bytes());
        b.extend(e);
        b
    }

    #[test]
    fn fields_and_known_extensions_in_wire_order() {
        let v = ClientHelloView::parse(hello(&[
            (0x0a0a, b""),
            (16, b"\x00\x03\x02h2"),
            (0x1234, b"x"),
            (0, b"\x00\x01"),
        ]))
        .unwrap();
        assert_eq!(v.legacy_version(), 0x0303);
        assert_eq!(v.random(), (0..32u8).collect::<Vec<_>>());
        assert_eq!(v.session_id(), [0xaa, 0xbb]);
        assert_eq!(v.ciphers(), [0x13, 0x01, 0x13, 0x02]);
        assert_eq!(v.compression_methods(), [0]);
        assert_eq!(v.extension_types(), [16, 0]);
        assert_eq!(v.extension(0), Some(&[0u8, 1][..]));
        assert_eq!(v.extension(0x1234), None);
    }

    #[test]
    fn no_extensions_block_at_all() {
        let mut b = hello(&[]);
        b.truncate(b.len() - 2);
        let v = ClientHelloView::parse(b).unwrap();
        assert!(v.extension_types().is_empty());
    }

    #[test]
    fn malformed_hellos_are_refused() {
        let good = hello(&[(0, b"ab")]);
        // Cut just before the extensions block, it is a hello without any.
        let no_extensions = good.len() - 8;
        for cut in (1..good.len()).filter(|&c| c != no_extensions) {
            assert_eq!(
                ClientHelloView::parse(good[..cut].to_vec()),
                None,
                "cut {cut}"
            );
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert_eq!(ClientHelloView::parse(trailing), None);
        assert_eq!(ClientHelloView::parse(hello(&[(0, b""), (0, b"")])), None);
    }
}
