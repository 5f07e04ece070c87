//! Property tests: random command sequences through the engine, then the
//! dataset written as an RDB of every version and as an AOF, read back (the
//! AOF replayed through the engine), gives the same dataset.

use redfile::aof::rewrite::{RedisVersion, RewriteOptions};
use redfile::engine::Engine;
use redfile::gen::Rng;
use redfile::model::Dataset;
use redfile::rdb::writer::{write_dataset, WriteOptions};
use redfile::rdb::{RdbReader, ReaderOptions};

/// What a version can hold decides which commands are drawn.
#[derive(Clone, Copy)]
struct Allowed {
    field_ttls: bool,
    functions: bool,
}

fn word(rng: &mut Rng, prefix: &str, n: u64) -> String {
    format!("{prefix}{}", rng.below(n))
}

/// One random write command.
fn command(rng: &mut Rng, allowed: Allowed) -> Vec<String> {
    let key = |rng: &mut Rng, t: &str| word(rng, &format!("{t}:"), 8);
    let v = |rng: &mut Rng| -> Vec<String> { vec![word(rng, "v", 50)] };
    let mut c: Vec<String> = match rng.below(22) {
        0 => vec!["SET".into(), key(rng, "s"), word(rng, "val", 1000)],
        1 => vec!["INCRBY".into(), key(rng, "n"), rng.below(100).to_string()],
        2 => vec!["APPEND".into(), key(rng, "s"), word(rng, "x", 9)],
        3 => vec![
            "RPUSH".into(),
            key(rng, "l"),
            word(rng, "e", 20),
            word(rng, "e", 20),
        ],
        4 => vec!["LPUSH".into(), key(rng, "l"), word(rng, "e", 20)],
        5 => vec!["LPOP".into(), key(rng, "l")],
        6 => vec![
            "SADD".into(),
            key(rng, "set"),
            word(rng, "m", 30),
            rng.below(1000).to_string(),
        ],
        7 => vec!["SREM".into(), key(rng, "set"), word(rng, "m", 30)],
        8 => vec![
            "ZADD".into(),
            key(rng, "z"),
            format!("{}", rng.below(2000) as f64 / 8.0 - 100.0),
            word(rng, "m", 30),
        ],
        9 => vec![
            "ZINCRBY".into(),
            key(rng, "z"),
            "1.25".into(),
            word(rng, "m", 30),
        ],
        10 => vec![
            "HSET".into(),
            key(rng, "h"),
            word(rng, "f", 20),
            word(rng, "hv", 100),
        ],
        11 => vec!["HDEL".into(), key(rng, "h"), word(rng, "f", 20)],
        12 => vec![
            "XADD".into(),
            key(rng, "st"),
            "*".into(),
            "f".into(),
            word(rng, "x", 9),
        ],
        13 => vec![
            "XGROUP".into(),
            "CREATE".into(),
            key(rng, "st"),
            word(rng, "g", 3),
            "0".into(),
            "MKSTREAM".into(),
        ],
        14 => vec![
            "PEXPIREAT".into(),
            key(rng, "s"),
            (4_102_444_800_000 + rng.below(1000) as i64).to_string(),
        ],
        15 => vec!["DEL".into(), key(rng, "l")],
        16 => vec!["RENAME".into(), key(rng, "s"), key(rng, "s")],
        17 => vec!["SELECT".into(), rng.below(3).to_string()],
        18 => vec![
            "ZREMRANGEBYSCORE".into(),
            key(rng, "z"),
            "-10".into(),
            "10".into(),
        ],
        19 if allowed.field_ttls => vec![
            "HPEXPIREAT".into(),
            key(rng, "h"),
            (4_102_444_800_000 + rng.below(1000) as i64).to_string(),
            "FIELDS".into(),
            "1".into(),
            word(rng, "f", 20),
        ],
        20 if allowed.functions => vec![
            "FUNCTION".into(),
            "LOAD".into(),
            "REPLACE".into(),
            "#!lua name=rt\nredis.register_function('rt', function() return 1 end)".into(),
        ],
        _ => {
            let mut c = vec!["MSET".into(), key(rng, "s")];
            c.extend(v(rng));
            c
        }
    };
    c.retain(|s| !s.is_empty());
    c
}

fn random_dataset(seed: u64, n: usize, allowed: Allowed) -> Dataset {
    let mut rng = Rng::new(seed);
    let mut e = Engine::new();
    e.set_time_ms(1_700_000_000_000);
    for _ in 0..n {
        let c = command(&mut rng, allowed);
        // Wrong-type and similar errors are part of the game, as in Redis.
        let _ = e.apply(&c);
    }
    e.to_dataset()
}

