//! `dump`'s output formats: every selected key with its db, type,
//! encoding, expiry and value, written to any `io::Write` as the keys come
//! (one key's text at a time is built, then written).
//!
//! | format | shape |
//! |---|---|
//! | `json` | one document: `{"keys":[KEY,...],"functions":[...],"aux":{...}}` |
//! | `jsonl` | one `KEY` object per line |
//! | `csv` | `db,key,type,encoding,expire_ms,value` with a header line |
//! | `resp` | the commands that recreate the keys, as RESP (for `redis-cli --pipe`) |
//! | `cmd` | the same commands, one per line, quoted as redis-cli reads them |
//!
//! Byte strings are lossless: a JSON string when they are valid UTF-8,
//! else `{"base64":"..."}`; in CSV, the text itself, or `base64:` and the
//! base64 when it is not UTF-8 (or already starts with `base64:`). The
//! commands come from [`key_commands`], the AOF rewrite's own (`SET`,
//! `RPUSH`, `HMSET` + `HPEXPIREAT`, `XADD` + `XSETID` + `XGROUP` ...).

pub mod parallel;
pub mod text;

use std::io::{self, Write};

use crate::aof::rewrite::{key_commands, RedisVersion, RewriteOptions};
use crate::digest::score::fpconv_dtoa;
use crate::inspect::{InspectError, KeyItem, KeyVisitor, ValueNeed};
use crate::model::{Stream, StreamId, Value};
use crate::rdb::elements::{visit_stream_entries, Element, ElementSink};
use crate::rdb::encoding::BlobEntry;
use crate::rdb::encoding::Depth;
use crate::rdb::kind::StreamVersion;
use crate::rdb::object::{decode_stream_without_entries, ObjectError};
use crate::rdb::{ObjectKind, RdbError};
use text::{cli_arg, csv_cell, csv_text, json_bytes, json_str};

/// An output format of `dump`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DumpFormat {
    /// One JSON document.
    Json,
    /// JSON Lines: one key per line.
    Jsonl,
    /// CSV with a header line.
    Csv,
    /// RESP commands (`redis-cli --pipe`).
    Resp,
    /// redis-cli commands, one per line.
    Cmd,
}

/// Options of [`DumpWriter`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DumpOptions {
    /// The format.
    pub format: DumpFormat,
    /// For `resp` and `cmd`: the server the commands are for. `None`: the
    /// file's `redis-ver` (or `valkey-ver`) aux field, else Redis 7.4.
    pub redis_version: Option<RedisVersion>,
}

/// Writes the keys it visits in one [`DumpFormat`]. Call
/// [`DumpWriter::finish`] at the end (the JSON document closes there).
#[derive(Debug)]
pub struct DumpWriter<W: Write> {
    out: W,
    opts: DumpOptions,
    buf: Vec<u8>,
    started: bool,
    /// A key was written (JSON separates the next one with a comma).
    keys_written: bool,
    aux: Vec<(Vec<u8>, Vec<u8>)>,
    functions: Vec<Vec<u8>>,
    db: Option<u64>,
    file_version: Option<RedisVersion>,
    /// Rendering a collection's elements: none written yet.
    first_element: bool,
    /// One element's JSON, for CSV quoting.
    scratch: Vec<u8>,
    /// A write that failed while elements were streamed.
    failed: Option<io::Error>,
}

/// Output is written out once this much of a large value is rendered.
const FLUSH_AT: usize = 1 << 20;

impl<W: Write> DumpWriter<W> {
    /// A writer to `out` (give it a buffered writer).
    pub fn new(out: W, opts: DumpOptions) -> Self {
        DumpWriter {
            out,
            opts,
            buf: Vec::with_capacity(64 * 1024),
            started: false,
            keys_written: false,
            aux: Vec::new(),
            functions: Vec::new(),
            db: None,
            file_version: None,
            first_element: true,
            scratch: Vec::new(),
            failed: None,
        }
    }

    /// The output so far, without ending it (a worker's rendered batch).
    fn into_output(self) -> W {
        self.out
    }

