//! Streaming over the RESP part of one AOF file, item by item.
//!
//! The scanner keeps only the item being parsed in memory. It follows the
//! per-file execution context the server's loader has (`aof.c:
//! loadSingleAppendOnlyFile`, one fresh fake client per file): the selected
//! DB starts at 0, `MULTI`/`EXEC` nesting is tracked, and the last `#TS:`
//! seen is remembered. It is as strict as redis-check-aof: a nested `MULTI`,
//! an `EXEC` without `MULTI` and a file ending inside a transaction are
//! errors, reported after the items that preceded them.

use std::io::Read;

use nom::{Err, Needed};

use super::command::c_str_eq_ignore_case;
use super::error::{AofError, AofErrorKind};
use super::input::Input;
use super::resp::{self, Annotation, RespItem};

/// Default cap on one buffered record: a corrupt length larger than this is
/// reported instead of being honoured by reading the rest of the file into
/// memory. Redis's own bulk limit (`proto-max-bulk-len`) defaults to 512 MiB.
pub const DEFAULT_MAX_RECORD_LEN: u64 = 1 << 30;

/// One item yielded by [`AofScanner::next_item`], borrowing its bytes from
/// the scanner's buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanItem<'a> {
    /// Absolute offset of the item's first byte.
    pub offset: u64,
    /// Length of the item in bytes.
    pub len: u64,
    /// The item itself.
    pub item: RespItem<'a>,
    /// The DB a command runs in. For `SELECT` it is the newly selected DB.
    pub db: u64,
    /// True for a command queued between `MULTI` and `EXEC` (false for the
    /// `MULTI` and `EXEC` records themselves).
    pub queued: bool,
}

/// Reads the RESP part of one AOF file.
pub struct AofScanner<R> {
    input: Input<R>,
    max_record_len: u64,
    size_hint: Option<u64>,
    db: u64,
    multi_at: Option<u64>,
    last_timestamp: Option<i64>,
    commands: u64,
    done: bool,
    /// Length of the item last yielded: it stays borrowed by the caller
    /// until the next call, so it is consumed then.
    yielded: usize,
    /// Whether [`AofScanner::resync`] must step over the current byte: not
    /// after a nested `MULTI`, which starts the transaction to resume with.
    resync_from_here: bool,
}

impl<R: Read> AofScanner<R> {
    /// Scans `reader`, whose first byte is at absolute offset `start_offset`
    /// (non-zero when the caller already consumed an RDB preamble: position
    /// the reader right after it).
    pub fn new(reader: R, start_offset: u64) -> Self {
        AofScanner {
            input: Input::new(reader, start_offset),
            max_record_len: DEFAULT_MAX_RECORD_LEN,
            size_hint: None,
            db: 0,
            multi_at: None,
            last_timestamp: None,
            commands: 0,
            done: false,
            yielded: 0,
            resync_from_here: false,
        }
    }

    /// Caps the bytes one record may occupy in memory.
    pub fn with_max_record_len(mut self, limit: u64) -> Self {
        self.max_record_len = limit;
        self
    }

    /// Tells the scanner the file's total size, so a length running past it
    /// is reported as truncation at once, without reading the rest.
    pub fn with_file_size(mut self, size: u64) -> Self {
        self.size_hint = Some(size);
        self
    }

    /// Absolute offset of the next unread byte.
    pub fn offset(&self) -> u64 {
        self.input.offset() + self.yielded as u64
    }

    /// The DB currently selected.
    pub fn db(&self) -> u64 {
        self.db
    }

    /// Offset of the `MULTI` of the open transaction, if any.
    pub fn open_multi(&self) -> Option<u64> {
        self.multi_at
    }

    /// The value of the last valid `#TS:` annotation read.
    pub fn last_timestamp(&self) -> Option<i64> {
        self.last_timestamp
    }

    /// Number of complete records yielded so far.
    pub fn commands(&self) -> u64 {
        self.commands
    }

