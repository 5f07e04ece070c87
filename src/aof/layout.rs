//! What a path holds, decided by content, and the ordered parts of a
//! multi-part AOF.
//!
//! Sniffing follows redis-check-aof (`getInputFileType`, 7.2.5+): a file is a
//! manifest if, skipping `#` lines, its first line starts with `file`; else an
//! RDB (or RDB-preamble AOF) if it is at least 8 bytes and starts with
//! `REDIS` (we also accept Valkey 9's `VALKEY`, which valkey-check-aof
//! misses: valkey-io/valkey#4739); else RESP. A directory must hold exactly
//! one `*.manifest` (ignoring Redis's `temp-*` leftovers).

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::error::{AofError, AofErrorKind};
use super::manifest::{Manifest, ManifestEntry, MANIFEST_MAX_LINE};

/// How many bytes of leading `#` lines to look through before deciding a
/// file is not a manifest (a real manifest has a handful of comments at most).
const SNIFF_LIMIT: u64 = 64 * 1024;

/// Which RDB magic a file starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum RdbMagic {
    /// `REDIS` (Redis, Valkey up to 8).
    Redis,
    /// `VALKEY` (Valkey 9+).
    Valkey,
}

/// What a single file contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum FileContent {
    /// Zero bytes.
    Empty,
    /// A manifest.
    Manifest,
    /// An RDB image, possibly followed by RESP (the caller parses the RDB
    /// and checks the rest from the offset where it ends).
    Rdb(RdbMagic),
    /// RESP records and annotations from the first byte.
    Resp,
}

/// One BASE or INCR file of a multi-part AOF.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AofPart {
    /// Where the file is (manifest directory + entry name).
    pub path: PathBuf,
    /// The manifest line it comes from.
    pub entry: ManifestEntry,
    /// Its size in bytes.
    pub size: u64,
    /// What it contains (never `Manifest` in a sane directory).
    pub content: FileContent,
}

/// A manifest and the files it makes Redis load.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MultiPartAof {
    /// The manifest file.
    pub manifest_path: PathBuf,
    /// The directory the parts are looked up in.
    pub dir: PathBuf,
    /// The parsed manifest (HISTORY entries included, but never loaded).
    pub manifest: Manifest,
    /// The BASE (if any) then the INCR files, in load order.
    pub parts: Vec<AofPart>,
}

impl MultiPartAof {
    /// The only part that may be cut: the last INCR, or the BASE when there
    /// is no INCR (`redis-check-aof`, and the server's `aof-load-truncated`).
    pub fn last(&self) -> Option<&AofPart> {
        self.parts.last()
    }

    /// Refuses to shorten any part other than [`MultiPartAof::last`]:
    /// cutting an earlier file would splice unrelated history together.
    pub fn ensure_cuttable(&self, path: &Path) -> Result<(), AofError> {
        match self.last() {
            Some(last) if last.path == path => Ok(()),
            _ => Err(AofError::new(
                0,
                AofErrorKind::NotLastFile {
                    path: path.to_path_buf(),
                },
            )),
        }
    }
}

/// What a path given by the user turned out to be.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub enum AofLayout {
    /// A manifest (given directly or found in a directory).
    MultiPart(MultiPartAof),
    /// A single RESP file (possibly empty).
    Resp {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// A single file starting with an RDB image: an RDB, or a legacy
    /// RDB-preamble AOF; the caller parses the RDB to tell.
    Rdb {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// Which magic it starts with.
        magic: RdbMagic,
    },
}

fn io_err(e: std::io::Error) -> AofError {
    AofError::io(0, e)
}

