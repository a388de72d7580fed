//! The API-sequence target: the input is a program of C API calls made on
//! a client and a server of this library, joined by a BIO pair whose
//! capacities the input also picks. Each side writes its own deterministic
//! stream; every byte the peer reads is checked against it, so a byte lost,
//! duplicated or reordered is caught at once, and at the end everything
//! written must have arrived. Writes are retried as OpenSSL requires (same
//! length; same address unless SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), and
//! illegal calls (negative lengths) are mixed in: they must fail and change
//! nothing. Roles are set again while nothing has been sent.
//!
//! One refusal is legal: a reader that has been sent more than
//! `MAX_KEY_UPDATES` KeyUpdates in a row ends the connection with `too many
//! key updates` (rustls's limit; see docs/compat.md). From then on that
//! side's direction is only checked for order, not for completeness.

use std::ffi::{c_int, c_long};
use std::ptr::null_mut;

use openssl_sys as ossl;
use ssl::abi::connection::{
    SSL_free, SSL_get_rbio, SSL_new, SSL_set_accept_state, SSL_set_bio, SSL_set_connect_state,
};
use ssl::abi::ctrl::SSL_ctrl;
use ssl::abi::io::{
    SSL_do_handshake, SSL_has_pending, SSL_peek, SSL_pending, SSL_read, SSL_read_ex, SSL_shutdown,
    SSL_write, SSL_write_ex,
};
use ssl::abi::key_update::SSL_key_update;

use crate::{checked_error, contexts, SSL, SSL_ERROR_NONE, SSL_ERROR_SSL, SSL_ERROR_ZERO_RETURN};

const SSL_CTRL_MODE: c_int = 33;
const SSL_CTRL_CLEAR_MODE: c_int = 78;
const SSL_CTRL_SET_MAX_SEND_FRAGMENT: c_int = 52;
const SSL_MODE_ENABLE_PARTIAL_WRITE: c_long = 1;
const SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: c_long = 2;
/// KeyUpdates in a row that rustls accepts without application data.
const MAX_KEY_UPDATES: u32 = 32;
const SSL_R_TOO_MANY_KEY_UPDATES: c_int = 132;
const ERR_LIB_SSL: c_int = 20;

extern "C" {
    fn BIO_new_bio_pair(
        b1: *mut *mut ossl::BIO,
        w1: usize,
        b2: *mut *mut ossl::BIO,
        w2: usize,
    ) -> c_int;
    fn ERR_peek_error() -> std::ffi::c_ulong;
    fn BIO_number_read(bio: *mut ossl::BIO) -> u64;
}

/// Everything that moved: application bytes, and the bytes each side took
/// from its BIO. A record crossing a tiny pair moves for hundreds of rounds
/// before a byte of it is application data.
unsafe fn progress(sides: &[Side; 2]) -> u64 {
    sides
        .iter()
        .map(|s| s.sent + s.received + BIO_number_read(SSL_get_rbio(s.ssl).cast()))
        .sum()
}

/// `SEQ_TRACE=1` prints every call and its outcome on stderr, to replay an
/// input and see what it did.
fn tracing() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("SEQ_TRACE").is_some())
}

macro_rules! trace {
    ($($arg:tt)*) => {
        if tracing() {
            eprintln!($($arg)*);
        }
    };
}

