//! Interop: files written here are loaded by a real `redis-server` (Debian's
//! 7.0.15, which reads RDB 9 and 10), then every key is read back over RESP
//! and compared with the dataset that was written.
//!
//! Skipped with a note when no server is installed; `REDFILE_REQUIRE_REDIS=1`
//! turns the skip into a failure. `REDFILE_REDIS_SERVER` overrides the path.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::testkit::{Client, Reply, Server};

use super::tests::sample;
use super::*;

fn redis_server() -> Option<PathBuf> {
    crate::testkit::redis_server()
}

/// A server started on an RDB, and the directory that holds it.
struct Loaded {
    _server: Server,
    _dir: tempfile::TempDir,
}

fn start(server: &std::path::Path, rdb: &[u8], cfg: &EncodingConfig) -> (Loaded, Client) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("dump.rdb"), rdb).expect("write rdb");
    let mut args: Vec<String> = [
        "--dbfilename",
        "dump.rdb",
        "--appendonly",
        "no",
        "--save",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // The thresholds the file was written for (the compiled-in
    // hash-max-listpack-entries of 7.0 is 512, redis.conf's 128).
    args.extend(thresholds_args(cfg));
    let (server, client) = crate::testkit::start(server, dir.path(), &args);
    (
        Loaded {
            _server: server,
            _dir: dir,
        },
        client,
    )
}

fn thresholds_args(cfg: &EncodingConfig) -> Vec<String> {
    [
        (
            "hash-max-listpack-entries",
            cfg.hash_max_listpack_entries.to_string(),
        ),
        (
            "hash-max-listpack-value",
            cfg.hash_max_listpack_value.to_string(),
        ),
        (
            "zset-max-listpack-entries",
            cfg.zset_max_listpack_entries.to_string(),
        ),
        (
            "zset-max-listpack-value",
            cfg.zset_max_listpack_value.to_string(),
        ),
        (
            "set-max-intset-entries",
            cfg.set_max_intset_entries.to_string(),
        ),
        (
            "list-max-listpack-size",
            cfg.list_max_listpack_size.to_string(),
        ),
        ("list-compress-depth", cfg.list_compress_depth.to_string()),
        (
            "stream-node-max-bytes",
            cfg.stream_node_max_bytes.to_string(),
        ),
        (
            "stream-node-max-entries",
            cfg.stream_node_max_entries.to_string(),
        ),
    ]
    .into_iter()
    .flat_map(|(k, v)| [format!("--{k}"), v])
    .collect()
}

/// The sample without what a stock server cannot load (modules) and with
/// expiries in the future.
fn interop_dataset(version: u32) -> Dataset {
    let mut ds = sample(version);
    ds.module_aux.clear();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    for db in ds.dbs.values_mut() {
        db.entries.retain(|e| !matches!(e.value, Value::Module(_)));
        for e in &mut db.entries {
            if e.expire_ms.is_some() {
                e.expire_ms = Some(now + 86_400_000);
            }
        }
    }
    ds
}

fn sorted(mut v: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    v.sort();
    v
}

