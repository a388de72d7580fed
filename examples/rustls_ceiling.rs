//! Plain rustls, with glibc's malloc and no sslshim code, on the figures of
//! bench/bench.c whose targets sslshim misses: the ceiling a shim on rustls
//! could reach, in the same run as the comparison. `make bench` prints it
//! against OpenSSL's figures.
//!
//!   rustls_ceiling CERTDIR [FIGURE...]    CERTDIR holds cert.pem and key.pem
//!
//! Prints `FIGURE VALUE` lines like bench.c; `BENCH_SECONDS` is the timed
//! length. The `_unbuffered` figures use `rustls::unbuffered`, whose
//! caller-owned buffers are what a shim would build on to avoid rustls's own
//! queues. Any failure prints a message on stderr and exits 1.

use std::collections::VecDeque;
use std::io::{ErrorKind, Read, Write};
use std::sync::Arc;
use std::time::Instant;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{ClientConnectionData, Resumption, UnbufferedClientConnection};
use rustls::crypto::aws_lc_rs::{self, cipher_suite::TLS13_AES_256_GCM_SHA384, Ticketer};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::server::{ServerConnectionData, UnbufferedServerConnection};
use rustls::unbuffered::{ConnectionState, EncodeError, EncryptError, UnbufferedStatus};
use rustls::{
    ClientConfig, ClientConnection, CommonState, ConnectionCommon, DigitallySignedStruct,
    HandshakeKind, ProtocolVersion, ServerConfig, ServerConnection, SignatureScheme,
};

// Kept equal to bench.c's, so both programs measure the same thing.
const SMALL_WRITE: usize = 64;
const PATTERN: usize = 256 * 1024;
const WARMUP_FRACTION: f64 = 0.2;
const STALL_LIMIT: u32 = 1000;
const HEAP_PAIRS: usize = 100;
// A full record and then some, so one read from the transport can take all
// a small write sends; the handshake grows it if it must.
const IO_BUF: usize = 16 * 1024 + 256;

macro_rules! die {
    ($($arg:tt)*) => {{
        eprintln!("rustls_ceiling: {}", format!($($arg)*));
        std::process::exit(1)
    }};
}

/// Failures end the run with a message, as bench.c's die() does.
trait OrDie<T> {
    fn or_die(self, what: &str) -> T;
}

impl<T, E: std::fmt::Display> OrDie<T> for Result<T, E> {
    fn or_die(self, what: &str) -> T {
        self.unwrap_or_else(|e| die!("{what}: {e}"))
    }
}

