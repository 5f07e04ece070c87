//! `redfile log`: the commands of an AOF as JSON Lines, or summed up with
//! `--stats`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use comfy_table::Cell;
use redfile::aoflog::{
    iso8601_utc, walk_log, LogError, LogJsonl, LogSelection, LogSink, LogStats, SelectOptions,
    StatsOptions,
};

use crate::exit::ExitStatus;
use crate::progress::ProgressArgs;
use crate::render::{human_bytes, table};

/// List the commands of an AOF (plain, RDB preamble, multi-part directory
/// or manifest) as JSON Lines, one object per command: the file (its
/// manifest name), the byte offset there, the database (SELECT tracked),
/// the MULTI it belongs to, the time of the last #TS annotation, the
/// command and its arguments. An RDB image (BASE or preamble) is one line
/// of kind "rdb" with its key count. The file is streamed: memory does not
/// grow with it.
///
/// --key and --match select what touched a key: the commands naming it as
/// a key (SET, DEL, RENAME source or destination, MSET, SMOVE, ZUNIONSTORE,
/// EVAL keys, XADD ...), every FLUSHALL, a FLUSHDB or SWAPDB of a database
/// that held it, and the whole MULTI block of a selected command: what an
/// operator needs to find the command that lost the data.
///
/// Byte strings are JSON strings when valid UTF-8, else {"base64": "..."}.
///
/// Examples:
///   redfile log appendonlydir/ | jq -c 'select(.command == "DEL")'
///   redfile log --key user:1 appendonlydir/
///   redfile log --stats --depth 1 appendonly.aof
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct LogArgs {
    /// The AOF file, manifest or AOF directory.
    #[arg(value_name = "FILE-OR-DIR")]
    pub path: PathBuf,

    /// Print a summary instead of the commands: per command, per key
    /// prefix and per minute (from #TS annotations).
    #[arg(long)]
    pub stats: bool,

    /// With --stats: one JSON document instead of tables.
    #[arg(long, requires = "stats")]
    pub json: bool,

    /// With --stats: what separates the parts of a key name.
    #[arg(long, default_value = ":", value_name = "SEP", requires = "stats")]
    pub separator: String,

    /// With --stats: how many prefix levels to count.
    #[arg(long, default_value_t = 2, value_name = "N", requires = "stats")]
    pub depth: usize,

    /// Only what touched this key (repeatable).
    #[arg(long = "key", value_name = "KEY")]
    pub keys: Vec<String>,

    /// Only what touched a key matching this glob (Redis KEYS syntax;
    /// repeatable).
    #[arg(long = "match", value_name = "GLOB")]
    pub patterns: Vec<String>,

    /// Only commands in this database (repeatable).
    #[arg(long = "db", value_name = "N")]
    pub dbs: Vec<u64>,

    /// Only this command (case-insensitive; repeatable).
    #[arg(long = "command", value_name = "NAME")]
    pub commands: Vec<String>,

    /// Stop after N commands.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,

    /// Progress display.
    #[command(flatten)]
    pub progress: ProgressArgs,
}

/// Runs the subcommand.
pub fn run(args: LogArgs) -> anyhow::Result<ExitStatus> {
    let select = SelectOptions {
        keys: args.keys.iter().map(|k| k.as_bytes().to_vec()).collect(),
        patterns: args
            .patterns
            .iter()
            .map(|k| k.as_bytes().to_vec())
            .collect(),
        dbs: args.dbs.clone(),
        commands: args
            .commands
            .iter()
            .map(|k| k.as_bytes().to_vec())
            .collect(),
        limit: args.limit,
    };
    let bar = args.progress.bar();
    if args.stats {
        let stats = LogStats::new(StatsOptions {
            separator: args.separator.as_bytes().to_vec(),
            depth: args.depth,
            ..StatsOptions::default()
        });
        let mut sink = LogSelection::new(stats, select);
        let status = walk(&args, &mut sink, &bar)?;
        let stats = sink.into_inner();
        let mut out = std::io::stdout().lock();
        if args.json {
            let mut b = Vec::new();
            stats.write_json(&mut b);
            out.write_all(&b)?;
        } else {
            print_tables(&mut out, &stats)?;
        }
        out.flush()?;
        return Ok(status);
    }
    let stdout = std::io::stdout().lock();
    let jsonl = LogJsonl::new(std::io::BufWriter::with_capacity(1 << 16, stdout));
    let mut sink = LogSelection::new(jsonl, select);
    let status = walk(&args, &mut sink, &bar)?;
    sink.into_inner().into_inner()?;
    Ok(status)
}

