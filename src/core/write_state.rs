//! The write state of one connection: how far an interrupted `SSL_write` got,
//! and what a retry must repeat. Words are OpenSSL's: `wnum` is the part of the
//! caller's buffer already sent in complete records; the pending record is the
//! one sealed but not yet fully handed to the BIO (`wpend_tot` plaintext bytes,
//! taken from the buffer at `wpend_buf`).
//!
//! Bytes sealed into a record are never sealed again: a retry first finishes the
//! pending record and only then seals what follows it. That is what keeps a byte
//! from being lost or sent twice whatever the BIO does.

use super::error::{Error, Reason};

/// Sealing and sending records; implemented over rustls, and by fakes in tests.
pub trait RecordSink {
    /// Seals `plaintext` (at most one fragment) as application data, queued to send.
    fn seal(&mut self, plaintext: &[u8]) -> Result<(), Error>;
    /// Hands queued records to the BIO; `Err(WouldBlock)` keeps the rest queued.
    fn flush(&mut self) -> Result<(), Error>;
}

/// OpenSSL's `max_send_fragment` and `split_send_fragment`: the first bounds
/// a record's plaintext, the second is the size records are actually cut to.
/// Lowering the maximum drags the split down with it; raising it again does
/// not raise the split, so a connection keeps the smallest maximum it was
/// ever given unless the split is set again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SendFragment {
    max: usize,
    split: usize,
}

impl Default for SendFragment {
    fn default() -> Self {
        Self {
            max: Self::LIMIT,
            split: Self::LIMIT,
        }
    }
}

impl SendFragment {
    /// `SSL3_RT_MAX_PLAIN_LENGTH`.
    pub const LIMIT: usize = 16384;

    /// `SSL_set_max_send_fragment`: 512 to 16384, else refused.
    pub fn set_max(&mut self, n: i64) -> bool {
        if !(512..=Self::LIMIT as i64).contains(&n) {
            return false;
        }
        self.max = n as usize;
        self.split = self.split.min(self.max);
        true
    }

    /// `SSL_set_split_send_fragment`: 1 up to the current maximum, else refused.
    pub fn set_split(&mut self, n: i64) -> bool {
        if n < 1 || n > self.max as i64 {
            return false;
        }
        self.split = n as usize;
        true
    }

    /// Plaintext bytes per record.
    pub fn record_size(&self) -> usize {
        self.split.min(self.max)
    }
}

/// How a write call behaves: the `SSL_MODE_*` bits that matter to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WriteMode {
    /// `SSL_MODE_ENABLE_PARTIAL_WRITE`: succeed once one record is out.
    pub partial: bool,
    /// `SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER`: a retry may pass another address.
    pub moving_buffer: bool,
    /// Plaintext bytes per record (`SendFragment::record_size`).
    pub max_fragment: usize,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WriteState {
    wnum: usize,
    /// `wpend_tot`: plaintext bytes in the record sealed but not yet sent; 0 if none.
    wpend_tot: usize,
    /// `wpend_buf`: the address of the buffer of the call that started this write.
    wpend_buf: usize,
}

impl WriteState {
    /// True while a write was interrupted and must be retried.
    pub fn in_progress(&self) -> bool {
        self.wnum != 0 || self.wpend_tot != 0
    }

    /// True while a sealed record has not been fully handed to the BIO.
    pub fn record_pending(&self) -> bool {
        self.wpend_tot != 0
    }

    /// Bytes of the interrupted call already committed to records.
    pub fn committed(&self) -> usize {
        self.wnum + self.wpend_tot
    }

    /// The first check of a write call, made before any handshake: a retry may
    /// not be shorter than what the interrupted call already committed.
    pub fn check_length(&self, len: usize) -> Result<(), Error> {
        if len < self.committed() {
            return Err(Reason::BAD_LENGTH.into());
        }
        Ok(())
    }

    /// Writes `buf` (found at address `addr` in the caller's memory) as records,
    /// resuming an interrupted call. Returns the count the call reports.
    pub fn write(
        &mut self,
        sink: &mut impl RecordSink,
        buf: &[u8],
        addr: usize,
        mode: WriteMode,
    ) -> Result<usize, Error> {
        self.check_length(buf.len())?;
        let mut tot = self.wnum;
        if self.wpend_tot != 0 {
            // A retry must name the same bytes (OpenSSL's tls_write_check_pending).
            if !mode.moving_buffer && addr != self.wpend_buf {
                return Err(Reason::BAD_WRITE_RETRY.into());
            }
            sink.flush()?;
            tot += self.wpend_tot;
            self.wpend_tot = 0;
            self.wnum = tot;
        }
        if tot == 0 {
            self.wpend_buf = addr;
        }
        if tot == buf.len() {
            return Ok(self.complete(tot));
        }
        let fragment = mode.max_fragment.max(1);
        loop {
            let n = (buf.len() - tot).min(fragment);
            sink.seal(&buf[tot..tot + n])?;
            self.wpend_tot = n;
            self.wnum = tot;
            sink.flush()?;
            self.wpend_tot = 0;
            tot += n;
            self.wnum = tot;
            if tot == buf.len() || mode.partial {
                return Ok(self.complete(tot));
            }
        }
    }

