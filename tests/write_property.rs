//! Property test of the write path: a client and a server from this library,
//! joined by a BIO pair of random capacities, exchange a random stream through
//! random `SSL_write`/`SSL_write_ex` calls in random modes while the peer reads
//! random amounts. Whatever the interleaving, every byte must arrive once and
//! in order, each call must return what OpenSSL's contract promises, and a
//! failed call must leave nothing a retry could send twice.
//!
//! The run is deterministic. `SSLSHIM_PROPTEST_SEED` (decimal or 0x-hex)
//! changes the seed, `SSLSHIM_PROPTEST_CASES` the number of cases, and
//! `SSLSHIM_PROPTEST_CASE` replays the one case a failure names.

use std::collections::VecDeque;
use std::ffi::{c_int, c_long, c_ulong, CStr, CString};
use std::fmt;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::process::Command;
use std::ptr::null_mut;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use openssl_sys::{BIO_ctrl, ERR_clear_error, BIO};
use ssl::abi::cert::{SSL_CTX_use_PrivateKey_file, SSL_CTX_use_certificate_file};
use ssl::abi::cipher::SSL_get_version;
use ssl::abi::connection::{
    SSL_free, SSL_new, SSL_set_accept_state, SSL_set_bio, SSL_set_connect_state, SSL,
};
use ssl::abi::context::{SSL_CTX_free, SSL_CTX_new, TLS_method, SSL_CTX};
use ssl::abi::ctrl::{SSL_CTX_ctrl, SSL_ctrl};
use ssl::abi::io::{SSL_do_handshake, SSL_get_error, SSL_read, SSL_write, SSL_write_ex};
use ssl::abi::key_update::SSL_key_update;
use ssl::abi::verify::SSL_CTX_set_verify;

// Not declared by openssl-sys.
extern "C" {
    fn BIO_new_bio_pair(
        bio1: *mut *mut BIO,
        writebuf1: usize,
        bio2: *mut *mut BIO,
        writebuf2: usize,
    ) -> c_int;
    fn ERR_peek_error() -> c_ulong;
}

const SSL_ERROR_WANT_READ: c_int = 2;
const SSL_ERROR_WANT_WRITE: c_int = 3;
const SSL_CTRL_MODE: c_int = 33;
const SSL_CTRL_CLEAR_MODE: c_int = 78;
const SSL_CTRL_SET_MAX_SEND_FRAGMENT: c_int = 52;
const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;
const TLS1_2_VERSION: c_long = 0x0303;
const SSL_MODE_ENABLE_PARTIAL_WRITE: c_long = 1;
const SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: c_long = 2;
const SSL_FILETYPE_PEM: c_int = 1;
const SSL_VERIFY_NONE: c_int = 0;
/// OpenSSL's default max_send_fragment.
const DEFAULT_FRAGMENT: usize = 16384;

const DEFAULT_SEED: u64 = 0x5eed_2545_f491_4f6c;
const DEFAULT_CASES: u64 = 10_000;
/// Calls one case may make before it is declared stuck.
const MAX_STEPS: u64 = 2_000_000;
/// The calls a failure report shows.
const TRACE_LEN: usize = 40;

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, num: usize, den: usize) -> bool {
        self.below(den) < num
    }

    /// Uniform in `lo..=hi` on a log scale, so that small values are as common
    /// as large ones per power of two.
    fn log_uniform(&mut self, lo: usize, hi: usize) -> usize {
        let unit = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let span = ((hi + 1) as f64 / lo as f64).ln();
        ((lo as f64 * (unit * span).exp()) as usize).clamp(lo, hi)
    }

    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_mut(8) {
            let r = self.next().to_le_bytes();
            chunk.copy_from_slice(&r[..chunk.len()]);
        }
    }
}

fn env_u64(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    let v = v.trim();
    let parsed = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => v.parse(),
    };
    Some(parsed.unwrap_or_else(|_| panic!("{name}={v} is not a number")))
}

