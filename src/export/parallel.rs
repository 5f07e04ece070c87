//! `dump` on several threads, output in file order.
//!
//! Rendering JSON or CSV costs several times what reading the RDB costs, and
//! each key renders on its own. So the reading thread copies the selected
//! records it holds into batches of about a MiB, worker threads render each
//! batch with their own [`DumpWriter`], and the reading thread writes the
//! rendered batches in sequence. Memory stays flat: a few batches are in
//! flight at a time. What needs order or the reader's buffer stays on the
//! reading thread: the header, aux fields and functions, values too large
//! to hold (their elements stream as they are read), replayed (AOF) values,
//! and the `resp`/`cmd` formats, whose `SELECT` lines depend on the keys
//! before.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use super::{DumpFormat, DumpOptions, DumpWriter};
use crate::filter::KeyFilter;
use crate::inspect::{
    inspect_path_with, InspectError, InspectOptions, InspectSummary, KeyItem, KeyMeta, KeyVisitor,
};
use crate::progress::Progress;
use crate::rdb::elements::Element;
use crate::rdb::ObjectKind;

/// A batch is sent once its copies reach this size.
const BATCH_BYTES: usize = 1 << 20;

/// Values larger than this are rendered by the reading thread, which
/// writes their output as it comes (a worker would hold all of it).
const LARGE: usize = 4 << 20;

/// One record copied into a batch.
struct Held {
    meta: KeyMeta,
    key: Range<usize>,
    kind: ObjectKind,
    body: Range<usize>,
    body_offset: u64,
}

#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    items: Vec<Held>,
}

type Rendered = Result<Vec<u8>, InspectError>;

/// Writes the selected keys of `path` in `opts.format` to `out`, rendering
/// on `threads` worker threads (1 or less: on this one). Gives back the
/// summary and `out`, flushed.
pub fn dump_path<W: Write>(
    path: &Path,
    filter: &KeyFilter,
    opts: DumpOptions,
    out: W,
    progress: &dyn Progress,
    threads: usize,
) -> Result<(InspectSummary, W), InspectError> {
    dump_batched(path, filter, opts, out, progress, threads, BATCH_BYTES)
}

#[allow(clippy::too_many_arguments)]
fn dump_batched<W: Write>(
    path: &Path,
    filter: &KeyFilter,
    opts: DumpOptions,
    out: W,
    progress: &dyn Progress,
    threads: usize,
    batch_bytes: usize,
) -> Result<(InspectSummary, W), InspectError> {
    let mut main = DumpWriter::new(out, opts);
    let inspect = InspectOptions {
        values: main.value_need(),
    };
    let ordered = matches!(opts.format, DumpFormat::Resp | DumpFormat::Cmd);
    if threads <= 1 || ordered {
        let summary = inspect_path_with(path, filter, inspect, &mut main, progress)?;
        return Ok((summary, main.finish()?));
    }
    let (batch_tx, batch_rx) = sync_channel::<(u64, Batch)>(threads * 2);
    let batch_rx = Arc::new(Mutex::new(batch_rx));
    let (done_tx, done_rx) = sync_channel::<(u64, Rendered)>(threads * 2);
    std::thread::scope(|scope| {
        for n in 0..threads {
            let rx = Arc::clone(&batch_rx);
            let tx = done_tx.clone();
            std::thread::Builder::new()
                .name(format!("redfile-render-{n}"))
                .spawn_scoped(scope, move || render_batches(&rx, &tx, opts))
                .map_err(InspectError::Io)?;
        }
        drop(done_tx);
        let mut dump = Parallel {
            main,
            batch: Batch::default(),
            tx: Some(batch_tx),
            rx: done_rx,
            sent: 0,
            written: 0,
            ready: BTreeMap::new(),
            batch_bytes,
        };
        let summary = inspect_path_with(path, filter, inspect, &mut dump, progress);
        // Whatever happened, the workers must see the channel close.
        let drained = summary.and_then(|s| dump.sync().map(|()| s));
        dump.tx = None;
        let summary = drained?;
        Ok((summary, dump.main.finish()?))
    })
}

/// A worker: renders batches until the channel closes.
fn render_batches(
    rx: &Mutex<Receiver<(u64, Batch)>>,
    tx: &SyncSender<(u64, Rendered)>,
    opts: DumpOptions,
) {
    loop {
        let next = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((seq, batch)) = next else { return };
        let rendered = render(&batch, opts);
        if tx.send((seq, rendered)).is_err() {
            return;
        }
    }
}

fn render(batch: &Batch, opts: DumpOptions) -> Rendered {
    let mut w = DumpWriter::new(Vec::with_capacity(batch.bytes.len() * 2), opts);
    // The reading thread wrote the header; every key here follows another
    // (the first batch's leading comma is dropped there).
    w.started = true;
    w.keys_written = true;
    for h in &batch.items {
        let item = KeyItem::from_encoded(
            h.meta,
            &batch.bytes[h.key.clone()],
            h.kind,
            &batch.bytes[h.body.clone()],
            h.body_offset,
        );
        w.key(&item)?;
    }
    Ok(w.into_output())
}

