//! `redfile fix` on damaged copies of real AOFs: the result is what
//! redis-check-aof --fix makes of a cut tail, the real server loads it and
//! holds the same keys minus the cut commands; mid-file damage is refused
//! unless --salvage; only the last file is ever changed.

use std::path::Path;

use serde_json::Value;

use super::aof::{
    check_json, file_name, last_multi, load_keys, real_tool, record_offset, run_tool, standard,
    timestamped, ts_values, Keys, RealAof, EXEC_RECORD,
};
use super::redfile;

fn fix(args: &[&str], path: &Path) -> (i32, String) {
    let out = redfile()
        .arg("fix")
        .args(args)
        .arg(path)
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn without(keys: &Keys, gone: &[&str]) -> Keys {
    let mut k = keys.clone();
    for g in gone {
        assert!(k.remove(*g).is_some(), "{g} was not there");
    }
    k
}

/// Damages the last INCR of two copies, fixes one with redfile and one with
/// redis-check-aof --fix, and returns redfile's copy.
fn damage_and_fix(
    aof: &RealAof,
    damage: impl Fn(&mut Vec<u8>),
) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let (d, dir) = aof.copy();
    let incr = dir.join(file_name(&aof.last_incr()));
    let mut bytes = std::fs::read(&incr).expect("incr");
    damage(&mut bytes);
    std::fs::write(&incr, &bytes).expect("write");
    let base_before = std::fs::read(dir.join(file_name(&aof.base()))).expect("base");

    // Dry run: reports, changes nothing.
    let (code, text) = fix(&["--dry-run"], &dir);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("dry run: nothing changed"), "{text}");
    assert_eq!(std::fs::read(&incr).expect("incr"), bytes);

    // Without --yes and without a terminal: refused.
    let (code, text) = fix(&[], &dir);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("pass --yes"), "{text}");
    assert_eq!(std::fs::read(&incr).expect("incr"), bytes);

    let (code, text) = fix(&["--yes"], &dir);
    assert_eq!(code, 0, "{text}");
    // The original is kept, the BASE untouched.
    let bak = dir.join(format!("{}.bak", file_name(&incr)));
    assert_eq!(std::fs::read(&bak).expect("backup"), bytes);
    assert_eq!(
        std::fs::read(dir.join(file_name(&aof.base()))).expect("base"),
        base_before
    );
    std::fs::remove_file(&bak).expect("rm backup");

    if let Some(tool) = real_tool("redis-check-aof") {
        let (_d2, dir2) = aof.copy();
        let incr2 = dir2.join(file_name(&incr));
        std::fs::write(&incr2, &bytes).expect("write");
        let (rc, t) = run_tool(
            &tool,
            &[
                "--fix".as_ref(),
                dir2.join("appendonly.aof.manifest").as_os_str(),
            ],
            b"y",
        );
        assert_eq!(rc, 0, "{t}");
        assert_eq!(
            std::fs::read(&incr2).expect("fixed by redis-check-aof"),
            std::fs::read(&incr).expect("fixed by redfile"),
            "redfile and redis-check-aof --fix produce the same file"
        );
    }
    let (code, doc) = check_json(&dir);
    assert_eq!(code, 0, "fixed copy checks clean: {doc}");
    (d, dir, text)
}

#[test]
fn truncated_last_command_is_cut_and_loads() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let size = std::fs::metadata(aof.last_incr()).expect("incr").len();
    let multi = last_multi(&std::fs::read(aof.last_incr()).expect("incr"));
    let (d, _dir, text) = damage_and_fix(&aof, |b| b.truncate(b.len() - 3));
    assert!(
        text.contains(&format!(
            "truncate {} from {} to {multi} bytes: cut {} bytes (3 complete commands)",
            file_name(&aof.last_incr()),
            size - 3,
            size - 3 - multi
        )),
        "{text}"
    );
    assert_eq!(load_keys(d.path()), Ok(without(&aof.keys, &["m1", "m2"])));
}

#[test]
fn unterminated_multi_is_cut_before_the_multi() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "no"]) else {
        return;
    };
    let multi = last_multi(&std::fs::read(aof.last_incr()).expect("incr"));
    let (d, dir, _) = damage_and_fix(&aof, |b| b.truncate(b.len() - EXEC_RECORD.len()));
    let incr = dir.join(file_name(&aof.last_incr()));
    assert_eq!(std::fs::metadata(incr).expect("incr").len(), multi);
    assert_eq!(load_keys(d.path()), Ok(without(&aof.keys, &["m1", "m2"])));
}