fn check_key(c: &mut Client, e: &Entry, version: u32, cfg: &EncodingConfig) {
    let k = e.key.as_slice();
    let name = String::from_utf8_lossy(k).into_owned();
    // First, before a read touches the key and resets its idle time.
    if let Some(idle) = e.idle {
        let got = c.cmd(&[b"OBJECT", b"IDLETIME", k]).int();
        assert!(got >= idle as i64, "{name}: idle {got}, wrote {idle}");
    }
    let ty = c.cmd(&[b"TYPE", k]).text();
    assert_eq!(ty, e.value.value_type().name(), "{name}: TYPE");
    let enc = c.cmd(&[b"OBJECT", b"ENCODING", k]).text();
    match &e.value {
        Value::String(s) => assert_eq!(c.cmd(&[b"GET", k]).bytes(), *s, "{name}"),
        Value::List(items) => {
            assert_eq!(
                c.cmd(&[b"LRANGE", k, b"0", b"-1"]).strings(),
                *items,
                "{name}"
            );
            assert_eq!(enc, "quicklist", "{name}");
        }
        Value::Set(m) => {
            assert_eq!(
                sorted(c.cmd(&[b"SMEMBERS", k]).strings()),
                sorted(m.clone()),
                "{name}"
            );
            let all_int = m
                .iter()
                .all(|x| crate::rdb::encoding::parse_canonical_i64(x).is_some());
            let want = if all_int && m.len() <= cfg.set_max_intset_entries {
                "intset"
            } else {
                "hashtable"
            };
            assert_eq!(enc, want, "{name}");
        }
        Value::SortedSet(pairs) => {
            let r = c.cmd(&[b"ZRANGE", k, b"0", b"-1", b"WITHSCORES"]).strings();
            let got: Vec<(Vec<u8>, u64)> = r
                .chunks_exact(2)
                .map(|p| {
                    let s = crate::rdb::encoding::parse_score(&p[1]).expect("score");
                    (p[0].clone(), s.to_bits())
                })
                .collect();
            let mut want: Vec<&(Vec<u8>, f64)> = pairs.iter().collect();
            want.sort_by(|a, b| {
                a.1.partial_cmp(&b.1)
                    .unwrap_or(std::cmp::Ordering::Equal)
                    .then_with(|| a.0.cmp(&b.0))
            });
            let want: Vec<(Vec<u8>, u64)> =
                want.iter().map(|(m, s)| (m.clone(), s.to_bits())).collect();
            assert_eq!(got, want, "{name}");
            let packed = pairs.len() <= cfg.zset_max_listpack_entries
                && pairs
                    .iter()
                    .all(|(m, _)| m.len() <= cfg.zset_max_listpack_value);
            assert_eq!(enc, if packed { "listpack" } else { "skiplist" }, "{name}");
        }
        Value::Hash(fields) => {
            let r = c.cmd(&[b"HGETALL", k]).strings();
            let mut got: Vec<(Vec<u8>, Vec<u8>)> = r
                .chunks_exact(2)
                .map(|p| (p[0].clone(), p[1].clone()))
                .collect();
            got.sort();
            let mut want: Vec<(Vec<u8>, Vec<u8>)> = fields
                .iter()
                .map(|f| (f.field.clone(), f.value.clone()))
                .collect();
            want.sort();
            assert_eq!(got, want, "{name}");
            let packed = fields.len() <= cfg.hash_max_listpack_entries
                && fields.iter().all(|f| {
                    f.field.len() <= cfg.hash_max_listpack_value
                        && f.value.len() <= cfg.hash_max_listpack_value
                });
            assert_eq!(enc, if packed { "listpack" } else { "hashtable" }, "{name}");
        }
        Value::Stream(s) => {
            assert_eq!(c.cmd(&[b"XLEN", k]).int(), s.entries.len() as i64, "{name}");
            let r = c.cmd(&[b"XRANGE", k, b"-", b"+"]).array();
            assert_eq!(r.len(), s.entries.len(), "{name}");
            for (got, want) in r.iter().zip(&s.entries) {
                let parts = got.array();
                assert_eq!(parts[0].text(), want.id.to_string(), "{name}");
                let kv = parts[1].strings();
                let pairs: Vec<(Vec<u8>, Vec<u8>)> = kv
                    .chunks_exact(2)
                    .map(|p| (p[0].clone(), p[1].clone()))
                    .collect();
                assert_eq!(pairs, want.fields, "{name} {}", want.id);
            }
            let groups = c.cmd(&[b"XINFO", b"GROUPS", k]).array();
            assert_eq!(groups.len(), s.groups.len(), "{name}");
            for g in &s.groups {
                let summary = c.cmd(&[b"XPENDING", k, &g.name]).array();
                assert_eq!(summary[0].int(), g.pending.len() as i64, "{name}");
                let consumers = c.cmd(&[b"XINFO", b"CONSUMERS", k, &g.name]).array();
                assert_eq!(consumers.len(), g.consumers.len(), "{name}");
            }
            if version >= 10 {
                let info = c.cmd(&[b"XINFO", b"STREAM", k]).array();
                let field = |n: &str| {
                    info.chunks_exact(2)
                        .find(|p| p[0].text() == n)
                        .map(|p| p[1].clone())
                        .unwrap_or_else(|| panic!("XINFO STREAM has no {n}"))
                };
                assert_eq!(
                    field("entries-added").int(),
                    s.entries_added as i64,
                    "{name}"
                );
                assert_eq!(
                    field("max-deleted-entry-id").text(),
                    s.max_deleted_id.to_string()
                );
            }
        }
        other => panic!("{name}: no interop check for {other:?}"),
    }
    match e.expire_ms {
        Some(ms) => {
            assert_eq!(c.cmd(&[b"PEXPIRETIME", k]).int(), ms, "{name}");
            assert!(c.cmd(&[b"PTTL", k]).int() > 0, "{name}");
        }
        None => assert_eq!(c.cmd(&[b"PTTL", k]).int(), -1, "{name}"),
    }
}

#[test]
fn redis_server_7_0_loads_what_was_written() {
    let Some(server) = redis_server() else {
        return;
    };
    for version in [9u32, 10] {
        let ds = interop_dataset(version);
        let opts = WriteOptions {
            aux: AuxFields::Standard {
                ctime: 1_700_000_000,
            },
            ..WriteOptions::for_version(version)
        };
        let bytes = write_dataset(&ds, &opts, Vec::new()).expect("write");
        let (_srv, mut c) = start(&server, &bytes, &opts.thresholds);
        for (&db, d) in &ds.dbs {
            let db = db.to_string();
            assert_eq!(
                c.cmd(&[b"SELECT", db.as_bytes()]),
                Reply::Simple("OK".into())
            );
            assert_eq!(
                c.cmd(&[b"DBSIZE"]).int(),
                d.entries.len() as i64,
                "v{version} db {db}"
            );
            for e in &d.entries {
                check_key(&mut c, e, version, &opts.thresholds);
            }
        }
        if version >= 10 {
            assert_eq!(
                c.cmd(&[b"FCALL", b"f", b"0"]),
                Reply::Int(1),
                "function library loaded"
            );
        }
    }
}

