//! `i2d_SSL_SESSION`/`d2i_SSL_SESSION` without a portable encoding: rustls
//! cannot export a session's secrets, so the encoding names a session this
//! process keeps (the last [`KEPT`] encoded), and only this process can
//! decode it. Another process, or this one after a restart, gets nothing.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use super::session::Session;

/// How many encoded sessions stay decodable.
pub const KEPT: usize = 1024;
/// Marks the encoding as ours.
const MAGIC: &[u8; 16] = b"sslshim-session1";
/// DER: SEQUENCE { OCTET STRING magic, OCTET STRING nonce, OCTET STRING handle }.
pub const ENCODED_LEN: usize = 2 + (2 + 16) * 2 + (2 + 8);

struct Registry {
    /// Random per process, so that another process's handles do not decode.
    nonce: [u8; 16],
    next: u64,
    kept: VecDeque<(u64, Arc<Session>)>,
}

fn registry() -> &'static Mutex<Registry> {
    static R: OnceLock<Mutex<Registry>> = OnceLock::new();
    R.get_or_init(|| {
        let mut nonce = [0u8; 16];
        let rng = rustls::crypto::aws_lc_rs::default_provider().secure_random;
        let _ = rng.fill(&mut nonce);
        Mutex::new(Registry {
            nonce,
            next: 1,
            kept: VecDeque::new(),
        })
    })
}

fn octets(out: &mut Vec<u8>, b: &[u8]) {
    out.push(0x04);
    out.push(b.len() as u8);
    out.extend_from_slice(b);
}

/// The encoding of `s`: a handle to a copy kept in the registry. Each call
/// keeps another copy, so callers that only want the length should not
/// call this (see [`ENCODED_LEN`]).
pub fn encode(s: &Session) -> Vec<u8> {
    let mut r = registry().lock().unwrap_or_else(|e| e.into_inner());
    let handle = r.next;
    r.next += 1;
    r.kept.push_back((handle, Arc::new(s.dup())));
    while r.kept.len() > KEPT {
        r.kept.pop_front();
    }
    let mut body = Vec::with_capacity(ENCODED_LEN);
    octets(&mut body, MAGIC);
    octets(&mut body, &r.nonce);
    octets(&mut body, &handle.to_be_bytes());
    let mut out = vec![0x30, body.len() as u8];
    out.extend(body);
    out
}

/// A new session with what the encoded one held, if `der` starts with an
/// encoding this process made and still keeps.
pub fn decode(der: &[u8]) -> Option<Session> {
    let der = der.get(..ENCODED_LEN)?;
    let r = registry().lock().unwrap_or_else(|e| e.into_inner());
    let mut expect = vec![0x30, (ENCODED_LEN - 2) as u8];
    octets(&mut expect, MAGIC);
    octets(&mut expect, &r.nonce);
    expect.extend([0x04, 8]);
    if der[..expect.len()] != expect[..] {
        return None;
    }
    let handle = u64::from_be_bytes(der[expect.len()..].try_into().ok()?);
    let (_, s) = r.kept.iter().find(|(h, _)| *h == handle)?;
    Some(s.dup())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_in_this_process() {
        let s = Session::default();
        s.meta().id = vec![9; 32];
        let der = encode(&s);
        assert_eq!(der.len(), ENCODED_LEN);
        let back = decode(&der).unwrap();
        assert_eq!(back.meta().id, vec![9; 32]);
        let mut bad = der.clone();
        bad[20] ^= 1;
        assert!(decode(&bad).is_none());
        assert!(decode(&der[..10]).is_none());
    }

    #[test]
    fn old_handles_are_forgotten() {
        let s = Session::default();
        let first = encode(&s);
        for _ in 0..KEPT {
            encode(&s);
        }
        assert!(decode(&first).is_none());
    }
}
