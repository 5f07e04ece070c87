//! `DEBUG DIGEST` straight from an RDB: what a server reports after loading
//! the file, computed one record at a time in flat memory.

use std::collections::BTreeMap;
use std::io::Read;

use super::{mix_digest, xor_digest, Digest, DigestError, DigestOptions, ZERO};
use crate::model::Entry;
use crate::rdb::encoding::Depth;
use crate::rdb::object::decode_value;
use crate::rdb::{ObjectKind, RdbError, RdbReader, Record};

/// Why an RDB digest could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum RdbDigestError {
    /// The file could not be read.
    #[error(transparent)]
    Rdb(#[from] RdbError),
    /// A value's digest needs what the file does not hold.
    #[error(transparent)]
    Digest(#[from] DigestError),
}

/// `DEBUG DIGEST` of a server that has loaded this RDB.
///
/// Mirrors the load: a sorted set stored as a skiplist (`ZSET`, `ZSET_2`)
/// that fits [`DigestOptions::zset_listpack_limits`] becomes a listpack on
/// 7.0+, so its `-0` scores hash as `0`; ziplist and listpack sorted sets
/// keep their scores as stored. Empty collections and, with
/// [`DigestOptions::drop_expired_before_ms`], past-TTL keys are skipped.
/// Module values and arrays are refused ([`DigestError`]): their digest
/// cannot be computed without the module.
pub fn rdb_digest<R: Read>(
    reader: RdbReader<R>,
    opts: &DigestOptions,
) -> Result<Digest, RdbDigestError> {
    rdb_digest_per_key(reader, opts, |_, _, _| {})
}

/// Like [`rdb_digest`], also calling `on_key(db, key, digest)` with each
/// key's `DEBUG DIGEST-VALUE`, in file order.
pub fn rdb_digest_per_key<R: Read>(
    mut reader: RdbReader<R>,
    opts: &DigestOptions,
    mut on_key: impl FnMut(u64, &[u8], &Digest),
) -> Result<Digest, RdbDigestError> {
    // Per DB, the xor of SHA1(key digest): key order does not matter, and
    // the DB's mix is applied at the end in ascending DB order.
    let mut acc: BTreeMap<u64, Digest> = BTreeMap::new();
    while let Some(l) = reader.next_record()? {
        let offset = l.offset;
        match l.record {
            Record::Key(k) => {
                let value = decode_value(k.kind, k.body, Depth::Header)
                    .map_err(|e| RdbError::new(k.body_offset + e.offset as u64, e.kind))?;
                let key = k
                    .key
                    .to_bytes()
                    .map_err(|kind| RdbError::new(offset, kind))?
                    .into_owned();
                let entry = Entry {
                    key,
                    value,
                    expire_ms: k.expire.map(|e| e.ms),
                    idle: None,
                    freq: None,
                };
                if !opts.keeps(&entry) {
                    continue;
                }
                let skiplist = matches!(k.kind, ObjectKind::ZsetV1 | ObjectKind::ZsetV2);
                let mut value = ZERO;
                opts.object_digest(&mut value, k.db, &entry, skiplist, true)?;
                on_key(k.db, &entry.key, &value);
                let mut d = ZERO;
                mix_digest(&mut d, &entry.key);
                opts.object_digest(&mut d, k.db, &entry, skiplist, true)?;
                xor_digest(acc.entry(k.db).or_insert(ZERO), &d);
            }
            Record::End { .. } => break,
            _ => {}
        }
    }
    let mut f = ZERO;
    for (db, keys) in acc {
        mix_digest(&mut f, &(db as u32).to_be_bytes());
        for (a, b) in f.iter_mut().zip(keys.iter()) {
            *a ^= b;
        }
    }
    Ok(f)
}
