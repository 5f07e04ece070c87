//! Progress reports from long library operations.
//!
//! The library knows nothing of terminals: an operation that may take
//! seconds takes a `&dyn Progress` and tells it how far it got, in bytes of
//! input (or in the unit its `start` named). The command line draws a bar
//! from it on standard error when that is a terminal; tests and scripts
//! pass [`NoProgress`].

/// Receives progress from a long operation.
pub trait Progress {
    /// A phase begins: `what` is shown to the user (`"reading dump.rdb"`),
    /// `total` is the amount of work when known (bytes, unless said).
    fn start(&self, _what: &str, _total: Option<u64>) {}
    /// The work done in the current phase so far (absolute, not a delta).
    fn at(&self, _done: u64) {}
    /// The current phase ended.
    fn finish(&self) {}
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
