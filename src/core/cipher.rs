//! The cipher suites sslshim offers, under the names OpenSSL gives them.

use std::ffi::CStr;

use rustls::CipherSuite;

/// One suite as `SSL_CIPHER_*` describes it.
#[derive(Debug)]
pub struct CipherInfo {
    pub suite: CipherSuite,
    /// OpenSSL's name (`SSL_CIPHER_get_name`).
    pub name: &'static CStr,
    /// The IANA name (`SSL_CIPHER_standard_name`).
    pub standard_name: &'static CStr,
    /// `SSL_CIPHER_get_version`.
    pub version: &'static CStr,
    /// Secret bits (`SSL_CIPHER_get_bits`).
    pub bits: i32,
}

impl CipherInfo {
    /// `SSL_CIPHER_get_id`: 0x03000000 | the IANA code point.
    pub fn id(&self) -> u32 {
        0x0300_0000 | u32::from(u16::from(self.suite))
    }
    pub fn is_tls13(&self) -> bool {
        self.version == c"TLSv1.3"
    }
}

macro_rules! suite {
    ($suite:ident, $name:literal, $std:literal, $version:literal, $bits:literal) => {
        CipherInfo {
            suite: CipherSuite::$suite,
            name: $name,
            standard_name: $std,
            version: $version,
            bits: $bits,
        }
    };
}

/// Every suite of the crypto provider, in OpenSSL's default preference order.
pub static CIPHERS: &[CipherInfo] = &[
    suite!(
        TLS13_AES_256_GCM_SHA384,
        c"TLS_AES_256_GCM_SHA384",
        c"TLS_AES_256_GCM_SHA384",
        c"TLSv1.3",
        256
    ),
    suite!(
        TLS13_CHACHA20_POLY1305_SHA256,
        c"TLS_CHACHA20_POLY1305_SHA256",
        c"TLS_CHACHA20_POLY1305_SHA256",
        c"TLSv1.3",
        256
    ),
    suite!(
        TLS13_AES_128_GCM_SHA256,
        c"TLS_AES_128_GCM_SHA256",
        c"TLS_AES_128_GCM_SHA256",
        c"TLSv1.3",
        128
    ),
    suite!(
        TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        c"ECDHE-ECDSA-AES256-GCM-SHA384",
        c"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        c"TLSv1.2",
        256
    ),
    suite!(
        TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        c"ECDHE-RSA-AES256-GCM-SHA384",
        c"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        c"TLSv1.2",
        256
    ),
    suite!(
        TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        c"ECDHE-ECDSA-CHACHA20-POLY1305",
        c"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        c"TLSv1.2",
        256
    ),
    suite!(
        TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        c"ECDHE-RSA-CHACHA20-POLY1305",
        c"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        c"TLSv1.2",
        256
    ),
    suite!(
        TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        c"ECDHE-ECDSA-AES128-GCM-SHA256",
        c"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        c"TLSv1.2",
        128
    ),
    suite!(
        TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        c"ECDHE-RSA-AES128-GCM-SHA256",
        c"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        c"TLSv1.2",
        128
    ),
];

pub fn lookup(suite: CipherSuite) -> Option<&'static CipherInfo> {
    CIPHERS.iter().find(|c| c.suite == suite)
}

impl CipherInfo {
    /// `SSL_CIPHER_description`'s line: name, version, key exchange,
    /// authentication, encryption with its bits, MAC, in OpenSSL's columns.
    pub fn description(&self) -> String {
        let std = self.standard_name.to_string_lossy();
        let (kx, au) = if self.is_tls13() {
            ("any", "any")
        } else if std.contains("_ECDSA_") {
            ("ECDH", "ECDSA")
        } else {
            ("ECDH", "RSA")
        };
        let enc = if std.contains("CHACHA20") {
            format!("CHACHA20/POLY1305({})", self.bits)
        } else {
            format!("AESGCM({})", self.bits)
        };
        format!(
            "{:<30} {:<7} Kx={:<8} Au={:<5} Enc={:<22} Mac={:<4}\n",
            self.name.to_string_lossy(),
            self.version.to_string_lossy(),
            kx,
            au,
            enc,
            "AEAD"
        )
    }
}

/// The suites a context or connection was given: `SSL_set_ciphersuites`'
/// TLS 1.3 list and `SSL_set_cipher_list`'s TLS 1.2 one, `None` until set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Suites {
    pub tls13: Option<Vec<CipherSuite>>,
    pub tls12: Option<Vec<CipherSuite>>,
}

impl Suites {
    /// `SSL_get_ciphers`'s list.
    pub fn stack(&self) -> Vec<&'static CipherInfo> {
        cipher_stack(self.tls13.as_deref(), self.tls12.as_deref())
    }
}

/// The TLS 1.3 suites in OpenSSL's default order, when no list was set.
fn default_tls13() -> impl Iterator<Item = &'static CipherInfo> {
    CIPHERS.iter().filter(|c| c.is_tls13())
}

