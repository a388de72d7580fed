//! A peer's key-exchange share as the `EVP_PKEY` `SSL_get_peer_tmp_key(3)`
//! returns.

use libc::{c_int, c_long};
use openssl_sys::EVP_PKEY;

extern "C" {
    fn EVP_PKEY_new_raw_public_key(
        kind: c_int,
        e: *mut libc::c_void,
        key: *const u8,
        len: usize,
    ) -> *mut EVP_PKEY;
    fn d2i_PUBKEY(a: *mut *mut EVP_PKEY, pp: *mut *const u8, len: c_long) -> *mut EVP_PKEY;
}

const NID_X25519: c_int = 1034;
const NID_X448: c_int = 1035;

/// DER: a tag and its content.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else if n < 0x100 {
        out.extend([0x81, n as u8]);
    } else {
        out.extend([0x82, (n >> 8) as u8, n as u8]);
    }
    out.extend_from_slice(content);
    out
}

/// A new `EVP_PKEY` (the caller's reference) for a TLS group's public share,
/// or NULL for a group libcrypto cannot hold (finite-field, hybrids).
pub fn peer_key(group: u16, share: &[u8]) -> *mut EVP_PKEY {
    let raw = |nid| unsafe {
        EVP_PKEY_new_raw_public_key(nid, std::ptr::null_mut(), share.as_ptr(), share.len())
    };
    // id-ecPublicKey and the named curves' OIDs, DER-encoded.
    let ec_public_key: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    let curve: &[u8] = match group {
        29 => return raw(NID_X25519),
        30 => return raw(NID_X448),
        23 => &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
        24 => &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
        25 => &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23],
        _ => return std::ptr::null_mut(),
    };
    let mut bits = vec![0u8];
    bits.extend_from_slice(share);
    let spki = der(
        0x30,
        &[
            der(0x30, &[ec_public_key, curve].concat()),
            der(0x03, &bits),
        ]
        .concat(),
    );
    let mut p = spki.as_ptr();
    unsafe { d2i_PUBKEY(std::ptr::null_mut(), &mut p, spki.len() as c_long) }
}