/// Byte `i` of the stream side `s` writes: a mix of the offset, so that a
/// lost or repeated run of bytes does not line up again.
fn stream_byte(side: usize, i: u64) -> u8 {
    let x = (i ^ ((side as u64) << 40)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (x >> 56) as u8
}

/// A write that asked to be retried: OpenSSL requires the same length, and
/// the same buffer unless moving is allowed.
struct Pending {
    buf: Vec<u8>,
    ex: bool,
}

struct Side {
    ssl: *mut SSL,
    /// Bytes `SSL_write` reported written.
    sent: u64,
    /// Bytes of the peer's stream read so far.
    received: u64,
    pending: Option<Pending>,
    /// How far into the stream bytes may arrive: a write that asked to be
    /// retried may have committed records of its buffer already, which
    /// arrive even if the retry is never made or refused (after
    /// `SSL_shutdown`).
    may_arrive: u64,
    partial: bool,
    moving: bool,
    /// `SSL_shutdown` was called: writes are refused from then on.
    shut: bool,
    /// The peer's close_notify was read.
    peer_closed: bool,
    /// KeyUpdates this side may have sent: one per `SSL_key_update` it
    /// made, and one per `SSL_key_update` of the peer, which it answers
    /// (rustls asks for an answer whichever type was given). Never reset, so
    /// it bounds from above the run of KeyUpdates rustls counts.
    key_updates: u32,
    /// This side refused the peer's KeyUpdates as too many; it reads no more.
    refused_key_updates: bool,
}

impl Side {
    unsafe fn mode(&mut self, bit: c_long, on: bool) {
        let cmd = if on {
            SSL_CTRL_MODE
        } else {
            SSL_CTRL_CLEAR_MODE
        };
        SSL_ctrl(self.ssl, cmd, bit, null_mut());
    }
}

/// Reads the input as a sequence of small numbers.
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(b)
    }
    fn u16(&mut self) -> u16 {
        u16::from(self.byte().unwrap_or(0)) << 8 | u16::from(self.byte().unwrap_or(0))
    }
}

/// A BIO pair capacity: tiny ones (where every call moves a byte or two)
/// are a quarter of the choices, as they make an execution long.
fn capacity(b: u8) -> usize {
    match b % 16 {
        0 => 1,
        1 => 7,
        2 => 61,
        3 => 256,
        n => 1 << (n - 4 + 9).min(16),
    }
}

/// A write or read length: mostly small, up to 32 KiB.
fn length(arg: u16) -> usize {
    usize::from(arg & 0x0fff) << (arg >> 12 & 3)
}

pub fn run(data: &[u8]) {
    let mut input = Input(data);
    let (Some(setup), Some(c1), Some(c2)) = (input.byte(), input.byte(), input.byte()) else {
        return;
    };
    let ctxs = contexts();
    unsafe {
        let cctx = if setup & 1 != 0 {
            ctxs.client12
        } else {
            ctxs.client
        };
        let (mut b1, mut b2) = (null_mut(), null_mut());
        assert_eq!(
            BIO_new_bio_pair(&mut b1, capacity(c1), &mut b2, capacity(c2)),
            1
        );
        let client = SSL_new(cctx);
        let server = SSL_new(ctxs.server);
        SSL_set_bio(client, b1.cast(), b1.cast());
        SSL_set_bio(server, b2.cast(), b2.cast());
        SSL_set_connect_state(client);
        SSL_set_accept_state(server);
        let side = |ssl| Side {
            ssl,
            sent: 0,
            received: 0,
            pending: None,
            may_arrive: 0,
            partial: false,
            moving: false,
            shut: false,
            peer_closed: false,
            key_updates: 0,
            refused_key_updates: false,
        };
        let mut sides = [side(client), side(server)];
        if setup & 2 != 0 {
            // The handshake first; otherwise the first calls make it.
            finish_handshake(&mut sides);
        }
        while let Some(op) = input.byte() {
            let who = usize::from(op >> 7);
            let arg = input.u16();
            step(&mut sides, who, op & 0x7f, arg);
        }
        settle(&mut sides);
        SSL_free(client);
        SSL_free(server);
        ossl::ERR_clear_error();
    }
}