#[derive(Debug, Clone)]
struct Params {
    client_writes: bool,
    /// Write-buffer capacities of the BIO pair halves, by the side writing.
    cap_client: usize,
    cap_server: usize,
    partial: bool,
    moving: bool,
    max_send_fragment: Option<usize>,
    /// Lower or raise max_send_fragment now and then between calls.
    refragment: bool,
    /// Turn SSL_MODE_ENABLE_PARTIAL_WRITE on or off now and then between calls.
    remode: bool,
    /// Negotiate TLS 1.2 rather than 1.3.
    tls12: bool,
    /// Ask for a TLS 1.3 KeyUpdate now and then between calls.
    key_updates: bool,
    /// Leave the handshake to the first `SSL_write` and `SSL_read`.
    implicit_handshake: bool,
    total: usize,
}

impl Params {
    fn random(rng: &mut Rng) -> Self {
        let cap = |rng: &mut Rng| match rng.below(16) {
            0 => 1,
            1 => 65536,
            _ => rng.log_uniform(1, 65536),
        };
        let client_writes = rng.chance(1, 2);
        let cap_client = cap(rng);
        let mut cap_server = cap(rng);
        let partial = rng.chance(1, 2);
        let moving = rng.chance(1, 2);
        let max_send_fragment = rng.chance(1, 2).then(|| rng.log_uniform(512, 16384));
        let refragment = rng.chance(1, 4);
        let remode = rng.chance(1, 8);
        let tls12 = rng.chance(1, 4);
        let key_updates = !tls12 && rng.chance(1, 4);
        let implicit_handshake = rng.chance(1, 8);
        if implicit_handshake && client_writes {
            // The server's session tickets go out when its handshake ends, and
            // a client that only writes never reads them: they must fit.
            cap_server = cap_server.max(4096);
        }
        // Each retry moves at most a BIO's capacity, so tiny capacities get
        // short streams to keep the run's length in check.
        let writer_cap = if client_writes {
            cap_client
        } else {
            cap_server
        };
        let total = match rng.below(32) {
            0 => 0,
            _ => rng
                .log_uniform(1, 384 * 1024)
                .min(writer_cap.saturating_mul(2048) + 2048),
        };
        Params {
            client_writes,
            cap_client,
            cap_server,
            partial,
            moving,
            max_send_fragment,
            refragment,
            remode,
            tls12,
            key_updates,
            implicit_handshake,
            total,
        }
    }
}

/// One call of a case, kept for the failure report.
enum Op {
    Handshake {
        server: bool,
        ret: c_int,
        error: c_int,
    },
    Write {
        ex: bool,
        len: usize,
        /// Which copy of the call's buffer was passed (0 is the first).
        copy: usize,
        ret: i64,
        error: c_int,
    },
    Read {
        len: usize,
        ret: c_int,
        error: c_int,
    },
    Drain {
        from: usize,
        to: usize,
    },
    SetFragment(usize),
    SetMode(c_long),
    KeyUpdate(c_int, c_int),
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Op::Handshake { server, ret, error } => write!(
                f,
                "{} SSL_do_handshake -> {ret} (error {error})",
                if *server { "server" } else { "client" }
            ),
            Op::Write {
                ex,
                len,
                copy,
                ret,
                error,
            } => write!(
                f,
                "writer {}(len {len}, buffer copy {copy}) -> {ret} (error {error})",
                if *ex { "SSL_write_ex" } else { "SSL_write" }
            ),
            Op::Read { len, ret, error } => {
                write!(f, "reader SSL_read(len {len}) -> {ret} (error {error})")
            }
            Op::Drain { from, to } => write!(f, "reader drained: received {from} -> {to}"),
            Op::SetFragment(n) => write!(f, "writer SSL_set_max_send_fragment({n})"),
            Op::SetMode(m) => write!(f, "writer SSL_set_mode({m}) (after clearing 3)"),
            Op::KeyUpdate(t, r) => write!(f, "writer SSL_key_update({t}) -> {r}"),
        }
    }
}

enum ReadResult {
    Data,
    WantRead,
    WantWrite,
}

