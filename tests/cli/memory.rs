//! `redfile memory`: estimates against a live Redis 7.0's `MEMORY USAGE`,
//! rdbtools' CSV on fixtures, `--top`, `--by-prefix` (table, CSV, SVG)
//! and the key filters.

use std::path::Path;

use crate::check::repo_fixture;
use crate::redfile;
use crate::redis::{Client, RedisServer};

/// `redfile memory ARGS FILE`'s standard output (exit 0 asserted).
fn memory(file: &Path, args: &[&str]) -> String {
    let a = redfile()
        .arg("memory")
        .args(args)
        .arg(file)
        .assert()
        .code(0);
    String::from_utf8(a.get_output().stdout.clone()).expect("utf-8 output")
}

/// One CSV line of the default report.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    db: u64,
    ty: String,
    key: String,
    bytes: u64,
    encoding: String,
    elements: u64,
    largest: u64,
    expiry: String,
}

/// Parses the default CSV (keys here need no quoting).
fn rows(csv: &str) -> Vec<Row> {
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry")
    );
    lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            assert_eq!(c.len(), 8, "{l}");
            Row {
                db: c[0].parse().expect("db"),
                ty: c[1].into(),
                key: c[2].into(),
                bytes: c[3].parse().expect("size"),
                encoding: c[4].into(),
                elements: c[5].parse().expect("num_elements"),
                largest: c[6].parse().expect("len_largest_element"),
                expiry: c[7].into(),
            }
        })
        .collect()
}

fn words(c: &mut Client, head: &[&str], tail: impl IntoIterator<Item = String>) {
    let mut args: Vec<String> = head.iter().map(|s| s.to_string()).collect();
    args.extend(tail);
    c.cmd_list(&args);
}

/// Typical keys of every encoding a 7.0 server has.
fn populate(c: &mut Client) {
    c.run("SET str:int 12345678");
    c.run("SET str:embstr hello-world");
    words(c, &["SET", "str:raw"], ["x".repeat(200)]);
    words(c, &["SET", "str:raw:big"], ["y".repeat(5000)]);
    c.run("RPUSH list:small a b c");
    words(c, &["RPUSH", "list:big"], (0..5000).map(|i| format!("item-{i}")));
    words(c, &["RPUSH", "list:ints"], (0..3000).map(|i| (i * 7).to_string()));
    words(
        c,
        &["RPUSH", "list:long"],
        (0..300).map(|i| format!("{i:0>300}")),
    );
    words(c, &["SADD", "set:intset"], (1..=100).map(|i| i.to_string()));
    words(
        c,
        &["SADD", "set:intset:wide"],
        (1..=50).map(|i| (i * 100_000_000_000i64).to_string()),
    );
    c.run("SADD set:small red green blue");
    words(c, &["SADD", "set:hashtable"], (0..1000).map(|i| format!("member-{i}")));
    words(c, &["SADD", "set:many-ints"], (0..1000).map(|i| i.to_string()));
    words(
        c,
        &["ZADD", "zset:listpack"],
        (0..10).flat_map(|i| [format!("{}", i as f64 * 1.5), format!("m{i}")]),
    );
    words(
        c,
        &["ZADD", "zset:skiplist"],
        (0..500).flat_map(|i| [format!("{}", i as f64 / 3.0), format!("player:{i}")]),
    );
    words(c, &["ZADD", "zset:long-member", "1"], ["z".repeat(100)]);
    words(
        c,
        &["HSET", "hash:listpack"],
        (0..10).flat_map(|i| [format!("field{i}"), format!("value-{i}")]),
    );
    // hash-max-listpack-entries is 512 when no configuration file says
    // otherwise.
    words(
        c,
        &["HSET", "hash:listpack:big"],
        (0..500).flat_map(|i| [format!("f{i}"), format!("{}", i * 31)]),
    );
    words(
        c,
        &["HSET", "hash:hashtable"],
        (0..1000).flat_map(|i| [format!("field:{i}"), format!("value-{}", i * 31)]),
    );
    words(c, &["HSET", "hash:long-value", "f"], ["v".repeat(100)]);
    c.run("XADD stream:small 1-1 a 1");
    for i in 0..250 {
        words(
            c,
            &["XADD", "stream:big"],
            [
                format!("{}-0", 1_700_000_000_000u64 + i * 10),
                "sensor".into(),
                format!("s{}", i % 7),
                "reading".into(),
                format!("{}", i * 13),
            ],
        );
    }
    c.run("XGROUP CREATE stream:big readers 0");
    c.run("XREADGROUP GROUP readers alice COUNT 30 STREAMS stream:big >");
    c.run("XREADGROUP GROUP readers bob COUNT 10 STREAMS stream:big >");
    c.run("XGROUP CREATE stream:big idle $");
}

#[test]
fn estimates_within_10_percent_of_redis_7_memory_usage() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut c = server.client();
    populate(&mut c);
    // The server reloads its own dump, so it holds what a loader builds
    // (dicts sized once, no rehash in progress, listpacks as stored).
    c.run("DEBUG RELOAD");
    let got = rows(&memory(&server.rdb_path(), &[]));
    let mut table = String::from("key                  encoding    redis-enc   estimate   server   diff\n");
    let mut bad = Vec::new();
    for r in &got {
        let usage = c.cmd_list(&["MEMORY", "USAGE", &r.key, "SAMPLES", "0"]).int() as u64;
        let enc = c.cmd_list(&["OBJECT", "ENCODING", &r.key]).text();
        let diff = (r.bytes as f64 - usage as f64) / usage as f64 * 100.0;
        table.push_str(&format!(
            "{:<20} {:<11} {:<11} {:>8} {:>8} {:>+6.2}%\n",
            r.key, r.encoding, enc, r.bytes, usage, diff
        ));
        if diff.abs() > 10.0 || enc != r.encoding {
            bad.push(r.key.clone());
        }
    }
    eprintln!("{table}");
    assert_eq!(got.len(), 22, "{table}");
    assert!(bad.is_empty(), "off by more than 10% or another encoding: {bad:?}\n{table}");
}

#[test]
fn mixed_fixture_csv() {
    let out = memory(&repo_fixture("rdb/mixed-redis-7.0.rdb"), &[]);
    assert_eq!(
        out,
        "database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry
0,string,counter,56,int,8,8,
0,string,greeting,72,embstr,11,11,
0,set,ids,64,intset,4,8,
0,string,session:1,72,embstr,5,5,2100-01-01T00:00:00
0,hash,user:1,80,listpack,2,8,
0,stream,events,1815,stream,2,72,
0,list,queue,144,quicklist,3,1,
0,set,tags,232,hashtable,3,5,
0,sortedset,scores,96,listpack,3,6,
2,string,other:db,72,embstr,7,7,
"
    );
}
