//! In-memory replay engine: a keyspace that executes the write commands an
//! AOF can hold, with Redis's semantics (spec `aof-format.md` §11).
//!
//! The engine depends on [`crate::model`] only: it never sees RESP bytes,
//! files, offsets or RDB payloads.
//!
//! ```
//! use redfile::engine::{Engine, Reply};
//!
//! let mut e = Engine::new();
//! e.set_time_ms(1_700_000_000_000);
//! assert_eq!(e.apply(&["SET", "k", "v", "EX", "10"]).unwrap(), Reply::Ok);
//! assert_eq!(e.apply(&["APPEND", "k", "w"]).unwrap(), Reply::Int(2));
//! let ds = e.to_dataset();
//! assert_eq!(ds.dbs[&0].entries[0].expire_ms, Some(1_700_000_010_000));
//! ```
//!
//! # Time and expiry
//!
//! The engine never reads the wall clock. Relative times (`EX`, `EXPIRE`,
//! `XADD *`, `XCLAIM IDLE`, ...) are computed against the clock the caller
//! sets with [`Engine::set_time_ms`] (0 by default).
//!
//! Two expiry behaviours exist, as in Redis:
//!
//! * **Loading** (the default, [`Engine::set_loading`]`(true)`): what
//!   `redis-server` does while it loads an AOF (spec §2.3). Nothing expires:
//!   a key whose TTL is past stays, and `EXPIRE`/`PEXPIREAT`/`SET PXAT`/
//!   `HPEXPIREAT` with a past time *set* that TTL instead of deleting.
//! * **Live** (`set_loading(false)`): keys whose TTL is before the clock
//!   are treated as missing (deleted lazily on access), and a past time in
//!   an expire command deletes the key (or hash field) at once.
//!
//! Either way, [`Engine::purge_expired`] removes every key and hash field
//! that is expired at a given time, for example before exporting with
//! [`Engine::to_dataset`].
//!
//! # RESTORE
//!
//! `RESTORE` and `FUNCTION RESTORE` carry RDB `DUMP` payloads, which the
//! engine does not parse. The caller installs a [`DumpDecoder`] (the `rdb`
//! module provides one) with [`Engine::set_dump_decoder`]; without one
//! these commands fail with [`EngineError::NeedsDecoder`].

mod args;
mod bits;
mod byte_sort;
mod convert;
mod error;
mod functions;
mod geo;
mod hashes;
mod hyperloglog;
mod keyspace;
mod lists;
pub mod scripting;
mod sets;
pub mod slot;
mod sort;
mod store;
mod streams;
mod strings;
mod table;
mod zsets;

#[cfg(test)]
mod redis_compare;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

pub use error::{EngineError, EngineResult};

use crate::model::{ModuleAuxData, Value};
use store::Db;

/// Decodes RDB `DUMP` payloads for `RESTORE` and `FUNCTION RESTORE`; the
/// engine itself never parses RDB.
pub trait DumpDecoder: Send + Sync {
    /// Decodes a `DUMP` payload (with its version and checksum trailer)
    /// into a value, or returns a reason it is invalid.
    fn decode_value(&self, payload: &[u8]) -> Result<Value, String>;

    /// Decodes a `FUNCTION DUMP` payload into library sources, or returns
    /// a reason it is invalid.
    fn decode_functions(&self, payload: &[u8]) -> Result<Vec<Vec<u8>>, String>;
}

/// A command's reply, as Redis would send it (RESP2 shapes).
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `+OK`.
    Ok,
    /// `+QUEUED` (inside `MULTI`).
    Queued,
    /// A null bulk string or null array.
    Nil,
    /// An integer.
    Int(i64),
    /// A bulk string.
    Bulk(Vec<u8>),
    /// An array.
    Array(Vec<Reply>),
    /// An error reply inside an `EXEC` result.
    Error(EngineError),
}

impl Reply {
    pub(crate) fn bulk(b: impl Into<Vec<u8>>) -> Reply {
        Reply::Bulk(b.into())
    }

    pub(crate) fn opt_bulk(b: Option<Vec<u8>>) -> Reply {
        b.map_or(Reply::Nil, Reply::Bulk)
    }
}

