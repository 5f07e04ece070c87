//! `DUMP` payloads as people hand them over, and their value printed like
//! `dump` prints keys: what `redfile decode` does.
//!
//! A payload arrives in one of three forms:
//!
//! ```text
//! raw       00 03 62 61 72 0b 00 8f 61 f4 13 13 f9 14 9e      (the bytes)
//! hex       0003626172 0b008f61f41313f9149e                   (whitespace ignored)
//! escaped   "\x00\x03bar\x0b\x00\x8fa\xf4\x13\x13\xf9\x14\x9e" (redis-cli --no-raw)
//! ```
//!
//! The escaped form is what redis-cli prints for `DUMP key` (`sds.c:
//! sdscatrepr`), read back the way redis-cli reads arguments
//! (`sdssplitargs`), with or without the quotes. [`read_payload`] tells the
//! forms apart when not told: text that starts with a quote, or printable
//! ASCII holding a backslash, is escaped; hex digits only is hex; anything
//! else is raw (a payload's type byte and footer are rarely printable).
//!
//! [`decode_payload`] then checks the footer (`cluster.c:
//! verifyDumpPayload`): an RDB version redfile knows and a CRC-64 that
//! matches, reporting what it expected and what it found; and decodes the
//! value, validating every encoding as `RESTORE` with
//! `sanitize-dump-payload yes` does.

use std::fmt;
use std::io::Write;

use crate::aof::rewrite::{key_commands, RedisVersion, RewriteError, RewriteOptions};
use crate::dump::{decode_dump_with, dump_footer, ChecksumCheck, DumpError, DumpFooter};
use crate::export::{command_text, text::json_bytes, value_json, DumpFormat};
use crate::model::{Entry, Value};
use crate::rdb::consts::{RDB_VERSION_REDIS_MAX, RDB_VERSION_VALKEY_9};
use crate::rdb::ObjectKind;

/// How a payload is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadForm {
    /// The bytes themselves.
    Raw,
    /// Hexadecimal digits (whitespace between them is ignored).
    Hex,
    /// redis-cli's quoted form: `"\x00\xc0\x05\t..."`.
    Escaped,
}

impl PayloadForm {
    /// Its name, as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            PayloadForm::Raw => "raw",
            PayloadForm::Hex => "hex",
            PayloadForm::Escaped => "escaped",
        }
    }
}

/// Why text could not be read as a payload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PayloadTextError {
    /// Nothing was given.
    #[error("the payload is empty")]
    Empty,
    /// A character that is not a hex digit, at this byte of the input.
    #[error("hex payload: byte {offset} is {found:?}, expected a hex digit")]
    NotHex {
        /// Offset in the input.
        offset: usize,
        /// The character found.
        found: char,
    },
    /// An odd number of hex digits.
    #[error("hex payload: {0} hex digits, expected an even number")]
    OddHex(usize),
    /// A bad escape, at this byte of the input.
    #[error("escaped payload: byte {offset}: {reason}")]
    BadEscape {
        /// Offset in the input.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
}

/// Guesses the form of `input` (see the module docs).
pub fn detect_form(input: &[u8]) -> PayloadForm {
    let t = input.trim_ascii();
    if t.first() == Some(&b'"') {
        return PayloadForm::Escaped;
    }
    if !t.is_empty()
        && t.iter()
            .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
    {
        return PayloadForm::Hex;
    }
    if t.iter().all(|b| (0x20..0x7f).contains(b)) && t.contains(&b'\\') {
        return PayloadForm::Escaped;
    }
    PayloadForm::Raw
}

/// The payload bytes `input` stands for, in `form` (`None`: detected), and
/// the form it was read as.
pub fn read_payload(
    input: &[u8],
    form: Option<PayloadForm>,
) -> Result<(Vec<u8>, PayloadForm), PayloadTextError> {
    if input.is_empty() || (form.is_none() && input.trim_ascii().is_empty()) {
        return Err(PayloadTextError::Empty);
    }
    let form = form.unwrap_or_else(|| detect_form(input));
    let bytes = match form {
        PayloadForm::Raw => without_cli_newline(input).to_vec(),
        PayloadForm::Hex => unhex(input)?,
        PayloadForm::Escaped => unescape(input)?,
    };
    if bytes.is_empty() {
        return Err(PayloadTextError::Empty);
    }
    Ok((bytes, form))
}

