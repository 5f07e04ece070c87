//! Writing a multi-part AOF directory as a Redis 7+ server leaves it after
//! its first rewrite (spec `aof-format.md` §8): one BASE, one empty INCR
//! and the manifest naming both.
//!
//! ```text
//! <parent>/appendonlydir/
//!   appendonly.aof.1.base.rdb     (or .base.aof: RESP, aof-use-rdb-preamble no)
//!   appendonly.aof.1.incr.aof     empty (or the given bytes)
//!   appendonly.aof.manifest       file appendonly.aof.1.base.rdb seq 1 type b\n
//!                                 file appendonly.aof.1.incr.aof seq 1 type i\n
//! ```
//!
//! Names follow `aof.c` (`getNewBaseFileNameAndMarkPreAsHistory`,
//! `getNewIncrAofName`, `getAofManifestFileName`). The BASE content comes
//! from the caller (this module does not write RDB bytes, DESIGN layering):
//! [`crate::write_aof`] passes an RDB writer or the rewrite.
//!
//! The directory is built under a temporary name next to its final place,
//! every file and the directory are fsynced, then it is renamed into place
//! and the parent fsynced: a crash leaves either no directory or a complete
//! one, never a manifest naming a missing file. An existing directory is
//! never overwritten.

use std::error::Error as StdError;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::manifest::{AofFileType, Manifest, ManifestEntry};
use crate::fsutil::sync_dir;

/// The default `appendfilename`.
pub const DEFAULT_APPEND_FILENAME: &str = "appendonly.aof";
/// The default `appenddirname`.
pub const DEFAULT_APPEND_DIRNAME: &str = "appendonlydir";

/// What the BASE holds, which decides its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BaseKind {
    /// An RDB image (`aof-use-rdb-preamble yes`, the default): `.base.rdb`.
    Rdb,
    /// RESP commands (`aof-use-rdb-preamble no`): `.base.aof`.
    Resp,
}

impl BaseKind {
    /// The file name suffix after the sequence number.
    pub fn suffix(self) -> &'static str {
        match self {
            BaseKind::Rdb => ".base.rdb",
            BaseKind::Resp => ".base.aof",
        }
    }
}

/// The server configuration that names the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AofNames {
    /// `appendfilename`: the prefix of every file name.
    pub filename: String,
    /// `appenddirname`: the directory under the server's `dir`.
    pub dirname: String,
}

impl Default for AofNames {
    fn default() -> Self {
        AofNames {
            filename: DEFAULT_APPEND_FILENAME.to_string(),
            dirname: DEFAULT_APPEND_DIRNAME.to_string(),
        }
    }
}

impl AofNames {
    /// `<filename>.<seq>.base.rdb` / `.base.aof`.
    pub fn base_file(&self, seq: i64, kind: BaseKind) -> String {
        format!("{}.{seq}{}", self.filename, kind.suffix())
    }

    /// `<filename>.<seq>.incr.aof`.
    pub fn incr_file(&self, seq: i64) -> String {
        format!("{}.{seq}.incr.aof", self.filename)
    }

    /// `<filename>.manifest`.
    pub fn manifest_file(&self) -> String {
        format!("{}.manifest", self.filename)
    }

    /// Rejects names Redis rejects (`isValidAOFfilename`,
    /// `isValidAOFdirname`: empty, or a path).
    pub fn validate(&self) -> Result<(), MultiPartError> {
        for (what, name) in [
            ("appendfilename", &self.filename),
            ("appenddirname", &self.dirname),
        ] {
            if name.is_empty() || name.contains(['/', '\\']) || name == "." || name == ".." {
                return Err(MultiPartError::InvalidName {
                    what,
                    name: name.clone(),
                });
            }
        }
        Ok(())
    }

    /// The manifest of a fresh directory: BASE and INCR, both `seq`.
    pub fn manifest(&self, seq: i64, kind: BaseKind) -> Manifest {
        let entry = |file: String, file_type| ManifestEntry {
            file: file.into_bytes(),
            seq,
            file_type,
            extra: Vec::new(),
        };
        Manifest {
            base: Some(entry(self.base_file(seq, kind), AofFileType::Base)),
            history: Vec::new(),
            incr: vec![entry(self.incr_file(seq), AofFileType::Incr)],
        }
    }
}

/// Why a directory was not written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MultiPartError {
    /// The target already exists; it is left alone.
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    /// A name Redis would refuse.
    #[error("invalid {what} {name:?}: must be a non-empty file name, not a path")]
    InvalidName {
        /// `appendfilename` or `appenddirname`.
        what: &'static str,
        /// The name given.
        name: String,
    },
    /// Producing the BASE content failed.
    #[error("writing the base file: {0}")]
    Base(Box<dyn StdError + Send + Sync>),
    /// Producing the INCR content failed.
    #[error("writing the incr file: {0}")]
    Incr(Box<dyn StdError + Send + Sync>),
    /// The manifest could not be encoded.
    #[error(transparent)]
    Manifest(#[from] super::manifest::ManifestError),
    /// A file system operation failed.
    #[error(transparent)]
    Io(#[from] io::Error),
}

/// What [`write_multipart`] created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiPartWritten {
    /// The AOF directory.
    pub dir: PathBuf,
    /// The manifest file.
    pub manifest_path: PathBuf,
    /// The manifest written.
    pub manifest: Manifest,
    /// The BASE file.
    pub base: PathBuf,
    /// The INCR file.
    pub incr: PathBuf,
}