/// bench.c's client uses SSL_VERIFY_NONE: the chain goes unchecked, but the
/// handshake signature is verified for real, so the RSA verify is paid as in
/// OpenSSL.
#[derive(Debug)]
struct AcceptAnyCert(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyCert {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        msg: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(msg, cert, dss, &self.0)
    }
    fn verify_tls13_signature(
        &self,
        msg: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(msg, cert, dss, &self.0)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

struct Bench {
    client: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
    name: ServerName<'static>,
    // pattern[i] for i < 2 * PATTERN, so any span up to PATTERN is contiguous.
    pattern: Vec<u8>,
    seconds: f64,
}

fn configs(certdir: &str) -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let mut provider = aws_lc_rs::default_provider();
    provider.cipher_suites = vec![TLS13_AES_256_GCM_SHA384];
    let provider = Arc::new(provider);
    let verifier = AcceptAnyCert(provider.signature_verification_algorithms);
    let certs = CertificateDer::pem_file_iter(format!("{certdir}/cert.pem"))
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .or_die(&format!("{certdir}/cert.pem"));
    let key = PrivateKeyDer::from_pem_file(format!("{certdir}/key.pem"))
        .or_die(&format!("{certdir}/key.pem"));
    let mut client = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .or_die("client config")
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // Every handshake full, as bench.c's fresh SSL objects make them: with
    // rustls's default ticket cache the client would resume. The tickets are
    // still received and processed, then dropped.
    client.resumption = Resumption::disabled();
    let mut server = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .or_die("server config")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .or_die("server certificate");
    // Stateless tickets, as OpenSSL (and sslshim) send by default; rustls's
    // default server keeps a session cache entry per ticket instead, which
    // would count in the heap per pair. The number stays rustls's (2).
    server.ticketer = Ticketer::new().or_die("ticketer");
    (Arc::new(client), Arc::new(server))
}

/// A comparison is only fair when both sides made the full handshake with
/// the suite bench.c asks for, and the client processed every ticket.
fn check_pair(client: &CommonState, server: &CommonState, tickets: u32, config: &ServerConfig) {
    for c in [client, server] {
        let kind = c.handshake_kind();
        let version = c.protocol_version();
        let suite = c.negotiated_cipher_suite();
        if c.is_handshaking()
            || kind != Some(HandshakeKind::Full)
            || version != Some(ProtocolVersion::TLSv1_3)
            || suite != Some(TLS13_AES_256_GCM_SHA384)
        {
            die!("{kind:?} handshake, {version:?}, {suite:?}; wanted a full TLS 1.3 one with TLS13_AES_256_GCM_SHA384");
        }
    }
    if tickets as usize != config.send_tls13_tickets {
        die!(
            "client processed {tickets} tickets of {}",
            config.send_tls13_tickets
        );
    }
}

/// The in-memory transport: one byte queue per direction, standing in for
/// bench.c's BIO pair (and a socket's copies in and out).
#[derive(Default)]
struct Wire {
    c2s: VecDeque<u8>,
    s2c: VecDeque<u8>,
}

struct Pair {
    client: ClientConnection,
    server: ServerConnection,
    wire: Wire,
}

/// Moves all a buffered connection has to send into `tx`, and all of `rx`
/// into it; returns whether any byte moved.
fn shuttle<T>(
    conn: &mut ConnectionCommon<T>,
    rx: &mut VecDeque<u8>,
    tx: &mut VecDeque<u8>,
) -> bool {
    let mut moved = false;
    while conn.wants_write() {
        moved |= conn.write_tls(tx).or_die("write_tls") > 0;
    }
    while !rx.is_empty() {
        moved |= conn.read_tls(rx).or_die("read_tls") > 0;
        conn.process_new_packets().or_die("process_new_packets");
    }
    moved
}

/// Runs `turn` (one pass over both sides, returning whether the handshake
/// is over and whether any byte moved) until it is over and quiet; a pair
/// that stops moving bytes before that is stuck.
fn settle(mut turn: impl FnMut() -> (bool, bool)) {
    let mut idle = 0;
    loop {
        match turn() {
            (_, true) => idle = 0,
            (true, false) => return,
            (false, false) if idle < STALL_LIMIT => idle += 1,
            _ => die!("handshake stalled"),
        }
    }
}

/// bench.c's timing: `step` run for a warm-up, then for `seconds`; returns
/// steps per second of the latter.
fn rate(seconds: f64, mut step: impl FnMut()) -> f64 {
    let mut run = |secs: f64| {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed().as_secs_f64() < secs {
            step();
            n += 1;
        }
        n as f64 / start.elapsed().as_secs_f64()
    };
    run(seconds * WARMUP_FRACTION);
    run(seconds)
}

impl Bench {
    /// A connected buffered pair, the server's tickets processed by the
    /// client so that nothing from the handshake is left for a timed loop.
    fn connect(&self) -> Pair {
        let mut client = ClientConnection::new(self.client.clone(), self.name.clone())
            .or_die("ClientConnection::new");
        let mut server = ServerConnection::new(self.server.clone()).or_die("ServerConnection::new");
        let mut wire = Wire::default();
        settle(|| {
            let moved = shuttle(&mut client, &mut wire.s2c, &mut wire.c2s)
                | shuttle(&mut server, &mut wire.c2s, &mut wire.s2c);
            (!client.is_handshaking() && !server.is_handshaking(), moved)
        });
        check_pair(
            &client,
            &server,
            client.tls13_tickets_received(),
            &self.server,
        );
        Pair {
            client,
            server,
            wire,
        }
    }

    /// Runs `step` (one 64-byte write at an offset, read back by the
    /// server) at bench.c's pace; returns writes per second.
    fn timed(&self, mut step: impl FnMut(&[u8], usize)) -> f64 {
        let mut sent = 0;
        rate(self.seconds, || {
            step(&self.pattern[sent % PATTERN..][..SMALL_WRITE], sent);
            sent += SMALL_WRITE;
        })
    }

    fn check_received(&self, got: &[u8], offset: usize) {
        if got != &self.pattern[offset % PATTERN..][..got.len()] {
            die!("server received wrong bytes at offset {offset}");
        }
    }

    fn small_writes(&self) -> f64 {
        let mut p = self.connect();
        let mut buf = vec![0u8; 64 * 1024];
        self.timed(|data, offset| {
            p.client.writer().write_all(data).or_die("client write");
            shuttle(&mut p.client, &mut p.wire.s2c, &mut p.wire.c2s);
            shuttle(&mut p.server, &mut p.wire.c2s, &mut p.wire.s2c);
            // Read until the server has nothing more, as bench.c's drain does.
            let mut got = 0;
            loop {
                match p.server.reader().read(&mut buf[got..]) {
                    Ok(0) => die!("server: connection closed"),
                    Ok(n) => got += n,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) => die!("server read: {e}"),
                }
            }
            if got != data.len() {
                die!("server read {got} bytes after a {}-byte write", data.len());
            }
            self.check_received(&buf[..got], offset);
        })
    }

    fn handshakes(&self) -> f64 {
        rate(self.seconds, || drop(self.connect()))
    }
}