/// `redis-cli --raw DUMP key` ends the payload with a newline of its own:
/// drop it when the CRC says the payload ends before it.
fn without_cli_newline(input: &[u8]) -> &[u8] {
    let Some(trimmed) = input.strip_suffix(b"\n") else {
        return input;
    };
    let ok = |b: &[u8]| dump_footer(b).is_ok_and(|f| f.stored_crc != 0 && f.crc_ok());
    if !ok(input) && ok(trimmed) {
        trimmed
    } else {
        input
    }
}

fn unhex(input: &[u8]) -> Result<Vec<u8>, PayloadTextError> {
    let mut out = Vec::with_capacity(input.len() / 2);
    let mut high: Option<u8> = None;
    let mut digits = 0;
    for (offset, &c) in input.iter().enumerate() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => {
                return Err(PayloadTextError::NotHex {
                    offset,
                    found: char::from(c),
                })
            }
        };
        digits += 1;
        match high.take() {
            None => high = Some(v),
            Some(h) => out.push(h << 4 | v),
        }
    }
    if high.is_some() {
        return Err(PayloadTextError::OddHex(digits));
    }
    Ok(out)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Reads redis-cli's quoted form, quotes optional (`sdssplitargs`'
/// escapes: `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a`, and `\` before any other
/// character stands for that character).
fn unescape(input: &[u8]) -> Result<Vec<u8>, PayloadTextError> {
    let lead = input.len() - input.trim_ascii_start().len();
    let t = input.trim_ascii();
    let (body, base) = match t.first() {
        Some(b'"') => {
            if t.len() < 2 || t.last() != Some(&b'"') || t.ends_with(b"\\\"") && !even_escapes(t) {
                return Err(PayloadTextError::BadEscape {
                    offset: lead + t.len(),
                    reason: "no closing quote",
                });
            }
            (&t[1..t.len() - 1], lead + 1)
        }
        // Without quotes, spaces at either end are payload bytes (sdscatrepr
        // leaves a 0x20 byte as a space): only the line end is dropped.
        _ => {
            let line = input.strip_suffix(b"\n").unwrap_or(input);
            (line.strip_suffix(b"\r").unwrap_or(line), 0)
        }
    };
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c == b'"' {
            return Err(PayloadTextError::BadEscape {
                offset: base + i,
                reason: "unescaped quote inside the payload",
            });
        }
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let Some(&e) = body.get(i + 1) else {
            return Err(PayloadTextError::BadEscape {
                offset: base + i,
                reason: "a backslash ends the payload",
            });
        };
        match e {
            b'x' => {
                let hex = body
                    .get(i + 2)
                    .and_then(|&h| hex_val(h))
                    .zip(body.get(i + 3).and_then(|&l| hex_val(l)));
                let Some((h, l)) = hex else {
                    return Err(PayloadTextError::BadEscape {
                        offset: base + i,
                        reason: "\\x is not followed by two hex digits",
                    });
                };
                out.push(h << 4 | l);
                i += 4;
                continue;
            }
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'b' => out.push(0x08),
            b'a' => out.push(0x07),
            other => out.push(other),
        }
        i += 2;
    }
    Ok(out)
}

/// Whether the quote ending `t` is a real closing quote: preceded by an
/// even run of backslashes.
fn even_escapes(t: &[u8]) -> bool {
    let run = t[..t.len() - 1]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    run % 2 == 0
}

/// What is wrong with a payload's footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FooterProblem {
    /// The RDB version is not one redfile knows.
    UnknownVersion(u16),
    /// The stored CRC-64 is not the computed one.
    Checksum {
        /// Stored in the payload.
        stored: u64,
        /// Computed over its bytes.
        computed: u64,
    },
}

impl fmt::Display for FooterProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FooterProblem::UnknownVersion(v) => write!(
                f,
                "unknown RDB version {v} in the footer: expected 1 to {RDB_VERSION_REDIS_MAX} (Redis) or {RDB_VERSION_VALKEY_9} (Valkey)"
            ),
            FooterProblem::Checksum { stored, computed } => write!(
                f,
                "CRC-64 mismatch: the footer stores {stored:016x}, the payload's bytes give {computed:016x}"
            ),
        }
    }
}

/// Why a payload could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The footer is wrong (every problem found, version first).
    #[error("{}", join(.0))]
    Footer(Vec<FooterProblem>),
    /// The payload is too short, or its value does not parse.
    #[error(transparent)]
    Dump(#[from] DumpError),
}