struct Case {
    /// How to run this case again, for the failure report.
    replay: String,
    params: Params,
    rng: Rng,
    client: *mut SSL,
    server: *mut SSL,
    /// The BIO pair's halves, owned by `client` and `server`.
    bio_client: *mut BIO,
    bio_server: *mut BIO,
    /// What the writer means to send, in order.
    stream: Vec<u8>,
    /// Bytes the writer's calls reported written.
    sent: usize,
    /// Bytes the reader received, all checked against `stream`.
    got: usize,
    /// The most the reader may have received: `sent` plus the outstanding call.
    limit: usize,
    /// Plaintext bytes per record. As in OpenSSL 3.0, whose records follow
    /// split_send_fragment, lowering max_send_fragment lowers it and raising
    /// max_send_fragment does not raise it again.
    record: usize,
    /// Whether SSL_MODE_ENABLE_PARTIAL_WRITE is on now.
    partial: bool,
    /// A KeyUpdate was asked for and no write has succeeded since.
    key_update_pending: bool,
    rbuf: Vec<u8>,
    steps: u64,
    trace: VecDeque<Op>,
}

impl Case {
    fn writer(&self) -> *mut SSL {
        if self.params.client_writes {
            self.client
        } else {
            self.server
        }
    }

    fn reader(&self) -> *mut SSL {
        if self.params.client_writes {
            self.server
        } else {
            self.client
        }
    }

    fn log(&mut self, op: Op) {
        if self.trace.len() == TRACE_LEN {
            self.trace.pop_front();
        }
        self.trace.push_back(op);
        self.steps += 1;
        if self.steps > MAX_STEPS {
            self.fail(format!("no progress after {MAX_STEPS} calls"));
        }
    }

    fn fail(&self, what: String) -> ! {
        let mut calls = String::new();
        for op in &self.trace {
            calls.push_str("\n    ");
            calls.push_str(&op.to_string());
        }
        panic!(
            "write property violated: {what}\n  {replay}\n  {params:?}\n  now: record size \
             {record}, partial mode {partial}\n  writer reported {sent} bytes written, reader received {got}\n  \
             last calls, oldest first:{calls}",
            replay = self.replay,
            params = self.params,
            record = self.record,
            partial = self.partial,
            sent = self.sent,
            got = self.got,
        );
    }

    /// A failed call's outcome: only WANT_READ/WANT_WRITE (per `allowed`) are
    /// expected here, with nothing left on the error queue.
    fn check_want(&self, who: &str, error: c_int, allowed: &[c_int]) {
        if !allowed.contains(&error) {
            self.fail(format!(
                "{who} failed with SSL_get_error {error}, expected one of {allowed:?}; \
                 error queue head {:#x}",
                unsafe { ERR_peek_error() }
            ));
        }
        let queued = unsafe { ERR_peek_error() };
        if queued != 0 {
            self.fail(format!(
                "{who} returned SSL_get_error {error} but left error {queued:#x} queued"
            ));
        }
    }

    fn new(seed: u64, index: u64, ctx: &Contexts) -> Self {
        let mut rng = Rng(seed ^ index.wrapping_mul(0xd134_2543_de82_ef95));
        rng.next();
        let params = Params::random(&mut rng);
        let replay = format!(
            "seed {seed:#x}, case {index} (replay with SSLSHIM_PROPTEST_SEED={seed:#x} \
             SSLSHIM_PROPTEST_CASE={index})"
        );
        Self::with_params(replay, ctx, params, rng)
    }

    fn with_params(replay: String, ctx: &Contexts, params: Params, mut rng: Rng) -> Self {
        let mut stream = vec![0u8; params.total];
        rng.fill(&mut stream);
        let (client, server, bio_client, bio_server) = unsafe {
            let client = SSL_new(if params.tls12 {
                ctx.client_tls12
            } else {
                ctx.client
            });
            let server = SSL_new(ctx.server);
            assert!(!client.is_null() && !server.is_null(), "SSL_new failed");
            let mut bio_client = null_mut();
            let mut bio_server = null_mut();
            assert_eq!(
                BIO_new_bio_pair(
                    &mut bio_client,
                    params.cap_client,
                    &mut bio_server,
                    params.cap_server
                ),
                1,
                "BIO_new_bio_pair failed"
            );
            SSL_set_bio(client, bio_client, bio_client);
            SSL_set_bio(server, bio_server, bio_server);
            SSL_set_connect_state(client);
            SSL_set_accept_state(server);
            (client, server, bio_client, bio_server)
        };
        Case {
            replay,
            params,
            rng,
            client,
            server,
            bio_client,
            bio_server,
            stream,
            sent: 0,
            got: 0,
            limit: 0,
            record: DEFAULT_FRAGMENT,
            partial: false,
            key_update_pending: false,
            rbuf: vec![0u8; 65536],
            steps: 0,
            trace: VecDeque::with_capacity(TRACE_LEN),
        }
    }

