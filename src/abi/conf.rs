//! `SSL_CONF_CTX_new(3)`, `SSL_CONF_cmd(3)`, `SSL_CONF_CTX_set_flags(3)`:
//! settings given by name, as an application reads them from its own
//! configuration file or command line (nginx's `ssl_conf_command`). Each
//! command runs through the same entry points a program would call.

use std::ffi::{CStr, CString};

use libc::{c_char, c_int, c_uint};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{guard, opt_cstr};
use crate::bridge::err;
use crate::bridge::names::NameStack;
use crate::core::conf::{self, flag, Action, Command, ValueType};
use crate::core::error::Reason;

/// `SSL_R_BAD_VALUE`, `SSL_R_INVALID_NULL_CMD_NAME`, `SSL_R_UNKNOWN_CMD_NAME`.
const BAD_VALUE: Reason = Reason(384);
const INVALID_NULL_CMD_NAME: Reason = Reason(385);
const UNKNOWN_CMD_NAME: Reason = Reason(386);

const SSL_CTRL_SET_GROUPS_LIST: c_int = 92;
const SSL_CTRL_SET_MIN_PROTO_VERSION: c_int = 123;
const SSL_CTRL_SET_MAX_PROTO_VERSION: c_int = 124;

pub struct SSL_CONF_CTX {
    flags: c_uint,
    prefix: Option<CString>,
    ctx: *mut SSL_CTX,
    ssl: *mut SSL,
    /// The last `Certificate` file, for a private key in the same file
    /// (`SSL_CONF_FLAG_REQUIRE_PRIVATE`, read by `SSL_CONF_CTX_finish`).
    cert_file: Option<CString>,
    /// `RequestCAFile`/`ClientCAFile` names, handed over by `finish`.
    ca_names: Option<NameStack>,
}

#[export_name = "sslshim_SSL_CONF_CTX_new"]
pub extern "C" fn SSL_CONF_CTX_new() -> *mut SSL_CONF_CTX {
    guard(c"SSL_CONF_CTX_new", std::ptr::null_mut(), || {
        Box::into_raw(Box::new(SSL_CONF_CTX {
            flags: 0,
            prefix: None,
            ctx: std::ptr::null_mut(),
            ssl: std::ptr::null_mut(),
            cert_file: None,
            ca_names: None,
        }))
    })
}

#[export_name = "sslshim_SSL_CONF_CTX_free"]
pub unsafe extern "C" fn SSL_CONF_CTX_free(cctx: *mut SSL_CONF_CTX) {
    guard(c"SSL_CONF_CTX_free", (), || {
        if !cctx.is_null() {
            drop(unsafe { Box::from_raw(cctx) });
        }
    })
}

#[export_name = "sslshim_SSL_CONF_CTX_set_flags"]
pub unsafe extern "C" fn SSL_CONF_CTX_set_flags(cctx: *mut SSL_CONF_CTX, flags: c_uint) -> c_uint {
    guard(c"SSL_CONF_CTX_set_flags", 0, || {
        let c = super::deref!(c"SSL_CONF_CTX_set_flags", cctx, 0);
        c.flags |= flags;
        c.flags
    })
}

#[export_name = "sslshim_SSL_CONF_CTX_clear_flags"]
pub unsafe extern "C" fn SSL_CONF_CTX_clear_flags(
    cctx: *mut SSL_CONF_CTX,
    flags: c_uint,
) -> c_uint {
    guard(c"SSL_CONF_CTX_clear_flags", 0, || {
        let c = super::deref!(c"SSL_CONF_CTX_clear_flags", cctx, 0);
        c.flags &= !flags;
        c.flags
    })
}

#[export_name = "sslshim_SSL_CONF_CTX_set1_prefix"]
pub unsafe extern "C" fn SSL_CONF_CTX_set1_prefix(
    cctx: *mut SSL_CONF_CTX,
    pre: *const c_char,
) -> c_int {
    guard(c"SSL_CONF_CTX_set1_prefix", 0, || {
        let c = super::deref!(c"SSL_CONF_CTX_set1_prefix", cctx, 0);
        c.prefix = unsafe { opt_cstr(pre) }.map(CStr::to_owned);
        1
    })
}

#[export_name = "sslshim_SSL_CONF_CTX_set_ssl_ctx"]
pub unsafe extern "C" fn SSL_CONF_CTX_set_ssl_ctx(cctx: *mut SSL_CONF_CTX, ctx: *mut SSL_CTX) {
    guard(c"SSL_CONF_CTX_set_ssl_ctx", (), || {
        let c = super::deref!(c"SSL_CONF_CTX_set_ssl_ctx", cctx);
        c.ctx = ctx;
        c.ssl = std::ptr::null_mut();
    })
}

