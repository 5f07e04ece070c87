//! Choosing the commands of the log: by key (`--key`, `--match`), database
//! and command name, with a limit. A [`LogSelection`] wraps any sink.
//!
//! Selecting by key is for finding out what happened to a key, so it also
//! selects what removed the key without naming it:
//!
//! * `FLUSHALL`, always;
//! * `FLUSHDB` and `SWAPDB` of a database where a selected key was seen
//!   (named by a selected command, moved or copied there by `MOVE` / `COPY
//!   ... DB`, or held by an RDB image the log starts from); `SWAPDB` carries
//!   that knowledge to the other database;
//! * the whole `MULTI` ... `EXEC` block of a selected command, since the
//!   block is applied as one. The block is held until its `EXEC` (memory
//!   grows with the largest transaction, never with the file).

use std::collections::BTreeSet;

use super::keyspec::{db_effect, key_positions, target_db, DbEffect};
use super::{Flow, LogCommand, LogError, LogEvent, LogRdb, LogSink};
use crate::filter::string_match;

/// What [`LogSelection`] lets through. Empty lists select everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SelectOptions {
    /// Exact key names.
    pub keys: Vec<Vec<u8>>,
    /// Redis glob patterns over key names (`KEYS`' syntax).
    pub patterns: Vec<Vec<u8>>,
    /// Databases.
    pub dbs: Vec<u64>,
    /// Command names (compared case-insensitively).
    pub commands: Vec<Vec<u8>>,
    /// Stop after this many commands.
    pub limit: Option<u64>,
}

impl SelectOptions {
    /// Whether keys are selected (by name or pattern).
    pub fn by_key(&self) -> bool {
        !self.keys.is_empty() || !self.patterns.is_empty()
    }

    /// Whether `key` is one of the selected keys.
    pub fn key_matches(&self, key: &[u8]) -> bool {
        self.keys.iter().any(|k| k == key)
            || self.patterns.iter().any(|p| string_match(p, key, false))
    }

    fn command_matches(&self, name: &[u8]) -> bool {
        self.commands.is_empty() || self.commands.iter().any(|c| c.eq_ignore_ascii_case(name))
    }

    fn db_matches(&self, cmd: &LogCommand<'_>, effect: DbEffect) -> bool {
        self.dbs.is_empty()
            || match effect {
                DbEffect::FlushAll => true,
                DbEffect::SwapDb(a, b) => self.dbs.contains(&a) || self.dbs.contains(&b),
                _ => self.dbs.contains(&cmd.db),
            }
    }
}

/// A command held back while its transaction is open.
#[derive(Debug, Clone)]
struct HeldCommand {
    file: Vec<u8>,
    offset: u64,
    len: u64,
    db: u64,
    ts: Option<i64>,
    multi: Option<u64>,
    args: Vec<Vec<u8>>,
}

impl HeldCommand {
    fn new(c: &LogCommand<'_>) -> Self {
        HeldCommand {
            file: c.file.to_vec(),
            offset: c.offset,
            len: c.len,
            db: c.db,
            ts: c.ts,
            multi: c.multi,
            args: c.args.iter().map(|a| a.to_vec()).collect(),
        }
    }
}

/// Passes the selected events on to `inner`.
#[derive(Debug)]
pub struct LogSelection<S> {
    inner: S,
    opts: SelectOptions,
    /// Databases where a selected key was last seen.
    seen_dbs: BTreeSet<u64>,
    /// Selected keys in the RDB image being walked.
    rdb_selected: u64,
    /// The open transaction's commands, when selecting by key.
    block: Vec<HeldCommand>,
    block_selected: bool,
    emitted: u64,
}

impl<S: LogSink> LogSelection<S> {
    /// Selects for `inner`.
    pub fn new(inner: S, opts: SelectOptions) -> Self {
        LogSelection {
            inner,
            opts,
            seen_dbs: BTreeSet::new(),
            rdb_selected: 0,
            block: Vec::new(),
            block_selected: false,
            emitted: 0,
        }
    }

    /// The wrapped sink.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// Commands passed on so far.
    pub fn emitted(&self) -> u64 {
        self.emitted
    }

    /// Decides on one command, updating what is known of the keys'
    /// databases.
    fn selects(&mut self, c: &LogCommand<'_>) -> bool {
        let name = c.args.first().copied().unwrap_or_default();
        let effect = db_effect(c.args);
        if !self.opts.command_matches(name) || !self.opts.db_matches(c, effect) {
            // Still follow the keys, so that a later FLUSHDB is found.
            self.track(c, effect);
            return false;
        }
        if !self.opts.by_key() {
            return true;
        }
        self.track(c, effect)
    }

