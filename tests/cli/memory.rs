//! `redfile memory`: estimates against a live Redis 7.0's `MEMORY USAGE`,
//! rdbtools' CSV on fixtures, `--top`, `--by-prefix` (table, CSV, SVG)
//! and the key filters.

use std::collections::BTreeMap;
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
    words(
        c,
        &["RPUSH", "list:big"],
        (0..5000).map(|i| format!("item-{i}")),
    );
    words(
        c,
        &["RPUSH", "list:ints"],
        (0..3000).map(|i| (i * 7).to_string()),
    );
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
    words(
        c,
        &["SADD", "set:hashtable"],
        (0..1000).map(|i| format!("member-{i}")),
    );
    words(
        c,
        &["SADD", "set:many-ints"],
        (0..1000).map(|i| i.to_string()),
    );
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
    let mut table =
        String::from("key                  encoding    redis-enc   estimate   server   diff\n");
    let mut bad = Vec::new();
    for r in &got {
        let usage = c
            .cmd_list(&["MEMORY", "USAGE", &r.key, "SAMPLES", "0"])
            .int() as u64;
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
    assert!(
        bad.is_empty(),
        "off by more than 10% or another encoding: {bad:?}\n{table}"
    );
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

#[test]
fn aof_replay_gives_the_rdb_estimates() {
    // The same generated dataset as an RDB and as a plain AOF: a server
    // holds the same encodings either way, except stream nodes (an XADD
    // node is allocated at 4 KiB) and rdbtools' 8 for integer-encoded
    // elements, which only the RDB has.
    let rdb = rows(&memory(&repo_fixture("gen/rdb/gen-v10.rdb"), &[]));
    let aof = rows(&memory(&repo_fixture("gen/aof/gen-plain.aof"), &[]));
    let by_key = |v: &[Row]| -> std::collections::BTreeMap<(u64, String), Row> {
        v.iter()
            .map(|r| ((r.db, r.key.clone()), r.clone()))
            .collect()
    };
    let (rdb, aof) = (by_key(&rdb), by_key(&aof));
    assert_eq!(
        rdb.keys().collect::<Vec<_>>(),
        aof.keys().collect::<Vec<_>>()
    );
    let mut compared = 0;
    for (k, r) in &rdb {
        let a = &aof[k];
        if r.ty == "stream" {
            assert!(a.bytes >= r.bytes, "{k:?}: {a:?} vs {r:?}");
            continue;
        }
        assert_eq!(
            (&a.ty, a.bytes, &a.encoding, &a.expiry),
            (&r.ty, r.bytes, &r.encoding, &r.expiry),
            "{k:?}"
        );
        if r.ty != "string" {
            assert_eq!(a.elements, r.elements, "{k:?}");
        }
        compared += 1;
    }
    assert!(compared >= 50, "{compared}");
}

#[test]
fn every_redis_asset_is_estimated_or_refused_like_dump() {
    let files = crate::shared_rdbs("redis-assets");
    if files.is_empty() {
        return;
    }
    let mut estimated = 0;
    for f in &files {
        let dump_ok = redfile()
            .args(["dump", "--format", "jsonl"])
            .arg(f)
            .output()
            .expect("run dump")
            .status
            .success();
        let out = redfile().arg("memory").arg(f).output().expect("run memory");
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !dump_ok {
            assert_eq!(out.status.code(), Some(2), "{}: {stderr}", f.display());
            assert!(
                stderr.starts_with("redfile: error: cannot estimate"),
                "{stderr}"
            );
            continue;
        }
        assert_eq!(out.status.code(), Some(0), "{}: {stderr}", f.display());
        let csv = String::from_utf8(out.stdout).expect("utf-8");
        let keys = redfile().arg("keys").arg(f).assert().code(0);
        let keys = keys
            .get_output()
            .stdout
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        assert_eq!(csv.lines().count() - 1, keys, "{}", f.display());
        for line in csv.lines().skip(1) {
            // Every key costs at least its dict entry, sds and robj.
            let size: u64 = line
                .split(',')
                .nth(3)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            assert!(size >= 48 || line.contains('"'), "{}: {line}", f.display());
        }
        estimated += 1;
    }
    assert!(estimated >= 70, "{estimated} of {}", files.len());
}

#[test]
fn encodings_fixture_csv() {
    let Some(f) = crate::shared_fixture("redis-assets/encodings.rdb") else {
        return;
    };
    // Redis 7.0 encodings: ziplists load as listpacks, the 12-member
    // ziplist zset stays a listpack, small hashtable hashes become
    // listpacks, the 8-member string set stays a hashtable.
    assert_eq!(
        memory(&f, &[]),
        "database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry
0,sortedset,zset,160,listpack,12,4,
0,set,set_zipped_1,72,intset,4,8,
0,list,list_zipped,184,quicklist,8,8,
0,string,string,64,embstr,11,11,
0,string,compressible,216,raw,137,137,
0,set,set_zipped_2,88,intset,4,8,
0,string,number,48,int,8,8,
0,set,set_zipped_3,120,intset,6,8,
0,set,set,432,hashtable,8,10,
0,list,list,240,quicklist,24,10,
0,hash,hash_zipped,88,listpack,3,8,
0,sortedset,zset_zipped,88,listpack,3,1,
0,hash,hash,144,listpack,11,10,
"
    );
}

#[test]
fn top_keys_table_and_csv() {
    let f = repo_fixture("rdb/mixed-redis-7.0.rdb");
    assert_eq!(
        memory(&f, &["--top", "3"]),
        "| db | key    | type   | encoding  | bytes | elements | expiry |
|----|--------|--------|-----------|-------|----------|--------|
| 0  | events | stream | stream    | 1815  | 2        |        |
| 0  | tags   | set    | hashtable | 232   | 3        |        |
| 0  | queue  | list   | quicklist | 144   | 3        |        |
"
    );
    // Equal sizes keep file order; CSV rows are the default CSV's lines.
    let all = memory(&f, &[]);
    let top = memory(&f, &["--top", "5", "--format", "csv"]);
    let lines: Vec<&str> = top.lines().collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0], all.lines().next().expect("header"));
    for l in &lines[1..] {
        assert!(all.lines().any(|a| a == *l), "{l}");
    }
    assert_eq!(
        lines[4..],
        [
            "0,sortedset,scores,96,listpack,3,6,",
            "0,hash,user:1,80,listpack,2,8,"
        ]
    );
    assert_eq!(memory(&f, &["--top", "0"]).lines().count(), 2);
}

