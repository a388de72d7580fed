//! The checks OpenSSL's record layer makes on a record header before it
//! decrypts anything, so that a tampered or foreign stream is refused with
//! the reason OpenSSL gives. rustls refuses the same streams, but often later
//! (after the body) and for another reason, or not at all where TLS 1.3's
//! outer header carries nothing it needs.

use super::error::Reason;

/// How the records being read are protected, as far as the checks care.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    /// Before the handshake ends: only the version's major byte is checked.
    #[default]
    Clear,
    /// TLS 1.2 with an AEAD whose records are never shorter than `min_len`
    /// (explicit nonce and tag).
    Tls12 { min_len: usize },
    /// TLS 1.3: every record is application data in version 3.3.
    Tls13,
}

/// What the next header is checked against.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Expect {
    pub protection: Protection,
    /// No record has been read yet: a foreign protocol is named if it is
    /// recognised.
    pub first_record: bool,
    /// This end is a server: its first record must be a handshake record.
    pub server: bool,
}

/// Largest body OpenSSL's default read buffer takes; longer is refused as
/// `packet length too long` before anything else is looked at.
const MAX_PACKET: usize = 16_707;
/// 2^14 plus the 256 bytes of expansion TLS 1.3 allows.
const MAX_TLS13_CIPHERTEXT: usize = 16_640;
/// 2^14 plus OpenSSL's allowance for a TLS 1.2 MAC and padding.
const MAX_TLS12_CIPHERTEXT: usize = 16_704;

const ALERT: u8 = 21;
const HANDSHAKE: u8 = 22;
const APPLICATION_DATA: u8 = 23;

/// The verdict on a complete header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Let the record through.
    Pass,
    /// Drop it unseen: an empty handshake record opening the stream, which
    /// OpenSSL skips while it waits for the ClientHello.
    Skip,
    /// Refuse it now, before its body is read.
    Refuse(Reason),
    /// Let its body be read, then refuse it: OpenSSL would read the body and
    /// fail to decrypt it.
    RefuseAfterBody(Reason),
}

