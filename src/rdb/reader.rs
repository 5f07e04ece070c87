//! Streams an RDB file record by record from any `io::Read`.
//!
//! Memory holds one buffer that grows only to fit the largest single record
//! (a key with its whole value); the file itself is never held. Records
//! borrow from that buffer, so nothing is copied unless a caller decodes a
//! value. The CRC-64 is computed over consumed bytes in large batches.
//!
//! Mirrors `rdbLoadRioWithLoadingCtx`: key prefixes (expire, idle, freq,
//! key metadata) are attached to the next key and survive AUX records in
//! between, as in Redis.

use std::io::{self, Read};

use super::consts::*;
use super::elements::has_element_pieces;
use super::error::{PError, RdbError, RdbErrorKind};
use super::frame::{FrameLimits, Piece, ValueWalker};
use super::header::{parse_header, Dialect, Family, RdbHeader, HEADER_LEN};
use super::kind::ObjectKind;
use super::primitives::{rdb_str, RdbStr};
use super::record::{parse_record, RawRecord};
use crate::codec::crc64::Crc64;

/// Initial buffer size; reads are made in chunks of at most this much
/// free space, which is large enough to stream from the page cache at
/// memory speed.
const INITIAL_BUFFER: usize = 1 << 20;

/// The unit an expire was stored in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    /// `EXPIRETIME` (RDB 1+).
    Seconds,
    /// `EXPIRETIME_MS` (RDB 3+).
    Milliseconds,
}

/// A key's absolute expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expire {
    /// Unix time in milliseconds.
    pub ms: i64,
    /// How it was stored.
    pub unit: TimeUnit,
}

/// A key and its still-encoded value.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRecord<'a> {
    /// Database number (from the last `SELECTDB`, 0 before any).
    pub db: u64,
    /// The key name.
    pub key: RdbStr<'a>,
    /// The type byte as stored.
    pub type_byte: u8,
    /// Its layout.
    pub kind: ObjectKind,
    /// The value's bytes, undecoded; empty when the value was too large to
    /// hold and was only walked (see [`ReaderOptions::max_held_value`]).
    pub body: &'a [u8],
    /// The value's size in the file.
    pub value_len: u64,
    /// File offset of the value's first byte.
    pub body_offset: u64,
    /// Expiry, if any.
    pub expire: Option<Expire>,
    /// LRU idle seconds, if stored.
    pub idle: Option<u64>,
    /// LFU counter, if stored.
    pub freq: Option<u8>,
    /// Redis 8.6 key metadata block (after its opcode), if stored.
    pub key_meta: Option<Vec<u8>>,
    /// Redis Enterprise `RAM_LRU` hint, if stored.
    pub ram_lru: Option<u64>,
}

impl KeyRecord<'_> {
    /// True when [`KeyRecord::body`] holds the whole value.
    pub fn value_held(&self) -> bool {
        self.body.len() as u64 == self.value_len
    }
}

/// How the trailer checksum compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// RDB version < 5: no trailer.
    Absent,
    /// Stored as zero: written with `rdbchecksum no`.
    Disabled,
    /// Stored and computed agree.
    Ok(u64),
    /// They differ.
    Mismatch {
        /// Stored in the file.
        stored: u64,
        /// Computed over the file.
        computed: u64,
    },
}

/// One record of the file.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Record<'a> {
    /// `AUX key value`.
    Aux {
        /// Field name.
        key: RdbStr<'a>,
        /// Field value.
        value: RdbStr<'a>,
    },
    /// `SELECTDB`.
    SelectDb {
        /// Database number.
        db: u64,
    },
    /// `RESIZEDB` size hints.
    ResizeDb {
        /// Keys in the db.
        db_size: u64,
        /// Keys with an expire.
        expires_size: u64,
    },
    /// Redis 7.4 cluster `SLOT_INFO` size hints.
    SlotInfo {
        /// Slot number.
        slot: u64,
        /// Keys in the slot.
        slot_size: u64,
        /// Keys with an expire.
        expires_size: u64,
    },
    /// Valkey 9 `SLOT_IMPORT` job.
    SlotImport {
        /// 40-character job name.
        job: RdbStr<'a>,
        /// Inclusive slot ranges.
        ranges: Vec<(u64, u64)>,
    },
    /// A function library (`FUNCTION2`).
    Function {
        /// The library's source code.
        code: RdbStr<'a>,
    },
    /// Module auxiliary data.
    ModuleAux {
        /// Module id.
        module_id: u64,
        /// 1 = before the keyspace, 2 = after.
        when: u64,
        /// The items, undecoded.
        body: &'a [u8],
    },
    /// A vendor opcode that was skipped (Redis Enterprise 121 `SLOT_NUM`).
    Vendor {
        /// The opcode.
        opcode: u8,
        /// Its value.
        value: u64,
    },
    /// A key with its value.
    Key(KeyRecord<'a>),
    /// `EOF` and the trailer.
    End {
        /// The checksum comparison.
        checksum: Checksum,
    },
}

