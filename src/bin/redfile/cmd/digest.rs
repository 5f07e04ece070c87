//! `redfile digest`: the dataset's `DEBUG DIGEST`, computed offline.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use redfile::check::printable;
use redfile::digest::{rdb_digest_per_key, to_hex, DigestOptions, DigestRules};
use redfile::model::Dataset;
use redfile::rdb::{RdbReader, ReaderOptions, Record};
use serde_json::json;

use crate::exit::ExitStatus;

/// Compute the DEBUG DIGEST a Redis server reports after loading a file,
/// exactly as Redis computes it, so that a backup can be proved equal to a
/// live server (`redis-cli DEBUG DIGEST`). An RDB is read record by record;
/// an AOF (plain, with an RDB preamble, or a multi-part directory) is
/// replayed through redfile's engine first.
///
/// The rules changed between Redis versions (score formatting in 7.2, the
/// field-TTL marker in 7.4): by default they follow the file's `redis-ver`
/// aux field, else the newest; `--redis-version` picks them explicitly.
/// `--per-key` also prints each key's DEBUG DIGEST-VALUE.
///
/// Examples:
///   redfile digest dump.rdb
///   redfile digest --per-key --redis-version 7.0.15 dump.rdb
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DigestArgs {
    /// The RDB file, AOF file, manifest or AOF directory (`-`: an RDB on
    /// standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Also print every key's DEBUG DIGEST-VALUE (db, key, digest).
    #[arg(long)]
    pub per_key: bool,

    /// Use the digest rules of this Redis version (e.g. 7.0.15).
    #[arg(long, value_name = "X.Y.Z")]
    pub redis_version: Option<String>,

    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// The digest rules of the server that wrote the file, from the leading
/// AUX records (`redis-ver`, `valkey-ver`; see
/// [`DigestRules::for_dataset`]).
fn file_rules(path: &Path) -> anyhow::Result<DigestRules> {
    let input = redfile::input::open(path)?;
    let mut reader = RdbReader::with_options(input.reader, ReaderOptions::default())?;
    let mut aux = Dataset::default();
    while let Some(l) = reader.next_record()? {
        match l.record {
            Record::Aux { key, value } => aux
                .aux
                .push((key.to_bytes()?.into_owned(), value.to_bytes()?.into_owned())),
            _ => break,
        }
    }
    Ok(DigestRules::for_dataset(&aux))
}

/// True for an RDB file without an AOF tail.
fn is_plain_rdb(path: &Path) -> anyhow::Result<bool> {
    use redfile::aof::layout::{resolve_layout, AofLayout};
    Ok(match resolve_layout(path)? {
        AofLayout::Rdb { .. } => {
            let input = redfile::input::open(path)?;
            let reader = RdbReader::with_options(input.reader, ReaderOptions::default())?;
            let (_, end) = redfile::load::read_rdb_dataset_until_end(reader)?;
            std::fs::metadata(path)?.len() <= end
        }
        _ => false,
    })
}

/// The digest of an AOF, replayed through the engine.
fn run_replayed(args: &DigestArgs, name: &str) -> anyhow::Result<ExitStatus> {
    let loaded = redfile::replay::load_dataset(&args.file)?;
    let rules = match &args.redis_version {
        Some(v) => DigestRules::for_version(v),
        None => DigestRules::for_dataset(&loaded.dataset),
    };
    let opts = DigestOptions::new(rules);
    let digest = opts
        .try_dataset_digest(&loaded.dataset)
        .with_context(|| format!("cannot compute the digest of {name}"))?;
    let mut keys = Vec::new();
    if args.per_key {
        for (db, d) in &loaded.dataset.dbs {
            for e in &d.entries {
                keys.push((*db, printable(&e.key), to_hex(&opts.try_value_digest(e)?)));
            }
        }
    }
    print(args, name, &digest, &keys, rules)
}

fn print(
    args: &DigestArgs,
    name: &str,
    digest: &redfile::digest::Digest,
    keys: &[(u64, String, String)],
    rules: DigestRules,
) -> anyhow::Result<ExitStatus> {
    let mut out = std::io::stdout().lock();
    if args.json {
        let per_key: Vec<_> = keys
            .iter()
            .map(|(db, k, d)| json!({"db": db, "key": k, "digest": d}))
            .collect();
        let mut doc = json!({
            "file": name,
            "digest": to_hex(digest),
            "rules": format!("{rules:?}"),
        });
        if args.per_key {
            doc["keys"] = json!(per_key);
        }
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", to_hex(digest))?;
        for (db, k, d) in keys {
            writeln!(out, "{d}\tdb{db}\t{k}")?;
        }
    }
    out.flush()?;
    Ok(ExitStatus::Ok)
}

/// Runs the subcommand.
pub fn run(args: DigestArgs) -> anyhow::Result<ExitStatus> {
    let name = args.file.display().to_string();
    let stdin = args.file.as_os_str() == "-";
    if !stdin && !is_plain_rdb(&args.file)? {
        return run_replayed(&args, &name);
    }
    let rules = match &args.redis_version {
        Some(v) => DigestRules::for_version(v),
        None if stdin => DigestRules::default(),
        None => file_rules(&args.file).with_context(|| format!("cannot read {name}"))?,
    };
    let input = redfile::input::open(&args.file).with_context(|| format!("cannot open {name}"))?;
    let reader = RdbReader::with_options(
        input.reader,
        ReaderOptions {
            size_hint: input.size_hint,
            ..ReaderOptions::default()
        },
    )
    .with_context(|| format!("{name}: not an RDB file"))?;
    let mut keys = Vec::new();
    let digest = rdb_digest_per_key(reader, &DigestOptions::new(rules), |db, key, d| {
        if args.per_key {
            keys.push((db, printable(key), to_hex(d)));
        }
    })
    .with_context(|| format!("cannot compute the digest of {name}"))?;
    print(&args, &name, &digest, &keys, rules)
}
