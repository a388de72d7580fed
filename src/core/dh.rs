//! Finite-field Diffie-Hellman parameters (`SSL_CTX_set_tmp_dh(3)`): only
//! OpenSSL's acceptance rule lives here, since rustls offers no DHE suite.

/// Whether OpenSSL's default security callback lets parameters of `bits`
/// bits of security through at `level`: level 0 still refuses below 80.
pub fn tmp_dh_allowed(bits: i32, level: i32) -> bool {
    let min = match level {
        i32::MIN..=1 => 80,
        2 => 112,
        3 => 128,
        4 => 192,
        _ => 256,
    };
    bits >= min
}

#[cfg(test)]
mod tests {
    use super::tmp_dh_allowed;

    #[test]
    fn levels() {
        assert!(!tmp_dh_allowed(56, 0));
        assert!(tmp_dh_allowed(80, 0));
        assert!(tmp_dh_allowed(80, 1));
        assert!(!tmp_dh_allowed(80, 2));
        assert!(tmp_dh_allowed(112, 2));
        assert!(!tmp_dh_allowed(112, 3));
        assert!(tmp_dh_allowed(256, 5));
    }
}