/// The reading thread's visitor.
struct Parallel<W: Write> {
    main: DumpWriter<W>,
    batch: Batch,
    tx: Option<SyncSender<(u64, Batch)>>,
    rx: Receiver<(u64, Rendered)>,
    /// Batches sent.
    sent: u64,
    /// Batches written.
    written: u64,
    /// Rendered batches waiting for the ones before them.
    ready: BTreeMap<u64, Vec<u8>>,
    /// A batch is sent once its copies reach this size.
    batch_bytes: usize,
}

impl<W: Write> Parallel<W> {
    fn send(&mut self) -> Result<(), InspectError> {
        if self.batch.items.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let seq = self.sent;
        self.sent += 1;
        // Write what is rendered; when the queue is full, wait for a
        // result first (the results queue, just drained, then has room for
        // every worker, so the workers go on taking batches).
        self.take_ready(false)?;
        let tx = self.tx.as_ref().ok_or_else(worker_gone)?;
        match tx.try_send((seq, batch)) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full((_, batch))) => {
                self.take_ready(true)?;
                let tx = self.tx.as_ref().ok_or_else(worker_gone)?;
                tx.send((seq, batch)).map_err(|_| worker_gone())
            }
            Err(TrySendError::Disconnected(_)) => Err(worker_gone()),
        }
    }

    /// Writes the rendered batches that are next in order; with `block`,
    /// waits for at least one result first.
    fn take_ready(&mut self, block: bool) -> Result<(), InspectError> {
        if block && self.written < self.sent {
            let (seq, r) = self.rx.recv().map_err(|_| worker_gone())?;
            self.ready.insert(seq, r?);
        }
        while let Ok((seq, r)) = self.rx.try_recv() {
            self.ready.insert(seq, r?);
        }
        while let Some(bytes) = self.ready.remove(&self.written) {
            self.main.write_rendered(&bytes)?;
            self.written += 1;
        }
        Ok(())
    }

    /// Sends the current batch and writes every rendered batch: after
    /// this, the reading thread may write directly.
    fn sync(&mut self) -> Result<(), InspectError> {
        self.send()?;
        while self.written < self.sent {
            self.take_ready(true)?;
        }
        Ok(())
    }
}

fn worker_gone() -> InspectError {
    InspectError::Io(std::io::Error::other("a rendering thread stopped"))
}

impl<W: Write> KeyVisitor for Parallel<W> {
    fn aux(&mut self, key: &[u8], value: &[u8]) -> Result<(), InspectError> {
        self.main.aux(key, value)
    }

    fn function(&mut self, code: &[u8]) -> Result<(), InspectError> {
        self.sync()?;
        self.main.function(code)
    }

    fn key(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        // A replayed value has nothing to copy; a large one is written out
        // here as it renders rather than held whole by a worker.
        let held = item
            .encoded()
            .filter(|(_, body, _)| body.len() <= self.batch_bytes.max(LARGE));
        let Some((kind, body, body_offset)) = held else {
            self.sync()?;
            return self.main.key(item);
        };
        let b = &mut self.batch;
        let at = b.bytes.len();
        b.bytes.extend_from_slice(item.key);
        b.bytes.extend_from_slice(body);
        let key_end = at + item.key.len();
        b.items.push(Held {
            meta: item.meta(),
            key: at..key_end,
            kind,
            body: key_end..b.bytes.len(),
            body_offset,
        });
        if b.bytes.len() >= self.batch_bytes {
            self.send()?;
        }
        Ok(())
    }

    fn large_key_start(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        self.sync()?;
        self.main.large_key_start(item)
    }

    fn element(&mut self, e: Element<'_>) {
        self.main.element(e);
    }

    fn large_key_end(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        self.main.large_key_end(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    /// Every format, on every repo fixture, in tiny batches over three
    /// threads, gives exactly the single-threaded output.
    #[test]
    fn threads_give_the_sequential_output() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let mut files = Vec::new();
        for dir in ["rdb", "gen/rdb"] {
            for e in std::fs::read_dir(root.join(dir))
                .expect("fixture dir")
                .flatten()
            {
                if e.path().extension().is_some_and(|x| x == "rdb") {
                    files.push(e.path());
                }
            }
        }
        files.push(root.join("gen/aof/gen-hybrid.aof"));
        assert!(files.len() > 3);
        let filter = KeyFilter::default();
        for f in &files {
            if !f.exists() {
                continue;
            }
            for format in [DumpFormat::Json, DumpFormat::Jsonl, DumpFormat::Csv] {
                let opts = DumpOptions {
                    format,
                    redis_version: None,
                };
                let one = dump_batched(f, &filter, opts, Vec::new(), &NoProgress, 1, 1 << 20);
                let many = dump_batched(f, &filter, opts, Vec::new(), &NoProgress, 3, 64);
                let (one, many) = (one.expect("sequential").1, many.expect("threaded").1);
                assert!(one == many, "{} {format:?}", f.display());
                assert!(!one.is_empty());
            }
        }
    }
}
