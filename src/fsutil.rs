//! Crash-safe replacement of a file: the original is never written to.
//!
//! The new content goes to a temporary file in the same directory, which is
//! fsynced, then renamed over the original (atomic on POSIX), and the
//! directory is fsynced so the rename itself survives a power cut. This is
//! the sequence Redis uses for its manifest (`aof.c: writeAofManifestFile`).
//! A backup of the original is kept first, as a hard link when possible (no
//! copy, and it is exactly the old inode), else as a copy.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Where to keep the original before replacing it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum BackupPolicy {
    /// `<name>.bak` next to the original.
    #[default]
    Default,
    /// At this path.
    At(PathBuf),
    /// No backup.
    None,
}

/// What a replacement did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    /// Where the original now also lives, if a backup was kept.
    pub backup: Option<PathBuf>,
    /// Size of the new file.
    pub new_len: u64,
}

/// `<name>.bak` in the same directory.
pub fn default_backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    path.with_file_name(name)
}

/// The directory a path lives in (`.` for a bare name).
fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Makes a directory entry change durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

/// Creates a fresh temporary file next to `path` (same directory, so a
/// rename puts it in place atomically), named after it and this process.
pub fn create_temp(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?
        .to_string_lossy()
        .into_owned();
    let dir = parent_dir(path);
    for n in 0..1000u32 {
        let tmp = dir.join(format!(".{name}.redfile-{}-{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not create a temporary file",
    ))
}

/// Keeps `src` at `dst`, refusing to overwrite an existing file.
fn make_backup(src: &Path, dst: &Path) -> io::Result<()> {
    if fs::symlink_metadata(dst).is_ok() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("backup {} already exists", dst.display()),
        ));
    }
    if fs::hard_link(src, dst).is_ok() {
        return sync_dir(&parent_dir(dst));
    }
    let mut from = File::open(src)?;
    let mut to = OpenOptions::new().write(true).create_new(true).open(dst)?;
    io::copy(&mut from, &mut to)?;
    to.sync_all()?;
    sync_dir(&parent_dir(dst))
}

/// Replaces `path` with what `fill` writes, keeping a backup per `backup`.
pub fn replace_with<F>(path: &Path, backup: &BackupPolicy, fill: F) -> io::Result<Replaced>
where
    F: FnOnce(&mut File) -> io::Result<()>,
{
    let perms = fs::metadata(path)?.permissions();
    let (tmp, mut file) = create_temp(path)?;
    let staged = (|| {
        fill(&mut file)?;
        file.flush()?;
        file.set_permissions(perms)?;
        file.sync_all()?;
        file.metadata().map(|m| m.len())
    })();
    let result = staged.and_then(|new_len| {
        let backup = match backup {
            BackupPolicy::Default => Some(default_backup_path(path)),
            BackupPolicy::At(p) => Some(p.clone()),
            BackupPolicy::None => None,
        };
        if let Some(b) = &backup {
            make_backup(path, b)?;
        }
        fs::rename(&tmp, path)?;
        sync_dir(&parent_dir(path))?;
        Ok(Replaced { backup, new_len })
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Whether a new file may take the place of an existing one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clobber {
    /// Fail with `AlreadyExists` when the path exists (checked again at
    /// the last moment: the file is linked into place, never renamed over).
    #[default]
    Refuse,
    /// Replace it atomically.
    Replace,
}

/// Creates `path` with what `fill` writes: into a temporary file beside
/// it, fsynced, then moved into place and the directory fsynced, so that
/// `path` never holds a partial file. A failure removes the temporary
/// file. Returns the new file's size.
pub fn create_with<E, F>(path: &Path, clobber: Clobber, fill: F) -> Result<u64, E>
where
    E: From<io::Error>,
    F: FnOnce(&mut File) -> Result<(), E>,
{
    if clobber == Clobber::Refuse && fs::symlink_metadata(path).is_ok() {
        return Err(exists(path).into());
    }
    let (tmp, mut file) = create_temp(path)?;
    let staged = (|| {
        fill(&mut file)?;
        file.flush()?;
        file.sync_all()?;
        Ok::<u64, E>(file.metadata()?.len())
    })();
    let result = staged.and_then(|len| {
        match clobber {
            Clobber::Replace => fs::rename(&tmp, path)?,
            // A hard link fails if the name was taken meanwhile.
            Clobber::Refuse => match fs::hard_link(&tmp, path) {
                Ok(()) => fs::remove_file(&tmp)?,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                    return Err(exists(path).into())
                }
                Err(_) if fs::symlink_metadata(path).is_err() => fs::rename(&tmp, path)?,
                Err(e) => return Err(e.into()),
            },
        }
        sync_dir(&parent_dir(path))?;
        Ok(len)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn exists(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{} already exists", path.display()),
    )
}

/// Replaces `path` with `bytes` (used for manifests).
pub fn write_atomic(path: &Path, bytes: &[u8], backup: &BackupPolicy) -> io::Result<Replaced> {
    replace_with(path, backup, |f| f.write_all(bytes))
}

/// Replaces `path` with the concatenation of the byte ranges `keep` of its
/// current content. `expected_len`, when given, must match the file's size:
/// the ranges were computed for that file and a file that grew or shrank
/// since (a live server appending) must not be cut blindly.
pub fn rewrite_keeping(
    path: &Path,
    keep: &[Range<u64>],
    expected_len: Option<u64>,
    backup: &BackupPolicy,
) -> io::Result<Replaced> {
    let mut src = File::open(path)?;
    let len = src.metadata()?.len();
    if let Some(expected) = expected_len.filter(|&e| e != len) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{} is {len} bytes, expected {expected}", path.display()),
        ));
    }
    let mut last = 0;
    for r in keep {
        if r.start < last || r.start > r.end || r.end > len {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("range {r:?} is out of order or outside the file"),
            ));
        }
        last = r.end;
    }
    replace_with(path, backup, |out| {
        for r in keep {
            src.seek(SeekFrom::Start(r.start))?;
            let want = r.end - r.start;
            let copied = io::copy(&mut (&mut src).take(want), out)?;
            if copied != want {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "file shrank while copying",
                ));
            }
        }
        Ok(())
    })
}