    /// The next item; `Ok(None)` at a clean end of file. After an error the
    /// scanner yields nothing more until [`AofScanner::resync`] is called.
    pub fn next_item(&mut self) -> Result<Option<ScanItem<'_>>, AofError> {
        self.input.consume(std::mem::take(&mut self.yielded));
        if self.done {
            return Ok(None);
        }
        let start = self.input.offset();
        let len = match self.measure(start) {
            Ok(Some(len)) => len,
            Ok(None) => {
                self.done = true;
                return match self.multi_at {
                    Some(at) => Err(AofError::new(
                        at,
                        AofErrorKind::UnterminatedMulti { multi_offset: at },
                    )),
                    None => Ok(None),
                };
            }
            Err(e) => {
                self.done = true;
                return Err(e);
            }
        };
        // Measured above, so this parse sees a complete item; a mismatch is
        // impossible, but reported rather than unwrapped.
        let data = &self.input.data()[..len];
        let item = match resp::item(data) {
            Ok((_, item)) => item,
            Err(_) => match resp::annotation_at_eof(data) {
                Some(a) => RespItem::Annotation(a),
                None => {
                    self.done = true;
                    return Err(AofError::new(start, AofErrorKind::Truncated));
                }
            },
        };
        let mut queued = false;
        match &item {
            RespItem::Annotation(Annotation::Timestamp { secs, .. }) => {
                self.last_timestamp = Some(*secs);
            }
            RespItem::Annotation(Annotation::Other(_)) => {}
            RespItem::Command(cmd) => {
                let name = cmd.name().unwrap_or_default();
                if c_str_eq_ignore_case(name, b"multi") {
                    if self.multi_at.is_some() {
                        self.done = true;
                        self.resync_from_here = true;
                        return Err(AofError::new(start, AofErrorKind::NestedMulti));
                    }
                    self.multi_at = Some(start);
                } else if c_str_eq_ignore_case(name, b"exec") {
                    if self.multi_at.take().is_none() {
                        self.done = true;
                        return Err(AofError::new(start, AofErrorKind::ExecWithoutMulti));
                    }
                } else {
                    queued = self.multi_at.is_some();
                    if cmd.is("select") {
                        if let Some(db) = cmd.args.get(1).and_then(|a| parse_db(a)) {
                            self.db = db;
                        }
                    }
                }
                self.commands += 1;
            }
        }
        self.yielded = len;
        Ok(Some(ScanItem {
            offset: start,
            len: len as u64,
            item,
            db: self.db,
            queued,
        }))
    }

    /// Finds the length of the next item, reading as needed. `Ok(None)` is
    /// a clean end of file.
    fn measure(&mut self, start: u64) -> Result<Option<usize>, AofError> {
        loop {
            let data = self.input.data();
            let needed = match resp::item(data) {
                Ok((rest, _)) => return Ok(Some(data.len() - rest.len())),
                Err(Err::Error(e) | Err::Failure(e)) => {
                    let (_, bad) = e.offsets(data.len());
                    return Err(AofError::new(
                        start + bad as u64,
                        AofErrorKind::Malformed(e.kind),
                    ));
                }
                Err(Err::Incomplete(Needed::Size(n))) => n.get(),
                Err(Err::Incomplete(Needed::Unknown)) => 1,
            };
            let have = data.len() as u64;
            let total = have.saturating_add(needed as u64);
            if let Some(size) = self.size_hint {
                if start.saturating_add(total) > size {
                    return Err(AofError::new(start, AofErrorKind::Truncated));
                }
            }
            if total > self.max_record_len {
                return Err(AofError::new(
                    start,
                    AofErrorKind::RecordTooLarge {
                        needed: total,
                        limit: self.max_record_len,
                    },
                ));
            }
            // Growing geometrically keeps re-parsing a record with many
            // arguments at O(log size) passes instead of one per chunk.
            let grow = needed.max(usize::try_from(have).unwrap_or(usize::MAX));
            let added = self
                .input
                .fill(start, grow)
                .map_err(|e| AofError::io(self.input.offset(), e))?;
            if added == 0 {
                let data = self.input.data();
                return match data.first() {
                    None => Ok(None),
                    Some(b'#') => Ok(Some(data.len().min(resp::ANNOTATION_LINE_MAX))),
                    Some(_) => Err(AofError::new(start, AofErrorKind::Truncated)),
                };
            }
        }
    }

    /// Skips to the next plausible record start (`*<n>\r\n$`) after an
    /// error, forgetting any open transaction. Returns its offset, or `None`
    /// when the file holds no further record.
    pub fn resync(&mut self) -> Result<Option<u64>, AofError> {
        let skip = if std::mem::take(&mut self.resync_from_here) {
            0
        } else {
            1
        };
        self.input
            .consume(std::mem::take(&mut self.yielded).max(skip));
        self.multi_at = None;
        let found = self
            .input
            .find_resync()
            .map_err(|e| AofError::io(self.input.offset(), e))?;
        self.done = found.is_none();
        Ok(found)
    }
}