/// What `SSL_get_ciphers` lists for the given TLS 1.3 and TLS 1.2 lists
/// (`None`: never set): the TLS 1.3 suites first, each part in its order.
pub fn cipher_stack(
    tls13: Option<&[CipherSuite]>,
    tls12: Option<&[CipherSuite]>,
) -> Vec<&'static CipherInfo> {
    let mut out: Vec<&'static CipherInfo> = match tls13 {
        Some(l) => l.iter().filter_map(|s| lookup(*s)).collect(),
        None => default_tls13().collect(),
    };
    match tls12 {
        Some(l) => out.extend(l.iter().filter_map(|s| lookup(*s))),
        None => out.extend(CIPHERS.iter().filter(|c| !c.is_tls13())),
    }
    out
}

/// The suites of a ClientHello's cipher_suites field (two bytes each) that
/// sslshim knows, in the client's order, as `SSL_get_client_ciphers`
/// reports them; signalling values and suites unknown here are left out.
pub fn from_wire(bytes: &[u8]) -> Vec<&'static CipherInfo> {
    bytes
        .chunks_exact(2)
        .filter_map(|b| lookup(CipherSuite::from(u16::from_be_bytes([b[0], b[1]]))))
        .collect()
}

/// Keyword that selects every suite of a cipher-list string in OpenSSL's
/// language; sslshim offers only suites that all of these include.
fn selects_all(word: &str) -> bool {
    matches!(
        word,
        "ALL"
            | "DEFAULT"
            | "HIGH"
            | "ECDHE"
            | "EECDH"
            | "kECDHE"
            | "AEAD"
            | "TLSv1.2"
            | "COMPLEMENTOFDEFAULT"
    )
}

/// Keywords that name only suites rustls lacks (finite-field DH, PSK,
/// anonymous or null ones, SSLv2/SSLv3-era and non-AEAD ones): they select
/// none of sslshim's, and must not match by substring (`DH` is in `ECDHE`).
fn selects_none(word: &str) -> bool {
    matches!(
        word,
        "DH" | "kDHE"
            | "kEDH"
            | "EDH"
            | "DHE"
            | "ADH"
            | "AECDH"
            | "kDHEPSK"
            | "kECDHEPSK"
            | "kRSAPSK"
            | "PSK"
            | "kPSK"
            | "aPSK"
            | "aNULL"
            | "eNULL"
            | "NULL"
            | "COMPLEMENTOFALL"
            | "SSLv2"
            | "SSLv3"
            | "TLSv1"
            | "TLSv1.0"
            | "EXP"
            | "EXPORT"
            | "LOW"
            | "MEDIUM"
            | "MD5"
            | "SHA1"
            | "SHA"
            | "RC4"
            | "3DES"
            | "DES"
            | "IDEA"
            | "SEED"
            | "CAMELLIA"
            | "ARIA"
            | "AESCCM"
            | "AESCCM8"
            | "CCM"
            | "SRP"
            | "kSRP"
            | "DSS"
            | "aDSS"
            | "kRSA"
            | "GOST"
    )
}

/// Whether one part of a cipher-list word (`ECDHE+AESGCM` has two) selects `c`.
fn selects(part: &str, c: &CipherInfo) -> bool {
    if selects_none(part) {
        return false;
    }
    let name = c.name.to_string_lossy();
    let needle = match part {
        "AESGCM" => "GCM",
        "CHACHA20" => "CHACHA20",
        "aRSA" | "RSA" => "-RSA-",
        "aECDSA" | "ECDSA" => "-ECDSA-",
        "AES128" => "AES128",
        "AES256" => "AES256",
        "SHA384" => "SHA384",
        // The AEAD suites of TLS 1.2 name their hash only when it is SHA384.
        "SHA256" => return !name.contains("SHA384"),
        p => return selects_all(p) || name.contains(p),
    };
    name.contains(needle)
}

/// The TLS 1.2 suites an OpenSSL cipher list (`SSL_CTX_set_cipher_list`) names,
/// in sslshim's order; `None` when it names none of them.
pub fn parse_cipher_list(list: &str) -> Option<Vec<CipherSuite>> {
    let mut chosen: Vec<&CipherInfo> = Vec::new();
    let mut removed: Vec<&CipherInfo> = Vec::new();
    for word in list.split([':', ',', ' ']).filter(|w| !w.is_empty()) {
        let (negate, word) = match word.as_bytes()[0] {
            b'!' | b'-' => (true, &word[1..]),
            b'+' => continue,
            _ => (false, word),
        };
        // `DEFAULT@SECLEVEL=1` is a word followed by a command.
        let word = word.split('@').next().unwrap_or_default();
        if word.is_empty() {
            continue;
        }
        let matching = CIPHERS.iter().filter(|c| !c.is_tls13()).filter(|c| {
            selects_all(word)
                || c.name.to_bytes() == word.as_bytes()
                || word.split('+').all(|p| selects(p, c))
        });
        for c in matching {
            if negate {
                removed.push(c);
            } else if !chosen.iter().any(|x| x.suite == c.suite) {
                chosen.push(c);
            }
        }
    }
    chosen.retain(|c| !removed.iter().any(|r| r.suite == c.suite));
    (!chosen.is_empty()).then(|| chosen.iter().map(|c| c.suite).collect())
}