#[export_name = "sslshim_SSL_CONF_CTX_set_ssl"]
pub unsafe extern "C" fn SSL_CONF_CTX_set_ssl(cctx: *mut SSL_CONF_CTX, ssl: *mut SSL) {
    guard(c"SSL_CONF_CTX_set_ssl", (), || {
        let c = super::deref!(c"SSL_CONF_CTX_set_ssl", cctx);
        c.ssl = ssl;
        c.ctx = std::ptr::null_mut();
    })
}

/// Loads the private key of a `Certificate` given without one, and hands
/// the CA names over, as OpenSSL's finish does.
#[export_name = "sslshim_SSL_CONF_CTX_finish"]
pub unsafe extern "C" fn SSL_CONF_CTX_finish(cctx: *mut SSL_CONF_CTX) -> c_int {
    guard(c"SSL_CONF_CTX_finish", 0, || {
        let c = super::deref!(c"SSL_CONF_CTX_finish", cctx, 0);
        if c.flags & flag::REQUIRE_PRIVATE != 0 {
            if let Some(file) = c.cert_file.clone() {
                if !has_key(c) && run(c, Action::PrivateKey, &file) <= 0 {
                    return 0;
                }
            }
        }
        if let Some(names) = c.ca_names.take() {
            let p = names.as_ptr() as *mut openssl_sys::stack_st_X509_NAME;
            std::mem::forget(names);
            if !c.ssl.is_null() {
                unsafe { super::ca_names::SSL_set0_CA_list(c.ssl, p) };
            } else if !c.ctx.is_null() {
                unsafe { super::ca_names::SSL_CTX_set0_CA_list(c.ctx, p) };
            } else {
                drop(unsafe { NameStack::adopt(p as *mut openssl_sys::OPENSSL_STACK) });
            }
        }
        1
    })
}

fn has_key(c: &SSL_CONF_CTX) -> bool {
    if !c.ssl.is_null() {
        return !unsafe { super::cert::SSL_get_privatekey(c.ssl) }.is_null();
    }
    !c.ctx.is_null() && !unsafe { super::cert::SSL_CTX_get0_privatekey(c.ctx) }.is_null()
}

/// Finds `cmd` under the context's flags and prefix.
fn find(c: &SSL_CONF_CTX, cmd: &CStr) -> Option<&'static Command> {
    let name = conf::skip_prefix(
        c.flags,
        c.prefix.as_deref().map(CStr::to_bytes),
        cmd.to_bytes(),
    )?;
    conf::lookup(c.flags, name)
}

/// Changes the option bits of the `SSL` or `SSL_CTX` being configured.
fn with_options(c: &SSL_CONF_CTX, f: impl FnOnce(&mut u64) -> bool) -> bool {
    if !c.ssl.is_null() {
        let ssl = unsafe { &mut *c.ssl };
        return f(&mut ssl.conn.settings.options);
    }
    if c.ctx.is_null() {
        // Nothing to configure: OpenSSL's command succeeds without effect.
        return f(&mut 0);
    }
    let mut ctx = unsafe { &*c.ctx }.lock();
    let mut bits = ctx.core.options;
    let ok = f(&mut bits);
    ctx.core.set_options(bits);
    ok
}

/// Changes the verify mode of what is being configured, keeping its callback.
fn with_verify_mode(c: &SSL_CONF_CTX, f: impl FnOnce(&mut u64) -> bool) -> bool {
    if !c.ssl.is_null() {
        let ssl = unsafe { &mut *c.ssl };
        let mut m = ssl.conn.settings.verify_mode as u64;
        let ok = f(&mut m);
        ssl.conn.settings.verify_mode = m as c_int;
        return ok;
    }
    if c.ctx.is_null() {
        return f(&mut 0);
    }
    let mut ctx = unsafe { &*c.ctx }.lock();
    let mut m = ctx.core.verify_mode as u64;
    let ok = f(&mut m);
    ctx.core.set_verify(m as c_int);
    ok
}

/// A command rustls has nothing for: refused, with `ERR_R_UNSUPPORTED`.
fn unsupported(what: &str) -> c_int {
    super::unimplemented(c"SSL_CONF_cmd", &format!("SSL_CONF_cmd {what}"));
    0
}