    /// Writes keys rendered by a worker (see [`parallel`]): the first key
    /// of a JSON document takes no comma.
    fn write_rendered(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.start()?;
        let first = !std::mem::replace(&mut self.keys_written, true);
        let bytes = match bytes.strip_prefix(b",") {
            Some(rest) if first && self.opts.format == DumpFormat::Json => rest,
            _ => bytes,
        };
        self.out.write_all(bytes)
    }

    /// What this format needs of the values: elements for the JSON and CSV
    /// formats (a large collection is rendered as it is read, in flat
    /// memory), whole values for the commands of `resp` and `cmd`.
    pub fn value_need(&self) -> ValueNeed {
        match self.opts.format {
            DumpFormat::Json | DumpFormat::Jsonl | DumpFormat::Csv => ValueNeed::Elements,
            DumpFormat::Resp | DumpFormat::Cmd => ValueNeed::Whole,
        }
    }

    /// Appends one element's JSON (a CSV-quoted piece of the cell in CSV)
    /// to the key being written, writing out what is rendered when it
    /// grows large.
    fn render_element(&mut self, e: Element<'_>) {
        let first = std::mem::replace(&mut self.first_element, false);
        if self.opts.format == DumpFormat::Csv {
            let mut j = std::mem::take(&mut self.scratch);
            if !first {
                j.push(b',');
            }
            element_json(&mut j, e);
            self.emit_json(&mut j, true);
            self.scratch = j;
        } else {
            if !first {
                self.buf.push(b',');
            }
            element_json(&mut self.buf, e);
            self.write_out_if_large();
        }
    }

    /// Moves rendered JSON from `j` to the key being written (quotes
    /// doubled inside a CSV cell), writing out what is rendered when it
    /// grows large.
    fn emit_json(&mut self, j: &mut Vec<u8>, csv: bool) {
        if csv {
            for &c in j.iter() {
                if c == b'"' {
                    self.buf.push(b'"');
                }
                self.buf.push(c);
            }
        } else {
            self.buf.extend_from_slice(j);
        }
        j.clear();
        self.write_out_if_large();
    }

    /// Writes out the key rendered so far once it is large; a failure is
    /// kept for the end of the key (element sinks cannot return one).
    fn write_out_if_large(&mut self) {
        if self.buf.len() >= FLUSH_AT && self.failed.is_none() {
            if let Err(e) = self.out.write_all(&self.buf) {
                self.failed = Some(e);
            }
            self.buf.clear();
        }
    }

    /// Writes the start of a key's record, up to where its value begins.
    fn key_head(&mut self, item: &KeyItem<'_>, first: bool) -> io::Result<()> {
        self.start()?;
        let b = &mut self.buf;
        b.clear();
        match self.opts.format {
            DumpFormat::Json | DumpFormat::Jsonl => {
                if self.opts.format == DumpFormat::Json {
                    b.extend_from_slice(if first { b"\n" } else { b",\n" });
                }
                key_json_head(b, item);
            }
            DumpFormat::Csv => {
                b.extend_from_slice(item.db.to_string().as_bytes());
                b.push(b',');
                csv_text(b, item.key);
                b.push(b',');
                b.extend_from_slice(item.value_type.name().as_bytes());
                b.push(b',');
                b.extend_from_slice(item.encoding.unwrap_or("").as_bytes());
                b.push(b',');
                if let Some(ms) = item.expire_ms {
                    b.extend_from_slice(ms.to_string().as_bytes());
                }
                b.push(b',');
            }
            DumpFormat::Resp | DumpFormat::Cmd => {}
        }
        Ok(())
    }

    /// Opens a collection's element list.
    fn open_elements(&mut self) {
        self.first_element = true;
        self.buf
            .extend_from_slice(if self.opts.format == DumpFormat::Csv {
                b"\"["
            } else {
                b"["
            });
    }

