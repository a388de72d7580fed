//! The ClientHello and ServerHello as they crossed the wire. rustls parses
//! both and keeps neither, but OpenSSL's API hands out parts of them: the
//! ClientHello callback sees its raw extensions, and `SSL_get_client_random`
//! and `SSL_get_server_random` return the randoms. Both messages travel in
//! plaintext handshake records, so the bytes passing between rustls and the
//! BIO carry them; a [`Tap`] on each direction picks them out.

use std::io::{self, Read, Write};

use super::transport::Transport;

const HEADER_LEN: usize = 5;
const CONTENT_HANDSHAKE: u8 = 22;
const CLIENT_HELLO: u8 = 1;
const SERVER_HELLO: u8 = 2;
/// Larger than any ClientHello rustls accepts; past it the tap gives up.
const MAX_MESSAGE: usize = 1 << 17;
/// RFC 8446 4.1.3: the random of a ServerHello that is a HelloRetryRequest.
const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// Where the random ends in a hello's body: after the 2-byte legacy version.
const RANDOM_END: usize = 34;

/// A hello message: its handshake type and body (without the 4-byte header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelloMessage {
    pub msg_type: u8,
    pub body: Vec<u8>,
}

impl HelloMessage {
    /// The 32-byte random after the legacy version, in either hello.
    pub fn random(&self) -> Option<&[u8]> {
        self.body.get(2..RANDOM_END)
    }

    /// A ClientHello's cipher_suites field (two bytes each), which follows
    /// the random and the session id.
    pub fn cipher_suites(&self) -> Option<&[u8]> {
        if self.msg_type != CLIENT_HELLO {
            return None;
        }
        let at = RANDOM_END + 1 + usize::from(*self.body.get(RANDOM_END)?);
        let len = self.body.get(at..at + 2)?;
        let start = at + 2;
        self.body
            .get(start..start + usize::from(u16::from_be_bytes([len[0], len[1]])))
    }

    /// How much is still read once the handshake is over: a ClientHello up
    /// to its cipher suites (a server reports them), a ServerHello up to
    /// its random.
    fn kept_len(&self) -> usize {
        match self.cipher_suites() {
            Some(c) => c.as_ptr() as usize - self.body.as_ptr() as usize + c.len(),
            None if self.msg_type == CLIENT_HELLO => self.body.len(),
            None => RANDOM_END,
        }
    }
}

/// Follows one direction of the record stream until the first ClientHello
/// or ServerHello (a HelloRetryRequest passes), then stops looking.
#[derive(Debug, Default, Clone)]
pub struct Tap {
    header: [u8; HEADER_LEN],
    header_len: usize,
    body_left: usize,
    body_is_handshake: bool,
    handshake: Vec<u8>,
    found: Option<HelloMessage>,
    gave_up: bool,
}

impl Tap {
    pub fn done(&self) -> bool {
        self.found.is_some() || self.gave_up
    }

    pub fn hello(&self) -> Option<&HelloMessage> {
        self.found.as_ref()
    }

    /// Takes bytes of the record stream, in any chunks.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() && !self.done() {
            if self.body_left == 0 {
                let take = (HEADER_LEN - self.header_len).min(bytes.len());
                self.header[self.header_len..self.header_len + take]
                    .copy_from_slice(&bytes[..take]);
                self.header_len += take;
                bytes = &bytes[take..];
                if self.header_len == HEADER_LEN {
                    self.header_len = 0;
                    self.body_left =
                        usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
                    self.body_is_handshake = self.header[0] == CONTENT_HANDSHAKE;
                    // An SSLv2-format ClientHello has no such header.
                    self.gave_up = self.header[0] & 0x80 != 0;
                }
                continue;
            }
            let take = self.body_left.min(bytes.len());
            if self.body_is_handshake {
                self.handshake.extend_from_slice(&bytes[..take]);
                self.scan();
            }
            self.body_left -= take;
            bytes = &bytes[take..];
        }
    }

    /// Looks at each complete handshake message gathered so far.
    fn scan(&mut self) {
        while self.handshake.len() >= 4 && !self.done() {
            let h = &self.handshake;
            let len = usize::from(h[1]) << 16 | usize::from(h[2]) << 8 | usize::from(h[3]);
            if len > MAX_MESSAGE {
                self.gave_up = true;
                break;
            }
            if h.len() < 4 + len {
                break;
            }
            let msg = HelloMessage {
                msg_type: h[0],
                body: h[4..4 + len].to_vec(),
            };
            self.handshake.drain(..4 + len);
            let wanted = msg.msg_type == CLIENT_HELLO
                || (msg.msg_type == SERVER_HELLO && msg.random() != Some(&HRR_RANDOM[..]));
            if wanted {
                self.found = Some(msg);
            }
        }
        if self.done() {
            self.handshake = Vec::new();
        }
    }
}

/// A tap on each direction of one connection.
#[derive(Debug, Default, Clone)]
pub struct HelloTaps {
    pub incoming: Tap,
    pub outgoing: Tap,
}

impl HelloTaps {
    pub fn done(&self) -> bool {
        self.incoming.done() && self.outgoing.done()
    }

    /// The hello of `msg_type` from whichever direction carried it.
    pub fn hello(&self, msg_type: u8) -> Option<&HelloMessage> {
        [self.incoming.hello(), self.outgoing.hello()]
            .into_iter()
            .flatten()
            .find(|m| m.msg_type == msg_type)
    }

