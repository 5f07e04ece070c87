//! redfile: check, repair, inspect and convert Redis and Valkey persistence
//! files offline.

pub mod aof;
pub mod aoflog;
pub mod bytes_json;
pub mod check;
pub mod check_aof;
pub mod codec;
pub mod compat_target;
pub mod convert;
pub mod diff;
pub mod digest;
pub mod dropin;
pub mod dump;
pub mod engine;
pub mod export;
pub mod filter;
pub mod fsutil;
pub mod gen;
pub mod input;
pub mod inspect;
pub mod load;
pub mod lossy;
pub mod memory;
pub mod merge;
pub mod model;
pub mod payload;
pub mod progress;
pub mod rdb;
pub mod readahead;
pub mod repair;
pub mod replay;
pub mod rewrite_aof;
pub mod split;
pub mod write_aof;

#[cfg(test)]
pub(crate) mod testkit;
