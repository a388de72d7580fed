//! OpenSSL's configuration commands (`SSL_CONF_cmd(3)`): their names as a
//! configuration file and a command line spell them, which contexts may use
//! them, the kind of value they take, and the word lists of `Options`,
//! `Protocol` and `VerifyMode`.

/// `SSL_CONF_FLAG_*`.
pub mod flag {
    pub const CMDLINE: u32 = 0x1;
    pub const FILE: u32 = 0x2;
    pub const CLIENT: u32 = 0x4;
    pub const SERVER: u32 = 0x8;
    pub const SHOW_ERRORS: u32 = 0x10;
    pub const CERTIFICATE: u32 = 0x20;
    pub const REQUIRE_PRIVATE: u32 = 0x40;
}

/// `SSL_CONF_TYPE_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String = 1,
    File = 2,
    Dir = 3,
    None = 4,
    Store = 5,
}

/// What a command does, once found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// A command-line switch: option bits set, or cleared when `invert`.
    Switch {
        bits: u64,
        invert: bool,
    },
    /// `-strict`: a certificate flag, for checks rustls makes anyway.
    Strict,
    SignatureAlgorithms,
    ClientSignatureAlgorithms,
    Groups,
    EcdhParameters,
    CipherString,
    Ciphersuites,
    Protocol,
    MinProtocol,
    MaxProtocol,
    Options,
    VerifyMode,
    Certificate,
    PrivateKey,
    ServerInfoFile,
    ChainCa,
    VerifyCa,
    RequestCaFile,
    RequestCaPath,
    DhParameters,
    RecordPadding,
    NumTickets,
}

pub struct Command {
    pub file: Option<&'static str>,
    pub cmdline: Option<&'static str>,
    /// The context flags the command needs (client, server, certificate).
    pub needs: u32,
    pub value: ValueType,
    pub action: Action,
}

/// `SSL_OP_*` bits the switches and word lists use.
pub mod op {
    pub const NO_EXTENDED_MASTER_SECRET: u64 = 1 << 0;
    pub const LEGACY_SERVER_CONNECT: u64 = 1 << 2;
    pub const ENABLE_KTLS: u64 = 1 << 3;
    pub const TLSEXT_PADDING: u64 = 1 << 4;
    pub const SAFARI_ECDHE_ECDSA_BUG: u64 = 1 << 6;
    pub const IGNORE_UNEXPECTED_EOF: u64 = 1 << 7;
    pub const ALLOW_CLIENT_RENEGOTIATION: u64 = 1 << 8;
    pub const DISABLE_TLSEXT_CA_NAMES: u64 = 1 << 9;
    pub const ALLOW_NO_DHE_KEX: u64 = 1 << 10;
    pub const DONT_INSERT_EMPTY_FRAGMENTS: u64 = 1 << 11;
    pub const NO_TICKET: u64 = 1 << 14;
    pub const NO_SESSION_RESUMPTION_ON_RENEGOTIATION: u64 = 1 << 16;
    pub const NO_COMPRESSION: u64 = 1 << 17;
    pub const ALLOW_UNSAFE_LEGACY_RENEGOTIATION: u64 = 1 << 18;
    pub const NO_ENCRYPT_THEN_MAC: u64 = 1 << 19;
    pub const ENABLE_MIDDLEBOX_COMPAT: u64 = 1 << 20;
    pub const PRIORITIZE_CHACHA: u64 = 1 << 21;
    pub const CIPHER_SERVER_PREFERENCE: u64 = 1 << 22;
    pub const NO_ANTI_REPLAY: u64 = 1 << 24;
    pub const NO_SSLV3: u64 = 1 << 25;
    pub const NO_TLSV1: u64 = 1 << 26;
    pub const NO_TLSV1_2: u64 = 1 << 27;
    pub const NO_TLSV1_1: u64 = 1 << 28;
    pub const NO_TLSV1_3: u64 = 1 << 29;
    pub const NO_RENEGOTIATION: u64 = 1 << 30;
    pub const CRYPTOPRO_TLSEXT_BUG: u64 = 1 << 31;
    pub const ALL: u64 = CRYPTOPRO_TLSEXT_BUG
        | DONT_INSERT_EMPTY_FRAGMENTS
        | TLSEXT_PADDING
        | SAFARI_ECDHE_ECDSA_BUG;
    pub const NO_SSL_MASK: u64 = NO_SSLV3 | NO_TLSV1 | NO_TLSV1_1 | NO_TLSV1_2 | NO_TLSV1_3;
}

