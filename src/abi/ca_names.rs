//! `SSL_CTX_set_client_CA_list(3)`, `SSL_load_client_CA_file(3)`,
//! `SSL_add_file_cert_subjects_to_stack`: the CA names a server sends in its
//! CertificateRequest, so that a client can pick a certificate.

use libc::{c_char, c_int};
use openssl_sys::{stack_st_X509_NAME, OPENSSL_STACK, OSSL_LIB_CTX, X509};

use super::connection::SSL;
use super::context::SSL_CTX;
use super::{deref, guard, opt_cstr};
use crate::bridge::err;
use crate::bridge::names::{self, NameStack};
use crate::core::error::Reason;

/// `ERR_R_SYS_LIB`, as libssl adds it after a failed system call.
const ERR_R_SYS_LIB: Reason = Reason(2 | (0x2 << 18));

fn ptr_of(list: &Option<NameStack>) -> *mut stack_st_X509_NAME {
    list.as_ref().map_or(std::ptr::null_mut(), |l| {
        l.as_ptr() as *mut stack_st_X509_NAME
    })
}

#[export_name = "sslshim_SSL_CTX_set_client_CA_list"]
pub unsafe extern "C" fn SSL_CTX_set_client_CA_list(
    ctx: *mut SSL_CTX,
    name_list: *mut stack_st_X509_NAME,
) {
    guard(c"SSL_CTX_set_client_CA_list", (), || {
        let ctx = deref!(c"SSL_CTX_set_client_CA_list", ctx);
        ctx.lock().client_ca = unsafe { NameStack::adopt(name_list as *mut OPENSSL_STACK) };
    })
}

/// The context's own stack, which the application may change in place; the
/// names are read again for each configuration built.
#[export_name = "sslshim_SSL_CTX_get_client_CA_list"]
pub unsafe extern "C" fn SSL_CTX_get_client_CA_list(
    ctx: *const SSL_CTX,
) -> *mut stack_st_X509_NAME {
    guard(c"SSL_CTX_get_client_CA_list", std::ptr::null_mut(), || {
        let ctx = deref!(
            c"SSL_CTX_get_client_CA_list",
            ctx as *mut SSL_CTX,
            std::ptr::null_mut()
        );
        ptr_of(&ctx.lock().client_ca)
    })
}

#[export_name = "sslshim_SSL_set_client_CA_list"]
pub unsafe extern "C" fn SSL_set_client_CA_list(s: *mut SSL, name_list: *mut stack_st_X509_NAME) {
    guard(c"SSL_set_client_CA_list", (), || {
        let ssl = deref!(c"SSL_set_client_CA_list", s);
        ssl.client_ca = unsafe { NameStack::adopt(name_list as *mut OPENSSL_STACK) };
    })
}

/// The CA names of the server's CertificateRequest, kept by the `SSL`;
/// NULL before one came.
fn peer_names(ssl: &mut SSL) -> *mut stack_st_X509_NAME {
    if ssl.peer_ca.is_none() {
        // TLS 1.2 always carries a list, perhaps empty; TLS 1.3 names CAs
        // in an extension, and without one OpenSSL has no list.
        let tls13 = ssl.conn.version() == Some(crate::core::context::TLS1_3_VERSION);
        ssl.peer_ca = ssl
            .conn
            .peer_ca_names()
            .filter(|n| !(tls13 && n.is_empty()))
            .and_then(|n| NameStack::from_der(&n));
    }
    ptr_of(&ssl.peer_ca)
}

/// A server's own list, else its context's; on a client, the names the
/// server asked for.
#[export_name = "sslshim_SSL_get_client_CA_list"]
pub unsafe extern "C" fn SSL_get_client_CA_list(s: *const SSL) -> *mut stack_st_X509_NAME {
    guard(c"SSL_get_client_CA_list", std::ptr::null_mut(), || {
        let ssl = deref!(
            c"SSL_get_client_CA_list",
            s as *mut SSL,
            std::ptr::null_mut()
        );
        if !ssl.conn.is_server() {
            return peer_names(ssl);
        }
        if ssl.client_ca.is_some() {
            return ptr_of(&ssl.client_ca);
        }
        ptr_of(&ssl.ctx.lock().client_ca)
    })
}

