//! Known-answer vectors captured from Redis 7.0.15 and 7.4.1 (spec §7).

use super::*;
use crate::model::{HashField, Stream, StreamEntry, StreamId};

fn hex_of(d: Digest) -> String {
    to_hex(&d)
}

fn s(v: &str) -> Vec<u8> {
    v.as_bytes().to_vec()
}

fn string_entry(key: &str, v: &str) -> Entry {
    Entry::new(key, Value::String(s(v)))
}

#[test]
fn primitives() {
    let mut d = ZERO;
    xor_digest(&mut d, &0u32.to_be_bytes());
    assert_eq!(hex_of(d), "9069ca78e7450a285173431b3e52c5c25299e473");
    let mut d = ZERO;
    mix_digest(&mut d, &0u32.to_be_bytes());
    assert_eq!(hex_of(d), "aa3098f3aae94baac14e3b8b8dcae989af93f6a2");
    // mix is order-sensitive in how data is split.
    let (mut a, mut b) = (ZERO, ZERO);
    mix_digest(&mut a, b"fo");
    mix_digest(&mut a, b"obar");
    mix_digest(&mut b, b"foo");
    mix_digest(&mut b, b"bar");
    assert_ne!(a, b);
}

#[test]
fn hex_round_trip() {
    let d = from_hex("BD3FDB05193B27F4EADB06E7DF95C599013E7270").unwrap();
    assert_eq!(to_hex(&d), "bd3fdb05193b27f4eadb06e7df95c599013e7270");
    assert_eq!(from_hex("00"), None);
    assert_eq!(from_hex(&"0".repeat(40)), Some(ZERO));
}

#[test]
fn single_values() {
    for rules in [DigestRules::Redis70, DigestRules::Redis74] {
        let foo = string_entry("foo", "bar");
        assert_eq!(
            hex_of(key_digest(&foo, rules)),
            "bd3fdb05193b27f4eadb06e7df95c599013e7270"
        );
        assert_eq!(
            hex_of(value_digest(&foo, rules)),
            "68467c70ae30376e7ce005bcc8827f5ba7fd67dc"
        );
        assert_eq!(
            hex_of(value_digest(&string_entry("e", ""), rules)),
            "8b3447c33a834b810e3e181b6fd6a2ee1020921c"
        );
    }
    let z = Entry::new("z", Value::SortedSet(vec![(s("m"), 1e8)]));
    assert_eq!(
        hex_of(value_digest(&z, DigestRules::Redis70)),
        "8e49f2e175d3bb822ab358e1efa64414a232f2b6"
    );
    assert_eq!(
        hex_of(value_digest(&z, DigestRules::Redis74)),
        "b4ce5f2c55a395a1c2198a4e1afd7646f4ea5658"
    );
    assert_eq!(
        hex_of(value_digest(&z, DigestRules::Redis72)),
        "b4ce5f2c55a395a1c2198a4e1afd7646f4ea5658"
    );
}

#[test]
fn empty_dataset_is_zero() {
    let mut ds = Dataset::default();
    assert_eq!(dataset_digest(&ds, DigestRules::NEWEST), ZERO);
    // Empty DBs are skipped entirely.
    ds.dbs.entry(3).or_default();
    assert_eq!(dataset_digest(&ds, DigestRules::NEWEST), ZERO);
}

