//! Round-trip tests of the writer: model → bytes → reader → model, deep
//! validation of every value written, encoding choice per version, bytes
//! quoted in the spec, and every fixture rewritten at its own version.

use std::path::{Path, PathBuf};

use super::*;
use crate::load::read_rdb_dataset;
use crate::model::{
    Db, StreamConsumer, StreamEntry, StreamGroup, StreamIdmp, StreamIdmpEntry, StreamIdmpProducer,
    StreamPendingEntry,
};
use crate::rdb::encoding::Depth;
use crate::rdb::object::decode_value;
use crate::rdb::{Checksum, RdbReader, Record};

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn hf(f: &str, v: &str, t: Option<i64>) -> HashField {
    HashField {
        field: b(f),
        value: b(v),
        expire_ms: t,
    }
}

fn sid(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

fn stream(version: u32, n: u64) -> Stream {
    let entries: Vec<StreamEntry> = (0..n)
        .map(|i| StreamEntry {
            id: sid(1_700_000_000_000 + i / 3, i % 3),
            fields: if i % 4 == 0 {
                vec![(b("temp"), format!("{}", 20 + i).into_bytes())]
            } else {
                vec![
                    (b("name"), format!("sensor-{i}").into_bytes()),
                    (b("value"), format!("{}.5", i).into_bytes()),
                ]
            },
        })
        .collect();
    let last = entries.last().map(|e| e.id).unwrap_or_default();
    let first = entries.first().map(|e| e.id).unwrap_or_default();
    let p = |i: usize| entries[i].id;
    let mut g1 = StreamGroup {
        name: b("g1"),
        last_id: p(5),
        entries_read: if version >= 10 { Some(6) } else { None },
        pending: vec![
            StreamPendingEntry {
                id: p(1),
                delivery_time: 1_700_000_001_000,
                delivery_count: 1,
            },
            StreamPendingEntry {
                id: p(3),
                delivery_time: 1_700_000_002_000,
                delivery_count: 3,
            },
            StreamPendingEntry {
                id: p(5),
                delivery_time: 1_700_000_003_000,
                delivery_count: 2,
            },
        ],
        consumers: vec![
            StreamConsumer {
                name: b("alice"),
                seen_time: 1_700_000_004_000,
                active_time: if version >= 11 {
                    1_700_000_003_500
                } else {
                    1_700_000_004_000
                },
                pending: vec![p(1), p(5)],
            },
            StreamConsumer {
                name: b("bob"),
                seen_time: 1_700_000_005_000,
                active_time: 1_700_000_005_000,
                pending: if version >= 14 { vec![] } else { vec![p(3)] },
            },
        ],
        nacked: if version >= 14 { vec![p(3)] } else { vec![] },
    };
    if version < 10 {
        g1.entries_read = None;
    }
    let g0 = StreamGroup {
        name: b("empty-group"),
        last_id: sid(0, 0),
        entries_read: if version >= 10 { Some(0) } else { None },
        pending: vec![],
        consumers: vec![],
        nacked: vec![],
    };
    Stream {
        length: entries.len() as u64,
        last_id: last,
        first_id: first,
        max_deleted_id: if version >= 10 { sid(3, 3) } else { sid(0, 0) },
        entries_added: if version >= 10 { n + 7 } else { n },
        entries,
        groups: vec![g0, g1],
        idmp: (version >= 13).then(|| StreamIdmp {
            duration: 300,
            max_entries: 50,
            producers: vec![StreamIdmpProducer {
                pid: b("producer1"),
                entries: vec![StreamIdmpEntry {
                    iid: b("iid-1"),
                    id: first,
                }],
            }],
            iids_added: 4,
            iids_duplicates: 1,
        }),
    }
}

/// Every type in the shapes that exercise each encoding of `version`.
pub(super) fn sample(version: u32) -> Dataset {
    let mut e: Vec<Entry> = Vec::new();
    let mut push = |k: &str, v: Value| e.push(Entry::new(b(k), v));
    push("str", Value::String(b("bar")));
    push("str-int", Value::String(b("-12345")));
    push("str-big-int", Value::String(b("12345678901")));
    push("str-empty", Value::String(vec![]));
    push("str-long", Value::String(b(&"abc".repeat(100))));
    push("str-binary", Value::String((0..=255u8).collect()));
    push(
        "list-small",
        Value::List(vec![b("a"), b("1"), b("-7"), b(""), b("300"), b("x")]),
    );
    push(
        "list-many",
        Value::List(
            (0..5000)
                .map(|i| format!("item-{i}").into_bytes())
                .collect(),
        ),
    );
    push(
        "list-large-element",
        Value::List(vec![
            b("head"),
            vec![b'L'; 9000],
            b("tail"),
            vec![b'M'; 20000],
        ]),
    );
    push(
        "set-intset",
        Value::Set(vec![b("5"), b("-3"), b("100000"), b("7")]),
    );
    push(
        "set-intset-64",
        Value::Set(vec![b("9223372036854775807"), b("1")]),
    );
    push(
        "set-small",
        Value::Set(vec![b("a"), b("b"), b("12"), b("c")]),
    );
    push(
        "set-big",
        Value::Set((0..300).map(|i| format!("m{i}").into_bytes()).collect()),
    );
    push("set-long-member", Value::Set(vec![b("x"), vec![b'y'; 100]]));
    push(
        "set-many-ints",
        Value::Set(
            (0..1000)
                .map(|i| (i * 7).to_string().into_bytes())
                .collect(),
        ),
    );
    push(
        "zset-small",
        Value::SortedSet(vec![
            (b("one"), 1.0),
            (b("pi"), std::f64::consts::PI),
            (b("neg"), -2.5),
            (b("inf"), f64::INFINITY),
            (b("ninf"), f64::NEG_INFINITY),
            (b("tiny"), 1.5e-7),
            (b("huge"), 1e300),
            (b("negzero"), -0.0),
            (b("tenth"), 0.1),
            (b("big-int"), 9.3e18),
            (b("7"), 7.0),
        ]),
    );
    push(
        "zset-big",
        Value::SortedSet(
            (0..200)
                .map(|i| (format!("member-{i}").into_bytes(), f64::from(i) / 3.0))
                .collect(),
        ),
    );
    push(
        "zset-long-member",
        Value::SortedSet(vec![(vec![b'z'; 65], 1.0), (b("a"), 2.0)]),
    );
    push(
        "hash-small",
        Value::Hash(vec![
            hf("f1", "v1", None),
            hf("n", "42", None),
            hf("e", "", None),
        ]),
    );
    push(
        "hash-big",
        Value::Hash(
            (0..150)
                .map(|i| hf(&format!("field{i}"), &format!("value{i}"), None))
                .collect(),
        ),
    );
    push(
        "hash-long-value",
        Value::Hash(vec![hf("k", &"v".repeat(65), None)]),
    );
    if version >= 12 {
        push(
            "hash-ttl-small",
            Value::Hash(vec![
                hf("f1", "v1", Some(70_000_000_000_000)),
                hf("f2", "v2", None),
                hf("f3", "v3", Some(60_000_000_000_000)),
            ]),
        );
        push(
            "hash-ttl-big",
            Value::Hash(
                (0..200)
                    .map(|i| {
                        hf(
                            &format!("f{i}"),
                            "v",
                            (i % 2 == 0).then_some(1_800_000_000_000 + i64::from(i)),
                        )
                    })
                    .collect(),
            ),
        );
    }
    push("stream", Value::Stream(Box::new(stream(version, 300))));
    push(
        "stream-empty",
        Value::Stream(Box::new(Stream {
            idmp: (version >= 13).then(|| StreamIdmp {
                duration: 100,
                max_entries: 100,
                producers: vec![],
                iids_added: 0,
                iids_duplicates: 0,
            }),
            ..Stream::default()
        })),
    );
    push(
        "module",
        Value::Module(ModuleValue {
            module_id: 0xb5eb2dfffadd6c01,
            name: crate::rdb::module::module_name(0xb5eb2dfffadd6c01),
            encver: 1,
            // UINT 5, STRING "hi", DOUBLE 1.5, EOF
            raw: [
                &[0x02, 0x05, 0x05, 0x02, b'h', b'i', 0x04][..],
                &1.5f64.to_le_bytes(),
                &[0x00],
            ]
            .concat(),
        }),
    );
    if version >= 14 {
        push(
            "array",
            Value::Array(ArrayValue {
                elements: vec![(0, b("zero")), (5, b("123")), (1 << 40, b("1.5"))],
                insert_idx: Some(5),
            }),
        );
    }
    let mut e0 = e;
    e0[0].expire_ms = Some(1_900_000_000_123);
    e0[1].idle = Some(3600);
    e0[2].freq = Some(200);
    let mut ds = Dataset {
        aux: vec![(b("redis-ver"), b("7.2.4")), (b("redis-bits"), b("64"))],
        functions: if version >= 10 {
            vec![b(
                "#!lua name=mylib\nredis.register_function('f', function() return 1 end)",
            )]
        } else {
            vec![]
        },
        module_aux: vec![ModuleAuxData {
            module_id: 0xb5eb2dfffadd6c01,
            when: 2,
            raw: vec![0x02, 0x07, 0x00],
        }],
        dbs: Default::default(),
    };
    ds.dbs.insert(0, Db { entries: e0 });
    let mut other = Entry::new(b("in-db-3"), Value::String(b("x")));
    other.expire_ms = Some(1);
    ds.dbs.insert(
        3,
        Db {
            entries: vec![other],
        },
    );
    ds
}

/// Sets, hashes and stream groups compare as sets; zset scores by bits.
fn normalize(mut ds: Dataset) -> Dataset {
    for db in ds.dbs.values_mut() {
        for e in &mut db.entries {
            match &mut e.value {
                Value::Set(m) => m.sort(),
                Value::Hash(h) => h.sort_by(|a, b| a.field.cmp(&b.field)),
                Value::SortedSet(z) => z.sort_by(|a, b| a.0.cmp(&b.0)),
                Value::Stream(s) => {
                    s.groups.sort_by(|a, b| a.name.cmp(&b.name));
                    for g in &mut s.groups {
                        g.pending.sort_by_key(|p| p.id);
                        g.consumers.sort_by(|a, b| a.name.cmp(&b.name));
                        for c in &mut g.consumers {
                            c.pending.sort();
                        }
                    }
                }
                _ => {}
            }
        }
    }
    ds
}

fn assert_same(a: &Dataset, b: &Dataset, what: &str) {
    let (a, b) = (normalize(a.clone()), normalize(b.clone()));
    assert_eq!(a.aux, b.aux, "{what}: aux");
    assert_eq!(a.functions, b.functions, "{what}: functions");
    assert_eq!(a.module_aux, b.module_aux, "{what}: module aux");
    assert_eq!(
        a.dbs.keys().collect::<Vec<_>>(),
        b.dbs.keys().collect::<Vec<_>>(),
        "{what}: dbs"
    );
    for (db, da) in &a.dbs {
        let dbb = &b.dbs[db];
        assert_eq!(da.entries.len(), dbb.entries.len(), "{what}: db {db} size");
        for (x, y) in da.entries.iter().zip(&dbb.entries) {
            let key = String::from_utf8_lossy(&x.key);
            if let (Value::SortedSet(p), Value::SortedSet(q)) = (&x.value, &y.value) {
                let bits = |v: &[(Vec<u8>, f64)]| {
                    v.iter()
                        .map(|(m, s)| (m.clone(), s.to_bits()))
                        .collect::<Vec<_>>()
                };
                assert_eq!(bits(p), bits(q), "{what}: key {key}");
            }
            assert_eq!(x, y, "{what}: key {key}");
        }
    }
}

fn write(ds: &Dataset, opts: &WriteOptions) -> Vec<u8> {
    match write_dataset(ds, opts, Vec::new()) {
        Ok(v) => v,
        Err(e) => panic!("write failed: {e}"),
    }
}

/// Reads `bytes` back, decoding every value deep; returns the dataset and
/// the type byte of each key.
fn read_back(bytes: &[u8]) -> (Dataset, Vec<(Vec<u8>, u8)>) {
    let mut r = RdbReader::new(bytes).expect("header");
    let mut types = Vec::new();
    let mut checksum = None;
    while let Some(l) = r.next_record().expect("record") {
        match l.record {
            Record::Key(k) => {
                decode_value(k.kind, k.body, Depth::Deep).unwrap_or_else(|e| {
                    panic!(
                        "key {:?} (type {}) fails deep validation: {e}",
                        k.key.to_bytes(),
                        k.type_byte
                    )
                });
                types.push((k.key.to_bytes().expect("key").into_owned(), k.type_byte));
            }
            Record::End { checksum: c } => checksum = Some(c),
            _ => {}
        }
    }
    assert!(
        matches!(checksum, Some(Checksum::Ok(_) | Checksum::Disabled)),
        "{checksum:?}"
    );
    let ds = read_rdb_dataset(RdbReader::new(bytes).expect("header")).expect("dataset");
    (ds, types)
}

fn type_of(types: &[(Vec<u8>, u8)], key: &str) -> u8 {
    types
        .iter()
        .find(|(k, _)| k == key.as_bytes())
        .map(|(_, t)| *t)
        .unwrap_or_else(|| panic!("no key {key}"))
}

#[test]
fn every_type_round_trips_at_every_version() {
    for version in 9..=14 {
        for (compression, checksum) in [(true, true), (false, false), (true, false)] {
            let ds = sample(version);
            let opts = WriteOptions {
                version,
                compression,
                checksum,
                ..WriteOptions::default()
            };
            let bytes = write(&ds, &opts);
            assert_eq!(&bytes[..9], format!("REDIS{version:04}").as_bytes());
            if !checksum {
                assert_eq!(&bytes[bytes.len() - 8..], &[0; 8]);
            }
            let (back, _) = read_back(&bytes);
            assert_same(&ds, &back, &format!("v{version} lzf={compression}"));
        }
    }
}

#[test]
fn encodings_are_chosen_per_version() {
    use crate::rdb::consts::*;
    let want: &[(&str, [u8; 6])] = &[
        ("str", [0; 6]),
        ("list-small", [14, 18, 18, 18, 18, 18]),
        ("set-intset", [11; 6]),
        ("set-small", [2, 2, 20, 20, 20, 20]),
        ("set-big", [2; 6]),
        ("set-long-member", [2; 6]),
        ("set-many-ints", [2; 6]),
        ("zset-small", [12, 17, 17, 17, 17, 17]),
        ("zset-big", [5; 6]),
        ("zset-long-member", [5; 6]),
        ("hash-small", [13, 16, 16, 16, 16, 16]),
        ("hash-big", [4; 6]),
        ("hash-long-value", [4; 6]),
        ("stream", [15, 19, 21, 21, 26, 27]),
        ("module", [7; 6]),
    ];
    for version in 9..=14u32 {
        let (_, types) = read_back(&write(
            &sample(version),
            &WriteOptions::for_version(version),
        ));
        for (key, per) in want {
            assert_eq!(
                type_of(&types, key),
                per[(version - 9) as usize],
                "{key} at v{version}"
            );
        }
        if version >= 12 {
            assert_eq!(type_of(&types, "hash-ttl-small"), RDB_TYPE_HASH_LISTPACK_EX);
            assert_eq!(type_of(&types, "hash-ttl-big"), RDB_TYPE_HASH_METADATA);
        }
        if version >= 14 {
            assert_eq!(type_of(&types, "array"), RDB_TYPE_ARRAY);
        }
    }
}

#[test]
fn thresholds_are_configurable() {
    let ds = {
        let mut ds = Dataset::default();
        ds.dbs.insert(
            0,
            Db {
                entries: vec![
                    Entry::new(
                        b("h"),
                        Value::Hash(vec![hf("a", "1", None), hf("b", "2", None)]),
                    ),
                    Entry::new(b("s"), Value::Set(vec![b("1"), b("2"), b("3")])),
                    Entry::new(b("z"), Value::SortedSet(vec![(b("a"), 1.0), (b("b"), 2.0)])),
                ],
            },
        );
        ds
    };
    let opts = WriteOptions {
        thresholds: EncodingConfig {
            hash_max_listpack_entries: 1,
            set_max_intset_entries: 2,
            set_max_listpack_entries: 2,
            zset_max_listpack_value: 0,
            ..EncodingConfig::default()
        },
        ..WriteOptions::for_version(11)
    };
    let (back, types) = read_back(&write(&ds, &opts));
    assert_same(&ds, &back, "thresholds");
    assert_eq!(
        types.iter().map(|t| t.1).collect::<Vec<_>>(),
        [RDB_TYPE_HASH, RDB_TYPE_SET, RDB_TYPE_ZSET_2]
    );
}

#[test]
fn list_nodes_follow_the_fill_and_compress_depth() {
    let items: Vec<Vec<u8>> = (0..2000)
        .map(|i| format!("element-{i:05}").into_bytes())
        .collect();
    for (fill, depth) in [(-1i64, 0usize), (-2, 1), (-5, 2), (10, 1), (1, 0)] {
        for version in [9, 10] {
            let opts = WriteOptions {
                thresholds: EncodingConfig {
                    list_max_listpack_size: fill,
                    list_compress_depth: depth,
                    ..EncodingConfig::default()
                },
                compression: false,
                ..WriteOptions::for_version(version)
            };
            let (ty, body) = encode_value(&Value::List(items.clone()), &opts).expect("encode");
            let (rest, nodes) = crate::rdb::primitives::len(&body).expect("len");
            let expect_nodes = if fill > 0 {
                2000usize.div_ceil(fill as usize)
            } else {
                // ~15 bytes an element in a listpack, 14 in a ziplist.
                let per = NODE_SIZE_CLASSES[(-fill - 1) as usize] / 16;
                2000usize.div_ceil(per)
            };
            assert!(
                (nodes as usize).abs_diff(expect_nodes) <= expect_nodes / 8 + 1,
                "fill {fill} v{version}: {nodes} nodes, about {expect_nodes} expected"
            );
            if depth > 0 && nodes > 2 * depth as u64 {
                // The first inner node is saved LZF-compressed.
                let mut i = rest;
                for _ in 0..depth {
                    if version >= 10 {
                        i = crate::rdb::primitives::len(i).expect("container").0;
                    }
                    i = crate::rdb::primitives::rdb_str(i).expect("node").0;
                }
                if version >= 10 {
                    i = crate::rdb::primitives::len(i).expect("container").0;
                }
                assert_eq!(i[0], 0xC3, "fill {fill} depth {depth} v{version}");
            }
            let kind = crate::rdb::ObjectKind::resolve(ty, &crate::rdb::Dialect::for_dump(version))
                .expect("kind");
            assert_eq!(
                decode_value(kind, &body, Depth::Deep).expect("decode"),
                Value::List(items.clone())
            );
        }
    }
}

#[test]
fn smallest_rdb11_file_is_byte_exact() {
    let opts = WriteOptions {
        aux: AuxFields::None,
        ..WriteOptions::for_version(11)
    };
    let bytes = write(&Dataset::default(), &opts);
    assert_eq!(
        bytes,
        b"REDIS0011\xff\xc0\x22\x8a\x8d\x74\x38\x97\x62".to_vec()
    );
}

#[test]
fn rdb_preamble_example_is_byte_exact() {
    // spec §22.1, minus the AOF tail: RDB 10 with five AUX fields.
    let mut ds = Dataset {
        aux: vec![
            (b("redis-ver"), b("255.255.255")),
            (b("redis-bits"), b("64")),
            (b("ctime"), b("1640698070")),
            (b("used-mem"), b("1084832")),
            (b("aof-preamble"), b("1")),
        ],
        ..Dataset::default()
    };
    ds.dbs.insert(
        0,
        Db {
            entries: vec![
                Entry::new(b("k2"), Value::String(b("v2"))),
                Entry::new(b("k1"), Value::String(b("v1"))),
            ],
        },
    );
    let bytes = write(&ds, &WriteOptions::for_version(10));
    assert_eq!(bytes.len(), 117);
    assert_eq!(bytes[108], 0xff);
    assert_eq!(
        &bytes[109..],
        &[0xfb, 0xcb, 0x6d, 0xc9, 0xb7, 0x0c, 0x80, 0xa4]
    );
}

fn dump_body(v: &Value, opts: &WriteOptions) -> Vec<u8> {
    let (ty, body) = encode_value(v, opts).expect("encode");
    [vec![ty], body].concat()
}

#[test]
fn dump_bodies_quoted_in_the_spec_are_byte_exact() {
    // §17: DUMP of the string "bar".
    let v12 = WriteOptions::for_version(12);
    assert_eq!(dump_body(&Value::String(b("bar")), &v12), b"\x00\x03bar");
    // §12.1: hash with one field TTL, hash-max-listpack-entries 1.
    let opts = WriteOptions {
        thresholds: EncodingConfig {
            hash_max_listpack_entries: 1,
            ..EncodingConfig::default()
        },
        ..v12.clone()
    };
    let h = Value::Hash(vec![
        hf("f2", "v2", None),
        hf("f1", "v1", Some(70_000_000_000_000)),
    ]);
    assert_eq!(
        dump_body(&h, &opts),
        [
            &[0x18, 0x00, 0x60, 0x22, 0x25, 0xaa, 0x3f, 0x00, 0x00, 0x02][..],
            b"\x00\x02f2\x02v2\x01\x02f1\x02v1"
        ]
        .concat()
    );
    // §12.3: listpack-ex with TTLs on f3 and f1.
    let h = Value::Hash(vec![
        hf("f1", "v1", Some(70_000_000_000_000)),
        hf("f2", "v2", None),
        hf("f3", "v3", Some(60_000_000_000_000)),
    ]);
    let body = dump_body(
        &h,
        &WriteOptions {
            compression: false,
            ..v12.clone()
        },
    );
    assert_eq!(
        &body[..10],
        &[0x19, 0x00, 0xc0, 0xaf, 0xd6, 0x91, 0x36, 0x00, 0x00, 0x35]
    );
    assert_eq!(body.len(), 10 + 0x35);
    let order: Vec<Vec<u8>> = crate::rdb::encoding::listpack::entries(&body[10..])
        .expect("listpack")
        .map(|e| e.expect("element").to_vec())
        .collect();
    assert_eq!(
        order,
        [
            b("f3"),
            b("v3"),
            b("60000000000000"),
            b("f1"),
            b("v1"),
            b("70000000000000"),
            b("f2"),
            b("v2"),
            b("0")
        ]
    );
    // §22.3: a two-entry stream (RDB 12 writes type 21).
    let s = Stream {
        entries: vec![
            StreamEntry {
                id: sid(1, 5),
                fields: vec![(b("a"), b("1"))],
            },
            StreamEntry {
                id: sid(2, 0),
                fields: vec![(b("a"), b("2"))],
            },
        ],
        length: 2,
        last_id: sid(2, 0),
        first_id: sid(1, 5),
        max_deleted_id: sid(0, 0),
        entries_added: 2,
        groups: vec![],
        idmp: None,
    };
    let want: Vec<u8> = [
        &[0x15, 0x01, 0x10][..],
        &sid(1, 5).to_be_bytes(),
        &[0x27, 0x27, 0, 0, 0, 0x0f, 0],
        &[
            0x02, 0x01, 0x00, 0x01, 0x01, 0x01, 0x81, 0x61, 0x02, 0x00, 0x01,
        ],
        &[0x02, 0x01, 0x00, 0x01, 0x00, 0x01, 0x01, 0x01, 0x04, 0x01],
        &[
            0x02, 0x01, 0x01, 0x01, 0xdf, 0xfb, 0x02, 0x02, 0x01, 0x04, 0x01,
        ],
        &[0xff],
        &[0x02, 0x02, 0x00, 0x01, 0x05, 0x00, 0x00, 0x02, 0x00],
    ]
    .concat();
    for compression in [false, true] {
        let opts = WriteOptions {
            compression,
            ..v12.clone()
        };
        assert_eq!(dump_body(&Value::Stream(Box::new(s.clone())), &opts), want);
    }
}

#[test]
fn what_a_version_cannot_express_is_refused_with_every_key() {
    let ds = sample(14);
    for version in 9..=13 {
        let err = write_dataset(&ds, &WriteOptions::for_version(version), Vec::new())
            .expect_err("must refuse");
        let RdbWriteError::Inexpressible { version: v, items } = &err else {
            panic!("{err}");
        };
        assert_eq!(*v, version);
        let has = |f: Feature, key: Option<&str>| {
            items
                .iter()
                .any(|i| i.feature == f && i.key.as_deref() == key.map(str::as_bytes))
        };
        assert!(has(Feature::Array, Some("array")), "{err}");
        assert!(has(Feature::StreamNack, Some("stream")), "{err}");
        assert_eq!(
            has(Feature::HashFieldTtl, Some("hash-ttl-small")),
            version < 12
        );
        assert_eq!(
            has(Feature::HashFieldTtl, Some("hash-ttl-big")),
            version < 12
        );
        assert_eq!(has(Feature::Functions, None), version < 10);
        assert!(err.to_string().contains("cannot express"), "{err}");
    }
    // Idempotency state alone needs 13; the defaults need nothing.
    let s13 = sample(13);
    let err = write_dataset(&s13, &WriteOptions::for_version(12), Vec::new()).expect_err("idmp");
    assert!(err.to_string().contains("idempotent"), "{err}");
    let RdbWriteError::Inexpressible { items, .. } = err else {
        panic!("kind")
    };
    assert!(!items
        .iter()
        .any(|i| i.key.as_deref() == Some(&b"stream-empty"[..])));
    // The streaming writer refuses at the key and for functions.
    let mut w = RdbWriter::new(Vec::new(), WriteOptions::for_version(9)).expect("writer");
    assert!(matches!(
        w.write_function(b"#!lua name=x\n"),
        Err(RdbWriteError::Inexpressible { .. })
    ));
    let e = Entry::new(b("h"), Value::Hash(vec![hf("f", "v", Some(5))]));
    assert!(matches!(
        w.write_entry(&e),
        Err(RdbWriteError::Inexpressible { .. })
    ));
    assert!(matches!(
        RdbWriter::new(Vec::new(), WriteOptions::for_version(8)),
        Err(RdbWriteError::UnsupportedVersion(8))
    ));
}

#[test]
fn invalid_values_are_errors_naming_the_key() {
    let bad: Vec<(&str, Value)> = vec![
        ("nan", Value::SortedSet(vec![(b("m"), f64::NAN)])),
        (
            "dup-z",
            Value::SortedSet(vec![(b("m"), 1.0), (b("m"), 2.0)]),
        ),
        ("dup-s", Value::Set(vec![b("a"), b("a")])),
        (
            "dup-h",
            Value::Hash(vec![hf("f", "1", None), hf("f", "2", None)]),
        ),
        ("ttl-0", Value::Hash(vec![hf("f", "1", Some(0))])),
        ("ttl-big", Value::Hash(vec![hf("f", "1", Some(1 << 48))])),
        (
            "stream-order",
            Value::Stream(Box::new(Stream {
                entries: vec![
                    StreamEntry {
                        id: sid(2, 0),
                        fields: vec![],
                    },
                    StreamEntry {
                        id: sid(1, 0),
                        fields: vec![],
                    },
                ],
                ..Stream::default()
            })),
        ),
        (
            "module",
            Value::Module(ModuleValue {
                module_id: 1,
                name: String::new(),
                encver: 1,
                raw: vec![0x02],
            }),
        ),
        ("array-empty", Value::Array(ArrayValue::default())),
    ];
    for (key, value) in bad {
        let mut w = RdbWriter::new(Vec::new(), WriteOptions::for_version(14)).expect("writer");
        let err = w.write_entry(&Entry::new(b(key), value)).expect_err(key);
        assert!(
            matches!(&err, RdbWriteError::Value { key: k, .. } if k == key.as_bytes()),
            "{key}: {err}"
        );
    }
}

#[test]
fn standard_aux_fields_and_empty_dbs() {
    let mut ds = Dataset::default();
    ds.dbs.insert(2, Db::default());
    for version in [9, 12] {
        let opts = WriteOptions {
            aux: AuxFields::Standard {
                ctime: 1_700_000_000,
            },
            ..WriteOptions::for_version(version)
        };
        let (back, _) = read_back(&write(&ds, &opts));
        let keys: Vec<&[u8]> = back.aux.iter().map(|(k, _)| k.as_slice()).collect();
        let last: &[u8] = if version >= 10 {
            b"aof-base"
        } else {
            b"aof-preamble"
        };
        assert_eq!(
            keys,
            [
                &b"redis-ver"[..],
                b"redis-bits",
                b"ctime",
                b"used-mem",
                last
            ]
        );
        assert!(back.dbs.is_empty());
        let kept = WriteOptions {
            skip_empty_dbs: false,
            ..opts
        };
        let (back, _) = read_back(&write(&ds, &kept));
        assert_eq!(back.dbs.keys().copied().collect::<Vec<_>>(), [2]);
    }
}

fn fixture_files() -> Vec<PathBuf> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut roots = vec![manifest.join("fixtures")];
    let shared = std::env::var_os("REDFILE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared/fixtures"));
    if shared.is_dir() {
        roots.push(shared);
    } else {
        #[allow(clippy::print_stderr)]
        {
            eprintln!(
                "note: {} is absent, shared fixtures skipped",
                shared.display()
            );
        }
    }
    let mut out = Vec::new();
    while let Some(dir) = roots.pop() {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                roots.push(p);
            } else if p.extension().is_some_and(|x| x == "rdb") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_fixture_round_trips_at_its_version() {
    let mut done = 0;
    let mut notes = Vec::new();
    for path in fixture_files() {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let name = path.display().to_string();
        let Ok(reader) = RdbReader::new(bytes.as_slice()) else {
            notes.push(format!("{name}: unreadable header"));
            continue;
        };
        let file_version = reader.header().version;
        let family = reader.header().family;
        let Ok(ds) = read_rdb_dataset(reader) else {
            notes.push(format!("{name}: does not load (corrupt fixture)"));
            continue;
        };
        if family != crate::rdb::Family::Redis || file_version > MAX_WRITE_VERSION {
            notes.push(format!("{name}: version {file_version} not writable"));
            continue;
        }
        // Files older than 9 are rewritten as 9.
        let version = file_version.max(MIN_WRITE_VERSION);
        let opts = WriteOptions {
            skip_empty_dbs: false,
            ..WriteOptions::for_version(version)
        };
        let out = match write_dataset(&ds, &opts, Vec::new()) {
            Ok(out) => out,
            Err(RdbWriteError::Inexpressible { .. }) if version != file_version => {
                notes.push(format!("{name}: needs a version above 9"));
                continue;
            }
            Err(e) => panic!("{name}: {e}"),
        };
        let (back, _) = read_back(&out);
        assert_same(&ds, &back, &name);
        // Writing what was read back gives the same bytes again.
        assert_eq!(
            write_dataset(&back, &opts, Vec::new()).expect("rewrite"),
            out,
            "{name}: not deterministic"
        );
        done += 1;
    }
    #[allow(clippy::print_stderr)]
    {
        eprintln!("rewrote {done} fixtures; skipped: {notes:#?}");
    }
}