    fn configure_writer(&mut self) {
        self.set_modes(self.params.partial);
        if let Some(n) = self.params.max_send_fragment {
            self.set_max_send_fragment(n);
        }
    }

    fn set_modes(&mut self, partial: bool) {
        let w = self.writer();
        let mut modes = 0;
        if partial {
            modes |= SSL_MODE_ENABLE_PARTIAL_WRITE;
        }
        if self.params.moving {
            modes |= SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
        }
        let now = unsafe {
            SSL_ctrl(
                w,
                SSL_CTRL_CLEAR_MODE,
                SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER,
                null_mut(),
            );
            SSL_ctrl(w, SSL_CTRL_MODE, modes, null_mut())
        };
        self.log(Op::SetMode(modes));
        if now & 3 != modes {
            self.fail(format!("SSL_set_mode({modes}) left mode {now:#x}"));
        }
        self.partial = partial;
    }

    fn set_max_send_fragment(&mut self, n: usize) {
        let w = self.writer();
        let r = unsafe { SSL_ctrl(w, SSL_CTRL_SET_MAX_SEND_FRAGMENT, n as c_long, null_mut()) };
        self.log(Op::SetFragment(n));
        if r != 1 {
            self.fail(format!("SSL_set_max_send_fragment({n}) returned {r}"));
        }
        self.record = self.record.min(n);
    }

    /// Drives both handshakes to completion. A side already done reads, as an
    /// application waiting for data would, so that what its peer still sends
    /// after the handshake (session tickets) does not stall it.
    fn handshake(&mut self) {
        let mut done = [false, false];
        let mut stalled = 0;
        let mut last = self.bio_state();
        while !(done[0] && done[1]) {
            // Rounds in which both sides only waited to write and no byte moved:
            // neither can go on before the other reads, which it will not.
            let now = self.bio_state();
            let both_wait_write = self.trace.iter().rev().take(2).all(
                |op| matches!(op, Op::Handshake { error, .. } if *error == SSL_ERROR_WANT_WRITE),
            );
            stalled = if now == last && both_wait_write {
                stalled + 1
            } else {
                0
            };
            last = now;
            if stalled == 100 {
                self.fail(format!(
                    "handshake deadlocked: client and server both wait to write, with \
                     {} bytes written by the client and {} by the server unread by the \
                     other, whose BIO is full",
                    now.0, now.1
                ));
            }
            for (i, s) in [self.client, self.server].into_iter().enumerate() {
                let who = if i == 0 { "client" } else { "server" };
                if done[i] {
                    let r = unsafe { SSL_read(s, self.rbuf.as_mut_ptr().cast(), 1024) };
                    let error = unsafe { SSL_get_error(s, r) };
                    self.log(Op::Read {
                        len: 1024,
                        ret: r,
                        error,
                    });
                    if r > 0 {
                        self.fail(format!("{who} read {r} bytes nobody sent"));
                    }
                    self.check_want(who, error, &[SSL_ERROR_WANT_READ]);
                    continue;
                }
                let r = unsafe { SSL_do_handshake(s) };
                let error = if r == 1 {
                    0
                } else {
                    unsafe { SSL_get_error(s, r) }
                };
                self.log(Op::Handshake {
                    server: i == 1,
                    ret: r,
                    error,
                });
                if r == 1 {
                    done[i] = true;
                } else {
                    self.check_want(
                        &format!("{who} SSL_do_handshake"),
                        error,
                        &[SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE],
                    );
                }
            }
        }
    }

