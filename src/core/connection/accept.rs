//! A server that lets the application see the ClientHello before it chooses
//! its configuration: OpenSSL's servername and ALPN-select callbacks run
//! there, and may switch the `SSL_CTX` (`SSL_set_SSL_CTX`). rustls's
//! `Acceptor` reads the ClientHello; the rest of the handshake is an ordinary
//! `ServerConnection` built from the configuration chosen then.

use std::io::{self, Write};
use std::sync::Arc;

use rustls::server::Accepted;
use rustls::ServerConfig;

use super::records::{ReadHalf, WriteHalf};
use super::{Connection, RwState, State};
use crate::core::client_hello::ClientHelloView;
use crate::core::error::{reason_for_tls_error, Error, Reason};
use crate::core::record_reader::Bounded;
use crate::core::transport::Transport;

/// What the callbacks may look at in the ClientHello.
#[derive(Debug, Clone, Default)]
pub struct ClientHello {
    pub server_name: Option<String>,
    /// The client's ALPN list, or `None` when it sent no ALPN extension.
    pub alpn: Option<Vec<Vec<u8>>>,
}

/// `SSL_AD_*` alert descriptions the callbacks use.
pub const AD_UNRECOGNIZED_NAME: u8 = 112;
pub const AD_NO_APPLICATION_PROTOCOL: u8 = 120;

impl Connection {
    /// Starts a server that stops at the ClientHello.
    pub fn start_accepting(&mut self) {
        self.state = State::Accepting(Box::default());
    }

    /// True while the ClientHello is awaited or awaits its configuration.
    pub fn is_accepting(&self) -> bool {
        matches!(self.state, State::Accepting(_) | State::HelloReceived(..))
    }

    /// The ClientHello once read (during the callbacks and after).
    pub fn client_hello(&self) -> Option<&ClientHello> {
        self.hello.as_ref()
    }

    /// Reads until the ClientHello is complete.
    pub fn read_client_hello(&mut self, io: &mut dyn Transport) -> Result<ClientHello, Error> {
        if let Some(hook) = &self.step_hook {
            hook();
        }
        self.rwstate = RwState::Nothing;
        let hello = self.tapped(io, Self::read_hello_records)?;
        if self.hello_view.is_none() {
            self.hello_view = self
                .hellos
                .client_hello()
                .and_then(|m| ClientHelloView::parse(m.body.clone()));
        }
        Ok(hello)
    }

    fn read_hello_records(&mut self, io: &mut dyn Transport) -> Result<ClientHello, Error> {
        loop {
            let acceptor = match &mut self.state {
                State::Accepting(a) => a,
                State::HelloReceived(..) => return self.hello.clone().ok_or(Error::Transport),
                _ => return Err(Error::Transport),
            };
            match acceptor.accept() {
                Ok(Some(accepted)) => {
                    let hello = describe(&accepted);
                    self.hello = Some(hello.clone());
                    self.state = State::HelloReceived(Box::new(accepted));
                    return Ok(hello);
                }
                Ok(None) => {}
                Err((e, mut alert)) => {
                    let _ = alert.write_all(&mut WriteHalf(io));
                    self.fail();
                    return Err(Error::Ssl(reason_for_tls_error(&e)));
                }
            }
            self.rwstate = RwState::Reading;
            let read = if self.settings.reads_ahead() {
                acceptor.read_tls(&mut ReadHalf(io))
            } else {
                acceptor.read_tls(&mut Bounded {
                    ready: io.readable().unwrap_or(0),
                    inner: &mut ReadHalf(io),
                    boundary: &mut self.boundary,
                })
            };
            match read {
                Ok(0) => {
                    self.rwstate = RwState::Nothing;
                    self.fail();
                    return Err(Reason::UNEXPECTED_EOF_WHILE_READING.into());
                }
                Ok(_) => self.rwstate = RwState::Nothing,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Err(Error::WouldBlock),
                Err(_) => {
                    self.rwstate = RwState::Nothing;
                    return Err(self.refused_record().unwrap_or(Error::Transport));
                }
            }
        }
    }

    /// Continues the handshake with the configuration the callbacks chose.
    pub fn finish_accept(
        &mut self,
        config: Arc<ServerConfig>,
        io: &mut dyn Transport,
    ) -> Result<(), Error> {
        let State::HelloReceived(accepted) = std::mem::replace(&mut self.state, State::Idle) else {
            return Err(Error::Transport);
        };
        // OpenSSL's view of the ClientHello ends with its processing.
        self.hello_view = None;
        match accepted.into_connection(config) {
            Ok(conn) => {
                self.begin(conn.into());
                Ok(())
            }
            Err((e, mut alert)) => {
                let _ = alert.write_all(&mut WriteHalf(io));
                self.fail();
                Err(Error::Ssl(reason_for_tls_error(&e)))
            }
        }
    }

    /// Ends the handshake from a callback: a fatal alert, in the clear as
    /// nothing is encrypted before the ServerHello, and `reason` queued.
    pub fn reject_hello(&mut self, alert: u8, reason: Reason, io: &mut dyn Transport) -> Error {
        let record = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, alert];
        let _ = WriteHalf(io).write_all(&record);
        self.hello_view = None;
        self.fail();
        Error::Ssl(reason)
    }
}

fn describe(accepted: &Accepted) -> ClientHello {
    let ch = accepted.client_hello();
    ClientHello {
        server_name: ch.server_name().map(str::to_owned),
        alpn: ch.alpn().map(|i| i.map(<[u8]>::to_vec).collect()),
    }
}
