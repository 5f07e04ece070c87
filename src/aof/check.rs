//! What redis-check-aof computes for the RESP part of one file, plus what it
//! does not: whether the damage is a cut tail or a hole in the middle, and
//! what survives past the hole.
//!
//! The first pass reproduces `redis-check-aof.c: checkSingleAof` read by
//! read: the same `ok_up_to` (the offset before the first bad record, or
//! before the `MULTI` of an unterminated transaction), the same
//! `ok_up_to_line` counter (starts at the caller's value, +1 for every
//! CRLF-terminated header or payload read, annotations not counted, lines
//! of the failing record counted) and the same message. After a failure the
//! walk carries on in *salvage* mode: skip to the next `*<n>\r\n$`, keep
//! every well-formed record from there, and repeat on further damage. That is
//! what a truncating fix (and Redis itself, when a corrupt length runs past
//! the end: `spec/aof-format.md` §2.2) would throw away.
//!
//! Memory stays bounded by the largest record up to
//! [`CheckOptions::max_record_len`]; a longer payload is streamed through.

use std::io::{self, Read};
use std::ops::Range;

use super::command::c_str_eq_ignore_case;
use super::error::AofError;
use super::input::Input;
use super::message::CheckAofMessage;
use super::resp::{
    eval_header, fgets_len, header_prefix_valid, Annotation, RespErrorKind, ANNOTATION_LINE_MAX,
    HEADER_LINE_MAX,
};
use super::scan::DEFAULT_MAX_RECORD_LEN;

/// Knobs of [`check_resp`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    /// Initial value of redis-check-aof's line counter. It is global in
    /// the tool and never reset between the files of a manifest, so pass the
    /// previous file's [`AofCheckReport::ok_up_to_line`] to chain. Default 1.
    pub start_line: u64,
    /// `--truncate-to-timestamp T`. As in redis-check-aof, where 0 means
    /// "not given", `Some(0)` behaves like `None`.
    pub truncate_to_timestamp: Option<i64>,
    /// The file's total size if known (it must be accurate): a length
    /// running past it is then recognised without reading (and buffering)
    /// the rest of the file, and damage hidden behind it can be salvaged.
    pub file_size: Option<u64>,
    /// Largest payload held in memory; longer ones are streamed, and
    /// damage hidden inside them cannot be salvaged.
    pub max_record_len: u64,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            start_line: 1,
            truncate_to_timestamp: None,
            file_size: None,
            max_record_len: DEFAULT_MAX_RECORD_LEN,
        }
    }
}

/// The result of checking one file's RESP part.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AofCheckReport {
    /// Where the RESP part starts (after any RDB preamble).
    pub start_offset: u64,
    /// The file size (offset of its end).
    pub size: u64,
    /// redis-check-aof's `ok_up_to`: the last good offset.
    pub ok_up_to: u64,
    /// redis-check-aof's `ok_up_to_line` (see the module docs for its quirks).
    pub ok_up_to_line: u64,
    /// `size - ok_up_to`.
    pub diff: u64,
    /// Complete records read before the stop point (MULTI/EXEC included).
    pub commands: u64,
    /// Annotation lines read before the stop point.
    pub annotations: u64,
    /// The last valid `#TS:` value before the stop point.
    pub last_timestamp: Option<i64>,
    /// What is wrong, if anything.
    pub damage: AofDamage,
    /// The diagnostic redis-check-aof prints before its `AOF analyzed` line.
    pub message: Option<CheckAofMessage>,
    /// Set when `truncate_to_timestamp` stopped the check.
    pub timestamp: Option<TimestampStop>,
    /// What a salvage would keep and drop; present whenever there is damage.
    pub salvage: Option<Salvage>,
}

impl AofCheckReport {
    /// True when redis-check-aof would call the file valid.
    pub fn is_valid(&self) -> bool {
        self.diff == 0 && self.message.is_none()
    }
}

/// How the file is damaged.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AofDamage {
    /// Nothing wrong.
    None,
    /// The file ends inside a record or inside a transaction, and nothing
    /// well-formed follows: a crash or a full disk cut it. Truncating at
    /// `ok_up_to` loses only the incomplete tail.
    TruncatedTail {
        /// Why the tail is incomplete.
        cause: TailCause,
        /// Complete records after `ok_up_to` that a cut discards (the
        /// `MULTI` and the commands queued in an unterminated transaction).
        commands_cut: u64,
    },
    /// Bytes that break the grammar, with possibly good data after them.
    Malformed {
        /// Absolute offset of the first bad byte.
        offset: u64,
        /// What is wrong there.
        cause: MalformedCause,
    },
}

/// Why a tail is incomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TailCause {
    /// End of file inside a record.
    EofInRecord,
    /// End of file after a `MULTI` whose `EXEC` never arrived.
    UnterminatedMulti,
}

/// What is wrong at a mid-file damage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MalformedCause {
    /// The bytes break the RESP grammar.
    Grammar {
        /// The precise violation.
        error: RespErrorKind,
    },
    /// A `MULTI` inside an open transaction.
    NestedMulti,
    /// An `EXEC` with no open transaction.
    ExecWithoutMulti,
    /// A bulk length runs past the end of the file although well-formed
    /// records follow it: a corrupt length, not a cut. Redis (7.x, with
    /// `aof-load-truncated yes`) treats it as a truncated tail and silently
    /// drops everything after it.
    LengthPastEof {
        /// The corrupt length.
        len: i64,
    },
}