/// Adds the certificate's subject to `list`, made if there is none.
fn add_ca(list: &mut Option<NameStack>, x: *mut X509) -> c_int {
    if x.is_null() {
        return 0;
    }
    if list.is_none() {
        *list = NameStack::new();
    }
    let Some(l) = list.as_ref() else {
        return 0;
    };
    c_int::from(unsafe { l.push_subject(x) })
}

#[export_name = "sslshim_SSL_CTX_add_client_CA"]
pub unsafe extern "C" fn SSL_CTX_add_client_CA(ctx: *mut SSL_CTX, x: *mut X509) -> c_int {
    guard(c"SSL_CTX_add_client_CA", 0, || {
        let ctx = deref!(c"SSL_CTX_add_client_CA", ctx, 0);
        add_ca(&mut ctx.lock().client_ca, x)
    })
}

#[export_name = "sslshim_SSL_add_client_CA"]
pub unsafe extern "C" fn SSL_add_client_CA(s: *mut SSL, x: *mut X509) -> c_int {
    guard(c"SSL_add_client_CA", 0, || {
        let ssl = deref!(c"SSL_add_client_CA", s, 0);
        add_ca(&mut ssl.client_ca, x)
    })
}

#[export_name = "sslshim_SSL_load_client_CA_file"]
pub unsafe extern "C" fn SSL_load_client_CA_file(file: *const c_char) -> *mut stack_st_X509_NAME {
    guard(
        c"SSL_load_client_CA_file",
        std::ptr::null_mut(),
        || unsafe { names::load_file(file) as *mut stack_st_X509_NAME },
    )
}

/// The library context and property query only choose providers, and
/// certificates parse the same under any.
#[export_name = "sslshim_SSL_load_client_CA_file_ex"]
pub unsafe extern "C" fn SSL_load_client_CA_file_ex(
    file: *const c_char,
    _libctx: *mut OSSL_LIB_CTX,
    _propq: *const c_char,
) -> *mut stack_st_X509_NAME {
    guard(
        c"SSL_load_client_CA_file_ex",
        std::ptr::null_mut(),
        || unsafe { names::load_file(file) as *mut stack_st_X509_NAME },
    )
}

#[export_name = "sslshim_SSL_add_file_cert_subjects_to_stack"]
pub unsafe extern "C" fn SSL_add_file_cert_subjects_to_stack(
    stack: *mut stack_st_X509_NAME,
    file: *const c_char,
) -> c_int {
    guard(c"SSL_add_file_cert_subjects_to_stack", 0, || {
        if stack.is_null() {
            err::push(
                Reason::PASSED_NULL_PARAMETER,
                c"SSL_add_file_cert_subjects_to_stack",
            );
            return 0;
        }
        unsafe { names::add_file(stack as *mut OPENSSL_STACK, file) }
    })
}

#[export_name = "sslshim_SSL_add_dir_cert_subjects_to_stack"]
pub unsafe extern "C" fn SSL_add_dir_cert_subjects_to_stack(
    stack: *mut stack_st_X509_NAME,
    dir: *const c_char,
) -> c_int {
    const FUNC: &std::ffi::CStr = c"SSL_add_dir_cert_subjects_to_stack";
    guard(FUNC, 0, || {
        let (false, Some(d)) = (stack.is_null(), unsafe { opt_cstr(dir) }) else {
            err::push(Reason::PASSED_NULL_PARAMETER, FUNC);
            return 0;
        };
        match unsafe { names::add_dir(stack as *mut OPENSSL_STACK, d) } {
            Ok(()) => 1,
            Err(0) => 0,
            Err(errno) => {
                let call =
                    std::ffi::CString::new(format!("OPENSSL_dir_read({})", d.to_string_lossy()))
                        .unwrap_or_default();
                err::push_sys(errno, FUNC, &call);
                err::push(ERR_R_SYS_LIB, FUNC);
                0
            }
        }
    })
}

