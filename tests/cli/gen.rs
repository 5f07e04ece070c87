//! `redfile gen`: the committed `fixtures/gen` is exactly what the command
//! produces, every file holds what its manifest says, the damaged copies
//! are reported where they were damaged, and a real server loads the sound
//! ones with the manifest's digest.

use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::redfile;
use crate::redis::RedisServer;

fn repo_gen() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gen")
}

fn manifest() -> Json {
    let text = std::fs::read(repo_gen().join("MANIFEST.json")).expect("fixtures/gen/MANIFEST.json");
    serde_json::from_slice(&text).expect("manifest is JSON")
}

fn files(m: &Json) -> &Vec<Json> {
    m["files"].as_array().expect("files")
}

/// All files below `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).expect("below").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn gen_reproduces_the_committed_fixtures_byte_for_byte() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("gen");
    redfile()
        .args(["gen", "--seed", "1", "--keys", "60", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let committed = tree(&repo_gen());
    assert_eq!(tree(&out), committed, "file list differs from fixtures/gen");
    for rel in &committed {
        let a = std::fs::read(out.join(rel)).expect("generated");
        let b = std::fs::read(repo_gen().join(rel)).expect("committed");
        assert!(
            a == b,
            "{} differs; regenerate with `redfile gen --seed 1 --keys 60 --out fixtures/gen --force`",
            rel.display()
        );
    }
    // Refuses to overwrite without --force.
    redfile().args(["gen", "--out"]).arg(&out).assert().code(2);
}

fn digest_of(path: &Path, extra: &[&str]) -> String {
    let a = redfile()
        .arg("digest")
        .args(extra)
        .arg(path)
        .assert()
        .code(0);
    String::from_utf8_lossy(&a.get_output().stdout)
        .lines()
        .next()
        .expect("a digest line")
        .to_string()
}

#[test]
fn every_sound_file_holds_what_the_manifest_says() {
    let m = manifest();
    for f in files(&m).iter().filter(|f| f["damage"].is_null()) {
        let path = repo_gen().join(f["path"].as_str().expect("path"));
        let a = redfile()
            .args(["check", "--deep", "--json"])
            .arg(&path)
            .assert()
            .code(0);
        let report: Json = serde_json::from_slice(&a.get_output().stdout).expect("json");
        if f["format"] == "rdb" {
            let r = &report["files"][0];
            for (db, n) in f["keys"].as_object().expect("keys") {
                assert_eq!(r["dbs"][db]["keys"], *n, "{} db {db}", path.display());
            }
            assert_eq!(r["version"], f["rdb_version"]);
        }
        let rules = f["digest_rules"].as_str().expect("rules");
        assert_eq!(
            digest_of(&path, &["--redis-version", rules]),
            f["digest"].as_str().expect("digest"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn every_damaged_copy_is_reported_where_it_was_damaged() {
    let m = manifest();
    let damaged: Vec<&Json> = files(&m)
        .iter()
        .filter(|f| !f["damage"].is_null())
        .collect();
    assert_eq!(damaged.len(), 5);
    for f in damaged {
        let path = repo_gen().join(f["path"].as_str().expect("path"));
        let a = redfile()
            .args(["check", "--json"])
            .arg(&path)
            .assert()
            .code(1);
        let v: Json = serde_json::from_slice(&a.get_output().stdout).expect("json");
        let text = v.to_string();
        let d = &f["damage"];
        match d["kind"].as_str().expect("kind") {
            "truncated" if f["format"] == "rdb" => {
                let e = &v["files"][0]["findings"][0];
                assert_eq!(e["code"], "truncated", "{text}");
                assert_eq!(e["offset"], d["len"], "{text}");
            }
            "flipped-byte" => {
                let e = &v["files"][0]["findings"][0];
                assert_eq!(e["code"], "checksum-mismatch", "{text}");
            }
            "truncated" => assert!(
                text.contains("\"truncated-tail\"") || text.contains("truncated"),
                "{text}"
            ),
            "garbage" => {
                let offset = d["offset"].as_u64().expect("offset");
                assert!(text.contains(&format!("\"offset\":{offset}")), "{text}");
            }
            "unterminated-multi" => {
                let offset = d["offset"].as_u64().expect("offset");
                assert!(text.contains(&format!("\"ok_up_to\":{offset}")), "{text}");
            }
            other => panic!("unexpected damage kind {other}"),
        }
    }
}

/// Where a generated file goes for a server to load it.
#[derive(Clone, Copy)]
enum Placement {
    /// `dump.rdb`.
    Rdb,
    /// A legacy `appendonly.aof` (7.0 upgrades it to a manifest).
    LegacyAof,
    /// `appendonlydir/`.
    AofDir,
}

/// Starts a server on a copy of one generated file and returns its digest.
fn server_digest(rel: &str, placement: Placement) -> Option<String> {
    let staging = tempfile::tempdir().expect("tempdir");
    let src = repo_gen().join(rel);
    let d = staging.path();
    let mut args = vec!["--dir".to_string(), d.display().to_string()];
    match placement {
        Placement::Rdb => {
            std::fs::copy(&src, d.join("dump.rdb")).expect("copy");
        }
        Placement::LegacyAof => {
            std::fs::copy(&src, d.join("appendonly.aof")).expect("copy");
            args.extend(["--appendonly".to_string(), "yes".to_string()]);
        }
        Placement::AofDir => {
            let dst = d.join("appendonlydir");
            std::fs::create_dir_all(&dst).expect("mkdir");
            for e in std::fs::read_dir(&src).expect("dir").flatten() {
                std::fs::copy(e.path(), dst.join(e.file_name())).expect("copy");
            }
            args.extend(["--appendonly".to_string(), "yes".to_string()]);
        }
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = RedisServer::start(&refs)?;
    let mut c = server.client();
    Some(c.run("DEBUG DIGEST").text())
}

#[test]
fn redis_loads_the_generated_files_with_their_digest() {
    for (rel, placement) in [
        ("rdb/gen-v9.rdb", Placement::Rdb),
        ("rdb/gen-v10.rdb", Placement::Rdb),
        ("aof/gen-plain.aof", Placement::LegacyAof),
        ("aof/gen-hybrid.aof", Placement::LegacyAof),
        ("aof/multipart/appendonlydir", Placement::AofDir),
    ] {
        let Some(digest) = server_digest(rel, placement) else {
            return;
        };
        let ours = digest_of(&repo_gen().join(rel), &["--redis-version", "7.0.15"]);
        assert_eq!(digest, ours, "{rel}");
        assert_ne!(digest, "0".repeat(40), "{rel}: the server loaded nothing");
    }
}
