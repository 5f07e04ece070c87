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

/// A writer that tells a [`Progress`] how many bytes went through it
/// (about every MiB): the progress of writing an output file.
pub struct ProgressWrite<'p, W> {
    inner: W,
    progress: &'p dyn Progress,
    written: u64,
    reported: u64,
}

impl<'p, W> ProgressWrite<'p, W> {
    /// Wraps `inner`.
    pub fn new(inner: W, progress: &'p dyn Progress) -> Self {
        ProgressWrite {
            inner,
            progress,
            written: 0,
            reported: 0,
        }
    }

    /// Bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }
}

impl<W: std::io::Write> std::io::Write for ProgressWrite<'_, W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.written += n as u64;
        if self.written >= self.reported + (1 << 20) {
            self.reported = self.written;
            self.progress.at(self.written);
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}