const C: u32 = flag::CLIENT;
const S: u32 = flag::SERVER;
const CERT: u32 = flag::CERTIFICATE;

const fn switch(name: &'static str, needs: u32, bits: u64, invert: bool) -> Command {
    Command {
        file: None,
        cmdline: Some(name),
        needs,
        value: ValueType::None,
        action: Action::Switch { bits, invert },
    }
}

const fn cmd(
    file: &'static str,
    cmdline: Option<&'static str>,
    needs: u32,
    value: ValueType,
    action: Action,
) -> Command {
    Command {
        file: Some(file),
        cmdline,
        needs,
        value,
        action,
    }
}

/// OpenSSL 3.0's commands, in its order (the first match wins).
pub static COMMANDS: &[Command] = &[
    switch("no_ssl3", 0, op::NO_SSLV3, false),
    switch("no_tls1", 0, op::NO_TLSV1, false),
    switch("no_tls1_1", 0, op::NO_TLSV1_1, false),
    switch("no_tls1_2", 0, op::NO_TLSV1_2, false),
    switch("no_tls1_3", 0, op::NO_TLSV1_3, false),
    switch("bugs", 0, op::ALL, false),
    switch("no_comp", 0, op::NO_COMPRESSION, false),
    switch("comp", 0, op::NO_COMPRESSION, true),
    switch("ecdh_single", S, 0, false),
    switch("no_ticket", 0, op::NO_TICKET, false),
    switch("serverpref", S, op::CIPHER_SERVER_PREFERENCE, false),
    switch(
        "legacy_renegotiation",
        0,
        op::ALLOW_UNSAFE_LEGACY_RENEGOTIATION,
        false,
    ),
    switch(
        "client_renegotiation",
        S,
        op::ALLOW_CLIENT_RENEGOTIATION,
        false,
    ),
    switch("legacy_server_connect", C, op::LEGACY_SERVER_CONNECT, false),
    switch("no_renegotiation", 0, op::NO_RENEGOTIATION, false),
    switch(
        "no_resumption_on_reneg",
        S,
        op::NO_SESSION_RESUMPTION_ON_RENEGOTIATION,
        false,
    ),
    switch(
        "no_legacy_server_connect",
        C,
        op::LEGACY_SERVER_CONNECT,
        true,
    ),
    switch("allow_no_dhe_kex", 0, op::ALLOW_NO_DHE_KEX, false),
    switch("prioritize_chacha", S, op::PRIORITIZE_CHACHA, false),
    Command {
        file: None,
        cmdline: Some("strict"),
        needs: 0,
        value: ValueType::None,
        action: Action::Strict,
    },
    switch("no_middlebox", 0, op::ENABLE_MIDDLEBOX_COMPAT, true),
    switch("anti_replay", S, op::NO_ANTI_REPLAY, true),
    switch("no_anti_replay", S, op::NO_ANTI_REPLAY, false),
    switch("no_etm", 0, op::NO_ENCRYPT_THEN_MAC, false),
    cmd(
        "SignatureAlgorithms",
        Some("sigalgs"),
        0,
        ValueType::String,
        Action::SignatureAlgorithms,
    ),
    cmd(
        "ClientSignatureAlgorithms",
        Some("client_sigalgs"),
        0,
        ValueType::String,
        Action::ClientSignatureAlgorithms,
    ),
    cmd(
        "Curves",
        Some("curves"),
        0,
        ValueType::String,
        Action::Groups,
    ),
    cmd(
        "Groups",
        Some("groups"),
        0,
        ValueType::String,
        Action::Groups,
    ),
    cmd(
        "ECDHParameters",
        Some("named_curve"),
        S,
        ValueType::String,
        Action::EcdhParameters,
    ),
    cmd(
        "CipherString",
        Some("cipher"),
        0,
        ValueType::String,
        Action::CipherString,
    ),
    cmd(
        "Ciphersuites",
        Some("ciphersuites"),
        0,
        ValueType::String,
        Action::Ciphersuites,
    ),
    cmd("Protocol", None, 0, ValueType::String, Action::Protocol),
    cmd(
        "MinProtocol",
        Some("min_protocol"),
        0,
        ValueType::String,
        Action::MinProtocol,
    ),
    cmd(
        "MaxProtocol",
        Some("max_protocol"),
        0,
        ValueType::String,
        Action::MaxProtocol,
    ),
    cmd("Options", None, 0, ValueType::String, Action::Options),
    cmd("VerifyMode", None, 0, ValueType::String, Action::VerifyMode),
    cmd(
        "Certificate",
        Some("cert"),
        CERT,
        ValueType::File,
        Action::Certificate,
    ),
    cmd(
        "PrivateKey",
        Some("key"),
        CERT,
        ValueType::File,
        Action::PrivateKey,
    ),
    cmd(
        "ServerInfoFile",
        None,
        S | CERT,
        ValueType::File,
        Action::ServerInfoFile,
    ),
    cmd(
        "ChainCAPath",
        Some("chainCApath"),
        CERT,
        ValueType::Dir,
        Action::ChainCa,
    ),
    cmd(
        "ChainCAFile",
        Some("chainCAfile"),
        CERT,
        ValueType::File,
        Action::ChainCa,
    ),
    cmd(
        "ChainCAStore",
        Some("chainCAstore"),
        CERT,
        ValueType::Store,
        Action::ChainCa,
    ),
    cmd(
        "VerifyCAPath",
        Some("verifyCApath"),
        CERT,
        ValueType::Dir,
        Action::VerifyCa,
    ),
    cmd(
        "VerifyCAFile",
        Some("verifyCAfile"),
        CERT,
        ValueType::File,
        Action::VerifyCa,
    ),
    cmd(
        "VerifyCAStore",
        Some("verifyCAstore"),
        CERT,
        ValueType::Store,
        Action::VerifyCa,
    ),
    cmd(
        "RequestCAFile",
        Some("requestCAFile"),
        CERT,
        ValueType::File,
        Action::RequestCaFile,
    ),
    cmd(
        "ClientCAFile",
        None,
        S | CERT,
        ValueType::File,
        Action::RequestCaFile,
    ),
    cmd(
        "RequestCAPath",
        None,
        CERT,
        ValueType::Dir,
        Action::RequestCaPath,
    ),
    cmd(
        "ClientCAPath",
        None,
        S | CERT,
        ValueType::Dir,
        Action::RequestCaPath,
    ),
    cmd(
        "DHParameters",
        Some("dhparam"),
        S | CERT,
        ValueType::File,
        Action::DhParameters,
    ),
    cmd(
        "RecordPadding",
        Some("record_padding"),
        0,
        ValueType::String,
        Action::RecordPadding,
    ),
    cmd(
        "NumTickets",
        Some("num_tickets"),
        S,
        ValueType::String,
        Action::NumTickets,
    ),
];