unsafe fn finish_handshake(sides: &mut [Side; 2]) {
    // Over a 1-byte BIO pair each call moves a byte or two.
    let mut last = (0, 0, 0, 0);
    for _ in 0..50_000 {
        let a = SSL_do_handshake(sides[0].ssl);
        let ea = checked_error(sides[0].ssl, a, "SSL_do_handshake");
        let b = SSL_do_handshake(sides[1].ssl);
        let eb = checked_error(sides[1].ssl, b, "SSL_do_handshake");
        if a == 1 && b == 1 {
            return;
        }
        // A side that is done reads, so the other's last flight (a server's
        // tickets) drains out of a small pair.
        for (who, done) in [(0, a == 1), (1, b == 1)] {
            if done {
                let (me, peer) = split(sides, who);
                read(me, peer, who ^ 1, 64, false, false);
            }
        }
        last = (a, ea, b, eb);
    }
    panic!("the handshake over the BIO pair did not complete: client {} ({}), server {} ({}), queue {:x}", last.0, last.1, last.2, last.3, ossl::ERR_get_error());
}

unsafe fn step(sides: &mut [Side; 2], who: usize, op: u8, arg: u16) {
    trace!("side {who}: op {} arg {arg}", op % 13);
    let me = &mut sides[who];
    match op % 13 {
        0..=2 => write(me, who, length(arg), op & 0x40 != 0),
        3..=5 => {
            let (me, peer) = split(sides, who);
            read(
                me,
                peer,
                who ^ 1,
                usize::from(arg) % 20_000,
                arg & 1 != 0,
                op & 0x40 != 0,
            );
        }
        6 => {
            if !me.shut {
                let r = SSL_shutdown(me.ssl);
                trace!("  SSL_shutdown: {r}");
                assert!((-1..=1).contains(&r), "SSL_shutdown returned {r}");
                // Refused while in init (a KeyUpdate not yet sent), as in
                // OpenSSL: nothing was shut, and the queue holds why.
                me.shut = checked_error(me.ssl, r, "SSL_shutdown") != SSL_ERROR_SSL;
                ossl::ERR_clear_error();
            }
        }
        // Modes change only between writes: OpenSSL's retry contract holds
        // for the mode a write started in.
        7 if me.pending.is_none() => {
            me.partial = arg & 1 != 0;
            me.mode(SSL_MODE_ENABLE_PARTIAL_WRITE, me.partial);
        }
        8 if me.pending.is_none() => {
            me.moving = arg & 1 != 0;
            me.mode(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, me.moving);
        }
        9 => {
            // Illegal lengths: refused, and nothing else changes.
            let mut b = [0u8; 8];
            let r = if arg & 1 != 0 {
                SSL_write(me.ssl, b.as_ptr().cast(), -1 - c_int::from(arg >> 1))
            } else {
                SSL_read(me.ssl, b.as_mut_ptr().cast(), -1 - c_int::from(arg >> 1))
            };
            assert!(r <= 0, "a negative length was accepted: {r}");
            checked_error(me.ssl, r, "negative length");
            ossl::ERR_clear_error();
        }
        10 => {
            let r = SSL_key_update(me.ssl, c_int::from(arg & 1));
            trace!("  SSL_key_update({}): {r}", arg & 1);
            assert!(r == 0 || r == 1);
            ossl::ERR_clear_error();
            if r == 1 {
                // rustls asks for the peer's answer even when not told to.
                me.key_updates += 1;
                sides[who ^ 1].key_updates += 1;
            }
        }
        11 => {
            let fragment = 512 + c_long::from(arg) % (16384 - 512 + 1);
            SSL_ctrl(me.ssl, SSL_CTRL_SET_MAX_SEND_FRAGMENT, fragment, null_mut());
            assert!(SSL_pending(me.ssl) >= 0);
            let _ = SSL_has_pending(me.ssl);
            if arg & 0x8000 != 0 {
                let r = SSL_do_handshake(me.ssl);
                checked_error(me.ssl, r, "SSL_do_handshake");
                ossl::ERR_clear_error();
            }
        }
        12 => {
            // A role set again before anything was sent starts over in it;
            // once the handshake is under way it would reset the stream,
            // which OpenSSL allows but no byte accounting survives.
            if ssl::abi::state::SSL_in_before(me.ssl) == 1 && me.sent == 0 && me.received == 0 {
                if who == 0 {
                    SSL_set_connect_state(me.ssl);
                } else {
                    SSL_set_accept_state(me.ssl);
                }
            }
        }
        _ => {}
    }
}

