//! `redfile diff`: one planted difference of each kind with its exact line
//! and JSON, equal data in different formats, unreadable inputs.

use std::path::{Path, PathBuf};

use crate::check::repo_fixture;
use crate::redfile;

/// A RESP AOF of these commands (each a list of arguments).
pub fn write_aof(path: &Path, cmds: &[Vec<&[u8]>]) {
    let mut out = Vec::new();
    for c in cmds {
        out.extend_from_slice(format!("*{}\r\n", c.len()).as_bytes());
        for a in c {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
    }
    std::fs::write(path, out).expect("write aof");
}

/// Splits a command line on spaces (no quoting needed for these tests).
fn c(line: &str) -> Vec<&[u8]> {
    line.split(' ').map(str::as_bytes).collect()
}

const LIB: &[u8] = b"#!lua name=lib1\nredis.register_function('f1', function() return 1 end)";

fn planted(dir: &Path) -> (PathBuf, PathBuf) {
    let a = dir.join("a.aof");
    let b = dir.join("b.aof");
    let ca = vec![
        vec![b"FUNCTION".as_slice(), b"LOAD", LIB],
        c("SELECT 0"),
        c("SET only_a 1"),
        vec![b"SET".as_slice(), b"bin\x00\xff", b"v"],
        c("SET typechg x"),
        c("SET str hello"),
        c("RPUSH list a b c"),
        c("SADD set x y"),
        c("ZADD zset 1 m 2 n"),
        c("HSET hash f v g w"),
        c("HSET hash2 f v"),
        c("XADD stream 1-1 a 1"),
        c("SET ttl_added v"),
        c("SET ttl_removed v PXAT 4102444800000"),
        c("SET ttl_changed v PXAT 4102444800000"),
        c("SET same v PXAT 4102444800000"),
        c("SELECT 1"),
        c("SET moved v"),
    ];
    let cb = vec![
        c("SELECT 0"),
        c("SET only_b 1"),
        c("RPUSH typechg x"),
        c("SET str hellO!"),
        c("RPUSH list a b c d"),
        c("SADD set y z"),
        c("ZADD zset 1 m 3 n"),
        c("HSET hash g W f v"),
        c("HSET hash2 f v"),
        c("HPEXPIREAT hash2 4102444800000 FIELDS 1 f"),
        c("XADD stream 1-1 a 1"),
        c("XADD stream 1-2 b 2"),
        c("SET ttl_added v PXAT 4102444800000"),
        c("SET ttl_removed v"),
        c("SET ttl_changed v PXAT 4102444801000"),
        c("SET same v PXAT 4102444800000"),
        c("SELECT 2"),
        c("SET moved v"),
    ];
    write_aof(&a, &ca);
    write_aof(&b, &cb);
    (a, b)
}

#[test]
fn every_kind_of_difference_has_its_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = planted(dir.path());
    let out = redfile().arg("diff").arg(&a).arg(&b).assert().code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).expect("utf-8");
    assert_eq!(
        text,
        "- function library \"lib1\"\n\
         - db0 \"bin\\x00\\xff\" (string)\n\
         ~ db0 \"hash\" value: hash: 1 value differs (first field \"g\": \"w\" -> \"W\")\n\
         ~ db0 \"hash2\" value: hash: 1 field TTL differs (first field \"f\": none -> 4102444800000)\n\
         ~ db0 \"list\" value: list length 3 -> 4 (one is a prefix of the other)\n\
         - db0 \"only_a\" (string)\n\
         + db0 \"only_b\" (string)\n\
         ~ db0 \"set\" value: set: 1 member only in A (first \"x\"), 1 member only in B (first \"z\")\n\
         ~ db0 \"str\" value: string length 5 -> 6, first difference at byte 4\n\
         ~ db0 \"stream\" value: stream length 1 -> 2\n\
         ~ db0 \"ttl_added\" ttl: none -> 4102444800000\n\
         ~ db0 \"ttl_changed\" ttl: 4102444800000 -> 4102444801000\n\
         ~ db0 \"ttl_removed\" ttl: 4102444800000 -> none\n\
         ~ db0 \"typechg\" type: string -> list\n\
         ~ db0 \"zset\" value: zset: 1 score differs (first \"n\": 2 -> 3)\n\
         - db1 \"moved\" (string)\n\
         + db2 \"moved\" (string)\n\
         15 keys in A, 14 keys in B: 3 only in A, 2 only in B, 1 type, 7 value, 3 ttl, 1 function differences\n"
    );

    // A TTL tolerance of one second hides the changed TTL only.
    let out = redfile()
        .args(["diff", "--ttl-tolerance", "1000"])
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).expect("utf-8");
    assert!(!text.contains("ttl_changed"), "{text}");
    assert!(text.contains("\"ttl_added\" ttl"), "{text}");
}