/// Runs one command with its value: > 0 done, 0 refused, -2 unknown.
fn run(c: &mut SSL_CONF_CTX, action: Action, value: &CStr) -> c_int {
    let (ctx, ssl) = (c.ctx, c.ssl);
    let text = value.to_string_lossy();
    let p = value.as_ptr();
    // What OpenSSL's own commands return when neither an SSL nor an
    // SSL_CTX is being configured.
    let both = |on_ctx: &dyn Fn() -> c_int, on_ssl: &dyn Fn() -> c_int| -> c_int {
        let mut rv = 1;
        if !ctx.is_null() {
            rv = on_ctx();
        }
        if !ssl.is_null() {
            rv = on_ssl();
        }
        c_int::from(rv > 0)
    };
    unsafe {
        match action {
            Action::Switch { .. } | Action::Strict => 1,
            Action::CipherString => {
                both(&|| super::context::SSL_CTX_set_cipher_list(ctx, p), &|| {
                    super::ciphers::SSL_set_cipher_list(ssl, p)
                })
            }
            Action::Ciphersuites => both(
                &|| super::context::SSL_CTX_set_ciphersuites(ctx, p),
                &|| unsupported("Ciphersuites on an SSL"),
            ),
            Action::Groups => both(
                &|| {
                    super::ctrl::SSL_CTX_ctrl(ctx, SSL_CTRL_SET_GROUPS_LIST, 0, p as *mut _)
                        as c_int
                },
                &|| unsupported("Groups on an SSL"),
            ),
            Action::MinProtocol | Action::MaxProtocol => {
                let cmd = if action == Action::MinProtocol {
                    SSL_CTRL_SET_MIN_PROTO_VERSION
                } else {
                    SSL_CTRL_SET_MAX_PROTO_VERSION
                };
                let Some(v) = conf::protocol_version(&text) else {
                    return 0;
                };
                // A DTLS version is no bound for a TLS method here.
                if v != 0 && !(0x0300..=0x0304).contains(&v) {
                    return 0;
                }
                if !ssl.is_null() {
                    c_int::from(super::ctrl::SSL_ctrl(ssl, cmd, v.into(), std::ptr::null_mut()) > 0)
                } else if !ctx.is_null() {
                    c_int::from(
                        super::ctrl::SSL_CTX_ctrl(ctx, cmd, v.into(), std::ptr::null_mut()) > 0,
                    )
                } else {
                    0
                }
            }
            Action::Options | Action::Protocol => {
                let words = if action == Action::Options {
                    conf::OPTION_WORDS
                } else {
                    conf::PROTOCOL_WORDS
                };
                let flags = c.flags;
                c_int::from(with_options(c, |bits| {
                    conf::apply_words(words, flags, &text, bits)
                }))
            }
            Action::VerifyMode => {
                let flags = c.flags;
                c_int::from(with_verify_mode(c, |bits| {
                    conf::apply_words(conf::VERIFY_WORDS, flags, &text, bits)
                }))
            }
            Action::Certificate => {
                let rv = both(
                    &|| super::cert::SSL_CTX_use_certificate_chain_file(ctx, p),
                    &|| unsupported("Certificate on an SSL"),
                );
                if rv > 0 && c.flags & flag::REQUIRE_PRIVATE != 0 {
                    c.cert_file = Some(value.to_owned());
                }
                rv
            }
            Action::PrivateKey => {
                if c.flags & flag::CERTIFICATE == 0 {
                    return -2;
                }
                both(
                    &|| super::cert::SSL_CTX_use_PrivateKey_file(ctx, p, 1),
                    &|| unsupported("PrivateKey on an SSL"),
                )
            }
            Action::RequestCaFile | Action::RequestCaPath => {
                if c.ca_names.is_none() {
                    c.ca_names = NameStack::new();
                }
                let Some(names) = &c.ca_names else {
                    return 0;
                };
                let st = names.as_ptr() as *mut openssl_sys::stack_st_X509_NAME;
                if action == Action::RequestCaFile {
                    super::ca_names::SSL_add_file_cert_subjects_to_stack(st, p)
                } else {
                    super::ca_names::SSL_add_dir_cert_subjects_to_stack(st, p)
                }
            }
            Action::NumTickets => {
                let n: i64 = text.trim().parse().unwrap_or(0);
                if n < 0 {
                    return 0;
                }
                both(
                    &|| super::session_ctx::SSL_CTX_set_num_tickets(ctx, n as usize),
                    &|| unsupported("NumTickets on an SSL"),
                )
            }
            Action::SignatureAlgorithms => unsupported("SignatureAlgorithms"),
            Action::ClientSignatureAlgorithms => unsupported("ClientSignatureAlgorithms"),
            Action::EcdhParameters => unsupported("ECDHParameters"),
            Action::ServerInfoFile => unsupported("ServerInfoFile"),
            Action::ChainCa => unsupported("ChainCAFile/ChainCAPath/ChainCAStore"),
            Action::VerifyCa => unsupported("VerifyCAFile/VerifyCAPath/VerifyCAStore"),
            Action::DhParameters => unsupported("DHParameters"),
            Action::RecordPadding => unsupported("RecordPadding"),
        }
    }
}

