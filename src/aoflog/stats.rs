//! `redfile log --stats`: what the commands of an AOF were, summed up.
//!
//! Three views, each a count of commands and of the bytes their records
//! take in the file:
//!
//! * per command name (upper-cased);
//! * per key prefix, at every level up to a depth: at level `n`, a key with
//!   at least `n` separators counts under its bytes up to and including the
//!   `n`-th separator (`user:1:name` is under `user:` and `user:1:`); keys
//!   without a separator count under "no prefix". A command counts once
//!   per prefix, however many of its keys share it;
//! * per minute, from the `#TS:` annotations (Redis 7's
//!   `aof-timestamp-enabled`); commands before the first one of their file
//!   count as untimed.
//!
//! The tables are capped ([`StatsOptions::max_rows`]): what would make a
//! new row past the cap is summed in an "other" row, so that a file with
//! millions of distinct prefixes or command names keeps memory bounded.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use super::keyspec::key_positions;
use super::{iso8601_utc, Flow, LogError, LogEvent, LogSink};
use crate::export::text::{json_bytes, json_str};

/// Options of [`LogStats`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsOptions {
    /// What separates the parts of a key name (`:`).
    pub separator: Vec<u8>,
    /// How many prefix levels to count.
    pub depth: usize,
    /// Most rows a table keeps (per view) before summing into "other".
    pub max_rows: usize,
}

impl Default for StatsOptions {
    fn default() -> Self {
        StatsOptions {
            separator: b":".to_vec(),
            depth: 2,
            max_rows: 10_000,
        }
    }
}

/// Commands and the bytes of their records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Commands.
    pub count: u64,
    /// Bytes in the file.
    pub bytes: u64,
}

impl Tally {
    fn add(&mut self, bytes: u64) {
        self.count += 1;
        self.bytes += bytes;
    }
}

/// The summary, built as the events come.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogStats {
    opts: StatsOptions,
    /// Every command.
    pub total: Tally,
    /// RDB images (BASE or preamble) and the keys they hold.
    pub rdb_images: u64,
    /// Keys in those images.
    pub rdb_keys: u64,
    /// Per upper-cased command name.
    pub commands: BTreeMap<Vec<u8>, Tally>,
    /// Command names past the cap.
    pub other_commands: Tally,
    /// Per `(level, prefix)`.
    pub prefixes: BTreeMap<(usize, Vec<u8>), Tally>,
    /// Commands naming a key without a separator.
    pub no_prefix: Tally,
    /// Prefixes past the cap.
    pub other_prefixes: Tally,
    /// Per minute (Unix seconds of its start).
    pub minutes: BTreeMap<i64, Tally>,
    /// Commands with no `#TS:` before them in their file.
    pub untimed: Tally,
}

impl LogStats {
    /// An empty summary.
    pub fn new(opts: StatsOptions) -> Self {
        LogStats {
            opts,
            ..LogStats::default()
        }
    }

    /// The options.
    pub fn options(&self) -> &StatsOptions {
        &self.opts
    }

    /// Whether any command had a timestamp.
    pub fn has_timestamps(&self) -> bool {
        !self.minutes.is_empty()
    }

    fn add_prefixes(&mut self, args: &[&[u8]], bytes: u64) {
        let sep = self.opts.separator.as_slice();
        let mut seen: BTreeSet<(usize, &[u8])> = BTreeSet::new();
        let mut bare = false;
        for i in key_positions(args) {
            let key = args[i];
            let ends = separator_ends(key, sep);
            if ends.is_empty() {
                bare = true;
            }
            for (level, end) in ends.into_iter().take(self.opts.depth).enumerate() {
                seen.insert((level + 1, &key[..end]));
            }
        }
        if bare {
            self.no_prefix.add(bytes);
        }
        for (level, prefix) in seen {
            let row = (level, prefix.to_vec());
            if let Some(t) = self.prefixes.get_mut(&row) {
                t.add(bytes);
            } else if self.prefixes.len() < self.opts.max_rows {
                self.prefixes.entry(row).or_default().add(bytes);
            } else {
                self.other_prefixes.add(bytes);
            }
        }
    }