fn split(sides: &mut [Side; 2], who: usize) -> (&mut Side, &mut Side) {
    let (a, b) = sides.split_at_mut(1);
    if who == 0 {
        (&mut a[0], &mut b[0])
    } else {
        (&mut b[0], &mut a[0])
    }
}

/// One `SSL_write` (or `SSL_write_ex`) of `len` fresh bytes, or the retry of
/// the pending one.
unsafe fn write(me: &mut Side, who: usize, len: usize, ex: bool) {
    let pending = match me.pending.take() {
        Some(mut p) => {
            if me.moving {
                // A new address holding the same bytes; the old one is
                // overwritten, so a library that kept it would send garbage.
                let moved = p.buf.clone();
                p.buf.iter_mut().for_each(|b| *b = 0xee);
                p.buf = moved;
            }
            p
        }
        None => Pending {
            buf: (0..len as u64)
                .map(|i| stream_byte(who, me.sent + i))
                .collect(),
            ex,
        },
    };
    let n = pending.buf.len();
    let (r, written) = if pending.ex {
        let mut written = 0usize;
        let r = SSL_write_ex(me.ssl, pending.buf.as_ptr().cast(), n, &mut written);
        (r, if r == 1 { written } else { 0 })
    } else {
        let r = SSL_write(me.ssl, pending.buf.as_ptr().cast(), n as c_int);
        (r, r.max(0) as usize)
    };
    let e = checked_error(me.ssl, r, "SSL_write");
    trace!(
        "  SSL_write{} of {n}: {r}, error {e}, queue {:x}",
        if pending.ex { "_ex" } else { "" },
        ERR_peek_error()
    );
    // What the queue held was for this call only.
    ossl::ERR_clear_error();
    if e == SSL_ERROR_NONE {
        assert!(written <= n, "wrote {written} of {n}");
        assert!(
            written == n || me.partial,
            "wrote {written} of {n} without SSL_MODE_ENABLE_PARTIAL_WRITE"
        );
        assert!(written > 0 || n == 0, "a write of {n} succeeded with 0");
        me.sent += written as u64;
    } else if r == 0 && n == 0 {
        // A zero-length write: nothing to retry.
    } else if matches!(e, 2 | 3) {
        me.may_arrive = me.may_arrive.max(me.sent + n as u64);
        me.pending = Some(pending);
    } else {
        // Refused for good (after SSL_shutdown, after the peer went): a
        // retry cannot succeed, so it is not owed.
        assert!(me.shut || me.peer_closed || e == SSL_ERROR_SSL || e == 5);
        me.pending = None;
    }
}

/// One read of up to `len` bytes of the peer's stream, checked byte by byte.
unsafe fn read(me: &mut Side, peer: &Side, peer_who: usize, len: usize, peek: bool, ex: bool) {
    let mut buf = vec![0u8; len];
    let (r, got) = if ex {
        let mut got = 0usize;
        let r = if peek {
            ssl::abi::io::SSL_peek_ex(me.ssl, buf.as_mut_ptr().cast(), len, &mut got)
        } else {
            SSL_read_ex(me.ssl, buf.as_mut_ptr().cast(), len, &mut got)
        };
        (r, if r == 1 { got } else { 0 })
    } else {
        let r = if peek {
            SSL_peek(me.ssl, buf.as_mut_ptr().cast(), len as c_int)
        } else {
            SSL_read(me.ssl, buf.as_mut_ptr().cast(), len as c_int)
        };
        (r, r.max(0) as usize)
    };
    let e = checked_error(me.ssl, r, "SSL_read");
    trace!(
        "  read of {len} (peek {peek}): {r}, got {got}, error {e}, queue {:x}",
        ERR_peek_error()
    );
    assert!(got <= len, "read {got} into {len}");
    for (k, &b) in buf[..got].iter().enumerate() {
        let at = me.received + k as u64;
        let limit = peer.sent.max(peer.may_arrive);
        assert!(at < limit, "read byte {at} of a stream only {limit} long");
        assert_eq!(
            b,
            stream_byte(peer_who, at),
            "byte {at} of the stream differs"
        );
    }
    if !peek {
        me.received += got as u64;
    }
    match e {
        SSL_ERROR_ZERO_RETURN => me.peer_closed = true,
        SSL_ERROR_SSL => {
            let code = ERR_peek_error();
            let too_many = ossl::ERR_GET_LIB(code) == ERR_LIB_SSL
                && ossl::ERR_GET_REASON(code) == SSL_R_TOO_MANY_KEY_UPDATES;
            assert!(
                (too_many && peer.key_updates > MAX_KEY_UPDATES) || me.refused_key_updates,
                "SSL_read failed on a healthy connection: reason {code:x}"
            );
            me.refused_key_updates = true;
        }
        _ => {}
    }
    ossl::ERR_clear_error();
}

