//! Reads from the BIO the way OpenSSL does without read-ahead: a record's
//! 5-byte header, then exactly its body, never a byte beyond. Applications
//! rely on that: once a read returned and `SSL_pending` says 0, whatever the
//! peer sent next (another record, close_notify, EOF) is still in the socket,
//! so `poll` on it tells the truth.

use std::io::{self, Read};

use super::error::Reason;
use super::record_check::{check_header, Expect, Verdict};

const HEADER_LEN: usize = 5;

/// Where the next byte from the BIO falls: inside a record header, or inside
/// a body with so many bytes left.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RecordBoundary {
    header: [u8; HEADER_LEN],
    header_len: usize,
    body_left: usize,
    body_len: usize,
    /// The content type of the last header read in full.
    last_type: u8,
    /// What headers are checked against; the connection keeps it current.
    pub expect: Expect,
    /// A refusal due once the body in progress is complete.
    refuse_after_body: Option<Reason>,
    /// A record refused: nothing more passes, and the connection reports it.
    violation: Option<Reason>,
    /// The header just completed belongs to a record to drop.
    skipped: bool,
}

impl RecordBoundary {
    /// How many bytes the next read may take.
    fn allowance(&self) -> usize {
        if self.body_left > 0 {
            self.body_left
        } else {
            HEADER_LEN - self.header_len
        }
    }

    /// True between records: the last byte read ended one (or none was read).
    pub fn at_record_start(&self) -> bool {
        self.body_left == 0 && self.header_len == 0
    }

    /// Whether bytes of a record not yet complete have been read: OpenSSL
    /// holds them in its read buffer, and `SSL_has_pending` says so. A
    /// complete header alone is not among them, as it has left the buffer.
    pub fn holds_partial(&self) -> bool {
        self.header_len > 0 || (self.body_left > 0 && self.body_left < self.body_len)
    }

    /// The outer content type of the record read last (0 before any).
    pub fn last_type(&self) -> u8 {
        self.last_type
    }

    /// The reason a record was refused, once: the caller fails the
    /// connection with it.
    pub fn take_violation(&mut self) -> Option<Reason> {
        self.violation.take()
    }

    /// Accounts for bytes that passed through; an error when they complete a
    /// record OpenSSL would refuse, which must then not reach rustls.
    fn consumed(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.body_left > 0 {
            self.body_left -= bytes.len();
            return self.body_read();
        }
        self.header[self.header_len..self.header_len + bytes.len()].copy_from_slice(bytes);
        self.header_len += bytes.len();
        if self.header_len == HEADER_LEN {
            self.body_left = usize::from(u16::from_be_bytes([self.header[3], self.header[4]]));
            self.body_len = self.body_left;
            self.last_type = self.header[0];
            self.header_len = 0;
            let verdict = check_header(&self.header, &self.expect);
            self.expect.first_record = false;
            match verdict {
                Verdict::Pass => {}
                Verdict::Skip => {
                    self.expect.first_record = true;
                    self.skipped = true;
                }
                Verdict::Refuse(r) => return self.refuse(r),
                Verdict::RefuseAfterBody(r) => {
                    self.refuse_after_body = Some(r);
                    return self.body_read();
                }
            }
        }
        Ok(())
    }

    fn body_read(&mut self) -> io::Result<()> {
        match self.refuse_after_body {
            Some(r) if self.body_left == 0 => {
                self.refuse_after_body = None;
                self.refuse(r)
            }
            _ => Ok(()),
        }
    }

    fn refuse(&mut self, r: Reason) -> io::Result<()> {
        self.violation = Some(r);
        Err(io::Error::new(io::ErrorKind::InvalidData, "record refused"))
    }
}

/// A reader that passes bytes through unchanged, in reads no larger than
/// [`RecordBoundary`] allows.
pub struct Bounded<'a, R: Read + ?Sized> {
    pub inner: &'a mut R,
    pub boundary: &'a mut RecordBoundary,
    /// Bytes the source said it held before this read, 0 if it cannot tell.
    pub ready: usize,
}

