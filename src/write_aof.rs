//! Writing a [`Dataset`] as an AOF in each layout a server loads (spec
//! `aof-format.md` §7–§9, §12):
//!
//! | layout | function | what Redis writes it |
//! |---|---|---|
//! | plain RESP file | [`write_resp_aof`] | `BGREWRITEAOF` with `aof-use-rdb-preamble no` (≤ 6.2 single file, 7.x `.base.aof`) |
//! | RDB preamble + RESP tail | [`write_hybrid_aof`] | 4.0–6.2 single file with `aof-use-rdb-preamble yes` |
//! | multi-part directory | [`write_multipart_aof`] | 7.0+ after a rewrite: `appendonlydir/` with BASE, INCR, manifest |
//!
//! This is the operations layer: the RDB part comes from [`crate::rdb`],
//! the commands from [`crate::aof::rewrite`], the directory from
//! [`crate::aof::multipart`] (the `aof` module itself never touches RDB
//! bytes, DESIGN layering).
//!
//! An RDB preamble carries the AUX fields a server writes into one
//! (`rdb.c: rdbSaveInfoAuxFields` with `RDBFLAGS_AOF_PREAMBLE`):
//! `redis-ver`, `redis-bits`, `ctime`, `used-mem`, then `aof-base = 1`
//! (RDB 10+, Redis 7) or `aof-preamble = 1` (RDB 9, Redis 4.0–6.2); see
//! [`preamble_write_options`].

use std::io::Write;
use std::path::Path;

use crate::aof::multipart::{
    write_multipart, AofNames, BaseKind, MultiPartError, MultiPartWritten,
};
use crate::aof::rewrite::{
    rewrite_issues, write_rewrite, RedisVersion, RewriteError, RewriteOptions, RewriteSummary,
};
use crate::aof::writer::write_command;
use crate::model::Dataset;
use crate::rdb::writer::AuxFields;
use crate::rdb::{write_dataset, RdbWriteError, WriteOptions};

