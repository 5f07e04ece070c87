//! Opening inputs: a path or standard input, with gzip and zstd
//! decompressed transparently when the content says so (backup scripts keep
//! `dump_*.rdb.gz`). Detection is by magic bytes, never by file name.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// How the input was compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Not compressed.
    None,
    /// gzip (`1f 8b`).
    Gzip,
    /// zstd frame (`28 b5 2f fd`).
    Zstd,
}

/// An opened input.
pub struct Input {
    /// The (decompressed) byte stream.
    pub reader: Box<dyn Read + Send>,
    /// How it was compressed.
    pub compression: Compression,
    /// Size of the decompressed stream, when known (an uncompressed regular
    /// file).
    pub size_hint: Option<u64>,
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Input")
            .field("compression", &self.compression)
            .field("size_hint", &self.size_hint)
            .finish()
    }
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
const READ_BUFFER: usize = 1 << 20;
/// Files at least this large are read ahead on a second thread.
const READ_AHEAD_MIN: u64 = 8 << 20;

/// Opens `path`, or standard input when it is `-`.
pub fn open(path: &Path) -> io::Result<Input> {
    if path.as_os_str() == "-" {
        return sniff(Box::new(io::stdin()), None);
    }
    let f = File::open(path)?;
    let meta = f.metadata()?;
    let size = meta.is_file().then_some(meta.len());
    // Large regular files are read ahead on a second thread. Not pipes or
    // terminals: a thread blocked reading one could outlive the caller.
    let src: Box<dyn Read + Send> = match size {
        Some(n) if n >= READ_AHEAD_MIN => Box::new(crate::readahead::ReadAhead::new(f)?),
        _ => Box::new(f),
    };
    sniff(src, size)
}

/// Wraps a stream, decompressing it if its first bytes say so.
pub fn sniff(src: Box<dyn Read + Send>, size: Option<u64>) -> io::Result<Input> {
    let mut br = BufReader::with_capacity(READ_BUFFER, src);
    let head = loop {
        match br.fill_buf() {
            Ok(b) => break b.get(..4).map(<[u8]>::to_vec).unwrap_or_else(|| b.to_vec()),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    };
    if head.starts_with(&GZIP_MAGIC) {
        let dec = flate2::bufread::MultiGzDecoder::new(br);
        return Ok(Input {
            reader: Box::new(dec),
            compression: Compression::Gzip,
            size_hint: None,
        });
    }
    if head.starts_with(&ZSTD_MAGIC) {
        let dec = ruzstd::decoding::StreamingDecoder::new(br)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}")))?;
        return Ok(Input {
            reader: Box::new(dec),
            compression: Compression::Zstd,
            size_hint: None,
        });
    }
    Ok(Input {
        reader: Box::new(br),
        compression: Compression::None,
        size_hint: size,
    })
}
