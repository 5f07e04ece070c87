//! `redfile check-aof`: a drop-in for redis-check-aof.

use std::ffi::OsString;
use std::io::{Read, Write};

use clap::Args;
use redfile::dropin::{redis_check_aof, DropInEnv};

use crate::exit::ExitStatus;

/// Behave exactly like redis-check-aof (Redis 7.0): same arguments, same
/// output, same exit codes (0 valid or fixed, 1 anything else), so that
/// existing scripts keep working. Also used when the binary is invoked
/// through a link named redis-check-aof.
///
/// As in redis-check-aof, --fix asks "Continue? [y/N]:" and reads one
/// character from standard input (pipe `echo y |` to confirm), and
/// --truncate-to-timestamp cuts the last file without asking. Unlike it, no
/// write permission is needed to check, and a cut is made by atomic
/// replacement with fsync. For a safer repair use `redfile fix`.
///
/// Usage:
///   redfile check-aof [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct CheckAofArgs {
    /// The arguments redis-check-aof takes, parsed by position as it does.
    #[arg(
        value_name = "ARGS",
        num_args = 0..,
        allow_hyphen_values = true,
        trailing_var_arg = true
    )]
    pub args: Vec<OsString>,
}

/// The server-log prefix of redis-check-aof's manifest errors:
/// `<pid>:C <dd Mon yyyy HH:MM:SS.mmm> # ` (UTC).
pub fn log_prefix() -> String {
    let ms = super::wall_clock_ms();
    let date = crate::render::utc_date(ms.div_euclid(1000));
    // "yyyy-mm-dd HH:MM:SS UTC" → "dd Mon yyyy HH:MM:SS.mmm"
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = date
        .get(5..7)
        .and_then(|m| m.parse::<usize>().ok())
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        .copied()
        .unwrap_or("Jan");
    format!(
        "{}:C {} {month} {} {}.{:03} # ",
        std::process::id(),
        date.get(8..10).unwrap_or("01"),
        date.get(0..4).unwrap_or("1970"),
        date.get(11..19).unwrap_or("00:00:00"),
        ms.rem_euclid(1000)
    )
}

/// Runs redis-check-aof's logic with `argv0` as the program name.
pub fn run_as(argv0: &str, args: &[OsString]) -> anyhow::Result<ExitStatus> {
    let mut confirm = || {
        // fgets(buf, 2, stdin): one character.
        let mut b = [0u8; 1];
        matches!(std::io::stdin().lock().read(&mut b), Ok(1) if b[0] == b'y' || b[0] == b'Y')
    };
    let mut env = DropInEnv {
        confirm: &mut confirm,
        log_prefix: log_prefix(),
        now_ms: super::wall_clock_ms(),
    };
    let mut out = std::io::stdout().lock();
    let code = redis_check_aof(argv0, args, &mut out, &mut env)?;
    out.flush()?;
    Ok(if code == 0 {
        ExitStatus::Ok
    } else {
        ExitStatus::Findings
    })
}

/// Runs the subcommand.
pub fn run(args: CheckAofArgs) -> anyhow::Result<ExitStatus> {
    run_as("redis-check-aof", &args.args)
}