/// Where `--truncate-to-timestamp` stopped the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimestampStop {
    /// The first `#TS:` above the limit starts here: the file is to be cut
    /// at this offset. An offset of 0 is redis-check-aof's "has nothing
    /// before timestamp" refusal.
    Cut {
        /// Offset of the annotation line.
        offset: u64,
        /// Its value.
        timestamp: i64,
    },
    /// A `#TS:` line that is not `#TS:<number>\r` (fatal in redis-check-aof).
    Invalid {
        /// Offset of the annotation line.
        offset: u64,
    },
}

/// What skipping damaged regions would keep.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, Default)]
pub struct Salvage {
    /// The first offset after the first damage where parsing resumes.
    pub resync: Option<u64>,
    /// Byte ranges to drop, sorted, disjoint, absolute.
    pub dropped: Vec<Range<u64>>,
    /// Complete records inside the dropped ranges (queued commands of a
    /// broken transaction, records around a misplaced `EXEC`).
    pub commands_dropped: u64,
    /// Well-formed records kept after the first damage.
    pub commands_after: u64,
    /// Bytes kept after the first damage.
    pub bytes_after: u64,
}

/// Checks the RESP part of one file, starting at absolute `start_offset`
/// (the byte after an RDB preamble, or 0; `reader` must be positioned
/// there). Only I/O errors are errors; damage is reported. For a manifest,
/// check the parts in [`MultiPartAof::parts`](super::layout::MultiPartAof)
/// order, chaining `start_line`, and stop at the first invalid one as
/// redis-check-aof does.
pub fn check_resp<R: Read>(
    reader: R,
    start_offset: u64,
    options: &CheckOptions,
) -> Result<AofCheckReport, AofError> {
    let mut w = Walker {
        input: Input::new(reader, start_offset),
        opts: options,
        line: options.start_line,
        epos: start_offset,
        eof_hit: false,
    };
    w.run(start_offset)
        .map_err(|e| AofError::io(w.input.offset(), e))
}

/// Why a read failed.
#[derive(Debug, Clone, Copy)]
enum FailCause {
    Grammar(RespErrorKind),
    NestedMulti,
    ExecWithoutMulti,
    /// End of file inside a header line, with what was there a valid prefix.
    Eof,
    /// End of file inside a payload whose bytes so far are fine.
    ShortRead(i64),
}

#[derive(Debug, Clone)]
struct Failure {
    message: Option<CheckAofMessage>,
    /// First bad byte.
    bad: u64,
    /// Where to search for the next record from.
    resume: u64,
    cause: FailCause,
}

impl Failure {
    fn at_eof(&self) -> bool {
        matches!(self.cause, FailCause::Eof | FailCause::ShortRead(_))
    }
}

enum End {
    Eof,
    Fail(Failure),
    Cut(u64, i64),
    InvalidTs(u64),
}

struct Walker<'o, R> {
    input: Input<R>,
    opts: &'o CheckOptions,
    /// redis-check-aof's global `line`.
    line: u64,
    /// redis-check-aof's `epos`: start of the last read.
    epos: u64,
    /// `feof(fp)`.
    eof_hit: bool,
}

fn message_for(kind: RespErrorKind, epos: u64) -> CheckAofMessage {
    match kind {
        RespErrorKind::ExpectedPrefix { expected, got } => CheckAofMessage::ExpectedPrefix {
            epos,
            expected,
            got,
        },
        RespErrorKind::ExpectedCrlf { got, second_known } => CheckAofMessage::ExpectedCrlf {
            epos,
            got,
            second_known,
        },
        RespErrorKind::LengthOutOfRange(len) => CheckAofMessage::LengthOutOfRange { epos, len },
        RespErrorKind::UnexpectedByte(_) | RespErrorKind::Unexpected => {
            CheckAofMessage::FormatError
        }
    }
}

/// Adds a range to a sorted list, merging with the last one if they touch.
fn push_range(list: &mut Vec<Range<u64>>, r: Range<u64>) {
    if r.start >= r.end {
        return;
    }
    match list.last_mut() {
        Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
        _ => list.push(r),
    }
}