    pub fn client_hello(&self) -> Option<&HelloMessage> {
        self.hello(CLIENT_HELLO)
    }

    pub fn server_hello(&self) -> Option<&HelloMessage> {
        self.hello(SERVER_HELLO)
    }

    /// Drops what is no longer read once the handshake is over: the hellos'
    /// extensions (key shares of over a KiB each with ML-KEM) would stay
    /// with the connection for its whole life.
    pub fn drop_extensions(&mut self) {
        for tap in [&mut self.incoming, &mut self.outgoing] {
            if let Some(m) = &mut tap.found {
                m.body.truncate(m.kept_len());
                m.body.shrink_to_fit();
            }
        }
    }
}

/// A transport whose bytes, both ways, pass the taps. Every `Transport`
/// method must be forwarded here, or the tapped handshake would lose it.
pub struct Tapped<'a> {
    pub io: &'a mut dyn Transport,
    pub taps: &'a mut HelloTaps,
}

impl Read for Tapped<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.io.read(buf)?;
        self.taps.incoming.feed(&buf[..n]);
        Ok(n)
    }
}

impl Write for Tapped<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.io.write(buf)?;
        self.taps.outgoing.feed(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.io.flush()
    }
}

impl Transport for Tapped<'_> {
    fn readable(&self) -> Option<usize> {
        self.io.readable()
    }
    fn set_retry_read(&mut self) {
        self.io.set_retry_read()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(content: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![content, 3, 3];
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn message(t: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![t];
        m.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
        m.extend_from_slice(body);
        m
    }

    fn hello_body(random: [u8; 32]) -> Vec<u8> {
        let mut b = vec![3, 3];
        b.extend_from_slice(&random);
        b.extend_from_slice(&[0, 0x13, 0x01, 0]);
        b
    }

    #[test]
    fn finds_a_hello_split_over_records_and_chunks() {
        let msg = message(CLIENT_HELLO, &hello_body([7; 32]));
        let mut stream = record(CONTENT_HANDSHAKE, &msg[..3]);
        stream.extend(record(CONTENT_HANDSHAKE, &msg[3..]));
        stream.extend(record(23, b"later"));
        for chunk in [1, 2, 5, 1000] {
            let mut tap = Tap::default();
            for c in stream.chunks(chunk) {
                tap.feed(c);
            }
            let h = tap.hello().expect("found");
            assert_eq!(h.msg_type, CLIENT_HELLO);
            assert_eq!(h.random(), Some(&[7u8; 32][..]));
        }
    }

    #[test]
    fn passes_over_a_hello_retry_request_and_other_records() {
        let mut stream = record(
            CONTENT_HANDSHAKE,
            &message(SERVER_HELLO, &hello_body(HRR_RANDOM)),
        );
        stream.extend(record(20, &[1]));
        stream.extend(record(
            CONTENT_HANDSHAKE,
            &message(SERVER_HELLO, &hello_body([9; 32])),
        ));
        let mut tap = Tap::default();
        tap.feed(&stream);
        assert_eq!(
            tap.hello().and_then(HelloMessage::random),
            Some(&[9u8; 32][..])
        );
    }

    #[test]
    fn gives_up_on_sslv2_and_oversized_messages() {
        let mut tap = Tap::default();
        tap.feed(&[0x80, 0x2e, 1, 3, 1, 0, 0]);
        assert!(tap.done() && tap.hello().is_none());
        let mut tap = Tap::default();
        tap.feed(&record(CONTENT_HANDSHAKE, &[1, 0xff, 0xff, 0xff]));
        assert!(tap.done() && tap.hello().is_none());
    }

    #[test]
    fn a_short_hello_has_no_random() {
        let mut tap = Tap::default();
        tap.feed(&record(
            CONTENT_HANDSHAKE,
            &message(CLIENT_HELLO, &[3, 3, 1]),
        ));
        assert_eq!(tap.hello().map(|h| h.random()), Some(None));
    }

    #[test]
    fn after_the_handshake_a_client_hello_keeps_its_ciphers() {
        let mut body = vec![3, 3];
        body.extend_from_slice(&[9; 32]);
        body.extend_from_slice(&[2, 0xaa, 0xbb]); // session id
        body.extend_from_slice(&[0, 4, 0x13, 0x02, 0x13, 0x01]);
        body.extend_from_slice(&[1, 0, 0, 6, 0, 51, 0, 2, 0xcc, 0xdd]);
        let mut taps = HelloTaps::default();
        taps.incoming
            .feed(&record(CONTENT_HANDSHAKE, &message(CLIENT_HELLO, &body)));
        taps.outgoing.feed(&record(
            CONTENT_HANDSHAKE,
            &message(SERVER_HELLO, &hello_body([5; 32])),
        ));
        taps.drop_extensions();
        let ch = taps.client_hello().expect("kept");
        assert_eq!(ch.body.len(), 2 + 32 + 3 + 6);
        assert_eq!(ch.random(), Some(&[9u8; 32][..]));
        assert_eq!(ch.cipher_suites(), Some(&[0x13, 0x02, 0x13, 0x01][..]));
        let sh = taps.server_hello().expect("kept");
        assert_eq!(sh.body.len(), RANDOM_END);
        assert_eq!(sh.random(), Some(&[5u8; 32][..]));
    }
}