pub fn check_header(h: &[u8; 5], e: &Expect) -> Verdict {
    let kind = h[0];
    let version = u16::from_be_bytes([h[1], h[2]]);
    let len = usize::from(u16::from_be_bytes([h[3], h[4]]));
    if let Protection::Tls12 { .. } = e.protection {
        if version != 0x0303 {
            return Verdict::Refuse(Reason::WRONG_VERSION_NUMBER);
        }
    }
    if version >> 8 != 3 {
        if e.first_record {
            if h.starts_with(b"GET ")
                || h.starts_with(b"POST ")
                || h.starts_with(b"HEAD ")
                || h.starts_with(b"PUT ")
            {
                return Verdict::Refuse(Reason::HTTP_REQUEST);
            }
            if h.starts_with(b"CONNE") {
                return Verdict::Refuse(Reason::HTTPS_PROXY_REQUEST);
            }
        }
        return Verdict::Refuse(Reason::WRONG_VERSION_NUMBER);
    }
    if e.protection == Protection::Tls13 {
        if kind != APPLICATION_DATA {
            return Verdict::Refuse(Reason::BAD_RECORD_TYPE);
        }
        if version != 0x0303 {
            return Verdict::Refuse(Reason::WRONG_VERSION_NUMBER);
        }
    }
    if len > MAX_PACKET {
        return Verdict::Refuse(Reason::PACKET_LENGTH_TOO_LONG);
    }
    match e.protection {
        Protection::Tls13 if len > MAX_TLS13_CIPHERTEXT => {
            Verdict::Refuse(Reason::ENCRYPTED_LENGTH_TOO_LONG)
        }
        Protection::Tls12 { .. } if len > MAX_TLS12_CIPHERTEXT => {
            Verdict::Refuse(Reason::ENCRYPTED_LENGTH_TOO_LONG)
        }
        Protection::Tls12 { min_len } if len < min_len => {
            Verdict::RefuseAfterBody(Reason::TLS12_RECORD_TOO_SHORT)
        }
        // The MAC covers the type, so a record of another type cannot
        // decrypt; OpenSSL tries and says so.
        Protection::Tls12 { .. } if !matches!(kind, ALERT | HANDSHAKE | APPLICATION_DATA) => {
            Verdict::RefuseAfterBody(Reason::TLS12_BAD_RECORD_MAC)
        }
        Protection::Clear if e.first_record && e.server && kind != HANDSHAKE => {
            Verdict::Refuse(Reason::UNEXPECTED_MESSAGE)
        }
        Protection::Clear if e.first_record && e.server && len == 0 => Verdict::Skip,
        _ => Verdict::Pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hdr(kind: u8, version: u16, len: u16) -> [u8; 5] {
        let v = version.to_be_bytes();
        let l = len.to_be_bytes();
        [kind, v[0], v[1], l[0], l[1]]
    }

    const FIRST: Expect = Expect {
        protection: Protection::Clear,
        first_record: true,
        server: true,
    };
    const TLS13: Expect = Expect {
        protection: Protection::Tls13,
        first_record: false,
        server: false,
    };
    const TLS12: Expect = Expect {
        protection: Protection::Tls12 { min_len: 24 },
        first_record: false,
        server: false,
    };

    #[test]
    fn foreign_protocols_are_named_on_the_first_record_only() {
        let get: [u8; 5] = *b"GET /";
        assert_eq!(
            check_header(&get, &FIRST),
            Verdict::Refuse(Reason::HTTP_REQUEST)
        );
        assert_eq!(
            check_header(b"CONNE", &FIRST),
            Verdict::Refuse(Reason::HTTPS_PROXY_REQUEST)
        );
        assert_eq!(
            check_header(b"SSH-2", &FIRST),
            Verdict::Refuse(Reason::WRONG_VERSION_NUMBER)
        );
        assert_eq!(
            check_header(&get, &TLS13),
            Verdict::Refuse(Reason::WRONG_VERSION_NUMBER)
        );
    }

    #[test]
    fn a_server_first_reads_a_handshake_record() {
        assert_eq!(check_header(&hdr(22, 0x0301, 200), &FIRST), Verdict::Pass);
        assert_eq!(
            check_header(&hdr(21, 0x0301, 2), &FIRST),
            Verdict::Refuse(Reason::UNEXPECTED_MESSAGE)
        );
        assert_eq!(check_header(&hdr(22, 0x0301, 0), &FIRST), Verdict::Skip);
        let client = Expect {
            server: false,
            ..FIRST
        };
        assert_eq!(check_header(&hdr(21, 0x0303, 2), &client), Verdict::Pass);
    }

    #[test]
    fn tls13_records_are_application_data_in_version_3_3() {
        assert_eq!(check_header(&hdr(23, 0x0303, 100), &TLS13), Verdict::Pass);
        for kind in [20, 21, 22, 99] {
            assert_eq!(
                check_header(&hdr(kind, 0x0303, 100), &TLS13),
                Verdict::Refuse(Reason::BAD_RECORD_TYPE)
            );
        }
        assert_eq!(
            check_header(&hdr(23, 0x0301, 100), &TLS13),
            Verdict::Refuse(Reason::WRONG_VERSION_NUMBER)
        );
    }

    #[test]
    fn lengths_past_each_limit() {
        let at = |e: &Expect, len| check_header(&hdr(23, 0x0303, len), e);
        assert_eq!(at(&TLS13, 16640), Verdict::Pass);
        assert_eq!(
            at(&TLS13, 16641),
            Verdict::Refuse(Reason::ENCRYPTED_LENGTH_TOO_LONG)
        );
        assert_eq!(at(&TLS12, 16704), Verdict::Pass);
        assert_eq!(
            at(&TLS12, 16705),
            Verdict::Refuse(Reason::ENCRYPTED_LENGTH_TOO_LONG)
        );
        assert_eq!(
            at(&TLS12, 16708),
            Verdict::Refuse(Reason::PACKET_LENGTH_TOO_LONG)
        );
        assert_eq!(
            at(&TLS13, 16708),
            Verdict::Refuse(Reason::PACKET_LENGTH_TOO_LONG)
        );
        assert_eq!(
            at(&TLS12, 23),
            Verdict::RefuseAfterBody(Reason::TLS12_RECORD_TOO_SHORT)
        );
        assert_eq!(at(&TLS12, 24), Verdict::Pass);
    }

    #[test]
    fn tls12_types_the_mac_cannot_cover() {
        assert_eq!(
            check_header(&hdr(99, 0x0303, 100), &TLS12),
            Verdict::RefuseAfterBody(Reason::TLS12_BAD_RECORD_MAC)
        );
        assert_eq!(check_header(&hdr(22, 0x0303, 100), &TLS12), Verdict::Pass);
    }
}
