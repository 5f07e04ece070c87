//! `redfile split`: each shard holds exactly the keys of its slots, the
//! union is the input, shards load into redis-server, and a real cluster's
//! nodes.conf drives a split.

use std::collections::BTreeSet;
use std::path::Path;

use redfile::engine::slot::key_hash_slot;

use crate::check::repo_fixture;
use crate::redfile;
use crate::redis::RedisServer;

const THREE: &str = "0-5460,5461-10922,10923-16383";
const RANGES: [(u16, u16); 3] = [(0, 5460), (5461, 10922), (10923, 16383)];

fn lines(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .map(str::to_string)
        .collect()
}

fn keys_of(file: &Path) -> Vec<String> {
    lines(
        &redfile()
            .arg("keys")
            .arg(file)
            .assert()
            .code(0)
            .get_output()
            .stdout,
    )
}

/// `digest --per-key` lines (digest, db, key) without the total.
fn per_key(file: &Path, db: &str) -> BTreeSet<String> {
    let out = redfile()
        .args(["digest", "--per-key"])
        .arg(file)
        .assert()
        .code(0);
    lines(&out.get_output().stdout)
        .into_iter()
        .skip(1)
        .filter(|l| l.split('\t').nth(1) == Some(db))
        .collect()
}

#[test]
fn three_shards_hold_their_slots_and_the_union_is_the_input() {
    let input = repo_fixture("gen/rdb/gen-v11.rdb");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = redfile()
        .args(["split", "--slots", THREE, "--db", "0", "-o"])
        .arg(dir.path())
        .arg(&input)
        .assert()
        .code(0);
    let d = dir.path().display();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        format!(
            "shard-0: slots 0-5460: 21 keys -> {d}/shard-0.rdb\n\
             shard-1: slots 5461-10922: 17 keys -> {d}/shard-1.rdb\n\
             shard-2: slots 10923-16383: 14 keys -> {d}/shard-2.rdb\n"
        )
    );
    let mut union = BTreeSet::new();
    for (i, (lo, hi)) in RANGES.iter().enumerate() {
        let shard = dir.path().join(format!("shard-{i}.rdb"));
        redfile().arg("check").arg(&shard).assert().code(0);
        for k in keys_of(&shard) {
            let slot = key_hash_slot(k.as_bytes());
            assert!(
                (*lo..=*hi).contains(&slot),
                "{k} (slot {slot}) in shard {i}"
            );
        }
        union.extend(per_key(&shard, "db0"));
        // Function libraries go to every shard.
        let json = redfile()
            .args(["dump", "--format", "json"])
            .arg(&shard)
            .assert()
            .code(0);
        let doc: serde_json::Value =
            serde_json::from_slice(&json.get_output().stdout).expect("json");
        assert_eq!(doc["functions"].as_array().map(Vec::len), Some(1));
    }
    // Same keys with the same values (DEBUG DIGEST-VALUE) as db 0 of the input.
    assert_eq!(union, per_key(&input, "db0"));
    assert_eq!(union.len(), 52);

    // The AOF of the same data splits the same way, as RESP.
    let resp_dir = tempfile::tempdir().expect("temp dir");
    redfile()
        .args([
            "split", "--slots", THREE, "--db", "0", "--format", "resp", "-o",
        ])
        .arg(resp_dir.path())
        .arg(repo_fixture("gen/aof/gen-plain.aof"))
        .assert()
        .code(0);
    for i in 0..3 {
        let name = format!("shard-{i}");
        redfile()
            .arg("diff")
            .arg(dir.path().join(format!("{name}.rdb")))
            .arg(resp_dir.path().join(format!("{name}.aof")))
            .assert()
            .code(0);
    }
}

#[test]
fn refusals_leave_nothing_behind() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out_dir = dir.path().join("out");
    redfile()
        .args(["split", "--slots", THREE, "-o"])
        .arg(&out_dir)
        .arg(repo_fixture("gen/rdb/gen-v11.rdb"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "caused by: key \"zset:6\" is in db 1, but a cluster has only db 0: pick one database with --db",
        ));
    assert_eq!(std::fs::read_dir(&out_dir).expect("dir").count(), 0);
    redfile()
        .args(["split", "--slots", "0-100", "--db", "0", "-o"])
        .arg(&out_dir)
        .arg(repo_fixture("gen/rdb/gen-v11.rdb"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("which no shard serves"));
    assert_eq!(std::fs::read_dir(&out_dir).expect("dir").count(), 0);
    redfile()
        .args(["split", "--slots", "0-100,100-200", "-o"])
        .arg(&out_dir)
        .arg(repo_fixture("gen/rdb/gen-v11.rdb"))
        .assert()
        .code(2)
        .stderr("redfile: error: slot 100 is assigned to both shard-0 and shard-1\n");
}

#[test]
fn live_cluster_keyslots_nodes_conf_and_loading() {
    let Some(server) = RedisServer::start(&[
        "--cluster-enabled",
        "yes",
        "--cluster-config-file",
        "nodes.conf",
    ]) else {
        return;
    };
    let mut c = server.client();
    for key in [
        "foo",
        "bar",
        "{user1000}.following",
        "{user1000}.followers",
        "a{}b",
        "{}x",
        "x{y}z{w}",
        "hash:8",
        "\u{e9}t\u{e9}",
    ] {
        let slot = c.cmd(&[&"CLUSTER", &"KEYSLOT", &key]).int();
        assert_eq!(i64::from(key_hash_slot(key.as_bytes())), slot, "{key}");
    }
    c.run("CLUSTER ADDSLOTSRANGE 0 16383");
    c.run("CLUSTER SAVECONFIG");
    let myid = c.run("CLUSTER MYID").text();
    let nodes = server.rdb_path().with_file_name("nodes.conf");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = redfile()
        .args(["split", "--db", "0", "--nodes"])
        .arg(&nodes)
        .arg("-o")
        .arg(dir.path())
        .arg(repo_fixture("gen/rdb/gen-v10.rdb"))
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    // A node that has met no other leaves its IP empty in nodes.conf.
    let port = server.port();
    assert!(
        text.starts_with(&format!("{myid} ("))
            && text.contains(&format!(":{port}): slots 0-16383: 52 keys -> ")),
        "{text}"
    );
    let whole = dir.path().join(format!("{myid}.rdb"));
    assert_eq!(
        per_key(&whole, "db0"),
        per_key(&repo_fixture("gen/rdb/gen-v10.rdb"), "db0")
    );
    drop(c);
    drop(server);

    // Each of three shards loads into a (non-cluster) redis-server 7.0
    // with its key count.
    let Some(plain) = RedisServer::start(&[]) else {
        return;
    };
    let shards = tempfile::tempdir().expect("temp dir");
    redfile()
        .args(["split", "--slots", THREE, "--db", "0", "-o"])
        .arg(shards.path())
        .arg(repo_fixture("gen/rdb/gen-v10.rdb"))
        .assert()
        .code(0);
    let mut c = plain.client();
    for i in 0..3 {
        let shard = shards.path().join(format!("shard-{i}.rdb"));
        std::fs::copy(&shard, plain.rdb_path()).expect("copy");
        c.run("DEBUG RELOAD NOSAVE");
        assert_eq!(
            c.run("DBSIZE").int(),
            keys_of(&shard).len() as i64,
            "shard {i}"
        );
        assert!(c.run("DBSIZE").int() > 0);
    }
}