    /// Follows the selected keys' databases; true when `c` touches one.
    fn track(&mut self, c: &LogCommand<'_>, effect: DbEffect) -> bool {
        if !self.opts.by_key() {
            return false;
        }
        match effect {
            DbEffect::FlushAll => {
                self.seen_dbs.clear();
                return true;
            }
            DbEffect::FlushDb => return self.seen_dbs.remove(&c.db),
            DbEffect::SwapDb(a, b) => {
                let (in_a, in_b) = (self.seen_dbs.contains(&a), self.seen_dbs.contains(&b));
                for (db, now) in [(a, in_b), (b, in_a)] {
                    if now {
                        self.seen_dbs.insert(db);
                    } else {
                        self.seen_dbs.remove(&db);
                    }
                }
                return in_a || in_b;
            }
            DbEffect::None => {}
        }
        let hit = key_positions(c.args)
            .into_iter()
            .any(|i| self.opts.key_matches(c.args[i]));
        if hit {
            self.seen_dbs.insert(c.db);
            if let Some(db) = target_db(c.args) {
                self.seen_dbs.insert(db);
            }
        }
        hit
    }

    fn pass(&mut self, c: &LogCommand<'_>) -> Result<Flow, LogError> {
        self.emitted += 1;
        let flow = self.inner.event(&LogEvent::Command(*c))?;
        if self.opts.limit.is_some_and(|n| self.emitted >= n) {
            return Ok(Flow::Stop);
        }
        Ok(flow)
    }

    /// Passes on the held transaction if one of its commands was selected.
    fn flush_block(&mut self) -> Result<Flow, LogError> {
        let block = std::mem::take(&mut self.block);
        let selected = std::mem::take(&mut self.block_selected);
        if !selected {
            return Ok(Flow::Continue);
        }
        let mut flow = Flow::Continue;
        for h in &block {
            let args: Vec<&[u8]> = h.args.iter().map(Vec::as_slice).collect();
            let c = LogCommand {
                file: &h.file,
                offset: h.offset,
                len: h.len,
                db: h.db,
                ts: h.ts,
                multi: h.multi,
                args: &args,
            };
            self.emitted += 1;
            flow = self.inner.event(&LogEvent::Command(c))?;
            if flow == Flow::Stop {
                break;
            }
        }
        if self.opts.limit.is_some_and(|n| self.emitted >= n) {
            flow = Flow::Stop;
        }
        Ok(flow)
    }
}

impl<S: LogSink> LogSink for LogSelection<S> {
    fn wants_rdb_keys(&self) -> bool {
        self.opts.by_key() || self.inner.wants_rdb_keys()
    }

    fn rdb_key(&mut self, db: u64, key: &[u8]) {
        if self.opts.by_key() && self.opts.key_matches(key) {
            self.rdb_selected += 1;
            self.seen_dbs.insert(db);
        }
        self.inner.rdb_key(db, key);
    }

    fn event(&mut self, event: &LogEvent<'_>) -> Result<Flow, LogError> {
        match event {
            LogEvent::Rdb(r) => {
                let selected = std::mem::take(&mut self.rdb_selected);
                if !self.opts.commands.is_empty() || (self.opts.by_key() && selected == 0) {
                    return Ok(Flow::Continue);
                }
                self.inner.event(&LogEvent::Rdb(LogRdb {
                    selected_keys: self.opts.by_key().then_some(selected),
                    ..*r
                }))
            }
            LogEvent::Command(c) => {
                let selected = self.selects(c);
                if !self.opts.by_key() || c.multi.is_none() {
                    if !self.block.is_empty() {
                        // A transaction the file never closed: pass it on
                        // (or not) as it stands.
                        if self.flush_block()? == Flow::Stop {
                            return Ok(Flow::Stop);
                        }
                    }
                    return if selected {
                        self.pass(c)
                    } else {
                        Ok(Flow::Continue)
                    };
                }
                if self.block.first().is_some_and(|h| h.multi != c.multi)
                    && self.flush_block()? == Flow::Stop
                {
                    return Ok(Flow::Stop);
                }
                self.block.push(HeldCommand::new(c));
                self.block_selected |= selected;
                let is_exec = c
                    .args
                    .first()
                    .is_some_and(|n| n.eq_ignore_ascii_case(b"exec"));
                if is_exec {
                    return self.flush_block();
                }
                Ok(Flow::Continue)
            }
        }
    }

