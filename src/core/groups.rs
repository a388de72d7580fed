//! Key-exchange groups as OpenSSL names them (`SSL_CTX_set1_groups_list`,
//! the `Groups` and `Curves` configuration commands), and the rustls groups
//! they select.

use rustls::crypto::SupportedKxGroup;
use rustls::NamedGroup;

/// The names OpenSSL 3.0's default provider knows, with their TLS group.
/// Groups rustls does not implement are accepted, as OpenSSL accepts them,
/// and never offered.
const NAMES: &[(&str, u16)] = &[
    ("secp256r1", 23),
    ("P-256", 23),
    ("prime256v1", 23),
    ("secp384r1", 24),
    ("P-384", 24),
    ("secp521r1", 25),
    ("P-521", 25),
    ("X25519", 29),
    ("x25519", 29),
    ("X448", 30),
    ("x448", 30),
    ("secp224r1", 21),
    ("P-224", 21),
    ("secp192r1", 19),
    ("P-192", 19),
    ("brainpoolP256r1", 26),
    ("brainpoolP384r1", 27),
    ("brainpoolP512r1", 28),
    ("ffdhe2048", 256),
    ("ffdhe3072", 257),
    ("ffdhe4096", 258),
    ("ffdhe6144", 259),
    ("ffdhe8192", 260),
];

/// Whether a group's shares are public keys an `EVP_PKEY` of libcrypto 3.0
/// holds: the elliptic curves. For the rest (hybrids with ML-KEM, finite
/// fields) `SSL_get_peer_tmp_key` has nothing to return, so the share,
/// over a kilobyte for a hybrid, is not kept.
pub fn share_is_public_key(group: u16) -> bool {
    matches!(group, 23 | 24 | 25 | 29 | 30)
}

/// Why OpenSSL refuses a whole list: an empty item (nothing queued) or a
/// name it does not know (`ERR_R_PASSED_INVALID_ARGUMENT`), whichever
/// comes first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadList {
    EmptyItem,
    UnknownName,
}

/// Parses a colon-separated list.
pub fn parse_list(list: &str) -> Result<Vec<NamedGroup>, BadList> {
    let mut out: Vec<NamedGroup> = Vec::new();
    for item in list.split(':') {
        if item.is_empty() {
            return Err(BadList::EmptyItem);
        }
        let (_, id) = NAMES
            .iter()
            .find(|(n, _)| *n == item)
            .ok_or(BadList::UnknownName)?;
        let g = NamedGroup::from(*id);
        if !out.contains(&g) {
            out.push(g);
        }
    }
    Ok(out)
}

/// The provider's groups that `wanted` names, in `wanted`'s order.
pub fn select(
    all: &[&'static dyn SupportedKxGroup],
    wanted: &[NamedGroup],
) -> Vec<&'static dyn SupportedKxGroup> {
    wanted
        .iter()
        .filter_map(|w| all.iter().find(|g| g.name() == *w).copied())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists() {
        assert_eq!(
            parse_list("X25519:P-256:prime256v1"),
            Ok(vec![NamedGroup::X25519, NamedGroup::secp256r1])
        );
        assert_eq!(parse_list(""), Err(BadList::EmptyItem));
        assert_eq!(parse_list("P-256:"), Err(BadList::EmptyItem));
        assert_eq!(parse_list("p-256"), Err(BadList::UnknownName));
        assert_eq!(parse_list("bogus:"), Err(BadList::UnknownName));
        assert_eq!(parse_list("X448"), Ok(vec![NamedGroup::X448]));
    }

    #[test]
    fn selection_keeps_order_and_drops_unimplemented() {
        let all = rustls::crypto::aws_lc_rs::ALL_KX_GROUPS;
        let got = select(
            all,
            &[NamedGroup::X448, NamedGroup::secp384r1, NamedGroup::X25519],
        );
        let names: Vec<_> = got.iter().map(|g| g.name()).collect();
        assert_eq!(names, vec![NamedGroup::secp384r1, NamedGroup::X25519]);
    }

    #[test]
    fn shares_kept_for_peer_tmp_key() {
        let hybrid = u16::from(NamedGroup::X25519MLKEM768);
        assert!(share_is_public_key(u16::from(NamedGroup::X25519)));
        assert!(share_is_public_key(u16::from(NamedGroup::secp384r1)));
        assert!(!share_is_public_key(hybrid));
        assert!(!share_is_public_key(u16::from(NamedGroup::FFDHE2048)));
    }
}
