//! Materializing a whole RDB file as a [`Dataset`]: for comparisons,
//! conversions and tests. Streaming consumers use the reader directly.

use std::io::Read;

use crate::model::{Dataset, Entry, ModuleAuxData};
use crate::progress::{NoProgress, Progress};
use crate::rdb::encoding::Depth;
use crate::rdb::object::decode_value;
use crate::rdb::{RdbError, RdbErrorKind, RdbReader, Record};

/// Reads every record of an RDB into memory, decoding every value.
pub fn read_rdb_dataset<R: Read>(reader: RdbReader<R>) -> Result<Dataset, RdbError> {
    read_rdb_dataset_until_end(reader).map(|(ds, _)| ds)
}

/// Like [`read_rdb_dataset`], also returning the offset just after the
/// RDB's trailer (where the AOF tail of a preamble file starts).
pub fn read_rdb_dataset_until_end<R: Read>(
    reader: RdbReader<R>,
) -> Result<(Dataset, u64), RdbError> {
    read_rdb_dataset_with(reader, &NoProgress)
}

/// [`read_rdb_dataset_until_end`], telling `progress` the offset reached
/// (about every MiB).
pub fn read_rdb_dataset_with<R: Read>(
    mut reader: RdbReader<R>,
    progress: &dyn Progress,
) -> Result<(Dataset, u64), RdbError> {
    let mut ds = Dataset::default();
    let mut reported = 0u64;
    while let Some(l) = reader.next_record()? {
        let offset = l.offset;
        if offset >= reported + (1 << 20) {
            progress.at(offset);
            reported = offset;
        }
        let bytes = |s: crate::rdb::RdbStr<'_>| {
            s.to_bytes()
                .map(|b| b.into_owned())
                .map_err(|k| RdbError::new(offset, k))
        };
        match l.record {
            Record::Aux { key, value } => ds.aux.push((bytes(key)?, bytes(value)?)),
            Record::Function { code } => ds.functions.push(bytes(code)?),
            Record::ModuleAux {
                module_id,
                when,
                body,
            } => ds.module_aux.push(ModuleAuxData {
                module_id,
                when,
                raw: body.to_vec(),
            }),
            Record::SelectDb { db } => {
                ds.dbs.entry(db).or_default();
            }
            Record::Key(k) => {
                let value = decode_value(k.kind, k.body, Depth::Header)
                    .map_err(|e| RdbError::new(k.body_offset + e.offset as u64, e.kind))?;
                let entry = Entry {
                    key: bytes(k.key)?,
                    value,
                    expire_ms: k.expire.map(|e| e.ms),
                    idle: k.idle,
                    freq: k.freq,
                };
                ds.dbs.entry(k.db).or_default().entries.push(entry);
            }
            Record::End { .. } => break,
            _ => {}
        }
    }
    if reader.offset() == 0 {
        return Err(RdbError::new(
            0,
            RdbErrorKind::Invalid("empty input".into()),
        ));
    }
    Ok((ds, reader.offset()))
}
