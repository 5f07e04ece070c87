//! The multi-part AOF manifest (Redis 7.0+): parse and write.
//!
//! ```text
//! file appendonly.aof.2.base.rdb seq 2 type b\n
//! file appendonly.aof.1.incr.aof seq 1 type h\n
//! file "name with spaces.aof" seq 3 type i startoffset 10 endoffset 99\n
//! ```
//!
//! Reading mirrors `aof.c: aofLoadManifestFromFile()` byte for byte, since
//! a manifest Redis refuses must be refused here with the same message:
//! lines are `fgets` chunks of at most 1024 bytes, `#` lines are skipped
//! before anything else, every other line must end in LF, is trimmed of
//! ` \t\r\n`, tokenized by `sds.c: sdssplitargs()` (quotes and escapes) and
//! must hold at least three key/value pairs. Keys are case-insensitive,
//! the last duplicate wins, `seq` is `atoll`, only the first byte of `type`
//! counts. Keys other than `file`/`seq`/`type` (Redis 8 adds `startoffset` and
//! `endoffset`) are kept in order and written back.
//!
//! Writing mirrors `aofInfoFormat()` / `getAofManifestAsString()`: BASE, then
//! HISTORY, then INCR, one `file <name> seq <n> type <t>` line each, the name
//! quoted `sdscatrepr`-style when `sdsneedsrepr` says so.

use std::fmt;

use super::resp::{is_c_space, strtol};

/// Longest manifest chunk (`MANIFEST_MAX_LINE`, read with `fgets(buf, 1025)`).
pub const MANIFEST_MAX_LINE: usize = 1024;

/// The role of a file in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AofFileType {
    /// `b`: the snapshot the INCR files apply to.
    Base,
    /// `h`: superseded by a rewrite, never loaded.
    History,
    /// `i`: commands appended after the BASE.
    Incr,
}

impl AofFileType {
    /// The manifest letter.
    pub fn letter(self) -> u8 {
        match self {
            AofFileType::Base => b'b',
            AofFileType::History => b'h',
            AofFileType::Incr => b'i',
        }
    }

    fn from_letter(b: u8) -> Option<Self> {
        match b {
            b'b' => Some(AofFileType::Base),
            b'h' => Some(AofFileType::History),
            b'i' => Some(AofFileType::Incr),
            _ => None,
        }
    }
}

/// One manifest line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ManifestEntry {
    /// The file name (bytes: Redis allows any non-path name).
    pub file: Vec<u8>,
    /// The sequence number.
    pub seq: i64,
    /// BASE, HISTORY or INCR.
    pub file_type: AofFileType,
    /// Other key/value pairs, in file order (e.g. `startoffset`).
    pub extra: Vec<(Vec<u8>, Vec<u8>)>,
}

impl ManifestEntry {
    /// The file name, lossily decoded for paths and messages.
    pub fn file_name(&self) -> String {
        String::from_utf8_lossy(&self.file).into_owned()
    }
}

/// A parsed manifest, grouped the way Redis keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Manifest {
    /// The BASE entry, if any (at most one).
    pub base: Option<ManifestEntry>,
    /// HISTORY entries in file order.
    pub history: Vec<ManifestEntry>,
    /// INCR entries in file order, which is strictly increasing `seq`.
    pub incr: Vec<ManifestEntry>,
}

/// Why a manifest was rejected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ManifestError {
    /// 1-based `fgets` chunk number, when a line was being parsed.
    pub line: Option<usize>,
    /// The trimmed line, as Redis echoes it (`>>> '<line>'`).
    pub text: Option<Vec<u8>>,
    /// What is wrong.
    pub kind: ManifestErrorKind,
}

/// The kinds of [`ManifestError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum ManifestErrorKind {
    /// The file has no bytes.
    Empty,
    /// A non-comment chunk holds no LF (includes an unterminated last line).
    LineTooLong,
    /// Blank line, bad quoting, too few or odd tokens, missing key, seq 0.
    InvalidFormat,
    /// A `file` value containing `/` or `\`.
    FileIsPath,
    /// A second `type b` line.
    DuplicateBase,
    /// An INCR whose seq is not above the previous INCR's.
    NonMonotonicSeq,
    /// A type letter other than `b`, `h`, `i`.
    UnknownType,
    /// Writing: a name Redis could not read back (NUL byte, or a path).
    Unwritable,
}

