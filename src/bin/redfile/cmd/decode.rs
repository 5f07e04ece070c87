//! `redfile decode`: a DUMP payload's footer checked and its value printed
//! like `dump` prints a key.

use std::io::{Read, Write};
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use redfile::aof::rewrite::RedisVersion;
use redfile::dump::ChecksumCheck;
use redfile::export::DumpFormat;
use redfile::payload::{decode_payload, read_payload, write_decoded, DecodeError, PayloadForm};

use crate::exit::ExitStatus;

/// The output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecodeFormatArg {
    /// One JSON document, as `dump --format json`.
    Json,
    /// One JSON line, as `dump --format jsonl`.
    Jsonl,
    /// The commands that recreate the value, as RESP.
    Resp,
    /// The same commands, one per line (redis-cli syntax).
    Cmd,
}

/// How the payload is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormArg {
    /// Decide from the content (the default).
    Auto,
    /// The bytes themselves.
    Raw,
    /// Hex digits.
    Hex,
    /// redis-cli's quoted form ("\x00\xc0\x05\t..."), quotes optional.
    Escaped,
}

/// Decode a DUMP payload (what `DUMP key` returns): check its footer (the
/// RDB version and the CRC-64), then print the value like `dump` does.
///
/// The payload is read from --file or standard input, as raw bytes, hex,
/// or the escaped form redis-cli prints ("\x00\xc0\x05\t\x00..."); the
/// form is detected unless --form says. A wrong version or checksum is
/// reported with what was expected and found, and exits 1 (--no-check
/// decodes anyway).
///
/// Examples:
///   redis-cli --no-raw DUMP user:1 | redfile decode
///   redis-cli --raw DUMP user:1 | head -c -1 | redfile decode --form raw
///   redfile decode --hex --format cmd --key user:1 <<< 00036261720b008f61f41313f9149e
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct DecodeArgs {
    /// Read the payload from this file (default: standard input).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// How the payload is written.
    #[arg(long, value_enum, default_value = "auto")]
    pub form: FormArg,

    /// The payload is hex (same as --form hex).
    #[arg(long, conflicts_with = "form")]
    pub hex: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: DecodeFormatArg,

    /// The key name used in the output.
    #[arg(long, default_value = "payload", value_name = "NAME")]
    pub key: String,

    /// Decode even when the version or the checksum is wrong.
    #[arg(long)]
    pub no_check: bool,

    /// For resp and cmd: write commands for this Redis version (e.g. 7.0;
    /// default: the one the payload's RDB version implies).
    #[arg(long, value_name = "X.Y")]
    pub redis_version: Option<String>,
}

/// Largest payload read (a DUMP of a 512 MiB string is about that).
const MAX_INPUT: u64 = 4 << 30;

/// Runs the subcommand.
pub fn run(args: DecodeArgs) -> anyhow::Result<ExitStatus> {
    let redis_version = match &args.redis_version {
        Some(v) => Some(
            RedisVersion::parse(v)
                .with_context(|| format!("invalid --redis-version {v:?} (expected X.Y)"))?,
        ),
        None => None,
    };
    let mut input = Vec::new();
    match &args.file {
        Some(f) => std::fs::File::open(f)
            .and_then(|r| r.take(MAX_INPUT).read_to_end(&mut input))
            .with_context(|| format!("cannot read {}", f.display()))?,
        None => std::io::stdin()
            .lock()
            .take(MAX_INPUT)
            .read_to_end(&mut input)
            .context("cannot read standard input")?,
    };
    let form = match (args.hex, args.form) {
        (true, _) | (_, FormArg::Hex) => Some(PayloadForm::Hex),
        (_, FormArg::Auto) => None,
        (_, FormArg::Raw) => Some(PayloadForm::Raw),
        (_, FormArg::Escaped) => Some(PayloadForm::Escaped),
    };
    let mut err = std::io::stderr().lock();
    let (payload, form) = match read_payload(&input, form) {
        Ok(p) => p,
        Err(e) => {
            writeln!(err, "redfile: cannot read the payload: {e}")?;
            return Ok(ExitStatus::Findings);
        }
    };
    let check = if args.no_check {
        ChecksumCheck::Skip
    } else {
        ChecksumCheck::Verify
    };
    let decoded = match decode_payload(&payload, check) {
        Ok(d) => d,
        Err(e) => {
            let what = match e {
                DecodeError::Footer(_) => "the payload's footer is wrong",
                _ => "the payload does not decode",
            };
            writeln!(
                err,
                "redfile: {what} ({} bytes, read as {}): {e}",
                payload.len(),
                form.name()
            )?;
            return Ok(ExitStatus::Findings);
        }
    };
    let format = match args.format {
        DecodeFormatArg::Json => DumpFormat::Json,
        DecodeFormatArg::Jsonl => DumpFormat::Jsonl,
        DecodeFormatArg::Resp => DumpFormat::Resp,
        DecodeFormatArg::Cmd => DumpFormat::Cmd,
    };
    let mut out = std::io::stdout().lock();
    write_decoded(
        &mut out,
        &decoded,
        args.key.as_bytes(),
        format,
        redis_version,
    )?;
    out.flush()?;
    Ok(ExitStatus::Ok)
}
