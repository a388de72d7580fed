//! A client of a TLS 1.0 or 1.1 method (`TLSv1_method`). rustls speaks
//! neither version, so the connection sends the ClientHello OpenSSL's client
//! sends and reports the peer's answer as OpenSSL reports it: peers at their
//! default security level refuse those versions with an alert. A peer that
//! accepts (one at security level 0) is refused in turn, where OpenSSL would
//! go on.

use std::io;

use super::{Connection, RwState};
use crate::core::context::{TLS1_1_VERSION, TLS1_VERSION};
use crate::core::error::{Error, Reason};
use crate::core::options;
use crate::core::transport::Transport;

/// The ClientHello still to send, and what came back so far.
#[derive(Debug)]
pub(super) struct LegacyHello {
    out: Vec<u8>,
    sent: usize,
    got: Vec<u8>,
}

/// The suites OpenSSL's default list offers below TLS 1.2, in its order,
/// then the renegotiation SCSV.
const SUITES: &[u16] = &[
    0xc00a, 0xc014, 0x0039, 0xc009, 0xc013, 0x0033, 0x0035, 0x002f, 0x00ff,
];
/// x25519, secp256r1, x448, secp521r1, secp384r1.
const GROUPS: &[u16] = &[0x001d, 0x0017, 0x001e, 0x0019, 0x0018];

fn push_u16(out: &mut Vec<u8>, v: usize) {
    out.extend_from_slice(&(v as u16).to_be_bytes());
}

fn extension(out: &mut Vec<u8>, t: u16, data: &[u8]) {
    push_u16(out, usize::from(t));
    push_u16(out, data.len());
    out.extend_from_slice(data);
}

/// The ClientHello record of an OpenSSL 3.0 client limited to `version`.
pub(super) fn client_hello(version: u16, random: &[u8; 32], sni: Option<&str>) -> Vec<u8> {
    let mut ext = Vec::new();
    if let Some(name) = sni.filter(|n| !n.is_empty() && n.len() <= 255) {
        let mut d = Vec::new();
        push_u16(&mut d, name.len() + 3);
        d.push(0);
        push_u16(&mut d, name.len());
        d.extend_from_slice(name.as_bytes());
        extension(&mut ext, 0, &d);
    }
    extension(&mut ext, 11, &[1, 0]);
    let mut groups = Vec::new();
    push_u16(&mut groups, GROUPS.len() * 2);
    GROUPS
        .iter()
        .for_each(|g| push_u16(&mut groups, usize::from(*g)));
    extension(&mut ext, 10, &groups);
    extension(&mut ext, 35, &[]);
    extension(&mut ext, 22, &[]);
    extension(&mut ext, 23, &[]);

    let mut body = version.to_be_bytes().to_vec();
    body.extend_from_slice(random);
    body.push(0); // no session id
    push_u16(&mut body, SUITES.len() * 2);
    SUITES
        .iter()
        .for_each(|s| push_u16(&mut body, usize::from(*s)));
    body.extend_from_slice(&[1, 0]); // null compression only
    push_u16(&mut body, ext.len());
    body.extend_from_slice(&ext);

    let mut record = vec![22, 3, 1];
    push_u16(&mut record, body.len() + 4);
    record.push(1);
    record.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    record.extend_from_slice(&body);
    record
}

/// What the peer's first record says, once enough of it is in.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reply {
    /// An alert: its description.
    Alert(u8),
    /// Anything else: the peer went on with the old version.
    Accepted,
}

pub(super) fn reply(got: &[u8]) -> Option<Reply> {
    match got.first()? {
        21 => got.get(6).map(|d| Reply::Alert(*d)),
        _ => Some(Reply::Accepted),
    }
}

impl LegacyHello {
    pub(super) fn new(version: u16, sni: Option<&str>) -> Self {
        let mut random = [0u8; 32];
        // A failure leaves zeros: the hello is refused either way.
        let _ = rustls::crypto::aws_lc_rs::default_provider()
            .secure_random
            .fill(&mut random);
        LegacyHello {
            out: client_hello(version, &random, sni),
            sent: 0,
            got: Vec::new(),
        }
    }
}