/// The level a cipher list's `@SECLEVEL=n` sets, the last one winning.
pub fn seclevel_in(list: &str) -> Option<i32> {
    list.match_indices("@SECLEVEL=")
        .filter_map(|(i, m)| list[i + m.len()..].chars().next()?.to_digit(10))
        .filter(|n| *n <= 5)
        .map(|n| n as i32)
        .last()
}

/// TLS 1.3 suites OpenSSL knows and rustls does not offer: naming them is
/// not an error, it just selects nothing.
const OTHER_TLS13: &[&str] = &["TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256"];

/// The TLS 1.3 suites a `SSL_CTX_set_ciphersuites` string names: exact names
/// only, as OpenSSL takes them, unknown ones skipped. `None` when the string
/// names something but nothing OpenSSL knows.
pub fn parse_ciphersuites(list: &str) -> Option<Vec<CipherSuite>> {
    let mut out = Vec::new();
    let mut known = 0;
    let names: Vec<&str> = list.split(':').filter(|w| !w.is_empty()).collect();
    for name in &names {
        if let Some(c) = CIPHERS
            .iter()
            .find(|c| c.is_tls13() && c.name.to_bytes() == name.as_bytes())
        {
            out.push(c.suite);
            known += 1;
        } else if OTHER_TLS13.contains(name) {
            known += 1;
        }
    }
    (names.is_empty() || known > 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl_names() {
        let c = lookup(CipherSuite::TLS13_AES_256_GCM_SHA384).unwrap();
        assert_eq!(c.name, c"TLS_AES_256_GCM_SHA384");
        assert_eq!(c.id(), 0x0300_1302);
    }

    #[test]
    fn descriptions_and_stacks() {
        let c = lookup(CipherSuite::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256).unwrap();
        assert_eq!(
            c.description(),
            "ECDHE-RSA-CHACHA20-POLY1305    TLSv1.2 Kx=ECDH     Au=RSA   Enc=CHACHA20/POLY1305(256) Mac=AEAD\n"
        );
        assert_eq!(cipher_stack(None, None).len(), CIPHERS.len());
        let only = [CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256];
        let st = cipher_stack(Some(&[]), Some(&only));
        assert_eq!(st.len(), 1);
        assert_eq!(st[0].suite, only[0]);
        assert_eq!(from_wire(&[0x13, 0x02, 0x00, 0xff, 0xc0]).len(), 1);
        assert_eq!(seclevel_in("DEFAULT@SECLEVEL=0"), Some(0));
        assert_eq!(seclevel_in("@SECLEVEL=3:HIGH:@SECLEVEL=1"), Some(1));
        assert_eq!(seclevel_in("HIGH"), None);
        assert_eq!(
            parse_cipher_list("DEFAULT@SECLEVEL=0").map(|v| v.len()),
            Some(6)
        );
    }

    #[test]
    fn cipher_lists() {
        assert_eq!(parse_cipher_list("DEFAULT").map(|v| v.len()), Some(6));
        assert_eq!(
            parse_cipher_list("ECDHE-RSA-AES128-GCM-SHA256"),
            Some(vec![CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256])
        );
        assert_eq!(parse_cipher_list("HIGH:!ECDSA").map(|v| v.len()), Some(3));
        assert_eq!(parse_cipher_list("RC4-MD5"), None);
        assert_eq!(
            parse_ciphersuites("TLS_AES_128_GCM_SHA256"),
            Some(vec![CipherSuite::TLS13_AES_128_GCM_SHA256])
        );
        assert_eq!(parse_ciphersuites(""), Some(vec![]));
        assert_eq!(parse_ciphersuites("bogus"), None);
        assert_eq!(
            parse_ciphersuites("TLS_AES_128_GCM_SHA256:bogus").map(|v| v.len()),
            Some(1)
        );
        assert_eq!(parse_ciphersuites("TLS_AES_128_CCM_SHA256"), Some(vec![]));
        assert_eq!(parse_cipher_list("ECDHE+AESGCM").map(|v| v.len()), Some(4));
        assert_eq!(parse_cipher_list("AESGCM").map(|v| v.len()), Some(4));
        assert_eq!(
            parse_cipher_list("CHACHA20:!aECDSA").map(|v| v.len()),
            Some(1)
        );
        // stunnel's default list: `!DH` takes no ECDHE suite away.
        assert_eq!(
            parse_cipher_list("HIGH:!aNULL:!SSLv2:!DH:!kDHEPSK").map(|v| v.len()),
            Some(6)
        );
        assert_eq!(parse_cipher_list("DH"), None);
        assert_eq!(parse_cipher_list("SHA"), None);
    }
}
