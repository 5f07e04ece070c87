//! `redfile memory`: what each key would take in a Redis 7.0 server, as
//! rdbtools' memory CSV, the biggest keys, or totals per key prefix.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use redfile::inspect::{
    inspect_path_with, InspectError, InspectOptions, KeyItem, KeyVisitor, ValueNeed,
};
use redfile::memory::flame::flame_svg;
use redfile::memory::report::{type_name, write_csv_row, MemoryRow, CSV_HEADER};
use redfile::memory::{estimate, KeyMemory, LargeEstimate, PrefixTree, TopKeys};
use redfile::rdb::elements::{Element, ElementSink, QuicklistNode};

use crate::exit::ExitStatus;
use crate::filter_args::FilterArgs;
use crate::progress::ProgressArgs;

/// How to print --top and --by-prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A table.
    Table,
    /// CSV.
    Csv,
    /// A flame graph as SVG (with --by-prefix): width is bytes, hover for
    /// prefix, bytes and keys.
    Svg,
}

/// Estimate the memory each key takes once loaded by Redis 7.0 (what
/// `MEMORY USAGE key SAMPLES 0` reports: key, value, encoding overheads
/// and allocator size classes), from an RDB or AOF.
///
/// By default prints one CSV line per key with rdbtools' `rdb -c memory`
/// columns: database,type,key,size_in_bytes,encoding,num_elements,
/// len_largest_element,expiry. The encoding is Redis 7.0's (int, embstr,
/// raw, quicklist, listpack, intset, hashtable, skiplist, stream). Key
/// cells are lossless as in `dump --format csv`.
///
/// Examples:
///   redfile memory dump.rdb > memory.csv
///   redfile memory --top 20 dump.rdb
///   redfile memory --by-prefix --depth 3 dump.rdb
///   redfile memory --by-prefix --format svg dump.rdb > memory.svg
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct MemoryArgs {
    /// The RDB file, AOF file, manifest or AOF directory (`-`: an RDB on
    /// standard input).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Only the N biggest keys, largest first (a table unless --format csv).
    #[arg(long, value_name = "N", conflicts_with = "by_prefix")]
    pub top: Option<usize>,

    /// Totals per key prefix, at every level up to --depth.
    #[arg(long)]
    pub by_prefix: bool,

    /// Prefix separator for --by-prefix.
    #[arg(long, value_name = "SEP", default_value = ":", value_parser = non_empty)]
    pub separator: String,

    /// Prefix levels for --by-prefix.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub depth: usize,

    /// Output of --top (table, csv) and --by-prefix (table, csv, svg).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Which keys.
    #[command(flatten)]
    pub filter: FilterArgs,

    /// Progress display.
    #[command(flatten)]
    pub progress: ProgressArgs,
}

fn non_empty(s: &str) -> Result<String, String> {
    if s.is_empty() {
        Err("the separator cannot be empty".into())
    } else {
        Ok(s.to_string())
    }
}

/// What the walk feeds.
enum Output<W> {
    Csv { out: W, buf: Vec<u8> },
    Top(TopKeys),
    Prefix(PrefixTree),
}

impl<W: Write> Output<W> {
    fn add(&mut self, item: &KeyItem<'_>, m: KeyMemory) -> Result<(), InspectError> {
        match self {
            Output::Csv { out, buf } => {
                write_csv_row(
                    out,
                    buf,
                    item.db,
                    item.key,
                    item.value_type,
                    item.expire_ms,
                    &m,
                )?;
            }
            Output::Top(top) => top.offer(m.bytes, || MemoryRow {
                db: item.db,
                key: item.key.to_vec(),
                value_type: item.value_type,
                expire_ms: item.expire_ms,
                memory: m,
            }),
            Output::Prefix(tree) => tree.add(item.key, m.bytes),
        }
        Ok(())
    }
}

/// The visitor: estimates keys whole, or a value too large to hold from
/// its elements as they are walked.
struct Sink<W> {
    output: Output<W>,
    large: Option<LargeEstimate>,
}

impl<W: Write> KeyVisitor for Sink<W> {
    fn key(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        let m = estimate(item).map_err(|e| InspectError::Visitor(Box::new(e)))?;
        self.output.add(item, m)
    }

    fn large_key_start(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        self.large = LargeEstimate::start(item);
        Ok(())
    }

    fn element(&mut self, e: Element<'_>) {
        if let Some(l) = &mut self.large {
            l.element(e);
        }
    }

    fn quicklist_node(&mut self, node: QuicklistNode) {
        if let Some(l) = &mut self.large {
            l.quicklist_node(node);
        }
    }

