//! Tests of the rewrite: exact bytes for a small dataset, batching, the
//! forms of each target version, refusals, and a dataset with every type
//! written, checked as redis-check-aof would and parsed back.

use super::*;
use crate::aof::resp::{self, RespItem};
use crate::aof::{check_resp, CheckOptions};
use crate::model::{
    ModuleValue, StreamConsumer, StreamEntry, StreamIdmp, StreamIdmpEntry, StreamIdmpProducer,
    StreamPendingEntry,
};

fn v(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn cmd(args: &[&[u8]]) -> Vec<Vec<u8>> {
    args.iter().map(|a| a.to_vec()).collect()
}

/// A far-future expiry (2100-01-01), so servers keep the keys.
pub(crate) const FAR: i64 = 4_102_444_800_000;

fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

/// A consistent stream: 5 entries (one deleted before the last), a group
/// with two consumers owning PEL entries and one idle consumer, and a
/// second group that never read.
pub(crate) fn sample_stream() -> Stream {
    let entries: Vec<StreamEntry> = [(1, 0), (1, 1), (2, 0), (5, 0), (7, 3)]
        .iter()
        .map(|&(ms, seq)| StreamEntry {
            id: id(1_700_000_000_000 + ms, seq),
            fields: vec![
                (v("f"), format!("v{ms}-{seq}").into_bytes()),
                (v("bin\0\r\n"), vec![0xff, 0, b'\r', b'\n']),
            ],
        })
        .collect();
    let e = |i: usize| entries[i].id;
    let pel = |i: usize, t: i64, c: u64| StreamPendingEntry {
        id: e(i),
        delivery_time: t,
        delivery_count: c,
    };
    let g1 = StreamGroup {
        name: v("workers"),
        last_id: e(3),
        entries_read: Some(4),
        pending: vec![
            pel(0, 1_700_000_100_000, 1),
            pel(1, 1_700_000_200_000, 3),
            pel(3, 1_700_000_300_000, 2),
        ],
        consumers: vec![
            StreamConsumer {
                name: v("zed"),
                seen_time: 1_700_000_300_000,
                active_time: 1_700_000_300_000,
                pending: vec![e(3), e(0)],
            },
            StreamConsumer {
                name: v("alice"),
                seen_time: 1_700_000_200_000,
                active_time: 1_700_000_200_000,
                pending: vec![e(1)],
            },
            StreamConsumer {
                name: v("idle"),
                seen_time: 1_700_000_000_000,
                active_time: 1_700_000_000_000,
                pending: vec![],
            },
        ],
        nacked: vec![],
    };
    let g0 = StreamGroup {
        name: v("audit"),
        last_id: StreamId::default(),
        entries_read: None,
        pending: vec![],
        consumers: vec![],
        nacked: vec![],
    };
    Stream {
        length: entries.len() as u64,
        last_id: id(1_700_000_000_009, 0),
        first_id: e(0),
        max_deleted_id: id(1_700_000_000_006, 0),
        entries_added: 7,
        groups: vec![g1, g0],
        idmp: None,
        entries,
    }
}

/// Every type a stock server of `version` holds, in two databases, with
/// binary keys and values, TTLs, a long list (batching) and functions.
pub(crate) fn sample(version: RedisVersion) -> Dataset {
    let mut db0 = Db::default();
    let push = |db: &mut Db, key: &[u8], value: Value, ttl: Option<i64>| {
        let mut e = Entry::new(key.to_vec(), value);
        e.expire_ms = ttl;
        db.entries.push(e);
    };
    push(&mut db0, b"str", Value::String(v("hello")), None);
    push(&mut db0, b"int", Value::String(v("-12345")), Some(FAR));
    push(&mut db0, b"empty-str", Value::String(vec![]), None);
    push(
        &mut db0,
        b"bin\0\xff\r\nkey",
        Value::String(b"\r\n\0\xfe*3\r\n".to_vec()),
        Some(FAR + 1),
    );
    push(
        &mut db0,
        b"list",
        Value::List((0..150).map(|i| format!("item-{i}").into_bytes()).collect()),
        None,
    );
    push(
        &mut db0,
        b"set",
        Value::Set(vec![v("a"), v("b"), b"\x00\x01".to_vec(), v("123")]),
        Some(FAR + 2),
    );
    push(
        &mut db0,
        b"intset",
        Value::Set((0..70).map(|i| i.to_string().into_bytes()).collect()),
        None,
    );
    push(
        &mut db0,
        b"zset",
        Value::SortedSet(vec![
            (v("tenth"), 0.1),
            (v("big"), 1e8),
            (v("neg"), -2.5),
            (v("ninf"), f64::NEG_INFINITY),
            (v("pinf"), f64::INFINITY),
            (v("third"), 1.0 / 3.0),
            (b"m\0\xff".to_vec(), 7.0),
        ]),
        None,
    );
    let hash_ttl = version >= RedisVersion::V7_4;
    push(
        &mut db0,
        b"hash",
        Value::Hash(
            (0..3)
                .map(|i| HashField {
                    field: format!("f{i}").into_bytes(),
                    value: format!("v{i}").into_bytes(),
                    expire_ms: (hash_ttl && i == 1).then_some(FAR + 10),
                })
                .collect(),
        ),
        Some(FAR + 3),
    );
    push(
        &mut db0,
        b"bighash",
        Value::Hash(
            (0..100)
                .map(|i| HashField {
                    field: format!("field-{i}").into_bytes(),
                    value: vec![b'x'; i],
                    expire_ms: None,
                })
                .collect(),
        ),
        None,
    );
    push(
        &mut db0,
        b"stream",
        Value::Stream(Box::new(sample_stream())),
        Some(FAR + 4),
    );
    let mut db3 = Db::default();
    push(
        &mut db3,
        b"empty-stream",
        Value::Stream(Box::new(Stream {
            last_id: id(5, 5),
            max_deleted_id: id(5, 5),
            entries_added: 3,
            ..Stream::default()
        })),
        None,
    );
    push(&mut db3, b"str", Value::String(v("db3")), None);
    let mut ds = Dataset::default();
    if version >= RedisVersion::V7_0 {
        ds.functions.push(v(
            "#!lua name=mylib\nredis.register_function('echo1', function(keys, args) return args[1] end)",
        ));
    }
    ds.dbs.insert(0, db0);
    // A database listed without keys gets no SELECT.
    ds.dbs.insert(2, Db::default());
    ds.dbs.insert(3, db3);
    ds
}

/// Parses RESP bytes back into items: commands, and annotations as
/// `["#", line]`.
pub(crate) fn parse_all(mut input: &[u8]) -> Vec<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    while !input.is_empty() {
        let (rest, item) =
            resp::item(input).unwrap_or_else(|e| panic!("unparsable at {}: {e:?}", input.len()));
        match item {
            RespItem::Command(c) => out.push(c.args.iter().map(|a| a.to_vec()).collect()),
            RespItem::Annotation(a) => out.push(vec![v("#"), a.line().to_vec()]),
        }
        input = rest;
    }
    out
}

