//! What a server decides on seeing the ClientHello, and what a client puts in
//! it: `SSL_CTX_set_tlsext_servername_callback(3)`, `SSL_get_servername(3)`,
//! `SSL_set_SSL_CTX`, `SSL_CTX_set_alpn_select_cb(3)`, `SSL_set_alpn_protos`,
//! `SSL_select_next_proto`.

use std::ffi::{c_void, CString};
use std::sync::Arc;

use libc::{c_char, c_int, c_uint};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard};
use crate::core::connection::{ClientHello, AD_NO_APPLICATION_PROTOCOL, AD_UNRECOGNIZED_NAME};
use crate::core::error::{Error, Reason};

pub type ServernameCb = Option<unsafe extern "C" fn(*mut SSL, *mut c_int, *mut c_void) -> c_int>;
pub type AlpnSelectCb = Option<
    unsafe extern "C" fn(
        *mut SSL,
        *mut *const u8,
        *mut u8,
        *const u8,
        c_uint,
        *mut c_void,
    ) -> c_int,
>;

/// `SSL_TLSEXT_ERR_*`: what the callbacks return.
const TLSEXT_ERR_OK: c_int = 0;
const TLSEXT_ERR_ALERT_FATAL: c_int = 2;
/// `SSL_R_NO_APPLICATION_PROTOCOL`.
const NO_APPLICATION_PROTOCOL: Reason = Reason(235);
/// `OPENSSL_NPN_NEGOTIATED`, `OPENSSL_NPN_NO_OVERLAP`.
const NPN_NEGOTIATED: c_int = 1;
const NPN_NO_OVERLAP: c_int = 2;
/// `TLSEXT_NAMETYPE_host_name`.
const NAMETYPE_HOST_NAME: c_int = 0;

/// The callbacks an `SSL_CTX` runs on a ClientHello, with their arguments.
#[derive(Clone, Copy)]
pub struct HelloCallbacks {
    pub servername: ServernameCb,
    pub servername_arg: *mut c_void,
    pub alpn_select: AlpnSelectCb,
    pub alpn_arg: *mut c_void,
    pub client_hello: super::client_hello::ClientHelloCb,
    pub client_hello_arg: *mut c_void,
}

impl Default for HelloCallbacks {
    fn default() -> Self {
        Self {
            servername: None,
            servername_arg: std::ptr::null_mut(),
            alpn_select: None,
            alpn_arg: std::ptr::null_mut(),
            client_hello: None,
            client_hello_arg: std::ptr::null_mut(),
        }
    }
}

impl HelloCallbacks {
    /// Whether a server must stop at the ClientHello for the application.
    pub fn any(&self) -> bool {
        self.servername.is_some() || self.alpn_select.is_some() || self.client_hello.is_some()
    }
}

fn wire(list: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in list {
        out.push(p.len() as u8);
        out.extend_from_slice(p);
    }
    out
}

/// Runs the callbacks, in OpenSSL's order (the ClientHello callback and the
/// servername callback, either of which may switch the context, then the
/// ALPN selection of the context in use), and chooses the
/// configuration. The callbacks get the `SSL` back and may call into the
/// library with it, so no borrow of it is held across them.
fn on_client_hello(ssl: &mut SSL, hello: &ClientHello) -> Result<(), Error> {
    super::client_hello::run_callback(ssl)?;
    let p: *mut SSL = ssl;
    let cbs = ssl.ctx.lock().hello;
    if let Some(cb) = cbs.servername {
        let mut al = c_int::from(AD_UNRECOGNIZED_NAME);
        let ret = unsafe { cb(p, &mut al, cbs.servername_arg) };
        if ret == TLSEXT_ERR_OK {
            ssl.conn.acknowledge_sni();
        }
        if ret == TLSEXT_ERR_ALERT_FATAL {
            let mut io = ssl.io();
            return Err(ssl
                .conn
                .reject_hello(al as u8, Reason::CALLBACK_FAILED, &mut io));
        }
    }
    let cbs = ssl.ctx.lock().hello;
    let mut selected = None;
    if let (Some(cb), Some(list)) = (cbs.alpn_select, &hello.alpn) {
        let offered = wire(list);
        let mut out: *const u8 = std::ptr::null();
        let mut outlen: u8 = 0;
        let ret = unsafe {
            cb(
                p,
                &mut out,
                &mut outlen,
                offered.as_ptr(),
                offered.len() as c_uint,
                cbs.alpn_arg,
            )
        };
        if ret == TLSEXT_ERR_ALERT_FATAL {
            let mut io = ssl.io();
            return Err(ssl.conn.reject_hello(
                AD_NO_APPLICATION_PROTOCOL,
                NO_APPLICATION_PROTOCOL,
                &mut io,
            ));
        }
        if ret == TLSEXT_ERR_OK && !out.is_null() && outlen > 0 {
            selected = Some(unsafe { std::slice::from_raw_parts(out, outlen.into()) }.to_vec());
        }
    }
    super::cert_cb::run_callback(ssl)?;
    let config = super::cert_cb::server_config(ssl);
    let mut config = match config {
        Ok(c) => c,
        Err(r) => {
            ssl.conn.fail();
            return Err(Error::Ssl(r));
        }
    };
    if let Some(proto) = selected {
        let mut own = (*config).clone();
        own.alpn_protocols = vec![proto];
        config = Arc::new(own);
    }
    let mut io = ssl.io();
    ssl.conn.finish_accept(config, &mut io)
}