    /// Closes the element list and the key's record, and writes it out.
    fn close_elements(&mut self) -> io::Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        self.buf.extend_from_slice(match self.opts.format {
            DumpFormat::Csv => b"]\"\n",
            DumpFormat::Jsonl => b"]}\n",
            _ => b"]}",
        });
        self.out.write_all(&self.buf)
    }

    /// Ends the output (closes the JSON document) and gives the writer
    /// back, flushed.
    pub fn finish(mut self) -> io::Result<W> {
        if self.opts.format == DumpFormat::Json {
            self.start()?;
            let mut b = std::mem::take(&mut self.buf);
            b.clear();
            b.extend_from_slice(b"\n],\"functions\":[");
            for (i, f) in self.functions.iter().enumerate() {
                if i > 0 {
                    b.push(b',');
                }
                json_bytes(&mut b, f);
            }
            b.extend_from_slice(b"],\"aux\":{");
            for (i, (k, v)) in self.aux.iter().enumerate() {
                if i > 0 {
                    b.push(b',');
                }
                json_str(&mut b, &String::from_utf8_lossy(k));
                b.push(b':');
                json_bytes(&mut b, v);
            }
            b.extend_from_slice(b"}}\n");
            self.out.write_all(&b)?;
        } else if self.opts.format == DumpFormat::Csv {
            self.start()?;
        }
        self.out.flush()?;
        Ok(self.out)
    }

    /// Writes what comes before the first key.
    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        match self.opts.format {
            DumpFormat::Json => self.out.write_all(b"{\"keys\":["),
            DumpFormat::Csv => self
                .out
                .write_all(b"db,key,type,encoding,expire_ms,value\n"),
            _ => Ok(()),
        }
    }

    fn rewrite_options(&self) -> RewriteOptions {
        RewriteOptions::for_version(
            self.opts
                .redis_version
                .or(self.file_version)
                .unwrap_or_default(),
        )
    }

    fn write_command(&mut self, args: &[&[u8]]) -> io::Result<()> {
        self.buf.clear();
        command_text(&mut self.buf, self.opts.format, args);
        self.out.write_all(&self.buf)
    }
}

pub(crate) fn command_text(out: &mut Vec<u8>, format: DumpFormat, args: &[&[u8]]) {
    if format == DumpFormat::Resp {
        // Writing to a Vec cannot fail.
        let _ = crate::aof::writer::write_command(out, args);
    } else {
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            cli_arg(out, a);
        }
        out.push(b'\n');
    }
}

fn visitor_err(e: impl std::error::Error + Send + Sync + 'static) -> InspectError {
    InspectError::Visitor(Box::new(e))
}

impl<W: Write> KeyVisitor for DumpWriter<W> {
    fn aux(&mut self, key: &[u8], value: &[u8]) -> Result<(), InspectError> {
        match key {
            b"redis-ver" => {
                self.file_version = std::str::from_utf8(value)
                    .ok()
                    .and_then(RedisVersion::parse);
            }
            // Valkey 9 writes only `valkey-ver`; Valkey 7.2–8.x also write
            // `redis-ver` 7.2.4, which comes first.
            b"valkey-ver" if self.file_version.is_none() => {
                let v = std::str::from_utf8(value)
                    .ok()
                    .and_then(RedisVersion::parse);
                self.file_version = v.map(|v| {
                    if v.major >= 9 {
                        RedisVersion::V7_4
                    } else {
                        RedisVersion::V7_2
                    }
                });
            }
            _ => {}
        }
        if self.opts.format == DumpFormat::Json {
            self.aux.push((key.to_vec(), value.to_vec()));
        }
        Ok(())
    }

    fn function(&mut self, code: &[u8]) -> Result<(), InspectError> {
        match self.opts.format {
            DumpFormat::Json => self.functions.push(code.to_vec()),
            DumpFormat::Resp | DumpFormat::Cmd => {
                self.write_command(&[b"FUNCTION", b"LOAD", code])?;
            }
            DumpFormat::Jsonl | DumpFormat::Csv => {}
        }
        Ok(())
    }