/// Keys built by commands on the server, then `DUMP`ed: the payload body
/// must be exactly what [`encode_value`] produces for RDB 10 (compression
/// off on both sides, since LZF back-reference choices may differ).
#[test]
fn dump_of_keys_built_by_commands_matches_encode_value() {
    let Some(server) = redis_server() else {
        return;
    };
    let opts = WriteOptions {
        compression: false,
        ..WriteOptions::for_version(10)
    };
    let empty = write_dataset(&Dataset::default(), &opts, Vec::new()).expect("write");
    let (_srv, mut c) = start(&server, &empty, &opts.thresholds);
    assert_eq!(
        c.cmd(&[b"CONFIG", b"SET", b"rdbcompression", b"no"]),
        Reply::Simple("OK".into())
    );
    let s = |x: &str| x.as_bytes().to_vec();
    let hf = |f: &str, v: &str| HashField {
        field: s(f),
        value: s(v),
        expire_ms: None,
    };
    let long: String = "x".repeat(100);
    let cases: Vec<(Vec<&[u8]>, Value)> = vec![
        (vec![b"SET", b"str", b"bar"], Value::String(s("bar"))),
        (vec![b"SET", b"num", b"-70000"], Value::String(s("-70000"))),
        (
            vec![
                b"RPUSH",
                b"list",
                b"a",
                b"1",
                b"-7",
                b"300",
                b"70000",
                b"",
                long.as_bytes(),
            ],
            Value::List(vec![
                s("a"),
                s("1"),
                s("-7"),
                s("300"),
                s("70000"),
                s(""),
                s(&long),
            ]),
        ),
        (
            vec![b"HSET", b"hash", b"f1", b"v1", b"n", b"42"],
            Value::Hash(vec![hf("f1", "v1"), hf("n", "42")]),
        ),
        (
            vec![
                b"ZADD", b"zset", b"1", b"one", b"0.1", b"tenth", b"-2.5", b"neg", b"inf", b"top",
            ],
            Value::SortedSet(vec![
                (s("one"), 1.0),
                (s("tenth"), 0.1),
                (s("neg"), -2.5),
                (s("top"), f64::INFINITY),
            ]),
        ),
        (
            vec![b"SADD", b"iset", b"5", b"-3", b"100000", b"7"],
            Value::Set(vec![s("5"), s("-3"), s("100000"), s("7")]),
        ),
        (
            vec![b"SADD", b"hset1", b"only"],
            Value::Set(vec![s("only")]),
        ),
    ];
    for (cmd, value) in &cases {
        let r = c.cmd(cmd);
        assert!(!matches!(r, Reply::Error(_)), "{r:?}");
        let key = cmd[1];
        let dump = c.cmd(&[b"DUMP", key]).bytes();
        let (ty, body) = encode_value(value, &opts).expect("encode");
        let mine = [vec![ty], body].concat();
        // Footer: u16le version, u64le CRC.
        assert_eq!(
            &dump[..dump.len() - 10],
            mine.as_slice(),
            "{}",
            String::from_utf8_lossy(key)
        );
        assert_eq!(&dump[dump.len() - 10..dump.len() - 8], &[10, 0]);
    }
    // A stream with two entries and a group with a pending entry.
    for cmd in [
        &[&b"XADD"[..], b"st", b"1-5", b"a", b"1"][..],
        &[b"XADD", b"st", b"2-0", b"a", b"2", b"b", b"3"],
        &[b"XADD", b"st", b"3-0", b"a", b"4"],
        &[b"XGROUP", b"CREATE", b"st", b"g", b"0"],
    ] {
        let r = c.cmd(cmd);
        assert!(!matches!(r, Reply::Error(_)), "{r:?}");
    }
    let dump = c.cmd(&[b"DUMP", b"st"]).bytes();
    let entry = |ms, seq, f: &[(&str, &str)]| crate::model::StreamEntry {
        id: StreamId::new(ms, seq),
        fields: f.iter().map(|(a, b)| (s(a), s(b))).collect(),
    };
    let st = Stream {
        entries: vec![
            entry(1, 5, &[("a", "1")]),
            entry(2, 0, &[("a", "2"), ("b", "3")]),
            entry(3, 0, &[("a", "4")]),
        ],
        length: 3,
        last_id: StreamId::new(3, 0),
        first_id: StreamId::new(1, 5),
        max_deleted_id: StreamId::new(0, 0),
        entries_added: 3,
        groups: vec![crate::model::StreamGroup {
            name: s("g"),
            last_id: StreamId::new(0, 0),
            // XGROUP CREATE ... 0 leaves the counter unknown (-1).
            entries_read: None,
            pending: vec![],
            consumers: vec![],
            nacked: vec![],
        }],
        idmp: None,
    };
    let (ty, body) = encode_value(&Value::Stream(Box::new(st)), &opts).expect("encode");
    assert_eq!(
        &dump[..dump.len() - 10],
        [vec![ty], body].concat().as_slice()
    );
}