/// Walks the log; damage in the input is reported on stderr after what
/// came before it was printed, and exits 1.
fn walk(
    args: &LogArgs,
    sink: &mut dyn LogSink,
    progress: &dyn redfile::progress::Progress,
) -> anyhow::Result<ExitStatus> {
    match walk_log(&args.path, sink, progress) {
        Ok(_) => Ok(ExitStatus::Ok),
        Err(e) if e.is_damage() => {
            let mut err = std::io::stderr().lock();
            writeln!(
                err,
                "redfile: the log stops at damage: {e}; everything before it was listed"
            )?;
            Ok(ExitStatus::Findings)
        }
        Err(LogError::Output(e)) => Err(e.into()),
        // The message names the file and the cause already; its source
        // chain would repeat them.
        Err(e) => Err(anyhow::anyhow!("cannot read the log: {e}")),
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn print_tables(out: &mut dyn Write, s: &LogStats) -> std::io::Result<()> {
    writeln!(
        out,
        "{} commands, {} ({} bytes)",
        s.total.count,
        human_bytes(s.total.bytes),
        s.total.bytes
    )?;
    if s.rdb_images > 0 {
        writeln!(
            out,
            "{} RDB image(s) with {} keys",
            s.rdb_images, s.rdb_keys
        )?;
    }
    writeln!(out, "\nBy command")?;
    let mut rows: Vec<_> = s.commands.iter().collect();
    rows.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.0.cmp(b.0)));
    let mut t = table(&["command", "count", "bytes"]);
    for (name, tally) in rows {
        t.add_row(vec![
            Cell::new(text(name)),
            Cell::new(tally.count),
            Cell::new(tally.bytes),
        ]);
    }
    if s.other_commands.count > 0 {
        t.add_row(vec![
            Cell::new("(other)"),
            Cell::new(s.other_commands.count),
            Cell::new(s.other_commands.bytes),
        ]);
    }
    writeln!(out, "{t}")?;

    let sep = text(&s.options().separator);
    writeln!(
        out,
        "\nBy key prefix (separator {sep:?}, depth {})",
        s.options().depth
    )?;
    let mut t = table(&["level", "prefix", "count", "bytes"]);
    for ((level, prefix), tally) in &s.prefixes {
        t.add_row(vec![
            Cell::new(level),
            Cell::new(text(prefix)),
            Cell::new(tally.count),
            Cell::new(tally.bytes),
        ]);
    }
    for (name, tally) in [("(no prefix)", s.no_prefix), ("(other)", s.other_prefixes)] {
        if tally.count > 0 {
            t.add_row(vec![
                Cell::new(""),
                Cell::new(name),
                Cell::new(tally.count),
                Cell::new(tally.bytes),
            ]);
        }
    }
    writeln!(out, "{t}")?;

    writeln!(out, "\nBy minute (UTC)")?;
    if !s.has_timestamps() {
        writeln!(
            out,
            "the file has no #TS annotations (aof-timestamp-enabled is off): no timeline"
        )?;
        return Ok(());
    }
    let mut t = table(&["minute", "count", "bytes"]);
    for (minute, tally) in &s.minutes {
        t.add_row(vec![
            Cell::new(iso8601_utc(*minute)),
            Cell::new(tally.count),
            Cell::new(tally.bytes),
        ]);
    }
    if s.untimed.count > 0 {
        t.add_row(vec![
            Cell::new("(before any #TS)"),
            Cell::new(s.untimed.count),
            Cell::new(s.untimed.bytes),
        ]);
    }
    writeln!(out, "{t}")
}
