//! The key selection shared by the inspect commands (`dump`, `keys`),
//! flattened into each one's arguments; the work is `redfile::filter`.

use clap::{Args, ValueEnum};
use redfile::filter::{ExpiredFilter, KeyFilter};
use redfile::model::ValueType;

/// A value type, as `TYPE` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TypeArg {
    /// Strings (also HyperLogLogs and bitmaps).
    String,
    /// Lists.
    List,
    /// Sets.
    Set,
    /// Sorted sets.
    Zset,
    /// Hashes.
    Hash,
    /// Streams.
    Stream,
    /// Module values.
    Module,
    /// Redis 8.8 arrays.
    Array,
}

impl From<TypeArg> for ValueType {
    fn from(t: TypeArg) -> ValueType {
        match t {
            TypeArg::String => ValueType::String,
            TypeArg::List => ValueType::List,
            TypeArg::Set => ValueType::Set,
            TypeArg::Zset => ValueType::Zset,
            TypeArg::Hash => ValueType::Hash,
            TypeArg::Stream => ValueType::Stream,
            TypeArg::Module => ValueType::Module,
            TypeArg::Array => ValueType::Array,
        }
    }
}

/// What to do with already expired keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExpiredArg {
    /// Keep them (the file holds them).
    Include,
    /// Leave them out (what a server loading the file keeps).
    Exclude,
    /// Only them.
    Only,
}

/// Which keys to look at.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Key selection")]
pub struct FilterArgs {
    /// Only this database (repeatable).
    #[arg(long = "db", value_name = "N")]
    pub dbs: Vec<u64>,

    /// Only keys matching this Redis glob (`*`, `?`, `[a-z]`, `[^x]`, `\`
    /// escapes, as KEYS and SCAN MATCH).
    #[arg(long = "match", value_name = "GLOB")]
    pub pattern: Option<String>,

    /// Only keys matching this regular expression (Rust `regex` syntax,
    /// unanchored, over the key's bytes).
    #[arg(long, value_name = "RE")]
    pub regex: Option<String>,

    /// Only keys of this type (repeatable).
    #[arg(long = "type", value_name = "TYPE", value_enum)]
    pub types: Vec<TypeArg>,

    /// Keys already expired at "now": include, exclude, or only them.
    #[arg(long, value_name = "WHICH", value_enum, default_value = "include")]
    pub expired: ExpiredArg,

    /// "Now" for --expired, as Unix seconds (default: the file's ctime aux
    /// field, else the current time).
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<i64>,

    /// Only values taking at least this many bytes in the file (their RDB
    /// encoding).
    #[arg(long, value_name = "BYTES")]
    pub min_size: Option<u64>,

    /// Stop after this many keys.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

impl FilterArgs {
    /// The library's filter.
    pub fn to_filter(&self) -> anyhow::Result<KeyFilter> {
        let regex = match &self.regex {
            Some(re) => Some(
                regex::bytes::Regex::new(re)
                    .map_err(|e| anyhow::anyhow!("invalid --regex: {e}"))?,
            ),
            None => None,
        };
        Ok(KeyFilter {
            dbs: self.dbs.clone(),
            pattern: self.pattern.as_ref().map(|p| p.as_bytes().to_vec()),
            regex,
            types: self.types.iter().map(|&t| t.into()).collect(),
            expired: match self.expired {
                ExpiredArg::Include => ExpiredFilter::Include,
                ExpiredArg::Exclude => ExpiredFilter::Exclude,
                ExpiredArg::Only => ExpiredFilter::Only,
            },
            now_ms: self.now.map(|s| s.saturating_mul(1000)),
            fallback_now_ms: crate::cmd::wall_clock_ms(),
            min_size: self.min_size,
            limit: self.limit,
        })
    }
}