/// The cumulative sequence of spec §7, with the 7.0.15 and 7.4.1 digests.
#[test]
fn cumulative_sequence() {
    type Step = (fn(&mut Dataset), &'static str, &'static str);
    fn db0(ds: &mut Dataset) -> &mut Vec<Entry> {
        &mut ds.dbs.entry(0).or_default().entries
    }
    let steps: [Step; 8] = [
        (
            |ds| db0(ds).push(string_entry("foo", "bar")),
            "d2ab4820c1be0580ea28efbfe8bfa1dc05bb802a",
            "d2ab4820c1be0580ea28efbfe8bfa1dc05bb802a",
        ),
        (
            |ds| {
                db0(ds).push(Entry::new(
                    "mylist",
                    Value::List(vec![s("a"), s("b"), s("c")]),
                ))
            },
            "9719456aea090de82b76d23e36ef31dd0ca13bf9",
            "9719456aea090de82b76d23e36ef31dd0ca13bf9",
        ),
        (
            // Set order does not matter.
            |ds| db0(ds).push(Entry::new("myset", Value::Set(vec![s("y"), s("x")]))),
            "bb340a6f7fc9a1a069f650229b85d88743e60454",
            "bb340a6f7fc9a1a069f650229b85d88743e60454",
        ),
        (
            |ds| {
                db0(ds).push(Entry::new(
                    "myz",
                    Value::SortedSet(vec![(s("n"), 0.1), (s("m"), 1e8)]),
                ))
            },
            "5bea24561b1cb6f911f01754a45b2105ae79d085",
            "9a8ee22b68a55ccd50b805f39280c2d01948203d",
        ),
        (
            |ds| {
                db0(ds).push(Entry::new(
                    "myh",
                    Value::Hash(vec![HashField {
                        field: s("f"),
                        value: s("v"),
                        expire_ms: None,
                    }]),
                ))
            },
            "db6757ec46e54e9881ef675a7ec4e75e5eb02a56",
            "1a039191355ca4acc0a775fd481f048be981daee",
        ),
        (
            |ds| {
                let st = Stream {
                    entries: vec![StreamEntry {
                        id: StreamId::new(1, 1),
                        fields: vec![(s("f"), s("v"))],
                    }],
                    length: 1,
                    last_id: StreamId::new(1, 1),
                    ..Stream::default()
                };
                db0(ds).push(Entry::new("mys", Value::Stream(Box::new(st))))
            },
            "779e6f91a9faa93ad8f80cd591a8d3150a5e1d50",
            "b6faa9ecda43430e99b01e72a77330c0bd6fede8",
        ),
        (
            |ds| db0(ds)[0].expire_ms = Some(4102444800000),
            "2e394a9378cbb9fc42f25f4db9120ab97d0ed131",
            "ef5d8cee0b7253c803ba4dea8fc9e96cca3f2189",
        ),
        (
            |ds| {
                ds.dbs
                    .entry(1)
                    .or_default()
                    .entries
                    .push(string_entry("foo", "bar"))
            },
            "c8694d3386900c83506a0fb543090ff7a18616cb",
            "ddbc11fc29e0c7d69c150caa3d81bb22a807e53d",
        ),
    ];
    let mut ds = Dataset::default();
    for (i, (step, v70, v74)) in steps.iter().enumerate() {
        step(&mut ds);
        assert_eq!(
            hex_of(dataset_digest(&ds, DigestRules::Redis70)),
            *v70,
            "7.0 step {i}"
        );
        assert_eq!(
            hex_of(dataset_digest(&ds, DigestRules::Redis74)),
            *v74,
            "7.4 step {i}"
        );
    }

    // DIGEST-VALUE in DB 0 after the last step.
    let db = &ds.dbs[&0].entries;
    let want: [(&str, &str, &str); 6] = [
        (
            "foo",
            "8ec3828f7209dd3abdf6ee448de8b0c0bd53265f",
            "8ec3828f7209dd3abdf6ee448de8b0c0bd53265f",
        ),
        (
            "mylist",
            "8bf72d812571eea9b927f3c11beb0c4165a6ff89",
            "8bf72d812571eea9b927f3c11beb0c4165a6ff89",
        ),
        (
            "myset",
            "36846f8a92fb6b6b824c73bf468c5bbcf5075ede",
            "36846f8a92fb6b6b824c73bf468c5bbcf5075ede",
        ),
        (
            "myz",
            "d380a05fbf1e9308ff6cd43abde5ee75587cf790",
            "d0e0d6b4f83f79c32c59db66bada8660870131ce",
        ),
        (
            "myh",
            "90c76e9e9f4c62d642a34fc97c7dad503b51f906",
            "90c76e9e9f4c62d642a34fc97c7dad503b51f906",
        ),
        (
            "mys",
            "2ed9a7a81688084b1f7eae33456ef7727d357031",
            "2ed9a7a81688084b1f7eae33456ef7727d357031",
        ),
    ];
    for (key, v70, v74) in want {
        let e = db.iter().find(|e| e.key == key.as_bytes()).unwrap();
        assert_eq!(hex_of(value_digest(e, DigestRules::Redis70)), v70, "{key}");
        assert_eq!(hex_of(value_digest(e, DigestRules::Redis74)), v74, "{key}");
    }

    // 7.4.1 only: a hash field with a TTL.
    let hx = Entry::new(
        "hx",
        Value::Hash(vec![HashField {
            field: s("a"),
            value: s("1"),
            expire_ms: Some(4102444800000),
        }]),
    );
    assert_eq!(
        hex_of(value_digest(&hx, DigestRules::Redis74)),
        "ce98eed535a9bd6c62403cf0d79da44325cdc96f"
    );
    db0(&mut ds).push(hx);
    assert_eq!(
        hex_of(dataset_digest(&ds, DigestRules::Redis74)),
        "42dfd80b78e922c6ed2e3471132cab39b2f8b96b"
    );
}

#[test]
fn key_order_within_db_does_not_matter() {
    let mut ds = Dataset::default();
    let db = &mut ds.dbs.entry(0).or_default().entries;
    db.push(string_entry("a", "1"));
    db.push(string_entry("b", "2"));
    let d1 = dataset_digest(&ds, DigestRules::NEWEST);
    ds.dbs.get_mut(&0).unwrap().entries.reverse();
    assert_eq!(dataset_digest(&ds, DigestRules::NEWEST), d1);
}

