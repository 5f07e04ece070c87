//! One module per subcommand; this is the single dispatch.

pub mod check;
pub mod check_aof;
pub mod check_rdb;
pub mod compat;
pub mod completions;
pub mod convert;
pub mod decode;
pub mod diff;
pub mod digest;
pub mod dump;
pub mod fix;
pub mod gen;
pub mod info;
pub mod keys;
pub mod log;
pub mod man;
pub mod memory;
pub mod merge;
pub mod rewrite;
pub mod split;

use crate::cli::{Cli, Command};
use crate::exit::ExitStatus;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Info(args) => info::run(args),
        Command::Fix(args) => fix::run(args),
        Command::Digest(args) => digest::run(args),
        Command::Gen(args) => gen::run(args),
        Command::Dump(args) => dump::run(args),
        Command::Keys(args) => keys::run(args),
        Command::Log(args) => log::run(args),
        Command::Decode(args) => decode::run(args),
        Command::Memory(args) => memory::run(args),
        Command::CheckAof(args) => check_aof::run(args),
        Command::CheckRdb(args) => check_rdb::run(args),
        Command::Diff(args) => diff::run(args),
        Command::Compat(args) => compat::run(args),
        Command::Split(args) => split::run(args),
        Command::Convert(args) => convert::run(args),
        Command::Merge(args) => merge::run(args),
        Command::Rewrite(args) => rewrite::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
    }
}

/// Current Unix time in milliseconds: the only place redfile reads the
/// clock, so that tests can pass `--now` instead.
pub fn wall_clock_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
