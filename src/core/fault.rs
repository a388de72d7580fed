//! Named points where a test build (feature `fault-injection`) can make the
//! core panic, so that tests see what a bug would do at the C boundary. In
//! any other build `point` is empty and compiles away.

/// Panics when the `SSLSHIM_FAULT` environment variable names this point.
#[inline(always)]
pub fn point(_name: &str) {
    #[cfg(feature = "fault-injection")]
    if std::env::var("SSLSHIM_FAULT").is_ok_and(|v| v == _name) {
        panic!("fault injected at {_name}");
    }
}