impl<R: Read + ?Sized> Bounded<'_, R> {
    /// After a read that completed a header, the body's first bytes when
    /// the source already holds them, into the rest of `buf`: OpenSSL too
    /// reads the body straight after the header. One read instead of two
    /// spares rustls a pass over a lone header, and a buffer grown for it.
    /// Only bytes the source declared are asked for, so this read neither
    /// blocks nor fails on a memory BIO; should another source fail it
    /// anyway, the failure is left for the next read to meet.
    fn body_at_hand(&mut self, buf: &mut [u8], got: usize) -> io::Result<usize> {
        let b = &self.boundary;
        let ready = self.ready.saturating_sub(got);
        if got == 0 || ready == 0 || buf.is_empty() || b.body_left == 0 || b.body_left != b.body_len
        {
            return Ok(0);
        }
        let n = buf.len().min(b.allowance()).min(ready);
        match self.inner.read(&mut buf[..n]) {
            Ok(m) => {
                self.boundary.consumed(&buf[..m])?;
                Ok(m)
            }
            Err(_) => Ok(0),
        }
    }
}

impl<R: Read + ?Sized> Read for Bounded<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.boundary.violation.is_some() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "record refused"));
        }
        while self.boundary.refuse_after_body.is_none() {
            let whole_header = self.boundary.at_record_start();
            let n = buf.len().min(self.boundary.allowance());
            let got = self.inner.read(&mut buf[..n])?;
            self.boundary.consumed(&buf[..got])?;
            if std::mem::take(&mut self.boundary.skipped) && whole_header && got == HEADER_LEN {
                // Read in one piece, so rustls has seen none of it.
                continue;
            }
            if self.boundary.refuse_after_body.is_none() {
                let more = self.body_at_hand(&mut buf[got..], got)?;
                return Ok(got + more);
            }
        }
        // A record to be refused once its body is in never reaches rustls,
        // which would refuse it sooner and for another reason.
        loop {
            let n = buf.len().min(self.boundary.allowance());
            let got = self.inner.read(&mut buf[..n])?;
            if got == 0 {
                return Ok(0);
            }
            self.boundary.consumed(&buf[..got])?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A source that hands out at most `chunk` bytes per read.
    struct Trickle<'a> {
        data: &'a [u8],
        chunk: usize,
        reads: Vec<usize>,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.chunk).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            self.reads.push(buf.len());
            Ok(n)
        }
    }

    fn record(len: u16) -> Vec<u8> {
        let mut r = vec![23, 3, 3];
        r.extend_from_slice(&len.to_be_bytes());
        r.extend(std::iter::repeat_n(0xab, len as usize));
        r
    }

    #[test]
    fn never_reads_past_a_record() {
        let mut stream = record(300);
        stream.extend(record(2));
        for chunk in [1, 3, 7, 5000] {
            // Whether or not the source says what it holds.
            for declared in [false, true] {
                let mut src = Trickle {
                    data: &stream,
                    chunk,
                    reads: Vec::new(),
                };
                let mut b = RecordBoundary::default();
                let mut out = Vec::new();
                let mut buf = [0u8; 4096];
                while out.len() < 305 {
                    let ready = if declared { src.data.len() } else { 0 };
                    let n = Bounded {
                        inner: &mut src,
                        boundary: &mut b,
                        ready,
                    }
                    .read(&mut buf)
                    .unwrap();
                    out.extend_from_slice(&buf[..n]);
                }
                // The first record is complete and not one byte of the next was taken.
                assert_eq!(out, stream[..305]);
                assert!(src.reads.iter().all(|&r| r <= 300));
            }
        }
    }

    #[test]
    fn a_declared_body_comes_with_its_header() {
        let mut stream = record(300);
        stream.extend(record(2));
        let mut src = Trickle {
            data: &stream,
            chunk: 5000,
            reads: Vec::new(),
        };
        let mut b = RecordBoundary::default();
        let mut buf = [0u8; 4096];
        let ready = src.data.len();
        let n = Bounded {
            inner: &mut src,
            boundary: &mut b,
            ready,
        }
        .read(&mut buf)
        .unwrap();
        assert_eq!(n, 305);
        assert_eq!(src.reads, [5, 300]);
        assert!(b.at_record_start());
    }
}
