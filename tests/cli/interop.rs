//! Interop with a real Redis: fill a server with every type and encoding it
//! can produce, `SAVE`, and check that redfile reads back exactly what the
//! server holds (keys, values, encodings, TTLs, streams with their groups,
//! functions), and that `info` and `check --deep` agree with it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use redfile::model::{Stream, StreamId, Value, ValueType};
use redfile::rdb::encoding::Depth;
use redfile::rdb::object::decode_value;
use redfile::rdb::primitives::{len, rdb_str};
use redfile::rdb::{ObjectKind, RdbReader, RdbStr, ReaderOptions, Record};

use crate::redfile;
use crate::redis::{Client, RedisServer, Reply};

/// The databases the dataset uses.
const DBS: [u64; 3] = [0, 1, 9];
/// An absolute expiry set with PEXPIREAT (2100-01-01 plus 123 ms).
const FIXED_EXPIRE_MS: i64 = 4_102_444_800_123;
/// Relative TTLs set with PEXPIRE: far enough that nothing expires while the
/// test runs.
const TTL_MS: &str = "86400000";
const FUNCTION_CODE: &str =
    "#!lua name=mylib\nredis.register_function('myfunc', function(keys, args) return 1 end)";
const BIN_KEY: &[u8] = b"bin:\x00\xff\r\n key";
const BIN_VALUE: &[u8] = b"\x00\x01\xff\xfe\r\n\x00 binary \xff";
/// Longer than the packed threshold set for `list:plain`.
const PLAIN_ELEMENT_LEN: usize = 10 * 1024;

/// One key as read from the file.
struct Decoded {
    kind: ObjectKind,
    value: Value,
    expire_ms: Option<i64>,
    body: Vec<u8>,
}

/// What the file holds.
struct DumpContent {
    keys: BTreeMap<(u64, Vec<u8>), Decoded>,
    functions: Vec<Vec<u8>>,
}

pub fn show(b: &[u8]) -> String {
    b.escape_ascii().to_string()
}

pub fn bulk_args(words: &[&str], items: impl IntoIterator<Item = Vec<u8>>) -> Vec<Vec<u8>> {
    words
        .iter()
        .map(|w| w.as_bytes().to_vec())
        .chain(items)
        .collect()
}

/// Writes the dataset. Fixed content; only the TTLs set with PEXPIRE and
/// the stream delivery times depend on the clock, and those are compared
/// with what the server reports rather than with literals.
fn populate(c: &mut Client) {
    c.run("SELECT 0");
    // Strings: embstr, raw, int, a 64-bit int, empty, LZF-compressible,
    // binary key and value.
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
    c.run(&format!("PEXPIRE str:ttl {TTL_MS}"));
    c.run("SET str:fixed-ttl fixed");
    c.run(&format!("PEXPIREAT str:fixed-ttl {FIXED_EXPIRE_MS}"));

    // Lists: one listpack node; many nodes with the inner ones compressed
    // (list-compress-depth 1); a PLAIN node for an element over the packed
    // threshold.
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
    c.run(&format!("PEXPIRE list:large {TTL_MS}"));
    c.run("DEBUG QUICKLIST-PACKED-THRESHOLD 1000");
    c.cmd(&[
        &"RPUSH",
        &"list:plain",
        &"head",
        &"p".repeat(PLAIN_ELEMENT_LEN),
        &"tail",
    ]);
    c.run("DEBUG QUICKLIST-PACKED-THRESHOLD 0");

    // Sets: intset (with a 64-bit member), small of strings (listpack from
    // Redis 7.2, hashtable before), large (hashtable), binary members.
    c.run("SADD set:intset 1 2 3 -5 100000 4294967296");
    c.run("SADD set:small a b c");
    let members = (0..600).map(|i| format!("member-{i}").into_bytes());
    c.cmd_list(&bulk_args(&["SADD", "set:large"], members));
    c.cmd(&[
        &"SADD",
        &"set:bin",
        &b"\x00".as_slice(),
        &b"\xff\xfe".as_slice(),
        &"x",
    ]);
    c.run(&format!("PEXPIRE set:bin {TTL_MS}"));

    // Sorted sets: listpack with infinite and fractional scores, skiplist by
    // size, skiplist by member length.
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
    c.run("ZADD zset:large -inf z-minf +inf z-pinf 0.1 z-tenth");
    c.cmd(&[
        &"ZADD",
        &"zset:longmember",
        &"1.5",
        &"m".repeat(100),
        &"2",
        &"short",
    ]);
    c.run(&format!("PEXPIRE zset:small {TTL_MS}"));

    // Hashes: listpack (with an empty value and binary field), hashtable by
    // size, hashtable by value length.
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
    let fields = (0..300).flat_map(|i| {
        [
            format!("field-{i}").into_bytes(),
            format!("value-{}", i * 3).into_bytes(),
        ]
    });
    c.cmd_list(&bulk_args(&["HSET", "hash:large"], fields));
    c.cmd(&[&"HSET", &"hash:longval", &"k", &"v".repeat(200), &"n", &"7"]);
    c.run(&format!("PEXPIRE hash:large {TTL_MS}"));

    // A stream over several nodes (stream-node-max-entries 4) with entries
    // whose fields differ from the master entry, deleted entries, two
    // groups, consumers with and without pending entries, an ack.
    for i in 1..=12u64 {
        let id = format!("1700000000000-{i}");
        if i % 4 == 0 {
            c.run(&format!("XADD stream:s {id} other {i} extra x{i}"));
        } else {
            c.run(&format!("XADD stream:s {id} name item{i} n {i}"));
        }
    }
    c.run("XADD stream:s 1700000000500-0 name late n 13");
    c.run("XDEL stream:s 1700000000000-2 1700000000000-7");
    c.run("XGROUP CREATE stream:s grp 0");
    c.run("XREADGROUP GROUP grp alice COUNT 3 STREAMS stream:s >");
    c.run("XREADGROUP GROUP grp bob COUNT 2 STREAMS stream:s >");
    c.run("XACK stream:s grp 1700000000000-3");
    // A second delivery of a pending entry raises its delivery count.
    c.run("XCLAIM stream:s grp bob 0 1700000000000-1");
    c.run("XGROUP CREATECONSUMER stream:s grp carol");
    c.run("XGROUP CREATE stream:s late-grp $");
    c.run(&format!("PEXPIRE stream:s {TTL_MS}"));
    // An empty stream with a group.
    c.run("XGROUP CREATE stream:empty g0 $ MKSTREAM");

    populate_edges(c);

    // Other databases.
    c.run("SELECT 1");
    c.run("SET db1:str one");
    c.run("RPUSH db1:list x y z");
    c.run(&format!("PEXPIRE db1:list {TTL_MS}"));
    c.run("HSET db1:hash a 1 b 2");
    c.run("SELECT 9");
    c.run("ZADD db9:zset 1 a 2 b");
    c.run("SADD db9:set 10 20");
    c.run("SET db9:ttl 99");
    c.run(&format!("PEXPIREAT db9:ttl {}", FIXED_EXPIRE_MS + 1));
    c.run("SELECT 0");

    c.cmd(&[&"FUNCTION", &"LOAD", &FUNCTION_CODE]);
}