    /// Bytes each side wrote into the BIO pair that the other has not read.
    fn bio_state(&self) -> (c_long, c_long) {
        const BIO_CTRL_WPENDING: c_int = 13;
        unsafe {
            (
                BIO_ctrl(self.bio_client, BIO_CTRL_WPENDING, 0, null_mut()),
                BIO_ctrl(self.bio_server, BIO_CTRL_WPENDING, 0, null_mut()),
            )
        }
    }

    /// One `SSL_read` into a buffer of `len` bytes, checked against the stream.
    fn read_once(&mut self, len: usize) -> ReadResult {
        let reader = self.reader();
        let r = unsafe { SSL_read(reader, self.rbuf.as_mut_ptr().cast(), len as c_int) };
        let error = if r > 0 {
            0
        } else {
            unsafe { SSL_get_error(reader, r) }
        };
        self.log(Op::Read { len, ret: r, error });
        if r <= 0 {
            // The reader only writes while its handshake runs, which the first
            // calls do when the handshake is left to them.
            let allowed: &[c_int] = if self.params.implicit_handshake {
                &[SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE]
            } else {
                &[SSL_ERROR_WANT_READ]
            };
            self.check_want("reader SSL_read", error, allowed);
            return if error == SSL_ERROR_WANT_READ {
                ReadResult::WantRead
            } else {
                ReadResult::WantWrite
            };
        }
        let n = r as usize;
        if n > len {
            self.fail(format!("SSL_read into {len} bytes returned {n}"));
        }
        if self.got + n > self.limit {
            self.fail(format!(
                "reader received {} bytes, more than the {} the writer's calls offered so far",
                self.got + n,
                self.limit
            ));
        }
        let want = &self.stream[self.got..self.got + n];
        if let Some(i) = (0..n).find(|&i| self.rbuf[i] != want[i]) {
            self.fail(format!(
                "stream byte {} arrived as {:#04x}, expected {:#04x}: bytes lost, repeated or \
                 reordered",
                self.got + i,
                self.rbuf[i],
                want[i]
            ));
        }
        self.got += n;
        ReadResult::Data
    }

    fn read_len(&mut self) -> usize {
        if self.rng.chance(1, 8) {
            1
        } else {
            self.rng.log_uniform(1, 65536)
        }
    }

    /// A few reads of random sizes, as far as the BIO has data.
    fn read_some(&mut self) {
        for _ in 0..1 + self.rng.below(4) {
            let len = self.read_len();
            if !matches!(self.read_once(len), ReadResult::Data) {
                break;
            }
        }
    }

    /// Reads until the reader has nothing more without the writer's help.
    fn drain(&mut self) {
        let from = self.got;
        loop {
            let len = if self.rng.chance(1, 4) {
                self.read_len()
            } else {
                65536
            };
            if !matches!(self.read_once(len), ReadResult::Data) {
                break;
            }
        }
        let to = self.got;
        self.log(Op::Drain { from, to });
    }

    fn write_len(&mut self) -> usize {
        let remaining = self.stream.len() - self.sent;
        if remaining == 0 || self.rng.chance(1, 16) {
            return 0;
        }
        match self.rng.below(8) {
            0 => remaining.min(100 * 1024),
            1 => remaining.min(self.record * (1 + self.rng.below(3))),
            _ => self.rng.log_uniform(1, 100 * 1024).min(remaining),
        }
    }

