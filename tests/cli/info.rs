//! `redfile info`: the summary tables and their JSON form.

use crate::check::repo_fixture;
use crate::redfile;

#[test]
fn tables_show_version_aux_dbs_types_encodings_functions() {
    let a = redfile()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "info",
            "--now",
            "1800000000",
            "fixtures/rdb/mixed-redis-7.0.rdb",
        ])
        .assert()
        .code(0);
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    for line in [
        "| signature              | REDIS0010                        |",
        "| RDB version            | 10                               |",
        "| checksum               | ok 9562cebf65fda760              |",
        "| keys                   | 10                               |",
        "| keys with expiry       | 1                                |",
        "| redis-ver  | 7.0.15                               |",
        "| ctime      | 1795292319 (2026-11-21 20:18:39 UTC) |",
        "| used-mem   | 1192616 (1.1 MiB)                    |",
        "| aof-base   | 0 (a plain snapshot)                 |",
        "| 0  | 9    | 1       | 0               | 0          | 54        | 336         | 9 / 1         |",
        "| 2  | 1    | 0       | 0               | 0          | 8         | 8           | 1 / 0         |",
        "| 0  | stream | 1    | 201   |",
        "| 0  | set-intset    | 1    | 20    |",
        "| 0  | zset-listpack | 1    | 47    |",
        "| mylib            | lua    |",
    ] {
        assert!(out.contains(line), "missing {line:?} in\n{out}");
    }
}

#[test]
fn json_gives_the_same_data() {
    let a = redfile()
        .args(["info", "--json", "--now", "1800000000"])
        .arg(repo_fixture("rdb/mixed-redis-7.0.rdb"))
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).expect("json");
    assert_eq!(v["signature"], "REDIS0010");
    assert_eq!(v["keys_read"], 10);
    assert_eq!(v["dbs"]["0"]["types"]["stream"]["keys"], 1);
    assert_eq!(v["dbs"]["0"]["encodings"]["quicklist-v2"]["keys"], 1);
    assert_eq!(v["dbs"]["0"]["resize_hint"], serde_json::json!([9, 1]));
    assert_eq!(v["aux"][0]["key"], "redis-ver");
    assert_eq!(v["aux"][0]["value"], "7.0.15");
}

#[test]
fn a_damaged_file_still_summarizes_but_exits_1() {
    let a = redfile()
        .arg("info")
        .arg(repo_fixture("corrupt/mixed-truncated-300.rdb"))
        .assert()
        .code(1);
    let out = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(out.contains("not reached (file damaged)"), "{out}");
    assert!(
        out.contains("warning: the file is damaged (1 errors)"),
        "{out}"
    );
}