fn join(problems: &[FooterProblem]) -> String {
    let parts: Vec<String> = problems.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

/// A decoded payload.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// Its footer.
    pub footer: DumpFooter,
    /// The layout of its value.
    pub kind: ObjectKind,
    /// The value.
    pub value: Value,
}

/// Checks the footer (unless `check` is [`ChecksumCheck::Skip`]: then the
/// version and the CRC are not judged) and decodes the value.
pub fn decode_payload(payload: &[u8], check: ChecksumCheck) -> Result<Decoded, DecodeError> {
    let footer = dump_footer(payload)?;
    if check == ChecksumCheck::Verify {
        let mut problems = Vec::new();
        if !footer.version_known() {
            problems.push(FooterProblem::UnknownVersion(footer.version));
        }
        if !footer.crc_ok() {
            problems.push(FooterProblem::Checksum {
                stored: footer.stored_crc,
                computed: footer.computed_crc,
            });
        }
        if !problems.is_empty() {
            return Err(DecodeError::Footer(problems));
        }
    }
    let (p, value) = decode_dump_with(payload, ChecksumCheck::Skip)?;
    Ok(Decoded {
        footer,
        kind: p.kind,
        value,
    })
}

/// The Redis release whose AOF rewrite matches a payload's RDB version
/// (Valkey 9 rewrites as Redis 7.4 does).
pub fn redis_version_of(rdb_version: u16) -> RedisVersion {
    match rdb_version {
        0..=9 => RedisVersion::V6_2,
        10 => RedisVersion::V7_0,
        11 => RedisVersion::V7_2,
        14 => RedisVersion::V8_8,
        _ => RedisVersion::V7_4,
    }
}

/// Writes a decoded value as `dump --format FORMAT` writes one key named
/// `key` in database 0, without expiry: a JSON document, a JSON line, CSV,
/// or the commands that recreate it (for `redis_version`, default: the one
/// the payload's RDB version implies), without `SELECT`.
pub fn write_decoded(
    out: &mut impl Write,
    d: &Decoded,
    key: &[u8],
    format: DumpFormat,
    redis_version: Option<RedisVersion>,
) -> Result<(), WriteDecodedError> {
    let mut b = Vec::new();
    let object = |b: &mut Vec<u8>| {
        b.extend_from_slice(b"{\"db\":0,\"key\":");
        json_bytes(b, key);
        b.extend_from_slice(b",\"type\":\"");
        b.extend_from_slice(d.kind.value_type().name().as_bytes());
        b.extend_from_slice(b"\",\"encoding\":\"");
        b.extend_from_slice(d.kind.name().as_bytes());
        b.extend_from_slice(b"\",\"expire_ms\":null,\"value\":");
        value_json(b, &d.value);
        b.push(b'}');
    };
    match format {
        DumpFormat::Jsonl => {
            object(&mut b);
            b.push(b'\n');
        }
        DumpFormat::Json => {
            b.extend_from_slice(b"{\"keys\":[\n");
            object(&mut b);
            b.extend_from_slice(b"\n],\"functions\":[],\"aux\":{}}\n");
        }
        DumpFormat::Csv => {
            b.extend_from_slice(b"db,key,type,encoding,expire_ms,value\n0,");
            crate::export::text::csv_text(&mut b, key);
            b.push(b',');
            b.extend_from_slice(d.kind.value_type().name().as_bytes());
            b.push(b',');
            b.extend_from_slice(d.kind.name().as_bytes());
            b.extend_from_slice(b",,");
            match &d.value {
                Value::String(s) => crate::export::text::csv_text(&mut b, s),
                v => {
                    let mut j = Vec::new();
                    value_json(&mut j, v);
                    crate::export::text::csv_cell(&mut b, &j);
                }
            }
            b.push(b'\n');
        }
        DumpFormat::Resp | DumpFormat::Cmd => {
            let entry = Entry {
                key: key.to_vec(),
                value: d.value.clone(),
                expire_ms: None,
                idle: None,
                freq: None,
            };
            let v = redis_version.unwrap_or_else(|| redis_version_of(d.footer.version));
            for c in key_commands(&entry, &RewriteOptions::for_version(v))? {
                let args: Vec<&[u8]> = c.iter().map(Vec::as_slice).collect();
                command_text(&mut b, format, &args);
            }
        }
    }
    out.write_all(&b)?;
    Ok(())
}