/// Creates `<parent>/<names.dirname>` holding a BASE filled by
/// `fill_base`, an INCR holding `incr` (normally empty) and the manifest,
/// all with sequence number 1, as Redis 7 writes them.
pub fn write_multipart<F, E>(
    parent: &Path,
    names: &AofNames,
    kind: BaseKind,
    incr: &[u8],
    fill_base: F,
) -> Result<MultiPartWritten, MultiPartError>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<(), E>,
    E: Into<Box<dyn StdError + Send + Sync>>,
{
    write_multipart_with(parent, names, kind, fill_base, |w| {
        w.write_all(incr)
            .map_err(|e| Box::new(e) as Box<dyn StdError + Send + Sync>)
    })
}

/// [`write_multipart`] with the INCR content written by `fill_incr` too
/// (a large tail copied from a file, never held in memory).
pub fn write_multipart_with<F, G, E, E2>(
    parent: &Path,
    names: &AofNames,
    kind: BaseKind,
    fill_base: F,
    fill_incr: G,
) -> Result<MultiPartWritten, MultiPartError>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<(), E>,
    E: Into<Box<dyn StdError + Send + Sync>>,
    G: FnOnce(&mut BufWriter<File>) -> Result<(), E2>,
    E2: Into<Box<dyn StdError + Send + Sync>>,
{
    names.validate()?;
    let target = parent.join(&names.dirname);
    if fs::symlink_metadata(&target).is_ok() {
        return Err(MultiPartError::Exists(target));
    }
    let seq = 1;
    let manifest = names.manifest(seq, kind);
    let manifest_bytes = manifest.to_bytes()?;
    let tmp = create_temp_dir(parent, &names.dirname)?;
    let built = (|| {
        let base = tmp.join(names.base_file(seq, kind));
        let mut w = BufWriter::new(create_new(&base)?);
        fill_base(&mut w).map_err(|e| MultiPartError::Base(e.into()))?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all()?;
        let mut w = BufWriter::new(create_new(&tmp.join(names.incr_file(seq)))?);
        fill_incr(&mut w).map_err(|e| MultiPartError::Incr(e.into()))?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        write_synced(&tmp.join(names.manifest_file()), &manifest_bytes)?;
        sync_dir(&tmp)?;
        if fs::symlink_metadata(&target).is_ok() {
            return Err(MultiPartError::Exists(target.clone()));
        }
        fs::rename(&tmp, &target)?;
        sync_dir(parent)?;
        Ok(())
    })();
    if let Err(e) = built {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    Ok(MultiPartWritten {
        manifest_path: target.join(names.manifest_file()),
        base: target.join(names.base_file(seq, kind)),
        incr: target.join(names.incr_file(seq)),
        dir: target,
        manifest,
    })
}

fn create_new(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).open(path)
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut f = create_new(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn create_temp_dir(parent: &Path, name: &str) -> io::Result<PathBuf> {
    for n in 0..1000u32 {
        let tmp = parent.join(format!(".{name}.redfile-{}-{n}.tmp", std::process::id()));
        match fs::create_dir(&tmp) {
            Ok(()) => return Ok(tmp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not create a temporary directory",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tempdir() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .map(|it| {
                it.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }

    #[test]
    fn writes_what_redis_7_writes() {
        let d = tempdir();
        let w = write_multipart(d.path(), &AofNames::default(), BaseKind::Rdb, b"", |f| {
            f.write_all(b"REDIS0010...")
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.dir, d.path().join("appendonlydir"));
        assert_eq!(names_in(d.path()), ["appendonlydir"]);
        assert_eq!(
            names_in(&w.dir),
            [
                "appendonly.aof.1.base.rdb",
                "appendonly.aof.1.incr.aof",
                "appendonly.aof.manifest"
            ]
        );
        let read = |p: &Path| fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(
            read(&w.manifest_path),
            b"file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
        );
        assert_eq!(read(&w.base), b"REDIS0010...");
        assert_eq!(read(&w.incr), b"");
        assert_eq!(
            Manifest::parse(&read(&w.manifest_path)).ok(),
            Some(w.manifest.clone())
        );
    }

    #[test]
    fn custom_names_and_resp_base() {
        let d = tempdir();
        let names = AofNames {
            filename: "my file.aof".into(),
            dirname: "aofs".into(),
        };
        let w = write_multipart(
            d.path(),
            &names,
            BaseKind::Resp,
            b"*1\r\n$4\r\nPING\r\n",
            |f| f.write_all(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(w.base, d.path().join("aofs/my file.aof.1.base.aof"));
        let m = fs::read(&w.manifest_path).unwrap_or_default();
        assert_eq!(
            m,
            b"file \"my file.aof.1.base.aof\" seq 1 type b\nfile \"my file.aof.1.incr.aof\" seq 1 type i\n"
        );
        assert_eq!(
            fs::read(&w.incr).unwrap_or_default(),
            b"*1\r\n$4\r\nPING\r\n"
        );
    }

    #[test]
    fn refuses_to_overwrite_and_cleans_up_failures() {
        let d = tempdir();
        fs::create_dir(d.path().join("appendonlydir")).unwrap_or_else(|e| panic!("{e}"));
        let r = write_multipart(d.path(), &AofNames::default(), BaseKind::Rdb, b"", |_| {
            Ok::<(), io::Error>(())
        });
        assert!(matches!(r, Err(MultiPartError::Exists(_))));

        let e = tempdir();
        let r = write_multipart(e.path(), &AofNames::default(), BaseKind::Rdb, b"", |_| {
            Err(io::Error::other("boom"))
        });
        assert!(matches!(r, Err(MultiPartError::Base(_))));
        assert!(names_in(e.path()).is_empty(), "{:?}", names_in(e.path()));

        let bad = AofNames {
            filename: "a/b".into(),
            ..AofNames::default()
        };
        let r = write_multipart(e.path(), &bad, BaseKind::Rdb, b"", |_| {
            Ok::<(), io::Error>(())
        });
        assert!(matches!(r, Err(MultiPartError::InvalidName { .. })));
    }
}