/// A record with its place in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<'a> {
    /// Byte offset of the record's first byte (for a key, its type byte).
    pub offset: u64,
    /// The record's length in bytes.
    pub len: u64,
    /// The record.
    pub record: Record<'a>,
}

/// Options for [`RdbReader`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ReaderOptions {
    /// Total input size, when known (a regular file). Lengths that cannot
    /// fit are then refused at once instead of after reading to the end.
    pub size_hint: Option<u64>,
    /// Values larger than this many bytes are walked piece by piece and not
    /// held (their `body` is empty), keeping memory flat however large a
    /// value is. `None` holds every value, as decoding needs.
    pub max_held_value: Option<usize>,
    /// Which values larger than `max_held_value` are walked.
    pub large: LargeValues,
}

/// What the reader does with a value larger than
/// [`ReaderOptions::max_held_value`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LargeValues {
    /// Walk it, whatever its kind, and hand its pieces to the
    /// [`PieceSink`] (which may ignore them).
    #[default]
    Walk,
    /// Walk it only when its pieces can be decoded into elements (a count
    /// followed by items: see [`has_element_pieces`]); hold the others.
    ElementPieces,
}

/// A key record whose value is being walked, not held.
#[derive(Debug, Clone, Copy)]
pub struct WalkedKey<'a> {
    /// Database number.
    pub db: u64,
    /// Key name.
    pub key: &'a [u8],
    /// The value's layout.
    pub kind: ObjectKind,
    /// Absolute expiry, when a prefix gave one.
    pub expire: Option<Expire>,
    /// LRU idle seconds, when stored.
    pub idle: Option<u64>,
    /// LFU counter, when stored.
    pub freq: Option<u8>,
    /// Offset of the value's first byte.
    pub body_offset: u64,
}

/// Receives the pieces of values too large to hold, as the reader walks
/// them (before [`RdbReader::next_record_with`] returns their record).
pub trait PieceSink {
    /// A walked value begins; return whether its pieces are wanted.
    fn begin(&mut self, _key: &WalkedKey<'_>) -> bool {
        false
    }
    /// A piece of the value, with the file offset of its first byte. An
    /// error stops the read and is returned by `next_record_with`.
    fn piece(&mut self, _offset: u64, _piece: Piece<'_>) -> Result<(), RdbError> {
        Ok(())
    }
}

/// Wants no pieces.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPieces;

impl PieceSink for NoPieces {}

/// What [`RdbReader::measure`] found at the current position.
enum Measured {
    /// A whole record of this many bytes is in the buffer.
    Whole(usize),
    /// A key record too large to hold: its type and key take `head` bytes,
    /// its value is to be walked in pieces.
    Stream { head: usize, kind: ObjectKind },
}

#[derive(Debug, Default)]
struct Prefix {
    expire: Option<Expire>,
    idle: Option<u64>,
    freq: Option<u8>,
    key_meta: Option<Vec<u8>>,
    ram_lru: Option<u64>,
}

/// A streaming RDB reader.
pub struct RdbReader<R> {
    src: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    base: u64,
    crc: Crc64,
    crc_pos: usize,
    src_eof: bool,
    header: RdbHeader,
    dialect: Dialect,
    opts: ReaderOptions,
    db: u64,
    prefix: Prefix,
    done: bool,
    streamed_key: Vec<u8>,
}

impl<R: Read> RdbReader<R> {
    /// Reads the signature.
    pub fn new(src: R) -> Result<Self, RdbError> {
        Self::with_options(src, ReaderOptions::default())
    }