/// `SELECT` argument as the server accepts it (`string2ll`, non-negative).
fn parse_db(arg: &[u8]) -> Option<u64> {
    if arg.len() > 1 && arg[0] == b'0' {
        return None;
    }
    std::str::from_utf8(arg).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aof::writer::encode_command;

    /// `(offset, args, db, queued)` of each command.
    type Seen = Vec<(u64, Vec<Vec<u8>>, u64, bool)>;

    fn collect(data: &[u8], start: u64) -> (Seen, Option<AofError>) {
        let mut s = AofScanner::new(data, start);
        let mut out = Vec::new();
        loop {
            match s.next_item() {
                Ok(Some(it)) => {
                    if let RespItem::Command(c) = &it.item {
                        out.push((
                            it.offset,
                            c.args.iter().map(|a| a.to_vec()).collect(),
                            it.db,
                            it.queued,
                        ));
                    }
                }
                Ok(None) => return (out, None),
                Err(e) => return (out, Some(e)),
            }
        }
    }

    #[test]
    fn tracks_db_multi_and_timestamp() {
        let mut f = b"#TS:100\r\n".to_vec();
        f.extend(encode_command(&["SELECT", "3"]));
        f.extend(encode_command(&["MULTI"]));
        f.extend(encode_command(&["SET", "a", "1"]));
        f.extend(encode_command(&["select", "5"]));
        f.extend(encode_command(&["EXEC"]));
        f.extend(b"#TS:101\r\n");
        f.extend(encode_command(&["DEL", "a"]));
        let mut s = AofScanner::new(f.as_slice(), 7);
        let mut seen = Vec::new();
        while let Some(it) = s.next_item().ok().flatten() {
            seen.push((it.offset, it.db, it.queued));
        }
        assert_eq!(s.last_timestamp(), Some(101));
        assert_eq!(s.commands(), 6);
        assert_eq!(s.offset(), 7 + f.len() as u64);
        let dbs: Vec<_> = seen.iter().map(|x| (x.1, x.2)).collect();
        assert_eq!(
            dbs,
            [
                (0, false),
                (3, false),
                (3, false),
                (3, true),
                (5, true),
                (5, false),
                (5, false),
                (5, false)
            ]
        );
        assert_eq!(seen[1].0, 7 + 9);
    }

    #[test]
    fn errors_are_located() {
        let mut f = encode_command(&["SET", "a", "1"]);
        let bad = f.len() as u64;
        f.extend(b"!!!");
        let (cmds, err) = collect(&f, 0);
        assert_eq!(cmds.len(), 1);
        let err = err.map(|e| (e.offset, e.kind.to_string()));
        assert_eq!(
            err,
            Some((
                bad,
                "malformed record: item starts with byte 0x21 instead of '*' or '#'".into()
            ))
        );

        let mut f = encode_command(&["MULTI"]);
        f.extend(encode_command(&["SET", "a", "1"]));
        let (cmds, err) = collect(&f, 10);
        assert_eq!(cmds.len(), 2);
        assert!(matches!(
            err,
            Some(AofError {
                offset: 10,
                kind: AofErrorKind::UnterminatedMulti { multi_offset: 10 }
            })
        ));

        let f = encode_command(&["EXEC"]);
        assert!(matches!(
            collect(&f, 0).1,
            Some(AofError {
                offset: 0,
                kind: AofErrorKind::ExecWithoutMulti
            })
        ));
    }

    #[test]
    fn truncation_and_huge_lengths() {
        let f = encode_command(&["SET", "key", "value"]);
        for cut in 1..f.len() {
            let (cmds, err) = collect(&f[..cut], 0);
            assert!(cmds.is_empty());
            assert!(
                matches!(
                    err,
                    Some(AofError {
                        offset: 0,
                        kind: AofErrorKind::Truncated
                    })
                ),
                "cut {cut}"
            );
        }
        let huge = b"*1\r\n$1152921504606846976\r\nabc";
        let (_, err) = collect(huge, 0);
        assert!(matches!(
            err,
            Some(AofError {
                kind: AofErrorKind::RecordTooLarge { .. },
                ..
            })
        ));
        let mut s = AofScanner::new(huge.as_slice(), 0).with_file_size(huge.len() as u64);
        assert!(matches!(
            s.next_item(),
            Err(AofError {
                kind: AofErrorKind::Truncated,
                ..
            })
        ));
    }

    #[test]
    fn resync_after_damage() {
        let mut f = encode_command(&["SET", "a", "1"]);
        f.extend(b"garbage");
        let good = f.len() as u64;
        f.extend(encode_command(&["SET", "b", "2"]));
        let mut s = AofScanner::new(f.as_slice(), 0);
        assert!(matches!(s.next_item(), Ok(Some(_))));
        assert!(s.next_item().is_err());
        assert!(matches!(s.next_item(), Ok(None)));
        assert_eq!(s.resync().ok().flatten(), Some(good));
        assert!(matches!(s.next_item(), Ok(Some(ScanItem { offset, .. })) if offset == good));
        assert!(matches!(s.next_item(), Ok(None)));
    }

    #[test]
    fn record_larger_than_a_read_chunk() {
        let args: Vec<String> = (0..100_000).map(|i| i.to_string()).collect();
        let f = encode_command(&args);
        let mut s = AofScanner::new(f.as_slice(), 0);
        match s.next_item() {
            Ok(Some(ScanItem {
                item: RespItem::Command(c),
                len,
                ..
            })) => {
                assert_eq!(c.args.len(), 100_000);
                assert_eq!(len, f.len() as u64);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(s.next_item(), Ok(None)));
    }

    #[test]
    fn unterminated_annotation_at_eof_is_an_item() {
        let f = b"#TS:5";
        let mut s = AofScanner::new(f.as_slice(), 0);
        assert!(matches!(s.next_item(), Ok(Some(ScanItem { len: 5, .. }))));
        assert!(matches!(s.next_item(), Ok(None)));
    }
}