/// Why [`write_decoded`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WriteDecodedError {
    /// The value cannot be written as commands (a module value).
    #[error(transparent)]
    Rewrite(#[from] RewriteError),
    /// Writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// DUMP of the string `bar` by RDB 11 (spec rdb-format §17).
    const BAR: [u8; 15] = [
        0x00, 0x03, 0x62, 0x61, 0x72, 0x0b, 0x00, 0x8f, 0x61, 0xf4, 0x13, 0x13, 0xf9, 0x14, 0x9e,
    ];

    fn escaped(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        crate::export::text::cli_arg(&mut out, b);
        out
    }

    #[test]
    fn every_form_reads_back() {
        let hex = hex::encode(BAR);
        let spaced = "00 03 62 61 72 0b 00 8f 61 f4 13 13 f9 14 9e\n";
        let quoted = escaped(&BAR);
        assert_eq!(
            String::from_utf8_lossy(&quoted),
            r#""\x00\x03bar\x0b\x00\x8fa\xf4\x13\x13\xf9\x14\x9e""#
        );
        let bare = quoted[1..quoted.len() - 1].to_vec();
        for (input, form) in [
            (BAR.to_vec(), PayloadForm::Raw),
            (hex.clone().into_bytes(), PayloadForm::Hex),
            (hex.to_uppercase().into_bytes(), PayloadForm::Hex),
            (spaced.as_bytes().to_vec(), PayloadForm::Hex),
            (quoted.clone(), PayloadForm::Escaped),
            ([&quoted[..], b"\n"].concat(), PayloadForm::Escaped),
            (bare, PayloadForm::Escaped),
        ] {
            assert_eq!(
                read_payload(&input, None),
                Ok((BAR.to_vec(), form)),
                "{}",
                String::from_utf8_lossy(&input)
            );
        }
        // redis-cli --raw adds a newline.
        assert_eq!(
            read_payload(&[&BAR[..], b"\n"].concat(), None),
            Ok((BAR.to_vec(), PayloadForm::Raw))
        );
        // Every escape redis-cli writes, and sdssplitargs' pass-through.
        assert_eq!(
            read_payload(br#""\n\r\t\b\a\\\"\q""#, None),
            Ok((b"\n\r\t\x08\x07\\\"q".to_vec(), PayloadForm::Escaped))
        );
    }

    #[test]
    fn bad_text_is_located() {
        assert_eq!(
            read_payload(b"0g", Some(PayloadForm::Hex)),
            Err(PayloadTextError::NotHex {
                offset: 1,
                found: 'g'
            })
        );
        assert_eq!(read_payload(b"abc", None), Err(PayloadTextError::OddHex(3)));
        assert_eq!(
            read_payload(br#""\x0""#, None).map_err(|e| e.to_string()),
            Err("escaped payload: byte 1: \\x is not followed by two hex digits".into())
        );
        assert!(read_payload(br#""abc"#, None).is_err());
        assert!(read_payload(br#""a\""#, None).is_err());
        assert_eq!(read_payload(b"  ", None), Err(PayloadTextError::Empty));
    }

    #[test]
    fn footer_problems_are_named() {
        let d = decode_payload(&BAR, ChecksumCheck::Verify).ok();
        assert_eq!(d.map(|d| d.value), Some(Value::String(b"bar".to_vec())));
        let mut bad_crc = BAR;
        bad_crc[14] ^= 1;
        assert_eq!(
            decode_payload(&bad_crc, ChecksumCheck::Verify).map_err(|e| e.to_string()),
            Err("CRC-64 mismatch: the footer stores 9f14f91313f4618f, the payload's bytes give 9e14f91313f4618f".into())
        );
        assert!(decode_payload(&bad_crc, ChecksumCheck::Skip).is_ok());
        let mut bad_version = BAR;
        bad_version[5] = 99;
        let e = decode_payload(&bad_version, ChecksumCheck::Verify).map_err(|e| e.to_string());
        assert!(
            matches!(&e, Err(m) if m.starts_with("unknown RDB version 99 in the footer: expected 1 to 14 (Redis) or 80 (Valkey); CRC-64 mismatch")),
            "{e:?}"
        );
    }

    #[test]
    fn bare_escaped_form_keeps_spaces_at_its_ends() {
        assert_eq!(unescape(b" a\\x00b \n").ok(), Some(b" a\x00b ".to_vec()));
        assert_eq!(unescape(b"\" a \"\n").ok(), Some(b" a ".to_vec()));
    }
}
