//! What the connection keeps of the hellos: the taps that see them go by,
//! the ClientHello the application's callbacks look at, and the randoms.

use super::{Connection, RwState};
use crate::core::client_hello::ClientHelloView;
use crate::core::error::Error;
use crate::core::hello_tap::Tapped;
use crate::core::transport::Transport;

impl Connection {
    /// Runs `op` with the hellos tapped from its I/O, until both are seen.
    pub(super) fn tapped<T>(
        &mut self,
        io: &mut dyn Transport,
        op: impl FnOnce(&mut Self, &mut dyn Transport) -> Result<T, Error>,
    ) -> Result<T, Error> {
        if self.hellos.done() {
            return op(self, io);
        }
        let mut taps = std::mem::take(&mut self.hellos);
        let r = op(
            self,
            &mut Tapped {
                io,
                taps: &mut taps,
            },
        );
        self.hellos = taps;
        r
    }

    /// The ClientHello, from its arrival until the server has chosen its
    /// configuration (OpenSSL's `s->clienthello`).
    pub fn client_hello_view(&self) -> Option<&ClientHelloView> {
        self.hello_view.as_ref()
    }

    /// The cipher_suites field of the ClientHello this connection received
    /// (two bytes each), kept after the handshake as OpenSSL keeps its
    /// `peer_ciphers`; `None` on a client or before one arrived.
    pub fn received_client_ciphers(&self) -> Option<Vec<u8>> {
        if self.role != super::Role::Server {
            return None;
        }
        // Only the start of the message is kept after the handshake.
        Some(self.hellos.client_hello()?.cipher_suites()?.to_vec())
    }

    /// The ClientHello callback asked to be called again (`SSL_CLIENT_HELLO_RETRY`).
    pub fn await_client_hello_cb(&mut self) {
        self.rwstate = RwState::ClientHelloCb;
    }

    /// Marks the time the ClientHello callback runs.
    pub fn set_in_client_hello_cb(&mut self, running: bool) {
        self.in_client_hello_cb = running;
    }

    /// `SSL_get_client_random`: zeros until the ClientHello is sent or seen.
    /// OpenSSL takes a server's copy only after the ClientHello callback,
    /// which sees zeros (and the random through `SSL_client_hello_get0_random`).
    pub fn client_random(&self) -> [u8; 32] {
        if self.in_client_hello_cb {
            return [0; 32];
        }
        random_of(self.hellos.client_hello())
    }

    /// `SSL_get_server_random`: zeros until the ServerHello is sent or seen.
    pub fn server_random(&self) -> [u8; 32] {
        random_of(self.hellos.server_hello())
    }
}

fn random_of(m: Option<&crate::core::hello_tap::HelloMessage>) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Some(r) = m.and_then(|m| m.random()) {
        out.copy_from_slice(r);
    }
    out
}
