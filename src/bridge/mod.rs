//! The only code that calls libcrypto: the application's BIOs, the thread's
//! error queue, and its certificates, keys and trust stores.

pub mod bio;
pub mod chain;
pub mod comp;
pub mod decoded;
pub mod err;
pub mod ex_data;
pub mod ffi;
pub mod kx;
pub mod names;
pub mod pem;
pub mod session_data;
pub mod stack;
pub mod ticket;
pub mod verify;
pub mod x509;