fn encode(ds: &Dataset, opts: &RewriteOptions) -> Vec<u8> {
    encode_rewrite(ds, opts).unwrap_or_else(|e| panic!("rewrite: {e}"))
}

#[test]
fn small_dataset_is_byte_exact() {
    let mut db = Db::default();
    db.entries.push(Entry::new(v("s"), Value::String(v("v"))));
    let mut z = Entry::new(v("z"), Value::SortedSet(vec![(v("a"), 0.1), (v("b"), 1e8)]));
    z.expire_ms = Some(1_700_000_000_123);
    db.entries.push(z);
    db.entries.push(Entry::new(
        v("h"),
        Value::Hash(vec![HashField {
            field: v("f"),
            value: v("x"),
            expire_ms: None,
        }]),
    ));
    let mut ds = Dataset::default();
    ds.functions.push(v("CODE"));
    ds.dbs.insert(1, db);

    let mut opts = RewriteOptions::for_version(RedisVersion::V7_2);
    opts.timestamp = Some(1_700_000_000);
    let want: &[u8] = b"#TS:1700000000\r\n\
*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n$4\r\nCODE\r\n\
*2\r\n$6\r\nSELECT\r\n$1\r\n1\r\n\
*3\r\n$3\r\nSET\r\n$1\r\ns\r\n$1\r\nv\r\n\
*6\r\n$4\r\nZADD\r\n$1\r\nz\r\n$3\r\n0.1\r\n$1\r\na\r\n$4\r\n1e+8\r\n$1\r\nb\r\n\
*3\r\n$9\r\nPEXPIREAT\r\n$1\r\nz\r\n$13\r\n1700000000123\r\n\
*4\r\n$5\r\nHMSET\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\nx\r\n";
    let got = encode(&ds, &opts);
    assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(want));

    // Redis 7.0 prints scores with %.17g and, without timestamps, starts
    // with the functions.
    let got = encode(&ds, &RewriteOptions::for_version(RedisVersion::V7_0));
    let cmds = parse_all(&got);
    assert_eq!(cmds[0], cmd(&[b"FUNCTION", b"LOAD", b"CODE"]));
    assert_eq!(
        cmds[3],
        cmd(&[
            b"ZADD",
            b"z",
            b"0.10000000000000001",
            b"a",
            b"100000000",
            b"b"
        ])
    );
}

