//! `redfile compat`: exact blockers for real and generated files, AOF
//! commands and layouts, and agreement with Debian's redis-server 7.0
//! actually loading (or refusing) a file.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::check::repo_fixture;
use crate::diff::write_aof;
use crate::{redfile, shared_fixture};

fn compat(file: &Path, args: &[&str], code: i32) -> String {
    let out = redfile()
        .arg("compat")
        .args(args)
        .arg(file)
        .assert()
        .code(code);
    String::from_utf8(out.get_output().stdout.clone()).expect("utf-8")
}

#[test]
fn rdb12_with_field_ttls_per_target() {
    let f = repo_fixture("gen/rdb/gen-v12.rdb");
    assert_eq!(
        compat(&f, &["--target", "redis-7.2"], 1),
        "redis-7.2: not loadable\n  \
         - RDB version 12: this server loads up to 11\n  \
         - type hash-listpack-md (25) is unknown to this server: 5 keys, e.g. \"hash:8\", \"hash:32\", \"hash:44\", \"hash:56\", \"hash:20\"\n  \
         fix: redfile convert --rdb-version 11 (loses hash field TTLs of 5 keys, e.g. \"hash:8\", \"hash:32\", \"hash:44\", \"hash:56\", \"hash:20\")\n"
    );
    assert_eq!(
        compat(&f, &["--target", "redis-7.4"], 0),
        "redis-7.4: loadable\n"
    );
    let table = compat(&f, &[], 0);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 15);
    assert_eq!(
        lines[2],
        "redis-7.0   no   RDB version 12: this server loads up to 10 (+3 more)"
    );
    assert_eq!(lines[4].trim_end(), "redis-7.4   yes");
    assert_eq!(
        lines[13],
        "valkey-9.0  no   RDB version 12: this server loads up to 11 (+1 more)"
    );
}

#[test]
fn json_report() {
    let f = repo_fixture("gen/rdb/gen-v12.rdb");
    let out = redfile()
        .args(["compat", "--json", "--target", "redis-7.2"])
        .arg(&f)
        .assert()
        .code(1);
    let doc: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).expect("json");
    assert_eq!(doc["kind"], "rdb");
    assert_eq!(
        doc["rdb"],
        serde_json::json!({"signature": "REDIS0012", "version": 12})
    );
    let t = &doc["targets"][0];
    assert_eq!(t["target"], "redis-7.2");
    assert_eq!(t["loadable"], false);
    assert_eq!(
        t["blockers"][0],
        serde_json::json!({"kind": "rdb-version", "version": 12, "max": 11,
            "message": "RDB version 12: this server loads up to 11"})
    );
    assert_eq!(t["blockers"][1]["kind"], "type");
    assert_eq!(t["blockers"][1]["encoding"], "hash-listpack-md");
    assert_eq!(t["blockers"][1]["type_byte"], 25);
    assert_eq!(t["blockers"][1]["count"], 5);
    assert_eq!(t["blockers"][1]["samples"][0], "hash:8");
}

#[test]
fn shared_dialect_files() {
    let Some(valkey) = shared_fixture("dialects/valkey_hash2_with_hfe.rdb") else {
        return;
    };
    assert_eq!(
        compat(&valkey, &["--target", "redis-7.4"], 1),
        "redis-7.4: not loadable\n  \
         - signature VALKEY080: this server does not read it\n  \
         - type hash-volatile-items (22) is unknown to this server: 1 key, e.g. \"hash2-hfe\"\n  \
         fix: redfile convert --rdb-version 12\n"
    );
    assert_eq!(
        compat(&valkey, &["--target", "valkey-9.0"], 0),
        "valkey-9.0: loadable\n"
    );
    assert!(compat(&valkey, &["--target", "valkey-8.1"], 1)
        .contains("signature VALKEY080: this server does not read it"));

    let array = shared_fixture("dialects/array-32bit.rdb").expect("present");
    assert_eq!(
        compat(&array, &["--target", "redis-8.6"], 1),
        "redis-8.6: not loadable\n  \
         - RDB version 14: this server loads up to 13\n  \
         - type array (28) is unknown to this server: 6 keys, e.g. \"ints\", \"strs\", \"mixed\", \"withinsert\", \"floats\"\n  \
         fix: redfile convert --rdb-version 13 (loses arrays of 6 keys, e.g. \"ints\", \"strs\", \"mixed\", \"withinsert\", \"floats\")\n"
    );
    let idmp = shared_fixture("dialects/stream_v13_idmp.rdb").expect("present");
    assert!(compat(&idmp, &["--target", "redis-8.4"], 1).contains(
        "fix: redfile convert --rdb-version 12 (loses stream idempotent-producer state of 1 key, e.g. \"stream_lp1_cg2_pel1_prod2_ent1\")"
    ));
    let ent = shared_fixture("dialects/redis_ent_opcode_ram_lru.rdb").expect("present");
    assert_eq!(
        compat(&ent, &["--target", "redis-7.4"], 1),
        "redis-7.4: not loadable\n  - vendor opcode 107 (Redis Enterprise): 3 records\n"
    );
    let module = shared_fixture("redis-assets/third-party/librdb/module.rdb").expect("present");
    assert_eq!(
        compat(&module, &["--target", "redis-7.2"], 1),
        "redis-7.2: not loadable\n  \
         - module test__rdb values (the server must load that module): 1 key, e.g. \"key1\"\n  \
         fix: load the modules named above into the server\n"
    );
    let old = shared_fixture("redis-assets/encodings.rdb").expect("present");
    let table = compat(&old, &[], 0);
    assert!(table.lines().all(|l| l.contains(" yes")), "{table}");
}

