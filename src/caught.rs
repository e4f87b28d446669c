//! Panics inside the dependencies that read files from other hands (calamine for
//! `.xls` workbooks, polars for Parquet logs), turned into failures of the file.
//!
//! The binary's panic hook reports any other panic as an internal error and exits.
//! A reader that calls such a dependency wraps the call in [`catching`]: the hook then
//! stays silent for a panic on that thread, and the caller reports the file instead.

use std::cell::Cell;

thread_local! {
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Whether a panic on this thread is being caught by [`catching`] (the binary's panic
/// hook then leaves it to the caller, to report as a failure of the file).
pub fn panic_is_caught() -> bool {
    CATCHING.with(Cell::get)
}

/// Runs `f`; a panic inside it comes back as its message.
pub fn catching<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = CATCHING.with(|c| c.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(was));
    r.map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into())
    })
}