    fn large_key_end(&mut self, item: &KeyItem<'_>) -> Result<(), InspectError> {
        match self.large.take() {
            Some(l) => self.output.add(item, l.finish(item)),
            None => Err(InspectError::Visitor(
                format!(
                    "key {}: a large value without elements",
                    item.key.escape_ascii()
                )
                .into(),
            )),
        }
    }
}

/// Runs the subcommand.
pub fn run(args: MemoryArgs) -> anyhow::Result<ExitStatus> {
    let filter = args.filter.to_filter()?;
    let format = args.format;
    if format == Some(FormatArg::Svg) && !args.by_prefix {
        anyhow::bail!("--format svg needs --by-prefix");
    }
    if format.is_some() && args.top.is_none() && !args.by_prefix {
        anyhow::bail!("--format applies to --top and --by-prefix (the default output is CSV)");
    }
    let stdout = std::io::stdout().lock();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    let output = if let Some(n) = args.top {
        Output::Top(TopKeys::new(n))
    } else if args.by_prefix {
        Output::Prefix(PrefixTree::new(args.separator.as_bytes(), args.depth))
    } else {
        writeln!(out, "{CSV_HEADER}")?;
        Output::Csv {
            out: &mut out,
            buf: Vec::new(),
        }
    };
    let mut sink = Sink {
        output,
        large: None,
    };
    inspect_path_with(
        &args.file,
        &filter,
        InspectOptions {
            values: ValueNeed::Elements,
        },
        &mut sink,
        &args.progress.bar(),
    )
    .with_context(|| format!("cannot estimate the memory of {}", args.file.display()))?;
    match sink.output {
        Output::Csv { .. } => {}
        Output::Top(top) => print_top(&mut out, top, format)?,
        Output::Prefix(tree) => match format.unwrap_or(FormatArg::Table) {
            FormatArg::Svg => {
                let title = format!("redfile memory by prefix: {}", args.file.display());
                out.write_all(flame_svg(&tree, &title).as_bytes())?;
            }
            FormatArg::Csv => {
                writeln!(out, "level,prefix,keys,size_in_bytes")?;
                let mut line = Vec::new();
                for r in tree.rows() {
                    line.clear();
                    line.extend_from_slice(format!("{},", r.level).as_bytes());
                    redfile::export::text::csv_text(&mut line, &r.prefix);
                    line.extend_from_slice(format!(",{},{}\n", r.keys, r.bytes).as_bytes());
                    out.write_all(&line)?;
                }
            }
            FormatArg::Table => {
                let (total, _) = tree.total();
                let mut t =
                    crate::render::table(&["level", "prefix", "keys", "bytes", "% of bytes"]);
                for r in tree.rows() {
                    let name = if r.level == 0 {
                        "(all keys)".to_string()
                    } else {
                        format!("{}{}", "  ".repeat(r.level - 1), r.prefix.escape_ascii())
                    };
                    let share = if total == 0 {
                        0.0
                    } else {
                        100.0 * r.bytes as f64 / total as f64
                    };
                    t.add_row(vec![
                        r.level.to_string(),
                        name,
                        r.keys.to_string(),
                        r.bytes.to_string(),
                        format!("{share:.2}"),
                    ]);
                }
                writeln!(out, "{t}")?;
            }
        },
    }
    out.flush()?;
    Ok(ExitStatus::Ok)
}

fn print_top(out: &mut impl Write, top: TopKeys, format: Option<FormatArg>) -> anyhow::Result<()> {
    let rows = top.into_sorted();
    if format == Some(FormatArg::Csv) {
        writeln!(out, "{CSV_HEADER}")?;
        let mut buf = Vec::new();
        for r in &rows {
            write_csv_row(
                out,
                &mut buf,
                r.db,
                &r.key,
                r.value_type,
                r.expire_ms,
                &r.memory,
            )?;
        }
        return Ok(());
    }
    let mut t = crate::render::table(&[
        "db", "key", "type", "encoding", "bytes", "elements", "expiry",
    ]);
    for r in &rows {
        t.add_row(vec![
            r.db.to_string(),
            r.key.escape_ascii().to_string(),
            type_name(r.value_type).to_string(),
            r.memory.value.encoding.name().to_string(),
            r.memory.bytes.to_string(),
            r.memory.value.num_elements.to_string(),
            r.expire_ms
                .map(redfile::memory::report::expiry_text)
                .unwrap_or_default(),
        ]);
    }
    writeln!(out, "{t}")?;
    Ok(())
}
