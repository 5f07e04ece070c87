//! `redfile check` on RDB files: verdicts, offsets, messages, exit codes,
//! standard input and compressed input.

use std::path::{Path, PathBuf};

use crate::redfile;

pub fn repo_fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

fn stdout_of(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stdout).into_owned()
}

#[test]
fn a_sound_file_is_ok_with_exit_0() {
    let a = redfile()
        .args(["check", "--now", "1800000000"])
        .arg(repo_fixture("rdb/mixed-redis-7.0.rdb"))
        .assert()
        .code(0);
    let out = stdout_of(&a);
    assert!(
        out.contains("RDB version 10 (REDIS0010), producer Redis, redis-ver 7.0.15"),
        "{out}"
    );
    assert!(
        out.contains(
            "keys      10 (db0=9 db2=1), 1 with expiry, 0 already expired, 0 with field TTLs"
        ),
        "{out}"
    );
    assert!(out.contains("functions 1"), "{out}");
    assert!(out.contains("checksum  OK (9562cebf65fda760)"), "{out}");
    assert!(out.contains("result    OK"), "{out}");
}

#[test]
fn already_expired_keys_are_counted_against_now() {
    // session:1 expires at 4102444800000 ms (2100-01-01).
    let a = redfile()
        .args(["check", "--now", "4102444801"])
        .arg(repo_fixture("rdb/mixed-redis-7.0.rdb"))
        .assert()
        .code(0);
    assert!(stdout_of(&a).contains("1 with expiry, 1 already expired"));
}

#[test]
fn a_flipped_byte_is_a_crc_error_with_exit_1() {
    let a = redfile()
        .arg("check")
        .arg(repo_fixture("corrupt/mixed-flipped-byte.rdb"))
        .assert()
        .code(1);
    let out = stdout_of(&a);
    assert!(
        out.contains("error     offset 606: [checksum-mismatch] RDB CRC error: stored checksum 9562cebf65fda760, computed ae758d00eb189877"),
        "{out}"
    );
    assert!(out.contains("result    DAMAGED (1 errors)"), "{out}");
}

#[test]
fn a_truncated_file_names_the_cut_record() {
    let a = redfile()
        .arg("check")
        .arg(repo_fixture("corrupt/mixed-truncated-300.rdb"))
        .assert()
        .code(1);
    let out = stdout_of(&a);
    assert!(
        out.contains("error     offset 300: [truncated] unexpected end of file while reading the value of key \"events\" (stream-v2) that starts at offset 282"),
        "{out}"
    );
    assert!(out.contains("read      282 bytes (stopped early)"), "{out}");
    assert!(out.contains("checksum  not reached"), "{out}");
}

#[test]
fn standard_input_and_gzip_are_read() {
    let bytes = std::fs::read(repo_fixture("rdb/mixed-redis-7.0.rdb")).expect("fixture");
    let a = redfile()
        .args(["check", "-"])
        .write_stdin(bytes)
        .assert()
        .code(0);
    assert!(stdout_of(&a).starts_with("-: RDB version 10"));
    let gz = std::fs::read(repo_fixture("rdb/mixed-redis-7.0.rdb.gz")).expect("fixture");
    let a = redfile()
        .args(["check", "-"])
        .write_stdin(gz)
        .assert()
        .code(0);
    assert!(stdout_of(&a).contains("checksum  OK (9562cebf65fda760)"));
}

#[test]
fn zstd_input_is_read() {
    let raw = std::fs::read(repo_fixture("rdb/mixed-redis-7.0.rdb")).expect("fixture");
    let zst =
        ruzstd::encoding::compress_to_vec(&raw[..], ruzstd::encoding::CompressionLevel::Fastest);
    let a = redfile()
        .args(["check", "-"])
        .write_stdin(zst)
        .assert()
        .code(0);
    assert!(stdout_of(&a).contains("keys      10 (db0=9 db2=1)"));
}

#[test]
fn a_missing_file_is_exit_2_and_others_are_still_checked() {
    let a = redfile()
        .arg("check")
        .arg("/nonexistent/dump.rdb")
        .arg(repo_fixture("rdb/mixed-redis-7.0.rdb"))
        .assert()
        .code(2);
    let out = stdout_of(&a);
    assert!(
        out.contains("/nonexistent/dump.rdb: cannot read: cannot check /nonexistent/dump.rdb: No such file or directory"),
        "{out}"
    );
    assert!(out.contains("result    OK"), "{out}");
}

#[test]
fn neither_rdb_nor_manifest_is_read_as_an_aof_and_fails_at_its_first_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("notes.txt");
    std::fs::write(&p, b"hello there, not redis").expect("write");
    let a = redfile().arg("check").arg(&p).assert().code(1);
    let out = stdout_of(&a);
    assert!(
        out.contains("damage    offset 0: malformed record: item starts with byte 0x68 instead of '*' or '#'"),
        "{out}"
    );
    assert!(out.contains("redis     AOF "), "{out}");
    assert!(out.contains("result    DAMAGED"), "{out}");
}

#[test]
fn json_output_is_one_document_with_every_file() {
    let a = redfile()
        .args(["check", "--json", "--now", "1800000000"])
        .arg(repo_fixture("rdb/mixed-redis-7.0.rdb"))
        .arg(repo_fixture("corrupt/mixed-flipped-byte.rdb"))
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).expect("json");
    assert_eq!(v["ok"], false);
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["ok"], true);
    assert_eq!(files[0]["keys_read"], 10);
    assert_eq!(files[0]["version"], 10);
    assert_eq!(files[0]["checksum"], "ok");
    assert_eq!(files[0]["dbs"]["2"]["keys"], 1);
    assert_eq!(files[0]["functions"][0]["name"], "mylib");
    assert_eq!(files[1]["ok"], false);
    assert_eq!(files[1]["findings"][0]["code"], "checksum-mismatch");
    assert_eq!(files[1]["findings"][0]["offset"], 606);
}

#[test]
fn deep_check_of_a_sound_file_finds_nothing() {
    let a = redfile()
        .args(["check", "--deep", "--json", "--now", "1800000000"])
        .arg(repo_fixture("rdb/mixed-redis-7.0.rdb"))
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&a.get_output().stdout).expect("json");
    assert_eq!(v["files"][0]["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    // `redfile check --json ... | head -c 10`: the write fails with EPIPE
    // once the reader is gone; that must exit 0 without a message.
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{} check --json {} {} {} | head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}",
            assert_cmd::cargo::cargo_bin!("redfile").display(),
            repo_fixture("rdb/mixed-redis-7.0.rdb").display(),
            repo_fixture("rdb/mixed-redis-7.0.rdb").display(),
            repo_fixture("rdb/mixed-redis-7.0.rdb").display(),
        ))
        .output()
        .expect("sh runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}