/// Classifies a file by its first bytes.
pub fn sniff_file(path: &Path) -> Result<FileContent, AofError> {
    let file = File::open(path).map_err(io_err)?;
    let size = file.metadata().map_err(io_err)?.len();
    if size == 0 {
        return Ok(FileContent::Empty);
    }
    let mut r = BufReader::new(file);
    // Manifest test: skip `#` chunks the way fgets reads them.
    let mut seen = 0u64;
    let mut chunk = Vec::with_capacity(MANIFEST_MAX_LINE);
    let mut is_manifest = false;
    while seen < SNIFF_LIMIT {
        chunk.clear();
        let n = (&mut r)
            .take(MANIFEST_MAX_LINE as u64)
            .read_until(b'\n', &mut chunk)
            .map_err(io_err)?;
        if n == 0 {
            break;
        }
        seen += n as u64;
        if chunk[0] != b'#' {
            is_manifest = chunk.starts_with(b"file");
            break;
        }
    }
    if is_manifest {
        return Ok(FileContent::Manifest);
    }
    let mut head = [0u8; 6];
    let mut f = File::open(path).map_err(io_err)?;
    let mut got = 0;
    while got < head.len() {
        match f.read(&mut head[got..]).map_err(io_err)? {
            0 => break,
            n => got += n,
        }
    }
    let head = &head[..got];
    Ok(if size >= 8 && head.starts_with(b"REDIS") {
        FileContent::Rdb(RdbMagic::Redis)
    } else if size >= 8 && head.starts_with(b"VALKEY") {
        FileContent::Rdb(RdbMagic::Valkey)
    } else {
        FileContent::Resp
    })
}

/// Finds the manifest of an AOF directory: the one `*.manifest` file,
/// ignoring Redis's `temp-*` leftovers.
pub fn find_manifest(dir: &Path) -> Result<PathBuf, AofError> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.ends_with(".manifest")
            && !name.starts_with("temp-")
            && entry.file_type().map_err(io_err)?.is_file()
        {
            found.push(name.into_owned());
        }
    }
    found.sort();
    match found.len() {
        0 => Err(AofError::new(
            0,
            AofErrorKind::NoManifest {
                dir: dir.to_path_buf(),
            },
        )),
        1 => Ok(dir.join(&found[0])),
        _ => Err(AofError::new(
            0,
            AofErrorKind::SeveralManifests {
                dir: dir.to_path_buf(),
                names: found,
            },
        )),
    }
}

/// Parses a manifest file and stats every file it makes Redis load.
pub fn open_manifest(manifest_path: &Path) -> Result<MultiPartAof, AofError> {
    let bytes = fs::read(manifest_path).map_err(io_err)?;
    let manifest = Manifest::parse(&bytes)?;
    let dir = match manifest_path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut parts = Vec::new();
    for entry in manifest.load_order() {
        let path = dir.join(entry_path(entry));
        let size = match fs::metadata(&path) {
            Ok(m) => m.len(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(AofError::new(0, AofErrorKind::MissingFile { path }));
            }
            Err(e) => return Err(io_err(e)),
        };
        let content = sniff_file(&path)?;
        parts.push(AofPart {
            path,
            entry: entry.clone(),
            size,
            content,
        });
    }
    Ok(MultiPartAof {
        manifest_path: manifest_path.to_path_buf(),
        dir,
        manifest,
        parts,
    })
}

/// A manifest name as a path component (raw bytes on Unix).
fn entry_path(entry: &ManifestEntry) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(std::ffi::OsStr::from_bytes(&entry.file))
    }
    #[cfg(not(unix))]
    {
        PathBuf::from(entry.file_name())
    }
}