/// Strips the prefix (`SSL_CONF_CTX_set1_prefix`) or, on a command line
/// without one, the leading dash; `None` when the name lacks it.
pub fn skip_prefix<'a>(flags: u32, prefix: Option<&[u8]>, cmd: &'a [u8]) -> Option<&'a [u8]> {
    match prefix {
        Some(p) => {
            if cmd.len() <= p.len() {
                return None;
            }
            let (head, rest) = cmd.split_at(p.len());
            if flags & flag::CMDLINE != 0 && head != p {
                return None;
            }
            if flags & flag::FILE != 0 && !head.eq_ignore_ascii_case(p) {
                return None;
            }
            Some(rest)
        }
        None if flags & flag::CMDLINE != 0 => match cmd {
            [b'-', rest @ ..] if !rest.is_empty() => Some(rest),
            _ => None,
        },
        None => Some(cmd),
    }
}

/// The command `name` (prefix already stripped) names under `flags`.
pub fn lookup(flags: u32, name: &[u8]) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| {
        if c.needs & !flags & (C | S | CERT) != 0 {
            return false;
        }
        (flags & flag::CMDLINE != 0 && c.cmdline.is_some_and(|n| n.as_bytes() == name))
            || (flags & flag::FILE != 0
                && c.file
                    .is_some_and(|n| n.as_bytes().eq_ignore_ascii_case(name)))
    })
}