#[test]
fn by_prefix_table_csv_and_svg() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut c = server.client();
    for i in 0..20 {
        c.run(&format!("SET user:{i}:name name-{i}"));
        c.run(&format!("HSET user:{i}:profile age {i} city somewhere"));
    }
    for i in 0..5 {
        c.run(&format!("RPUSH queue:jobs:{i} a b c"));
    }
    c.run("SET plain 1");
    c.run("SET a<b:&x 1");
    c.cmd_list(&[&b"SET"[..], b"\xffbin,key", b"1"]);
    c.run("SAVE");
    let rdb = server.rdb_path();
    let csv = memory(&rdb, &[]);
    // A key that is not UTF-8 is `base64:` and its base64, as in `dump`.
    assert!(
        csv.lines()
            .any(|l| l == "0,string,base64:/2JpbixrZXk=,56,int,8,8,"),
        "{csv}"
    );
    let all = rows(&csv);
    let total: u64 = all.iter().map(|r| r.bytes).sum();
    let sum = |p: &str| -> (u64, u64) {
        let m: Vec<&Row> = all.iter().filter(|r| r.key.starts_with(p)).collect();
        (m.len() as u64, m.iter().map(|r| r.bytes).sum())
    };

    let csv = memory(&rdb, &["--by-prefix", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("level,prefix,keys,size_in_bytes"));
    let prefix_rows: Vec<(usize, String, u64, u64)> = lines
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            (
                c[0].parse().expect("level"),
                c[1].to_string(),
                c[2].parse().expect("keys"),
                c[3].parse().expect("bytes"),
            )
        })
        .collect();
    assert_eq!(prefix_rows[0], (0, String::new(), 48, total));
    for (level, prefix, keys, bytes) in &prefix_rows[1..] {
        assert_eq!((*keys, *bytes), sum(prefix), "{prefix}");
        assert_eq!(prefix.matches(':').count(), *level, "{prefix}");
    }
    let level1: Vec<&str> = prefix_rows
        .iter()
        .filter(|r| r.0 == 1)
        .map(|r| r.1.as_str())
        .collect();
    assert_eq!(level1, ["user:", "queue:", "a<b:"]);
    // Every key but `plain` and the binary one is under a level-1 prefix.
    let under: u64 = prefix_rows.iter().filter(|r| r.0 == 1).map(|r| r.3).sum();
    assert_eq!(under + sum("plain").1 + 56, total);
    // Depth 1: no second level; user:0: .. user:19: at depth 2.
    let d1 = memory(&rdb, &["--by-prefix", "--format", "csv", "--depth", "1"]);
    assert_eq!(d1.lines().count(), 5);
    assert_eq!(
        prefix_rows.iter().filter(|r| r.0 == 2).count(),
        20 + 1,
        "{csv}"
    );
    // Another separator.
    let dash = memory(
        &rdb,
        &["--by-prefix", "--format", "csv", "--separator", "-"],
    );
    assert_eq!(dash.lines().count(), 2, "{dash}");

    let table = memory(&rdb, &["--by-prefix", "--depth", "1"]);
    assert!(table.starts_with("| level | prefix"), "{table}");
    let user = sum("user:");
    assert!(
        table.contains(&format!("| 1     | user:      | 40   | {} ", user.1)),
        "{table}"
    );

    let svg = memory(&rdb, &["--by-prefix", "--format", "svg"]);
    assert!(svg.starts_with("<?xml version=\"1.0\""), "{svg}");
    assert!(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains(&format!(
        "<title>all keys ({total} bytes, 100.00%, 48 keys)</title>"
    )));
    assert!(svg.contains(&format!("<title>user: ({} bytes,", user.1)));
    assert!(svg.contains("<title>a&lt;b: ("), "escaped");
    assert!(!svg.contains("a<b"));
    assert_eq!(svg.matches("<g>").count(), svg.matches("</g>").count());
    assert_eq!(
        svg.matches("<rect").count(),
        svg.matches("<title>").count() + 1
    );
}