/// The two sides of an unbuffered connection behind one interface, so one
/// driver serves both.
trait Unbuffered {
    type Data;
    fn process<'c, 'i>(&'c mut self, tls: &'i mut [u8]) -> UnbufferedStatus<'c, 'i, Self::Data>;
}

macro_rules! unbuffered {
    ($conn:ty, $data:ty) => {
        impl Unbuffered for $conn {
            type Data = $data;
            fn process<'c, 'i>(&'c mut self, tls: &'i mut [u8]) -> UnbufferedStatus<'c, 'i, $data> {
                self.process_tls_records(tls)
            }
        }
    };
}
unbuffered!(UnbufferedClientConnection, ClientConnectionData);
unbuffered!(UnbufferedServerConnection, ServerConnectionData);

/// An unbuffered connection with the buffers its user owns: TLS received
/// and not yet processed, and TLS encoded and not yet sent.
struct End<C> {
    conn: C,
    incoming: Vec<u8>,
    received: usize,
    outgoing: Vec<u8>,
}

impl<C: Unbuffered> End<C> {
    fn new(conn: C) -> Self {
        End {
            conn,
            incoming: vec![0; IO_BUF],
            received: 0,
            outgoing: vec![0; IO_BUF],
        }
    }

    /// Takes what `rx` holds, processes it and sends what the connection
    /// has to send, until it waits for the peer; `app` gets each
    /// application-data record. Returns whether any byte moved.
    fn pump(
        &mut self,
        rx: &mut VecDeque<u8>,
        tx: &mut VecDeque<u8>,
        mut app: impl FnMut(&[u8]),
    ) -> bool {
        let mut moved = false;
        while !rx.is_empty() {
            if self.received == self.incoming.len() {
                self.incoming.resize(2 * self.incoming.len().max(IO_BUF), 0);
            }
            self.received += rx
                .read(&mut self.incoming[self.received..])
                .expect("reading a VecDeque cannot fail");
            moved = true;
        }
        let mut encoded = 0;
        loop {
            let UnbufferedStatus { mut discard, state } =
                self.conn.process(&mut self.incoming[..self.received]);
            let state = state.or_die("process_tls_records");
            let waits = match state {
                ConnectionState::EncodeTlsData(mut e) => loop {
                    match e.encode(&mut self.outgoing[encoded..]) {
                        Ok(n) => {
                            encoded += n;
                            break false;
                        }
                        Err(EncodeError::InsufficientSize(s)) => {
                            self.outgoing.resize(encoded + s.required_size, 0)
                        }
                        Err(e) => die!("encode: {e}"),
                    }
                },
                ConnectionState::TransmitTlsData(t) => {
                    tx.extend(&self.outgoing[..encoded]);
                    encoded = 0;
                    moved = true;
                    t.done();
                    false
                }
                ConnectionState::ReadTraffic(mut r) => {
                    while let Some(record) = r.next_record() {
                        let record = record.or_die("next_record");
                        discard += record.discard;
                        app(record.payload);
                    }
                    false
                }
                ConnectionState::BlockedHandshake | ConnectionState::WriteTraffic(_) => true,
                other => die!("unexpected state {other:?}"),
            };
            self.incoming.copy_within(discard..self.received, 0);
            self.received -= discard;
            if waits {
                return moved;
            }
        }
    }

    /// Encrypts `data` into the caller's buffer and sends it.
    fn write(&mut self, data: &[u8], tx: &mut VecDeque<u8>) {
        let UnbufferedStatus { discard, state } =
            self.conn.process(&mut self.incoming[..self.received]);
        let Ok(ConnectionState::WriteTraffic(mut w)) = state else {
            die!("not ready to write: {state:?}")
        };
        let n = loop {
            match w.encrypt(data, &mut self.outgoing) {
                Ok(n) => break n,
                Err(EncryptError::InsufficientSize(s)) => self.outgoing.resize(s.required_size, 0),
                Err(e) => die!("encrypt: {e}"),
            }
        };
        tx.extend(&self.outgoing[..n]);
        self.incoming.copy_within(discard..self.received, 0);
        self.received -= discard;
    }
}

struct UnbufferedPair {
    client: End<UnbufferedClientConnection>,
    server: End<UnbufferedServerConnection>,
    wire: Wire,
}

fn no_app_data(_: &[u8]) {
    die!("application data during the handshake")
}