#[test]
fn json_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b) = planted(dir.path());
    let out = redfile()
        .args(["diff", "--json"])
        .arg(&a)
        .arg(&b)
        .assert()
        .code(1);
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    assert_eq!(doc["equal"], false);
    assert_eq!(doc["format_a"], "aof");
    assert_eq!(
        doc["summary"],
        serde_json::json!({"keys_a": 15, "keys_b": 14, "only_in_a": 3, "only_in_b": 2,
            "type_changed": 1, "value_changed": 7, "ttl_changed": 3, "functions_changed": 1})
    );
    let d = doc["differences"].as_array().expect("array");
    assert_eq!(d.len(), 17);
    assert_eq!(
        d[0],
        serde_json::json!({"kind": "function-missing", "only_in": "a", "library": "lib1"})
    );
    // A key that is not UTF-8 is base64, as in `dump`.
    assert_eq!(
        d[1],
        serde_json::json!({"kind": "missing", "only_in": "a", "db": 0,
            "key": {"base64": "YmluAP8="}, "type": "string"})
    );
    assert_eq!(
        d[4],
        serde_json::json!({"kind": "value", "db": 0, "key": "list", "type": "list",
            "detail": "list length 3 -> 4 (one is a prefix of the other)"})
    );
    assert_eq!(
        d[11],
        serde_json::json!({"kind": "ttl", "db": 0, "key": "ttl_changed",
            "a": 4102444800000_i64, "b": 4102444801000_i64})
    );
    assert_eq!(
        d[13],
        serde_json::json!({"kind": "type", "db": 0, "key": "typechg", "a": "string", "b": "list"})
    );
}

#[test]
fn same_data_in_different_formats_is_equal() {
    let rdb = repo_fixture("gen/rdb/gen-v11.rdb");
    for other in ["gen/aof/gen-plain.aof", "gen/rdb/gen-v10.rdb"] {
        redfile()
            .arg("diff")
            .arg(&rdb)
            .arg(repo_fixture(other))
            .assert()
            .code(0)
            .stdout("60 keys in A, 60 keys in B: equal\n");
    }
    // The mixed fixture against the commands `dump` writes for it.
    let mixed = repo_fixture("rdb/mixed-redis-7.0.rdb");
    let resp = redfile()
        .args(["dump", "--format", "resp"])
        .arg(&mixed)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let dir = tempfile::tempdir().expect("temp dir");
    let aof = dir.path().join("mixed.aof");
    std::fs::write(&aof, resp).expect("write");
    redfile()
        .arg("diff")
        .arg(&mixed)
        .arg(&aof)
        .assert()
        .code(0)
        .stdout("10 keys in A, 10 keys in B: equal\n");
    // The hybrid AOF holds the RDB's data and a tail of 6 more keys.
    let out = redfile()
        .arg("diff")
        .arg(&rdb)
        .arg(repo_fixture("gen/aof/gen-hybrid.aof"))
        .assert()
        .code(1);
    let text = String::from_utf8(out.get_output().stdout.clone()).expect("utf-8");
    assert!(
        text.starts_with("+ db0 \"tail:counter\" (string)\n"),
        "{text}"
    );
    assert!(text.ends_with("60 keys in A, 66 keys in B: 0 only in A, 6 only in B, 0 type, 0 value, 0 ttl, 0 function differences\n"), "{text}");
}

#[test]
fn unreadable_input_exits_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.rdb");
    redfile()
        .arg("diff")
        .arg(repo_fixture("gen/rdb/gen-v11.rdb"))
        .arg(&missing)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::starts_with(format!(
            "redfile: error: cannot read input B\n  caused by: {}: No such file or directory",
            missing.display()
        )));
    let out = redfile()
        .arg("diff")
        .arg(repo_fixture("corrupt/mixed-truncated-300.rdb"))
        .arg(repo_fixture("gen/rdb/gen-v11.rdb"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(
        err.starts_with("redfile: error: cannot read input A\n  caused by: "),
        "{err}"
    );
    assert!(err.contains("mixed-truncated-300.rdb"), "{err}");
}