#[test]
fn rules_for_version() {
    use DigestRules::*;
    assert_eq!(DigestRules::for_version("6.2.14"), Redis60);
    assert_eq!(DigestRules::for_version("7.0.15"), Redis70);
    assert_eq!(DigestRules::for_version("7.2.4"), Redis72);
    assert_eq!(DigestRules::for_version("7.3.240"), Redis72);
    assert_eq!(DigestRules::for_version("7.4.1"), Redis74);
    assert_eq!(DigestRules::for_version("8.0.0"), Redis74);
    assert_eq!(DigestRules::for_version("255.255.255"), Redis74);
    assert_eq!(DigestRules::for_version(""), Redis74);
    assert_eq!(DigestRules::for_version("unstable"), Redis74);
    assert_eq!(DigestRules::default(), Redis74);

    let mut ds = Dataset::default();
    assert_eq!(DigestRules::for_dataset(&ds), Redis74);
    ds.aux.push((s("redis-ver"), s("7.0.15")));
    assert_eq!(DigestRules::for_dataset(&ds), Redis70);
    ds.aux.push((s("valkey-ver"), s("8.0.1")));
    assert_eq!(DigestRules::for_dataset(&ds), Redis72);
}

#[test]
fn zero_sign_follows_the_encoding() {
    let small = Entry::new("z", Value::SortedSet(vec![(s("m"), -0.0)]));
    let plus = Entry::new("z", Value::SortedSet(vec![(s("m"), 0.0)]));
    // The model as it is: -0 and 0 differ.
    assert_ne!(
        value_digest(&small, DigestRules::Redis70),
        value_digest(&plus, DigestRules::Redis70)
    );
    // Loaded from a skiplist record on 7.0+, a small zset becomes a
    // listpack and -0 reads back as 0.
    let load = DigestOptions {
        normalize_small_zsets: true,
        ..DigestOptions::new(DigestRules::Redis70)
    };
    assert_eq!(load.value_digest(&small), load.value_digest(&plus));
    // 6.x keeps "-0" as text in the ziplist.
    let load6 = DigestOptions {
        rules: DigestRules::Redis60,
        ..load
    };
    assert_ne!(load6.value_digest(&small), load6.value_digest(&plus));
    // A long member keeps it a skiplist.
    let long = vec![b'x'; 65];
    let big_neg = Entry::new("z", Value::SortedSet(vec![(long.clone(), -0.0)]));
    let big_pos = Entry::new("z", Value::SortedSet(vec![(long, 0.0)]));
    assert_ne!(load.value_digest(&big_neg), load.value_digest(&big_pos));
}

#[test]
fn load_semantics() {
    let mut ds = Dataset::default();
    let db = &mut ds.dbs.entry(0).or_default().entries;
    db.push(string_entry("a", "1"));
    let base = dataset_digest(&ds, DigestRules::NEWEST);
    let db = &mut ds.dbs.get_mut(&0).unwrap().entries;
    db.push(Entry::new("empty", Value::List(vec![])));
    let mut old = string_entry("old", "x");
    old.expire_ms = Some(1000);
    db.push(old);
    // Empty collections are skipped by default, past TTLs only on request.
    let opts = DigestOptions::new(DigestRules::NEWEST);
    assert_ne!(opts.dataset_digest(&ds), base);
    let opts = DigestOptions {
        drop_expired_before_ms: Some(2000),
        ..opts
    };
    assert_eq!(opts.dataset_digest(&ds), base);
    // A DB left with only dropped keys is skipped like an empty one.
    let mut only_old = Dataset::default();
    let mut e = string_entry("old", "x");
    e.expire_ms = Some(1);
    only_old.dbs.entry(5).or_default().entries.push(e);
    assert_eq!(opts.dataset_digest(&only_old), ZERO);
}

#[test]
fn modules_and_arrays() {
    use crate::model::{ArrayValue, ModuleValue};
    let m = Entry::new(
        "m",
        Value::Module(ModuleValue {
            module_id: 0,
            name: "ReJSON-RL".into(),
            encver: 3,
            raw: vec![],
        }),
    );
    let opts = DigestOptions::new(DigestRules::NEWEST);
    assert!(matches!(
        opts.try_value_digest(&m),
        Err(DigestError::Module { .. })
    ));
    // Lenient: a module type without a digest callback (type code only).
    let mut want = ZERO;
    mix_digest(&mut want, &5u32.to_be_bytes());
    assert_eq!(opts.value_digest(&m), want);

    let a = Entry::new("a", Value::Array(ArrayValue::default()));
    let mut ds = Dataset::default();
    ds.dbs.entry(2).or_default().entries.push(a);
    let err = opts.try_dataset_digest(&ds).unwrap_err();
    assert!(matches!(err, DigestError::Array { db: 2, .. }), "{err}");
}