/// Asserts two datasets are equal, naming the first key that differs.
fn assert_same(got: &Dataset, want: &Dataset, ctx: &str) {
    assert_eq!(got.functions, want.functions, "{ctx}: functions");
    let keys = |d: &Dataset| -> Vec<(u64, Vec<u8>)> {
        d.dbs
            .iter()
            .flat_map(|(db, x)| x.entries.iter().map(move |e| (*db, e.key.clone())))
            .collect()
    };
    assert_eq!(keys(got), keys(want), "{ctx}: key sets");
    for (db, x) in &want.dbs {
        for (a, b) in got.dbs[db].entries.iter().zip(&x.entries) {
            assert_eq!(
                a,
                b,
                "{ctx}: db {db} key {}",
                String::from_utf8_lossy(&b.key)
            );
        }
    }
}

/// The engine's canonical form of a dataset (sorted keys, members, fields).
fn canonical(ds: &Dataset) -> Dataset {
    let mut d = Engine::from_dataset(ds).expect("loads").to_dataset();
    d.aux.clear();
    // A stream of RDB 13+ always carries the idempotency block, with the
    // defaults when unused: the same as none.
    for db in d.dbs.values_mut() {
        for e in &mut db.entries {
            if let redfile::model::Value::Stream(s) = &mut e.value {
                if s.idmp.as_ref().is_some_and(|i| {
                    i.producers.is_empty()
                        && i.iids_added == 0
                        && i.iids_duplicates == 0
                        && i.duration == 100
                        && i.max_entries == 100
                }) {
                    s.idmp = None;
                }
            }
        }
    }
    d.dbs.retain(|_, db| !db.entries.is_empty());
    d
}

fn forget_stream_counters(d: &mut Dataset) {
    for db in d.dbs.values_mut() {
        for e in &mut db.entries {
            if let redfile::model::Value::Stream(s) = &mut e.value {
                s.entries_added = 0;
                s.max_deleted_id = Default::default();
                for g in &mut s.groups {
                    g.entries_read = None;
                }
            }
        }
    }
}

#[test]
fn engine_datasets_survive_every_rdb_version() {
    for version in 9..=14u32 {
        let allowed = Allowed {
            field_ttls: version >= 12,
            functions: version >= 10,
        };
        for seed in 0..8 {
            let ds = random_dataset(seed * 31 + u64::from(version), 1500, allowed);
            let bytes = write_dataset(&ds, &WriteOptions::for_version(version), Vec::new())
                .unwrap_or_else(|e| panic!("v{version} seed {seed}: {e}"));
            let reader =
                RdbReader::with_options(&bytes[..], ReaderOptions::default()).expect("header");
            let back = redfile::load::read_rdb_dataset(reader).expect("reads back");
            assert_same(
                &canonical(&back),
                &canonical(&ds),
                &format!("v{version} seed {seed}"),
            );
        }
    }
}

#[test]
fn engine_datasets_survive_an_aof_rewrite_and_replay() {
    for (redis, allowed) in [
        (
            RedisVersion::V6_2,
            Allowed {
                field_ttls: false,
                functions: false,
            },
        ),
        (
            RedisVersion::V7_0,
            Allowed {
                field_ttls: false,
                functions: true,
            },
        ),
        (
            RedisVersion::V7_4,
            Allowed {
                field_ttls: true,
                functions: true,
            },
        ),
    ] {
        for seed in 0..6 {
            let ds = random_dataset(seed + 1000, 1500, allowed);
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("rt.aof");
            let mut bytes = Vec::new();
            redfile::write_aof::write_resp_aof(
                &ds,
                &RewriteOptions::for_version(redis),
                &mut bytes,
            )
            .unwrap_or_else(|e| panic!("{redis:?} seed {seed}: {e}"));
            std::fs::write(&path, &bytes).expect("write");
            let loaded = redfile::replay::load_dataset(&path)
                .unwrap_or_else(|e| panic!("{redis:?} seed {seed}: {e}"));
            assert_eq!(loaded.error_replies, 0, "{redis:?} seed {seed}");
            let (mut got, mut want) = (canonical(&loaded.dataset), canonical(&ds));
            if redis < RedisVersion::V7_0 {
                // Before 7.0 streams had no entries-added, max-deleted-id or
                // entries-read: the 6.2 command forms cannot carry them.
                forget_stream_counters(&mut got);
                forget_stream_counters(&mut want);
            }
            assert_same(&got, &want, &format!("{redis:?} seed {seed}"));
        }
    }
}
