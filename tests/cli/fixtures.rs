//! Golden tests over every file in `../shared/fixtures/`: each test asserts
//! what the fixture READMEs say is inside (key names, types, values, TTLs,
//! stream metadata, aux fields, …), and damaged files fail at the right
//! offset with the right message.

use std::collections::BTreeMap;
use std::path::Path;

use redfile::check::{check_rdb, CheckOptions, RdbReport};
use redfile::model::Value;
use redfile::rdb::encoding::Depth;
use redfile::rdb::object::decode_value;
use redfile::rdb::{RdbReader, ReaderOptions, Record};

use super::shared_fixture;

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
            } => d.records.push(format!(
                "module-aux {} {when}",
                redfile::rdb::module::module_name(module_id)
            )),
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
                d.records.push(format!("key {}", String::from_utf8_lossy(&name)));
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

#[test]
#[ignore = "exploration aid: prints every fixture"]
fn dump_every_fixture() {
    let mut files = super::shared_rdbs("");
    if let Some(p) = shared_fixture("redis-assets/rdb-preamble.aof") {
        files.push(p);
    }
    for p in files {
        println!("== {}", p.display());
        let bytes = std::fs::read(&p).expect("read");
        let opts = ReaderOptions {
            size_hint: Some(bytes.len() as u64),
        };
        let mut r = match RdbReader::with_options(&bytes[..], opts) {
            Ok(r) => r,
            Err(e) => {
                println!("   header error {e}");
                continue;
            }
        };
        loop {
            match r.next_record() {
                Ok(None) => break,
                Err(e) => {
                    println!("   ERR @{} {}", e.offset, e.kind);
                    break;
                }
                Ok(Some(l)) => match l.record {
                    Record::Key(k) => {
                        let v = decode_value(k.kind, k.body, Depth::Deep);
                        let mut t = format!("{v:?}");
                        t.truncate(600);
                        println!(
                            "   @{} key db{} {:?} {:?} exp={:?} idle={:?} freq={:?} {t}",
                            l.offset,
                            k.db,
                            s(&k.key.to_bytes().unwrap_or_default()),
                            k.kind,
                            k.expire,
                            k.idle,
                            k.freq
                        );
                    }
                    other => {
                        let mut t = format!("{other:?}");
                        t.truncate(300);
                        println!("   @{} {t}", l.offset);
                    }
                },
            }
        }
    }
}