    /// The summary as one JSON document (byte strings as in `dump`).
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let tally = |out: &mut Vec<u8>, t: &Tally| {
            let _ = write!(out, "\"count\":{},\"bytes\":{}", t.count, t.bytes);
        };
        out.extend_from_slice(b"{\"commands\":");
        let _ = write!(out, "{}", self.total.count);
        let _ = write!(
            out,
            ",\"bytes\":{},\"rdb_images\":{},\"rdb_keys\":{}",
            self.total.bytes, self.rdb_images, self.rdb_keys
        );
        out.extend_from_slice(b",\"by_command\":[");
        let mut first = true;
        for (name, t) in &self.commands {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"command\":");
            json_bytes(out, name);
            out.push(b',');
            tally(out, t);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"other_commands\":{");
        tally(out, &self.other_commands);
        out.extend_from_slice(b"},\"separator\":");
        json_bytes(out, &self.opts.separator);
        let _ = write!(out, ",\"depth\":{}", self.opts.depth);
        out.extend_from_slice(b",\"by_prefix\":[");
        let mut first = true;
        for ((level, prefix), t) in &self.prefixes {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            let _ = write!(out, "{{\"level\":{level},\"prefix\":");
            json_bytes(out, prefix);
            out.push(b',');
            tally(out, t);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"no_prefix\":{");
        tally(out, &self.no_prefix);
        out.extend_from_slice(b"},\"other_prefixes\":{");
        tally(out, &self.other_prefixes);
        out.extend_from_slice(b"},\"timestamps\":");
        out.extend_from_slice(if self.has_timestamps() {
            b"true"
        } else {
            b"false"
        });
        out.extend_from_slice(b",\"by_minute\":[");
        let mut first = true;
        for (minute, t) in &self.minutes {
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            let _ = write!(out, "{{\"minute\":{minute},\"time\":");
            json_str(out, &iso8601_utc(*minute));
            out.push(b',');
            tally(out, t);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"untimed\":{");
        tally(out, &self.untimed);
        out.extend_from_slice(b"}}\n");
    }
}

/// Offsets just past each occurrence of `sep` in `key`.
fn separator_ends(key: &[u8], sep: &[u8]) -> Vec<usize> {
    if sep.is_empty() {
        return Vec::new();
    }
    memchr::memmem::find_iter(key, sep)
        .map(|at| at + sep.len())
        .collect()
}

impl LogSink for LogStats {
    fn event(&mut self, event: &LogEvent<'_>) -> Result<Flow, LogError> {
        match event {
            LogEvent::Rdb(r) => {
                self.rdb_images += 1;
                self.rdb_keys += r.selected_keys.unwrap_or(r.keys);
            }
            LogEvent::Command(c) => {
                self.total.add(c.len);
                let name = c.args.first().copied().unwrap_or_default();
                let name = name.to_ascii_uppercase();
                if let Some(t) = self.commands.get_mut(&name) {
                    t.add(c.len);
                } else if self.commands.len() < self.opts.max_rows {
                    self.commands.entry(name).or_default().add(c.len);
                } else {
                    self.other_commands.add(c.len);
                }
                self.add_prefixes(c.args, c.len);
                match c.ts {
                    Some(ts) => self
                        .minutes
                        .entry(ts.div_euclid(60) * 60)
                        .or_default()
                        .add(c.len),
                    None => self.untimed.add(c.len),
                }
            }
        }
        Ok(Flow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aoflog::LogCommand;

    fn feed(stats: &mut LogStats, ts: Option<i64>, text: &str) {
        let args: Vec<&[u8]> = text.split(' ').map(str::as_bytes).collect();
        let c = LogCommand {
            file: b"f",
            offset: 0,
            len: 10,
            db: 0,
            ts,
            multi: None,
            args: &args,
        };
        assert!(stats.event(&LogEvent::Command(c)).is_ok());
    }

    #[test]
    fn histograms_and_timeline() {
        let mut s = LogStats::new(StatsOptions::default());
        feed(&mut s, None, "set user:1:name a");
        feed(&mut s, Some(120), "SET user:2:name b");
        feed(&mut s, Some(150), "MSET user:1:x 1 user:1:y 2 plain 3");
        feed(&mut s, Some(185), "SELECT 1");
        assert_eq!(
            s.total,
            Tally {
                count: 4,
                bytes: 40
            }
        );
        let cmds: Vec<_> = s
            .commands
            .iter()
            .map(|(k, t)| (String::from_utf8_lossy(k).into_owned(), t.count))
            .collect();
        assert_eq!(
            cmds,
            [("MSET".into(), 1), ("SELECT".into(), 1), ("SET".into(), 2)]
        );
        let prefixes: Vec<_> = s
            .prefixes
            .iter()
            .map(|((l, p), t)| (*l, String::from_utf8_lossy(p).into_owned(), t.count))
            .collect();
        assert_eq!(
            prefixes,
            [
                (1, "user:".into(), 3),
                (2, "user:1:".into(), 2),
                (2, "user:2:".into(), 1)
            ]
        );
        assert_eq!(s.no_prefix.count, 1);
        let minutes: Vec<_> = s.minutes.iter().map(|(m, t)| (*m, t.count)).collect();
        assert_eq!(minutes, [(120, 2), (180, 1)]);
        assert_eq!(s.untimed.count, 1);
    }

    #[test]
    fn rows_are_capped() {
        let mut s = LogStats::new(StatsOptions {
            max_rows: 2,
            depth: 1,
            ..StatsOptions::default()
        });
        for i in 0..5 {
            feed(&mut s, None, &format!("CMD{i} p{i}:k"));
        }
        assert_eq!(s.commands.len(), 2);
        assert_eq!(s.other_commands.count, 3);
        // CMDn name no keys: no prefixes at all.
        assert!(s.prefixes.is_empty());
        for i in 0..5 {
            feed(&mut s, None, &format!("SET p{i}:k v"));
        }
        assert_eq!(s.prefixes.len(), 2);
        assert_eq!(s.other_prefixes.count, 3);
    }
}
