//! `SSL_OP_*` bits (OpenSSL 3.0's values) that change what sslshim does.
//! Every other bit is kept and returned unchanged.

/// EOF without close_notify counts as close_notify.
pub const IGNORE_UNEXPECTED_EOF: u64 = 1 << 7;
/// `SSL_OP_NO_TICKET`.
pub const NO_TICKET: u64 = 1 << 14;
pub const NO_COMPRESSION: u64 = 1 << 17;
pub const ENABLE_MIDDLEBOX_COMPAT: u64 = 1 << 20;
pub const CIPHER_SERVER_PREFERENCE: u64 = 1 << 22;
pub const NO_TLSV1: u64 = 1 << 26;
pub const NO_TLSV1_2: u64 = 1 << 27;
pub const NO_TLSV1_1: u64 = 1 << 28;
pub const NO_TLSV1_3: u64 = 1 << 29;

/// What `SSL_CTX_new` starts with in OpenSSL 3.0.
pub const DEFAULT: u64 = NO_COMPRESSION | ENABLE_MIDDLEBOX_COMPAT;

/// The bits the rustls configurations are built from; a change to one of
/// them means a new configuration.
pub const CONFIG: u64 = CIPHER_SERVER_PREFERENCE | NO_TLSV1 | NO_TLSV1_1 | NO_TLSV1_2 | NO_TLSV1_3;

/// TLS 1.3 down to TLS 1.0 (OpenSSL's numbers) and the bit disabling each.
const VERSIONS: [(i32, u64); 4] = [
    (0x0304, NO_TLSV1_3),
    (0x0303, NO_TLSV1_2),
    (0x0302, NO_TLSV1_1),
    (0x0301, NO_TLSV1),
];

/// The versions an OpenSSL client offers, highest first, given its options
/// and its bounds (`lo`, `hi`; 0 for none). Of the enabled versions OpenSSL
/// keeps only the lowest unbroken run: `SSL_OP_NO_TLSv1_2` alone leaves TLS
/// 1.1 and 1.0, not 1.3. A server instead accepts any enabled version.
pub fn client_versions(opts: u64, lo: i32, hi: i32) -> Vec<i32> {
    let mut run = Vec::new();
    let mut hole = false;
    for (v, bit) in VERSIONS {
        if hi != 0 && v > hi {
            continue;
        }
        if (lo != 0 && v < lo) || opts & bit != 0 {
            hole = true;
        } else if hole {
            run = vec![v];
            hole = false;
        } else {
            run.push(v);
        }
    }
    run
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowest_run_of_enabled_versions() {
        assert_eq!(client_versions(0, 0, 0), [0x304, 0x303, 0x302, 0x301]);
        assert_eq!(client_versions(NO_TLSV1_2, 0, 0), [0x302, 0x301]);
        assert_eq!(client_versions(NO_TLSV1_2, 0x303, 0), [0x304]);
        let old = NO_TLSV1 | NO_TLSV1_1 | NO_TLSV1_2;
        assert_eq!(client_versions(old, 0, 0), [0x304]);
        assert_eq!(client_versions(NO_TLSV1_3, 0, 0x304), [0x303, 0x302, 0x301]);
        assert!(client_versions(old | NO_TLSV1_3, 0, 0).is_empty());
    }
}