#[test]
fn aof_layouts_and_commands() {
    let mp = repo_fixture("gen/aof/multipart/appendonlydir");
    let out = compat(&mp, &["--target", "redis-6.2"], 1);
    assert!(out.contains("\n  - multi-part AOF (Redis 7.0+)\n"), "{out}");
    assert!(
        out.ends_with(
            "  fix: redfile dump --format resp --redis-version 6.2 FILE > appendonly.aof\n"
        ),
        "{out}"
    );
    assert_eq!(
        compat(&mp, &["--target", "redis-7.0"], 0),
        "redis-7.0: loadable\n"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let aof = dir.path().join("ttl.aof");
    let c = |l: &'static str| l.split(' ').map(str::as_bytes).collect::<Vec<_>>();
    write_aof(
        &aof,
        &[
            c("HSET h f v"),
            c("HPEXPIREAT h 4102444800000 FIELDS 1 f"),
            c("HSETEX h2 FIELDS 1 f v"),
        ],
    );
    assert_eq!(
        compat(&aof, &["--target", "redis-7.2"], 1),
        "redis-7.2: not loadable\n  \
         - command HPEXPIREAT (redis 7.4+): 1 use, e.g. on \"h\"\n  \
         - command HSETEX (redis 8.0+): 1 use, e.g. on \"h2\"\n  \
         fix: redfile dump --format resp --redis-version 7.2 FILE > appendonly.aof\n"
    );
    assert_eq!(
        compat(&aof, &["--target", "valkey-8.1"], 1),
        "valkey-8.1: not loadable\n  \
         - command HPEXPIREAT (valkey 9.0+): 1 use, e.g. on \"h\"\n  \
         - command HSETEX (valkey 9.0+): 1 use, e.g. on \"h2\"\n  \
         fix: redfile dump --format resp --redis-version 7.2 FILE > appendonly.aof\n"
    );
    assert_eq!(
        compat(&aof, &["--target", "redis-8.0"], 0),
        "redis-8.0: loadable\n"
    );
}

#[test]
fn unreadable_and_unknown_target() {
    redfile()
        .args(["compat", "--target", "redis-7.0"])
        .arg(repo_fixture("corrupt/mixed-truncated-300.rdb"))
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with("redfile: error: cannot read "));
    redfile()
        .args(["compat", "--target", "redis-5.0"])
        .arg(repo_fixture("gen/rdb/gen-v9.rdb"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "unknown target \"redis-5.0\"; known: redis-6.0,",
        ));
}

/// Debian's `redis-server` on PATH.
fn redis_server() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("redis-server"))
        .find(|p| p.is_file())
}

/// Starts redis-server on a copy of `file` (a Unix socket, no port) and
/// tells whether it loaded it: true at "DB loaded from disk", false when
/// it exits first.
fn server_loads(server: &Path, file: &Path) -> bool {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(file, dir.path().join("dump.rdb")).expect("copy");
    let log = dir.path().join("server.log");
    let mut child = Command::new(server)
        .args(["--port", "0", "--save", "", "--appendonly", "no"])
        .arg("--unixsocket")
        .arg(dir.path().join("redis.sock"))
        .args(["--dbfilename", "dump.rdb", "--logfile"])
        .arg(&log)
        .arg("--dir")
        .arg(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn redis-server");
    let deadline = Instant::now() + Duration::from_secs(20);
    let loaded = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("DB loaded from disk") {
            break true;
        }
        if let Ok(Some(_)) = child.try_wait() {
            break false;
        }
        assert!(
            Instant::now() < deadline,
            "redis-server neither loaded nor exited:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let _ = child.kill();
    let _ = child.wait();
    loaded
}

#[test]
fn agrees_with_redis_server_7_0() {
    let Some(server) = redis_server() else {
        eprintln!("note: redis-server is not on PATH; skipping the compat interop test");
        return;
    };
    let mut files = vec![
        repo_fixture("gen/rdb/gen-v9.rdb"),
        repo_fixture("gen/rdb/gen-v10.rdb"),
        repo_fixture("gen/rdb/gen-v11.rdb"),
        repo_fixture("gen/rdb/gen-v12.rdb"),
        repo_fixture("rdb/mixed-redis-7.0.rdb"),
    ];
    for rel in [
        "dialects/valkey_hash2_with_hfe.rdb",
        "redis-assets/encodings.rdb",
        "redis-assets/third-party/librdb/module.rdb",
    ] {
        files.extend(shared_fixture(rel));
    }
    let mut outcomes = [0; 2];
    for f in files {
        let loads = server_loads(&server, &f);
        outcomes[usize::from(loads)] += 1;
        let out = redfile()
            .args(["compat", "--target", "redis-7.0"])
            .arg(&f)
            .output()
            .expect("run redfile");
        let says = out.status.code() == Some(0);
        assert_eq!(
            says,
            loads,
            "{}: redfile says loadable={says}, redis-server 7.0 loaded={loads}",
            f.display()
        );
    }
}