#[cfg(test)]
// Lists of byte ranges, not ranges meant to be collected.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn setup(content: &[u8]) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let p = d.path().join("appendonly.aof");
        fs::write(&p, content).unwrap_or_else(|e| panic!("write: {e}"));
        (d, p)
    }

    fn read(p: &Path) -> Vec<u8> {
        fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
    }

    #[test]
    fn keeps_ranges_and_a_backup() {
        let (d, p) = setup(b"0123456789");
        let r = rewrite_keeping(&p, &[0..3, 5..6, 8..10], Some(10), &BackupPolicy::Default);
        let r = r.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read(&p), b"012589");
        assert_eq!(r.new_len, 6);
        assert_eq!(r.backup, Some(d.path().join("appendonly.aof.bak")));
        assert_eq!(read(&d.path().join("appendonly.aof.bak")), b"0123456789");
        // No temporary file is left behind.
        let names: Vec<_> = fs::read_dir(d.path())
            .map(|it| it.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 2);
        // A second run must not clobber the first backup.
        assert!(rewrite_keeping(&p, &[0..1], None, &BackupPolicy::Default).is_err());
        assert_eq!(read(&p), b"012589");
    }

    #[test]
    fn refuses_stale_plans_and_bad_ranges() {
        let (_d, p) = setup(b"abc");
        assert!(rewrite_keeping(&p, &[0..1], Some(4), &BackupPolicy::None).is_err());
        assert!(rewrite_keeping(&p, &[0..4], None, &BackupPolicy::None).is_err());
        assert!(rewrite_keeping(&p, &[2..3, 0..1], None, &BackupPolicy::None).is_err());
        assert_eq!(read(&p), b"abc");
    }

    #[test]
    fn creates_without_clobbering() {
        let (d, p) = setup(b"old");
        let n = d.path().join("new.rdb");
        let r: io::Result<u64> = create_with(&n, Clobber::Refuse, |f| f.write_all(b"abc"));
        assert_eq!(r.ok(), Some(3));
        assert_eq!(read(&n), b"abc");
        let r: io::Result<u64> = create_with(&p, Clobber::Refuse, |f| f.write_all(b"x"));
        assert_eq!(
            r.err().map(|e| e.kind()),
            Some(io::ErrorKind::AlreadyExists)
        );
        assert_eq!(read(&p), b"old");
        let r: io::Result<u64> = create_with(&p, Clobber::Replace, |f| f.write_all(b"xy"));
        assert_eq!(r.ok(), Some(2));
        assert_eq!(read(&p), b"xy");
        // A failing fill leaves nothing behind.
        let gone = d.path().join("gone");
        let r: io::Result<u64> =
            create_with(&gone, Clobber::Refuse, |_| Err(io::Error::other("boom")));
        assert!(r.is_err());
        let names: Vec<_> = fs::read_dir(d.path())
            .map(|it| it.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn atomic_write_with_explicit_backup() {
        let (d, p) = setup(b"old");
        let b = d.path().join("elsewhere.keep");
        let r = write_atomic(&p, b"new", &BackupPolicy::At(b.clone()));
        assert_eq!(r.ok().and_then(|r| r.backup), Some(b.clone()));
        assert_eq!(read(&p), b"new");
        assert_eq!(read(&b), b"old");
        let r = write_atomic(&p, b"newer", &BackupPolicy::None);
        assert_eq!(r.ok().map(|r| r.backup), Some(None));
        assert_eq!(read(&p), b"newer");
    }
}