/// Why an AOF was not written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AofWriteError {
    /// The RDB part failed.
    #[error(transparent)]
    Rdb(#[from] RdbWriteError),
    /// The commands failed (or cannot express the dataset).
    #[error(transparent)]
    Rewrite(#[from] RewriteError),
    /// The directory could not be written.
    #[error(transparent)]
    MultiPart(#[from] MultiPartError),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// The RDB version a server of `version` writes (RDB 9 for anything
/// before 7.0).
pub fn rdb_version_for(version: RedisVersion) -> u32 {
    match (version.major, version.minor) {
        (0..=6, _) => 9,
        (7, 0 | 1) => 10,
        (7, 2 | 3) => 11,
        (7, _) | (8, 0..=5) => 12,
        (8, 6 | 7) => 13,
        _ => 14,
    }
}

/// The `redis-ver` a server writing `rdb_version` reports (the same
/// releases the RDB writer's standard AUX fields name).
fn redis_ver_for_rdb(rdb_version: u32) -> &'static str {
    match rdb_version {
        0..=9 => "6.2.14",
        10 => "7.0.15",
        11 => "7.2.4",
        12 => "7.4.2",
        13 => "8.6.0",
        _ => "8.8.0",
    }
}

/// The AUX fields of an AOF preamble / RDB BASE of `rdb_version`, saved at
/// `ctime` (Unix seconds).
pub fn preamble_aux(rdb_version: u32, ctime: i64) -> Vec<(Vec<u8>, Vec<u8>)> {
    let marker: &[u8] = if rdb_version >= 10 {
        b"aof-base"
    } else {
        b"aof-preamble"
    };
    vec![
        (b"redis-ver".to_vec(), redis_ver_for_rdb(rdb_version).into()),
        (b"redis-bits".to_vec(), b"64".to_vec()),
        (b"ctime".to_vec(), ctime.to_string().into_bytes()),
        (b"used-mem".to_vec(), b"0".to_vec()),
        (marker.to_vec(), b"1".to_vec()),
    ]
}

/// RDB options for a preamble: the defaults of `rdb_version` with the
/// [`preamble_aux`] fields.
pub fn preamble_write_options(rdb_version: u32, ctime: i64) -> WriteOptions {
    WriteOptions {
        aux: AuxFields::Custom(preamble_aux(rdb_version, ctime)),
        ..WriteOptions::for_version(rdb_version)
    }
}

/// Writes the dataset as a RESP AOF: what a rewrite without RDB preamble
/// writes (see [`crate::aof::rewrite`]).
pub fn write_resp_aof<W: Write>(
    ds: &Dataset,
    opts: &RewriteOptions,
    out: &mut W,
) -> Result<RewriteSummary, AofWriteError> {
    Ok(write_rewrite(ds, opts, out)?)
}

/// Writes the dataset as an RDB image (with `rdb`'s options, normally
/// [`preamble_write_options`]) followed by the `tail` commands as RESP
/// records (none: the file a rewrite leaves).
pub fn write_hybrid_aof<W: Write>(
    ds: &Dataset,
    rdb: &WriteOptions,
    tail: &[Vec<Vec<u8>>],
    out: W,
) -> Result<W, AofWriteError> {
    let mut out = write_dataset(ds, rdb, out)?;
    for c in tail {
        write_command(&mut out, c)?;
    }
    Ok(out)
}

/// The BASE of a multi-part AOF.
#[derive(Debug, Clone, PartialEq)]
pub enum MultiPartBase {
    /// An RDB BASE (`.base.rdb`) written with these options (normally
    /// [`preamble_write_options`]).
    Rdb(WriteOptions),
    /// A RESP BASE (`.base.aof`) written by the rewrite.
    Resp(RewriteOptions),
}

impl MultiPartBase {
    /// What a server of `version` writes by default
    /// (`aof-use-rdb-preamble yes`): an RDB BASE of its RDB version.
    pub fn rdb_for(version: RedisVersion, ctime: i64) -> Self {
        MultiPartBase::Rdb(preamble_write_options(rdb_version_for(version), ctime))
    }

    fn kind(&self) -> BaseKind {
        match self {
            MultiPartBase::Rdb(_) => BaseKind::Rdb,
            MultiPartBase::Resp(_) => BaseKind::Resp,
        }
    }
}

/// How to write a multi-part AOF.
#[derive(Debug, Clone, PartialEq)]
pub struct MultiPartOptions {
    /// `appendfilename` and `appenddirname`.
    pub names: AofNames,
    /// The BASE.
    pub base: MultiPartBase,
}

/// Creates `<parent>/<appenddirname>/` with the dataset as BASE (sequence
/// 1), an empty INCR and the manifest, exactly as Redis 7 names and
/// writes them. Refuses an existing directory; a failure leaves nothing
/// behind. What the BASE cannot express is refused before anything is
/// created.
pub fn write_multipart_aof(
    ds: &Dataset,
    parent: &Path,
    opts: &MultiPartOptions,
) -> Result<MultiPartWritten, AofWriteError> {
    match &opts.base {
        MultiPartBase::Resp(r) => {
            let issues = rewrite_issues(ds, r);
            if !issues.is_empty() {
                return Err(RewriteError::Inexpressible {
                    version: r.version,
                    issues,
                }
                .into());
            }
        }
        MultiPartBase::Rdb(w) => {
            let items = crate::rdb::writer::inexpressible(ds, w);
            if !items.is_empty() {
                return Err(RdbWriteError::Inexpressible {
                    version: w.version,
                    items,
                }
                .into());
            }
        }
    }
    let written = write_multipart(
        parent,
        &opts.names,
        opts.base.kind(),
        b"",
        |out| match &opts.base {
            MultiPartBase::Rdb(w) => write_dataset(ds, w, out)
                .map(|_| ())
                .map_err(AofWriteError::from),
            MultiPartBase::Resp(r) => write_rewrite(ds, r, out)
                .map(|_| ())
                .map_err(AofWriteError::from),
        },
    )?;
    Ok(written)
}

#[cfg(test)]
mod interop;
#[cfg(test)]
mod tests;