    /// One write of the application's: a call, and its retries until it succeeds.
    fn write_once(&mut self) {
        let len = self.write_len();
        let ex = len == 0 || self.rng.chance(1, 2);
        let start = self.sent;
        // Copies of the buffer stay alive so that each one has its own address.
        let mut copies: Vec<Vec<u8>> = vec![self.stream[start..start + len].to_vec()];
        self.limit = start + len;
        let writer = self.writer();
        for attempt in 0.. {
            let buf = copies.last().unwrap();
            let mut written: usize = usize::MAX;
            let ret: i64 = unsafe {
                if ex {
                    SSL_write_ex(writer, buf.as_ptr().cast(), len, &mut written).into()
                } else {
                    SSL_write(writer, buf.as_ptr().cast(), len as c_int).into()
                }
            };
            let ok = if ex { ret == 1 } else { ret > 0 };
            let error = if ok {
                0
            } else {
                unsafe { SSL_get_error(writer, ret as c_int) }
            };
            self.log(Op::Write {
                ex,
                len,
                copy: copies.len() - 1,
                ret,
                error,
            });
            if ok {
                let n = if ex { written } else { ret as usize };
                self.check_written(len, n, attempt == 0);
                self.key_update_pending = false;
                self.sent += n;
                self.limit = self.sent;
                if self.rng.chance(1, 2) {
                    self.drain();
                    self.check_all_arrived("after a successful write");
                }
                return;
            }
            if ex && ret != 0 {
                self.fail(format!("SSL_write_ex failed returning {ret}, not 0"));
            }
            self.check_want(
                "writer",
                error,
                &[SSL_ERROR_WANT_WRITE, SSL_ERROR_WANT_READ],
            );
            if len == 0 && !self.params.implicit_handshake && !self.key_update_pending {
                self.fail("SSL_write_ex with num 0 failed with nothing pending".into());
            }
            match self.rng.below(8) {
                // Retrying at once must change nothing.
                0 => {}
                // Whatever the failed call committed, the reader may see no
                // more than the call offered, and no byte twice.
                1 | 2 => self.drain(),
                _ => self.read_some(),
            }
            if self.params.key_updates && self.rng.chance(1, 16) {
                self.key_update(true);
            }
            if self.params.moving && self.rng.chance(1, 2) {
                let copy = copies.last().unwrap().clone();
                // What a library kept pointing into the old buffer would now
                // send garbage.
                copies.last_mut().unwrap().fill(0xa5);
                copies.push(copy);
            }
        }
    }

    /// `SSL_key_update` on the writer; its KeyUpdate goes out ahead of the
    /// next write's records, through the same backpressure. While a write is
    /// pending OpenSSL may refuse it, but accepted or not it must not disturb
    /// that write.
    fn key_update(&mut self, write_pending: bool) {
        let kind = self.rng.below(2) as c_int;
        let w = self.writer();
        let r = unsafe { SSL_key_update(w, kind) };
        self.log(Op::KeyUpdate(kind, r));
        if r == 1 {
            self.key_update_pending = true;
        } else if write_pending {
            unsafe { ERR_clear_error() };
        } else {
            self.fail(format!(
                "SSL_key_update({kind}) between writes returned {r}, error {:#x}",
                unsafe { ERR_peek_error() }
            ));
        }
    }

    /// The count a successful call reported, `first` if no attempt of the
    /// call failed before.
    fn check_written(&self, len: usize, n: usize, first: bool) {
        if n > len {
            self.fail(format!("a write of {len} bytes reported {n} written"));
        }
        if len == 0 {
            if n != 0 {
                self.fail(format!("SSL_write_ex of 0 bytes reported {n} written"));
            }
            return;
        }
        if !self.partial {
            if n != len {
                self.fail(format!(
                    "without SSL_MODE_ENABLE_PARTIAL_WRITE a write of {len} bytes \
                     reported {n} written"
                ));
            }
            return;
        }
        // A partial write is done once one record is out, and counts whole
        // records of the call's buffer: a fresh call exactly one, a retried
        // one also those an earlier attempt committed.
        let record = self.record;
        let one = len.min(record);
        if first && n != one {
            self.fail(format!(
                "a partial write of {len} bytes with {record}-byte records reported {n} \
                 written, not one record"
            ));
        }
        if n < one || (n != len && !n.is_multiple_of(record)) {
            self.fail(format!(
                "a retried partial write of {len} bytes with {record}-byte records \
                 reported {n} written, not a whole number of records"
            ));
        }
    }

    fn check_all_arrived(&self, when: &str) {
        if self.got != self.sent {
            self.fail(format!(
                "{when}, the reader drained {} bytes but the writer reported {}",
                self.got, self.sent
            ));
        }
    }