/// Default number of databases (`databases 16`).
pub const DEFAULT_DBS: usize = 16;

/// Largest number of databases an engine accepts.
pub const MAX_DBS: usize = 1 << 20;

/// The in-memory keyspace plus the state of the client replaying commands
/// (selected db, transaction queue).
pub struct Engine {
    pub(crate) dbs: Vec<Db>,
    pub(crate) selected: usize,
    pub(crate) now_ms: i64,
    pub(crate) loading: bool,
    pub(crate) multi: Option<Vec<Vec<Vec<u8>>>>,
    /// Function libraries: name → source.
    pub(crate) functions: BTreeMap<Vec<u8>, Vec<u8>>,
    pub(crate) decoder: Option<Box<dyn DumpDecoder>>,
    pub(crate) aux: Vec<(Vec<u8>, Vec<u8>)>,
    pub(crate) module_aux: Vec<ModuleAuxData>,
    /// Script cache and Lua state (`EVAL`, `SCRIPT LOAD`).
    pub(crate) scripts: scripting::Scripts,
}

impl Default for Engine {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("dbs", &self.dbs.len())
            .field("keys", &self.len())
            .field("selected", &self.selected)
            .field("now_ms", &self.now_ms)
            .field("loading", &self.loading)
            .field("in_multi", &self.multi.is_some())
            .finish()
    }
}

impl Engine {
    /// An empty engine with 16 databases, in loading mode, clock at 0.
    pub fn new() -> Self {
        Self::with_dbs(DEFAULT_DBS)
    }

    /// An empty engine with `n` databases (clamped to `1..=MAX_DBS`).
    pub fn with_dbs(n: usize) -> Self {
        let n = n.clamp(1, MAX_DBS);
        Engine {
            dbs: (0..n).map(|_| Db::default()).collect(),
            selected: 0,
            now_ms: 0,
            loading: true,
            multi: None,
            functions: BTreeMap::new(),
            decoder: None,
            aux: Vec::new(),
            module_aux: Vec::new(),
            scripts: scripting::Scripts::default(),
        }
    }

    /// Sets the clock (Unix ms) used for relative times and, in live mode,
    /// for expiry.
    pub fn set_time_ms(&mut self, now_ms: i64) {
        self.now_ms = now_ms;
    }

    /// The clock, Unix ms.
    pub fn time_ms(&self) -> i64 {
        self.now_ms
    }

    /// Loading mode (default true): nothing expires; see the module docs.
    pub fn set_loading(&mut self, loading: bool) {
        self.loading = loading;
    }

    /// Installs the decoder used by `RESTORE` and `FUNCTION RESTORE`.
    pub fn set_dump_decoder(&mut self, decoder: Box<dyn DumpDecoder>) {
        self.decoder = Some(decoder);
    }

    /// Number of databases.
    pub fn db_count(&self) -> usize {
        self.dbs.len()
    }

    /// The selected database.
    pub fn selected_db(&self) -> usize {
        self.selected
    }

    /// Total number of keys (expired ones included).
    pub fn len(&self) -> usize {
        self.dbs.iter().map(|d| d.map.len()).sum()
    }

    /// True when no database holds a key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True while a `MULTI` is open (its commands queued, not applied).
    pub fn in_multi(&self) -> bool {
        self.multi.is_some()
    }

    /// Drops an open transaction without applying it (what Redis does with
    /// an unterminated `MULTI` at the end of an AOF); returns how many
    /// commands were queued.
    pub fn discard_multi(&mut self) -> usize {
        self.multi.take().map_or(0, |q| q.len())
    }

    /// Resets the client state the way Redis does for each AOF file
    /// (spec §2.3): db 0 selected, no transaction. Returns how many
    /// queued commands were dropped.
    pub fn reset_client(&mut self) -> usize {
        self.selected = 0;
        self.discard_multi()
    }