#[test]
fn filters_apply() {
    let f = repo_fixture("rdb/mixed-redis-7.0.rdb");
    let keys = |args: &[&str]| -> Vec<String> {
        rows(&memory(&f, args)).into_iter().map(|r| r.key).collect()
    };
    assert_eq!(keys(&["--db", "2"]), ["other:db"]);
    assert_eq!(keys(&["--match", "*:[0-9]"]), ["session:1", "user:1"]);
    assert_eq!(
        keys(&["--type", "set", "--type", "zset"]),
        ["ids", "tags", "scores"]
    );
    assert_eq!(keys(&["--regex", "^e"]), ["events"]);
    let top = memory(&f, &["--top", "1", "--type", "string"]);
    assert!(top.contains("| greeting |"), "{top}");
    let p = memory(&f, &["--by-prefix", "--format", "csv", "--db", "0"]);
    assert!(
        p.starts_with("level,prefix,keys,size_in_bytes\n0,,9,"),
        "{p}"
    );
}

#[test]
fn usage_errors() {
    let f = repo_fixture("rdb/mixed-redis-7.0.rdb");
    let err = |args: &[&str]| {
        let a = redfile().arg("memory").args(args).arg(&f).assert().code(2);
        String::from_utf8_lossy(&a.get_output().stderr).into_owned()
    };
    assert!(err(&["--format", "svg"]).contains("--format svg needs --by-prefix"));
    assert!(err(&["--top", "2", "--by-prefix"]).contains("cannot be used with"));
    assert!(err(&["--by-prefix", "--separator", ""]).contains("separator cannot be empty"));
}

/// rdbtools' own `rdb -c memory`, when installed: the same keys, types,
/// element counts, largest elements and expiries (sizes differ: rdbtools
/// models Redis 3–5).
#[test]
fn same_columns_as_rdbtools() {
    let rdb = Path::new("/tmp/redfile-venv/bin/rdb");
    if !rdb.exists() {
        eprintln!("note: rdbtools is not installed; skipping");
        return;
    }
    let files = crate::shared_rdbs("redis-assets");
    let mut compared = 0;
    for f in &files {
        let theirs = std::process::Command::new(rdb)
            .args(["-c", "memory"])
            .arg(f)
            .output()
            .expect("run rdbtools");
        if !theirs.status.success() {
            continue; // RDB 10+ and a few types it does not know
        }
        let ours = redfile().arg("memory").arg(f).output().expect("run memory");
        if !ours.status.success() {
            continue;
        }
        let parse = |b: &[u8]| -> BTreeMap<(String, String), (String, String, String, String)> {
            String::from_utf8_lossy(b)
                .lines()
                .skip(1)
                .map(|l| {
                    let c: Vec<&str> = l.split(',').collect();
                    let n = c.len();
                    // The key may hold commas: columns count from both ends.
                    (
                        (c[0].to_string(), c[2..n - 5].join(",")),
                        (
                            c[1].to_string(),
                            c[n - 3].to_string(),
                            c[n - 2].to_string(),
                            c[n - 1].to_string(),
                        ),
                    )
                })
                .collect()
        };
        let (theirs, ours) = (parse(&theirs.stdout), parse(&ours.stdout));
        assert_eq!(
            theirs.len(),
            ours.len(),
            "{}: {theirs:?} vs {ours:?}",
            f.display()
        );
        for (k, t) in &theirs {
            let Some(o) = ours.get(k) else {
                // A key rdbtools prints in another text form (binary).
                continue;
            };
            if t.0 == "stream" {
                // rdbtools prints 1 element for a stream; redfile its length.
                assert_eq!(
                    (&t.0, &t.2, &t.3),
                    (&o.0, &o.2, &o.3),
                    "{}: {k:?}",
                    f.display()
                );
            } else {
                assert_eq!(t, o, "{}: {k:?}", f.display());
            }
            compared += 1;
        }
    }
    assert!(compared >= 100, "{compared}");
}
