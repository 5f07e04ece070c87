//! LZF decompression throughput, redfile's `codec::lzf` against the `lzf`
//! crate, on the kind of strings Redis compresses (text over 20 bytes):
//! `cargo bench --bench lzf`. Prints MB/s of output for each; the README's
//! design notes record a run.
#![allow(clippy::print_stdout)]

use std::time::Instant;

fn main() {
    // Text-like strings of 500..8000 bytes, as make_bench_data.py writes.
    let words = [
        "lorem ",
        "ipsum ",
        "dolor ",
        "sit ",
        "amet ",
        "consectetur ",
        "order ",
        "session ",
        "cache ",
        "token ",
        "user:",
        "12345 ",
        "\n",
    ];
    let mut seed = 7u64;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let mut samples = Vec::new();
    for _ in 0..2000 {
        let len = 500 + next() % 7500;
        let mut s = Vec::with_capacity(len);
        while s.len() < len {
            s.extend_from_slice(words[next() % words.len()].as_bytes());
        }
        s.truncate(len);
        if let Ok(c) = lzf::compress(&s) {
            samples.push((c, s.len()));
        }
    }
    let total: usize = samples.iter().map(|(_, n)| n).sum::<usize>() * 20;
    let time = |name: &str, f: &dyn Fn(&[u8], usize) -> usize| {
        let start = Instant::now();
        let mut check = 0;
        for _ in 0..20 {
            for (c, n) in &samples {
                check += f(c, *n);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(check, total);
        println!("{name:<28} {:>8.0} MB/s", total as f64 / 1e6 / secs);
    };
    time("redfile codec::lzf", &|c, n| {
        redfile::codec::lzf::decompress(c, n).map_or(0, |v| v.len())
    });
    time("lzf crate", &|c, n| {
        lzf::decompress(c, n).map_or(0, |v| v.len())
    });
}
