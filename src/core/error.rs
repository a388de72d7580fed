//! Errors as values. Each maps to what OpenSSL reports for it: an `SSL_ERROR_*`
//! code from `SSL_get_error`, and for `Ssl` a `(ERR_LIB_SSL, reason)` entry on the
//! error queue.

use super::reason_table::REASONS;

/// A reason code of OpenSSL's SSL library (`SSL_R_*` in `sslerr.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reason(pub u32);

impl Reason {
    pub const APPLICATION_DATA_AFTER_CLOSE_NOTIFY: Reason = Reason(291);
    pub const BAD_LENGTH: Reason = Reason(271);
    pub const BAD_WRITE_RETRY: Reason = Reason(127);
    pub const BIO_NOT_SET: Reason = Reason(128);
    pub const INVALID_KEY_UPDATE_TYPE: Reason = Reason(120);
    pub const STILL_IN_INIT: Reason = Reason(121);
    pub const WRONG_SSL_VERSION: Reason = Reason(266);
    pub const READ_BIO_NOT_SET: Reason = Reason(211);
    pub const CERTIFICATE_VERIFY_FAILED: Reason = Reason(134);
    pub const DECRYPTION_FAILED_OR_BAD_RECORD_MAC: Reason = Reason(281);
    pub const NO_CERTIFICATE_ASSIGNED: Reason = Reason(177);
    pub const PEER_DID_NOT_RETURN_A_CERTIFICATE: Reason = Reason(199);
    pub const NO_CIPHER_MATCH: Reason = Reason(185);
    pub const NO_CIPHERS_AVAILABLE: Reason = Reason(181);
    pub const NO_PRIVATE_KEY_ASSIGNED: Reason = Reason(190);
    pub const NO_PROTOCOLS_AVAILABLE: Reason = Reason(191);
    pub const NO_SUITABLE_SIGNATURE_ALGORITHM: Reason = Reason(118);
    pub const NO_SHARED_CIPHER: Reason = Reason(193);
    pub const NULL_SSL_CTX: Reason = Reason(195);
    pub const PROTOCOL_IS_SHUTDOWN: Reason = Reason(207);
    pub const RECORD_LAYER_FAILURE: Reason = Reason(313);
    pub const SHUTDOWN_WHILE_IN_INIT: Reason = Reason(407);
    pub const UNEXPECTED_EOF_WHILE_READING: Reason = Reason(294);
    pub const UNEXPECTED_MESSAGE: Reason = Reason(244);
    pub const UNEXPECTED_RECORD: Reason = Reason(245);
    pub const UNINITIALIZED: Reason = Reason(276);
    pub const UNSUPPORTED_PROTOCOL: Reason = Reason(258);
    pub const WRONG_VERSION_NUMBER: Reason = Reason(267);
    pub const BAD_VALUE: Reason = Reason(384);
    pub const CALLBACK_FAILED: Reason = Reason(234);
    pub const TOO_MANY_KEY_UPDATES: Reason = Reason(132);
    /// `ERR_R_PASSED_NULL_PARAMETER`: a common reason, flagged fatal and common as OpenSSL does.
    pub const PASSED_NULL_PARAMETER: Reason = Reason(258 | (0x3 << 18));
    /// `ERR_R_PASSED_INVALID_ARGUMENT`.
    pub const PASSED_INVALID_ARGUMENT: Reason = Reason(262 | (0x2 << 18));
    pub const HTTP_REQUEST: Reason = Reason(156);
    pub const HTTPS_PROXY_REQUEST: Reason = Reason(155);
    pub const BAD_RECORD_TYPE: Reason = Reason(443);
    pub const PACKET_LENGTH_TOO_LONG: Reason = Reason(198);
    pub const ENCRYPTED_LENGTH_TOO_LONG: Reason = Reason(150);
    /// `ERR_R_INTERNAL_ERROR`, flagged fatal and common.
    pub const INTERNAL_ERROR: Reason = Reason(259 | (0x3 << 18));
    /// A TLS 1.2 record that fails to decrypt: OpenSSL's provider queues
    /// `cipher operation failed` before the SSL reason.
    pub const TLS12_BAD_RECORD_MAC: Reason =
        Reason(Self::DECRYPTION_FAILED_OR_BAD_RECORD_MAC.0 | (PROV_CIPHER_OPERATION_FAILED << 24));
    /// A TLS 1.2 AEAD record too short for its nonce and tag: the provider
    /// refuses the additional data, and the record layer calls it internal.
    pub const TLS12_RECORD_TOO_SHORT: Reason =
        Reason(Self::INTERNAL_ERROR.0 | (PROV_INVALID_AAD << 24));
    /// OpenSSL numbers the reasons for a received alert as 1000 + the alert.
    pub const ALERT_OFFSET: u32 = 1000;

    /// The reason as `ERR_GET_REASON` reports it (flags included).
    pub fn code(self) -> u32 {
        self.0 & 0xff_ffff
    }

    /// A reason of libcrypto's provider layer (`ERR_LIB_PROV`) that OpenSSL
    /// queues just before this one.
    pub fn provider_reason(self) -> Option<u32> {
        Some(self.0 >> 24).filter(|&r| r != 0)
    }

