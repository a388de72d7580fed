//! `SSL_get_client_random(3)`: the randoms of the hellos, as they were sent.
//! Until a hello has been sent or received its random reads as zeros, as
//! OpenSSL's does.

use libc::size_t;

use super::connection::SSL;
use super::{deref, guard};

/// OpenSSL's copy: `outlen` 0 asks for the size; otherwise as much as fits.
fn copy_out(random: [u8; 32], out: *mut u8, outlen: size_t) -> size_t {
    if outlen == 0 {
        return random.len();
    }
    if out.is_null() {
        return 0;
    }
    let n = outlen.min(random.len());
    unsafe { std::ptr::copy_nonoverlapping(random.as_ptr(), out, n) };
    n
}

#[export_name = "sslshim_SSL_get_client_random"]
pub unsafe extern "C" fn SSL_get_client_random(
    ssl: *const SSL,
    out: *mut u8,
    outlen: size_t,
) -> size_t {
    guard(c"SSL_get_client_random", 0, || {
        let ssl = deref!(c"SSL_get_client_random", ssl as *mut SSL, 0);
        copy_out(ssl.conn.client_random(), out, outlen)
    })
}

#[export_name = "sslshim_SSL_get_server_random"]
pub unsafe extern "C" fn SSL_get_server_random(
    ssl: *const SSL,
    out: *mut u8,
    outlen: size_t,
) -> size_t {
    guard(c"SSL_get_server_random", 0, || {
        let ssl = deref!(c"SSL_get_server_random", ssl as *mut SSL, 0);
        copy_out(ssl.conn.server_random(), out, outlen)
    })
}