#[test]
fn variadic_commands_are_batched_by_64() {
    let ds = sample(RedisVersion::V7_0);
    let cmds: Vec<_> = rewrite_commands(&ds, &RewriteOptions::for_version(RedisVersion::V7_0))
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    let of = |name: &[u8], key: &[u8]| -> Vec<usize> {
        cmds.iter()
            .filter(|c| c[0] == name && c[1] == key)
            .map(Vec::len)
            .collect()
    };
    assert_eq!(of(b"RPUSH", b"list"), vec![66, 66, 24]);
    assert_eq!(of(b"SADD", b"intset"), vec![66, 8]);
    assert_eq!(of(b"HMSET", b"bighash"), vec![130, 74]);
    // The list comes back in order.
    let items: Vec<Vec<u8>> = cmds
        .iter()
        .filter(|c| c[0] == b"RPUSH")
        .flat_map(|c| c[2..].to_vec())
        .collect();
    assert_eq!(
        items,
        (0..150)
            .map(|i| format!("item-{i}").into_bytes())
            .collect::<Vec<_>>()
    );
}

#[test]
fn streams_follow_the_7_0_rewrite() {
    let ds = sample(RedisVersion::V7_0);
    let cmds: Vec<_> = rewrite_commands(&ds, &RewriteOptions::for_version(RedisVersion::V7_0))
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    let stream: Vec<&Vec<Vec<u8>>> = cmds
        .iter()
        .filter(|c| c.len() > 2 && (c[1] == b"stream" || c[2] == b"stream"))
        .collect();
    let names: Vec<String> = stream
        .iter()
        .map(|c| String::from_utf8_lossy(&c[0]).into_owned())
        .collect();
    assert_eq!(
        names,
        [
            "XADD",
            "XADD",
            "XADD",
            "XADD",
            "XADD",
            "XSETID",
            "XGROUP",
            "XGROUP",
            "XCLAIM",
            "XGROUP",
            "XCLAIM",
            "XCLAIM",
            "PEXPIREAT"
        ]
    );
    assert_eq!(
        *stream[5],
        cmd(&[
            b"XSETID",
            b"stream",
            b"1700000000009-0",
            b"ENTRIESADDED",
            b"7",
            b"MAXDELETEDID",
            b"1700000000006-0"
        ])
    );
    // Groups in name order; "audit" never read.
    assert_eq!(
        *stream[6],
        cmd(&[
            b"XGROUP",
            b"CREATE",
            b"stream",
            b"audit",
            b"0-0",
            b"ENTRIESREAD",
            b"-1"
        ])
    );
    assert_eq!(
        *stream[7],
        cmd(&[
            b"XGROUP",
            b"CREATE",
            b"stream",
            b"workers",
            b"1700000000005-0",
            b"ENTRIESREAD",
            b"4"
        ])
    );
    // Consumers in name order: alice, idle (no PEL), zed (two, ascending).
    assert_eq!(
        *stream[8],
        cmd(&[
            b"XCLAIM",
            b"stream",
            b"workers",
            b"alice",
            b"0",
            b"1700000000001-1",
            b"TIME",
            b"1700000200000",
            b"RETRYCOUNT",
            b"3",
            b"JUSTID",
            b"FORCE"
        ])
    );
    assert_eq!(
        *stream[9],
        cmd(&[b"XGROUP", b"CREATECONSUMER", b"stream", b"workers", b"idle"])
    );
    assert_eq!(stream[10][5], v("1700000000001-0"));
    assert_eq!(stream[11][5], v("1700000000005-0"));

    let empty: Vec<&Vec<Vec<u8>>> = cmds.iter().filter(|c| c[1] == b"empty-stream").collect();
    assert_eq!(
        *empty[0],
        cmd(&[
            b"XADD",
            b"empty-stream",
            b"MAXLEN",
            b"0",
            b"0-1",
            b"x",
            b"y"
        ])
    );
    assert_eq!(empty[1][0], v("XSETID"));
}