    /// Removes every key and hash field whose TTL is before `now_ms`
    /// (Redis's `now > when` rule); returns the number of keys removed.
    pub fn purge_expired(&mut self, now_ms: i64) -> usize {
        let mut removed = 0;
        for db in &mut self.dbs {
            let before = db.map.len();
            db.map.retain(|_, s| s.expire.is_none_or(|e| e >= now_ms));
            removed += before - db.map.len();
            db.map.retain(|_, s| {
                if let store::Obj::Hash(h) = &mut s.obj {
                    h.retain(|_, f| f.expire.is_none_or(|e| e >= now_ms));
                    !h.is_empty()
                } else {
                    true
                }
            });
        }
        removed
    }

    /// Executes one command: `argv[0]` is the name (any case), the rest
    /// its arguments.
    ///
    /// Inside `MULTI` every command but `EXEC` is queued (even `MULTI` and
    /// `DISCARD`, as the AOF loader does) and [`Reply::Queued`] returned;
    /// `EXEC` applies the queue. An error leaves the keyspace unchanged,
    /// except inside `EXEC`, where each command's error is part of the
    /// reply array ([`Reply::Error`]); an error the engine cannot replay
    /// past ([`EngineError::is_redis_error`] false) stops the `EXEC` and
    /// is returned, the commands before it applied.
    pub fn apply<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> EngineResult<Reply> {
        let Some(name) = argv.first() else {
            return Err(EngineError::Unknown {
                name: String::new(),
            });
        };
        let spec = table::lookup(name.as_ref())?;
        if let Some(q) = &mut self.multi {
            if spec.name != "exec" {
                q.push(argv.iter().map(|a| a.as_ref().to_vec()).collect());
                return Ok(Reply::Queued);
            }
        }
        self.run(spec, argv)
    }

    fn run<A: AsRef<[u8]>>(&mut self, spec: &table::Spec, argv: &[A]) -> EngineResult<Reply> {
        let argc = argv.len() as i64;
        let arity = i64::from(spec.arity);
        if (arity > 0 && argc != arity) || argc < -arity {
            return Err(EngineError::WrongArity {
                name: spec.name.to_string(),
            });
        }
        // Most commands have few arguments: keep their slices on the stack.
        const INLINE: usize = 8;
        let rest = &argv[1..];
        if rest.len() <= INLINE {
            let mut buf: [&[u8]; INLINE] = [&[]; INLINE];
            for (d, s) in buf.iter_mut().zip(rest) {
                *d = s.as_ref();
            }
            let mut args = args::Args::new(spec.name, &buf[..rest.len()]);
            (spec.handler)(self, &mut args)
        } else {
            let slices: Vec<&[u8]> = rest.iter().map(AsRef::as_ref).collect();
            let mut args = args::Args::new(spec.name, &slices);
            (spec.handler)(self, &mut args)
        }
    }

    /// `EXEC`: runs the queued commands.
    pub(crate) fn exec(&mut self) -> EngineResult<Reply> {
        let Some(queue) = self.multi.take() else {
            return Err(EngineError::reply("ERR EXEC without MULTI"));
        };
        let mut out = Vec::with_capacity(queue.len());
        for argv in &queue {
            let r = match argv.first().map(|n| table::lookup(n)) {
                Some(Ok(spec)) => self.run(spec, argv),
                Some(Err(e)) => Err(e),
                None => Err(EngineError::Unknown {
                    name: String::new(),
                }),
            };
            match r {
                Ok(r) => out.push(r),
                Err(e) if e.is_redis_error() => out.push(Reply::Error(e)),
                Err(e) => return Err(e),
            }
        }
        Ok(Reply::Array(out))
    }

    /// The value of `key` in db `db` as a model value, if present (expired
    /// keys included).
    pub fn value(&self, db: usize, key: &[u8]) -> Option<Value> {
        let slot = self.dbs.get(db)?.map.get(key)?;
        Some(convert::obj_to_value(&slot.obj))
    }

    /// The TTL (absolute Unix ms) of `key` in db `db`, if it has one.
    pub fn expire_ms(&self, db: usize, key: &[u8]) -> Option<i64> {
        self.dbs.get(db)?.map.get(key)?.expire
    }

    /// Function library sources, by library name.
    pub fn functions(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.functions
            .iter()
            .map(|(k, v)| (k.as_slice(), v.as_slice()))
    }
}