impl ManifestErrorKind {
    /// The exact string redis-server / redis-check-aof print.
    pub fn redis_message(self) -> &'static str {
        match self {
            ManifestErrorKind::Empty => "Found an empty AOF manifest",
            ManifestErrorKind::LineTooLong => "The AOF manifest file contains too long line",
            ManifestErrorKind::InvalidFormat => "Invalid AOF manifest file format",
            ManifestErrorKind::FileIsPath => "File can't be a path, just a filename",
            ManifestErrorKind::DuplicateBase => "Found duplicate base file information",
            ManifestErrorKind::NonMonotonicSeq => "Found a non-monotonic sequence number",
            ManifestErrorKind::UnknownType => "Unknown AOF file type",
            ManifestErrorKind::Unwritable => "File name cannot be written to a manifest",
        }
    }
}

impl fmt::Display for ManifestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(line) = self.line {
            write!(f, "manifest line {line}: ")?;
        } else {
            f.write_str("manifest: ")?;
        }
        f.write_str(&self.kind.redis_message().to_lowercase())
    }
}

impl std::error::Error for ManifestError {}

/// The bytes before the first NUL: what C string functions see.
fn c_str(b: &[u8]) -> &[u8] {
    &b[..b.iter().position(|&c| c == 0).unwrap_or(b.len())]
}

fn trim(mut s: &[u8]) -> &[u8] {
    let strip = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    while s.first().is_some_and(strip) {
        s = &s[1..];
    }
    while s.last().is_some_and(strip) {
        s = &s[..s.len() - 1];
    }
    s
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// `sdssplitargs()`: `None` on unbalanced quotes or a closing quote not
/// followed by whitespace.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    let line = c_str(line);
    let at = |i: usize| line.get(i).copied();
    let mut p = 0;
    let mut out = Vec::new();
    loop {
        while at(p).is_some_and(is_c_space) {
            p += 1;
        }
        if p >= line.len() {
            return Some(out);
        }
        let (mut inq, mut insq, mut done) = (false, false, false);
        let mut cur = Vec::new();
        while !done {
            let c = at(p);
            if inq {
                match c {
                    Some(b'\\')
                        if at(p + 1) == Some(b'x')
                            && at(p + 2).and_then(hex_val).is_some()
                            && at(p + 3).and_then(hex_val).is_some() =>
                    {
                        let hi = at(p + 2).and_then(hex_val).unwrap_or(0);
                        let lo = at(p + 3).and_then(hex_val).unwrap_or(0);
                        cur.push(hi * 16 + lo);
                        p += 3;
                    }
                    Some(b'\\') if at(p + 1).is_some() => {
                        p += 1;
                        cur.push(match at(p).unwrap_or(0) {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 0x08,
                            b'a' => 0x07,
                            other => other,
                        });
                    }
                    Some(b'"') => {
                        if at(p + 1).is_some_and(|n| !is_c_space(n)) {
                            return None;
                        }
                        done = true;
                    }
                    None => return None,
                    Some(b) => cur.push(b),
                }
            } else if insq {
                match c {
                    Some(b'\\') if at(p + 1) == Some(b'\'') => {
                        p += 1;
                        cur.push(b'\'');
                    }
                    Some(b'\'') => {
                        if at(p + 1).is_some_and(|n| !is_c_space(n)) {
                            return None;
                        }
                        done = true;
                    }
                    None => return None,
                    Some(b) => cur.push(b),
                }
            } else {
                match c {
                    None | Some(b' ' | b'\n' | b'\r' | b'\t') => done = true,
                    Some(b'"') => inq = true,
                    Some(b'\'') => insq = true,
                    Some(b) => cur.push(b),
                }
            }
            if p < line.len() {
                p += 1;
            }
        }
        out.push(cur);
    }
}

/// `sdsneedsrepr()`, plus `'` and the empty name: Redis writes those bare,
/// and then cannot read its own manifest back, so we quote them.
fn needs_repr(s: &[u8]) -> bool {
    s.is_empty()
        || s.iter().any(|&b| {
            matches!(b, b'\\' | b'"' | b'\'') || !(0x20..=0x7e).contains(&b) || is_c_space(b)
        })
}

