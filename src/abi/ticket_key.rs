//! `SSL_CTX_set_tlsext_ticket_key_evp_cb(3)`: session tickets sealed with
//! the application's keys, so that several servers (haproxy's
//! `tls-ticket-keys`) accept each other's tickets. rustls asks a
//! `ProducesTickets` to seal and open the session state; this one hands the
//! application's callback a cipher and an HMAC context to set up, as
//! OpenSSL does, and lays the ticket out as OpenSSL does: key name, IV,
//! encrypted state, HMAC. The state inside is rustls's, so only sslshim
//! servers open these tickets.

use std::sync::atomic::{AtomicBool, Ordering};

use libc::c_int;
use openssl_sys::{EVP_CIPHER_CTX, EVP_MAC_CTX};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};
use crate::bridge::ticket::{same, TicketCrypto};

pub type TicketKeyFn = unsafe extern "C" fn(
    *mut SSL,
    *mut u8,
    *mut u8,
    *mut EVP_CIPHER_CTX,
    *mut EVP_MAC_CTX,
    c_int,
) -> c_int;

/// `TLSEXT_KEYNAME_LENGTH`, `EVP_MAX_IV_LENGTH`.
const KEY_NAME_LEN: usize = 16;
const MAX_IV_LEN: usize = 16;
/// OpenSSL's default session timeout, the lifetime hint of its tickets.
const LIFETIME: u32 = 7200;

struct CallbackTicketer(TicketKeyFn);

impl std::fmt::Debug for CallbackTicketer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CallbackTicketer")
    }
}

/// The callback's answers on opening a ticket: 2 asks for a new one.
const TICKET_RENEW: c_int = 2;

/// The `SSL`'s note that its ticket needs no successor. Only that field is
/// touched: the connection itself is borrowed further up the stack.
fn no_renew(ssl: *mut SSL) -> Option<&'static AtomicBool> {
    (!ssl.is_null()).then(|| unsafe { &*std::ptr::addr_of!((*ssl).ticket_no_renew) })
}

impl CallbackTicketer {
    /// Calls the application with the connection at work on this thread.
    fn call(&self, c: &TicketCrypto, name: &mut [u8; 16], iv: &mut [u8; 16], enc: c_int) -> c_int {
        let ssl = super::keylog::current() as *mut SSL;
        if ssl.is_null() {
            return 0;
        }
        unsafe {
            (self.0)(
                ssl,
                name.as_mut_ptr(),
                iv.as_mut_ptr(),
                c.cipher_ctx(),
                c.mac_ctx(),
                enc,
            )
        }
    }
}

impl rustls::server::ProducesTickets for CallbackTicketer {
    fn enabled(&self) -> bool {
        true
    }

    fn lifetime(&self) -> u32 {
        LIFETIME
    }

    /// No ticket when the callback answers 0 (or fails), nor after a
    /// resumption whose ticket the callback did not ask to renew: OpenSSL
    /// then sends none and does not call it.
    fn encrypt(&self, plain: &[u8]) -> Option<Vec<u8>> {
        if no_renew(super::keylog::current() as *mut SSL).is_some_and(|f| f.load(Ordering::Relaxed))
        {
            return None;
        }
        let c = TicketCrypto::new()?;
        let (mut name, mut iv) = ([0u8; KEY_NAME_LEN], [0u8; MAX_IV_LEN]);
        if self.call(&c, &mut name, &mut iv, 1) <= 0 {
            return None;
        }
        let mut ticket = name.to_vec();
        ticket.extend_from_slice(&iv[..c.iv_len()?]);
        ticket.extend(c.crypt(plain, true)?);
        let mac = c.mac_of(&ticket)?;
        ticket.extend(mac);
        Some(ticket)
    }

    /// A ticket the callback does not know (0), or whose HMAC or padding
    /// does not check, gives a full handshake, as in OpenSSL.
    fn decrypt(&self, ticket: &[u8]) -> Option<Vec<u8>> {
        if ticket.len() < KEY_NAME_LEN + MAX_IV_LEN {
            return None;
        }
        let c = TicketCrypto::new()?;
        let mut name = [0u8; KEY_NAME_LEN];
        name.copy_from_slice(&ticket[..KEY_NAME_LEN]);
        let mut iv = [0u8; MAX_IV_LEN];
        iv.copy_from_slice(&ticket[KEY_NAME_LEN..KEY_NAME_LEN + MAX_IV_LEN]);
        let answer = self.call(&c, &mut name, &mut iv, 0);
        if answer <= 0 {
            return None;
        }
        let mac_len = c.mac_size();
        let iv_len = c.iv_len()?;
        let body_len = ticket
            .len()
            .checked_sub(mac_len)
            .filter(|&n| mac_len > 0 && n >= KEY_NAME_LEN + iv_len)?;
        let (body, tag) = ticket.split_at(body_len);
        if !same(&c.mac_of(body)?, tag) {
            return None;
        }
        let plain = c.crypt(&body[KEY_NAME_LEN + iv_len..], false)?;
        if let Some(f) = no_renew(super::keylog::current() as *mut SSL) {
            f.store(answer != TICKET_RENEW, Ordering::Relaxed);
        }
        Some(plain)
    }
}

/// Always 1, as in OpenSSL; NULL goes back to the context's own keys.
#[export_name = "sslshim_SSL_CTX_set_tlsext_ticket_key_evp_cb"]
pub unsafe extern "C" fn SSL_CTX_set_tlsext_ticket_key_evp_cb(
    ctx: *mut SSL_CTX,
    fp: Option<
        unsafe extern "C" fn(
            *mut SSL,
            *mut u8,
            *mut u8,
            *mut EVP_CIPHER_CTX,
            *mut EVP_MAC_CTX,
            c_int,
        ) -> c_int,
    >,
) -> c_int {
    guard(c"SSL_CTX_set_tlsext_ticket_key_evp_cb", 0, || {
        let ctx = deref!(c"SSL_CTX_set_tlsext_ticket_key_evp_cb", ctx, 0);
        let t = fp.map(|f| {
            std::sync::Arc::new(CallbackTicketer(f))
                as std::sync::Arc<dyn rustls::server::ProducesTickets>
        });
        ctx.lock().core.set_app_ticketer(t);
        1
    })
}
