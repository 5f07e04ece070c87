//! A database's keys encoded on several threads, written in order.
//!
//! Encoding values (listpacks, LZF) costs far more than writing and
//! checksumming the bytes, and each key encodes on its own. So the keys are
//! cut into fixed batches, worker `t` of `n` encodes batches `t`, `t + n`,
//! ... into whole records, and the calling thread writes the batches in
//! sequence: the bytes are those [`RdbWriter::write_entry`] writes key by
//! key. Memory stays flat: each worker holds at most a few batches ahead.

use std::io::Write;
use std::sync::mpsc::sync_channel;

use super::{encode_entry, RdbWriteError, RdbWriter};
use crate::model::Entry;

/// Keys per batch: enough that a batch costs far more than passing it.
const BATCH_KEYS: usize = 512;

/// Batches a worker may have encoded and not yet handed over.
const AHEAD: usize = 2;

/// At most this many encoding threads, however many cores there are.
const MAX_ENCODERS: usize = 4;

/// How many threads encode: one per core, capped.
pub(super) fn encoders() -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(MAX_ENCODERS)
}

/// Writes the records of `entries` (database `db`, already selected) on
/// `threads` encoding threads (1 or less: on this one).
pub(super) fn write_entries<W: Write>(
    w: &mut RdbWriter<W>,
    db: u64,
    entries: &[Entry],
    threads: usize,
) -> Result<(), RdbWriteError> {
    write_batched(w, db, entries, threads, BATCH_KEYS)
}

/// A batch's records, and the error that stopped it early (its bytes hold
/// the records before the failing key, as a key-by-key write would).
type Encoded = (Vec<u8>, Result<(), RdbWriteError>);

fn write_batched<W: Write>(
    w: &mut RdbWriter<W>,
    db: u64,
    entries: &[Entry],
    threads: usize,
    batch: usize,
) -> Result<(), RdbWriteError> {
    if threads <= 1 || entries.len() <= batch {
        for e in entries {
            w.write_entry(e)?;
        }
        return Ok(());
    }
    let opts = w.opts.clone();
    let batches = entries.len().div_ceil(batch);
    std::thread::scope(|s| {
        let mut rxs = Vec::with_capacity(threads);
        for t in 0..threads {
            let (tx, rx) = sync_channel::<Encoded>(AHEAD);
            rxs.push(rx);
            let opts = &opts;
            s.spawn(move || {
                for chunk in entries.chunks(batch).skip(t).step_by(threads) {
                    let mut bytes = Vec::new();
                    let r = chunk
                        .iter()
                        .try_for_each(|e| encode_entry(e, db, opts, &mut bytes));
                    let failed = r.is_err();
                    // The writer stops reading at an error: so does this.
                    if tx.send((bytes, r)).is_err() || failed {
                        break;
                    }
                }
            });
        }
        for i in 0..batches {
            // A worker gone without its batch has panicked: the scope
            // passes the panic on when it joins.
            let Ok((bytes, r)) = rxs[i % threads].recv() else {
                break;
            };
            w.write_encoded(&bytes)?;
            r?;
        }
        Ok(())
        // Returning drops the receivers: workers still encoding stop at
        // their next send.
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{HashField, Value};
    use crate::rdb::writer::WriteOptions;

    fn entries(n: usize) -> Vec<Entry> {
        (0..n)
            .map(|i| {
                let key = format!("key:{i:05}").into_bytes();
                let value = match i % 4 {
                    0 => Value::String(vec![b'a' + (i % 26) as u8; i % 300]),
                    1 => Value::List((0..i % 40).map(|j| j.to_string().into_bytes()).collect()),
                    2 => Value::Set((0..i % 30).map(|j| format!("m{j}").into_bytes()).collect()),
                    _ => Value::Hash(
                        (0..i % 20)
                            .map(|j| HashField {
                                field: format!("f{j}").into_bytes(),
                                value: vec![b'v'; j * 7],
                                expire_ms: None,
                            })
                            .collect(),
                    ),
                };
                Entry {
                    key,
                    value,
                    expire_ms: (i % 3 == 0).then_some(1_700_000_000_000 + i as i64),
                    idle: None,
                    freq: None,
                }
            })
            .collect()
    }

    fn written(entries: &[Entry], threads: usize, batch: usize) -> Vec<u8> {
        let mut w = RdbWriter::new(Vec::new(), WriteOptions::for_version(11)).expect("header");
        w.select_db(0, entries.len() as u64, 0).expect("select");
        write_batched(&mut w, 0, entries, threads, batch).expect("entries");
        w.finish().expect("finish")
    }

    #[test]
    fn batches_on_threads_write_the_bytes_of_a_key_by_key_write() {
        let es = entries(1000);
        let one = written(&es, 1, 7);
        for (threads, batch) in [(2, 7), (3, 1), (4, 64), (2, 999)] {
            assert!(
                one == written(&es, threads, batch),
                "{threads} threads, batches of {batch}"
            );
        }
    }

    #[test]
    fn an_invalid_value_stops_the_write_naming_its_key() {
        let mut es = entries(100);
        es[57].value = Value::SortedSet(vec![(b"m".to_vec(), f64::NAN)]);
        let mut w = RdbWriter::new(Vec::new(), WriteOptions::for_version(11)).expect("header");
        w.select_db(3, 100, 0).expect("select");
        let err = write_batched(&mut w, 3, &es, 2, 5).expect_err("NaN score");
        match err {
            RdbWriteError::Value { db, key, .. } => {
                assert_eq!((db, key.as_slice()), (3, &b"key:00057"[..]));
            }
            other => panic!("unexpected error {other}"),
        }
    }
}