    fn run(&mut self) {
        unsafe { ERR_clear_error() };
        self.configure_writer();
        if !self.params.implicit_handshake {
            self.handshake();
        }
        while self.sent < self.stream.len() {
            self.write_once();
            if self.params.refragment && self.rng.chance(1, 8) {
                // Between calls an application may tune the record size for
                // its next message.
                let n = self.rng.log_uniform(512, 16384);
                self.set_max_send_fragment(n);
            }
            if self.params.remode && self.rng.chance(1, 4) {
                self.set_modes(!self.partial);
            }
            if self.params.key_updates && self.rng.chance(1, 8) {
                self.key_update(false);
            }
        }
        // A case whose stream is empty still makes zero-length calls.
        if self.stream.is_empty() {
            for _ in 0..1 + self.rng.below(3) {
                self.write_once();
            }
        }
        self.drain();
        self.check_all_arrived("at the end");
        let version = unsafe { CStr::from_ptr(SSL_get_version(self.client)) };
        let expected = if self.params.tls12 {
            "TLSv1.2"
        } else {
            "TLSv1.3"
        };
        if version.to_bytes() != expected.as_bytes() {
            self.fail(format!("negotiated {version:?}, not {expected}"));
        }
    }
}

impl Drop for Case {
    fn drop(&mut self) {
        unsafe {
            SSL_free(self.client);
            SSL_free(self.server);
        }
    }
}

/// The loader path cargo gives tests, less the build directory: the
/// `openssl` tool must load the real libssl.so.3, not the one built there.
fn library_path_without_ours() -> std::ffi::OsString {
    let exe = std::env::current_exe().expect("the test's own path");
    let profile = exe.parent().and_then(|deps| deps.parent());
    let path = std::env::var_os("LD_LIBRARY_PATH").unwrap_or_default();
    let kept = std::env::split_paths(&path).filter(|p| profile.is_none_or(|d| !p.starts_with(d)));
    std::env::join_paths(kept).unwrap_or_default()
}

/// A self-signed P-256 certificate and its key, made by the `openssl` tool.
struct CertFiles {
    dir: PathBuf,
}

impl CertFiles {
    fn create() -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        static MADE: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "sslshim-write-property-{}-{nanos}-{}",
            std::process::id(),
            MADE.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("creating the certificate directory");
        // Made first, so that the directory goes even if `openssl` fails.
        let files = CertFiles { dir };
        let out = Command::new("openssl")
            .env("LD_LIBRARY_PATH", library_path_without_ours())
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:P-256",
                "-nodes",
                "-subj",
                "/CN=localhost",
                "-days",
                "2",
                "-keyout",
            ])
            .arg(files.dir.join("key.pem"))
            .arg("-out")
            .arg(files.dir.join("cert.pem"))
            .output()
            .expect("running the openssl command-line tool");
        assert!(
            out.status.success(),
            "openssl req failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        files
    }

    fn path(&self, name: &str) -> CString {
        CString::new(self.dir.join(name).to_str().expect("UTF-8 temp path")).unwrap()
    }
}

impl Drop for CertFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One client context per protocol version and one server context, shared by
/// all cases and threads as an application shares its `SSL_CTX`s.
struct Contexts {
    client: *mut SSL_CTX,
    client_tls12: *mut SSL_CTX,
    server: *mut SSL_CTX,
}

// An SSL_CTX may be used from any thread.
unsafe impl Send for Contexts {}
unsafe impl Sync for Contexts {}