    fn key(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        let format = self.opts.format;
        if matches!(format, DumpFormat::Resp | DumpFormat::Cmd) {
            self.start()?;
            let mut b = std::mem::take(&mut self.buf);
            b.clear();
            let entry = item.entry()?;
            let cmds = key_commands(&entry, &self.rewrite_options()).map_err(visitor_err)?;
            if self.db != Some(item.db) && !cmds.is_empty() {
                self.db = Some(item.db);
                let db = item.db.to_string();
                command_text(&mut b, format, &[b"SELECT", db.as_bytes()]);
            }
            for c in &cmds {
                let args: Vec<&[u8]> = c.iter().map(Vec::as_slice).collect();
                command_text(&mut b, format, &args);
            }
            let r = self.out.write_all(&b);
            self.buf = b;
            r?;
            return Ok(());
        }
        let first = !std::mem::replace(&mut self.keys_written, true);
        self.key_head(item, first)?;
        if item.value_type.has_elements() {
            self.open_elements();
            if item.visit_elements(&mut Render(self))? {
                self.close_elements()?;
                return Ok(());
            }
            // Not visitable by element after all: start over, whole.
            self.key_head(item, first)?;
        }
        if let Some((kind @ ObjectKind::Stream(_), body, body_offset)) = item.encoded() {
            // A stream's entries are rendered from its node listpacks and
            // written out as they come: a stream of millions of entries
            // costs neither a copy of every field nor its whole JSON.
            let csv = format == DumpFormat::Csv;
            if csv {
                self.buf.push(b'"');
            }
            let mut j = Vec::new();
            stream_json_from_body(&mut j, kind, body, &mut |j| self.emit_json(j, csv))
                .map_err(|e| RdbError::new(body_offset + e.offset as u64, e.kind))?;
            self.emit_json(&mut j, csv);
            if let Some(e) = self.failed.take() {
                return Err(e.into());
            }
            self.buf.extend_from_slice(match format {
                DumpFormat::Csv => b"\"\n",
                DumpFormat::Jsonl => b"}\n",
                _ => b"}",
            });
            self.out.write_all(&self.buf)?;
            return Ok(());
        }
        let value = item.value()?;
        let b = &mut self.buf;
        match (format, &*value) {
            (DumpFormat::Csv, Value::String(s)) => csv_text(b, s),
            (DumpFormat::Csv, v) => {
                let mut j = Vec::new();
                value_json(&mut j, v);
                csv_cell(b, &j);
            }
            (_, v) => {
                value_json(b, v);
                b.push(b'}');
            }
        }
        if format != DumpFormat::Json {
            b.push(b'\n');
        }
        self.out.write_all(&self.buf)?;
        Ok(())
    }

    fn large_key_start(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        let first = !std::mem::replace(&mut self.keys_written, true);
        self.key_head(item, first)?;
        self.open_elements();
        Ok(())
    }

    fn element(&mut self, e: Element<'_>) {
        self.render_element(e);
    }

    fn large_key_end(&mut self, _item: &KeyItem<'_>) -> Result<(), InspectError> {
        self.close_elements()?;
        Ok(())
    }
}

/// Renders elements into the writer's current key.
struct Render<'a, W: Write>(&'a mut DumpWriter<W>);

impl<W: Write> ElementSink for Render<'_, W> {
    fn element(&mut self, e: Element<'_>) {
        self.0.render_element(e);
    }
}

/// One element as JSON: a member as a string, a scored member as
/// `[member, score]`, a field as `[field, value]` or `[field, value,
/// expire_ms]`.
fn element_json(out: &mut Vec<u8>, e: Element<'_>) {
    match e {
        Element::Member(m) => entry_json(out, m),
        Element::Scored(m, score) => {
            out.push(b'[');
            entry_json(out, m);
            out.push(b',');
            score_json(out, score);
            out.push(b']');
        }
        Element::Field(f, v, ttl) => {
            out.push(b'[');
            entry_json(out, f);
            out.push(b',');
            entry_json(out, v);
            if let Some(ms) = ttl {
                out.push(b',');
                json_num(out, ms);
            }
            out.push(b']');
        }
    }
}

