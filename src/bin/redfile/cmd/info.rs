//! `redfile info`: a summary of an RDB file as tables.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use redfile::check::{CheckOptions, ChecksumStatus, RdbReport};
use serde_json::json;

use super::check::{check_file, FileOutcome};
use crate::exit::ExitStatus;
use crate::render::{human_bytes, table, utc_date};

/// Summarize an RDB file: version, producer, aux fields (ctime as a date),
/// per database the keys, keys with expiry, already expired keys, counts and
/// sizes per type and per encoding, function libraries and modules.
///
/// Sizes are the bytes the keys and values take in the file.
///
/// Examples:
///   redfile info dump.rdb
///   redfile info --json dump.rdb.gz | jq '.dbs'
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct InfoArgs {
    /// The RDB file (`-` for standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,

    /// "Now" for counting already expired keys, as Unix seconds (default:
    /// the current time).
    #[arg(long, value_name = "UNIX_SECONDS")]
    pub now: Option<i64>,
}

/// Runs the subcommand.
pub fn run(args: InfoArgs) -> anyhow::Result<ExitStatus> {
    let opts = CheckOptions {
        now_ms: args
            .now
            .map_or_else(super::wall_clock_ms, |s| s.saturating_mul(1000)),
        ..CheckOptions::default()
    };
    let name = args.file.display().to_string();
    let report = match check_file(&args.file, opts)? {
        FileOutcome::Rdb(r) => r,
        // An RDB-preamble AOF: summarize its RDB part.
        FileOutcome::Aof(a) => match a.parts.first().and_then(|p| p.rdb.clone()) {
            Some(r) if a.parts.len() == 1 => r,
            _ => anyhow::bail!("{name}: an AOF without an RDB part; `redfile check` reports on it"),
        },
        FileOutcome::Unrecognized { offset, message } => {
            anyhow::bail!("{name}: not an RDB file (offset {offset}: {message})")
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let mut v = serde_json::to_value(report.as_ref())?;
        if let Some(m) = v.as_object_mut() {
            m.insert("file".into(), json!(name));
        }
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        print_tables(&mut out, &name, &report)?;
    }
    out.flush()?;
    Ok(if report.errors() == 0 {
        ExitStatus::Ok
    } else {
        ExitStatus::Findings
    })
}

fn aux_display(key: &str, value: &str) -> String {
    match key {
        "ctime" => match value.parse::<i64>() {
            Ok(s) => format!("{value} ({})", utc_date(s)),
            Err(_) => value.to_string(),
        },
        "used-mem" => match value.parse::<u64>() {
            Ok(n) => format!("{value} ({})", human_bytes(n)),
            Err(_) => value.to_string(),
        },
        "aof-base" | "aof-preamble" => match value {
            "1" => "1 (written as an AOF base)".into(),
            "0" => "0 (a plain snapshot)".into(),
            _ => value.to_string(),
        },
        _ => value.to_string(),
    }
}

fn print_tables(out: &mut impl Write, name: &str, r: &RdbReport) -> anyhow::Result<()> {
    let mut t = table(&["File", name]);
    t.add_row(vec!["signature".to_string(), r.signature.clone()]);
    t.add_row(vec!["RDB version".to_string(), r.version.to_string()]);
    t.add_row(vec!["producer".to_string(), r.producer.name().to_string()]);
    t.add_row(vec![
        "size".to_string(),
        format!("{} ({})", r.end_offset, human_bytes(r.end_offset)),
    ]);
    let checksum = match r.checksum {
        ChecksumStatus::Ok => format!("ok {}", r.checksum_stored.as_deref().unwrap_or("")),
        ChecksumStatus::Mismatch => "MISMATCH".to_string(),
        ChecksumStatus::Disabled => "disabled".to_string(),
        ChecksumStatus::Absent => "none (version < 5)".to_string(),
        ChecksumStatus::NotReached => "not reached (file damaged)".to_string(),
    };
    t.add_row(vec!["checksum".to_string(), checksum]);
    t.add_row(vec!["keys".to_string(), r.keys_read.to_string()]);
    t.add_row(vec!["keys with expiry".to_string(), r.expires.to_string()]);
    t.add_row(vec![
        "already expired".to_string(),
        r.already_expired.to_string(),
    ]);
    t.add_row(vec![
        "hashes with field TTLs".to_string(),
        r.subexpires.to_string(),
    ]);
    t.add_row(vec!["functions".to_string(), r.functions.len().to_string()]);
    t.add_row(vec![
        "module aux records".to_string(),
        r.module_aux.len().to_string(),
    ]);
    writeln!(out, "{t}\n")?;

    if !r.aux.is_empty() {
        let mut t = table(&["aux field", "value"]);
        for a in &r.aux {
            t.add_row(vec![a.key.clone(), aux_display(&a.key, &a.value)]);
        }
        writeln!(out, "{t}\n")?;
    }

    let mut t = table(&[
        "db",
        "keys",
        "expires",
        "already expired",
        "field TTLs",
        "key bytes",
        "value bytes",
        "RESIZEDB hint",
    ]);
    for (db, s) in &r.dbs {
        t.add_row(vec![
            db.to_string(),
            s.keys.to_string(),
            s.expires.to_string(),
            s.already_expired.to_string(),
            s.subexpires.to_string(),
            s.key_bytes.to_string(),
            s.value_bytes.to_string(),
            s.resize_hint
                .map_or_else(|| "-".to_string(), |(k, e)| format!("{k} / {e}")),
        ]);
    }
    writeln!(out, "{t}\n")?;

    let mut t = table(&["db", "type", "keys", "bytes"]);
    for (db, s) in &r.dbs {
        for (ty, tally) in &s.types {
            t.add_row(vec![
                db.to_string(),
                ty.to_string(),
                tally.keys.to_string(),
                tally.bytes.to_string(),
            ]);
        }
    }
    writeln!(out, "{t}\n")?;

    let mut t = table(&["db", "encoding", "keys", "bytes"]);
    for (db, s) in &r.dbs {
        for (enc, tally) in &s.encodings {
            t.add_row(vec![
                db.to_string(),
                enc.to_string(),
                tally.keys.to_string(),
                tally.bytes.to_string(),
            ]);
        }
    }
    writeln!(out, "{t}")?;

    if !r.functions.is_empty() {
        let mut t = table(&["function library", "engine"]);
        for f in &r.functions {
            t.add_row(vec![f.name.clone(), f.engine.clone()]);
        }
        writeln!(out, "\n{t}")?;
    }
    if !r.module_types.is_empty() || !r.module_aux.is_empty() {
        let mut t = table(&["module", "keys", "aux records"]);
        let mut names: Vec<&String> = r.module_types.keys().collect();
        for a in &r.module_aux {
            if !names.contains(&&a.module) {
                names.push(&a.module);
            }
        }
        for n in names {
            t.add_row(vec![
                n.clone(),
                r.module_types.get(n).copied().unwrap_or(0).to_string(),
                r.module_aux
                    .iter()
                    .filter(|a| &a.module == n)
                    .count()
                    .to_string(),
            ]);
        }
        writeln!(out, "\n{t}")?;
    }
    if r.errors() > 0 {
        writeln!(
            out,
            "\nwarning: the file is damaged ({} errors); run `redfile check` for details",
            r.errors()
        )?;
    }
    Ok(())
}
