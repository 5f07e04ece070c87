//! Golden tests over every file in `../shared/fixtures/`: each test asserts
//! what the fixture READMEs say is inside (key names, types, values, TTLs,
//! stream metadata, aux fields, …), and damaged files fail at the right
//! offset with the right message.

use std::collections::BTreeMap;
use std::path::Path;

use redfile::check::{check_rdb, CheckOptions, ChecksumStatus, RdbReport, Severity};
use redfile::model::{Stream, StreamId, StreamPendingEntry, Value, ValueType};
use redfile::rdb::encoding::Depth;
use redfile::rdb::module::{module_encver, module_items, module_name, ModuleItem};
use redfile::rdb::object::decode_value;
use redfile::rdb::{Family, ObjectKind, Producer, RdbReader, ReaderOptions, Record};

use super::{redfile, shared_fixture};

/// One decoded key of a fixture.
#[derive(Debug, Clone)]
struct Key {
    db: u64,
    name: Vec<u8>,
    value: Value,
    expire_ms: Option<i64>,
    idle: Option<u64>,
    freq: Option<u8>,
}

/// A fixture read record by record with every value decoded deeply.
#[derive(Debug, Default)]
struct Dump {
    keys: Vec<Key>,
    aux: Vec<(Vec<u8>, Vec<u8>)>,
    /// Every record kind in order, for layout assertions.
    records: Vec<String>,
}

impl Dump {
    fn aux(&self, k: &str) -> Option<String> {
        self.aux
            .iter()
            .find(|(key, _)| key == k.as_bytes())
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    }

    fn names(&self) -> Vec<String> {
        self.keys
            .iter()
            .map(|k| String::from_utf8_lossy(&k.name).into_owned())
            .collect()
    }

    fn get(&self, name: &str) -> &Key {
        self.keys
            .iter()
            .find(|k| k.name == name.as_bytes())
            .unwrap_or_else(|| panic!("key {name} not in {:?}", self.names()))
    }

    fn value(&self, name: &str) -> &Value {
        &self.get(name).value
    }
}

/// Reads a whole fixture; panics on any reader or decoding error.
fn read_all(path: &Path) -> Dump {
    let bytes = std::fs::read(path).expect("readable fixture");
    let opts = ReaderOptions {
        size_hint: Some(bytes.len() as u64),
        ..ReaderOptions::default()
    };
    let mut r = RdbReader::with_options(&bytes[..], opts).expect("valid header");
    let mut d = Dump::default();
    while let Some(l) = r
        .next_record()
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    {
        match l.record {
            Record::Aux { key, value } => {
                d.records.push("aux".into());
                d.aux.push((
                    key.to_bytes().expect("aux key").into_owned(),
                    value.to_bytes().expect("aux value").into_owned(),
                ));
            }
            Record::SelectDb { db } => d.records.push(format!("select {db}")),
            Record::ResizeDb {
                db_size,
                expires_size,
            } => d.records.push(format!("resize {db_size} {expires_size}")),
            Record::SlotInfo {
                slot,
                slot_size,
                expires_size,
            } => d
                .records
                .push(format!("slot-info {slot} {slot_size} {expires_size}")),
            Record::SlotImport { job, ranges } => d.records.push(format!(
                "slot-import {} {ranges:?}",
                String::from_utf8_lossy(&job.to_bytes().expect("job"))
            )),
            Record::Function { code } => d.records.push(format!(
                "function {}",
                String::from_utf8_lossy(&code.to_bytes().expect("code"))
            )),
            Record::ModuleAux {
                module_id, when, ..
            } => d
                .records
                .push(format!("module-aux {} {when}", module_name(module_id))),
            Record::Vendor { opcode, value } => d.records.push(format!("vendor {opcode} {value}")),
            Record::Key(k) => {
                let name = k.key.to_bytes().expect("key name").into_owned();
                let value = decode_value(k.kind, k.body, Depth::Deep).unwrap_or_else(|e| {
                    panic!(
                        "{}: key {}: {e}",
                        path.display(),
                        String::from_utf8_lossy(&name)
                    )
                });
                d.records
                    .push(format!("key {}", String::from_utf8_lossy(&name)));
                d.keys.push(Key {
                    db: k.db,
                    name,
                    value,
                    expire_ms: k.expire.map(|e| e.ms),
                    idle: k.idle,
                    freq: k.freq,
                });
            }
            Record::End { checksum } => d.records.push(format!("end {checksum:?}")),
            other => d.records.push(format!("{other:?}")),
        }
    }
    d
}

/// `read_all` on a shared fixture, or `None` when the folder is absent.
fn fixture(rel: &str) -> Option<Dump> {
    shared_fixture(rel).map(|p| read_all(&p))
}

/// The library's check report of a fixture (deep, "now" = 2024-01-01).
fn report(rel: &str) -> Option<RdbReport> {
    let p = shared_fixture(rel)?;
    let bytes = std::fs::read(&p).expect("readable fixture");
    let opts = ReaderOptions {
        size_hint: Some(bytes.len() as u64),
        ..ReaderOptions::default()
    };
    let r = RdbReader::with_options(std::io::Cursor::new(bytes), opts).expect("valid header");
    Some(check_rdb(
        r,
        CheckOptions {
            depth: Depth::Deep,
            now_ms: 1_704_067_200_000,
            max_findings: 1000,
        },
    ))
}

fn s(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

fn strs<T: AsRef<[u8]>>(v: &[T]) -> Vec<String> {
    v.iter().map(|x| s(x.as_ref())).collect()
}

/// A hash as (field, value, expire) in file order.
fn hash(v: &Value) -> Vec<(String, String, Option<i64>)> {
    match v {
        Value::Hash(h) => h
            .iter()
            .map(|f| (s(&f.field), s(&f.value), f.expire_ms))
            .collect(),
        other => panic!("not a hash: {other:?}"),
    }
}

/// A hash as a sorted field → value map (expiries ignored).
fn hash_map(v: &Value) -> BTreeMap<String, String> {
    hash(v).into_iter().map(|(f, v, _)| (f, v)).collect()
}

fn list(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) => strs(l),
        other => panic!("not a list: {other:?}"),
    }
}

/// A set's members, sorted.
fn set(v: &Value) -> Vec<String> {
    match v {
        Value::Set(m) => {
            let mut out = strs(m);
            out.sort();
            out
        }
        other => panic!("not a set: {other:?}"),
    }
}

/// A zset as (member, score) in file order.
fn zset(v: &Value) -> Vec<(String, f64)> {
    match v {
        Value::SortedSet(z) => z.iter().map(|(m, sc)| (s(m), *sc)).collect(),
        other => panic!("not a zset: {other:?}"),
    }
}

fn string(v: &Value) -> String {
    match v {
        Value::String(b) => s(b),
        other => panic!("not a string: {other:?}"),
    }
}

/// Every test fixture: an `Option<Dump>` or an early return.
macro_rules! load {
    ($rel:expr) => {
        match fixture($rel) {
            Some(d) => d,
            None => return,
        }
    };
}

macro_rules! check_report {
    ($rel:expr) => {
        match report($rel) {
            Some(r) => r,
            None => return,
        }
    };
}

/// The stream of a key.
fn stream<'a>(d: &'a Dump, key: &str) -> &'a Stream {
    match d.value(key) {
        Value::Stream(st) => st,
        other => panic!("{key} is not a stream: {}", show(other)),
    }
}

fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

fn codes(r: &RdbReport) -> Vec<(u64, &'static str)> {
    r.findings.iter().map(|f| (f.offset, f.code)).collect()
}