/// Boundary values of the integer and string encodings (RDB INT8/16/32,
/// listpack 7/13/16/24/32/64-bit ints and 6/12/32-bit string lengths,
/// intset 16/32/64), keys that are stored INT or LZF encoded, and stream
/// ids whose deltas overflow.
fn populate_edges(c: &mut Client) {
    const INTS: [&str; 24] = [
        "0",
        "127",
        "128",
        "-1",
        "-128",
        "-129",
        "4095",
        "-4096",
        "4096",
        "32767",
        "-32768",
        "32768",
        "8388607",
        "-8388608",
        "8388608",
        "2147483647",
        "-2147483648",
        "2147483648",
        "-9223372036854775808",
        "9223372036854775807",
        "18446744073709551615",
        "007",
        "-0",
        "1.5",
    ];
    for (i, v) in INTS.iter().enumerate() {
        c.run(&format!("SET int:{i} {v}"));
    }
    // Integer-like and compressible key names.
    c.run("SET 12345 int-key");
    c.run("SET -7 negative-int-key");
    c.cmd(&[&"SET", &"k".repeat(300), &"lzf-key"]);

    let strs = [63, 64, 4095, 4096, 5000].map(|n| "s".repeat(n).into_bytes());
    let items = INTS.iter().map(|v| v.as_bytes().to_vec()).chain(strs);
    c.cmd_list(&bulk_args(&["RPUSH", "list:lpenc"], items));
    let fields = INTS
        .iter()
        .enumerate()
        .flat_map(|(i, v)| [v.as_bytes().to_vec(), format!("{i}").into_bytes()]);
    c.cmd_list(&bulk_args(&["HSET", "hash:ints"], fields));
    let ints = (0..600).map(|i| (i * 1000 - 300_000).to_string().into_bytes());
    c.cmd_list(&bulk_args(&["SADD", "set:large-ints"], ints));
    let fields = (0..200).flat_map(|i| [i.to_string().into_bytes(), (-i).to_string().into_bytes()]);
    c.cmd_list(&bulk_args(&["HSET", "hash:large-ints"], fields));

    c.run("SADD intset:16 1 -2 32767 -32768");
    c.run("SADD intset:32 1 70000 -2147483648");
    c.run("SADD intset:64 1 2147483648 -9223372036854775808 9223372036854775807");

    c.run(
        "ZADD zset:scores 1.7976931348623157e308 max 5e-324 denorm \
         0.30000000000000004 fraction -123456789012345 bigint 0 zero 7 7",
    );
    let zitems = (0..200).flat_map(|i| {
        [
            format!("{}", f64::from(i) / 3.0).into_bytes(),
            i.to_string().into_bytes(),
        ]
    });
    c.cmd_list(&bulk_args(&["ZADD", "zset:int-members"], zitems));

    // Ids whose ms delta from the node's master id does not fit in i64.
    c.run("XADD stream:maxid 0-1 a 1");
    c.run("XADD stream:maxid 5-0 a -1 b 2");
    c.run("XADD stream:maxid 18446744073709551615-0 a 18446744073709551615");
    // Trimming drops whole nodes and flags entries in the first kept one.
    for i in 1..=10 {
        c.run(&format!("XADD stream:trimmed {i}-{i} f {i}"));
    }
    c.run("XTRIM stream:trimmed MAXLEN = 3");
}