/// Decides what `path` is: a manifest, a directory holding one, an RDB or
/// RDB-preamble file, or a RESP file.
pub fn resolve_layout(path: &Path) -> Result<AofLayout, AofError> {
    let meta = fs::metadata(path).map_err(io_err)?;
    if meta.is_dir() {
        return open_manifest(&find_manifest(path)?).map(AofLayout::MultiPart);
    }
    let size = meta.len();
    Ok(match sniff_file(path)? {
        FileContent::Manifest => AofLayout::MultiPart(open_manifest(path)?),
        FileContent::Rdb(magic) => AofLayout::Rdb {
            path: path.to_path_buf(),
            size,
            magic,
        },
        FileContent::Empty | FileContent::Resp => AofLayout::Resp {
            path: path.to_path_buf(),
            size,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        fs::write(&p, bytes).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
        p
    }

    fn tmp() -> tempfile::TempDir {
        tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
    }

    #[test]
    fn sniffs_by_content_not_name() {
        let d = tmp();
        let p = |n, b: &[u8]| sniff_file(&write(d.path(), n, b)).ok();
        assert_eq!(
            p("a.manifest", b"*1\r\n$4\r\nPING\r\n"),
            Some(FileContent::Resp)
        );
        assert_eq!(
            p("x.aof", b"# hi\nfile a seq 1 type b\n"),
            Some(FileContent::Manifest)
        );
        assert_eq!(
            p("y.rdb", b"REDIS0011\xff"),
            Some(FileContent::Rdb(RdbMagic::Redis))
        );
        assert_eq!(
            p("z", b"VALKEY080\xff"),
            Some(FileContent::Rdb(RdbMagic::Valkey))
        );
        assert_eq!(p("short", b"REDIS00"), Some(FileContent::Resp));
        assert_eq!(p("empty", b""), Some(FileContent::Empty));
        // A RESP AOF whose argument starts a line with "file" (redis#12951).
        assert_eq!(
            p("t.aof", b"#TS:1\r\n*2\r\n$3\r\nGET\r\n$4\r\nfile\r\n"),
            Some(FileContent::Resp)
        );
    }

    #[test]
    fn resolves_a_directory() {
        let d = tmp();
        write(
            d.path(),
            "appendonly.aof.manifest",
            b"file appendonly.aof.1.base.rdb seq 1 type b\n\
              file appendonly.aof.0.incr.aof seq 1 type h\n\
              file appendonly.aof.1.incr.aof seq 1 type i\n\
              file appendonly.aof.2.incr.aof seq 2 type i\n",
        );
        write(d.path(), "temp-appendonly.aof.manifest", b"junk");
        write(d.path(), "appendonly.aof.1.base.rdb", b"REDIS0011\xff");
        write(d.path(), "appendonly.aof.1.incr.aof", b"");
        let last = write(
            d.path(),
            "appendonly.aof.2.incr.aof",
            b"*1\r\n$4\r\nPING\r\n",
        );
        let layout = resolve_layout(d.path()).unwrap_or_else(|e| panic!("{e}"));
        let AofLayout::MultiPart(mp) = layout else {
            panic!("not multi-part: {layout:?}")
        };
        let names: Vec<_> = mp.parts.iter().map(|p| p.entry.file_name()).collect();
        assert_eq!(
            names,
            [
                "appendonly.aof.1.base.rdb",
                "appendonly.aof.1.incr.aof",
                "appendonly.aof.2.incr.aof"
            ]
        );
        assert_eq!(mp.parts[0].content, FileContent::Rdb(RdbMagic::Redis));
        assert_eq!(mp.parts[1].content, FileContent::Empty);
        assert_eq!(mp.parts[2].size, 14);
        assert!(mp.ensure_cuttable(&last).is_ok());
        assert!(matches!(
            mp.ensure_cuttable(&mp.parts[0].path),
            Err(AofError {
                kind: AofErrorKind::NotLastFile { .. },
                ..
            })
        ));
        // The manifest itself, given directly, resolves the same way.
        let direct = resolve_layout(&mp.manifest_path).ok();
        assert_eq!(direct, Some(AofLayout::MultiPart(mp)));
    }

    #[test]
    fn reports_missing_files_and_manifest_problems() {
        let d = tmp();
        write(
            d.path(),
            "a.manifest",
            b"file base.rdb seq 1 type b\nfile gone.aof seq 1 type i\n",
        );
        write(d.path(), "base.rdb", b"");
        match resolve_layout(d.path()) {
            Err(AofError {
                kind: AofErrorKind::MissingFile { path },
                ..
            }) => assert!(path.ends_with("gone.aof")),
            other => panic!("{other:?}"),
        }
        write(d.path(), "b.manifest", b"");
        assert!(matches!(
            resolve_layout(d.path()),
            Err(AofError {
                kind: AofErrorKind::SeveralManifests { .. },
                ..
            })
        ));
        let e = tmp();
        assert!(matches!(
            resolve_layout(e.path()),
            Err(AofError {
                kind: AofErrorKind::NoManifest { .. },
                ..
            })
        ));
        write(e.path(), "x.manifest", b"file a seq 1 type z\n");
        assert!(matches!(
            resolve_layout(e.path()),
            Err(AofError {
                kind: AofErrorKind::Manifest(_),
                ..
            })
        ));
    }

    #[test]
    fn single_files() {
        let d = tmp();
        let resp = write(d.path(), "appendonly.aof", b"*1\r\n$4\r\nPING\r\n");
        assert_eq!(
            resolve_layout(&resp).ok(),
            Some(AofLayout::Resp {
                path: resp,
                size: 14
            })
        );
        let rdb = write(d.path(), "dump.aof", b"REDIS0009garbage");
        assert!(matches!(
            resolve_layout(&rdb),
            Ok(AofLayout::Rdb {
                magic: RdbMagic::Redis,
                size: 16,
                ..
            })
        ));
    }
}