/// One word of a list and the flags it is valid for.
pub struct Word {
    pub name: &'static str,
    /// CLIENT, SERVER or both: the roles the word applies to.
    pub roles: u32,
    pub bits: u64,
    pub invert: bool,
}

const fn w(name: &'static str, roles: u32, bits: u64, invert: bool) -> Word {
    Word {
        name,
        roles,
        bits,
        invert,
    }
}

const BOTH: u32 = C | S;

pub static OPTION_WORDS: &[Word] = &[
    w("SessionTicket", BOTH, op::NO_TICKET, true),
    w(
        "EmptyFragments",
        BOTH,
        op::DONT_INSERT_EMPTY_FRAGMENTS,
        true,
    ),
    w("Bugs", BOTH, op::ALL, false),
    w("Compression", BOTH, op::NO_COMPRESSION, true),
    w("ServerPreference", S, op::CIPHER_SERVER_PREFERENCE, false),
    w(
        "NoResumptionOnRenegotiation",
        S,
        op::NO_SESSION_RESUMPTION_ON_RENEGOTIATION,
        false,
    ),
    w("DHSingle", S, 0, false),
    w("ECDHSingle", S, 0, false),
    w(
        "UnsafeLegacyRenegotiation",
        BOTH,
        op::ALLOW_UNSAFE_LEGACY_RENEGOTIATION,
        false,
    ),
    w(
        "UnsafeLegacyServerConnect",
        BOTH,
        op::LEGACY_SERVER_CONNECT,
        false,
    ),
    w(
        "ClientRenegotiation",
        S,
        op::ALLOW_CLIENT_RENEGOTIATION,
        false,
    ),
    w("EncryptThenMac", BOTH, op::NO_ENCRYPT_THEN_MAC, true),
    w("NoRenegotiation", BOTH, op::NO_RENEGOTIATION, false),
    w("AllowNoDHEKEX", BOTH, op::ALLOW_NO_DHE_KEX, false),
    w("PrioritizeChaCha", S, op::PRIORITIZE_CHACHA, false),
    w("MiddleboxCompat", BOTH, op::ENABLE_MIDDLEBOX_COMPAT, false),
    w("AntiReplay", S, op::NO_ANTI_REPLAY, true),
    w(
        "ExtendedMasterSecret",
        BOTH,
        op::NO_EXTENDED_MASTER_SECRET,
        true,
    ),
    w("CANames", BOTH, op::DISABLE_TLSEXT_CA_NAMES, true),
    w("KTLS", BOTH, op::ENABLE_KTLS, false),
    w(
        "IgnoreUnexpectedEOF",
        BOTH,
        op::IGNORE_UNEXPECTED_EOF,
        false,
    ),
];

pub static PROTOCOL_WORDS: &[Word] = &[
    w("ALL", BOTH, op::NO_SSL_MASK, true),
    w("SSLv2", BOTH, 0, true),
    w("SSLv3", BOTH, op::NO_SSLV3, true),
    w("TLSv1", BOTH, op::NO_TLSV1, true),
    w("TLSv1.1", BOTH, op::NO_TLSV1_1, true),
    w("TLSv1.2", BOTH, op::NO_TLSV1_2, true),
    w("TLSv1.3", BOTH, op::NO_TLSV1_3, true),
    w("DTLSv1", BOTH, op::NO_TLSV1, true),
    w("DTLSv1.2", BOTH, op::NO_TLSV1_2, true),
];