impl Bench {
    fn connect_unbuffered(&self) -> UnbufferedPair {
        let client = UnbufferedClientConnection::new(self.client.clone(), self.name.clone())
            .or_die("UnbufferedClientConnection::new");
        let server = UnbufferedServerConnection::new(self.server.clone())
            .or_die("UnbufferedServerConnection::new");
        let (mut client, mut server, mut wire) =
            (End::new(client), End::new(server), Wire::default());
        settle(|| {
            let moved = client.pump(&mut wire.s2c, &mut wire.c2s, no_app_data)
                | server.pump(&mut wire.c2s, &mut wire.s2c, no_app_data);
            (
                !client.conn.is_handshaking() && !server.conn.is_handshaking(),
                moved,
            )
        });
        if client.received != 0 || server.received != 0 {
            die!("unprocessed TLS left after the handshake");
        }
        let tickets = client.conn.tls13_tickets_received();
        check_pair(&client.conn, &server.conn, tickets, &self.server);
        UnbufferedPair {
            client,
            server,
            wire,
        }
    }

    fn small_writes_unbuffered(&self) -> f64 {
        let UnbufferedPair {
            mut client,
            mut server,
            mut wire,
        } = self.connect_unbuffered();
        self.timed(|data, offset| {
            client.write(data, &mut wire.c2s);
            let mut got = 0;
            server.pump(&mut wire.c2s, &mut wire.s2c, |record| {
                self.check_received(record, offset + got);
                got += record.len();
            });
            if got != data.len() {
                die!("server read {got} bytes after a {}-byte write", data.len());
            }
        })
    }

    /// KiB of heap per connected idle pair that `connect` returns, as
    /// bench.c's measure_heap; whatever `connect` used for the transport
    /// is released before it returns, so nothing needs subtracting.
    fn heap_per_pair<P>(&self, mut connect: impl FnMut() -> P) -> f64 {
        // Keeps what the configs build once out of the per-pair figure.
        drop(connect());
        let start = heap_in_use();
        // The pairs' own size counts: a program keeps its connections on
        // the heap too.
        let mut held = Vec::with_capacity(HEAP_PAIRS);
        for _ in 0..HEAP_PAIRS {
            held.push(connect());
        }
        let connected = heap_in_use() - start;
        drop(held);
        let left = heap_in_use() - start;
        if left > 0.05 * connected {
            die!("{left} bytes of the {connected} the pairs took stayed after they were dropped");
        }
        connected / HEAP_PAIRS as f64 / 1024.0
    }

    fn heap_pair(&self) -> f64 {
        self.heap_per_pair(|| {
            let p = self.connect();
            (p.client, p.server)
        })
    }

    /// The caller's buffers are empty once connected, and a careful user
    /// frees them while idle, as dropping them here does.
    fn heap_pair_unbuffered(&self) -> f64 {
        self.heap_per_pair(|| {
            let p = self.connect_unbuffered();
            (p.client.conn, p.server.conn)
        })
    }
}

/// Bytes glibc's malloc has handed out, as bench.c counts them.
fn heap_in_use() -> f64 {
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    let m = unsafe { libc::mallinfo2() };
    (m.uordblks + m.hblkhd) as f64
}

type Figure = (&'static str, fn(&Bench) -> f64);
const FIGURES: [Figure; 5] = [
    ("small_writes_s", Bench::small_writes),
    ("small_writes_unbuffered_s", Bench::small_writes_unbuffered),
    ("handshakes_s", Bench::handshakes),
    ("heap_pair_kib", Bench::heap_pair),
    ("heap_pair_unbuffered_kib", Bench::heap_pair_unbuffered),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 2 {
        eprintln!("usage: {} CERTDIR [FIGURE...]", args[0]);
        std::process::exit(2);
    }
    let wanted = &args[2..];
    if let Some(a) = wanted.iter().find(|a| !FIGURES.iter().any(|(n, _)| n == a)) {
        die!("no figure named {a}");
    }
    let seconds = match std::env::var("BENCH_SECONDS") {
        Err(_) => 1.0,
        Ok(s) => s
            .parse()
            .ok()
            .filter(|s: &f64| *s > 0.0)
            .unwrap_or_else(|| die!("BENCH_SECONDS={s} is not a positive number")),
    };
    // bench.c's pattern: not constant, so a dropped or repeated record
    // cannot match by accident.
    let mut pattern = vec![0u8; 2 * PATTERN];
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for i in 0..PATTERN {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (pattern[i], pattern[i + PATTERN]) = (x as u8, x as u8);
    }
    let (client, server) = configs(&args[1]);
    let bench = Bench {
        client,
        server,
        name: ServerName::try_from("localhost").expect("a valid DNS name"),
        pattern,
        seconds,
    };
    for (name, figure) in FIGURES {
        if wanted.is_empty() || wanted.iter().any(|a| a == name) {
            println!("{name} {:.1}", figure(&bench));
            std::io::stdout().flush().or_die("stdout");
        }
    }
}
