//! `SSL_OP_*` bits (OpenSSL 3.0's values) that change what sslshim does.
//! Every other bit is kept and returned unchanged.

/// EOF without close_notify counts as close_notify.
pub const IGNORE_UNEXPECTED_EOF: u64 = 1 << 7;
pub const NO_COMPRESSION: u64 = 1 << 17;
pub const ENABLE_MIDDLEBOX_COMPAT: u64 = 1 << 20;
pub const CIPHER_SERVER_PREFERENCE: u64 = 1 << 22;
pub const NO_TLSV1_2: u64 = 1 << 27;
pub const NO_TLSV1_3: u64 = 1 << 29;

/// What `SSL_CTX_new` starts with in OpenSSL 3.0.
pub const DEFAULT: u64 = NO_COMPRESSION | ENABLE_MIDDLEBOX_COMPAT;

/// The bits the rustls configurations are built from; a change to one of
/// them means a new configuration.
pub const CONFIG: u64 = CIPHER_SERVER_PREFERENCE | NO_TLSV1_2 | NO_TLSV1_3;