impl Connection {
    /// Starts a client that offers TLS 1.1 or 1.0 at most, by its method or
    /// by its options and bounds, which needs no rustls configuration; false
    /// for any other.
    pub fn start_legacy_client(&mut self) -> bool {
        let s = &self.settings;
        let v = match s.fixed_version {
            0 => options::client_versions(s.options, s.min_version, s.max_version)
                .first()
                .copied()
                .unwrap_or(0),
            v => v,
        };
        if v != TLS1_VERSION && v != TLS1_1_VERSION {
            return false;
        }
        self.legacy = Some(LegacyHello::new(v as u16, self.settings.sni.as_deref()));
        true
    }

    /// The TLS 1.0 or 1.1 a server refused: OpenSSL's server takes the
    /// client's version before it fails for want of a signature algorithm,
    /// and reports it from then on.
    pub(super) fn refused_legacy_version(&self) -> Option<i32> {
        if self.role != super::Role::Server || !self.failed() {
            return None;
        }
        let body = self.hellos.client_hello()?.body.clone();
        let view = crate::core::client_hello::ClientHelloView::parse(body)?;
        let v = i32::from(view.legacy_version());
        let old = v == TLS1_VERSION || v == TLS1_1_VERSION;
        (old && view.extension(43).is_none()).then_some(v)
    }

    /// Sends the ClientHello, then waits for the peer's first record.
    pub(super) fn run_legacy_hello(&mut self, io: &mut dyn Transport) -> Result<(), Error> {
        let Some(mut hello) = self.legacy.take() else {
            return Err(Reason::UNINITIALIZED.into());
        };
        let r = self.legacy_step(&mut hello, io);
        self.legacy = Some(hello);
        match r {
            Err(Error::WouldBlock) => Err(Error::WouldBlock),
            Err(e) => {
                self.fail();
                Err(e)
            }
            Ok(Reply::Alert(desc)) => {
                // OpenSSL's record layer marks a fatal alert as the peer's
                // shutdown.
                self.shutdown.received = true;
                self.fail();
                Err(Reason::from_alert(desc).into())
            }
            Ok(Reply::Accepted) => {
                self.fail();
                Err(Reason::UNSUPPORTED_PROTOCOL.into())
            }
        }
    }

    fn legacy_step(&mut self, h: &mut LegacyHello, io: &mut dyn Transport) -> Result<Reply, Error> {
        while h.sent < h.out.len() {
            self.rwstate = RwState::Writing;
            match io.write(&h.out[h.sent..]) {
                Ok(0) => return Err(Error::Transport),
                Ok(n) => h.sent += n,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Error::WouldBlock),
                Err(_) => return Err(Error::Transport),
            }
        }
        loop {
            if let Some(r) = reply(&h.got) {
                self.rwstate = RwState::Nothing;
                return Ok(r);
            }
            self.rwstate = RwState::Reading;
            let mut buf = [0u8; 7];
            let want = 7 - h.got.len().min(6);
            match io.read(&mut buf[..want]) {
                Ok(0) => {
                    self.rwstate = RwState::Nothing;
                    return Err(Reason::UNEXPECTED_EOF_WHILE_READING.into());
                }
                Ok(n) => h.got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Error::WouldBlock),
                Err(e) if e.kind() == io::ErrorKind::NotConnected => {
                    self.rwstate = RwState::Nothing;
                    return Err(Reason::READ_BIO_NOT_SET.into());
                }
                Err(_) => {
                    self.rwstate = RwState::Nothing;
                    return Err(Error::Transport);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hello_and_replies() {
        let r = client_hello(0x0301, &[7; 32], Some("localhost"));
        assert_eq!(&r[..3], &[22, 3, 1]);
        assert_eq!(usize::from(u16::from_be_bytes([r[3], r[4]])), r.len() - 5);
        assert_eq!(r[5], 1);
        assert_eq!(&r[9..11], &[3, 1]);
        assert_eq!(reply(&[21, 3, 1, 0, 2, 2]), None);
        assert_eq!(reply(&[21, 3, 1, 0, 2, 2, 80]), Some(Reply::Alert(80)));
        assert_eq!(reply(&[22]), Some(Reply::Accepted));
        assert_eq!(reply(&[]), None);
    }
}