/// An element as a JSON string (an integer element as its decimal text).
fn entry_json(out: &mut Vec<u8>, e: BlobEntry<'_>) {
    match e {
        BlobEntry::Bytes(b) => json_bytes(out, b),
        BlobEntry::Int(i) => {
            out.push(b'"');
            json_num(out, i);
            out.push(b'"');
        }
    }
}

fn json_num(out: &mut Vec<u8>, n: impl std::fmt::Display) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{n}");
}

fn json_id(out: &mut Vec<u8>, id: StreamId) {
    out.push(b'"');
    json_num(out, id);
    out.push(b'"');
}

/// A key's JSON object (the `jsonl` line, a `json` array element) up to
/// its value, which follows `"value":`.
fn key_json_head(out: &mut Vec<u8>, item: &KeyItem<'_>) {
    out.extend_from_slice(b"{\"db\":");
    json_num(out, item.db);
    out.extend_from_slice(b",\"key\":");
    json_bytes(out, item.key);
    out.extend_from_slice(b",\"type\":\"");
    out.extend_from_slice(item.value_type.name().as_bytes());
    out.extend_from_slice(b"\",\"encoding\":");
    match item.encoding {
        Some(e) => {
            out.push(b'"');
            out.extend_from_slice(e.as_bytes());
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"expire_ms\":");
    match item.expire_ms {
        Some(ms) => json_num(out, ms),
        None => out.extend_from_slice(b"null"),
    }
    if let Some(idle) = item.idle {
        out.extend_from_slice(b",\"idle\":");
        json_num(out, idle);
    }
    if let Some(freq) = item.freq {
        out.extend_from_slice(b",\"freq\":");
        json_num(out, freq);
    }
    out.extend_from_slice(b",\"value\":");
}

/// A score: Redis's own text (`fpconv_dtoa`, as 7.2+ replies) for finite
/// values, which is valid JSON; `"inf"`, `"-inf"`, `"nan"` otherwise.
fn score_json(out: &mut Vec<u8>, s: f64) {
    if s.is_finite() {
        out.extend_from_slice(fpconv_dtoa(s).as_bytes());
    } else if s.is_nan() {
        out.extend_from_slice(b"\"nan\"");
    } else if s > 0.0 {
        out.extend_from_slice(b"\"inf\"");
    } else {
        out.extend_from_slice(b"\"-inf\"");
    }
}

fn list_json(out: &mut Vec<u8>, items: &[Vec<u8>]) {
    out.push(b'[');
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        json_bytes(out, v);
    }
    out.push(b']');
}

fn sep(out: &mut Vec<u8>, i: usize) {
    if i > 0 {
        out.push(b',');
    }
}

/// A value as JSON (see the README's `dump` schema).
pub(crate) fn value_json(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::String(s) => json_bytes(out, s),
        Value::List(v) | Value::Set(v) => list_json(out, v),
        Value::SortedSet(pairs) => {
            out.push(b'[');
            for (i, (m, s)) in pairs.iter().enumerate() {
                sep(out, i);
                out.push(b'[');
                json_bytes(out, m);
                out.push(b',');
                score_json(out, *s);
                out.push(b']');
            }
            out.push(b']');
        }
        Value::Hash(fields) => {
            out.push(b'[');
            for (i, f) in fields.iter().enumerate() {
                sep(out, i);
                out.push(b'[');
                json_bytes(out, &f.field);
                out.push(b',');
                json_bytes(out, &f.value);
                if let Some(ms) = f.expire_ms {
                    out.push(b',');
                    json_num(out, ms);
                }
                out.push(b']');
            }
            out.push(b']');
        }
        Value::Stream(s) => {
            stream_head_json(out, s);
            for (i, e) in s.entries.iter().enumerate() {
                sep(out, i);
                stream_entry_json(
                    out,
                    e.id,
                    e.fields
                        .iter()
                        .map(|(f, v)| (BlobEntry::Bytes(f), BlobEntry::Bytes(v))),
                );
            }
            stream_tail_json(out, s);
        }
        Value::Module(m) => {
            out.extend_from_slice(b"{\"module\":");
            json_str(out, &m.name);
            out.extend_from_slice(b",\"encver\":");
            json_num(out, m.encver);
            out.extend_from_slice(b",\"raw\":{\"base64\":\"");
            text::base64_encode(out, &m.raw);
            out.extend_from_slice(b"\"}}");
        }
        Value::Array(a) => {
            out.extend_from_slice(b"{\"elements\":[");
            for (i, (idx, v)) in a.elements.iter().enumerate() {
                sep(out, i);
                out.push(b'[');
                json_num(out, idx);
                out.push(b',');
                json_bytes(out, v);
                out.push(b']');
            }
            out.extend_from_slice(b"],\"insert_idx\":");
            match a.insert_idx {
                Some(n) => json_num(out, n),
                None => out.extend_from_slice(b"null"),
            }
            out.push(b'}');
        }
    }
}