    fn finish(&mut self) -> Result<(), LogError> {
        self.flush_block()?;
        self.inner.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Offsets(Vec<u64>);

    impl LogSink for Offsets {
        fn event(&mut self, event: &LogEvent<'_>) -> Result<Flow, LogError> {
            match event {
                LogEvent::Command(c) => self.0.push(c.offset),
                LogEvent::Rdb(r) => self.0.push(1000 + r.selected_keys.unwrap_or(999)),
            }
            Ok(Flow::Continue)
        }
    }

    /// Feeds `(db, multi, command)` at offsets 0, 1, 2 ...; returns the
    /// offsets selected.
    fn run(
        opts: SelectOptions,
        rdb: &[(u64, &str)],
        cmds: &[(u64, Option<u64>, &str)],
    ) -> Vec<u64> {
        let mut s = LogSelection::new(Offsets::default(), opts);
        for (db, k) in rdb {
            s.rdb_key(*db, k.as_bytes());
        }
        if !rdb.is_empty() {
            let ev = LogEvent::Rdb(LogRdb {
                file: b"base",
                end: 9,
                keys: rdb.len() as u64,
                selected_keys: None,
            });
            assert_eq!(s.event(&ev).ok(), Some(Flow::Continue));
        }
        for (i, (db, multi, text)) in cmds.iter().enumerate() {
            let args: Vec<&[u8]> = text.split(' ').map(str::as_bytes).collect();
            let c = LogCommand {
                file: b"f",
                offset: i as u64,
                len: 1,
                db: *db,
                ts: None,
                multi: *multi,
                args: &args,
            };
            if s.event(&LogEvent::Command(c)).ok() == Some(Flow::Stop) {
                break;
            }
        }
        assert!(s.finish().is_ok());
        s.into_inner().0
    }

    fn key(k: &str) -> SelectOptions {
        SelectOptions {
            keys: vec![k.as_bytes().to_vec()],
            ..SelectOptions::default()
        }
    }

    #[test]
    fn finds_what_removed_a_key() {
        let cmds = [
            (0, None, "SET k v"),      // 0
            (0, None, "SET other v"),  // 1
            (1, None, "FLUSHDB"),      // 2: not where k is
            (0, None, "SWAPDB 0 2"),   // 3: k moves to db 2
            (0, None, "FLUSHDB"),      // 4: db 0 no longer holds k
            (2, None, "FLUSHDB"),      // 5: this one loses k
            (0, None, "RENAME a k"),   // 6
            (0, Some(7), "MULTI"),     // 7
            (0, Some(7), "INCR n"),    // 8
            (0, Some(7), "DEL k"),     // 9
            (0, Some(7), "EXEC"),      // 10
            (0, Some(11), "MULTI"),    // 11
            (0, Some(11), "INCR n"),   // 12
            (0, Some(11), "EXEC"),     // 13
            (0, None, "FLUSHALL"),     // 14
            (0, None, "MSET x 1 k 2"), // 15
        ];
        assert_eq!(run(key("k"), &[], &cmds), [0, 3, 5, 6, 7, 8, 9, 10, 14, 15]);
    }

    #[test]
    fn rdb_keys_count_and_locate() {
        let cmds = [(3, None, "FLUSHDB"), (0, None, "FLUSHDB")];
        assert_eq!(run(key("k"), &[(3, "k"), (3, "j")], &cmds), [1001, 0]);
        assert_eq!(run(key("zz"), &[(3, "k")], &cmds), Vec::<u64>::new());
        let all = SelectOptions::default();
        assert_eq!(run(all, &[(3, "k")], &cmds), [1999, 0, 1]);
    }

    #[test]
    fn glob_db_command_and_limit() {
        let cmds = [
            (0, None, "SET user:1 a"),
            (1, None, "SET user:2 b"),
            (1, None, "DEL user:2"),
            (0, None, "SET item:1 c"),
        ];
        let glob = SelectOptions {
            patterns: vec![b"user:*".to_vec()],
            ..SelectOptions::default()
        };
        assert_eq!(run(glob.clone(), &[], &cmds), [0, 1, 2]);
        let db1 = SelectOptions {
            dbs: vec![1],
            ..glob.clone()
        };
        assert_eq!(run(db1, &[], &cmds), [1, 2]);
        let del = SelectOptions {
            commands: vec![b"del".to_vec()],
            ..SelectOptions::default()
        };
        assert_eq!(run(del, &[], &cmds), [2]);
        let limit = SelectOptions {
            limit: Some(2),
            ..SelectOptions::default()
        };
        assert_eq!(run(limit, &[], &cmds), [0, 1]);
    }
}