/// `Lossy` gives up exactly the features it names: field TTLs are
/// dropped from the value written (the fields stay), a given-up array
/// key is left out, functions are skipped; anything else is still
/// refused, and `inexpressible` lists only what is not given up.
#[test]
fn lossy_gives_up_only_what_it_names() {
    let mut ds = Dataset::default();
    ds.functions.push(b(
        "#!lua name=l\nredis.register_function('f', function() return 1 end)",
    ));
    let db = ds.dbs.entry(0).or_default();
    db.entries.push(Entry::new(
        "h",
        Value::Hash(vec![
            hf("a", "1", Some(4_102_444_800_000)),
            hf("b", "2", None),
        ]),
    ));
    db.entries.push(Entry::new(
        "arr",
        Value::Array(ArrayValue {
            elements: vec![(3, b("x"))],
            insert_idx: None,
        }),
    ));
    db.entries.push(Entry::new("s", Value::String(b("v"))));
    let refuse = WriteOptions::for_version(9);
    assert_eq!(inexpressible(&ds, &refuse).len(), 3);
    let ttl_only = WriteOptions {
        lossy: Lossy::REFUSE.giving_up(Feature::HashFieldTtl),
        ..WriteOptions::for_version(9)
    };
    let left: Vec<Feature> = inexpressible(&ds, &ttl_only)
        .iter()
        .map(|i| i.feature)
        .collect();
    assert_eq!(left, [Feature::Functions, Feature::Array]);
    assert!(write_dataset(&ds, &ttl_only, Vec::new()).is_err());

    let all = WriteOptions {
        lossy: ttl_only
            .lossy
            .giving_up(Feature::Array)
            .giving_up(Feature::Functions),
        ..WriteOptions::for_version(9)
    };
    assert!(inexpressible(&ds, &all).is_empty());
    let (back, _) = read_back(&write(&ds, &all));
    assert!(back.functions.is_empty());
    let keys = &back.dbs[&0].entries;
    assert_eq!(keys.len(), 2, "the array key is left out");
    assert_eq!(
        keys[0].value,
        Value::Hash(vec![hf("a", "1", None), hf("b", "2", None)])
    );
    // One value alone: a given-up array has no bytes.
    assert!(encode_value(&ds.dbs[&0].entries[1].value, &all).is_err());
}