#[test]
fn a_cut_single_command_loses_only_that_command() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    // Keep everything up to the 4th SET of the INCR, and half of the 5th.
    let bytes = std::fs::read(aof.last_incr()).expect("incr");
    let fifth = record_offset(&bytes, 5);
    let (d, _dir, _) = damage_and_fix(&aof, |b| b.truncate(fifth + 10));
    assert_eq!(
        load_keys(d.path()),
        Ok(without(&aof.keys, &["incr4", "m1", "m2"]))
    );
}

#[test]
fn garbage_in_the_middle_needs_salvage() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let (d, dir) = aof.copy();
    let incr = dir.join(file_name(&aof.last_incr()));
    let mut bytes = std::fs::read(&incr).expect("incr");
    let at = record_offset(&bytes, 3);
    bytes.splice(at..at, b"!!garbage!!".iter().copied());
    std::fs::write(&incr, &bytes).expect("write");

    let (code, text) = fix(&["--yes"], &dir);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains(&format!(
            "refusing to fix {}: damage at offset {at} is followed by 7 good records",
            file_name(&incr)
        )),
        "{text}"
    );
    assert_eq!(std::fs::read(&incr).expect("incr"), bytes, "left alone");

    let out = redfile()
        .args(["fix", "--yes", "--salvage", "--json"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["plan"]["plan"]["action"], "salvage", "{doc}");
    assert_eq!(
        doc["plan"]["plan"]["dropped"],
        serde_json::json!([{"start": at, "end": at + 11}])
    );
    assert_eq!(doc["plan"]["plan"]["bytes_dropped"], 11);
    assert_eq!(doc["plan"]["plan"]["commands_kept_after_damage"], 7);
    assert_eq!(doc["applied"], true);
    let mut expect = bytes.clone();
    expect.drain(at..at + 11);
    assert_eq!(std::fs::read(&incr).expect("incr"), expect);
    // Nothing but the garbage was dropped: the server has every key.
    assert_eq!(load_keys(d.path()), Ok(aof.keys.clone()));
}

#[test]
fn never_cuts_the_base() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "no"]) else {
        return;
    };
    let (_d, dir) = aof.copy();
    let base = dir.join(file_name(&aof.base()));
    let mut bytes = std::fs::read(&base).expect("base");
    bytes.truncate(bytes.len() - 2);
    std::fs::write(&base, &bytes).expect("write");
    let (code, text) = fix(&["--yes"], &dir);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("is not the last file of the manifest"),
        "{text}"
    );
    assert_eq!(std::fs::read(&base).expect("base"), bytes);
}

#[test]
fn layout_problems_are_not_fixed() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let (_d, dir) = aof.copy();
    std::fs::remove_file(dir.join(file_name(&aof.last_incr()))).expect("rm");
    let (code, text) = fix(&["--yes"], &dir);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("listed in the manifest is missing"), "{text}");
}

#[test]
fn truncate_to_timestamp_matches_redis_check_aof() {
    let Some(aof) = timestamped() else {
        return;
    };
    let bytes = std::fs::read(aof.last_incr()).expect("incr");
    let ts = ts_values(&bytes);
    assert!(ts.len() >= 2, "writes spanned two seconds: {ts:?}");
    let (cut_at, cut_ts) = ts[ts.len() - 1];
    let limit = (cut_ts - 1).to_string();
    let (d, dir) = aof.copy();
    let (code, text) = fix(&["--yes", "--truncate-to-timestamp", &limit], &dir);
    assert_eq!(code, 0, "{text}");
    let incr = dir.join(file_name(&aof.last_incr()));
    assert_eq!(std::fs::metadata(&incr).expect("incr").len(), cut_at as u64);
    if let Some(tool) = real_tool("redis-check-aof") {
        let (_d2, dir2) = aof.copy();
        let (rc, t) = run_tool(
            &tool,
            &[
                "--truncate-to-timestamp".as_ref(),
                limit.as_ref(),
                dir2.join("appendonly.aof.manifest").as_os_str(),
            ],
            b"",
        );
        assert_eq!(rc, 0, "{t}");
        assert_eq!(
            std::fs::read(dir2.join(file_name(&incr))).expect("incr"),
            std::fs::read(&incr).expect("incr")
        );
    }
    let _ = std::fs::remove_file(dir.join(format!("{}.bak", file_name(&incr))));
    let loaded = load_keys(d.path()).expect("loads");
    assert!(loaded.contains_key("early0"), "{loaded:?}");
    assert!(!loaded.contains_key("m1"), "{loaded:?}");
    assert!(loaded.len() < aof.keys.len());
}