impl Contexts {
    fn new() -> Self {
        let files = CertFiles::create();
        unsafe {
            let client = SSL_CTX_new(TLS_method());
            let client_tls12 = SSL_CTX_new(TLS_method());
            let server = SSL_CTX_new(TLS_method());
            assert!(
                !client.is_null() && !client_tls12.is_null() && !server.is_null(),
                "SSL_CTX_new failed"
            );
            SSL_CTX_set_verify(client, SSL_VERIFY_NONE, None);
            SSL_CTX_set_verify(client_tls12, SSL_VERIFY_NONE, None);
            assert_eq!(
                SSL_CTX_ctrl(
                    client_tls12,
                    SSL_CTRL_SET_MAX_PROTO_VERSION,
                    TLS1_2_VERSION,
                    null_mut()
                ),
                1,
                "SSL_CTX_set_max_proto_version(TLS1_2_VERSION) failed"
            );
            assert_eq!(
                SSL_CTX_use_certificate_file(
                    server,
                    files.path("cert.pem").as_ptr(),
                    SSL_FILETYPE_PEM
                ),
                1,
                "SSL_CTX_use_certificate_file failed"
            );
            assert_eq!(
                SSL_CTX_use_PrivateKey_file(
                    server,
                    files.path("key.pem").as_ptr(),
                    SSL_FILETYPE_PEM
                ),
                1,
                "SSL_CTX_use_PrivateKey_file failed"
            );
            Contexts {
                client,
                client_tls12,
                server,
            }
        }
    }
}

impl Drop for Contexts {
    fn drop(&mut self) {
        unsafe {
            SSL_CTX_free(self.client);
            SSL_CTX_free(self.client_tls12);
            SSL_CTX_free(self.server);
        }
    }
}

#[test]
fn every_byte_once_through_random_writes() {
    let seed = env_u64("SSLSHIM_PROPTEST_SEED").unwrap_or(DEFAULT_SEED);
    let cases = match env_u64("SSLSHIM_PROPTEST_CASE") {
        Some(one) => one..one + 1,
        None => 0..env_u64("SSLSHIM_PROPTEST_CASES").unwrap_or(DEFAULT_CASES),
    };
    let ctx = Contexts::new();
    let started = Instant::now();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) as u64;
    let failed = AtomicBool::new(false);
    let bytes: usize = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                let (ctx, failed, cases) = (&ctx, &failed, cases.clone());
                scope.spawn(move || {
                    let mut bytes = 0;
                    for index in cases.skip(t as usize).step_by(threads as usize) {
                        if failed.load(Ordering::Relaxed) {
                            break;
                        }
                        // Each case depends on the seed and its index alone,
                        // whichever thread runs it.
                        let mut case = Case::new(seed, index, ctx);
                        let ran = catch_unwind(AssertUnwindSafe(|| case.run()));
                        if let Err(panic) = ran {
                            failed.store(true, Ordering::Relaxed);
                            resume_unwind(panic);
                        }
                        bytes += case.sent;
                    }
                    bytes
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|panic| resume_unwind(panic)))
            .sum()
    });
    println!(
        "{} cases on {threads} threads, {bytes} bytes, seed {seed:#x}, {:.1?}",
        cases.end - cases.start,
        started.elapsed()
    );
}

/// OpenSSL finishes a handshake over a BIO pair of any capacity: each side
/// writes a whole flight before it reads again, so one side always waits to
/// read. Here the client queues a ChangeCipherSpec as soon as it reads
/// ServerHello, and the handshake flushes before it reads: with a client BIO
/// too small for that record and a server flight too big for the server's
/// BIO, both sides wait to write and neither ever reads.
#[test]
fn handshake_completes_over_tiny_bio_pairs() {
    let ctx = Contexts::new();
    let mut failures = Vec::new();
    for (cap_client, cap_server, tls12) in [
        (1, 1, false),
        (5, 512, false),
        (6, 1, false),
        (1, 1, true),
        (2, 3, true),
    ] {
        let params = Params {
            client_writes: true,
            cap_client,
            cap_server,
            partial: false,
            moving: false,
            max_send_fragment: None,
            refragment: false,
            remode: false,
            tls12,
            key_updates: false,
            implicit_handshake: false,
            total: 1000,
        };
        let replay = format!(
            "client capacity {cap_client}, server capacity {cap_server}, {}",
            if tls12 { "TLS 1.2" } else { "TLS 1.3" }
        );
        let mut case = Case::with_params(replay.clone(), &ctx, params, Rng(1));
        if catch_unwind(AssertUnwindSafe(|| case.run())).is_err() {
            failures.push(replay);
        }
    }
    assert!(failures.is_empty(), "cases that failed: {failures:#?}");
}