    /// Reads the signature, with options.
    pub fn with_options(src: R, opts: ReaderOptions) -> Result<Self, RdbError> {
        Self::with_prefix(src, Vec::new(), opts)
    }

    /// Like [`RdbReader::with_options`], for a source whose first bytes were
    /// already read (by content sniffing) and are passed as `already`.
    pub fn with_prefix(src: R, already: Vec<u8>, opts: ReaderOptions) -> Result<Self, RdbError> {
        let mut buf = already;
        let end = buf.len();
        // A small file needs no megabyte of buffer; the buffer grows anyway
        // when a record needs more.
        let initial = opts
            .size_hint
            .map_or(INITIAL_BUFFER, |s| (s as usize).clamp(4096, INITIAL_BUFFER));
        if buf.len() < initial {
            buf.resize(initial, 0);
        }
        let placeholder = RdbHeader {
            family: Family::Redis,
            version: 0,
            magic: [0; HEADER_LEN],
        };
        let mut r = RdbReader {
            src,
            buf,
            start: 0,
            end,
            base: 0,
            crc: Crc64::new(),
            crc_pos: 0,
            src_eof: false,
            dialect: Dialect::from_header(&placeholder),
            header: placeholder,
            opts,
            db: 0,
            prefix: Prefix::default(),
            done: false,
            streamed_key: Vec::new(),
        };
        while r.end < HEADER_LEN && !r.src_eof {
            r.fill()?;
        }
        let header = parse_header(&r.buf[..r.end])?;
        r.dialect = Dialect::from_header(&header);
        r.header = header;
        r.start = HEADER_LEN;
        Ok(r)
    }

    /// The file's signature.
    pub fn header(&self) -> &RdbHeader {
        &self.header
    }

    /// The dialect, refined by the AUX fields read so far.
    pub fn dialect(&self) -> &Dialect {
        &self.dialect
    }

    /// Bytes consumed so far: the offset of the next record.
    pub fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    /// The largest buffer the reader needed, a measure of peak memory.
    pub fn buffer_capacity(&self) -> usize {
        self.buf.len()
    }