#[export_name = "sslshim_SSL_dup_CA_list"]
pub unsafe extern "C" fn SSL_dup_CA_list(sk: *const stack_st_X509_NAME) -> *mut stack_st_X509_NAME {
    guard(c"SSL_dup_CA_list", std::ptr::null_mut(), || unsafe {
        names::dup_list(sk as *const OPENSSL_STACK) as *mut stack_st_X509_NAME
    })
}

/// `SSL_CTX_set0_CA_list`: the names a server sends in its
/// CertificateRequest when its client CA list is empty (a client's would go
/// in a certificate_authorities extension, which rustls does not send).
#[export_name = "sslshim_SSL_CTX_set0_CA_list"]
pub unsafe extern "C" fn SSL_CTX_set0_CA_list(
    ctx: *mut SSL_CTX,
    name_list: *mut stack_st_X509_NAME,
) {
    guard(c"SSL_CTX_set0_CA_list", (), || {
        let ctx = deref!(c"SSL_CTX_set0_CA_list", ctx);
        ctx.lock().ca_list = unsafe { NameStack::adopt(name_list as *mut OPENSSL_STACK) };
    })
}

#[export_name = "sslshim_SSL_CTX_get0_CA_list"]
pub unsafe extern "C" fn SSL_CTX_get0_CA_list(ctx: *const SSL_CTX) -> *const stack_st_X509_NAME {
    guard(c"SSL_CTX_get0_CA_list", std::ptr::null(), || {
        let ctx = deref!(
            c"SSL_CTX_get0_CA_list",
            ctx as *mut SSL_CTX,
            std::ptr::null()
        );
        ptr_of(&ctx.lock().ca_list)
    })
}

#[export_name = "sslshim_SSL_CTX_add1_to_CA_list"]
pub unsafe extern "C" fn SSL_CTX_add1_to_CA_list(ctx: *mut SSL_CTX, x: *const X509) -> c_int {
    guard(c"SSL_CTX_add1_to_CA_list", 0, || {
        let ctx = deref!(c"SSL_CTX_add1_to_CA_list", ctx, 0);
        add_ca(&mut ctx.lock().ca_list, x as *mut X509)
    })
}

#[export_name = "sslshim_SSL_set0_CA_list"]
pub unsafe extern "C" fn SSL_set0_CA_list(s: *mut SSL, name_list: *mut stack_st_X509_NAME) {
    guard(c"SSL_set0_CA_list", (), || {
        let ssl = deref!(c"SSL_set0_CA_list", s);
        ssl.ca_list = unsafe { NameStack::adopt(name_list as *mut OPENSSL_STACK) };
    })
}

/// The connection's own list, else its context's.
#[export_name = "sslshim_SSL_get0_CA_list"]
pub unsafe extern "C" fn SSL_get0_CA_list(s: *const SSL) -> *const stack_st_X509_NAME {
    guard(c"SSL_get0_CA_list", std::ptr::null(), || {
        let ssl = deref!(c"SSL_get0_CA_list", s as *mut SSL, std::ptr::null());
        if ssl.ca_list.is_some() {
            return ptr_of(&ssl.ca_list);
        }
        ptr_of(&ssl.ctx.lock().ca_list)
    })
}

#[export_name = "sslshim_SSL_add1_to_CA_list"]
pub unsafe extern "C" fn SSL_add1_to_CA_list(s: *mut SSL, x: *const X509) -> c_int {
    guard(c"SSL_add1_to_CA_list", 0, || {
        let ssl = deref!(c"SSL_add1_to_CA_list", s, 0);
        add_ca(&mut ssl.ca_list, x as *mut X509)
    })
}

/// The names the peer sent: on a client, the server's CertificateRequest's;
/// a server never sees any (rustls hands over no certificate_authorities
/// extension of a ClientHello), NULL as when none were sent.
#[export_name = "sslshim_SSL_get0_peer_CA_list"]
pub unsafe extern "C" fn SSL_get0_peer_CA_list(s: *const SSL) -> *const stack_st_X509_NAME {
    guard(c"SSL_get0_peer_CA_list", std::ptr::null(), || {
        let ssl = deref!(c"SSL_get0_peer_CA_list", s as *mut SSL, std::ptr::null());
        if ssl.conn.is_server() {
            return std::ptr::null();
        }
        peer_names(ssl)
    })
}
