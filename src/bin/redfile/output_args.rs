//! Options shared by the commands that write a converted dataset
//! (`convert`, `merge`, `rewrite`): the versions to write for and what may
//! be given up, and how their outcome is reported.

use std::io::Write;

use clap::{Args, ValueEnum};
use redfile::aof::rewrite::RedisVersion;
use redfile::convert::{BaseFormat, ConvertError};
use redfile::lossy::{GiveUp, GiveUps, Loss};

use crate::exit::ExitStatus;

/// `--lossy` values: one explicit give-up each (the `drop-` prefix is the
/// user-facing name, so the variants keep it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(clippy::enum_variant_names)]
pub enum LossyArg {
    /// Hash field TTLs (RDB < 12, Redis < 7.4): the fields stay, persistent.
    DropFieldTtl,
    /// Function libraries (RDB 9, Redis < 7.0).
    DropFunctions,
    /// Stream idempotent-producer state (RDB < 13, Redis < 8.6).
    DropStreamIdmp,
    /// Stream NACK zones (RDB < 14, Redis < 8.8).
    DropStreamNack,
    /// Array keys (RDB < 14, Redis < 8.8).
    DropArrays,
    /// Module keys (an AOF cannot hold them).
    DropModuleValues,
}

impl From<LossyArg> for GiveUp {
    fn from(a: LossyArg) -> GiveUp {
        match a {
            LossyArg::DropFieldTtl => GiveUp::FieldTtl,
            LossyArg::DropFunctions => GiveUp::Functions,
            LossyArg::DropStreamIdmp => GiveUp::StreamIdmp,
            LossyArg::DropStreamNack => GiveUp::StreamNack,
            LossyArg::DropArrays => GiveUp::Arrays,
            LossyArg::DropModuleValues => GiveUp::ModuleValues,
        }
    }
}

/// The BASE of a multi-part AOF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BaseArg {
    /// An RDB image (aof-use-rdb-preamble yes).
    Rdb,
    /// RESP commands (aof-use-rdb-preamble no).
    Aof,
}

impl From<BaseArg> for BaseFormat {
    fn from(b: BaseArg) -> BaseFormat {
        match b {
            BaseArg::Rdb => BaseFormat::Rdb,
            BaseArg::Aof => BaseFormat::Resp,
        }
    }
}

/// Versions and give-ups.
#[derive(Debug, Clone, Args)]
pub struct TargetArgs {
    /// RDB version to write, 9 to 14 (default: the input's when redfile
    /// writes it, else the one --redis-version writes, else the lowest that
    /// holds the data: 9, or 10 for a directory, raised by hash field TTLs
    /// to 12, functions to 10, stream producer state to 13, arrays and NACK
    /// zones to 14).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(9..=14))]
    pub rdb_version: Option<u32>,

    /// Write the AOF commands of this Redis version (e.g. 7.0; default:
    /// the release that writes the RDB version).
    #[arg(long, value_name = "X.Y", value_parser = parse_redis_version)]
    pub redis_version: Option<RedisVersion>,

    /// Give up data the target cannot express instead of refusing
    /// (repeatable).
    #[arg(long, value_enum, value_name = "WHAT")]
    pub lossy: Vec<LossyArg>,
}

impl TargetArgs {
    /// The give-ups as a set.
    pub fn give_ups(&self) -> GiveUps {
        GiveUps::of(self.lossy.iter().map(|&a| GiveUp::from(a)))
    }
}

fn parse_redis_version(s: &str) -> Result<RedisVersion, String> {
    RedisVersion::parse(s).ok_or_else(|| format!("not a version: {s:?} (expected X.Y)"))
}

/// Prints what was dropped, one line each.
pub fn print_dropped(out: &mut impl Write, dropped: &[Loss]) -> std::io::Result<()> {
    for l in dropped {
        let how = l.give_up.map(|g| g.name()).unwrap_or_default();
        writeln!(out, "dropped ({how}): {l}")?;
    }
    Ok(())
}

/// A refusal is a finding (exit 1, the message on stderr); any other error
/// is a failure.
pub fn outcome(r: Result<ExitStatus, ConvertError>) -> anyhow::Result<ExitStatus> {
    match r {
        Err(ConvertError::Refused(refused)) => {
            let mut err = std::io::stderr().lock();
            writeln!(err, "redfile: refused: {refused}")?;
            Ok(ExitStatus::Findings)
        }
        Err(e) => Err(e.into()),
        Ok(s) => Ok(s),
    }
}

/// Current Unix time in seconds (a `ctime` for inputs that carry none).
pub fn now_secs() -> i64 {
    crate::cmd::wall_clock_ms() / 1000
}