/// A stream's JSON up to its entries: the metadata, then `"entries":[`.
fn stream_head_json(out: &mut Vec<u8>, s: &Stream) {
    out.extend_from_slice(b"{\"length\":");
    json_num(out, s.length);
    out.extend_from_slice(b",\"first_id\":");
    json_id(out, s.first_id);
    out.extend_from_slice(b",\"last_id\":");
    json_id(out, s.last_id);
    out.extend_from_slice(b",\"max_deleted_id\":");
    json_id(out, s.max_deleted_id);
    out.extend_from_slice(b",\"entries_added\":");
    json_num(out, s.entries_added);
    out.extend_from_slice(b",\"entries\":[");
}

/// One stream entry: `{"id":..., "fields":[[f, v], ...]}`.
fn stream_entry_json<'f>(
    out: &mut Vec<u8>,
    id: StreamId,
    fields: impl Iterator<Item = (BlobEntry<'f>, BlobEntry<'f>)>,
) {
    out.extend_from_slice(b"{\"id\":");
    json_id(out, id);
    out.extend_from_slice(b",\"fields\":[");
    for (j, (f, v)) in fields.enumerate() {
        sep(out, j);
        out.push(b'[');
        entry_json(out, f);
        out.push(b',');
        entry_json(out, v);
        out.push(b']');
    }
    out.extend_from_slice(b"]}");
}