impl<R: Read> Walker<'_, R> {
    /// `readLong()`: one header line. `keep` is the record start, so the
    /// record stays buffered for salvage.
    fn read_header(&mut self, prefix: u8, keep: u64) -> io::Result<Result<i64, Failure>> {
        let at = self.input.offset();
        self.epos = at;
        if let Some((v, n)) = fast_header(self.input.data(), prefix) {
            self.input.consume(n);
            self.line += 1;
            return Ok(Ok(v));
        }
        loop {
            let data = self.input.data();
            if let Some(n) = fgets_len(data, HEADER_LINE_MAX) {
                let r = eval_header(&data[..n], prefix);
                self.input.consume(n);
                return Ok(match r {
                    Ok(v) => {
                        self.line += 1;
                        Ok(v)
                    }
                    Err((kind, bad)) => Err(Failure {
                        message: Some(message_for(kind, at)),
                        bad: at + bad as u64,
                        resume: at + 1,
                        cause: FailCause::Grammar(kind),
                    }),
                });
            }
            if self.input.fill(keep, 0)? == 0 {
                break;
            }
        }
        // End of file inside the line: fgets returns the partial line, or
        // NULL (no message at all) when nothing is left.
        self.eof_hit = true;
        let chunk = self.input.data();
        if chunk.is_empty() {
            return Ok(Err(Failure {
                message: None,
                bad: at,
                resume: at,
                cause: FailCause::Eof,
            }));
        }
        let valid_prefix = header_prefix_valid(chunk, prefix);
        let (kind, bad) = match eval_header(chunk, prefix) {
            Err(e) => e,
            // Cannot happen without a LF; treat as a cut line.
            Ok(_) => (
                RespErrorKind::ExpectedCrlf {
                    got: [0, 0],
                    second_known: false,
                },
                chunk.len(),
            ),
        };
        let n = chunk.len();
        self.input.consume(n);
        Ok(Err(Failure {
            message: Some(message_for(kind, at)),
            bad: at + bad as u64,
            resume: at + 1,
            cause: if valid_prefix {
                FailCause::Eof
            } else {
                FailCause::Grammar(kind)
            },
        }))
    }

    /// `readBytes()` + `consumeNewline()` for a payload of `len` bytes.
    /// Returns the first (up to) 6 payload bytes: enough to compare the
    /// first argument with MULTI/EXEC the way C `strcasecmp` does.
    fn read_payload(
        &mut self,
        len: i64,
        keep: u64,
        head_wanted: HeadWanted,
    ) -> io::Result<Result<Head, Failure>> {
        let at = self.input.offset();
        self.epos = at;
        let ulen = len.unsigned_abs();
        let total = ulen + 2;
        let limit = self.opts.max_record_len;
        let short = |got: u64, cause: FailCause| Failure {
            message: Some(CheckAofMessage::ShortRead {
                epos: at,
                expected: len.saturating_add(2),
                got,
            }),
            bad: at + got,
            resume: at,
            cause,
        };
        let known_short = self
            .opts
            .file_size
            .map(|size| size.saturating_sub(at))
            .filter(|&remaining| total > remaining);
        if let Some(remaining) = known_short.filter(|&r| r > limit) {
            // Known short, and too big to look at: do not read it here.
            self.eof_hit = true;
            return Ok(Err(short(remaining, FailCause::ShortRead(len))));
        }
        let want = known_short.unwrap_or(total);
        let buffered = usize::try_from(want).ok().filter(|_| want <= limit);
        let (head, tail) = if let Some(want) = buffered {
            let complete = self.input.ensure(want, keep)? && known_short.is_none();
            if !complete {
                self.eof_hit = true;
                let data = self.input.data();
                let got = (data.len() as u64).min(want as u64);
                // The one byte past the payload that may exist must be CR.
                let cause = match data.get(ulen as usize).filter(|_| got > ulen) {
                    Some(&b) if b != b'\r' => FailCause::Grammar(RespErrorKind::ExpectedCrlf {
                        got: [b, 0],
                        second_known: false,
                    }),
                    _ => FailCause::ShortRead(len),
                };
                return Ok(Err(short(got, cause)));
            }
            let total = want;
            let data = &self.input.data()[..total];
            let head = match head_wanted {
                HeadWanted::Yes => Head::of(&data[..(total - 2).min(6)]),
                HeadWanted::No => Head::EMPTY,
            };
            let tail = [data[total - 2], data[total - 1]];
            self.input.consume(total);
            (head, tail)
        } else {
            let head_len = ulen.min(6) as usize;
            self.input.ensure(head_len, keep)?;
            let head = Head::of(&self.input.data()[..self.input.data().len().min(head_len)]);
            let skipped = self.input.skip(ulen)?;
            let here = self.input.offset();
            if skipped < ulen || !self.input.ensure(2, here)? {
                self.eof_hit = true;
                let got = skipped + self.input.data().len() as u64;
                return Ok(Err(short(got, FailCause::ShortRead(len))));
            }
            let data = self.input.data();
            let tail = [data[0], data[1]];
            self.input.consume(2);
            (head, tail)
        };
        if tail != *b"\r\n" {
            let kind = RespErrorKind::ExpectedCrlf {
                got: tail,
                second_known: true,
            };
            let bad = at + ulen + u64::from(tail[0] == b'\r');
            return Ok(Err(Failure {
                message: Some(message_for(kind, at)),
                bad,
                resume: at,
                cause: FailCause::Grammar(kind),
            }));
        }
        self.line += 1;
        Ok(Ok(head))
    }

    /// `processRESP()`: one record, with the MULTI/EXEC bookkeeping done
    /// right after the first argument, as the tool does.
    fn read_record(&mut self, start: u64, multi: &mut i64) -> io::Result<Result<(), Failure>> {
        let argc = match self.read_header(b'*', start)? {
            Ok(v) => v,
            Err(f) => return Ok(Err(f)),
        };
        let mut i = 0;
        while i < argc {
            let hdr = self.input.offset();
            let len = match self.read_header(b'$', start)? {
                Ok(v) => v,
                Err(f) => return Ok(Err(f)),
            };
            if !(0..=i64::MAX - 2).contains(&len) {
                let kind = RespErrorKind::LengthOutOfRange(len);
                return Ok(Err(Failure {
                    message: Some(message_for(kind, hdr)),
                    bad: hdr + 1,
                    resume: hdr + 1,
                    cause: FailCause::Grammar(kind),
                }));
            }
            let wanted = if i == 0 {
                HeadWanted::Yes
            } else {
                HeadWanted::No
            };
            let head = match self.read_payload(len, start, wanted)? {
                Ok(h) => h,
                Err(f) => return Ok(Err(f)),
            };
            if i == 0 {
                let head = head.bytes();
                if c_str_eq_ignore_case(head, b"multi") {
                    *multi += 1;
                    if *multi != 1 {
                        return Ok(Err(Failure {
                            message: Some(CheckAofMessage::UnexpectedMulti { epos: self.epos }),
                            bad: start,
                            resume: start,
                            cause: FailCause::NestedMulti,
                        }));
                    }
                } else if c_str_eq_ignore_case(head, b"exec") {
                    *multi -= 1;
                    if *multi != 0 {
                        return Ok(Err(Failure {
                            message: Some(CheckAofMessage::UnexpectedExec { epos: self.epos }),
                            bad: start,
                            resume: start + 1,
                            cause: FailCause::ExecWithoutMulti,
                        }));
                    }
                }
            }
            i += 1;
        }
        Ok(Ok(()))
    }

    /// `processAnnotations()`: one `fgets(buf, 1024)` chunk.
    fn read_annotation(&mut self, start: u64) -> io::Result<(bool, Option<i64>)> {
        self.epos = start;
        let n = loop {
            if let Some(n) = fgets_len(self.input.data(), ANNOTATION_LINE_MAX) {
                break n;
            }
            if self.input.fill(start, 0)? == 0 {
                self.eof_hit = true;
                break self.input.data().len();
            }
        };
        let ann = Annotation::classify(&self.input.data()[..n]);
        let out = (
            ann.is_ts_line(),
            match ann {
                Annotation::Timestamp { secs, .. } => Some(secs),
                Annotation::Other(_) => None,
            },
        );
        self.input.consume(n);
        Ok(out)
    }

    fn run(&mut self, start_offset: u64) -> io::Result<AofCheckReport> {
        let ts_limit = self.opts.truncate_to_timestamp.filter(|&t| t != 0);
        let mut pos = start_offset;
        let mut multi: i64 = 0;
        let mut commands = 0;
        let mut annotations = 0;
        let mut last_timestamp = None;
        let mut pending = 0;
        let end = loop {
            if multi == 0 {
                pos = self.input.offset();
                pending = 0;
            }
            let here = self.input.offset();
            if !self.input.ensure(1, here)? {
                self.eof_hit = true;
                break End::Eof;
            }
            match self.input.data()[0] {
                b'#' => {
                    let (is_ts, ts) = self.read_annotation(here)?;
                    if let (Some(limit), true) = (ts_limit, is_ts) {
                        match ts {
                            None => break End::InvalidTs(here),
                            Some(v) if v > limit => break End::Cut(here, v),
                            Some(_) => {}
                        }
                    }
                    annotations += 1;
                    last_timestamp = ts.or(last_timestamp);
                }
                b'*' => match self.read_record(here, &mut multi)? {
                    Ok(()) => {
                        commands += 1;
                        pending += 1;
                    }
                    Err(f) => break End::Fail(f),
                },
                b => {
                    break End::Fail(Failure {
                        message: Some(CheckAofMessage::FormatError),
                        bad: here,
                        resume: here + 1,
                        cause: FailCause::Grammar(RespErrorKind::UnexpectedByte(b)),
                    })
                }
            }
        };
        let ok_up_to_line = self.line;
        let mut message = match &end {
            End::Fail(f) => f.message.clone(),
            End::InvalidTs(_) => Some(CheckAofMessage::InvalidTimestamp),
            End::Eof | End::Cut(..) => None,
        };
        if self.eof_hit && multi != 0 && message.is_none() {
            message = Some(CheckAofMessage::EofBeforeExec { epos: self.epos });
        }
        let mut timestamp = None;
        let (damage, salvage) = match end {
            End::Eof if multi == 0 => (AofDamage::None, None),
            End::Eof => {
                let size = self.input.offset();
                let mut salvage = Salvage {
                    commands_dropped: pending,
                    ..Salvage::default()
                };
                push_range(&mut salvage.dropped, pos..size);
                (
                    AofDamage::TruncatedTail {
                        cause: TailCause::UnterminatedMulti,
                        commands_cut: pending,
                    },
                    Some(salvage),
                )
            }
            End::Cut(offset, ts) => {
                timestamp = Some(TimestampStop::Cut {
                    offset,
                    timestamp: ts,
                });
                self.input.skip_to_end()?;
                (AofDamage::None, None)
            }
            End::InvalidTs(offset) => {
                timestamp = Some(TimestampStop::Invalid { offset });
                self.input.skip_to_end()?;
                (AofDamage::None, None)
            }
            End::Fail(f) => {
                let salvage = self.salvage(pos, pending, &f)?;
                let damage = if f.at_eof() && salvage.commands_after == 0 {
                    AofDamage::TruncatedTail {
                        cause: TailCause::EofInRecord,
                        commands_cut: pending,
                    }
                } else {
                    AofDamage::Malformed {
                        offset: f.bad,
                        cause: match f.cause {
                            FailCause::Grammar(error) => MalformedCause::Grammar { error },
                            FailCause::NestedMulti => MalformedCause::NestedMulti,
                            FailCause::ExecWithoutMulti => MalformedCause::ExecWithoutMulti,
                            FailCause::ShortRead(len) => MalformedCause::LengthPastEof { len },
                            // A cut header line has nothing after it.
                            FailCause::Eof => MalformedCause::Grammar {
                                error: RespErrorKind::Unexpected,
                            },
                        },
                    }
                };
                (damage, Some(salvage))
            }
        };
        let size = self.input.offset();
        Ok(AofCheckReport {
            start_offset,
            size,
            ok_up_to: pos,
            ok_up_to_line,
            diff: size.saturating_sub(pos),
            commands,
            annotations,
            last_timestamp,
            damage,
            message,
            timestamp,
            salvage,
        })
    }

    /// Walks the rest of the file after the first failure, skipping to the
    /// next plausible record after each damage. `drop_start` is where the
    /// first dropped range begins (`ok_up_to`), `pending` the complete
    /// records already inside it.
    fn salvage(&mut self, drop_start: u64, pending: u64, first: &Failure) -> io::Result<Salvage> {
        let first_drop = drop_start;
        let mut s = Salvage {
            commands_dropped: pending,
            ..Salvage::default()
        };
        let mut drop_start = drop_start;
        // If the bytes are gone (a streamed payload) resume where we are.
        let _ = self.input.rewind_to(first.resume);
        loop {
            let cand = self.input.find_resync()?;
            let end = cand.unwrap_or_else(|| self.input.offset());
            push_range(&mut s.dropped, drop_start..end);
            let Some(c) = cand else { break };
            s.resync.get_or_insert(c);
            let mut multi: i64 = 0;
            let mut pos = c;
            let mut pending = 0;
            let mut segment_kept = 0;
            let mut seen_multi = false;
            let next = loop {
                if multi == 0 {
                    pos = self.input.offset();
                }
                let here = self.input.offset();
                if !self.input.ensure(1, here)? {
                    if multi != 0 {
                        push_range(&mut s.dropped, pos..here);
                        s.commands_dropped += pending;
                    }
                    break None;
                }
                match self.input.data()[0] {
                    b'#' => {
                        self.read_annotation(here)?;
                    }
                    b'*' => {
                        let before = multi;
                        match self.read_record(here, &mut multi)? {
                            Ok(()) => {
                                seen_multi |= multi > before;
                                pending += 1;
                                if multi == 0 {
                                    s.commands_after += pending;
                                    segment_kept += pending;
                                    pending = 0;
                                }
                            }
                            Err(f) => {
                                s.commands_dropped += pending;
                                // An EXEC with no MULTI since we resumed means
                                // we resumed inside a transaction whose MULTI
                                // was lost: drop its commands too, keeping
                                // transactions all-or-nothing.
                                let start = if matches!(f.cause, FailCause::ExecWithoutMulti)
                                    && !seen_multi
                                {
                                    s.commands_after -= segment_kept;
                                    s.commands_dropped += segment_kept;
                                    c
                                } else {
                                    pos
                                };
                                break Some((start, f.resume));
                            }
                        }
                    }
                    _ => {
                        s.commands_dropped += pending;
                        break Some((pos, here + 1));
                    }
                }
            };
            match next {
                None => break,
                Some((start, resume)) => {
                    drop_start = start;
                    let _ = self.input.rewind_to(resume);
                }
            }
        }
        let size = self.input.offset();
        let dropped: u64 = s.dropped.iter().map(|r| r.end - r.start).sum();
        s.bytes_after = size.saturating_sub(first_drop).saturating_sub(dropped);
        Ok(s)
    }
}

