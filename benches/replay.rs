//! Engine replay throughput: `cargo bench --bench replay -- AOF_PATH...`.
//!
//! Replays each AOF (a file, a manifest or an AOF directory) through
//! redfile's engine exactly as `redfile digest`/`convert` do, and prints
//! commands, seconds, commands per second and MB/s of input for the replay
//! alone and for the conversion of the result to a dataset. Compare with
//! the `DB loaded from append only file: N seconds` line a redis-server
//! prints when it loads the same AOF (`benches/compare.sh` runs both).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::Path;
use std::time::Instant;

fn main() {
    let paths: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if paths.is_empty() {
        eprintln!("usage: cargo bench --bench replay -- AOF_PATH...");
        return;
    }
    for p in paths {
        let path = Path::new(&p);
        let bytes = input_bytes(path);
        let start = Instant::now();
        match redfile::replay::load_dataset(path) {
            Ok(loaded) => {
                let secs = start.elapsed().as_secs_f64();
                println!(
                    "{p}: {} commands, {} keys, {secs:.2} s, {:.0} commands/s, {:.0} MB/s (replay + dataset)",
                    loaded.commands,
                    loaded.dataset.len(),
                    loaded.commands as f64 / secs,
                    bytes as f64 / 1e6 / secs
                );
            }
            Err(e) => println!("{p}: {e}"),
        }
    }
}

fn input_bytes(path: &Path) -> u64 {
    if path.is_dir() {
        std::fs::read_dir(path)
            .map(|d| {
                d.flatten()
                    .filter_map(|e| e.metadata().ok())
                    .map(|m| m.len())
                    .sum()
            })
            .unwrap_or(0)
    } else {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
    }
}

/// The same allocator as the `redfile` binary, so the figures match it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;
