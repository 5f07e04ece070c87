//! The command-line definition. Completions and man pages are generated
//! from it (`redfile completions`, `redfile man`).

use clap::{Parser, Subcommand};

use crate::cmd;

/// Check, repair, inspect and convert Redis and Valkey persistence files
/// (RDB, AOF) offline.
#[derive(Debug, Parser)]
#[command(name = "redfile", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Verify RDB and AOF files (single, preamble, multi-part): structure,
    /// checksums and (with --deep) every encoding.
    Check(cmd::check::CheckArgs),
    /// Repair an AOF: cut an incomplete tail, or salvage around damage.
    Fix(cmd::fix::FixArgs),
    /// Summarize an RDB file: version, aux fields, keys per db, type and
    /// encoding.
    Info(cmd::info::InfoArgs),
    /// Compute the DEBUG DIGEST of an RDB file, as a server that loaded it
    /// reports it.
    Digest(cmd::digest::DigestArgs),
    /// Print every key with its type, encoding, expiry and value (JSON,
    /// JSON Lines, CSV, RESP or redis-cli commands).
    Dump(cmd::dump::DumpArgs),
    /// Print the key names, one per line.
    Keys(cmd::keys::KeysArgs),
    /// List the commands of an AOF as JSON Lines (file, offset, db, time,
    /// arguments), select what touched a key, or sum them up (--stats).
    Log(cmd::log::LogArgs),
    /// Decode a DUMP payload (raw, hex or redis-cli's escaped form): check
    /// its version and CRC, print its value.
    Decode(cmd::decode::DecodeArgs),
    /// Estimate each key's memory in Redis 7.0 (rdbtools' memory CSV),
    /// the biggest keys, or totals per prefix (table, CSV, flame graph).
    Memory(cmd::memory::MemoryArgs),
    /// Write a deterministic fixture set (RDB per version, AOFs, damaged
    /// copies) from a seeded dataset.
    Gen(cmd::gen::GenArgs),
    /// Convert any input to an RDB, AOF, hybrid AOF or multi-part AOF
    /// directory, for a chosen RDB version and Redis release.
    Convert(cmd::convert::ConvertArgs),
    /// Merge an RDB base and an AOF tail into a hybrid AOF, a multi-part
    /// directory or a compacted RDB, after checking the tail applies.
    Merge(cmd::merge::MergeArgs),
    /// Rewrite an AOF offline (BGREWRITEAOF): one compact base, a fresh
    /// manifest for a multi-part directory.
    Rewrite(cmd::rewrite::RewriteArgs),
    /// Drop-in replacement for redis-check-aof (same arguments, output,
    /// exit codes).
    CheckAof(cmd::check_aof::CheckAofArgs),
    /// Drop-in replacement for redis-check-rdb (same arguments, output,
    /// exit codes).
    CheckRdb(cmd::check_rdb::CheckRdbArgs),
    /// Compare two datasets (RDB, AOF, multi-part, in any mix) key by key.
    Diff(cmd::diff::DiffArgs),
    /// Tell whether a server version (redis-7.0, valkey-9.0 ...) can load a
    /// file, and what blocks it.
    Compat(cmd::compat::CompatArgs),
    /// Split a dataset into per-shard files by Redis Cluster hash slot.
    Split(cmd::split::SplitArgs),
    /// Print shell completions.
    Completions(cmd::completions::CompletionsArgs),
    /// Print or write man pages.
    Man(cmd::man::ManArgs),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