#[cfg(test)]
// Lists of byte ranges, not ranges meant to be collected.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;
    use crate::aof::writer::encode_command;

    fn check(data: &[u8], start: u64) -> AofCheckReport {
        check_with(data, start, &CheckOptions::default())
    }

    fn check_with(data: &[u8], start: u64, opts: &CheckOptions) -> AofCheckReport {
        match check_resp(data, start, opts) {
            Ok(r) => r,
            Err(e) => panic!("i/o error on a slice: {e}"),
        }
    }

    fn set(k: &str, v: &str) -> Vec<u8> {
        encode_command(&["set", k, v])
    }

    /// tests/integration/aof.tcl and spec/redis-check-tools.md §4: a SET of
    /// 33 bytes, then a second one cut inside its value.
    #[test]
    fn redis_example_truncated_file() {
        let mut f = set("foo", "hello");
        let full = set("bar", "world");
        f.extend(&full[..full.len() - 3]);
        assert_eq!(f.len(), 63);
        let r = check(&f, 0);
        assert_eq!(
            (r.size, r.ok_up_to, r.ok_up_to_line, r.diff),
            (63, 33, 14, 30)
        );
        assert_eq!(
            r.message,
            Some(CheckAofMessage::ShortRead {
                epos: 0x3b,
                expected: 7,
                got: 4
            })
        );
        assert_eq!(
            r.damage,
            AofDamage::TruncatedTail {
                cause: TailCause::EofInRecord,
                commands_cut: 0
            }
        );
        assert_eq!(r.commands, 1);
        let s = r.salvage.unwrap_or_default();
        assert_eq!(s.dropped, vec![33..63]);
        assert_eq!((s.commands_after, s.bytes_after), (0, 0));
    }

    /// The "garbage" transcript: a SET then 32 bytes of `!`.
    #[test]
    fn redis_example_garbage() {
        let mut f = set("foo", "hello");
        f.extend([b'!'; 32]);
        let r = check(&f, 0);
        assert_eq!(
            (r.size, r.ok_up_to, r.ok_up_to_line, r.diff),
            (65, 33, 8, 32)
        );
        assert_eq!(r.message, Some(CheckAofMessage::FormatError));
        assert_eq!(
            r.damage,
            AofDamage::Malformed {
                offset: 33,
                cause: MalformedCause::Grammar {
                    error: RespErrorKind::UnexpectedByte(b'!')
                }
            }
        );
        assert!(!r.is_valid());
    }

    #[test]
    #[allow(clippy::print_stdout)]
    fn rdb_preamble_fixture_tail() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/fixtures/redis-assets/rdb-preamble.aof");
        let Ok(bytes) = std::fs::read(&path) else {
            println!("skipping: {} is absent", path.display());
            return;
        };
        let opts = CheckOptions {
            file_size: Some(bytes.len() as u64),
            ..CheckOptions::default()
        };
        let r = check_with(&bytes[117..], 117, &opts);
        assert_eq!(
            (r.size, r.ok_up_to, r.ok_up_to_line, r.diff),
            (169, 169, 13, 0)
        );
        assert_eq!(r.commands, 2);
        assert!(r.is_valid());
        assert_eq!(r.damage, AofDamage::None);
    }

    #[test]
    fn line_counter_chains_between_files() {
        let f = set("a", "b");
        let first = check(&f, 0);
        assert_eq!(first.ok_up_to_line, 8);
        let opts = CheckOptions {
            start_line: first.ok_up_to_line,
            ..CheckOptions::default()
        };
        assert_eq!(check_with(&f, 0, &opts).ok_up_to_line, 15);
        assert_eq!(check(b"", 0).ok_up_to_line, 1);
    }

    /// A file of top-level items; returns it with the expected `ok_up_to`
    /// boundaries (offsets outside transactions) and annotation spans.
    fn sample() -> (Vec<u8>, Vec<u64>, Vec<Range<u64>>) {
        let mut f = Vec::new();
        let mut bounds = vec![0];
        let mut notes = Vec::new();
        let note = |f: &mut Vec<u8>, n: &mut Vec<Range<u64>>, line: &[u8]| {
            let s = f.len() as u64;
            f.extend(line);
            n.push(s..f.len() as u64);
        };
        note(&mut f, &mut notes, b"#TS:1700000000\r\n");
        bounds.push(f.len() as u64);
        f.extend(encode_command(&["SELECT", "0"]));
        bounds.push(f.len() as u64);
        f.extend(set("k1", "v1"));
        bounds.push(f.len() as u64);
        f.extend(encode_command(&["MULTI"]));
        f.extend(set("k2", "v2"));
        f.extend(encode_command(&["INCR", "n"]));
        f.extend(encode_command(&["EXEC"]));
        bounds.push(f.len() as u64);
        note(&mut f, &mut notes, b"#TS:1700000005\r\n");
        bounds.push(f.len() as u64);
        f.extend(encode_command(&["del", "k1"]));
        bounds.push(f.len() as u64);
        f.extend(encode_command(&["multi"]));
        f.extend(encode_command(&["lpush", "l", "a\r\nb", ""]));
        f.extend(encode_command(&["exec"]));
        bounds.push(f.len() as u64);
        (f, bounds, notes)
    }

    #[test]
    fn every_truncation_is_a_truncated_tail() {
        let (f, bounds, notes) = sample();
        assert!(check(&f, 0).is_valid());
        for cut in 0..=f.len() {
            let r = check(&f[..cut], 0);
            let cut = cut as u64;
            let in_note = notes.iter().any(|n| n.start < cut && cut < n.end);
            if bounds.contains(&cut) || in_note {
                // A cut annotation is what fgets returns: still valid.
                assert_eq!(r.damage, AofDamage::None, "cut {cut}");
                assert_eq!(r.ok_up_to, cut);
                continue;
            }
            let expect = bounds.iter().copied().filter(|&b| b <= cut).max();
            assert_eq!(Some(r.ok_up_to), expect, "cut {cut}");
            assert!(
                matches!(r.damage, AofDamage::TruncatedTail { .. }),
                "cut {cut}: {:?}",
                r.damage
            );
            assert_eq!(r.diff, cut - r.ok_up_to);
            let s = r.salvage.unwrap_or_default();
            assert_eq!(s.dropped, vec![r.ok_up_to..cut]);
        }
    }

    #[test]
    fn eof_at_a_line_boundary_prints_nothing() {
        let f = b"*3\r\n$3\r\nSET\r\n";
        let r = check(f, 0);
        assert_eq!(r.message, None);
        assert_eq!((r.ok_up_to, r.ok_up_to_line, r.diff), (0, 4, 13));
        assert!(matches!(r.damage, AofDamage::TruncatedTail { .. }));
    }

    #[test]
    fn unterminated_multi() {
        let mut f = set("a", "1");
        f.extend(encode_command(&["MULTI"]));
        f.extend(set("b", "2"));
        let r = check(&f, 0);
        assert_eq!(r.ok_up_to, 27);
        // epos is the last read: the payload "2".
        assert_eq!(
            r.message,
            Some(CheckAofMessage::EofBeforeExec {
                epos: f.len() as u64 - 3
            })
        );
        assert_eq!(
            r.damage,
            AofDamage::TruncatedTail {
                cause: TailCause::UnterminatedMulti,
                commands_cut: 2
            }
        );
    }

    #[test]
    fn byte_flips_never_panic() {
        let (f, _, _) = sample();
        for i in 0..f.len() {
            for v in [0u8, b'*', b'$', b'#', b'\r', b'\n', b'9', b'-', b'x', 0xff] {
                let mut m = f.clone();
                m[i] = v;
                for opts in [
                    CheckOptions::default(),
                    CheckOptions {
                        file_size: Some(m.len() as u64),
                        max_record_len: 8,
                        truncate_to_timestamp: Some(1700000001),
                        ..CheckOptions::default()
                    },
                ] {
                    let r = check_with(&m, 0, &opts);
                    assert!(r.ok_up_to <= r.size);
                    assert_eq!(r.size, m.len() as u64);
                    if let Some(s) = &r.salvage {
                        let mut last = r.ok_up_to;
                        for d in &s.dropped {
                            assert!(d.start >= last && d.end > d.start && d.end <= r.size);
                            last = d.end;
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn corrupt_length_hiding_good_records() {
        let mut f = set("a", "1");
        let damage = f.len() as u64;
        f.extend(b"*1\r\n$1152921504606846976\r\n");
        let resync = f.len() as u64;
        for i in 0..10 {
            f.extend(set(&format!("k{i}"), "v"));
        }
        let opts = CheckOptions {
            file_size: Some(f.len() as u64),
            ..CheckOptions::default()
        };
        let r = check_with(&f, 0, &opts);
        assert_eq!(r.ok_up_to, damage);
        assert_eq!(
            r.message,
            Some(CheckAofMessage::ShortRead {
                epos: resync,
                expected: (1 << 60) + 2,
                got: f.len() as u64 - resync
            })
        );
        assert!(matches!(
            r.damage,
            AofDamage::Malformed {
                cause: MalformedCause::LengthPastEof {
                    len: 1152921504606846976
                },
                ..
            }
        ));
        let s = r.salvage.unwrap_or_default();
        assert_eq!(s.resync, Some(resync));
        assert_eq!(s.dropped, vec![damage..resync]);
        assert_eq!(s.commands_after, 10);
        assert_eq!(s.bytes_after, f.len() as u64 - resync);

        // Without the size, a length above the buffer limit is streamed
        // through to the end: the same redis view, nothing salvageable.
        let r = check(&f, 0);
        assert_eq!(r.ok_up_to, damage);
        assert!(matches!(r.damage, AofDamage::TruncatedTail { .. }));

        // A smaller corrupt length that fits in the buffer is caught by its
        // missing CRLF, and what follows is salvaged.
        let mut g = set("a", "1");
        g.extend(b"*1\r\n$30\r\nxyz\r\n");
        let resync = g.len() as u64;
        for i in 0..5 {
            g.extend(set(&format!("k{i}"), "v"));
        }
        let r = check(&g, 0);
        assert!(matches!(
            r.damage,
            AofDamage::Malformed {
                cause: MalformedCause::Grammar { .. },
                ..
            }
        ));
        let s = r.salvage.unwrap_or_default();
        assert_eq!((s.resync, s.commands_after), (Some(resync), 5));
    }

    #[test]
    fn salvage_keeps_transactions_whole() {
        // Damage inside a transaction drops it from its MULTI.
        let mut f = set("a", "1");
        let multi = f.len() as u64;
        f.extend(encode_command(&["MULTI"]));
        f.extend(set("b", "2"));
        f.extend(b"*3\r\n$3\r\nset\r\n$1\r\nc\r\n$1\r\n3XX");
        f.extend(encode_command(&["EXEC"]));
        let after = f.len() as u64;
        f.extend(set("d", "4"));
        let r = check(&f, 0);
        assert_eq!(r.ok_up_to, multi);
        let s = r.salvage.unwrap_or_default();
        // The orphan EXEC found after resuming takes the resumed part with it.
        assert_eq!(s.dropped, vec![multi..after]);
        assert_eq!(s.commands_after, 1);
        assert_eq!(s.commands_dropped, 2);

        // A nested MULTI: the first transaction is dropped, the second kept.
        let mut g = encode_command(&["MULTI"]);
        g.extend(set("x", "1"));
        let second = g.len() as u64;
        g.extend(encode_command(&["MULTI"]));
        g.extend(set("y", "2"));
        g.extend(encode_command(&["EXEC"]));
        let r = check(&g, 0);
        assert_eq!(r.ok_up_to, 0);
        assert_eq!(
            r.damage,
            AofDamage::Malformed {
                offset: second,
                cause: MalformedCause::NestedMulti
            }
        );
        assert_eq!(
            r.message,
            Some(CheckAofMessage::UnexpectedMulti { epos: second + 8 })
        );
        let s = r.salvage.unwrap_or_default();
        assert_eq!(s.dropped, vec![0..second]);
        assert_eq!((s.commands_after, s.commands_dropped), (3, 2));

        // An EXEC without MULTI at the top level: only that record goes.
        let mut h = set("a", "1");
        let exec = h.len() as u64;
        h.extend(encode_command(&["EXEC"]));
        let next = h.len() as u64;
        h.extend(set("b", "2"));
        let r = check(&h, 0);
        assert_eq!(
            r.message,
            Some(CheckAofMessage::UnexpectedExec { epos: exec + 8 })
        );
        let s = r.salvage.unwrap_or_default();
        assert_eq!(s.dropped, vec![exec..next]);
        assert_eq!(s.commands_after, 1);
    }

    #[test]
    fn several_damages_are_all_skipped() {
        let mut f = set("a", "1");
        let d1 = f.len() as u64;
        f.extend(b"junk");
        let r1 = f.len() as u64;
        f.extend(set("b", "2"));
        let d2 = f.len() as u64;
        f.extend(b"*2\r\n$3\r\nbad");
        let r2 = f.len() as u64;
        f.extend(set("c", "3"));
        let r = check(&f, 0);
        let s = r.salvage.unwrap_or_default();
        assert_eq!(s.dropped, vec![d1..r1, d2..r2]);
        assert_eq!(s.commands_after, 2);
        assert_eq!(
            s.bytes_after,
            (r2 - d1) - (r1 - d1) - (r2 - d2) + (f.len() as u64 - r2)
        );
    }

    #[test]
    fn truncate_to_timestamp() {
        let (f, _, notes) = sample();
        let opts = |t| CheckOptions {
            truncate_to_timestamp: Some(t),
            ..CheckOptions::default()
        };
        let r = check_with(&f, 0, &opts(1700000003));
        assert_eq!(
            r.timestamp,
            Some(TimestampStop::Cut {
                offset: notes[1].start,
                timestamp: 1700000005
            })
        );
        assert_eq!(r.size, f.len() as u64);
        let r = check_with(&f, 0, &opts(1699999999));
        assert_eq!(
            r.timestamp,
            Some(TimestampStop::Cut {
                offset: 0,
                timestamp: 1700000000
            })
        );
        let r = check_with(&f, 0, &opts(1800000000));
        assert_eq!(r.timestamp, None);
        assert!(r.is_valid());
        // 0 means "not given" in redis-check-aof.
        assert_eq!(check_with(&f, 0, &opts(0)).timestamp, None);

        // LF-only or garbage #TS lines are fatal in timestamp mode only.
        let mut g = set("a", "1");
        g.extend(b"#TS:12\n");
        assert!(check(&g, 0).is_valid());
        let r = check_with(&g, 0, &opts(5));
        assert_eq!(r.timestamp, Some(TimestampStop::Invalid { offset: 27 }));
        assert_eq!(r.message, Some(CheckAofMessage::InvalidTimestamp));
        // Other annotations are never looked at.
        let mut h = set("a", "1");
        h.extend(b"#HDR:x\r\n#TS: 9\r\n");
        let r = check_with(&h, 0, &opts(5));
        assert_eq!(
            r.timestamp,
            Some(TimestampStop::Cut {
                offset: 35,
                timestamp: 9
            })
        );
    }

    #[test]
    fn redis_leniency_is_valid() {
        for f in [
            &b"*0\r\n*-1\r\n*\r\n"[..],
            b"*+1\r\n$003\r\nSET\r\n",
            b"*1\r\n$\r\n\r\n",
            b"#anything\n#TS:x\r\n",
        ] {
            assert!(check(f, 0).is_valid(), "{f:?}");
        }
        // "exec\0" is EXEC for strcasecmp, so this one is an orphan EXEC.
        let r = check(b"*1\r\n$5\r\nexec\0\r\n", 0);
        assert_eq!(r.message, Some(CheckAofMessage::UnexpectedExec { epos: 8 }));
        // "multi\0" is MULTI for strcasecmp: EOF inside its transaction.
        let r = check(b"*1\r\n$6\r\nmulti\0\r\n", 0);
        assert!(matches!(
            r.damage,
            AofDamage::TruncatedTail {
                cause: TailCause::UnterminatedMulti,
                ..
            }
        ));
    }

    #[test]
    fn header_messages() {
        let r = check(b"*1\r\n$3x\r\nabc\r\n", 0);
        assert_eq!(
            r.message,
            Some(CheckAofMessage::ExpectedCrlf {
                epos: 4,
                got: *b"x\r",
                second_known: true
            })
        );
        assert_eq!(r.ok_up_to_line, 2);
        let r = check(b"*1\r\n*3\r\n", 0);
        assert_eq!(
            r.message,
            Some(CheckAofMessage::ExpectedPrefix {
                epos: 4,
                expected: b'$',
                got: b'*'
            })
        );
        let r = check(b"*1\r\n$-1\r\n", 0);
        assert_eq!(
            r.message,
            Some(CheckAofMessage::LengthOutOfRange { epos: 4, len: -1 })
        );
        assert_eq!(r.ok_up_to_line, 3);
        // A header cut by end of file: truncated, with the C message.
        let r = check(b"*1\r\n$3\r", 0);
        assert_eq!(
            r.message,
            Some(CheckAofMessage::ExpectedCrlf {
                epos: 4,
                got: [b'\r', 0],
                second_known: true
            })
        );
        assert!(matches!(r.damage, AofDamage::TruncatedTail { .. }));
        let r = check(b"*1\r\n$3", 0);
        assert!(matches!(
            r.message,
            Some(CheckAofMessage::ExpectedCrlf {
                second_known: false,
                ..
            })
        ));
    }
}

#[cfg(test)]
mod agreement {
    use super::*;
    use crate::aof::scan::AofScanner;
    use crate::aof::writer::encode_command;

    /// The scanner and the checker share one grammar: a file is clean for
    /// one exactly when it is clean for the other.
    #[test]
    fn scanner_and_checker_agree() {
        let mut f = b"#TS:1\r\n".to_vec();
        f.extend(encode_command(&["MULTI"]));
        f.extend(encode_command(&["SET", "a", "1"]));
        f.extend(encode_command(&["EXEC"]));
        f.extend(encode_command(&["DEL", "a"]));
        for i in 0..f.len() {
            for v in [0u8, b'*', b'$', b'#', b'\r', b'\n', b'0', b'-', b'E'] {
                let mut m = f.clone();
                m[i] = v;
                for cut in [m.len(), m.len() - 1, i + 1] {
                    let m = &m[..cut];
                    let mut s = AofScanner::new(m, 0);
                    let scanner_ok = loop {
                        match s.next_item() {
                            Ok(Some(_)) => {}
                            Ok(None) => break true,
                            Err(_) => break false,
                        }
                    };
                    let checked = check_resp(m, 0, &CheckOptions::default());
                    let check_ok = checked.map(|r| r.is_valid()).unwrap_or(false);
                    assert_eq!(scanner_ok, check_ok, "{:?}", String::from_utf8_lossy(m));
                }
            }
        }
    }
}

/// Whether an argument's first bytes are needed (only the command name's
/// are: MULTI/EXEC detection); skipping the others avoids touching them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum HeadWanted {
    Yes,
    No,
}

/// Up to the first six bytes of an argument.
#[derive(Clone, Copy)]
struct Head {
    buf: [u8; 6],
    len: usize,
}

impl Head {
    const EMPTY: Head = Head {
        buf: [0; 6],
        len: 0,
    };

    fn of(b: &[u8]) -> Self {
        let mut buf = [0u8; 6];
        let len = b.len().min(6);
        for (d, s) in buf.iter_mut().zip(b) {
            *d = *s;
        }
        Head { buf, len }
    }

    fn bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// The common, canonical header `<prefix><digits>\r\n`, parsed without the
/// C emulation of `readLong()`; anything else (signs, spaces, a cut line)
/// returns `None` and takes the exact path, which gives the same value for
/// canonical input.
#[inline]
fn fast_header(data: &[u8], prefix: u8) -> Option<(i64, usize)> {
    if data.first() != Some(&prefix) {
        return None;
    }
    let mut v: i64 = 0;
    let mut i = 1;
    while let Some(&b) = data.get(i) {
        if b.is_ascii_digit() {
            if i > 18 {
                return None;
            }
            v = v * 10 + i64::from(b - b'0');
            i += 1;
        } else {
            break;
        }
    }
    if i == 1 || data.get(i) != Some(&b'\r') || data.get(i + 1) != Some(&b'\n') {
        return None;
    }
    Some((v, i + 2))
}