/// `sdscatrepr()`.
fn repr(s: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s {
        match b {
            b'\\' | b'"' => out.extend([b'\\', b]),
            b'\n' => out.extend(b"\\n"),
            b'\r' => out.extend(b"\\r"),
            b'\t' => out.extend(b"\\t"),
            0x07 => out.extend(b"\\a"),
            0x08 => out.extend(b"\\b"),
            0x20..=0x7e => out.push(b),
            _ => out.extend(format!("\\x{b:02x}").into_bytes()),
        }
    }
    out.push(b'"');
}

fn token(s: &[u8], out: &mut Vec<u8>) {
    if needs_repr(s) {
        repr(s, out);
    } else {
        out.extend(s);
    }
}

impl Manifest {
    /// Parses manifest bytes exactly as Redis does.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, ManifestError> {
        let err = |line: Option<usize>, text: Option<&[u8]>, kind| ManifestError {
            line,
            text: text.map(<[u8]>::to_vec),
            kind,
        };
        if bytes.is_empty() {
            return Err(err(None, None, ManifestErrorKind::Empty));
        }
        let mut m = Manifest::default();
        let mut maxseq: i64 = 0;
        let mut rest = bytes;
        let mut linenum = 0;
        while !rest.is_empty() {
            let n = super::resp::fgets_len(rest, MANIFEST_MAX_LINE).unwrap_or(rest.len());
            let buf = &rest[..n];
            rest = &rest[n..];
            linenum += 1;
            if buf[0] == b'#' {
                continue;
            }
            let cbuf = c_str(buf);
            if !cbuf.contains(&b'\n') {
                return Err(err(None, None, ManifestErrorKind::LineTooLong));
            }
            let line = trim(cbuf);
            let at = Some(linenum);
            let invalid = || err(at, Some(line), ManifestErrorKind::InvalidFormat);
            if line.is_empty() {
                return Err(invalid());
            }
            let argv = split_args(line).ok_or_else(invalid)?;
            if argv.len() < 6 || argv.len() % 2 != 0 {
                return Err(invalid());
            }
            let (mut file, mut seq, mut file_type) = (None, 0i64, 0u8);
            let mut extra = Vec::new();
            for pair in argv.chunks_exact(2) {
                let (key, value) = (&pair[0], &pair[1]);
                let k = c_str(key);
                if k.eq_ignore_ascii_case(b"file") {
                    let name = c_str(value).to_vec();
                    if name.iter().any(|&b| b == b'/' || b == b'\\') {
                        return Err(err(at, Some(line), ManifestErrorKind::FileIsPath));
                    }
                    file = Some(name);
                } else if k.eq_ignore_ascii_case(b"seq") {
                    seq = strtol(c_str(value)).value;
                } else if k.eq_ignore_ascii_case(b"type") {
                    file_type = value.first().copied().unwrap_or(0);
                } else {
                    extra.push((key.clone(), value.clone()));
                }
            }
            let Some(file) = file.filter(|_| seq != 0 && file_type != 0) else {
                return Err(invalid());
            };
            let Some(file_type) = AofFileType::from_letter(file_type) else {
                return Err(err(at, Some(line), ManifestErrorKind::UnknownType));
            };
            let entry = ManifestEntry {
                file,
                seq,
                file_type,
                extra,
            };
            match file_type {
                AofFileType::Base if m.base.is_some() => {
                    return Err(err(at, Some(line), ManifestErrorKind::DuplicateBase));
                }
                AofFileType::Base => m.base = Some(entry),
                AofFileType::History => m.history.push(entry),
                AofFileType::Incr => {
                    if seq <= maxseq {
                        return Err(err(at, Some(line), ManifestErrorKind::NonMonotonicSeq));
                    }
                    maxseq = seq;
                    m.incr.push(entry);
                }
            }
        }
        Ok(m)
    }

    /// The files Redis loads, in order: the BASE, then every INCR.
    pub fn load_order(&self) -> impl Iterator<Item = &ManifestEntry> {
        self.base.iter().chain(self.incr.iter())
    }

    /// The manifest in Redis's writer format. Fails for names Redis could
    /// not read back (a NUL byte, `/` or `\`).
    pub fn to_bytes(&self) -> Result<Vec<u8>, ManifestError> {
        let mut out = Vec::new();
        let entries = self
            .base
            .iter()
            .chain(self.history.iter())
            .chain(self.incr.iter());
        for e in entries {
            if e.file.iter().any(|&b| matches!(b, 0 | b'/' | b'\\')) {
                return Err(ManifestError {
                    line: None,
                    text: Some(e.file.clone()),
                    kind: ManifestErrorKind::Unwritable,
                });
            }
            out.extend(b"file ");
            token(&e.file, &mut out);
            out.extend(format!(" seq {} type ", e.seq).into_bytes());
            out.push(e.file_type.letter());
            for (k, v) in &e.extra {
                out.push(b' ');
                token(k, &mut out);
                out.push(b' ');
                token(v, &mut out);
            }
            out.push(b'\n');
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(file: &[u8], seq: i64, t: AofFileType) -> ManifestEntry {
        ManifestEntry {
            file: file.to_vec(),
            seq,
            file_type: t,
            extra: vec![],
        }
    }

    fn kind(bytes: &[u8]) -> (Option<usize>, ManifestErrorKind) {
        match Manifest::parse(bytes) {
            Err(e) => (e.line, e.kind),
            Ok(m) => panic!("accepted: {m:?}"),
        }
    }

    #[test]
    fn parses_the_writer_format() {
        let text = b"file appendonly.aof.2.base.rdb seq 2 type b\n\
                     file appendonly.aof.1.incr.aof seq 1 type h\n\
                     file appendonly.aof.2.incr.aof seq 2 type i\n\
                     file appendonly.aof.3.incr.aof seq 3 type i startoffset 10 endoffset 99\n";
        let m = Manifest::parse(text).unwrap_or_default();
        assert_eq!(
            m.base,
            Some(entry(b"appendonly.aof.2.base.rdb", 2, AofFileType::Base))
        );
        assert_eq!(m.history.len(), 1);
        assert_eq!(m.incr.len(), 2);
        assert_eq!(
            m.incr[1].extra,
            vec![
                (b"startoffset".to_vec(), b"10".to_vec()),
                (b"endoffset".to_vec(), b"99".to_vec())
            ]
        );
        let order: Vec<_> = m.load_order().map(|e| e.seq).collect();
        assert_eq!(order, [2, 2, 3]);
        assert_eq!(m.to_bytes().unwrap_or_default(), text.to_vec());
    }

    #[test]
    fn redis_test_suite_name() {
        // tests/integration/aof-multi-part.tcl
        let text = b"file \" file seq \\n\\n.aof .2.base.rdb\" seq 2 type b\n";
        let m = Manifest::parse(text).unwrap_or_default();
        let base = m
            .base
            .clone()
            .unwrap_or_else(|| entry(b"", 0, AofFileType::Base));
        assert_eq!(base.file, b" file seq \n\n.aof .2.base.rdb");
        assert_eq!(m.to_bytes().unwrap_or_default(), text.to_vec());
    }

    #[test]
    fn reader_leniency() {
        // Comments, CRLF, tabs, case-insensitive keys, last duplicate wins,
        // atoll seq, first letter of type, single quotes, key order.
        let text = b"# comment\r\n\tFILE 'a b' SEQ 7x Type base file c seq 3\r\n";
        let m = Manifest::parse(text).unwrap_or_default();
        assert_eq!(m.base, Some(entry(b"c", 3, AofFileType::Base)));
        // A manifest of only comments is legal and empty.
        assert_eq!(Manifest::parse(b"# x\n"), Ok(Manifest::default()));
        // Negative seq is fine for b/h.
        assert!(Manifest::parse(b"file a seq -1 type h\n").is_ok());
        // Gaps are fine; only INCRs must increase.
        assert!(Manifest::parse(
            b"file a seq 1 type i\nfile b seq 3 type i\nfile c seq 1 type h\n"
        )
        .is_ok());
    }

    #[test]
    fn errors_like_redis() {
        use ManifestErrorKind::*;
        assert_eq!(kind(b""), (None, Empty));
        assert_eq!(kind(b"file a seq 1 type b"), (None, LineTooLong));
        assert_eq!(kind(b"file a seq 1 type b\n\n"), (Some(2), InvalidFormat));
        assert_eq!(kind(b"file a seq 1\n"), (Some(1), InvalidFormat));
        assert_eq!(kind(b"file a seq 1 type b x\n"), (Some(1), InvalidFormat));
        assert_eq!(kind(b"file \"a seq 1 type b\n"), (Some(1), InvalidFormat));
        assert_eq!(
            kind(b"file \"a\"b seq 1 type b\n"),
            (Some(1), InvalidFormat)
        );
        assert_eq!(kind(b"file a seq 0 type b\n"), (Some(1), InvalidFormat));
        assert_eq!(kind(b"file a seq x type b\n"), (Some(1), InvalidFormat));
        assert_eq!(kind(b"file a seq 1 type \"\"\n"), (Some(1), InvalidFormat));
        assert_eq!(kind(b"fil a seq 1 type b\n"), (Some(1), InvalidFormat));
        assert_eq!(kind(b"file d/a seq 1 type b\n"), (Some(1), FileIsPath));
        assert_eq!(kind(b"file d\\\\a seq 1 type b\n"), (Some(1), FileIsPath));
        assert_eq!(
            kind(b"file \"d\\\\a\" seq 1 type b\n"),
            (Some(1), FileIsPath)
        );
        assert_eq!(
            kind(b"file a seq 1 type b\nfile b seq 2 type b\n"),
            (Some(2), DuplicateBase)
        );
        assert_eq!(
            kind(b"#c\nfile a seq 2 type i\nfile b seq 2 type i\n"),
            (Some(3), NonMonotonicSeq)
        );
        assert_eq!(kind(b"file a seq -2 type i\n"), (Some(1), NonMonotonicSeq));
        assert_eq!(kind(b"file a seq 1 type x\n"), (Some(1), UnknownType));
        // A NUL before the LF hides the LF from strchr.
        assert_eq!(kind(b"file a\0 seq 1 type b\n"), (None, LineTooLong));
        // A comment chunk longer than 1024 bytes: its tail is a line.
        let mut long = b"#".to_vec();
        long.extend([b'x'; 1100]);
        long.push(b'\n');
        assert_eq!(kind(&long), (Some(2), InvalidFormat));
        let e = Manifest::parse(b"file a seq 1 type x\n").err();
        assert_eq!(
            e.as_ref().map(|e| e.to_string()),
            Some("manifest line 1: unknown aof file type".into())
        );
        assert_eq!(
            e.and_then(|e| e.text),
            Some(b"file a seq 1 type x".to_vec())
        );
    }

    #[test]
    fn split_args_like_sds() {
        let s = |x: &[u8]| split_args(x);
        assert_eq!(s(b"  a  b "), Some(vec![b"a".to_vec(), b"b".to_vec()]));
        assert_eq!(s(b"\"\\x41\\n\\q\""), Some(vec![b"A\nq".to_vec()]));
        assert_eq!(
            s(b"'it\\'s' x"),
            Some(vec![b"it's".to_vec(), b"x".to_vec()])
        );
        assert_eq!(s(b"ab\"c d\"e"), None);
        assert_eq!(
            s(b"ab\"c d\" e"),
            Some(vec![b"abc d".to_vec(), b"e".to_vec()])
        );
        assert_eq!(s(b"\"\\x4\""), Some(vec![b"x4".to_vec()]));
        assert_eq!(s(b"'a"), None);
        assert_eq!(s(b""), Some(vec![]));
    }

    #[test]
    fn quoting_round_trip() {
        let names: [&[u8]; 8] = [
            b"appendonly.aof.1.base.rdb",
            b" file seq \n\n.aof .2.base.rdb",
            b"it's.aof",
            b"tab\there\"quote\"",
            b"\x07\x08\r\x7f\x80\xff.aof",
            "caf\u{e9}.aof".as_bytes(),
            b"",
            b"#not-a-comment",
        ];
        for (i, name) in names.iter().enumerate() {
            let mut e = entry(name, i as i64 + 1, AofFileType::Incr);
            e.extra = vec![(b"k y".to_vec(), b"v\"".to_vec())];
            let m = Manifest {
                base: Some(entry(b"b.rdb", 1, AofFileType::Base)),
                history: vec![entry(name, 9, AofFileType::History)],
                incr: vec![e],
            };
            let bytes = m.to_bytes().unwrap_or_default();
            assert_eq!(
                Manifest::parse(&bytes),
                Ok(m),
                "{:?}",
                String::from_utf8_lossy(&bytes)
            );
        }
        let bad = Manifest {
            incr: vec![entry(b"a/b", 1, AofFileType::Incr)],
            ..Manifest::default()
        };
        assert!(bad.to_bytes().is_err());
    }

    #[test]
    fn repr_matches_sdscatrepr() {
        let mut out = Vec::new();
        repr(b"a\\\"\n\r\t\x07\x08\x01\xff", &mut out);
        assert_eq!(out, b"\"a\\\\\\\"\\n\\r\\t\\a\\b\\x01\\xff\"".to_vec());
    }
}
