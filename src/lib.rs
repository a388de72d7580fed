//! sslshim: OpenSSL 3's `libssl.so.3` on rustls.

pub mod abi;
/// cbindgen:ignore
mod bridge;
pub mod core;