/// Applies a switch's option bits.
fn switch(c: &SSL_CONF_CTX, action: Action) -> c_int {
    if let Action::Switch { bits, invert } = action {
        with_options(c, |o| {
            if invert {
                *o &= !bits;
            } else {
                *o |= bits;
            }
            true
        });
    }
    1
}

#[export_name = "sslshim_SSL_CONF_cmd"]
pub unsafe extern "C" fn SSL_CONF_cmd(
    cctx: *mut SSL_CONF_CTX,
    cmd: *const c_char,
    value: *const c_char,
) -> c_int {
    guard(c"SSL_CONF_cmd", 0, || {
        let c = super::deref!(c"SSL_CONF_cmd", cctx, 0);
        let Some(name) = (unsafe { opt_cstr(cmd) }) else {
            err::push(INVALID_NULL_CMD_NAME, c"SSL_CONF_cmd");
            return 0;
        };
        let show = c.flags & flag::SHOW_ERRORS != 0;
        let Some(found) = find(c, name) else {
            if show {
                err::push(UNKNOWN_CMD_NAME, c"SSL_CONF_cmd");
            }
            return -2;
        };
        if found.value == ValueType::None {
            return switch(c, found.action);
        }
        let rv = match unsafe { opt_cstr(value) } {
            None => -3,
            Some(v) => match run(c, found.action, v) {
                r if r > 0 => return 2,
                -2 => -2,
                _ => 0,
            },
        };
        if show {
            err::push(BAD_VALUE, c"SSL_CONF_cmd");
        }
        rv
    })
}

#[export_name = "sslshim_SSL_CONF_cmd_value_type"]
pub unsafe extern "C" fn SSL_CONF_cmd_value_type(
    cctx: *mut SSL_CONF_CTX,
    cmd: *const c_char,
) -> c_int {
    guard(c"SSL_CONF_cmd_value_type", 0, || {
        let c = super::deref!(c"SSL_CONF_cmd_value_type", cctx, 0);
        unsafe { opt_cstr(cmd) }
            .and_then(|name| find(c, name))
            .map_or(0, |found| found.value as c_int)
    })
}

/// Takes a command and, if it needs one, its value from an argument list
/// (as a command line is read), and moves the list past what it used.
#[export_name = "sslshim_SSL_CONF_cmd_argv"]
pub unsafe extern "C" fn SSL_CONF_cmd_argv(
    cctx: *mut SSL_CONF_CTX,
    pargc: *mut c_int,
    pargv: *mut *mut *mut c_char,
) -> c_int {
    guard(c"SSL_CONF_cmd_argv", -1, || {
        let c = super::deref!(c"SSL_CONF_cmd_argv", cctx, -1);
        let argv = *super::deref!(c"SSL_CONF_cmd_argv", pargv, -1);
        if argv.is_null() {
            err::push(Reason::PASSED_NULL_PARAMETER, c"SSL_CONF_cmd_argv");
            return -1;
        }
        let argc = unsafe { pargc.as_ref() }.copied();
        if argc.is_some_and(|n| n <= 0) {
            return 0;
        }
        let arg = unsafe { *argv };
        let next = if argc == Some(1) {
            std::ptr::null_mut()
        } else {
            unsafe { *argv.add(1) }
        };
        c.flags = (c.flags & !flag::FILE) | flag::CMDLINE;
        let rv = unsafe { SSL_CONF_cmd(cctx, arg, next) };
        if rv > 0 {
            unsafe {
                *pargv = argv.add(rv as usize);
                if let Some(n) = pargc.as_mut() {
                    *n -= rv;
                }
            }
            return rv;
        }
        match rv {
            -2 => 0,
            0 => -1,
            r => r,
        }
    })
}
