//! `SSL_CTX_set_verify(3)`, `SSL_CTX_load_verify_locations(3)`,
//! `SSL_set1_host(3)`, `SSL_get_verify_result(3)`.

use std::ffi::CStr;
use std::path::PathBuf;

use libc::{c_char, c_int, c_long};

use super::connection::SSL;
use super::context::{VerifyCallback, SSL_CTX};
use super::{deref, guard, opt_cstr};
use crate::bridge::x509;

#[export_name = "sslshim_SSL_CTX_set_verify"]
pub unsafe extern "C" fn SSL_CTX_set_verify(ctx: *mut SSL_CTX, mode: c_int, cb: VerifyCallback) {
    guard(c"SSL_CTX_set_verify", (), || {
        let ctx = deref!(c"SSL_CTX_set_verify", ctx);
        if cb.is_some() {
            super::ignored("the verify callback of SSL_CTX_set_verify");
        }
        let mut c = ctx.lock();
        c.core.set_verify(mode);
        c.verify_callback = cb;
    })
}

#[export_name = "sslshim_SSL_set_verify"]
pub unsafe extern "C" fn SSL_set_verify(s: *mut SSL, mode: c_int, cb: VerifyCallback) {
    guard(c"SSL_set_verify", (), || {
        let ssl = deref!(c"SSL_set_verify", s);
        if cb.is_some() {
            super::ignored("the verify callback of SSL_set_verify");
        }
        ssl.conn.settings.verify_mode = mode;
    })
}

#[export_name = "sslshim_SSL_CTX_get_verify_mode"]
pub unsafe extern "C" fn SSL_CTX_get_verify_mode(ctx: *const SSL_CTX) -> c_int {
    guard(c"SSL_CTX_get_verify_mode", 0, || {
        deref!(c"SSL_CTX_get_verify_mode", ctx as *mut SSL_CTX, 0)
            .lock()
            .core
            .verify_mode
    })
}

#[export_name = "sslshim_SSL_get_verify_mode"]
pub unsafe extern "C" fn SSL_get_verify_mode(s: *const SSL) -> c_int {
    guard(c"SSL_get_verify_mode", 0, || {
        deref!(c"SSL_get_verify_mode", s as *mut SSL, 0)
            .conn
            .settings
            .verify_mode
    })
}

#[export_name = "sslshim_SSL_CTX_set_verify_depth"]
pub unsafe extern "C" fn SSL_CTX_set_verify_depth(ctx: *mut SSL_CTX, depth: c_int) {
    guard(c"SSL_CTX_set_verify_depth", (), || {
        deref!(c"SSL_CTX_set_verify_depth", ctx)
            .lock()
            .core
            .verify_depth = depth;
    })
}

#[export_name = "sslshim_SSL_get_verify_result"]
pub unsafe extern "C" fn SSL_get_verify_result(s: *const SSL) -> c_long {
    guard(c"SSL_get_verify_result", 0, || {
        deref!(c"SSL_get_verify_result", s as *mut SSL, 0)
            .conn
            .verify_result() as c_long
    })
}

#[export_name = "sslshim_SSL_set_verify_result"]
pub unsafe extern "C" fn SSL_set_verify_result(s: *mut SSL, v: c_long) {
    guard(c"SSL_set_verify_result", (), || {
        deref!(c"SSL_set_verify_result", s)
            .conn
            .set_verify_result(v);
    })
}

#[export_name = "sslshim_SSL_set1_host"]
pub unsafe extern "C" fn SSL_set1_host(s: *mut SSL, hostname: *const c_char) -> c_int {
    guard(c"SSL_set1_host", 0, || {
        let ssl = deref!(c"SSL_set1_host", s, 0);
        let host = unsafe { opt_cstr(hostname) }.map(|h| h.to_string_lossy().into_owned());
        ssl.conn.settings.verify_host = host.filter(|h| !h.is_empty());
        1
    })
}

#[export_name = "sslshim_SSL_CTX_load_verify_file"]
pub unsafe extern "C" fn SSL_CTX_load_verify_file(ctx: *mut SSL_CTX, file: *const c_char) -> c_int {
    guard(c"SSL_CTX_load_verify_file", 0, || {
        let ctx = deref!(c"SSL_CTX_load_verify_file", ctx, 0);
        let Some(file) = (unsafe { opt_cstr(file) }) else {
            return 0;
        };
        c_int::from(ctx.lock().store.load_file(file))
    })
}

fn add_dir(ctx: &SSL_CTX, dir: &CStr) -> bool {
    let mut c = ctx.lock();
    if !c.store.load_path(dir) {
        return false;
    }
    c.ca_dirs
        .push(PathBuf::from(dir.to_string_lossy().into_owned()));
    c.roots_changed();
    true
}

#[export_name = "sslshim_SSL_CTX_load_verify_dir"]
pub unsafe extern "C" fn SSL_CTX_load_verify_dir(ctx: *mut SSL_CTX, dir: *const c_char) -> c_int {
    guard(c"SSL_CTX_load_verify_dir", 0, || {
        let ctx = deref!(c"SSL_CTX_load_verify_dir", ctx, 0);
        let Some(dir) = (unsafe { opt_cstr(dir) }) else {
            return 0;
        };
        c_int::from(add_dir(ctx, dir))
    })
}

#[export_name = "sslshim_SSL_CTX_load_verify_locations"]
pub unsafe extern "C" fn SSL_CTX_load_verify_locations(
    ctx: *mut SSL_CTX,
    file: *const c_char,
    dir: *const c_char,
) -> c_int {
    guard(c"SSL_CTX_load_verify_locations", 0, || {
        let ctx = deref!(c"SSL_CTX_load_verify_locations", ctx, 0);
        let (file, dir) = unsafe { (opt_cstr(file), opt_cstr(dir)) };
        if file.is_none() && dir.is_none() {
            return 0;
        }
        if let Some(f) = file {
            if !ctx.lock().store.load_file(f) {
                return 0;
            }
        }
        if let Some(d) = dir {
            if !add_dir(ctx, d) {
                return 0;
            }
        }
        1
    })
}

#[export_name = "sslshim_SSL_CTX_set_default_verify_paths"]
pub unsafe extern "C" fn SSL_CTX_set_default_verify_paths(ctx: *mut SSL_CTX) -> c_int {
    guard(c"SSL_CTX_set_default_verify_paths", 0, || {
        let ctx = deref!(c"SSL_CTX_set_default_verify_paths", ctx, 0);
        let (file, dir) = x509::default_paths();
        // As X509_STORE_set_default_paths: a missing default file or directory
        // is not an error.
        crate::bridge::err::quietly(|| ctx.lock().store.load_file(&file).then_some(()));
        crate::bridge::err::quietly(|| add_dir(ctx, &dir).then_some(()));
        1
    })
}
