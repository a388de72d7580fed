//! `SSL_verify_client_post_handshake(3)`: TLS 1.3 post-handshake client
//! authentication, which rustls has on neither side. A client never offers
//! it, so the setters change nothing; a server refuses to ask for it as
//! OpenSSL refuses when the client did not offer it.

use libc::c_int;

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};
use crate::bridge::err;
use crate::core::connection::Role;
use crate::core::context::TLS1_3_VERSION;
use crate::core::error::Reason;

/// `SSL_R_NOT_SERVER`.
const NOT_SERVER: Reason = Reason(284);
/// `SSL_R_EXTENSION_NOT_RECEIVED`.
const EXTENSION_NOT_RECEIVED: Reason = Reason(279);

#[export_name = "sslshim_SSL_CTX_set_post_handshake_auth"]
pub unsafe extern "C" fn SSL_CTX_set_post_handshake_auth(ctx: *mut SSL_CTX, val: c_int) {
    guard(c"SSL_CTX_set_post_handshake_auth", (), || {
        deref!(c"SSL_CTX_set_post_handshake_auth", ctx);
        if val != 0 {
            super::ignored("SSL_CTX_set_post_handshake_auth");
        }
    })
}

#[export_name = "sslshim_SSL_set_post_handshake_auth"]
pub unsafe extern "C" fn SSL_set_post_handshake_auth(s: *mut SSL, val: c_int) {
    guard(c"SSL_set_post_handshake_auth", (), || {
        deref!(c"SSL_set_post_handshake_auth", s);
        if val != 0 {
            super::ignored("SSL_set_post_handshake_auth");
        }
    })
}

#[export_name = "sslshim_SSL_verify_client_post_handshake"]
pub unsafe extern "C" fn SSL_verify_client_post_handshake(s: *mut SSL) -> c_int {
    guard(c"SSL_verify_client_post_handshake", 0, || {
        let ssl = deref!(c"SSL_verify_client_post_handshake", s, 0);
        // OpenSSL's checks, in its order; the last is where it would go on
        // if the client had offered post-handshake authentication.
        let reason = if ssl.conn.version() != Some(TLS1_3_VERSION) {
            Reason::WRONG_SSL_VERSION
        } else if ssl.conn.role() != Role::Server {
            NOT_SERVER
        } else if ssl.conn.in_init() {
            Reason::STILL_IN_INIT
        } else {
            EXTENSION_NOT_RECEIVED
        };
        err::push(reason, c"SSL_verify_client_post_handshake");
        0
    })
}
