//! The log as JSON Lines: one object per command (or RDB image), written
//! as the events come.
//!
//! ```json
//! {"file":"appendonly.aof.1.incr.aof","offset":88,"kind":"command","db":0,"ts":1700000000,"time":"2023-11-14T22:13:20Z","multi":null,"command":"SET","args":["k","v"]}
//! {"file":"appendonly.aof.1.base.rdb","offset":0,"kind":"rdb","end":117,"keys":2}
//! ```
//!
//! Byte strings (file names, arguments) follow `dump`'s convention: a JSON
//! string when valid UTF-8, else `{"base64": "..."}`. `command` is the
//! name upper-cased (ASCII), `args` the arguments after it.

use std::io::Write;

use super::{iso8601_utc, Flow, LogError, LogEvent, LogSink};
use crate::export::text::json_bytes;

/// Writes each event as one JSON line.
#[derive(Debug)]
pub struct LogJsonl<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> LogJsonl<W> {
    /// A writer to `out` (give it a buffered writer).
    pub fn new(out: W) -> Self {
        LogJsonl {
            out,
            buf: Vec::with_capacity(4096),
        }
    }

    /// The writer, flushed.
    pub fn into_inner(mut self) -> std::io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

fn num(out: &mut Vec<u8>, n: impl std::fmt::Display) {
    // Writing to a Vec cannot fail.
    let _ = write!(out, "{n}");
}

/// One event as a JSON object (no line break).
pub fn event_json(out: &mut Vec<u8>, event: &LogEvent<'_>) {
    match event {
        LogEvent::Rdb(r) => {
            out.extend_from_slice(b"{\"file\":");
            json_bytes(out, r.file);
            out.extend_from_slice(b",\"offset\":0,\"kind\":\"rdb\",\"end\":");
            num(out, r.end);
            out.extend_from_slice(b",\"keys\":");
            num(out, r.keys);
            if let Some(n) = r.selected_keys {
                out.extend_from_slice(b",\"selected_keys\":");
                num(out, n);
            }
            out.push(b'}');
        }
        LogEvent::Command(c) => {
            out.extend_from_slice(b"{\"file\":");
            json_bytes(out, c.file);
            out.extend_from_slice(b",\"offset\":");
            num(out, c.offset);
            out.extend_from_slice(b",\"kind\":\"command\",\"db\":");
            num(out, c.db);
            out.extend_from_slice(b",\"ts\":");
            match c.ts {
                Some(ts) => {
                    num(out, ts);
                    out.extend_from_slice(b",\"time\":\"");
                    out.extend_from_slice(iso8601_utc(ts).as_bytes());
                    out.push(b'"');
                }
                None => out.extend_from_slice(b"null,\"time\":null"),
            }
            out.extend_from_slice(b",\"multi\":");
            match c.multi {
                Some(m) => num(out, m),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"command\":");
            let name = c.args.first().copied().unwrap_or_default();
            json_bytes(out, &name.to_ascii_uppercase());
            out.extend_from_slice(b",\"args\":[");
            for (i, a) in c.args.iter().skip(1).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                json_bytes(out, a);
            }
            out.extend_from_slice(b"]}");
        }
    }
}

impl<W: Write> LogSink for LogJsonl<W> {
    fn event(&mut self, event: &LogEvent<'_>) -> Result<Flow, LogError> {
        self.buf.clear();
        event_json(&mut self.buf, event);
        self.buf.push(b'\n');
        self.out.write_all(&self.buf)?;
        Ok(Flow::Continue)
    }

    fn finish(&mut self) -> Result<(), LogError> {
        self.out.flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aoflog::{LogCommand, LogRdb};

    #[test]
    fn lines() {
        let args: [&[u8]; 3] = [b"set", b"k", b"\xff"];
        let mut out = Vec::new();
        event_json(
            &mut out,
            &LogEvent::Command(LogCommand {
                file: b"a.aof",
                offset: 7,
                len: 30,
                db: 2,
                ts: Some(1_700_000_000),
                multi: Some(3),
                args: &args,
            }),
        );
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"file":"a.aof","offset":7,"kind":"command","db":2,"ts":1700000000,"time":"2023-11-14T22:13:20Z","multi":3,"command":"SET","args":["k",{"base64":"/w=="}]}"#
        );
        out.clear();
        event_json(
            &mut out,
            &LogEvent::Rdb(LogRdb {
                file: b"b.rdb",
                end: 117,
                keys: 2,
                selected_keys: None,
            }),
        );
        assert_eq!(
            String::from_utf8_lossy(&out),
            r#"{"file":"b.rdb","offset":0,"kind":"rdb","end":117,"keys":2}"#
        );
    }
}