#[test]
fn older_targets_use_older_forms() {
    let mut ds = sample(RedisVersion::V6_2);
    ds.functions.clear();
    let cmds: Vec<_> = rewrite_commands(&ds, &RewriteOptions::for_version(RedisVersion::V6_2))
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    let xsetid = cmds.iter().find(|c| c[0] == b"XSETID");
    assert_eq!(
        xsetid,
        Some(&cmd(&[b"XSETID", b"stream", b"1700000000009-0"]))
    );
    assert!(cmds
        .iter()
        .filter(|c| c[0] == b"XGROUP" && c[1] == b"CREATE")
        .all(|c| c.len() == 5));
    assert!(cmds.iter().any(|c| c.get(1) == Some(&v("CREATECONSUMER"))));
    let cmds: Vec<_> = rewrite_commands(&ds, &RewriteOptions::for_version(RedisVersion::V5_0))
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    assert!(!cmds.iter().any(|c| c.get(1) == Some(&v("CREATECONSUMER"))));
}

#[test]
fn hash_field_ttls_follow_the_7_4_rewrite() {
    let ds = sample(RedisVersion::V7_4);
    let cmds: Vec<_> = rewrite_commands(&ds, &RewriteOptions::for_version(RedisVersion::V7_4))
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    let hash: Vec<&Vec<Vec<u8>>> = cmds.iter().filter(|c| c[1] == b"hash").collect();
    let far10 = (FAR + 10).to_string().into_bytes();
    let far3 = (FAR + 3).to_string().into_bytes();
    assert_eq!(
        hash,
        [
            &cmd(&[b"HMSET", b"hash", b"f0", b"v0"]),
            &cmd(&[b"HMSET", b"hash", b"f1", b"v1"]),
            &cmd(&[b"HPEXPIREAT", b"hash", &far10, b"FIELDS", b"1", b"f1"]),
            &cmd(&[b"HMSET", b"hash", b"f2", b"v2"]),
            &cmd(&[b"PEXPIREAT", b"hash", &far3]),
        ]
    );
    // The same data cannot be written for 7.2.
    match rewrite_commands(&ds, &RewriteOptions::for_version(RedisVersion::V7_2)) {
        Err(RewriteError::Inexpressible { issues, .. }) => {
            assert_eq!(issues.len(), 1);
            assert_eq!(issues[0].key.as_deref(), Some(b"hash".as_slice()));
            assert_eq!(issues[0].problem, Unsupported::HashFieldTtl);
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn refusals_list_every_key_and_write_nothing() {
    let mut ds = sample(RedisVersion::V7_0);
    let db = ds.dbs.entry(5).or_default();
    for k in ["m1", "m2"] {
        db.entries.push(Entry::new(
            v(k),
            Value::Module(ModuleValue {
                module_id: 1,
                name: "MyType123".into(),
                encver: 0,
                raw: vec![0],
            }),
        ));
    }
    db.entries.push(Entry::new(
        v("arr"),
        Value::Array(ArrayValue {
            elements: vec![(3, v("x"))],
            insert_idx: None,
        }),
    ));
    let opts = RewriteOptions::for_version(RedisVersion::V6_2);
    let mut out = Vec::new();
    let err = write_rewrite(&ds, &opts, &mut out).err();
    assert!(out.is_empty());
    let Some(RewriteError::Inexpressible { issues, version }) = err else {
        panic!("expected a refusal, got {err:?}");
    };
    assert_eq!(version, RedisVersion::V6_2);
    let problems: Vec<(Option<u64>, Option<Vec<u8>>, Unsupported)> = issues
        .into_iter()
        .map(|i| (i.db, i.key, i.problem))
        .collect();
    let module = Unsupported::ModuleValue {
        name: "MyType123".into(),
    };
    assert_eq!(
        problems,
        vec![
            (None, None, Unsupported::Functions),
            (Some(5), Some(v("m1")), module.clone()),
            (Some(5), Some(v("m2")), module),
            (Some(5), Some(v("arr")), Unsupported::Array),
        ]
    );
    let msg = write_rewrite(&ds, &opts, &mut out)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        msg.contains("db 5 key \"m1\": module value of type MyType123"),
        "{msg}"
    );
    assert!(
        msg.contains("function libraries (needs Redis 7.0+)"),
        "{msg}"
    );
    // One key at a time.
    assert!(key_commands(&ds.dbs[&5].entries[0], &opts).is_err());
    assert_eq!(
        key_commands(&ds.dbs[&0].entries[0], &opts).ok(),
        Some(vec![cmd(&[b"SET", b"str", b"hello"])])
    );
}

#[test]
fn every_type_round_trips_through_check_and_parse() {
    for version in [
        RedisVersion::V6_2,
        RedisVersion::V7_0,
        RedisVersion::V7_2,
        RedisVersion::V7_4,
    ] {
        let mut ds = sample(version);
        if version < RedisVersion::V7_0 {
            ds.functions.clear();
        }
        let mut opts = RewriteOptions::for_version(version);
        opts.timestamp = Some(1_234);
        let bytes = encode(&ds, &opts);
        let expected: Vec<Vec<Vec<u8>>> = rewrite_commands(&ds, &opts)
            .unwrap_or_else(|e| panic!("{e}"))
            .collect();
        let report = check_resp(bytes.as_slice(), 0, &CheckOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(report.is_valid(), "{version}: {report:?}");
        assert_eq!(report.commands, expected.len() as u64, "{version}");
        assert_eq!(report.annotations, 1);
        assert_eq!(report.last_timestamp, Some(1_234));
        assert_eq!(report.size, bytes.len() as u64);
        let mut parsed = parse_all(&bytes);
        assert_eq!(parsed.remove(0), vec![v("#"), v("#TS:1234\r\n")]);
        assert_eq!(parsed, expected, "{version}");
        // SELECTs: database 0 and 3, not the empty 2.
        let selects: Vec<&Vec<Vec<u8>>> = parsed.iter().filter(|c| c[0] == b"SELECT").collect();
        assert_eq!(
            selects,
            [&cmd(&[b"SELECT", b"0"]), &cmd(&[b"SELECT", b"3"])]
        );
        // Binary data survives.
        assert!(parsed.contains(&cmd(&[b"SET", b"bin\0\xff\r\nkey", b"\r\n\0\xfe*3\r\n"])));
    }
}

#[test]
fn vacuous_values_produce_nothing() {
    let mut db = Db::default();
    let mut e = Entry::new(v("l"), Value::List(vec![]));
    e.expire_ms = Some(FAR);
    db.entries.push(e);
    let mut ds = Dataset::default();
    ds.dbs.insert(0, db);
    assert_eq!(encode(&ds, &RewriteOptions::default()), b"");
}

#[test]
fn newest_forms_for_idmp_nack_and_arrays() {
    let mut s = sample_stream();
    s.idmp = Some(StreamIdmp {
        duration: 300,
        max_entries: 10,
        producers: vec![StreamIdmpProducer {
            pid: v("p1"),
            entries: vec![
                StreamIdmpEntry {
                    iid: v("i1"),
                    id: s.entries[0].id,
                },
                // Its entry is gone: not written.
                StreamIdmpEntry {
                    iid: v("gone"),
                    id: id(1, 1),
                },
            ],
        }],
        iids_added: 2,
        iids_duplicates: 0,
    });
    let g = &mut s.groups[0];
    // Entry 3 (count 2) is released from zed into the NACK zone.
    g.consumers[0].pending.retain(|&p| p != s.entries[3].id);
    g.nacked = vec![s.entries[3].id];
    let mut db = Db::default();
    db.entries
        .push(Entry::new(v("s"), Value::Stream(Box::new(s))));
    db.entries.push(Entry::new(
        v("a"),
        Value::Array(ArrayValue {
            elements: (0..40)
                .map(|i| (i * 2, format!("{i}").into_bytes()))
                .collect(),
            insert_idx: Some(78),
        }),
    ));
    let mut ds = Dataset::default();
    ds.dbs.insert(0, db);
    assert!(rewrite_commands(&ds, &RewriteOptions::for_version(RedisVersion::V8_6)).is_err());
    let cmds: Vec<_> = rewrite_commands(&ds, &RewriteOptions::for_version(RedisVersion::V8_8))
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    let find =
        |name: &[u8]| -> Vec<&Vec<Vec<u8>>> { cmds.iter().filter(|c| c[0] == name).collect() };
    assert_eq!(
        find(b"XCFGSET"),
        [&cmd(&[
            b"XCFGSET",
            b"s",
            b"IDMP-DURATION",
            b"300",
            b"IDMP-MAXSIZE",
            b"10"
        ])]
    );
    assert_eq!(
        find(b"XIDMPRECORD"),
        [&cmd(&[
            b"XIDMPRECORD",
            b"s",
            b"p1",
            b"i1",
            b"1700000000001-0"
        ])]
    );
    assert_eq!(
        find(b"XNACK"),
        [&cmd(&[
            b"XNACK",
            b"s",
            b"workers",
            b"FAIL",
            b"IDS",
            b"1",
            b"1700000000005-0",
            b"RETRYCOUNT",
            b"2",
            b"FORCE"
        ])]
    );
    let armset = find(b"ARMSET");
    assert_eq!(armset.iter().map(|c| c.len()).collect::<Vec<_>>(), [66, 18]);
    assert_eq!(find(b"ARSEEK"), [&cmd(&[b"ARSEEK", b"a", b"79"])]);
}

#[test]
fn versions_parse_and_order() {
    assert_eq!(RedisVersion::parse("7.0.15"), Some(RedisVersion::V7_0));
    assert_eq!(RedisVersion::parse("8"), Some(RedisVersion::new(8, 0)));
    assert_eq!(RedisVersion::parse("x"), None);
    assert!(RedisVersion::V7_2 > RedisVersion::V7_0);
    assert_eq!(RedisVersion::V7_4.to_string(), "7.4");
    assert_eq!(
        ScoreFormat::for_version(RedisVersion::V7_0),
        ScoreFormat::G17
    );
    assert_eq!(
        ScoreFormat::for_version(RedisVersion::V7_2),
        ScoreFormat::Fpconv
    );
}