/// `SSL_VERIFY_*` bits by word; "Peer" is a client's, the rest a server's.
pub static VERIFY_WORDS: &[Word] = &[
    w("Peer", C, 0x01, false),
    w("Request", S, 0x01, false),
    w("Require", S, 0x01 | 0x02, false),
    w("Once", S, 0x01 | 0x04, false),
    w("RequestPostHandshake", S, 0x01 | 0x08, false),
    w("RequirePostHandshake", S, 0x01 | 0x08 | 0x02, false),
];

/// Applies a comma-separated word list to `bits` as OpenSSL does: each
/// word, with an optional `+` or `-`, set or clears its bits in turn, so a
/// bad word leaves the earlier ones applied. False at the first empty or
/// unknown word (or one for the other role).
pub fn apply_words(words: &[Word], flags: u32, list: &str, bits: &mut u64) -> bool {
    for item in list.split(',') {
        let item = item.trim_matches(' ');
        let (on, name) = match item.as_bytes().first() {
            Some(b'+') => (true, &item[1..]),
            Some(b'-') => (false, &item[1..]),
            Some(_) => (true, item),
            None => return false,
        };
        let Some(word) = words
            .iter()
            .find(|w| flags & w.roles != 0 && w.name.eq_ignore_ascii_case(name))
        else {
            return false;
        };
        if on != word.invert {
            *bits |= word.bits;
        } else {
            *bits &= !word.bits;
        }
    }
    true
}

/// `MinProtocol`/`MaxProtocol` values: the version, 0 for "None".
pub fn protocol_version(value: &str) -> Option<i32> {
    Some(match value {
        "None" => 0,
        "SSLv3" => 0x0300,
        "TLSv1" => 0x0301,
        "TLSv1.1" => 0x0302,
        "TLSv1.2" => 0x0303,
        "TLSv1.3" => 0x0304,
        "DTLSv1" => 0xfeff,
        "DTLSv1.2" => 0xfefd,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_by_kind() {
        let file = flag::FILE;
        assert!(lookup(file, b"cipherstring").is_some());
        assert!(lookup(file, b"cipher").is_none());
        assert!(lookup(flag::CMDLINE, b"cipher").is_some());
        assert!(lookup(flag::CMDLINE, b"serverpref").is_none());
        assert!(lookup(flag::CMDLINE | flag::SERVER, b"serverpref").is_some());
        assert!(lookup(file, b"Certificate").is_none());
        assert!(lookup(file | flag::CERTIFICATE, b"Certificate").is_some());
        assert!(lookup(0, b"CipherString").is_none());
    }

    #[test]
    fn prefixes() {
        assert_eq!(
            skip_prefix(flag::CMDLINE, None, b"-cipher"),
            Some(&b"cipher"[..])
        );
        assert_eq!(skip_prefix(flag::CMDLINE, None, b"-"), None);
        assert_eq!(
            skip_prefix(flag::FILE, Some(b"ssl_"), b"SSL_Groups"),
            Some(&b"Groups"[..])
        );
        assert_eq!(
            skip_prefix(flag::CMDLINE, Some(b"ssl_"), b"SSL_groups"),
            None
        );
    }

    #[test]
    fn word_lists() {
        let mut bits = op::NO_TICKET;
        assert!(apply_words(
            OPTION_WORDS,
            flag::SERVER,
            "SessionTicket, ServerPreference",
            &mut bits
        ));
        assert_eq!(bits, op::CIPHER_SERVER_PREFERENCE);
        assert!(!apply_words(
            OPTION_WORDS,
            flag::CLIENT,
            "-Bugs,ServerPreference",
            &mut bits
        ));
        assert!(!apply_words(OPTION_WORDS, 0, "Bugs", &mut bits));
        assert!(!apply_words(OPTION_WORDS, flag::CLIENT, "Bugs,", &mut bits));
        let mut p = 0;
        assert!(apply_words(
            PROTOCOL_WORDS,
            flag::CLIENT,
            "-ALL,TLSv1.3",
            &mut p
        ));
        assert_eq!(p, op::NO_SSL_MASK & !op::NO_TLSV1_3);
    }
}