/// Every key of the dump, decoded deep.
fn read_dump(path: &Path) -> DumpContent {
    let input = redfile::input::open(path).expect("open dump");
    let opts = ReaderOptions {
        size_hint: input.size_hint,
        ..ReaderOptions::default()
    };
    let mut reader = RdbReader::with_options(input.reader, opts).expect("RDB header");
    let mut out = DumpContent {
        keys: BTreeMap::new(),
        functions: Vec::new(),
    };
    let mut ended = false;
    while let Some(loc) = reader.next_record().expect("record") {
        match loc.record {
            Record::Key(k) => {
                let key = k.key.to_bytes().expect("key").into_owned();
                let value = decode_value(k.kind, k.body, Depth::Deep)
                    .unwrap_or_else(|e| panic!("decode {}: {e}", show(&key)));
                let d = Decoded {
                    kind: k.kind,
                    value,
                    expire_ms: k.expire.map(|e| e.ms),
                    body: k.body.to_vec(),
                };
                let db = k.db;
                assert!(
                    out.keys.insert((db, key.clone()), d).is_none(),
                    "key {} twice in db {db}",
                    show(&key)
                );
            }
            Record::Function { code } => {
                out.functions
                    .push(code.to_bytes().expect("function").into_owned());
            }
            Record::End { checksum } => {
                assert!(
                    matches!(checksum, redfile::rdb::Checksum::Ok(_)),
                    "checksum: {checksum:?}"
                );
                ended = true;
            }
            _ => {}
        }
    }
    assert!(ended, "no EOF record");
    out
}

/// The RDB version a Redis release writes, when known.
fn rdb_version_of(server_version: &str) -> Option<u64> {
    let mut parts = server_version.split('.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next()?.parse().ok()?;
    match (major, minor) {
        (7, 0) => Some(10),
        (7, 2) => Some(11),
        (7, 4) | (8, 0) => Some(12),
        _ => None,
    }
}

/// `name:value` lines of an INFO section.
pub fn info_fields(c: &mut Client, section: &str) -> BTreeMap<String, String> {
    c.cmd(&[&"INFO", &section])
        .text()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.trim().to_string()))
        .collect()
}

/// The keys of one database, by SCAN.
pub fn scan_db(c: &mut Client, db: u64) -> BTreeSet<Vec<u8>> {
    c.run(&format!("SELECT {db}"));
    let mut keys = BTreeSet::new();
    let mut cursor = "0".to_string();
    loop {
        let r = c.run(&format!("SCAN {cursor} COUNT 100"));
        let a = r.array();
        cursor = a[0].text();
        keys.extend(a[1].byte_list());
        if cursor == "0" {
            return keys;
        }
    }
}

/// The layout the file must use for a server `TYPE` and `OBJECT ENCODING`.
fn expected_kind(ty: &str, enc: &str) -> fn(ObjectKind) -> bool {
    match (ty, enc) {
        ("string", "embstr" | "raw" | "int") => |k| k == ObjectKind::String,
        // Redis 7.2+ keeps small lists as a plain listpack but saves them
        // as a one-node quicklist.
        ("list", "quicklist" | "listpack") => |k| k == ObjectKind::ListQuicklist2,
        ("set", "intset") => |k| k == ObjectKind::SetIntset,
        ("set", "listpack") => |k| k == ObjectKind::SetListpack,
        ("set", "hashtable") => |k| k == ObjectKind::SetHashtable,
        ("zset", "listpack") => |k| k == ObjectKind::ZsetListpack,
        ("zset", "skiplist") => |k| k == ObjectKind::ZsetV2,
        ("hash", "listpack") => |k| k == ObjectKind::HashListpack,
        ("hash", "hashtable") => |k| k == ObjectKind::HashHashtable,
        ("stream", "stream") => |k| matches!(k, ObjectKind::Stream(_)),
        _ => panic!("no expected layout for type {ty} encoding {enc}"),
    }
}