/// A server started with callbacks reads the ClientHello first, then runs
/// them; anything else passes.
pub(crate) fn client_hello_step(ssl: &mut SSL) -> Result<(), Error> {
    if !ssl.conn.is_accepting() {
        return Ok(());
    }
    let mut io = ssl.io();
    let hello = ssl.conn.read_client_hello(&mut io)?;
    on_client_hello(ssl, &hello)
}

/// `SSL_CTX_callback_ctrl` with `SSL_CTRL_SET_TLSEXT_SERVERNAME_CB`.
pub(crate) fn set_servername_cb(ctx: &SSL_CTX, fp: Option<unsafe extern "C" fn()>) {
    // The macro passes the callback through a generic function pointer.
    ctx.lock().hello.servername =
        unsafe { std::mem::transmute::<Option<unsafe extern "C" fn()>, ServernameCb>(fp) };
}

pub(crate) fn set_servername_arg(ctx: &SSL_CTX, arg: *mut c_void) {
    ctx.lock().hello.servername_arg = arg;
}

#[export_name = "sslshim_SSL_CTX_callback_ctrl"]
pub unsafe extern "C" fn SSL_CTX_callback_ctrl(
    ctx: *mut SSL_CTX,
    cmd: c_int,
    fp: Option<unsafe extern "C" fn()>,
) -> libc::c_long {
    guard(c"SSL_CTX_callback_ctrl", 0, || {
        let ctx = deref!(c"SSL_CTX_callback_ctrl", ctx, 0);
        match cmd {
            53 => {
                // SSL_CTRL_SET_TLSEXT_SERVERNAME_CB
                set_servername_cb(ctx, fp);
                1
            }
            _ => {
                super::log_once(&format!(
                    "SSL_CTX_callback_ctrl command {cmd} is not implemented"
                ));
                0
            }
        }
    })
}

#[export_name = "sslshim_SSL_CTX_set_alpn_select_cb"]
pub unsafe extern "C" fn SSL_CTX_set_alpn_select_cb(
    ctx: *mut SSL_CTX,
    cb: AlpnSelectCb,
    arg: *mut c_void,
) {
    guard(c"SSL_CTX_set_alpn_select_cb", (), || {
        let ctx = deref!(c"SSL_CTX_set_alpn_select_cb", ctx);
        let mut c = ctx.lock();
        c.hello.alpn_select = cb;
        c.hello.alpn_arg = arg;
    })
}

#[export_name = "sslshim_SSL_set_alpn_protos"]
pub unsafe extern "C" fn SSL_set_alpn_protos(s: *mut SSL, protos: *const u8, len: c_uint) -> c_int {
    guard(c"SSL_set_alpn_protos", 1, || {
        let ssl = deref!(c"SSL_set_alpn_protos", s, 1);
        match unsafe { super::context::alpn_from_c(protos, len) } {
            Ok(list) => {
                ssl.conn.settings.alpn = Some(list);
                0
            }
            Err(()) => 1,
        }
    })
}

