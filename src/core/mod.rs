//! The library a Rust program could use: no raw pointers, errors as values.

pub mod ca_hints;
pub mod cipher;
pub mod client_hello;
pub mod conf;
pub mod connection;
pub mod context;
pub mod dh;
pub mod error;
pub mod fault;
pub mod groups;
pub mod hello_tap;
pub mod options;
mod reason_table;
pub mod recent;
pub mod record_check;
pub mod record_reader;
pub mod session;
pub mod session_export;
pub mod transport;
pub mod verify;
pub mod verify_client;
pub mod write_state;

pub use reason_table::REASONS;