    /// True for the reasons OpenSSL gives to alerts received.
    pub fn is_alert(self) -> bool {
        (Self::ALERT_OFFSET..Self::ALERT_OFFSET + 256).contains(&self.0)
    }

    /// The reason OpenSSL raises when the peer sent the fatal alert `alert`.
    pub fn from_alert(alert: u8) -> Reason {
        Reason(Self::ALERT_OFFSET + u32::from(alert))
    }

    /// OpenSSL's text for this reason, as `ERR_reason_error_string` prints it.
    pub fn text(self) -> Option<&'static str> {
        REASONS
            .iter()
            .find(|(n, _, _)| *n == self.code())
            .and_then(|(_, _, t)| t.to_str().ok())
    }
}

// Reasons of libcrypto's provider layer; a `Reason` carries one in its top
// byte, above the 23 bits of an error code's reason field.
const PROV_CIPHER_OPERATION_FAILED: u32 = 102;
const PROV_INVALID_AAD: u32 = 108;

/// Why an operation on a connection did not complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// The BIO cannot proceed now; the caller retries once it can
    /// (`SSL_ERROR_WANT_READ`/`WANT_WRITE`, told apart by the rwstate and the BIO).
    WouldBlock,
    /// The BIO failed with no TLS-level reason (`SSL_ERROR_SYSCALL`, errno kept).
    Transport,
    /// A failure OpenSSL puts on the error queue (`SSL_ERROR_SSL`).
    Ssl(Reason),
    /// The peer closed the TLS stream with close_notify (`SSL_ERROR_ZERO_RETURN`).
    ZeroReturn,
    /// A fatal end met while reading application data that OpenSSL's record
    /// layer hands up as 0 rather than -1: the transport's end without
    /// close_notify (`unexpected eof while reading`) or a fatal alert from
    /// the peer. The reason is queued (`SSL_ERROR_SSL`) and `SSL_read`
    /// returns 0.
    ReadEnded(Reason),
}

impl Error {
    /// The reason this failure leaves on the error queue, if any.
    pub fn reason(self) -> Option<Reason> {
        match self {
            Error::Ssl(r) | Error::ReadEnded(r) => Some(r),
            _ => None,
        }
    }
}

impl From<Reason> for Error {
    fn from(r: Reason) -> Self {
        Error::Ssl(r)
    }
}

/// Maps a rustls failure to the reason OpenSSL gives for the same event.
pub fn reason_for_tls_error(e: &rustls::Error) -> Reason {
    use rustls::{Error as E, PeerIncompatible as PI, PeerMisbehaved as PM};
    match e {
        E::InvalidCertificate(_) => Reason::CERTIFICATE_VERIFY_FAILED,
        E::NoCertificatesPresented => Reason::PEER_DID_NOT_RETURN_A_CERTIFICATE,
        E::AlertReceived(desc) => Reason::from_alert(u8::from(*desc)),
        E::DecryptError => Reason::DECRYPTION_FAILED_OR_BAD_RECORD_MAC,
        E::PeerIncompatible(PI::NoCipherSuitesInCommon) => Reason::NO_SHARED_CIPHER,
        E::PeerIncompatible(PI::Tls12NotOffered)
        | E::PeerIncompatible(PI::Tls12NotOfferedOrEnabled)
        | E::PeerIncompatible(PI::SupportedVersionsExtensionRequired) => {
            Reason::UNSUPPORTED_PROTOCOL
        }
        // A ClientHello without signature algorithms is one of TLS 1.1 or
        // older, whose signatures OpenSSL 3.0 refuses at its default level.
        E::PeerIncompatible(PI::SignatureAlgorithmsExtensionRequired) => {
            Reason::NO_SUITABLE_SIGNATURE_ALGORITHM
        }
        E::PeerIncompatible(_) => Reason::NO_SHARED_CIPHER,
        E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            Reason::UNEXPECTED_MESSAGE
        }
        // rustls ends a connection whose peer sends a 33rd KeyUpdate with no
        // application data in between (BoringSSL's limit); OpenSSL 3.0 has
        // none, but names the refusal so in its reason table.
        E::PeerMisbehaved(PM::TooManyKeyUpdateRequests) => Reason::TOO_MANY_KEY_UPDATES,
        E::InvalidMessage(_) => Reason::RECORD_LAYER_FAILURE,
        _ => Reason::RECORD_LAYER_FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_carry_openssl_text() {
        assert_eq!(Reason::BAD_WRITE_RETRY.text(), Some("bad write retry"));
        assert_eq!(Reason::BAD_LENGTH.text(), Some("bad length"));
        assert_eq!(
            Reason::PROTOCOL_IS_SHUTDOWN.text(),
            Some("protocol is shutdown")
        );
        assert_eq!(Reason::UNINITIALIZED.text(), Some("uninitialized"));
        assert_eq!(
            Reason::from_alert(48).text(),
            Some("tlsv1 alert unknown ca")
        );
        assert_eq!(Reason(999_999).text(), None);
    }

    #[test]
    fn too_many_key_updates_named_as_openssl_names_it() {
        let e = rustls::Error::PeerMisbehaved(rustls::PeerMisbehaved::TooManyKeyUpdateRequests);
        let r = reason_for_tls_error(&e);
        assert_eq!(r.text(), Some("too many key updates"));
    }
}
