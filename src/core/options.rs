//! `SSL_OP_*` bits (OpenSSL 3.0's values) that change what sslshim does.
//! Every other bit is kept and returned unchanged.

/// EOF without close_notify counts as close_notify.
pub const IGNORE_UNEXPECTED_EOF: u64 = 1 << 7;