/// Splits a wire-format protocol list; stops at the first malformed entry.
fn entries(list: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut rest = list;
    while let Some((&len, tail)) = rest.split_first() {
        if len == 0 || tail.len() < len as usize {
            break;
        }
        out.push(&tail[..len as usize]);
        rest = &tail[len as usize..];
    }
    out
}

#[export_name = "sslshim_SSL_select_next_proto"]
pub unsafe extern "C" fn SSL_select_next_proto(
    out: *mut *mut u8,
    outlen: *mut u8,
    server: *const u8,
    server_len: c_uint,
    client: *const u8,
    client_len: c_uint,
) -> c_int {
    guard(c"SSL_select_next_proto", NPN_NO_OVERLAP, || {
        let slice = |p: *const u8, n: c_uint| {
            if p.is_null() || n == 0 {
                &[][..]
            } else {
                unsafe { std::slice::from_raw_parts(p, n as usize) }
            }
        };
        let (server, client) = (slice(server, server_len), slice(client, client_len));
        let client_protos = entries(client);
        let found = entries(server)
            .into_iter()
            .find(|s| client_protos.contains(s));
        // Without overlap OpenSSL offers the client's first choice.
        let (ret, pick) = match found {
            Some(s) => (NPN_NEGOTIATED, Some(s)),
            None => (NPN_NO_OVERLAP, client_protos.first().copied()),
        };
        unsafe {
            if let Some(o) = out.as_mut() {
                *o = pick.map_or(std::ptr::null_mut(), |p| p.as_ptr() as *mut u8);
            }
            if let Some(l) = outlen.as_mut() {
                *l = pick.map_or(0, |p| p.len() as u8);
            }
        }
        ret
    })
}

#[export_name = "sslshim_SSL_get_servername"]
pub unsafe extern "C" fn SSL_get_servername(s: *const SSL, kind: c_int) -> *const c_char {
    guard(c"SSL_get_servername", std::ptr::null(), || {
        let ssl = deref!(c"SSL_get_servername", s as *mut SSL, std::ptr::null());
        if kind != NAMETYPE_HOST_NAME {
            return std::ptr::null();
        }
        // A client names what it asked for, from the start; a server what
        // the ClientHello carried, once it has one.
        let name = if !ssl.conn.is_server() {
            ssl.conn.settings.sni.clone()
        } else {
            match ssl.conn.client_hello() {
                Some(h) if ssl.conn.is_accepting() => h.server_name.clone(),
                _ => ssl.conn.sni_hostname().map(str::to_owned),
            }
        };
        let Some(name) = name.and_then(|n| CString::new(n).ok()) else {
            return std::ptr::null();
        };
        // The string lives in the SSL, replaced only when the name changes.
        if ssl.servername.as_ref() != Some(&name) {
            ssl.servername = Some(name);
        }
        ssl.servername
            .as_ref()
            .map_or(std::ptr::null(), |n| n.as_ptr())
    })
}

#[export_name = "sslshim_SSL_get_servername_type"]
pub unsafe extern "C" fn SSL_get_servername_type(s: *const SSL) -> c_int {
    if unsafe { SSL_get_servername(s, NAMETYPE_HOST_NAME) }.is_null() {
        -1
    } else {
        NAMETYPE_HOST_NAME
    }
}

/// Moves the `SSL` to another context, whose certificate, key and callbacks
/// the rest of the handshake uses: what a servername callback does to serve
/// another name.
#[export_name = "sslshim_SSL_set_SSL_CTX"]
pub unsafe extern "C" fn SSL_set_SSL_CTX(s: *mut SSL, ctx: *mut SSL_CTX) -> *mut SSL_CTX {
    guard(c"SSL_set_SSL_CTX", std::ptr::null_mut(), || {
        let ssl = deref!(c"SSL_set_SSL_CTX", s, std::ptr::null_mut());
        if !ctx.is_null() && !std::ptr::eq(Arc::as_ptr(&ssl.ctx), ctx) {
            ssl.ctx = unsafe { SSL_CTX::share(ctx) };
        }
        Arc::as_ptr(&ssl.ctx) as *mut SSL_CTX
    })
}