pub fn parse_score(b: &[u8]) -> f64 {
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad score {}", show(b)))
}

fn id_text(r: &Reply) -> String {
    r.text()
}

/// Compares a stream with XRANGE, XINFO and XPENDING.
fn compare_stream(c: &mut Client, key: &[u8], s: &Stream) {
    let k = show(key);
    // Entries.
    let server: Vec<(String, Vec<Vec<u8>>)> = c
        .cmd(&[&"XRANGE", &key, &"-", &"+"])
        .array()
        .iter()
        .map(|e| (id_text(&e.array()[0]), e.array()[1].byte_list()))
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

    // Stream metadata.
    let info = c.cmd(&[&"XINFO", &"STREAM", &key]);
    assert_eq!(s.length as i64, info.field("length").int(), "{k}: length");
    assert_eq!(
        s.last_id.to_string(),
        info.field("last-generated-id").text(),
        "{k}: last id"
    );
    assert_eq!(
        s.max_deleted_id.to_string(),
        info.field("max-deleted-entry-id").text(),
        "{k}: max deleted id"
    );
    assert_eq!(
        s.entries_added as i64,
        info.field("entries-added").int(),
        "{k}: entries added"
    );
    assert_eq!(
        s.first_id.to_string(),
        info.field("recorded-first-entry-id").text(),
        "{k}: first id"
    );

    // Groups.
    let groups = c.cmd(&[&"XINFO", &"GROUPS", &key]);
    let names: Vec<Vec<u8>> = groups
        .array()
        .iter()
        .map(|g| g.field("name").bytes().to_vec())
        .collect();
    let mut ours: Vec<Vec<u8>> = s.groups.iter().map(|g| g.name.clone()).collect();
    ours.sort();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(ours, sorted, "{k}: groups");
    let full = c.cmd(&[&"XINFO", &"STREAM", &key, &"FULL", &"COUNT", &"0"]);
    for g in groups.array() {
        let name = g.field("name").bytes();
        let gn = show(name);
        let ours = s.groups.iter().find(|x| x.name == name).expect("group");
        assert_eq!(
            ours.last_id.to_string(),
            g.field("last-delivered-id").text(),
            "{k} {gn}: last delivered id"
        );
        let entries_read = match g.field("entries-read") {
            Reply::Nil => None,
            r => Some(r.int() as u64),
        };
        assert_eq!(ours.entries_read, entries_read, "{k} {gn}: entries read");
        assert_eq!(
            ours.pending.len() as i64,
            g.field("pending").int(),
            "{k} {gn}: pending"
        );
        assert_eq!(
            ours.consumers.len() as i64,
            g.field("consumers").int(),
            "{k} {gn}: consumers"
        );

        // Consumers and the pending entries each owns.
        let consumers = c.cmd(&[&"XINFO", &"CONSUMERS", &key, &name]);
        for cons in consumers.array() {
            let cname = cons.field("name").bytes();
            let ourc = ours
                .consumers
                .iter()
                .find(|x| x.name == cname)
                .unwrap_or_else(|| panic!("{k} {gn}: consumer {} missing", show(cname)));
            assert_eq!(
                ourc.pending.len() as i64,
                cons.field("pending").int(),
                "{k} {gn} {}: pending",
                show(cname)
            );
        }
        assert_eq!(
            consumers.array().len(),
            ours.consumers.len(),
            "{k} {gn}: consumer count"
        );

        // The group PEL: id, owner, delivery count.
        let pel = c.cmd(&[&"XPENDING", &key, &name, &"-", &"+", &"1000"]);
        let server: Vec<(String, Vec<u8>, i64)> = pel
            .array()
            .iter()
            .map(|p| {
                let p = p.array();
                (id_text(&p[0]), p[1].bytes().to_vec(), p[3].int())
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
        assert_eq!(ourpel, server, "{k} {gn}: PEL");

        // Exact times, from XINFO STREAM FULL.
        let fg = full
            .field("groups")
            .array()
            .iter()
            .find(|x| x.field("name").bytes() == name)
            .expect("group in XINFO FULL");
        let times: Vec<(String, i64)> = fg
            .field("pending")
            .array()
            .iter()
            .map(|p| (id_text(&p.array()[0]), p.array()[2].int()))
            .collect();
        let ourtimes: Vec<(String, i64)> = ours
            .pending
            .iter()
            .map(|p| (p.id.to_string(), p.delivery_time))
            .collect();
        assert_eq!(ourtimes, times, "{k} {gn}: delivery times");
        for fc in fg.field("consumers").array() {
            let cname = fc.field("name").bytes();
            let ourc = ours.consumers.iter().find(|x| x.name == cname).unwrap();
            assert_eq!(
                ourc.seen_time,
                fc.field("seen-time").int(),
                "{k} {gn} {}: seen time",
                show(cname)
            );
        }
    }
}

/// Compares one key's decoded value with the server's.
pub fn compare_value(c: &mut Client, key: &[u8], value: &Value) {
    let k = show(key);
    match value {
        Value::String(v) => {
            let got = c.cmd(&[&"GET", &key]);
            assert_eq!(show(v), show(got.bytes()), "{k}: value");
        }
        Value::List(v) => {
            let got = c.cmd(&[&"LRANGE", &key, &"0", &"-1"]).byte_list();
            assert!(*v == got, "{k}: list differs");
        }
        Value::Set(v) => {
            let ours: BTreeSet<Vec<u8>> = v.iter().cloned().collect();
            assert_eq!(ours.len(), v.len(), "{k}: duplicate set members");
            let got: BTreeSet<Vec<u8>> = c
                .cmd(&[&"SMEMBERS", &key])
                .byte_list()
                .into_iter()
                .collect();
            assert!(ours == got, "{k}: set differs");
        }
        Value::SortedSet(v) => {
            let mut ours = v.clone();
            ours.sort_by(|a, b| {
                a.1.partial_cmp(&b.1)
                    .expect("no NaN")
                    .then_with(|| a.0.cmp(&b.0))
            });
            let flat = c
                .cmd(&[&"ZRANGE", &key, &"0", &"-1", &"WITHSCORES"])
                .byte_list();
            let got: Vec<(Vec<u8>, f64)> = flat
                .chunks(2)
                .map(|p| (p[0].clone(), parse_score(&p[1])))
                .collect();
            assert_eq!(ours, got, "{k}: sorted set");
        }
        Value::Hash(fields) => {
            let ours: BTreeMap<Vec<u8>, Vec<u8>> = fields
                .iter()
                .map(|f| {
                    assert_eq!(f.expire_ms, None, "{k}: field TTL");
                    (f.field.clone(), f.value.clone())
                })
                .collect();
            assert_eq!(ours.len(), fields.len(), "{k}: duplicate hash fields");
            let flat = c.cmd(&[&"HGETALL", &key]).byte_list();
            let got: BTreeMap<Vec<u8>, Vec<u8>> = flat
                .chunks(2)
                .map(|p| (p[0].clone(), p[1].clone()))
                .collect();
            assert!(ours == got, "{k}: hash differs");
        }
        Value::Stream(s) => compare_stream(c, key, s),
        other => panic!("{k}: unexpected value type {}", other.value_type()),
    }
}

/// The nodes of a quicklist value as (container, LZF-compressed).
fn quicklist_nodes(body: &[u8]) -> Vec<(u64, bool)> {
    let (mut i, n) = len(body).expect("node count");
    let mut out = Vec::new();
    for _ in 0..n {
        let (rest, container) = len(i).expect("container");
        let (rest, s) = rdb_str(rest).expect("node");
        out.push((container, matches!(s, RdbStr::Lzf { .. })));
        i = rest;
    }
    assert!(i.is_empty(), "bytes after the last quicklist node");
    out
}

#[test]
fn a_redis_dump_reads_back_as_the_server_holds_it() {
    let Some(server) = RedisServer::start(&[
        "--rdbcompression",
        "yes",
        "--list-compress-depth",
        "1",
        "--list-max-listpack-size",
        "-2",
        "--stream-node-max-entries",
        "4",
    ]) else {
        return;
    };
    let mut c = server.client();
    populate(&mut c);
    c.run("SAVE");
    let rdb = server.rdb_path();
    let dump = read_dump(&rdb);
    let server_version = info_fields(&mut c, "server")["redis_version"].clone();

    // --- 1. `info --json` agrees with the server.
    let out = redfile()
        .args(["info", "--json"])
        .arg(&rdb)
        .output()
        .expect("run redfile info");
    assert!(
        out.status.success(),
        "info failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let info: serde_json::Value = serde_json::from_slice(&out.stdout).expect("info JSON");
    if let Some(v) = rdb_version_of(&server_version) {
        assert_eq!(info["version"], v, "RDB version");
        assert_eq!(info["signature"], format!("REDIS{v:04}"));
    }
    let aux_ver = info["aux"]
        .as_array()
        .expect("aux")
        .iter()
        .find(|a| a["key"] == "redis-ver")
        .map(|a| a["value"].clone());
    assert_eq!(
        aux_ver,
        Some(server_version.clone().into()),
        "aux redis-ver"
    );
    let functions = info["functions"].as_array().expect("functions");
    assert_eq!(functions.len(), 1, "function libraries: {functions:?}");
    assert_eq!(functions[0]["name"], "mylib");
    let keyspace = info_fields(&mut c, "keyspace");
    let info_dbs = info["dbs"].as_object().expect("dbs");
    let listed: BTreeSet<String> = info_dbs.keys().cloned().collect();
    let want: BTreeSet<String> = DBS.iter().map(u64::to_string).collect();
    assert_eq!(listed, want, "databases in info");
    let mut total = 0;
    for db in DBS {
        c.run(&format!("SELECT {db}"));
        let size = c.run("DBSIZE").int();
        total += size;
        let stats = &info_dbs[&db.to_string()];
        assert_eq!(stats["keys"], size, "db {db} keys");
        // `keys=N,expires=M,avg_ttl=T`
        let line = &keyspace[&format!("db{db}")];
        let expires: i64 = line
            .split(',')
            .find_map(|p| p.strip_prefix("expires="))
            .and_then(|v| v.parse().ok())
            .expect("expires in INFO keyspace");
        assert!(expires > 0, "db {db} has keys with a TTL");
        assert_eq!(stats["expires"], expires, "db {db} expires");
        assert_eq!(stats["already_expired"], 0, "db {db} already expired");
        // Redis writes the dict sizes as the RESIZEDB hint.
        assert_eq!(
            stats["resize_hint"],
            serde_json::json!([size, expires]),
            "db {db} RESIZEDB"
        );
    }
    assert_eq!(info["keys_read"], total, "keys in info");
    assert_eq!(dump.keys.len() as i64, total, "keys decoded");

    // The function library, byte for byte.
    let libs = c.run("FUNCTION LIST WITHCODE");
    let codes: Vec<Vec<u8>> = libs
        .array()
        .iter()
        .map(|l| l.field("library_code").bytes().to_vec())
        .collect();
    assert_eq!(dump.functions, codes, "function code");
    assert_eq!(dump.functions, [FUNCTION_CODE.as_bytes()]);

    // --- 2. Every key, its type, layout, value and TTL.
    let mut encodings = BTreeSet::new();
    // Per db: keys by server TYPE, and by the file layout's name.
    let mut by_type: BTreeMap<(u64, String), u64> = BTreeMap::new();
    let mut by_layout: BTreeMap<(u64, &str), u64> = BTreeMap::new();
    for db in DBS {
        let keys = scan_db(&mut c, db);
        let ours: BTreeSet<Vec<u8>> = dump
            .keys
            .keys()
            .filter(|(d, _)| *d == db)
            .map(|(_, k)| k.clone())
            .collect();
        assert!(
            ours == keys,
            "db {db}: keys differ: file {:?}, server {:?}",
            ours.iter().map(|k| show(k)).collect::<Vec<_>>(),
            keys.iter().map(|k| show(k)).collect::<Vec<_>>()
        );
        for key in &keys {
            let k = show(key);
            let d = &dump.keys[&(db, key.clone())];
            let ty = c.cmd(&[&"TYPE", key]).text();
            assert_eq!(d.value.value_type().name(), ty, "{k}: type");
            assert_eq!(d.kind.value_type(), d.value.value_type(), "{k}: kind");
            let enc = c.cmd(&[&"OBJECT", &"ENCODING", key]).text();
            assert!(
                expected_kind(&ty, &enc)(d.kind),
                "{k}: server encoding {enc} but file layout {:?}",
                d.kind
            );
            encodings.insert(format!("{ty}/{enc}"));
            *by_type.entry((db, ty.clone())).or_default() += 1;
            *by_layout.entry((db, d.kind.name())).or_default() += 1;
            let pexpiretime = c.cmd(&[&"PEXPIRETIME", key]).int();
            assert_eq!(
                d.expire_ms,
                (pexpiretime >= 0).then_some(pexpiretime),
                "{k}: expiry"
            );
            compare_value(&mut c, key, &d.value);
        }
    }

    // `info` tallies the same types and layouts.
    for db in DBS {
        let stats = &info["dbs"][db.to_string()];
        let types: BTreeMap<String, u64> = stats["types"]
            .as_object()
            .expect("types")
            .iter()
            .map(|(t, v)| (t.clone(), v["keys"].as_u64().expect("count")))
            .collect();
        let want: BTreeMap<String, u64> = by_type
            .iter()
            .filter(|((d, _), _)| *d == db)
            .map(|((_, t), n)| (t.clone(), *n))
            .collect();
        assert_eq!(types, want, "db {db}: keys per type in info");
        let layouts: BTreeMap<String, u64> = stats["encodings"]
            .as_object()
            .expect("encodings")
            .iter()
            .map(|(t, v)| (t.clone(), v["keys"].as_u64().expect("count")))
            .collect();
        let want: BTreeMap<String, u64> = by_layout
            .iter()
            .filter(|((d, _), _)| *d == db)
            .map(|((_, t), n)| ((*t).to_string(), *n))
            .collect();
        assert_eq!(layouts, want, "db {db}: keys per encoding in info");
    }

    // The dataset did produce every encoding this server has.
    let mut want_enc: BTreeSet<String> = [
        "string/embstr",
        "string/raw",
        "string/int",
        "list/quicklist",
        "set/intset",
        "set/hashtable",
        "zset/listpack",
        "zset/skiplist",
        "hash/listpack",
        "hash/hashtable",
        "stream/stream",
    ]
    .map(String::from)
    .into();
    if rdb_version_of(&server_version).is_none_or(|v| v >= 11) {
        want_enc.insert("set/listpack".into());
        want_enc.insert("list/listpack".into());
    }
    assert_eq!(encodings, want_enc, "encodings seen");

    // Literal content, independent of the server's answers.
    let key = |db: u64, k: &[u8]| &dump.keys[&(db, k.to_vec())];
    assert_eq!(key(0, BIN_KEY).value, Value::String(BIN_VALUE.to_vec()));
    assert_eq!(key(0, b"str:fixed-ttl").expire_ms, Some(FIXED_EXPIRE_MS));
    assert_eq!(key(9, b"db9:ttl").expire_ms, Some(FIXED_EXPIRE_MS + 1));
    assert_eq!(key(0, b"str:int").value, Value::String(b"-123456".to_vec()));
    assert_eq!(key(0, b"str:embstr").expire_ms, None);
    for k in [
        b"str:ttl".as_slice(),
        b"list:large",
        b"set:bin",
        b"zset:small",
        b"hash:large",
        b"stream:s",
    ] {
        assert!(key(0, k).expire_ms.is_some(), "{} has a TTL", show(k));
    }
    assert!(key(1, b"db1:list").expire_ms.is_some());
    let (_, s) = rdb_str(&key(0, b"str:lzf").body).expect("string");
    assert!(matches!(s, RdbStr::Lzf { .. }), "str:lzf is LZF: {s:?}");
    assert_eq!(
        key(0, b"zset:small").value.len(),
        7,
        "zset:small members incl. -inf and inf"
    );
    if let Value::SortedSet(z) = &key(0, b"zset:small").value {
        let score = |m: &[u8]| z.iter().find(|(x, _)| x == m).map(|(_, s)| *s);
        assert_eq!(score(b"minus-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(score(b"plus-inf"), Some(f64::INFINITY));
        assert_eq!(score(b"neg"), Some(-2.25));
        assert_eq!(score(b"tiny"), Some(1e-7));
    } else {
        panic!("zset:small is no sorted set");
    }

    // Quicklist node shapes: one packed node; many nodes, some LZF;
    // a PLAIN node holding the large element.
    const PLAIN: u64 = 1;
    const PACKED: u64 = 2;
    let small = quicklist_nodes(&key(0, b"list:small").body);
    assert_eq!(small.len(), 1, "list:small nodes");
    assert_eq!(small[0].0, PACKED);
    let large = quicklist_nodes(&key(0, b"list:large").body);
    assert!(large.len() > 3, "list:large has {} nodes", large.len());
    assert!(large.iter().all(|n| n.0 == PACKED));
    assert!(large.iter().any(|n| n.1), "list:large has LZF nodes");
    let plain = quicklist_nodes(&key(0, b"list:plain").body);
    assert_eq!(
        plain.iter().map(|n| n.0).collect::<Vec<_>>(),
        [PACKED, PLAIN, PACKED],
        "list:plain nodes"
    );
    let Value::List(items) = &key(0, b"list:plain").value else {
        panic!("list:plain is no list")
    };
    assert_eq!(items[1], b"p".repeat(PLAIN_ELEMENT_LEN));

    // Streams: deleted entries gone, groups and consumers present.
    let Value::Stream(s) = &key(0, b"stream:s").value else {
        panic!("stream:s is no stream")
    };
    assert_eq!(s.length, 11);
    assert_eq!(s.entries.len(), 11);
    assert!(s
        .entries
        .iter()
        .all(|e| e.id != StreamId::new(1_700_000_000_000, 2)
            && e.id != StreamId::new(1_700_000_000_000, 7)));
    assert_eq!(s.max_deleted_id, StreamId::new(1_700_000_000_000, 7));
    assert_eq!(s.last_id, StreamId::new(1_700_000_000_500, 0));
    assert_eq!(s.entries_added, 13);
    let grp = s.groups.iter().find(|g| g.name == b"grp").expect("grp");
    let mut names: Vec<&[u8]> = grp.consumers.iter().map(|c| c.name.as_slice()).collect();
    names.sort();
    assert_eq!(names, [b"alice".as_slice(), b"bob", b"carol"]);
    assert_eq!(grp.pending.len(), 4, "5 delivered, 1 acked");
    let claimed = grp
        .pending
        .iter()
        .find(|p| p.id == StreamId::new(1_700_000_000_000, 1))
        .expect("claimed entry pending");
    assert_eq!(claimed.delivery_count, 2);
    let Value::Stream(e) = &key(0, b"stream:empty").value else {
        panic!("stream:empty is no stream")
    };
    assert_eq!((e.length, e.entries.len(), e.groups.len()), (0, 0, 1));
    assert_eq!(e.groups[0].name, b"g0");
    assert_eq!(key(0, b"stream:s").value.value_type(), ValueType::Stream);

    // --- 3. `check --deep` passes and counts every key.
    redfile()
        .args(["check", "--deep"])
        .arg(&rdb)
        .assert()
        .success();
    let out = redfile()
        .args(["check", "--deep", "--json"])
        .arg(&rdb)
        .output()
        .expect("run redfile check");
    assert!(out.status.success(), "check --deep --json failed");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("check JSON");
    assert_eq!(doc["ok"], true, "{doc}");
    let file = &doc["files"][0];
    assert_eq!(file["keys_read"], total, "keys_read");
    assert_eq!(file["complete"], true);
    assert_eq!(file["checksum"], "ok");
    // A dump written by Redis itself draws no warning either.
    assert_eq!(file["findings"], serde_json::json!([]), "check findings");
    assert_eq!(file["already_expired"], 0);
    drop(server);
}

/// Every key's idle time and LFU counter as stored, by key name.
fn eviction_hints(path: &Path) -> BTreeMap<Vec<u8>, (Option<u64>, Option<u8>)> {
    let input = redfile::input::open(path).expect("open dump");
    let mut reader = RdbReader::with_options(input.reader, ReaderOptions::default()).expect("RDB");
    let mut out = BTreeMap::new();
    while let Some(loc) = reader.next_record().expect("record") {
        if let Record::Key(k) = loc.record {
            let key = k.key.to_bytes().expect("key").into_owned();
            out.insert(key, (k.idle, k.freq));
        }
    }
    out
}

/// With an LFU policy Redis stores each key's access counter (FREQ), with
/// an LRU policy its idle time (IDLE); both attach to the right key.
#[test]
fn lfu_and_lru_hints_read_back() {
    // lfu-decay-time 0: counters do not decay, so they compare exactly.
    let Some(lfu) = RedisServer::start(&[
        "--maxmemory-policy",
        "allkeys-lfu",
        "--lfu-decay-time",
        "0",
        "--lfu-log-factor",
        "0",
    ]) else {
        return;
    };
    let mut c = lfu.client();
    c.run("SET cold v");
    c.run("RPUSH warm a b");
    for _ in 0..20 {
        c.run("LRANGE warm 0 -1");
    }
    c.run("SET ttl v PX 86400000");
    c.run("SAVE");
    let hints = eviction_hints(&lfu.rdb_path());
    assert_eq!(hints.len(), 3);
    for (key, (idle, freq)) in &hints {
        let want = c.cmd(&[&"OBJECT", &"FREQ", key]).int();
        assert_eq!(freq.map(i64::from), Some(want), "{}: freq", show(key));
        assert_eq!(*idle, None, "{}: no idle under LFU", show(key));
    }
    // lfu-log-factor 0 counts every access: 5 at creation, +1 per access.
    assert!(hints[b"warm".as_slice()].1 > hints[b"cold".as_slice()].1);
    redfile()
        .args(["check", "--deep"])
        .arg(lfu.rdb_path())
        .assert()
        .success();
    drop(lfu);

    let Some(lru) = RedisServer::start(&["--maxmemory-policy", "allkeys-lru"]) else {
        return;
    };
    let mut c = lru.client();
    c.run("SET a 1");
    c.run("HSET h f v");
    c.run("SAVE");
    let hints = eviction_hints(&lru.rdb_path());
    assert_eq!(hints.len(), 2);
    for (key, (idle, freq)) in &hints {
        // Idle time only grows: what was saved is at most what is reported
        // now (OBJECT IDLETIME does not touch the key).
        let now = c.cmd(&[&"OBJECT", &"IDLETIME", key]).int();
        let idle = idle.unwrap_or_else(|| panic!("{}: no idle under LRU", show(key)));
        assert!(idle as i64 <= now, "{}: idle {idle} > {now}", show(key));
        assert_eq!(*freq, None, "{}: no freq under LRU", show(key));
    }
    redfile()
        .args(["check", "--deep"])
        .arg(lru.rdb_path())
        .assert()
        .success();
}