fn aux_map(d: &Dump) -> Vec<(String, String)> {
    d.aux.iter().map(|(k, v)| (s(k), s(v))).collect()
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

// ---------------------------------------------------------------------------
// redis-assets (top level)

#[test]
fn encodings_rdb_holds_its_13_keys() {
    let d = load!("redis-assets/encodings.rdb");
    assert!(d.aux.is_empty(), "RDB 4 has no AUX fields");
    assert_eq!(
        d.names(),
        [
            "zset",
            "set_zipped_1",
            "list_zipped",
            "string",
            "compressible",
            "set_zipped_2",
            "number",
            "set_zipped_3",
            "set",
            "list",
            "hash_zipped",
            "zset_zipped",
            "hash"
        ]
    );
    assert!(d.keys.iter().all(|k| k.db == 0 && k.expire_ms.is_none()));
    assert_eq!(d.records.first().map(String::as_str), Some("select 0"));
    assert_eq!(d.records.last().map(String::as_str), Some("end Absent"));
    assert_encodings_content(&d);
}

/// The content Redis's "RDB encoding loading test" expects (shared by
/// `encodings.rdb` and its VALKEY987 copy).
fn assert_encodings_content(d: &Dump) {
    let mut z = zset(d.value("zset"));
    z.sort_by(|a, b| a.1.total_cmp(&b.1));
    let expect: Vec<(String, f64)> = [
        ("a", 1.0),
        ("b", 2.0),
        ("c", 3.0),
        ("aa", 10.0),
        ("bb", 20.0),
        ("cc", 30.0),
        ("aaa", 100.0),
        ("bbb", 200.0),
        ("ccc", 300.0),
        ("aaaa", 1000.0),
        ("cccc", 123456789.0),
        ("bbbb", 5000000000.0),
    ]
    .iter()
    .map(|(m, sc)| (m.to_string(), *sc))
    .collect();
    assert_eq!(z, expect);
    assert_eq!(set(d.value("set_zipped_1")), ["1", "2", "3", "4"]);
    let zipped = ["1", "2", "3", "a", "b", "c", "100000", "6000000000"];
    assert_eq!(list(d.value("list_zipped")), zipped);
    assert_eq!(string(d.value("string")), "Hello World");
    assert_eq!(string(d.value("compressible")), "a".repeat(137));
    assert_eq!(
        set(d.value("set_zipped_2")),
        ["100000", "200000", "300000", "400000"]
    );
    assert_eq!(string(d.value("number")), "10");
    let mut z3: Vec<String> = (1..=6).map(|i| format!("{i}000000000")).collect();
    z3.sort();
    assert_eq!(set(d.value("set_zipped_3")), z3);
    assert_eq!(
        set(d.value("set")),
        ["1", "100000", "2", "3", "6000000000", "a", "b", "c"]
    );
    assert_eq!(list(d.value("list")), zipped.repeat(3));
    assert_eq!(
        hash(d.value("hash_zipped")),
        [
            ("a".into(), "1".into(), None),
            ("b".into(), "2".into(), None),
            ("c".into(), "3".into(), None)
        ]
    );
    assert_eq!(
        zset(d.value("zset_zipped")),
        [("a".into(), 1.0), ("b".into(), 2.0), ("c".into(), 3.0)]
    );
    let h = hash_map(d.value("hash"));
    let expect: BTreeMap<String, String> = [
        ("a", "1"),
        ("aa", "10"),
        ("aaa", "100"),
        ("b", "2"),
        ("bb", "20"),
        ("bbb", "200"),
        ("c", "3"),
        ("cc", "30"),
        ("ccc", "300"),
        ("ddd", "400"),
        ("eee", "5000000000"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(h, expect);
}

#[test]
fn encodings_rdb_check_reads_667_bytes_13_keys_no_expires() {
    let r = check_report!("redis-assets/encodings.rdb");
    assert_eq!(r.signature, "REDIS0004");
    assert_eq!(r.keys_read, 13);
    assert_eq!(r.expires, 0);
    assert_eq!(r.end_offset, 667);
    assert!(r.complete);
    assert_eq!(r.checksum, ChecksumStatus::Absent);
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert_eq!(r.selects.len(), 1);
    assert_eq!((r.selects[0].db, r.selects[0].end_offset), (0, 11));
}

#[test]
fn hash_zipmap_holds_f1_f2() {
    let d = load!("redis-assets/hash-zipmap.rdb");
    assert_eq!(d.names(), ["hash"]);
    assert_eq!(
        hash(d.value("hash")),
        [
            ("f1".into(), "v1".into(), None),
            ("f2".into(), "v2".into(), None)
        ]
    );
    let r = check_report!("redis-assets/hash-zipmap.rdb");
    assert_eq!((r.signature.as_str(), r.end_offset), ("REDIS0003", 35));
    assert_eq!(
        r.dbs[&0].encodings.keys().copied().collect::<Vec<_>>(),
        ["hash-zipmap"]
    );
}

#[test]
fn hash_ziplist_holds_f1_f2_and_its_aux() {
    let d = load!("redis-assets/hash-ziplist.rdb");
    assert_eq!(
        aux_map(&d),
        pairs(&[
            ("redis-ver", "255.255.255"),
            ("redis-bits", "64"),
            ("ctime", "1620466888"),
            ("used-mem", "830864"),
            ("aof-preamble", "0")
        ])
    );
    assert!(d.records.contains(&"resize 1 0".to_string()));
    assert_eq!(d.names(), ["hash"]);
    assert_eq!(
        hash(d.value("hash")),
        [
            ("f1".into(), "v1".into(), None),
            ("f2".into(), "v2".into(), None)
        ]
    );
    let r = check_report!("redis-assets/hash-ziplist.rdb");
    assert_eq!((r.checksum, r.end_offset), (ChecksumStatus::Ok, 137));
}

#[test]
fn zset_ziplist_holds_one_and_two() {
    let d = load!("redis-assets/zset-ziplist.rdb");
    assert_eq!(d.aux("ctime").as_deref(), Some("1628682082"));
    assert_eq!(d.names(), ["zset"]);
    assert_eq!(
        zset(d.value("zset")),
        [("one".into(), 1.0), ("two".into(), 2.0)]
    );
    let r = check_report!("redis-assets/zset-ziplist.rdb");
    assert_eq!((r.signature.as_str(), r.end_offset), ("REDIS0010", 135));
}

#[test]
fn list_quicklist_holds_list_7_and_x_7() {
    for rel in [
        "redis-assets/list-quicklist.rdb",
        "redis-assets/third-party/librdb/quicklist.rdb",
    ] {
        let d = load!(rel);
        assert_eq!(d.aux("redis-ver").as_deref(), Some("4.0.9"));
        assert!(d.records.contains(&"resize 2 0".to_string()));
        assert_eq!(d.names(), ["list", "x"]);
        assert_eq!(list(d.value("list")), ["7"]);
        assert_eq!(string(d.value("x")), "7");
        let r = check_report!(rel);
        assert_eq!((r.keys_read, r.end_offset), (2, 123));
        assert_eq!(
            r.dbs[&0].encodings.keys().copied().collect::<Vec<_>>(),
            ["quicklist", "string"]
        );
    }
}

#[test]
fn scriptbackup_has_the_lua_aux_and_no_keys() {
    let d = load!("redis-assets/scriptbackup.rdb");
    assert!(d.keys.is_empty());
    assert_eq!(
        aux_map(&d),
        pairs(&[
            ("redis-ver", "255.255.255"),
            ("redis-bits", "64"),
            ("ctime", "1639381261"),
            ("used-mem", "908432"),
            ("repl-stream-db", "0"),
            ("repl-id", "349eeafec1f98f3f56277e95fc86bc48b30651a2"),
            ("repl-offset", "0"),
            ("aof-preamble", "0"),
            ("lua", "return redis.call('set', 'foo', 'bar')")
        ])
    );
    assert!(!d.records.iter().any(|r| r.starts_with("select")));
    let r = check_report!("redis-assets/scriptbackup.rdb");
    assert_eq!(
        (r.keys_read, r.end_offset, r.checksum),
        (0, 225, ChecksumStatus::Ok)
    );
    assert!(r.dbs.is_empty());
}

#[test]
fn corrupt_empty_keys_are_nine_warnings_not_errors() {
    let d = load!("redis-assets/corrupt_empty_keys.rdb");
    let names = [
        "set",
        "hash",
        "list_ziplist",
        "zset",
        "zset_listpack",
        "hash_ziplist",
        "list_quicklist",
        "zset_ziplist",
        "list_quicklist_empty_ziplist",
    ];
    assert_eq!(d.names(), names);
    assert!(d.keys.iter().all(|k| k.value.is_empty()));
    let r = check_report!("redis-assets/corrupt_empty_keys.rdb");
    assert_eq!(r.keys_read, 9);
    assert_eq!(r.errors(), 0);
    assert_eq!(r.checksum, ChecksumStatus::Ok);
    let warned: Vec<(&str, Severity, Option<&str>)> = r
        .findings
        .iter()
        .map(|f| (f.code, f.severity, f.key.as_deref()))
        .collect();
    let expect: Vec<(&str, Severity, Option<&str>)> = names
        .iter()
        .map(|n| ("empty-value", Severity::Warning, Some(*n)))
        .collect();
    assert_eq!(warned, expect);
    // The first empty key is the record at offset 94 (the checker's
    // "Unexpected EOF" is reported at 100, the end of that record).
    assert_eq!(r.findings[0].offset, 94);
    assert!(r.findings[5].message.contains("hash-listpack"), "type 16");
    let out = redfile()
        .args(["check", "--deep"])
        .arg(shared_fixture("redis-assets/corrupt_empty_keys.rdb").expect("fixture"))
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert_eq!(text.matches("[empty-value]").count(), 9, "{text}");
    assert!(text.contains("result    OK, 9 warnings"), "{text}");
}

#[test]
fn corrupt_ziplist_fails_at_offset_489() {
    let d = {
        // Every record but one decodes: read the framing only.
        let Some(p) = shared_fixture("redis-assets/corrupt_ziplist.rdb") else {
            return;
        };
        std::fs::read(p).expect("fixture")
    };
    let mut r = RdbReader::new(&d[..]).expect("header");
    let mut names = Vec::new();
    while let Some(l) = r.next_record().expect("framing is intact") {
        if let Record::Key(k) = l.record {
            let name = s(&k.key.to_bytes().expect("key"));
            let v = decode_value(k.kind, k.body, Depth::Deep);
            if name == "key:000000000091" {
                assert_eq!(k.type_byte, 13);
                assert_eq!(l.offset, 470);
                assert_eq!(k.body_offset, 488);
                let e = v.expect_err("a 5-byte ziplist");
                assert_eq!(k.body_offset + e.offset as u64, 489);
            } else if name == "key:000000000042" {
                assert_eq!(l.offset, 446);
                assert_eq!(
                    v.expect("string"),
                    Value::String(vec![0xff, 0xff, 0xff, 0xff, b'x'])
                );
            } else if name == "mylist" {
                assert_eq!(list(&v.expect("list")), ["xxxxx"; 5]);
            } else if name.starts_with("counter:") {
                assert_eq!(v.expect("string"), Value::String(b"1".to_vec()));
            } else {
                assert!(name.starts_with("key:"), "{name}");
                assert_eq!(v.expect("string"), Value::String(b"xxxxx".to_vec()));
            }
            names.push(name);
        }
    }
    assert_eq!(names.len(), 54);
    assert_eq!(names.iter().position(|n| n == "key:000000000091"), Some(15));

    let rep = check_report!("redis-assets/corrupt_ziplist.rdb");
    assert_eq!(rep.checksum, ChecksumStatus::Disabled);
    assert_eq!(rep.keys_read, 54);
    assert_eq!(rep.errors(), 1, "{:?}", rep.findings);
    let f = rep.first_error().expect("an error");
    assert_eq!((f.offset, f.code), (489, "corrupt-value"));
    assert_eq!(f.key.as_deref(), Some("key:000000000091"));
    assert!(f.message.contains("hash-ziplist"), "{}", f.message);
    assert!(
        f.message.contains("ziplist integrity check failed"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("shorter than its 11-byte header"),
        "{}",
        f.message
    );
}

#[test]
fn rdb_preamble_aof_has_k1_k2_and_a_52_byte_tail() {
    let d = load!("redis-assets/rdb-preamble.aof");
    assert_eq!(d.aux("aof-preamble").as_deref(), Some("1"));
    assert_eq!(d.aux("ctime").as_deref(), Some("1640698070"));
    assert_eq!(d.names(), ["k2", "k1"]);
    assert_eq!(string(d.value("k2")), "v2");
    assert_eq!(string(d.value("k1")), "v1");
    let r = check_report!("redis-assets/rdb-preamble.aof");
    assert_eq!(r.checksum_stored.as_deref(), Some("a4800cb7c96dcbfb"));
    assert_eq!((r.end_offset, r.trailing_bytes), (117, 52));
    assert_eq!(codes(&r), [(117, "trailing-data")]);
    assert_eq!(r.findings[0].severity, Severity::Warning);
    assert!(r.findings[0]
        .message
        .starts_with("52 bytes after the checksum"));
}

// ---------------------------------------------------------------------------
// third-party/librdb

const LIBRDB: &str = "redis-assets/third-party/librdb";

fn lib(name: &str) -> String {
    format!("{LIBRDB}/{name}")
}

#[test]
fn librdb_100_lists_hold_100_floats_each() {
    let d = load!(&lib("100_lists.rdb"));
    let expect: Vec<String> = (1..=100).map(|i| format!("mylist{i}")).collect();
    let mut names = d.names();
    names.sort();
    let mut sorted = expect.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    for k in &d.keys {
        let l = list(&k.value);
        assert_eq!(l.len(), 100, "{}", s(&k.name));
        assert!(l.iter().all(|e| e.parse::<f64>().is_ok()), "{l:?}");
    }
    let r = check_report!(&lib("100_lists.rdb"));
    assert_eq!(
        r.dbs[&0].encodings.keys().copied().collect::<Vec<_>>(),
        ["quicklist-v2"]
    );
}

#[test]
fn librdb_cluster_slot_info() {
    let d = load!(&lib("cluster_slot_info.rdb"));
    assert_eq!(
        d.records[d.records.len() - 4..],
        [
            "resize 1 0",
            "slot-info 7638 1 0",
            "key abc",
            d.records[d.records.len() - 1].as_str()
        ]
    );
    assert_eq!(string(d.value("abc")), "abc");
    assert_eq!(d.aux("repl-offset").as_deref(), Some("390"));
    assert_eq!(
        d.aux("repl-id").as_deref(),
        Some("734638bff92ee423e11e46e417b47acbd2d9c896")
    );
}

#[test]
fn librdb_empty_has_only_aux() {
    let d = load!(&lib("empty.rdb"));
    assert!(d.keys.is_empty());
    assert_eq!(d.aux("ctime").as_deref(), Some("1691829531"));
    assert_eq!(d.aux("aof-base").as_deref(), Some("0"));
    assert_eq!(
        d.records.iter().filter(|r| *r != "aux").count(),
        1,
        "{:?}",
        d.records
    );
}

#[test]
fn librdb_function_libraries() {
    let d = load!(&lib("function.rdb"));
    assert!(d.keys.is_empty());
    let f: Vec<&String> = d
        .records
        .iter()
        .filter(|r| r.starts_with("function"))
        .collect();
    assert_eq!(f.len(), 1);
    assert!(f[0].starts_with("function #!lua name=mylib"), "{}", f[0]);
    assert!(
        f[0].contains("redis.register_function('myfunc'"),
        "{}",
        f[0]
    );
    let r = check_report!(&lib("function.rdb"));
    let libs: Vec<(&str, &str)> = r
        .functions
        .iter()
        .map(|f| (f.engine.as_str(), f.name.as_str()))
        .collect();
    assert_eq!(libs, [("lua", "mylib")]);

    let d = load!(&lib("function2.rdb"));
    let f: Vec<&String> = d
        .records
        .iter()
        .filter(|r| r.starts_with("function"))
        .collect();
    assert_eq!(f.len(), 2);
    for (code, suffix) in f.iter().zip(["2", ""]) {
        for name in ["my_hset", "my_hgetall", "my_hlastmodified"] {
            assert!(
                code.contains(&format!("register_function('{name}{suffix}'")),
                "{code}"
            );
        }
    }
    let expect: Vec<String> = (90..100).map(|i| format!("key_{i}")).collect();
    let mut names = d.names();
    names.sort();
    assert_eq!(names, expect);
    for i in 90..100 {
        assert_eq!(string(d.value(&format!("key_{i}"))), format!("value_{i}"));
    }
    let r = check_report!(&lib("function2.rdb"));
    let libs: Vec<&str> = r.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(libs, ["mylib2", "mylib"]);
    assert_eq!(r.keys_read, 10);
}

#[test]
fn future_v19_is_redis0099_with_a_bad_crc() {
    let d = load!(&lib("future_v19.rdb"));
    assert_eq!(d.names(), ["xxx"]);
    assert_eq!(string(d.value("xxx")), "111");
    let r = check_report!(&lib("future_v19.rdb"));
    assert_eq!((r.signature.as_str(), r.version), ("REDIS0099", 99));
    assert_eq!(
        codes(&r),
        [(9, "unsupported-version"), (184, "checksum-mismatch")]
    );
    assert!(
        r.findings[0].message.contains("version 99"),
        "{}",
        r.findings[0].message
    );
    assert_eq!(r.findings[0].severity, Severity::Error);
    assert_eq!(r.checksum, ChecksumStatus::Mismatch);
    // single_key.rdb's CRC, which the edited header no longer matches.
    assert_eq!(r.checksum_stored.as_deref(), Some("7400a79861abcab9"));
    assert_eq!(r.checksum_computed.as_deref(), Some("4ddbb83501d0e351"));
    let single = check_report!(&lib("single_key.rdb"));
    assert_eq!(single.checksum_stored, r.checksum_stored);
}

#[test]
fn librdb_hash_listpack_v11() {
    let d = load!(&lib("hash_lp_v11.rdb"));
    assert_eq!(d.names(), ["hash2", "hash1"]);
    let h2: Vec<(String, String)> = hash(d.value("hash2"))
        .into_iter()
        .map(|(f, v, _)| (f, v))
        .collect();
    assert_eq!(
        h2,
        pairs(&[
            ("field7", "value7"),
            ("field8", "value8"),
            ("9", "value9"),
            ("field10", "value10"),
            ("field11", "11"),
            ("12", "12.0")
        ])
    );
    let h1: Vec<(String, String)> = hash(d.value("hash1"))
        .into_iter()
        .map(|(f, v, _)| (f, v))
        .collect();
    assert_eq!(
        h1,
        pairs(&[
            ("field2", "2"),
            ("field3", "3"),
            ("field4", "value4.0"),
            ("field5", "5.0"),
            ("6", "6")
        ])
    );
}

#[test]
fn librdb_hash_field_ttls_pre_ga_types_22_23() {
    let d = load!(&lib("hash_lp_with_hexpire_v12.rdb"));
    assert_eq!(d.names(), ["myhash"]);
    assert_eq!(
        hash(d.value("myhash")),
        [
            ("field2".into(), "value2".into(), Some(70368744107663)),
            ("field1".into(), "value1".into(), Some(70368744177663)),
            ("field3".into(), "value3".into(), None)
        ]
    );
    let r = check_report!(&lib("hash_lp_with_hexpire_v12.rdb"));
    assert_eq!((r.subexpires, r.expires), (1, 0));
    assert_eq!(
        r.dbs[&0].encodings.keys().copied().collect::<Vec<_>>(),
        ["hash-listpack-md-pre-release"]
    );

    let d = load!(&lib("hash_with_expire_v12.rdb"));
    assert_eq!(
        hash(d.value("myhash")),
        [
            ("field1".into(), "value1".into(), Some(70368744170663)),
            ("field3".into(), "value3".into(), None),
            ("field2".into(), "value2".into(), Some(70368744170063))
        ]
    );
    let r = check_report!(&lib("hash_with_expire_v12.rdb"));
    assert_eq!((r.subexpires, r.expires), (1, 0));
}

#[test]
fn librdb_hash_v3_is_rdb7_with_eleven_fields() {
    let d = load!(&lib("hash_v3.rdb"));
    assert_eq!(d.aux("redis-ver").as_deref(), Some("3.2.1"));
    assert_eq!(d.names(), ["myhash1"]);
    let h = hash_map(d.value("myhash1"));
    assert_eq!(h.len(), 11);
    assert!(h.iter().all(|(f, v)| f == v));
    let r = check_report!(&lib("hash_v3.rdb"));
    assert_eq!(r.signature, "REDIS0007");
}

#[test]
fn librdb_hash_ziplist_and_zipmap() {
    let d = load!(&lib("hash_zl_v6.rdb"));
    assert_eq!(d.aux("redis-ver").as_deref(), Some("6.0.16"));
    let h: Vec<(String, String)> = hash(d.value("myhash"))
        .into_iter()
        .map(|(f, v, _)| (f, v))
        .collect();
    assert_eq!(
        h,
        pairs(&[
            ("1", "2"),
            ("3", "4"),
            ("5", "6"),
            ("7.0", "8.0"),
            ("str1", "str2"),
            ("str3", "str4")
        ])
    );
    let d = load!(&lib("hash_zm_v2.rdb"));
    let fields: Vec<String> = hash(d.value("myhash"))
        .iter()
        .map(|(f, v, _)| {
            assert_eq!(f, v);
            f.clone()
        })
        .collect();
    assert_eq!(
        fields,
        ["1", "2", "3", "1.1", "1.2", "1.3", "aaa1", "aaa2", "aaa3"]
    );
    let r = check_report!(&lib("hash_zm_v2.rdb"));
    assert_eq!(
        (r.signature.as_str(), r.checksum),
        ("REDIS0002", ChecksumStatus::Absent)
    );
}

#[test]
fn invalid_chksum_v8_reports_crc_mismatch() {
    let d = load!(&lib("invalid_chksum_v8.rdb"));
    assert_eq!(d.names(), ["x2", "etc", "x"]);
    assert_eq!(
        [d.value("x2"), d.value("etc"), d.value("x")].map(string),
        ["y2", "etcy", "y"]
    );
    assert_eq!(
        d.records.last().map(String::as_str),
        Some("end Mismatch { stored: 13004113442272859138, computed: 11964299924962086881 }")
    );
    let r = check_report!(&lib("invalid_chksum_v8.rdb"));
    assert_eq!(r.checksum, ChecksumStatus::Mismatch);
    assert_eq!(r.checksum_stored.as_deref(), Some("b477e446e98e5402"));
    assert_eq!(r.checksum_computed.as_deref(), Some("a609bb6465990fe1"));
    // The trailer starts after the EOF opcode at 200; the file ends at 209.
    assert_eq!(codes(&r), [(201, "checksum-mismatch")]);
    assert_eq!(
        r.findings[0].message,
        "RDB CRC error: stored checksum b477e446e98e5402, computed a609bb6465990fe1"
    );
    assert_eq!((r.keys_read, r.end_offset), (3, 209));
}

#[test]
fn librdb_mem_policy_freq_and_idle() {
    let d = load!(&lib("mem_policy_lfu.rdb"));
    let k = d.get("abcdefghijk");
    assert_eq!((k.freq, k.idle), (Some(5), None));
    assert_eq!(string(&k.value), "012345789abcdefghik");
    let d = load!(&lib("mem_policy_lru.rdb"));
    let k = d.get("abcdefghijk");
    assert_eq!((k.freq, k.idle), (None, Some(24)));
    assert_eq!(string(&k.value), "012345789abcdefghik");
}

#[test]
fn librdb_misc_with_stream_enterprise_export() {
    let d = load!(&lib("misc_with_stream.rdb"));
    assert_eq!(d.aux("redis-ver").as_deref(), Some("6.2.13"));
    for k in ["crdtinfo", "crdtgcinfo", "crdtbacklog0"] {
        assert!(d.aux(k).is_some(), "aux {k}");
    }
    let mut names = d.names();
    names.sort();
    assert_eq!(
        names,
        [
            "hll", "hset", "list", "rcc", "rcs", "set", "stream1", "stream2", "stream3", "stream5",
            "stream6", "zset"
        ]
    );
    assert_eq!(list(d.value("list")), ["element"]);
    assert_eq!(string(d.value("rcc")), "1");
    assert_eq!(zset(d.value("zset")), [("member".into(), 100.0)]);
    assert_eq!(set(d.value("set")), ["member"]);
    assert!(string(d.value("hll")).starts_with("HYLL"));
    assert_eq!(string(d.value("rcs")), "asdf");
    assert_eq!(d.get("rcs").expire_ms, Some(1701640321050));
    assert_eq!(
        hash(d.value("hset")),
        [
            ("field".into(), "value".into(), None),
            ("numeric".into(), "1".into(), None)
        ]
    );
    let s1 = stream(&d, "stream1");
    assert_eq!(s1.length, 100);
    let ids: Vec<StreamId> = s1.entries.iter().map(|e| e.id).collect();
    assert_eq!(ids, (1..=100).map(|i| id(i, 0)).collect::<Vec<_>>());
    assert!(s1
        .entries
        .iter()
        .all(|e| e.fields.iter().map(|(f, _)| s(f)).collect::<Vec<_>>() == ["foo", "bar"]));
    let groups: Vec<String> = s1.groups.iter().map(|g| s(&g.name)).collect();
    assert_eq!(groups, ["mygroup", "mygroup2"]);
    let g = &s1.groups[0];
    assert_eq!(
        g.pending.iter().map(|p| p.id).collect::<Vec<_>>(),
        [id(1, 0), id(3, 0)]
    );
    let owners: Vec<(String, Vec<StreamId>)> = g
        .consumers
        .iter()
        .map(|c| (s(&c.name), c.pending.clone()))
        .collect();
    assert_eq!(
        owners,
        [
            ("Alice".to_string(), vec![id(1, 0)]),
            ("Bob".to_string(), vec![id(3, 0)])
        ]
    );
    assert!(s1.groups[1].pending.is_empty() && s1.groups[1].consumers.is_empty());
    let s2 = stream(&d, "stream2");
    assert_eq!((s2.length, s2.last_id), (0, id(1701639321301, 0)));
    assert_eq!(
        s2.groups.iter().map(|g| s(&g.name)).collect::<Vec<_>>(),
        ["mygroup"]
    );
    let s3 = stream(&d, "stream3");
    assert_eq!(
        s3.groups.iter().map(|g| s(&g.name)).collect::<Vec<_>>(),
        ["cgname"]
    );
    let s5 = stream(&d, "stream5");
    assert_eq!((s5.length, s5.last_id, s5.groups.len()), (0, id(0, 1), 0));
    let s6 = stream(&d, "stream6");
    assert_eq!((s6.length, s6.entries.len(), s6.groups.len()), (0, 0, 0));

    let mods: Vec<&String> = d
        .records
        .iter()
        .filter(|r| r.starts_with("module-aux"))
        .collect();
    assert_eq!(mods, ["module-aux test__rdb 1", "module-aux test__rdb 2"]);
    let first_key = d
        .records
        .iter()
        .position(|r| r.starts_with("key "))
        .expect("keys");
    let last_key = d
        .records
        .iter()
        .rposition(|r| r.starts_with("key "))
        .expect("keys");
    let aux1 = d
        .records
        .iter()
        .position(|r| r == "module-aux test__rdb 1")
        .expect("when 1");
    let aux2 = d
        .records
        .iter()
        .position(|r| r == "module-aux test__rdb 2")
        .expect("when 2");
    assert!(aux1 < first_key && aux2 > last_key, "{:?}", d.records);

    let r = check_report!(&lib("misc_with_stream.rdb"));
    assert_eq!(r.producer, Producer::RedisEnterprise);
    assert_eq!((r.keys_read, r.expires, r.already_expired), (12, 1, 1));
    assert_eq!(r.dbs[&0].types[&ValueType::Stream].keys, 5);
}

#[test]
fn librdb_module_aux_items() {
    let Some(p) = shared_fixture(&lib("misc_with_stream.rdb")) else {
        return;
    };
    let bytes = std::fs::read(p).expect("fixture");
    let mut r = RdbReader::new(&bytes[..]).expect("header");
    let mut seen = Vec::new();
    while let Some(l) = r.next_record().expect("record") {
        if let Record::ModuleAux {
            module_id,
            when,
            body,
        } = l.record
        {
            let items = module_items(body).expect("items");
            seen.push((
                module_name(module_id),
                module_encver(module_id),
                when,
                items,
            ));
        }
    }
    assert_eq!(
        seen,
        [
            (
                "test__rdb".to_string(),
                0,
                1,
                vec![
                    ModuleItem::Unsigned(1),
                    ModuleItem::String(b"rdbbefore1".to_vec())
                ]
            ),
            (
                "test__rdb".to_string(),
                0,
                2,
                vec![
                    ModuleItem::Unsigned(1),
                    ModuleItem::String(b"rdbafter1".to_vec())
                ]
            ),
        ]
    );
}

#[test]
fn librdb_module_values_and_module_aux() {
    let d = load!(&lib("module.rdb"));
    assert_eq!(d.names(), ["key1"]);
    let Value::Module(m) = d.value("key1") else {
        panic!("not a module value")
    };
    assert_eq!((m.name.as_str(), m.encver), ("test__rdb", 1));
    assert_eq!(
        module_items(&m.raw).expect("items"),
        [ModuleItem::String(b"value1".to_vec())]
    );
    let r = check_report!(&lib("module.rdb"));
    assert_eq!(r.module_types.get("test__rdb"), Some(&1));

    let d = load!(&lib("module_aux.rdb"));
    assert_eq!(d.aux("redis-ver").as_deref(), Some("7.2.0"));
    let layout: Vec<&str> = d
        .records
        .iter()
        .filter(|r| *r != "aux" && !r.starts_with("end"))
        .map(String::as_str)
        .collect();
    assert_eq!(
        layout,
        [
            "module-aux test__rdb 1",
            "select 9",
            "resize 1 0",
            "key x",
            "module-aux test__rdb 2"
        ]
    );
    assert_eq!(d.get("x").db, 9);
    assert_eq!(string(d.value("x")), "1");

    let r = check_report!(&lib("module_aux_empty.rdb"));
    assert_eq!(r.keys_read, 0);
    let m: Vec<(&str, u64)> = r
        .module_aux
        .iter()
        .map(|m| (m.module.as_str(), m.when))
        .collect();
    assert_eq!(m, [("graphdata", 1), ("graphdata", 2)]);

    let d = load!(&lib("module_aux_v12.rdb"));
    assert_eq!(d.aux("redis-ver").as_deref(), Some("7.4.2"));
    let Value::Module(m) = d.value("mykey") else {
        panic!("not a module value")
    };
    assert_eq!((m.name.as_str(), m.encver), ("test__rdb", 1));
    assert_eq!(
        module_items(&m.raw).expect("items"),
        [
            ModuleItem::Unsigned(1),
            ModuleItem::String(b"some_test_data".to_vec()),
            ModuleItem::Float(1.5),
            ModuleItem::String(b"0xa.aaaaaaaaaaaaa9ep-5".to_vec()),
        ]
    );
}

#[test]
fn librdb_multiple_dbs() {
    let d = load!(&lib("multiple_dbs.rdb"));
    let got: Vec<(u64, String, String)> = d
        .keys
        .iter()
        .map(|k| (k.db, s(&k.name), string(&k.value)))
        .collect();
    assert_eq!(
        got,
        [
            (0, "x".to_string(), "0".to_string()),
            (1, "y".to_string(), "1".to_string()),
            (2, "z".to_string(), "2".to_string())
        ]
    );
    let r = check_report!(&lib("multiple_dbs.rdb"));
    assert_eq!(r.dbs.keys().copied().collect::<Vec<_>>(), [0, 1, 2]);
    assert!(r.dbs.values().all(|db| db.keys == 1));
}

#[test]
fn librdb_multiple_lists_strings() {
    let d = load!(&lib("multiple_lists_strings.rdb"));
    assert_eq!(
        d.names(),
        [
            "string2",
            "mylist1",
            "mylist3",
            "lzf_compressed",
            "string1",
            "mylist2"
        ]
    );
    assert_eq!(string(d.value("string2")), "Hi there!");
    assert_eq!(list(d.value("mylist1")), ["v1"]);
    assert_eq!(list(d.value("mylist3")), ["v3", "v2", "v1"]);
    assert_eq!(string(d.value("lzf_compressed")), "c".repeat(118));
    assert_eq!(string(d.value("string1")), "blaa");
    assert_eq!(list(d.value("mylist2")), ["v2", "v1"]);
}

#[test]
fn librdb_plain_list_set_and_zsets() {
    let d = load!(&lib("plain_list_v6.rdb"));
    assert_eq!(list(d.value("ll")), vec!["1"; 513]);
    let d = load!(&lib("plain_set_v6.rdb"));
    let Value::Set(m) = d.value("myset") else {
        panic!("not a set")
    };
    let x81 = "x".repeat(81);
    assert_eq!(
        strs(m),
        [
            "a1",
            "1.3",
            "b2",
            "2",
            "3",
            "1.1",
            "1.2",
            x81.as_str(),
            "c3",
            "1"
        ]
    );

    let expected: BTreeMap<&str, f64> = [
        ("a1", 0.0),
        ("a2", 0.0),
        ("a3", -0.0),
        ("a4", -0.0),
        ("a5", 0.0),
        ("a6", 0.0),
        ("a7", 2.2),
        ("a8", f64::INFINITY),
        ("a9", f64::INFINITY),
        ("a10", f64::NEG_INFINITY),
        ("a11", 9007199254740992.0),
        ("a12", -9007199254740992.0),
        ("a13", 8.888888),
        ("a14", -9.99999),
        ("a15", 255.0),
        ("a16", -255.0),
        ("a17", 65536.0),
        ("a18", -65536.0),
        ("a19", -1.0),
        ("a20", -1.1),
        ("a21", 1125899906842624.0),
        ("a22", -1125899906842624.0),
        ("a23", 1.000033e25),
        ("a24", -4.329000123123131e28),
    ]
    .into_iter()
    .collect();
    for (rel, neg_zero) in [
        ("plain_zset_v6.rdb", true),
        ("plain_zset_2_v11.rdb", true),
        ("zset_zl_v6.rdb", true),
        ("zset_lp_v11.rdb", false),
    ] {
        let d = load!(&lib(rel));
        assert_eq!(d.names(), ["myzset"], "{rel}");
        let z = zset(d.value("myzset"));
        assert_eq!(z.len(), 24, "{rel}");
        for (m, sc) in &z {
            let want = expected[m.as_str()];
            assert_eq!(*sc, want, "{rel} {m}");
            if m == "a3" || m == "a4" {
                assert_eq!(sc.is_sign_negative(), neg_zero, "{rel} {m} is -0");
            }
        }
        if rel.starts_with("zset_") {
            // Ziplist/listpack zsets are stored in score order.
            assert!(z.windows(2).all(|w| w[0].1 <= w[1].1), "{rel}");
        }
    }
}

#[test]
fn librdb_quicklist2_and_sets() {
    let d = load!(&lib("quicklist2_v11.rdb"));
    assert_eq!(d.names(), ["mylist"]);
    assert_eq!(list(d.value("mylist")), ["val3", "val2", "val1"]);
    assert_eq!(d.aux("repl-offset").as_deref(), Some("162395634"));
    let d = load!(&lib("set_is_v11.rdb"));
    let Value::Set(m) = d.value("myintest") else {
        panic!("not a set")
    };
    assert_eq!(strs(m), ["1", "2", "3", "4", "5", "1234567890"]);
    let d = load!(&lib("set_lp_v11.rdb"));
    let Value::Set(m) = d.value("myset") else {
        panic!("not a set")
    };
    assert_eq!(strs(m), ["1", "2", "3", "1.1", "1.2", "1.3", "a", "b", "c"]);
}

#[test]
fn redis_enterprise_opcode_107_keys_are_all_read() {
    for rel in [
        "dialects/redis_ent_opcode_ram_lru.rdb",
        &lib("redis_ent_opcode_ram_lru.rdb"),
    ] {
        let d = load!(rel);
        assert_eq!(d.names(), ["a", "e", "c"]);
        assert_eq!(
            [d.value("a"), d.value("e"), d.value("c")].map(string),
            ["b", "f", "d"]
        );
        for (k, v) in [
            ("big-used-ram", "11375256"),
            ("big-used-disk", "0"),
            ("big-ram-overhead", "11376324"),
            ("big-used-data", "0"),
            ("bigdb-ram-keys", "3"),
            ("bigdb-disk-keys", "0"),
        ] {
            assert_eq!(d.aux(k).as_deref(), Some(v), "{k}");
        }
        assert_eq!(
            d.aux("repl-id").as_deref(),
            Some("45188a6a0d3e3bc9258f50fde667a93ec62938a8")
        );
        // AUX between SELECTDB and RESIZEDB.
        let sel = d
            .records
            .iter()
            .position(|r| r == "select 0")
            .expect("select");
        assert_eq!(d.records[sel + 1..sel + 4], ["aux", "aux", "resize 3 0"]);
        let bytes = std::fs::read(shared_fixture(rel).expect("fixture")).expect("read");
        let mut r = RdbReader::new(&bytes[..]).expect("header");
        let mut lru = Vec::new();
        while let Some(l) = r.next_record().expect("record") {
            if let Record::Key(k) = l.record {
                lru.push(k.ram_lru);
            }
        }
        assert_eq!(lru, [Some(67), Some(92), Some(50)]);
        let rep = check_report!(rel);
        assert_eq!((rep.keys_read, rep.errors()), (3, 0));
        assert_eq!(rep.producer, Producer::RedisEnterprise);
        assert_eq!(rep.checksum, ChecksumStatus::Ok);
    }
}

#[test]
fn librdb_scripts_in_aux() {
    let d = load!(&lib("script.rdb"));
    assert_eq!(
        d.aux[0],
        (b"lua".to_vec(), b"return 'Hello from Lua!'".to_vec())
    );
    assert_eq!(s(&d.aux[1].0), "redis-ver");
    assert!(d.keys.is_empty());
    assert!(d.records.contains(&"select 0".to_string()));
    let r = check_report!(&lib("script.rdb"));
    assert_eq!(r.checksum, ChecksumStatus::Disabled);

    let d = load!(&lib("script_legacy.rdb"));
    assert_eq!(d.aux("redis-ver").as_deref(), Some("4.0.0"));
    let mut key = vec![0xdb];
    key.extend_from_slice(b"__lua_script__48c949b7bad3ffd14e1059100eb202831fc1b16c__");
    key.push(0xdb);
    assert_eq!(d.aux[0], (key, b"return 'Hello from Lua!'".to_vec()));
    assert!(d.keys.is_empty());
}

#[test]
fn librdb_expired_and_not_expired() {
    let d = load!(&lib("set_expired_v11.rdb"));
    assert_eq!(d.get("mykey").expire_ms, Some(1692540290000));
    assert_eq!(string(d.value("mykey")), "myval");
    let r = check_report!(&lib("set_expired_v11.rdb"));
    assert_eq!((r.expires, r.already_expired), (1, 1));
    let d = load!(&lib("set_not_expired_v11.rdb"));
    assert_eq!(d.get("mykey").expire_ms, Some(3692539827000));
    let r = check_report!(&lib("set_not_expired_v11.rdb"));
    assert_eq!((r.expires, r.already_expired), (1, 0));
}

#[test]
fn librdb_single_key() {
    let d = load!(&lib("single_key.rdb"));
    assert_eq!(d.names(), ["xxx"]);
    assert_eq!(string(d.value("xxx")), "111");
    assert_eq!(d.aux("repl-offset").as_deref(), Some("162341903"));
    assert_eq!(
        d.aux("repl-id")
            .as_deref()
            .map(|v| (v.starts_with("67ebe8f6"), v.ends_with("3a8f"))),
        Some((true, true))
    );
}

#[test]
fn librdb_stream_v11() {
    let d = load!(&lib("stream_v11.rdb"));
    assert_eq!(d.aux("redis-ver").as_deref(), Some("7.1.242"));
    let st = stream(&d, "mystream");
    let ids: Vec<StreamId> = st.entries.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), 6);
    assert_eq!(ids[0], id(1695649068107, 0));
    assert_eq!(ids[4], id(1695649456516, 0));
    assert_eq!(ids[5], id(1695893015933, 0));
    for (i, e) in st.entries[..5].iter().enumerate() {
        assert_eq!(
            e.fields,
            [(
                b"message".to_vec(),
                format!("Message{}", i + 1).into_bytes()
            )]
        );
    }
    let last: Vec<(String, String)> = st.entries[5]
        .fields
        .iter()
        .map(|(f, v)| (s(f), s(v)))
        .collect();
    assert_eq!(
        last,
        pairs(&[
            ("field1", "value1"),
            ("field2", "value2"),
            ("field3", "value3")
        ])
    );
    assert_eq!((st.length, st.entries_added), (6, 6));
    assert_eq!(
        (st.first_id, st.last_id, st.max_deleted_id),
        (id(1695649068107, 0), id(1695893015933, 0), id(0, 0))
    );
    assert_eq!(st.groups.len(), 2);
    let a = &st.groups[0];
    assert_eq!(
        (s(&a.name).as_str(), a.last_id, a.entries_read),
        ("groupA", id(1695649446276, 0), Some(4))
    );
    assert_eq!(
        a.pending,
        [StreamPendingEntry {
            id: id(1695649446276, 0),
            delivery_time: 1695649446276,
            delivery_count: 1
        }]
    );
    let cons: Vec<(String, i64, i64, Vec<StreamId>)> = a
        .consumers
        .iter()
        .map(|c| (s(&c.name), c.seen_time, c.active_time, c.pending.clone()))
        .collect();
    assert_eq!(cons[0].0, "consumerA1");
    assert_eq!(cons[0].1, 1696679585023);
    assert!(cons[0].3.is_empty());
    assert_eq!(cons[1].0, "consumerA2");
    assert_eq!(cons[1].1, 1696679585024);
    assert_eq!(cons[1].3, [id(1695649446276, 0)]);
    let b = &st.groups[1];
    assert_eq!(
        (s(&b.name).as_str(), b.last_id, b.entries_read),
        ("groupB", id(1695649069139, 0), Some(3))
    );
    assert_eq!(
        b.pending.iter().map(|p| p.id).collect::<Vec<_>>(),
        [id(1695649069139, 0)]
    );
    assert_eq!(b.consumers.len(), 1);
    assert_eq!(
        (s(&b.consumers[0].name).as_str(), b.consumers[0].seen_time),
        ("consumerB1", 1696679585026)
    );
    assert_eq!(b.consumers[0].pending, [id(1695649069139, 0)]);
}

#[test]
fn librdb_string_encodings() {
    let d = load!(&lib("string_int_encoded.rdb"));
    assert_eq!(d.keys.len(), 57);
    for k in &d.keys {
        let name = s(&k.name);
        let n = name
            .strip_prefix("str::")
            .unwrap_or_else(|| panic!("{name}"));
        assert_eq!(string(&k.value), n, "{name}");
    }
    assert_eq!(string(d.value("str::2147483648")), "2147483648");
    let d = load!(&lib("string_lzf.rdb"));
    assert_eq!(string(d.value(&"y".repeat(50))), "B".repeat(116));
    assert_eq!(string(d.value(&"x".repeat(26))), "A".repeat(64));
}

#[test]
fn librdb_ziplist_v3_equals_rdbtools_copy() {
    for rel in [
        lib("ziplist_v3.rdb"),
        format!("{RDBTOOLS}/ziplist_that_compresses_easily.rdb"),
    ] {
        let d = load!(&rel);
        let expect: Vec<String> = (1..=6).map(|i| "a".repeat(6 * i)).collect();
        assert_eq!(list(d.value("ziplist_compresses_easily")), expect);
    }
}

/// librdb's `*_data.json` companions: every key and value (and the
/// `__aux__` block) must match what redfile decodes.
#[test]
fn librdb_json_companions_match() {
    let table = [
        ("hash_data.json", "hash_v3.rdb"),
        ("hash_ex_v12_data.json", "hash_with_expire_v12.rdb"),
        ("hash_lp_ex_v12_data.json", "hash_lp_with_hexpire_v12.rdb"),
        ("hash_lp_v11_data.json", "hash_lp_v11.rdb"),
        ("hash_zl_v6_data.json", "hash_zl_v6.rdb"),
        ("hash_zm_v2_data.json", "hash_zm_v2.rdb"),
        ("module_aux_data.json", "module_aux.rdb"),
        ("multiple_dbs_data.json", "multiple_dbs.rdb"),
        (
            "multiple_lists_strings_data.json",
            "multiple_lists_strings.rdb",
        ),
        ("plain_list_v6_data.json", "plain_list_v6.rdb"),
        ("plain_set_v6_data.json", "plain_set_v6.rdb"),
        ("plain_zset_2_v11_data.json", "plain_zset_2_v11.rdb"),
        ("plain_zset_v6_data.json", "plain_zset_v6.rdb"),
        ("quicklist_data.json", "quicklist.rdb"),
        ("set_is_v11_data.json", "set_is_v11.rdb"),
        ("set_lp_v11_data.json", "set_lp_v11.rdb"),
        ("set_not_expired.json", "set_not_expired_v11.rdb"),
        ("single_key_data.json", "single_key.rdb"),
        ("single_list_data.json", "quicklist2_v11.rdb"),
        ("string_int_encoded.json", "string_int_encoded.rdb"),
        ("ziplist_data.json", "ziplist_v3.rdb"),
        ("zset_lp_v11_data.json", "zset_lp_v11.rdb"),
        ("zset_zl_v6_data.json", "zset_zl_v6.rdb"),
        ("mem_policy_lfu.json", "mem_policy_lfu.rdb"),
        ("mem_policy_lru.json", "mem_policy_lru.rdb"),
        ("cluster_slot_info.json", "cluster_slot_info.rdb"),
        ("function2.json", "function2.rdb"),
    ];
    for (json, rdb) in table {
        let Some(jp) = shared_fixture(&lib(json)) else {
            return;
        };
        let d = load!(&lib(rdb));
        let text = std::fs::read_to_string(&jp).expect("json");
        let text = text.trim().trim_end_matches(',');
        let doc: serde_json::Value = if text.starts_with('[') {
            serde_json::from_str(text)
        } else {
            serde_json::from_str(&format!("{{{text}}}"))
        }
        .unwrap_or_else(|e| panic!("{json}: {e}"));
        // One object per database (multiple_dbs) or one for all.
        let dbs: Vec<&serde_json::Map<String, serde_json::Value>> = match &doc {
            serde_json::Value::Array(a) => {
                a.iter().map(|o| o.as_object().expect("object")).collect()
            }
            serde_json::Value::Object(o) => vec![o],
            other => panic!("{json}: {other}"),
        };
        let mut seen = 0;
        for (i, obj) in dbs.iter().enumerate() {
            for (k, v) in obj.iter() {
                match k.as_str() {
                    "__aux__" => {
                        for (ak, av) in v.as_object().expect("aux object") {
                            assert_eq!(d.aux(ak).as_deref(), av.as_str(), "{json} aux {ak}");
                        }
                        continue;
                    }
                    "__dbsize__" => {
                        assert_eq!(v["size"].as_u64(), Some(d.keys.len() as u64), "{json}");
                        continue;
                    }
                    "__slotinfo__" => {
                        let want = format!(
                            "slot-info {} {} {}",
                            v["slotId"], v["slotSize"], v["slotSExpiresSize"]
                        );
                        assert!(d.records.contains(&want), "{json}: {want}");
                        continue;
                    }
                    "__func__" => {
                        let codes: Vec<&String> = d
                            .records
                            .iter()
                            .filter(|r| r.starts_with("function "))
                            .collect();
                        let want: Vec<String> = v
                            .as_object()
                            .expect("functions")
                            .values()
                            .map(|c| format!("function {}", c.as_str().expect("code")))
                            .collect();
                        assert_eq!(codes.len(), want.len(), "{json}");
                        for w in &want {
                            assert!(codes.contains(&w), "{json}: library missing");
                        }
                        continue;
                    }
                    _ => {}
                }
                seen += 1;
                let key = d.get(k);
                if dbs.len() > 1 {
                    assert_eq!(key.db, i as u64, "{json} {k}");
                }
                assert_json_value(&key.value, v, &format!("{json} {k}"));
            }
        }
        assert_eq!(seen, d.keys.len(), "{json}: every key of {rdb} is listed");
    }
}

fn json_bytes(v: &serde_json::Value) -> Vec<u8> {
    let t = v.as_str().unwrap_or_else(|| panic!("not a string: {v}"));
    if t.chars().all(|c| (c as u32) < 256) {
        t.chars().map(|c| c as u8).collect()
    } else {
        t.as_bytes().to_vec()
    }
}

fn assert_json_value(got: &Value, want: &serde_json::Value, ctx: &str) {
    match got {
        Value::String(b) => assert_eq!(*b, json_bytes(want), "{ctx}"),
        Value::List(l) | Value::Set(l) => {
            let w: Vec<Vec<u8>> = want
                .as_array()
                .unwrap_or_else(|| panic!("{ctx}"))
                .iter()
                .map(json_bytes)
                .collect();
            assert_eq!(*l, w, "{ctx}");
        }
        Value::Hash(h) => {
            let w = want.as_object().unwrap_or_else(|| panic!("{ctx}"));
            assert_eq!(h.len(), w.len(), "{ctx}");
            for (f, v) in w {
                let field = json_bytes(&serde_json::Value::String(f.clone()));
                let got = h
                    .iter()
                    .find(|x| x.field == field)
                    .unwrap_or_else(|| panic!("{ctx} field {f}"));
                assert_eq!(got.value, json_bytes(v), "{ctx} field {f}");
            }
        }
        Value::SortedSet(z) => {
            let w = want.as_object().unwrap_or_else(|| panic!("{ctx}"));
            assert_eq!(z.len(), w.len(), "{ctx}");
            for (m, sc) in w {
                let want: f64 = sc.as_str().expect("score text").parse().expect("score");
                let got = z
                    .iter()
                    .find(|x| x.0 == m.as_bytes())
                    .unwrap_or_else(|| panic!("{ctx} member {m}"));
                assert_eq!(got.1, want, "{ctx} member {m}");
            }
        }
        other => panic!("{ctx}: no JSON comparison for {}", show(other)),
    }
}

// ---------------------------------------------------------------------------
// third-party/rdbtools

const RDBTOOLS: &str = "redis-assets/third-party/rdbtools";

fn rt(name: &str) -> String {
    format!("{RDBTOOLS}/{name}")
}

#[test]
fn rdbtools_small_files() {
    let r = check_report!(&rt("empty_database.rdb"));
    assert_eq!((r.keys_read, r.end_offset, r.dbs.len()), (0, 10, 0));

    let d = load!(&rt("multiple_databases.rdb"));
    let got: Vec<(u64, String, String)> = d
        .keys
        .iter()
        .map(|k| (k.db, s(&k.name), string(&k.value)))
        .collect();
    assert_eq!(
        got,
        [
            (0, "key_in_zeroth_database".into(), "zero".into()),
            (2, "key_in_second_database".into(), "second".into())
        ]
    );

    let d = load!(&rt("keys_with_expiry.rdb"));
    let k = d.get("expires_ms_precision");
    assert_eq!(k.expire_ms, Some(1671963072573));
    assert_eq!(string(&k.value), "2022-12-25 10:11:12.573 UTC");

    let d = load!(&rt("integer_keys.rdb"));
    for (k, v) in [
        ("125", "Positive 8 bit integer"),
        ("-123", "Negative 8 bit integer"),
        ("-29477", "Negative 16 bit integer"),
        ("43947", "Positive 16 bit integer"),
        ("183358245", "Positive 32 bit integer"),
        ("-183358245", "Negative 32 bit integer"),
    ] {
        assert_eq!(string(d.value(k)), v);
    }
    assert_eq!(d.keys.len(), 6);

    let d = load!(&rt("easily_compressible_string_key.rdb"));
    assert_eq!(
        string(d.value(&"a".repeat(200))),
        "Key that redis should compress easily"
    );
}

#[test]
fn rdbtools_zipmaps_and_ziplists() {
    let small = [("a", "aa"), ("aa", "aaaa"), ("aaaaa", "aaaaaaaaaaaaaa")];
    let d = load!(&rt("zipmap_that_compresses_easily.rdb"));
    let h: Vec<(String, String)> = hash(d.value("zipmap_compresses_easily"))
        .into_iter()
        .map(|(f, v, _)| (f, v))
        .collect();
    assert_eq!(h, pairs(&small));
    let d = load!(&rt("hash_as_ziplist.rdb"));
    let h: Vec<(String, String)> = hash(d.value("zipmap_compresses_easily"))
        .into_iter()
        .map(|(f, v, _)| (f, v))
        .collect();
    assert_eq!(h, pairs(&small));
    let d = load!(&rt("zipmap_that_doesnt_compress.rdb"));
    let h: Vec<(String, String)> = hash(d.value("zimap_doesnt_compress"))
        .into_iter()
        .map(|(f, v, _)| (f, v))
        .collect();
    assert_eq!(h, pairs(&[("MKD1G6", "2"), ("YNNXK", "F7TI")]));
    let d = load!(&rt("zipmap_with_big_values.rdb"));
    let h = hash(d.value("zipmap_with_big_values"));
    let lens: Vec<(String, usize)> = h.iter().map(|(f, v, _)| (f.clone(), v.len())).collect();
    assert_eq!(
        lens,
        [
            ("253bytes".to_string(), 253),
            ("254bytes".to_string(), 254),
            ("255bytes".to_string(), 255),
            ("300bytes".to_string(), 300),
            ("20kbytes".to_string(), 20000)
        ]
    );
    let d = load!(&rt("ziplist_that_doesnt_compress.rdb"));
    let l = list(d.value("ziplist_doesnt_compress"));
    assert_eq!(l[0], "aj2410");
    assert_eq!(l.len(), 2);
    assert!(l[1].len() == 64 && l[1].bytes().all(|c| c.is_ascii_hexdigit()));
    let d = load!(&rt("ziplist_with_integers.rdb"));
    let mut want: Vec<String> = (0..=12).map(|i| i.to_string()).collect();
    want.extend(
        [
            "-2",
            "13",
            "25",
            "-61",
            "63",
            "16380",
            "-16000",
            "65535",
            "-65523",
            "4194304",
            "9223372036854775807",
        ]
        .map(String::from),
    );
    assert_eq!(list(d.value("ziplist_with_integers")), want);
}

#[test]
fn rdbtools_collections() {
    let d = load!(&rt("dictionary.rdb"));
    let h = hash(d.value("force_dictionary"));
    assert_eq!(h.len(), 1000);
    assert!(h.iter().all(|(f, v, _)| f.len() == 50 && v.len() == 50));
    let m = hash_map(d.value("force_dictionary"));
    assert_eq!(
        m["ZMU5WEJDG7KU89AOG5LJT6K7HMNB3DEI43M6EYTJ83VRJ6XNXQ"],
        "T63SOS8DQJF0Q0VJEZ0D1IQFCYTIPSBOUIAI9SB0OV57MQR1FI"
    );
    assert_eq!(
        m["UHS5ESW4HLK8XOGTM39IK1SJEUGVV9WOPK6JYA5QBZSJU84491"],
        "6VULTCV52FXJ8MGVSFTZVAGK2JXZMGQ5F8OVJI0X6GEDDR27RZ"
    );

    let d = load!(&rt("linkedlist.rdb"));
    let l = list(d.value("force_linkedlist"));
    assert_eq!(l.len(), 1000);
    assert!(l.iter().all(|e| e.len() == 50));

    for (rel, key, want) in [
        ("intset_16.rdb", "intset_16", [0x7ffc_i64, 0x7ffd, 0x7ffe]),
        (
            "intset_32.rdb",
            "intset_32",
            [0x7ffefffc, 0x7ffefffd, 0x7ffefffe],
        ),
        (
            "intset_64.rdb",
            "intset_64",
            [0x7ffefffefffefffc, 0x7ffefffefffefffd, 0x7ffefffefffefffe],
        ),
    ] {
        let d = load!(&rt(rel));
        let Value::Set(m) = d.value(key) else {
            panic!("not a set")
        };
        assert_eq!(strs(m), want.map(|v| v.to_string()));
    }
    let d = load!(&rt("regular_set.rdb"));
    assert_eq!(
        set(d.value("regular_set")),
        ["alpha", "beta", "delta", "gamma", "kappa", "phi"]
    );

    let d = load!(&rt("sorted_set_as_ziplist.rdb"));
    let z = zset(d.value("sorted_set_as_ziplist"));
    assert_eq!(
        z.iter().map(|(_, sc)| *sc).collect::<Vec<_>>(),
        [1.0, 2.37, 3.423]
    );
    assert!(z.iter().all(|(m, _)| m.len() == 32));

    let d = load!(&rt("regular_sorted_set.rdb"));
    assert_eq!(zset(d.value("force_sorted_set")).len(), 500);

    let d = load!(&rt("uncompressible_string_keys.rdb"));
    let lens: Vec<(usize, String)> = d
        .keys
        .iter()
        .map(|k| (k.name.len(), string(&k.value)))
        .collect();
    assert_eq!(
        lens,
        [
            (
                16382,
                "Key length more than 6 bits but less than 14 bits".to_string()
            ),
            (60, "Key length within 6 bits".to_string()),
            (
                16386,
                "Key length more than 14 bits but less than 32".to_string()
            )
        ]
    );
}

#[test]
fn rdbtools_parser_filters_has_43_keys() {
    let d = load!(&rt("parser_filters.rdb"));
    assert_eq!(d.keys.len(), 43);
    let k: Vec<String> = d
        .names()
        .into_iter()
        .filter(|n| n.len() == 2 && n.starts_with('k') && n.as_bytes()[1].is_ascii_digit())
        .collect();
    assert_eq!(k, ["k1", "k3"]);
    assert_eq!(string(d.value("k1")), "ssssssss");
    assert_eq!(string(d.value("k3")), "wwwwwwww");
    let mut zsets: Vec<String> = d
        .keys
        .iter()
        .filter(|k| k.value.value_type() == ValueType::Zset)
        .map(|k| s(&k.name))
        .collect();
    zsets.sort();
    assert_eq!(zsets, ["z1", "z2", "z3", "z4"]);
    for b in 1..=5 {
        let v = d.value(&format!("b{b}"));
        let Value::String(bytes) = v else {
            panic!("b{b}")
        };
        assert_eq!(bytes.len(), b, "b{b}");
    }
    assert!(matches!(d.value("h1"), Value::Hash(_)));
    for set_name in ["set1", "set2", "set3", "set4", "set5", "set6"] {
        assert!(matches!(d.value(set_name), Value::Set(_)), "{set_name}");
    }
    for l in 1..=12 {
        assert!(matches!(d.value(&format!("l{l}")), Value::List(_)), "l{l}");
    }
}

#[test]
fn rdbtools_versioned_files() {
    let d = load!(&rt("rdb_version_5_with_checksum.rdb"));
    let got: Vec<(String, String)> = d
        .keys
        .iter()
        .map(|k| (s(&k.name), string(&k.value)))
        .collect();
    assert_eq!(
        got,
        pairs(&[
            ("abcd", "efgh"),
            ("foo", "bar"),
            ("bar", "baz"),
            ("abcdef", "abcdef"),
            ("longerstring", "thisisalongerstring.idontknowwhatitmeans"),
            ("abc", "def")
        ])
    );
    let r = check_report!(&rt("rdb_version_5_with_checksum.rdb"));
    assert_eq!(
        (r.signature.as_str(), r.checksum),
        ("REDIS0005", ChecksumStatus::Ok)
    );

    let d = load!(&rt("rdb_version_8_with_64b_length_and_scores.rdb"));
    assert_eq!(d.aux("redis-ver").as_deref(), Some("3.9.102"));
    assert_eq!(string(d.value("foo")), "bar");
    let z = zset(d.value("bigset"));
    assert_eq!(z.len(), 1000);
    let fin = z
        .iter()
        .find(|(m, _)| m == "finalfield")
        .expect("finalfield");
    assert_eq!(fin.1.to_string(), "2.718");
    assert!(d.records.contains(&"select 0".to_string()));

    let d = load!(&rt("non_ascii_values.rdb"));
    assert_eq!(d.aux("redis-ver").as_deref(), Some("3.2.6"));
    assert_eq!(string(d.value("int_value")), "123");
    assert_eq!(string(d.value("378")), "int_key_name");
    assert_eq!(string(d.value("utf8")), "בדיקה𐀏123עברית");
    assert_eq!(d.keys.len(), 6);
}

#[test]
fn rdbtools_modules_and_streams() {
    let d = load!(&rt("redis_40_with_module.rdb"));
    assert_eq!(string(d.value("simplekey")), "someval");
    let Value::Module(m) = d.value("foo") else {
        panic!("not a module")
    };
    assert_eq!((m.name.as_str(), m.encver), ("ReJSON-RL", 0));
    let r = check_report!(&rt("redis_40_with_module.rdb"));
    assert_eq!(r.checksum, ChecksumStatus::Disabled);
    assert_eq!(r.trailing_bytes, 40);
    assert_eq!(codes(&r), [(248, "trailing-data")]);
    assert_eq!(r.module_types.get("ReJSON-RL"), Some(&1));

    let d = load!(&rt("redis_50_with_streams.rdb"));
    assert_eq!(d.keys.len(), 14);
    assert_encodings_content(&d);
    let st = stream(&d, "mystream");
    assert_eq!(st.length, 4);
    assert_eq!(st.entries.len(), 4);
    assert_eq!(st.entries[0].id, id(1528176919539, 0));
    assert_eq!(
        st.entries[0].fields,
        [(b"message".to_vec(), b"apple".to_vec())]
    );
    for e in &st.entries[1..] {
        let f: Vec<String> = e.fields.iter().map(|(f, _)| s(f)).collect();
        assert_eq!(f, ["sensor-id", "temperature"]);
    }
    let groups: Vec<String> = st.groups.iter().map(|g| s(&g.name)).collect();
    assert_eq!(groups, ["mygroup", "mygroup2"]);
    let g = &st.groups[0];
    assert_eq!(
        g.pending.iter().map(|p| p.id).collect::<Vec<_>>(),
        [id(1528199075689, 0)]
    );
    let cons: Vec<(String, Vec<StreamId>)> = g
        .consumers
        .iter()
        .map(|c| (s(&c.name), c.pending.clone()))
        .collect();
    assert_eq!(
        cons,
        [
            ("Alice".to_string(), vec![]),
            ("Dave".to_string(), vec![id(1528199075689, 0)])
        ]
    );

    let r = check_report!(&rt("redis_60_with_module_aux.rdb"));
    assert_eq!(r.keys_read, 0);
    let m: Vec<(&str, u64)> = r
        .module_aux
        .iter()
        .map(|m| (m.module.as_str(), m.when))
        .collect();
    assert_eq!(m, [("test__rdb", 2)]);
}

// ---------------------------------------------------------------------------
// dialects

#[test]
fn stream_v13_idmp_entries_groups_pel_consumers_producers() {
    let d = load!("dialects/stream_v13_idmp.rdb");
    assert_eq!(d.names(), ["stream_lp1_cg2_pel1_prod2_ent1"]);
    let st = stream(&d, "stream_lp1_cg2_pel1_prod2_ent1");
    let t = 1771945454291;
    let entries: Vec<(StreamId, Vec<(String, String)>)> = st
        .entries
        .iter()
        .map(|e| (e.id, e.fields.iter().map(|(f, v)| (s(f), s(v))).collect()))
        .collect();
    assert_eq!(
        entries,
        [
            (id(t, 0), pairs(&[("field1", "value1")])),
            (id(t, 1), pairs(&[("idmp_field", "prod1_ent1")])),
            (id(t, 2), pairs(&[("idmp_field", "prod2_ent1")])),
        ]
    );
    assert_eq!(
        (
            st.length,
            st.last_id,
            st.first_id,
            st.max_deleted_id,
            st.entries_added
        ),
        (3, id(t, 2), id(t, 0), id(0, 0), 3)
    );
    for (g, n) in st.groups.iter().zip(1..) {
        assert_eq!(s(&g.name), format!("group{n}"));
        assert_eq!((g.last_id, g.entries_read), (id(t, 0), Some(1)));
        assert_eq!(g.pending.len(), 1);
        assert_eq!(
            (g.pending[0].id, g.pending[0].delivery_count),
            (id(t, 0), 1)
        );
        assert_eq!(g.consumers.len(), 1);
        assert_eq!(s(&g.consumers[0].name), format!("consumer{n}_1"));
        assert_eq!(g.consumers[0].pending, [id(t, 0)]);
        assert!(g.nacked.is_empty());
    }
    assert_eq!(st.groups.len(), 2);
    let idmp = st.idmp.as_ref().expect("IDMP block");
    assert_eq!(
        (
            idmp.duration,
            idmp.max_entries,
            idmp.iids_added,
            idmp.iids_duplicates
        ),
        (100, 100, 2, 0)
    );
    let prods: Vec<(String, Vec<(String, StreamId)>)> = idmp
        .producers
        .iter()
        .map(|p| {
            (
                s(&p.pid),
                p.entries.iter().map(|e| (s(&e.iid), e.id)).collect(),
            )
        })
        .collect();
    assert_eq!(
        prods,
        [
            (
                "producer1".to_string(),
                vec![("iid_p1_e1".to_string(), id(t, 1))]
            ),
            (
                "producer2".to_string(),
                vec![("iid_p2_e1".to_string(), id(t, 2))]
            ),
        ]
    );
    let r = check_report!("dialects/stream_v13_idmp.rdb");
    assert_eq!(
        r.dbs[&0].encodings.keys().copied().collect::<Vec<_>>(),
        ["stream-v4"]
    );
}

#[test]
fn stream_v13_49_keys_match_their_names() {
    let d = load!("dialects/stream_v13.rdb");
    assert_eq!(d.keys.len(), 49);
    assert!(d.records.contains(&"resize 49 0".to_string()));
    let (mut consumers, mut idle_consumers, mut custom, mut default) = (0, 0, 0, 0);
    let mut names = std::collections::BTreeSet::new();
    for k in &d.keys {
        let name = s(&k.name);
        names.insert(name.clone());
        let nums: Vec<u64> = name
            .strip_prefix("stream_lp1_cg")
            .unwrap_or_else(|| panic!("{name}"))
            .split(['_'])
            .map(|p| {
                p.trim_start_matches(|c: char| c.is_ascii_alphabetic())
                    .parse()
                    .expect("number")
            })
            .collect();
        let [g, p, r, e] = nums[..] else {
            panic!("{name}")
        };
        let Value::Stream(st) = &k.value else {
            panic!("{name}")
        };
        let length = 1 + r * e;
        assert_eq!(
            (st.length, st.entries.len() as u64),
            (length, length),
            "{name}"
        );
        assert_eq!(st.groups.len() as u64, g, "{name}");
        for grp in &st.groups {
            assert_eq!(grp.pending.len() as u64, p.min(length), "{name}");
            let owned: usize = grp.consumers.iter().map(|c| c.pending.len()).sum();
            assert_eq!(
                owned,
                grp.pending.len(),
                "{name}: each PEL entry has one owner"
            );
            consumers += grp.consumers.len();
            idle_consumers += grp
                .consumers
                .iter()
                .filter(|c| c.pending.is_empty())
                .count();
        }
        let idmp = st.idmp.as_ref().unwrap_or_else(|| panic!("{name}: IDMP"));
        let producers = if e > 0 { r } else { 0 };
        assert_eq!(idmp.producers.len() as u64, producers, "{name}");
        assert!(
            idmp.producers.iter().all(|pr| pr.entries.len() as u64 == e),
            "{name}"
        );
        assert_eq!(idmp.iids_added, producers * e, "{name}");
        match (idmp.duration, idmp.max_entries) {
            (7200, 1000) => custom += 1,
            (100, 100) => default += 1,
            other => panic!("{name}: {other:?}"),
        }
    }
    assert_eq!(names.len(), 49);
    assert_eq!((consumers, idle_consumers), (63, 9));
    assert_eq!((custom, default), (42, 7));

    let st = stream(&d, "stream_lp1_cg2_pel2_prod2_ent2");
    assert_eq!(st.length, 5);
    let cons: Vec<Vec<String>> = st
        .groups
        .iter()
        .map(|g| g.consumers.iter().map(|c| s(&c.name)).collect())
        .collect();
    assert_eq!(
        cons,
        [
            ["consumer1_1", "consumer1_2"],
            ["consumer2_1", "consumer2_2"]
        ]
    );
    assert!(st
        .groups
        .iter()
        .all(|g| g.consumers.iter().all(|c| c.pending.len() == 1)));
    let idmp = st.idmp.as_ref().expect("idmp");
    let prods: Vec<(String, Vec<String>)> = idmp
        .producers
        .iter()
        .map(|p| (s(&p.pid), p.entries.iter().map(|e| s(&e.iid)).collect()))
        .collect();
    assert_eq!(
        prods,
        [
            (
                "producer1".to_string(),
                vec!["iid_p1_e1".to_string(), "iid_p1_e2".to_string()]
            ),
            (
                "producer2".to_string(),
                vec!["iid_p2_e1".to_string(), "iid_p2_e2".to_string()]
            ),
        ]
    );
    assert_eq!(idmp.iids_added, 4);
}

#[test]
fn array_32bit_elements() {
    let d = load!("dialects/array-32bit.rdb");
    assert_eq!(d.aux("redis-bits").as_deref(), Some("32"));
    assert_eq!(
        d.names(),
        ["ints", "strs", "mixed", "withinsert", "floats", "sparse"]
    );
    let arr = |k: &str| -> (Vec<(u64, String)>, Option<u64>) {
        match d.value(k) {
            Value::Array(a) => (
                a.elements.iter().map(|(i, v)| (*i, s(v))).collect(),
                a.insert_idx,
            ),
            other => panic!("{k}: {}", show(other)),
        }
    };
    let dense = |v: &[&str]| -> Vec<(u64, String)> {
        v.iter()
            .enumerate()
            .map(|(i, e)| (i as u64, e.to_string()))
            .collect()
    };
    assert_eq!(
        arr("ints"),
        (
            dense(&[
                "0",
                "1",
                "-1",
                "42",
                "-42",
                "536870911",
                "-536870912",
                "536870912",
                "-536870913",
                "2147483647",
                "-2147483648",
                "1000000000",
                "999999999",
                "100"
            ]),
            None
        )
    );
    assert_eq!(
        arr("floats"),
        (
            dense(&[
                "1.0",
                "-1.0",
                "3.14",
                "0.5",
                "-0.5",
                "0.25",
                "100.0",
                "-100.0",
                "1.5",
                "1.75",
                "0.1",
                "1234.5",
                "0.0625",
                "999999.0",
                "1.23456789012"
            ]),
            None
        )
    );
    assert_eq!(
        arr("strs"),
        (
            dense(&[
                "",
                "a",
                "ab",
                "abc",
                "abcd",
                "abcde",
                "abcdef",
                "abcdefg",
                "abcdefgh",
                "hello world",
                "this is a longer string for testing",
                "x",
                "xy",
                "xyz"
            ]),
            None
        )
    );
    assert_eq!(
        arr("mixed"),
        (
            dense(&[
                "42",
                "3.14",
                "hi",
                "-536870912",
                "0.5",
                "abcdefghij",
                "536870911",
                "-1.5",
                "ab",
                "0",
                "1.0",
                "hello",
                "2147483647",
                "0.25",
                "xyz"
            ]),
            None
        )
    );
    let sparse: Vec<(u64, String)> = [
        (0, "first"),
        (4095, "slice0end"),
        (4096, "slice1start"),
        (8191, "slice1end"),
        (10000, "42"),
        (50000, "3.14"),
        (100000, "hello"),
    ]
    .iter()
    .map(|(i, v)| (*i, v.to_string()))
    .collect();
    assert_eq!(arr("sparse"), (sparse, None));
    assert_eq!(
        arr("withinsert"),
        (dense(&["one", "two", "three", "four", "five"]), Some(4))
    );
    let r = check_report!("dialects/array-32bit.rdb");
    assert_eq!((r.keys_read, r.errors()), (6, 0));
    assert_eq!(r.dbs[&0].types[&ValueType::Array].keys, 6);
}

#[test]
fn valkey_hash2_field_ttls() {
    let d = load!("dialects/valkey_hash2_with_hfe.rdb");
    assert_eq!(d.aux("valkey-ver").as_deref(), Some("9.0.1"));
    assert_eq!(d.aux("redis-ver"), None);
    assert_eq!(
        hash(d.value("hash2-hfe")),
        [
            ("F1".into(), "V1".into(), Some(2715785640000)),
            ("F2".into(), "V2".into(), Some(2400425640000)),
            ("F3".into(), "V3".into(), None)
        ]
    );
    let Some(p) = shared_fixture("dialects/valkey_hash2_with_hfe.rdb") else {
        return;
    };
    let bytes = std::fs::read(p).expect("read");
    let mut r = RdbReader::new(&bytes[..]).expect("header");
    while let Some(l) = r.next_record().expect("record") {
        if let Record::Key(k) = l.record {
            assert_eq!(
                (l.offset, k.type_byte, k.kind),
                (85, 22, ObjectKind::ValkeyHash2)
            );
        }
    }
    let rep = check_report!("dialects/valkey_hash2_with_hfe.rdb");
    assert_eq!(
        (rep.family, rep.producer, rep.signature.as_str()),
        (Family::Valkey, Producer::Valkey, "VALKEY080")
    );
    assert_eq!((rep.subexpires, rep.keys_read), (1, 1));
}

#[test]
fn valkey_cluster_slot_import_and_slot_info() {
    let d = load!("dialects/valkey_cluster_slot_import.rdb");
    assert!(d.keys.is_empty());
    assert_eq!(d.aux("valkey-ver").as_deref(), Some("9.0.3"));
    assert_eq!(
        d.aux("repl-id").as_deref(),
        Some("dab9574fac4ccc935321ece144df0158b3a6f633")
    );
    assert_eq!(d.aux("repl-offset").as_deref(), Some("417"));
    let non_aux: Vec<&String> = d.records.iter().filter(|r| *r != "aux").collect();
    assert_eq!(non_aux.len(), 2);
    assert_eq!(
        non_aux[0],
        "slot-import f7acd40f147a6f3d4a2123d48c25d72ede295b98 [(16383, 16383)]"
    );
    assert!(non_aux[1].starts_with("end Ok"));
    let r = check_report!("dialects/valkey_cluster_slot_import.rdb");
    assert_eq!(
        (r.slot_imports, r.keys_read, r.dbs.len(), r.errors()),
        (1, 0, 0, 0)
    );

    let d = load!("dialects/valkey_cluster_slot_info.rdb");
    assert_eq!(
        d.aux("repl-id").as_deref(),
        Some("69b041118152e8d0c2c4cb56a280b21ad22c057a")
    );
    assert_eq!(d.aux("repl-offset").as_deref(), Some("633"));
    assert_eq!(d.aux("slot-info").as_deref(), Some("16383,1,0,0"));
    let tail: Vec<&str> = d
        .records
        .iter()
        .skip_while(|r| *r != "select 0")
        .map(String::as_str)
        .take(4)
        .collect();
    assert_eq!(tail, ["select 0", "resize 1 0", "aux", "key {6ZJ}:fixture"]);
    assert_eq!(string(d.value("{6ZJ}:fixture")), "value");
}

#[test]
fn encodings_rdb987_is_a_future_valkey_version_read_best_effort() {
    let d = load!("dialects/encodings-rdb987.rdb");
    assert_eq!(d.keys.len(), 13);
    assert_encodings_content(&d);
    let r = check_report!("dialects/encodings-rdb987.rdb");
    assert_eq!(
        (r.signature.as_str(), r.family, r.version),
        ("VALKEY987", Family::Valkey, 987)
    );
    assert_eq!(r.checksum, ChecksumStatus::Disabled);
    assert_eq!(codes(&r), [(9, "future-version")]);
    assert_eq!(r.findings[0].severity, Severity::Warning);
    assert!(r.findings[0].message.contains("987"));
    assert_eq!(r.end_offset, 675);
}

// ---------------------------------------------------------------------------
// Every file through the CLI

/// `redfile check --deep` over every `.rdb` file: the exit code and the
/// JSON `keys_read` per file.
#[test]
fn check_deep_every_shared_rdb_exit_code_and_keys() {
    let table: &[(&str, i32, u64)] = &[
        ("dialects/array-32bit.rdb", 0, 6),
        ("dialects/encodings-rdb987.rdb", 0, 13),
        ("dialects/redis_ent_opcode_ram_lru.rdb", 0, 3),
        ("dialects/stream_v13.rdb", 0, 49),
        ("dialects/stream_v13_idmp.rdb", 0, 1),
        ("dialects/valkey_cluster_slot_import.rdb", 0, 0),
        ("dialects/valkey_cluster_slot_info.rdb", 0, 1),
        ("dialects/valkey_hash2_with_hfe.rdb", 0, 1),
        ("redis-assets/corrupt_empty_keys.rdb", 0, 9),
        ("redis-assets/corrupt_ziplist.rdb", 1, 54),
        ("redis-assets/encodings.rdb", 0, 13),
        ("redis-assets/hash-ziplist.rdb", 0, 1),
        ("redis-assets/hash-zipmap.rdb", 0, 1),
        ("redis-assets/list-quicklist.rdb", 0, 2),
        ("redis-assets/scriptbackup.rdb", 0, 0),
        ("redis-assets/third-party/librdb/100_lists.rdb", 0, 100),
        (
            "redis-assets/third-party/librdb/cluster_slot_info.rdb",
            0,
            1,
        ),
        ("redis-assets/third-party/librdb/empty.rdb", 0, 0),
        ("redis-assets/third-party/librdb/function.rdb", 0, 0),
        ("redis-assets/third-party/librdb/function2.rdb", 0, 10),
        ("redis-assets/third-party/librdb/future_v19.rdb", 1, 1),
        ("redis-assets/third-party/librdb/hash_lp_v11.rdb", 0, 2),
        (
            "redis-assets/third-party/librdb/hash_lp_with_hexpire_v12.rdb",
            0,
            1,
        ),
        ("redis-assets/third-party/librdb/hash_v3.rdb", 0, 1),
        (
            "redis-assets/third-party/librdb/hash_with_expire_v12.rdb",
            0,
            1,
        ),
        ("redis-assets/third-party/librdb/hash_zl_v6.rdb", 0, 1),
        ("redis-assets/third-party/librdb/hash_zm_v2.rdb", 0, 1),
        (
            "redis-assets/third-party/librdb/invalid_chksum_v8.rdb",
            1,
            3,
        ),
        ("redis-assets/third-party/librdb/mem_policy_lfu.rdb", 0, 1),
        ("redis-assets/third-party/librdb/mem_policy_lru.rdb", 0, 1),
        (
            "redis-assets/third-party/librdb/misc_with_stream.rdb",
            0,
            12,
        ),
        ("redis-assets/third-party/librdb/module.rdb", 0, 1),
        ("redis-assets/third-party/librdb/module_aux.rdb", 0, 1),
        ("redis-assets/third-party/librdb/module_aux_empty.rdb", 0, 0),
        ("redis-assets/third-party/librdb/module_aux_v12.rdb", 0, 1),
        ("redis-assets/third-party/librdb/multiple_dbs.rdb", 0, 3),
        (
            "redis-assets/third-party/librdb/multiple_lists_strings.rdb",
            0,
            6,
        ),
        ("redis-assets/third-party/librdb/plain_list_v6.rdb", 0, 1),
        ("redis-assets/third-party/librdb/plain_set_v6.rdb", 0, 1),
        ("redis-assets/third-party/librdb/plain_zset_2_v11.rdb", 0, 1),
        ("redis-assets/third-party/librdb/plain_zset_v6.rdb", 0, 1),
        ("redis-assets/third-party/librdb/quicklist.rdb", 0, 2),
        ("redis-assets/third-party/librdb/quicklist2_v11.rdb", 0, 1),
        (
            "redis-assets/third-party/librdb/redis_ent_opcode_ram_lru.rdb",
            0,
            3,
        ),
        ("redis-assets/third-party/librdb/script.rdb", 0, 0),
        ("redis-assets/third-party/librdb/script_legacy.rdb", 0, 0),
        ("redis-assets/third-party/librdb/set_expired_v11.rdb", 0, 1),
        ("redis-assets/third-party/librdb/set_is_v11.rdb", 0, 1),
        ("redis-assets/third-party/librdb/set_lp_v11.rdb", 0, 1),
        (
            "redis-assets/third-party/librdb/set_not_expired_v11.rdb",
            0,
            1,
        ),
        ("redis-assets/third-party/librdb/single_key.rdb", 0, 1),
        ("redis-assets/third-party/librdb/stream_v11.rdb", 0, 1),
        (
            "redis-assets/third-party/librdb/string_int_encoded.rdb",
            0,
            57,
        ),
        ("redis-assets/third-party/librdb/string_lzf.rdb", 0, 2),
        ("redis-assets/third-party/librdb/ziplist_v3.rdb", 0, 1),
        ("redis-assets/third-party/librdb/zset_lp_v11.rdb", 0, 1),
        ("redis-assets/third-party/librdb/zset_zl_v6.rdb", 0, 1),
        ("redis-assets/third-party/rdbtools/dictionary.rdb", 0, 1),
        (
            "redis-assets/third-party/rdbtools/easily_compressible_string_key.rdb",
            0,
            1,
        ),
        ("redis-assets/third-party/rdbtools/empty_database.rdb", 0, 0),
        (
            "redis-assets/third-party/rdbtools/hash_as_ziplist.rdb",
            0,
            1,
        ),
        ("redis-assets/third-party/rdbtools/integer_keys.rdb", 0, 6),
        ("redis-assets/third-party/rdbtools/intset_16.rdb", 0, 1),
        ("redis-assets/third-party/rdbtools/intset_32.rdb", 0, 1),
        ("redis-assets/third-party/rdbtools/intset_64.rdb", 0, 1),
        (
            "redis-assets/third-party/rdbtools/keys_with_expiry.rdb",
            0,
            1,
        ),
        ("redis-assets/third-party/rdbtools/linkedlist.rdb", 0, 1),
        (
            "redis-assets/third-party/rdbtools/multiple_databases.rdb",
            0,
            2,
        ),
        (
            "redis-assets/third-party/rdbtools/non_ascii_values.rdb",
            0,
            6,
        ),
        (
            "redis-assets/third-party/rdbtools/parser_filters.rdb",
            0,
            43,
        ),
        (
            "redis-assets/third-party/rdbtools/rdb_version_5_with_checksum.rdb",
            0,
            6,
        ),
        (
            "redis-assets/third-party/rdbtools/rdb_version_8_with_64b_length_and_scores.rdb",
            0,
            2,
        ),
        (
            "redis-assets/third-party/rdbtools/redis_40_with_module.rdb",
            0,
            2,
        ),
        (
            "redis-assets/third-party/rdbtools/redis_50_with_streams.rdb",
            0,
            14,
        ),
        (
            "redis-assets/third-party/rdbtools/redis_60_with_module_aux.rdb",
            0,
            0,
        ),
        ("redis-assets/third-party/rdbtools/regular_set.rdb", 0, 1),
        (
            "redis-assets/third-party/rdbtools/regular_sorted_set.rdb",
            0,
            1,
        ),
        (
            "redis-assets/third-party/rdbtools/sorted_set_as_ziplist.rdb",
            0,
            1,
        ),
        (
            "redis-assets/third-party/rdbtools/uncompressible_string_keys.rdb",
            0,
            3,
        ),
        (
            "redis-assets/third-party/rdbtools/ziplist_that_compresses_easily.rdb",
            0,
            1,
        ),
        (
            "redis-assets/third-party/rdbtools/ziplist_that_doesnt_compress.rdb",
            0,
            1,
        ),
        (
            "redis-assets/third-party/rdbtools/ziplist_with_integers.rdb",
            0,
            1,
        ),
        (
            "redis-assets/third-party/rdbtools/zipmap_that_compresses_easily.rdb",
            0,
            1,
        ),
        (
            "redis-assets/third-party/rdbtools/zipmap_that_doesnt_compress.rdb",
            0,
            1,
        ),
        (
            "redis-assets/third-party/rdbtools/zipmap_with_big_values.rdb",
            0,
            1,
        ),
        ("redis-assets/zset-ziplist.rdb", 0, 1),
    ];
    let files = super::shared_rdbs("");
    if files.is_empty() {
        return;
    }
    let root = shared_fixture("").expect("root");
    let mut listed: Vec<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(&root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    listed.sort();
    let mut expected: Vec<String> = table.iter().map(|(f, _, _)| f.to_string()).collect();
    expected.sort();
    assert_eq!(listed, expected, "the table covers every .rdb fixture");
    for (rel, code, keys) in table {
        let path = root.join(rel);
        let out = redfile()
            .args(["check", "--deep", "--json", "--now", "1704067200"])
            .arg(&path)
            .output()
            .expect("runs");
        assert_eq!(
            out.status.code(),
            Some(*code),
            "{rel}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let doc: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let f = &doc["files"][0];
        assert_eq!(f["keys_read"].as_u64(), Some(*keys), "{rel}");
        assert_eq!(f["ok"].as_bool(), Some(*code == 0), "{rel}");
        assert_eq!(doc["ok"].as_bool(), Some(*code == 0), "{rel}");
        assert_eq!(f["format"], "rdb", "{rel}");
    }
}

#[test]
fn info_json_of_fixtures() {
    let Some(p) = shared_fixture("redis-assets/third-party/librdb/function2.rdb") else {
        return;
    };
    let out = redfile().args(["info", "--json"]).arg(&p).assert().code(0);
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    assert_eq!(doc["keys_read"], 10);
    let names: Vec<&str> = doc["functions"]
        .as_array()
        .expect("functions")
        .iter()
        .map(|f| f["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["mylib2", "mylib"]);
    assert_eq!(doc["signature"], "REDIS0012");

    let Some(p) = shared_fixture("dialects/valkey_hash2_with_hfe.rdb") else {
        return;
    };
    let out = redfile().args(["info", "--json"]).arg(&p).assert().code(0);
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    assert_eq!(
        (doc["subexpires"].as_u64(), doc["keys_read"].as_u64()),
        (Some(1), Some(1))
    );
    let aux: Vec<(&str, &str)> = doc["aux"]
        .as_array()
        .expect("aux")
        .iter()
        .map(|a| {
            (
                a["key"].as_str().expect("k"),
                a["value"].as_str().expect("v"),
            )
        })
        .collect();
    assert_eq!(aux[0], ("valkey-ver", "9.0.1"));
}

#[test]
fn check_text_of_damaged_fixtures() {
    let Some(p) = shared_fixture("redis-assets/corrupt_ziplist.rdb") else {
        return;
    };
    let out = redfile().args(["check", "--deep"]).arg(&p).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("error     offset 489: [corrupt-value] (key 'key:000000000091') hash-ziplist value: ziplist integrity check failed"), "{text}");
    assert!(text.contains("result    DAMAGED (1 errors)"), "{text}");

    let Some(p) = shared_fixture("redis-assets/third-party/librdb/invalid_chksum_v8.rdb") else {
        return;
    };
    let out = redfile().args(["check"]).arg(&p).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("checksum  MISMATCH (stored b477e446e98e5402, computed a609bb6465990fe1)"),
        "{text}"
    );
    assert!(text.contains("offset 201: [checksum-mismatch]"), "{text}");
}

/// A readable rendering of a value (for failure messages and the dump).
fn show(v: &Value) -> String {
    match v {
        Value::String(b) => format!("string {:?}", s(b)),
        Value::List(l) => format!("list {:?}", strs(l)),
        Value::Set(m) => format!("set {:?}", strs(m)),
        Value::SortedSet(_) => format!("zset {:?}", zset(v)),
        Value::Hash(_) => format!("hash {:?}", hash(v)),
        Value::Stream(st) => format!("{st:?}"),
        Value::Module(m) => format!("module {} encver {} raw {:?}", m.name, m.encver, s(&m.raw)),
        Value::Array(a) => format!(
            "array {:?} insert {:?}",
            a.elements
                .iter()
                .map(|(i, e)| (*i, s(e)))
                .collect::<Vec<_>>(),
            a.insert_idx
        ),
    }
}

/// A copy of `encodings.rdb` cut inside `hash_zipped` (the record at 498):
/// the ten keys before it are read and the error names that record.
#[test]
fn truncated_encodings_copy_stops_at_the_cut_record() {
    let Some(p) = shared_fixture("redis-assets/encodings.rdb") else {
        return;
    };
    let bytes = std::fs::read(p).expect("fixture");
    let dir = tempfile::tempdir().expect("tempdir");
    let cut = dir.path().join("cut.rdb");
    std::fs::write(&cut, &bytes[..520]).expect("write copy");
    let out = redfile().args(["check"]).arg(&cut).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("keys      10 (db0=10)"), "{text}");
    assert!(
        text.contains("read      498 bytes (stopped early)"),
        "{text}"
    );
    assert!(
        text.contains("error     offset 520: [truncated] unexpected end of file while reading the value of key \"hash_zipped\" (hash-ziplist) that starts at offset 498 (it needs at least 46 bytes, 22 are left"),
        "{text}"
    );
    // Without a known size (standard input) the same cut is found when the
    // input ends, with the same offset and key.
    let out = redfile()
        .args(["check", "-"])
        .write_stdin(bytes[..520].to_vec())
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(
        text.contains("error     offset 520: [truncated] unexpected end of file while reading the value of key \"hash_zipped\" (hash-ziplist) that starts at offset 498"),
        "{text}"
    );
}