    /// Counts the bytes left after the trailer, reading them all.
    pub fn count_trailing(&mut self) -> Result<u64, RdbError> {
        let mut n = (self.end - self.start) as u64;
        self.start = self.end;
        let mut scratch = vec![0u8; 64 * 1024];
        loop {
            match self.src.read(&mut scratch) {
                Ok(0) => return Ok(n),
                Ok(k) => n += k as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error(e)),
            }
        }
    }

    /// Gives back the source and the bytes already read from it past the
    /// last consumed record (for an AOF whose RDB preamble ends here).
    pub fn into_parts(mut self) -> (R, Vec<u8>, u64) {
        let offset = self.offset();
        self.buf.truncate(self.end);
        let rest = self.buf.split_off(self.start);
        (self.src, rest, offset)
    }

    fn io_error(&self, e: io::Error) -> RdbError {
        RdbError::new(self.base + self.end as u64, RdbErrorKind::Io(e.to_string()))
    }

    fn crc_to(&mut self, pos: usize) {
        if pos > self.crc_pos {
            self.crc.update(&self.buf[self.crc_pos..pos]);
            self.crc_pos = pos;
        }
    }

    /// Reads more input, compacting and growing the buffer as needed.
    fn fill(&mut self) -> Result<(), RdbError> {
        if self.start > 0 {
            self.crc_to(self.start);
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.crc_pos -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let new_len = (self.buf.len() * 2).max(4096);
            self.buf.resize(new_len, 0);
        }
        loop {
            match self.src.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.src_eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_error(e)),
            }
        }
    }

    fn limits(&self) -> FrameLimits {
        match self.opts.size_hint {
            Some(total) => FrameLimits {
                remaining: total.saturating_sub(self.offset()),
            },
            None => FrameLimits::UNKNOWN,
        }
    }

    fn perror(&self, e: PError) -> RdbError {
        RdbError::new(self.base + (self.end - e.remaining) as u64, e.kind)
    }

    /// Describes what was being read when the input ended.
    fn truncation(&self) -> RdbError {
        let rec = &self.buf[self.start..self.end];
        let at = self.offset();
        let what = match rec.first() {
            None => "the next record (or EOF opcode)".to_string(),
            Some(&b) => match ObjectKind::resolve(b, &self.dialect) {
                Some(kind) => match rdb_str(&rec[1..]) {
                    Ok((_, key)) => format!(
                        "the value of key {} ({}) that starts at offset {at}",
                        super::error::show_bytes(&key.to_bytes().unwrap_or_default()),
                        kind.name()
                    ),
                    Err(_) => format!("the key name of a {} record at offset {at}", kind.name()),
                },
                None => format!("the record with opcode 0x{b:02x} that starts at offset {at}"),
            },
        };
        RdbError::new(
            self.base + self.end as u64,
            RdbErrorKind::Truncated { what },
        )
    }

    /// Makes the next complete record available and returns its length,
    /// or finds a key record too large to hold.
    fn measure(&mut self) -> Result<Measured, RdbError> {
        loop {
            let input = &self.buf[self.start..self.end];
            match parse_record(input, &self.dialect, self.limits(), None) {
                Ok((rest, _)) => return Ok(Measured::Whole(input.len() - rest.len())),
                Err(nom::Err::Incomplete(needed)) => {
                    if self.src_eof {
                        return Err(self.truncation());
                    }
                    if let Some(m) = self.too_large_to_hold(input) {
                        return Ok(m);
                    }
                    if let (nom::Needed::Size(k), Some(total)) = (needed, self.opts.size_hint) {
                        // The input is known to end before the bytes this
                        // record needs: say so now instead of reading on.
                        let have = self.base + self.end as u64;
                        if have.saturating_add(k.get() as u64) > total {
                            let mut e = self.truncation();
                            e.offset = total;
                            if let RdbErrorKind::Truncated { what } = &mut e.kind {
                                let need = (self.end - self.start) as u64 + k.get() as u64;
                                let left = total.saturating_sub(self.offset());
                                what.push_str(&format!(
                                    " (it needs at least {need} bytes, {left} are left: the file is truncated or a length in it is corrupt)"
                                ));
                            }
                            return Err(e);
                        }
                    }
                    self.fill()?;
                }
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => return Err(self.perror(e)),
            }
        }
    }

    /// A key record whose value does not fit the holding limit, once the
    /// buffer holds that much of it.
    fn too_large_to_hold(&self, input: &[u8]) -> Option<Measured> {
        let limit = self.opts.max_held_value?;
        if input.len() < limit {
            return None;
        }
        let kind = ObjectKind::resolve(*input.first()?, &self.dialect)?;
        if self.opts.large == LargeValues::ElementPieces && !has_element_pieces(kind) {
            return None;
        }
        let (rest, _) = rdb_str(&input[1..]).ok()?;
        Some(Measured::Stream {
            head: input.len() - rest.len(),
            kind,
        })
    }

    /// Walks a value too large to hold, discarding it piece by piece.
    /// Returns the value's length.
    fn stream_value(
        &mut self,
        kind: ObjectKind,
        record_offset: u64,
        sink: Option<&mut dyn PieceSink>,
    ) -> Result<u64, RdbError> {
        let mut walker = ValueWalker::new(kind);
        let mut sink = sink;
        loop {
            let input = &self.buf[self.start..self.end];
            let lim = self.limits();
            let mut failed = None;
            let walked = match sink.as_deref_mut() {
                None => walker.advance(input, lim),
                Some(sink) => {
                    let base = self.base + self.start as u64;
                    walker.advance_pieces(input, lim, &mut |at, piece| match sink
                        .piece(base + at as u64, piece)
                    {
                        Ok(()) => true,
                        Err(e) => {
                            failed = Some(e);
                            false
                        }
                    })
                }
            };
            if let Some(e) = failed {
                return Err(e);
            }
            match walked {
                Ok((_, n)) => {
                    self.start += n;
                    if walker.is_done() {
                        return Ok(walker.walked());
                    }
                }
                Err(nom::Err::Incomplete(_)) => {}
                Err(nom::Err::Error(e) | nom::Err::Failure(e)) => return Err(self.perror(e)),
            }
            if self.src_eof {
                return Err(RdbError::new(
                    self.base + self.end as u64,
                    RdbErrorKind::Truncated {
                        what: format!(
                            "the value of key {} ({}) that starts at offset {record_offset}",
                            super::error::show_bytes(&self.streamed_key),
                            kind.name()
                        ),
                    },
                ));
            }
            self.fill()?;
        }
    }

    fn ensure(&mut self, n: usize) -> Result<bool, RdbError> {
        while self.end - self.start < n {
            if self.src_eof {
                return Ok(false);
            }
            self.fill()?;
        }
        Ok(true)
    }

    fn finish(&mut self) -> Result<Checksum, RdbError> {
        self.crc_to(self.start);
        if self.header.version < 5 {
            return Ok(Checksum::Absent);
        }
        if !self.ensure(8)? {
            return Err(RdbError::new(
                self.base + self.end as u64,
                RdbErrorKind::Truncated {
                    what: "the 8-byte CRC-64 checksum after the EOF opcode".into(),
                },
            ));
        }
        let mut b = [0u8; 8];
        b.copy_from_slice(&self.buf[self.start..self.start + 8]);
        self.start += 8;
        self.crc_pos = self.start;
        let stored = u64::from_le_bytes(b);
        let computed = self.crc.value();
        Ok(if stored == 0 {
            Checksum::Disabled
        } else if stored == computed {
            Checksum::Ok(stored)
        } else {
            Checksum::Mismatch { stored, computed }
        })
    }

    /// A key record whose value is walked, not held.
    fn next_streamed(
        &mut self,
        head: usize,
        kind: ObjectKind,
        sink: &mut dyn PieceSink,
    ) -> Result<Option<Located<'_>>, RdbError> {
        let offset = self.offset();
        let type_byte = self.buf[self.start];
        let key = match rdb_str(&self.buf[self.start + 1..self.start + head]) {
            Ok((_, k)) => k.to_bytes().map(|b| b.into_owned()),
            Err(_) => Err(RdbErrorKind::Invalid("record changed between reads".into())),
        }
        .map_err(|k| RdbError::new(offset + 1, k))?;
        self.streamed_key = key;
        self.start += head;
        let body_offset = self.offset();
        let walked = WalkedKey {
            db: self.db,
            key: &self.streamed_key,
            kind,
            expire: self.prefix.expire,
            idle: self.prefix.idle,
            freq: self.prefix.freq,
            body_offset,
        };
        let wanted = sink.begin(&walked);
        let value_len = self.stream_value(kind, offset, wanted.then_some(sink))?;
        let p = std::mem::take(&mut self.prefix);
        Ok(Some(Located {
            offset,
            len: self.offset() - offset,
            record: Record::Key(KeyRecord {
                db: self.db,
                key: RdbStr::Raw(&self.streamed_key),
                type_byte,
                kind,
                body: &[],
                value_len,
                body_offset,
                expire: p.expire,
                idle: p.idle,
                freq: p.freq,
                key_meta: p.key_meta,
                ram_lru: p.ram_lru,
            }),
        }))
    }

    /// The next record, or `None` after the trailer.
    #[allow(clippy::should_implement_trait)]
    pub fn next_record(&mut self) -> Result<Option<Located<'_>>, RdbError> {
        self.next_record_with(&mut NoPieces)
    }

    /// [`next_record`](Self::next_record), handing the pieces of a value
    /// too large to hold to `sink` as it is walked (the returned record's
    /// `body` is then empty).
    pub fn next_record_with(
        &mut self,
        sink: &mut dyn PieceSink,
    ) -> Result<Option<Located<'_>>, RdbError> {
        if self.done {
            return Ok(None);
        }
        // Prefix opcodes are folded into the state here; only a record that
        // is returned borrows the buffer (see the module docs of `record`).
        let n = loop {
            let n = match self.measure()? {
                Measured::Whole(n) => n,
                Measured::Stream { head, kind } => return self.next_streamed(head, kind, sink),
            };
            let offset = self.offset();
            let op = self.buf[self.start];
            let is_prefix = matches!(
                op,
                RDB_OPCODE_EXPIRETIME_MS
                    | RDB_OPCODE_EXPIRETIME
                    | RDB_OPCODE_IDLE
                    | RDB_OPCODE_FREQ
            ) || (self.dialect.family == Family::Redis
                && matches!(op, RDB_OPCODE_KEY_META | RE_OPCODE_RAM_LRU));
            if is_prefix {
                let input = &self.buf[self.start..self.start + n];
                let parsed = parse_record(input, &self.dialect, self.limits(), Some(n));
                match parsed {
                    Ok((_, RawRecord::ExpireMs(ms))) => {
                        self.prefix.expire = Some(Expire {
                            ms,
                            unit: TimeUnit::Milliseconds,
                        })
                    }
                    Ok((_, RawRecord::ExpireSeconds(s))) => {
                        self.prefix.expire = Some(Expire {
                            ms: i64::from(s) * 1000,
                            unit: TimeUnit::Seconds,
                        })
                    }
                    Ok((_, RawRecord::Idle(t))) => self.prefix.idle = Some(t),
                    Ok((_, RawRecord::Freq(f))) => self.prefix.freq = Some(f),
                    Ok((_, RawRecord::KeyMeta(b))) => self.prefix.key_meta = Some(b.to_vec()),
                    Ok((_, RawRecord::Vendor { value, .. })) => self.prefix.ram_lru = Some(value),
                    Ok(_) => {}
                    Err(_) => {
                        return Err(RdbError::new(
                            offset,
                            RdbErrorKind::Invalid("record changed between reads".into()),
                        ))
                    }
                }
                self.start += n;
                continue;
            }
            if op == RDB_OPCODE_EOF {
                self.start += n;
                let checksum = self.finish()?;
                self.done = true;
                return Ok(Some(Located {
                    offset,
                    len: self.offset() - offset,
                    record: Record::End { checksum },
                }));
            }
            break n;
        };
        let offset = self.offset();
        let lim = self.limits();
        let input = &self.buf[self.start..self.start + n];
        let raw = match parse_record(input, &self.dialect, lim, Some(n)) {
            Ok((_, raw)) => raw,
            Err(_) => {
                return Err(RdbError::new(
                    offset,
                    RdbErrorKind::Invalid("record changed between reads".into()),
                ))
            }
        };
        self.start += n;
        let record = match raw {
            RawRecord::Aux { key, value } => {
                if let (Ok(k), Ok(v)) = (key.to_bytes(), value.to_bytes()) {
                    self.dialect.observe_aux(&k, &v);
                }
                Record::Aux { key, value }
            }
            RawRecord::SelectDb(db) => {
                self.db = db;
                Record::SelectDb { db }
            }
            RawRecord::ResizeDb {
                db_size,
                expires_size,
            } => Record::ResizeDb {
                db_size,
                expires_size,
            },
            RawRecord::SlotInfo {
                slot,
                slot_size,
                expires_size,
            } => Record::SlotInfo {
                slot,
                slot_size,
                expires_size,
            },
            RawRecord::SlotImport { job, ranges } => Record::SlotImport { job, ranges },
            RawRecord::Function(code) => Record::Function { code },
            RawRecord::ModuleAux {
                module_id,
                when,
                body,
            } => Record::ModuleAux {
                module_id,
                when,
                body,
            },
            RawRecord::Vendor { opcode, value } => {
                if self.dialect.producer == super::header::Producer::Unknown
                    || self.dialect.producer == super::header::Producer::Redis
                {
                    self.dialect.producer = super::header::Producer::RedisEnterprise;
                }
                Record::Vendor { opcode, value }
            }
            RawRecord::Key {
                type_byte,
                kind,
                key,
                body_start,
                body,
            } => {
                let p = std::mem::take(&mut self.prefix);
                Record::Key(KeyRecord {
                    db: self.db,
                    key,
                    type_byte,
                    kind,
                    body,
                    value_len: body.len() as u64,
                    body_offset: offset + body_start as u64,
                    expire: p.expire,
                    idle: p.idle,
                    freq: p.freq,
                    key_meta: p.key_meta,
                    ram_lru: p.ram_lru,
                })
            }
            // Prefixes and EOF were handled above.
            RawRecord::ExpireSeconds(_)
            | RawRecord::ExpireMs(_)
            | RawRecord::Idle(_)
            | RawRecord::Freq(_)
            | RawRecord::KeyMeta(_)
            | RawRecord::Eof => {
                return Err(RdbError::new(
                    offset,
                    RdbErrorKind::Invalid("record changed between reads".into()),
                ))
            }
        };
        Ok(Some(Located {
            offset,
            len: n as u64,
            record,
        }))
    }
}