    fn complete(&mut self, tot: usize) -> usize {
        self.wnum = 0;
        self.wpend_tot = 0;
        tot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records go into `queued` when sealed and move to `wire` as the fake BIO
    /// accepts them, `budget` bytes at a time between retries.
    #[derive(Default)]
    struct FakeSink {
        queued: Vec<u8>,
        wire: Vec<u8>,
        budget: usize,
        seals: usize,
    }

    impl RecordSink for FakeSink {
        fn seal(&mut self, plaintext: &[u8]) -> Result<(), Error> {
            self.seals += 1;
            self.queued.extend_from_slice(plaintext);
            Ok(())
        }
        fn flush(&mut self) -> Result<(), Error> {
            let n = self.queued.len().min(self.budget);
            self.wire.extend(self.queued.drain(..n));
            self.budget -= n;
            if self.queued.is_empty() {
                Ok(())
            } else {
                Err(Error::WouldBlock)
            }
        }
    }

    const DEFAULT: WriteMode = WriteMode {
        partial: false,
        moving_buffer: false,
        max_fragment: 16384,
    };

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn lowering_the_maximum_keeps_the_split_down() {
        let mut f = SendFragment::default();
        assert!(!f.set_max(511) && !f.set_max(16385));
        assert!(f.set_max(512));
        assert!(f.set_max(16384));
        assert_eq!(f.record_size(), 512);
        assert!(!f.set_split(16385) && !f.set_split(0));
        assert!(f.set_split(4000));
        assert_eq!(f.record_size(), 4000);
    }

    #[test]
    fn blocking_write_returns_whole_count() {
        let buf = data(40000);
        let mut sink = FakeSink {
            budget: usize::MAX,
            ..Default::default()
        };
        let mut ws = WriteState::default();
        assert_eq!(ws.write(&mut sink, &buf, 0x1000, DEFAULT), Ok(40000));
        assert_eq!(sink.wire, buf);
        assert_eq!(sink.seals, 3);
        assert!(!ws.in_progress());
    }

    #[test]
    fn retry_resumes_without_resealing() {
        let buf = data(40000);
        let mut sink = FakeSink {
            budget: 20000,
            ..Default::default()
        };
        let mut ws = WriteState::default();
        assert_eq!(
            ws.write(&mut sink, &buf, 0x1000, DEFAULT),
            Err(Error::WouldBlock)
        );
        assert_eq!(ws.committed(), 32768);
        sink.budget = usize::MAX;
        assert_eq!(ws.write(&mut sink, &buf, 0x1000, DEFAULT), Ok(40000));
        assert_eq!(sink.wire, buf);
        assert_eq!(sink.seals, 3);
    }

    #[test]
    fn partial_mode_returns_after_one_record() {
        let buf = data(40000);
        let mode = WriteMode {
            partial: true,
            ..DEFAULT
        };
        let mut sink = FakeSink {
            budget: usize::MAX,
            ..Default::default()
        };
        let mut ws = WriteState::default();
        assert_eq!(ws.write(&mut sink, &buf, 0x1000, mode), Ok(16384));
        assert_eq!(ws.write(&mut sink, &buf[16384..], 0x5000, mode), Ok(16384));
    }

    #[test]
    fn moved_or_shorter_retry_is_refused_and_loses_nothing() {
        let buf = data(20000);
        let mut sink = FakeSink {
            budget: 100,
            ..Default::default()
        };
        let mut ws = WriteState::default();
        assert_eq!(
            ws.write(&mut sink, &buf, 0x1000, DEFAULT),
            Err(Error::WouldBlock)
        );
        assert_eq!(
            ws.write(&mut sink, &buf[..10], 0x1000, DEFAULT),
            Err(Reason::BAD_LENGTH.into())
        );
        assert_eq!(
            ws.write(&mut sink, &buf, 0x2000, DEFAULT),
            Err(Reason::BAD_WRITE_RETRY.into())
        );
        let moving = WriteMode {
            moving_buffer: true,
            ..DEFAULT
        };
        sink.budget = usize::MAX;
        assert_eq!(ws.write(&mut sink, &buf, 0x2000, moving), Ok(20000));
        assert_eq!(sink.wire, buf);
    }

    /// Random budgets, sizes and modes: every byte reaches the wire once, in order.
    #[test]
    fn every_byte_once_under_random_backpressure() {
        let mut seed = 0x9e3779b97f4a7c15u64;
        let mut next = move |m: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % m as u64) as usize
        };
        for _ in 0..2000 {
            let total = 1 + next(70000);
            let buf = data(total);
            let mode = WriteMode {
                partial: next(2) == 1,
                moving_buffer: false,
                max_fragment: 1 + next(16384),
            };
            let mut sink = FakeSink::default();
            let mut ws = WriteState::default();
            let mut sent = 0;
            let mut addr = 0;
            let mut rounds = 0;
            while sent < total {
                sink.budget = next(20000);
                if !ws.in_progress() {
                    addr = next(4) * 64;
                }
                match ws.write(&mut sink, &buf[sent..], addr, mode) {
                    Ok(n) => {
                        assert!(n > 0 && sent + n <= total);
                        if !mode.partial {
                            assert_eq!(n, total - sent);
                        }
                        sent += n;
                    }
                    Err(Error::WouldBlock) => {}
                    Err(e) => panic!("unexpected {e:?}"),
                }
                rounds += 1;
                assert!(rounds < 100_000);
            }
            assert_eq!(sink.wire, buf);
        }
    }
}