/// Moves both connections onto a BIO pair with room for everything owed,
/// carrying over the bytes in flight: over a pair of a few bytes the last
/// records would take tens of thousands of calls to cross, and the API
/// sequence before it has had the small pair.
unsafe fn roomy_pair(sides: &mut [Side; 2]) {
    const ROOM: usize = 1 << 20;
    let (mut n0, mut n1) = (null_mut(), null_mut());
    assert_eq!(BIO_new_bio_pair(&mut n0, ROOM, &mut n1, ROOM), 1);
    for (from, to) in [(sides[1].ssl, n0), (sides[0].ssl, n1)] {
        // What the peer wrote and `from` has not read yet.
        let old = SSL_get_rbio(from).cast::<ossl::BIO>();
        let mut buf = [0u8; 4096];
        loop {
            let n = ossl::BIO_read(old, buf.as_mut_ptr().cast(), buf.len() as c_int);
            if n <= 0 {
                break;
            }
            assert_eq!(ossl::BIO_write(to, buf.as_ptr().cast(), n), n);
        }
    }
    // Each side's new half is the one whose peer half holds its bytes in
    // flight: what side 0 wrote is now readable from n1.
    SSL_set_bio(sides[0].ssl, n0.cast(), n0.cast());
    SSL_set_bio(sides[1].ssl, n1.cast(), n1.cast());
}

/// Retries and reads until nothing moves; then every byte written must have
/// arrived, and a write still owed can only be one that can no longer go.
unsafe fn settle(sides: &mut [Side; 2]) {
    trace!("settle");
    roomy_pair(sides);
    let mut idle_rounds = 0;
    for _ in 0..100_000 {
        let before = progress(sides);
        for who in 0..2 {
            if sides[who].pending.is_some() && !sides[who].shut {
                write(&mut sides[who], who, 0, false);
            }
            let (me, peer) = split(sides, who);
            if !me.peer_closed && !me.refused_key_updates {
                read(me, peer, who ^ 1, 16384, false, false);
            }
        }
        let after = progress(sides);
        if after == before {
            idle_rounds += 1;
            if idle_rounds > 3 {
                break;
            }
        } else {
            idle_rounds = 0;
        }
    }
    for who in 0..2 {
        let (me, peer) = (&sides[who], &sides[who ^ 1]);
        if peer.refused_key_updates {
            // The peer stopped reading; what it read was checked in order.
        } else if me.may_arrive <= me.sent {
            assert_eq!(
                peer.received, me.sent,
                "side {who} wrote {} bytes, its peer read {}",
                me.sent, peer.received
            );
        } else {
            // Part of a write never completed: its committed records may
            // have arrived, but nothing written is missing.
            assert!(
                peer.received >= me.sent,
                "side {who} wrote {} bytes, its peer read only {}",
                me.sent,
                peer.received
            );
        }
    }
}
