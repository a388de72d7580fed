//! `TLSv1_2_method(3)` and the other fixed-version methods, deprecated in
//! OpenSSL 3.0 and still used. A context of one speaks that version alone,
//! whatever its options and version bounds say, as in OpenSSL. TLS 1.0 and
//! 1.1 are not in rustls: their contexts never negotiate and fail the
//! handshake as contexts bounded to those versions do.

use super::context::SSL_METHOD;
use crate::core::context::{Method, TLS1_1_VERSION, TLS1_2_VERSION, TLS1_VERSION};

static TLSV1_2_METHOD: SSL_METHOD = SSL_METHOD {
    method: Method::Any,
    version: TLS1_2_VERSION,
};

#[export_name = "sslshim_TLSv1_2_method"]
pub extern "C" fn TLSv1_2_method() -> *const SSL_METHOD {
    &TLSV1_2_METHOD
}

static TLSV1_2_CLIENT_METHOD: SSL_METHOD = SSL_METHOD {
    method: Method::Client,
    version: TLS1_2_VERSION,
};

#[export_name = "sslshim_TLSv1_2_client_method"]
pub extern "C" fn TLSv1_2_client_method() -> *const SSL_METHOD {
    &TLSV1_2_CLIENT_METHOD
}

static TLSV1_2_SERVER_METHOD: SSL_METHOD = SSL_METHOD {
    method: Method::Server,
    version: TLS1_2_VERSION,
};

#[export_name = "sslshim_TLSv1_2_server_method"]
pub extern "C" fn TLSv1_2_server_method() -> *const SSL_METHOD {
    &TLSV1_2_SERVER_METHOD
}

static TLSV1_1_METHOD: SSL_METHOD = SSL_METHOD {
    method: Method::Any,
    version: TLS1_1_VERSION,
};

#[export_name = "sslshim_TLSv1_1_method"]
pub extern "C" fn TLSv1_1_method() -> *const SSL_METHOD {
    &TLSV1_1_METHOD
}

static TLSV1_1_CLIENT_METHOD: SSL_METHOD = SSL_METHOD {
    method: Method::Client,
    version: TLS1_1_VERSION,
};

#[export_name = "sslshim_TLSv1_1_client_method"]
pub extern "C" fn TLSv1_1_client_method() -> *const SSL_METHOD {
    &TLSV1_1_CLIENT_METHOD
}

static TLSV1_1_SERVER_METHOD: SSL_METHOD = SSL_METHOD {
    method: Method::Server,
    version: TLS1_1_VERSION,
};

#[export_name = "sslshim_TLSv1_1_server_method"]
pub extern "C" fn TLSv1_1_server_method() -> *const SSL_METHOD {
    &TLSV1_1_SERVER_METHOD
}

static TLSV1_METHOD: SSL_METHOD = SSL_METHOD {
    method: Method::Any,
    version: TLS1_VERSION,
};

#[export_name = "sslshim_TLSv1_method"]
pub extern "C" fn TLSv1_method() -> *const SSL_METHOD {
    &TLSV1_METHOD
}

static TLSV1_CLIENT_METHOD: SSL_METHOD = SSL_METHOD {
    method: Method::Client,
    version: TLS1_VERSION,
};

#[export_name = "sslshim_TLSv1_client_method"]
pub extern "C" fn TLSv1_client_method() -> *const SSL_METHOD {
    &TLSV1_CLIENT_METHOD
}

static TLSV1_SERVER_METHOD: SSL_METHOD = SSL_METHOD {
    method: Method::Server,
    version: TLS1_VERSION,
};

#[export_name = "sslshim_TLSv1_server_method"]
pub extern "C" fn TLSv1_server_method() -> *const SSL_METHOD {
    &TLSV1_SERVER_METHOD
}