/// A stream's JSON after its entries: `]`, the groups, the IDMP state, `}`.
fn stream_tail_json(out: &mut Vec<u8>, s: &Stream) {
    out.extend_from_slice(b"],\"groups\":[");
    for (i, g) in s.groups.iter().enumerate() {
        sep(out, i);
        out.extend_from_slice(b"{\"name\":");
        json_bytes(out, &g.name);
        out.extend_from_slice(b",\"last_id\":");
        json_id(out, g.last_id);
        out.extend_from_slice(b",\"entries_read\":");
        match g.entries_read {
            Some(n) => json_num(out, n),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(b",\"pending\":[");
        for (j, p) in g.pending.iter().enumerate() {
            sep(out, j);
            out.extend_from_slice(b"{\"id\":");
            json_id(out, p.id);
            out.extend_from_slice(b",\"delivery_time\":");
            json_num(out, p.delivery_time);
            out.extend_from_slice(b",\"delivery_count\":");
            json_num(out, p.delivery_count);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"consumers\":[");
        for (j, c) in g.consumers.iter().enumerate() {
            sep(out, j);
            out.extend_from_slice(b"{\"name\":");
            json_bytes(out, &c.name);
            out.extend_from_slice(b",\"seen_time\":");
            json_num(out, c.seen_time);
            out.extend_from_slice(b",\"active_time\":");
            json_num(out, c.active_time);
            out.extend_from_slice(b",\"pending\":[");
            for (k, id) in c.pending.iter().enumerate() {
                sep(out, k);
                json_id(out, *id);
            }
            out.extend_from_slice(b"]}");
        }
        out.push(b']');
        if !g.nacked.is_empty() {
            out.extend_from_slice(b",\"nacked\":[");
            for (k, id) in g.nacked.iter().enumerate() {
                sep(out, k);
                json_id(out, *id);
            }
            out.push(b']');
        }
        out.push(b'}');
    }
    out.push(b']');
    if let Some(idmp) = &s.idmp {
        out.extend_from_slice(b",\"idmp\":{\"duration\":");
        json_num(out, idmp.duration);
        out.extend_from_slice(b",\"max_entries\":");
        json_num(out, idmp.max_entries);
        out.extend_from_slice(b",\"iids_added\":");
        json_num(out, idmp.iids_added);
        out.extend_from_slice(b",\"iids_duplicates\":");
        json_num(out, idmp.iids_duplicates);
        out.extend_from_slice(b",\"producers\":[");
        for (i, p) in idmp.producers.iter().enumerate() {
            sep(out, i);
            out.extend_from_slice(b"{\"pid\":");
            json_bytes(out, &p.pid);
            out.extend_from_slice(b",\"entries\":[");
            for (j, e) in p.entries.iter().enumerate() {
                sep(out, j);
                out.push(b'[');
                json_bytes(out, &e.iid);
                out.push(b',');
                json_id(out, e.id);
                out.push(b']');
            }
            out.extend_from_slice(b"]}");
        }
        out.extend_from_slice(b"]}");
    }
    out.push(b'}');
}

/// A stream value's JSON from its encoded body: the metadata and groups
/// decoded without the entries, the entries read from the node listpacks.
/// `drain` is called after each entry with what is rendered so far.
fn stream_json_from_body(
    out: &mut Vec<u8>,
    kind: ObjectKind,
    body: &[u8],
    drain: &mut dyn FnMut(&mut Vec<u8>),
) -> Result<(), ObjectError> {
    let Some(mut meta) = decode_stream_without_entries(kind, body, Depth::Header)? else {
        return Ok(());
    };
    if let ObjectKind::Stream(StreamVersion(1)) = kind {
        // Version 1 stores no first id: it is the first live entry's.
        visit_stream_entries(body, &mut |id, _| {
            meta.first_id = id;
            false
        })?;
    }
    stream_head_json(out, &meta);
    let mut n = 0usize;
    visit_stream_entries(body, &mut |id, fields| {
        sep(out, n);
        n += 1;
        stream_entry_json(out, id, fields.iter().copied());
        drain(out);
        true
    })?;
    stream_tail_json(out, &meta);
    Ok(())
}

#[cfg(test)]
mod stream_tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::rdb::object::decode_value;
    use crate::rdb::{RdbReader, Record};

    fn rdb_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                rdb_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rdb") {
                out.push(p);
            }
        }
    }

    /// Every stream of every fixture renders the same from its body as
    /// from its decoded value.
    #[test]
    fn streams_render_from_the_body_as_decoded() {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        rdb_files(&root.join("fixtures"), &mut files);
        rdb_files(&root.join("../shared/fixtures"), &mut files);
        let mut streams = 0;
        for f in &files {
            let bytes = std::fs::read(f).expect("read");
            let Ok(mut r) = RdbReader::new(&bytes[..]) else {
                continue;
            };
            while let Ok(Some(l)) = r.next_record() {
                let Record::Key(k) = l.record else { continue };
                let ObjectKind::Stream(_) = k.kind else {
                    continue;
                };
                let Ok(value) = decode_value(k.kind, k.body, Depth::Header) else {
                    continue;
                };
                let mut want = Vec::new();
                value_json(&mut want, &value);
                let mut got = Vec::new();
                stream_json_from_body(&mut got, k.kind, k.body, &mut |_| {}).expect("renders");
                assert_eq!(
                    String::from_utf8_lossy(&got),
                    String::from_utf8_lossy(&want),
                    "{}",
                    f.display()
                );
                streams += 1;
            }
        }
        assert!(streams > 3, "{streams} streams");
    }
}
