//! sslshim: OpenSSL 3's `libssl.so.3` on rustls.

pub mod abi;
#[cfg(all(target_arch = "x86_64", target_env = "gnu"))]
mod alloc;
#[cfg(all(target_arch = "x86_64", target_env = "gnu"))]
#[global_allocator]
static ALLOCATOR: alloc::ShiftedLarge = alloc::ShiftedLarge;
/// cbindgen:ignore
mod bridge;
pub mod core;
