//! `redfile check` on AOFs written by a real redis-server (7.0 on Debian):
//! plain RESP, RDB preamble, multi-part with INCR files, timestamps; and
//! damaged copies, each compared with what redis-check-aof reports. The
//! helpers here are shared with `fix` and `dropin`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::redfile;
use super::redis::{Client, RedisServer};

/// Keys and string values of a server, all databases flattened (the tests
/// only use db 0).
pub type Keys = BTreeMap<String, String>;

/// A real AOF directory written by redis-server, with the keys it holds.
pub struct RealAof {
    /// Keeps the files alive.
    pub _dir: tempfile::TempDir,
    /// `<root>/appendonlydir`.
    pub aofdir: PathBuf,
    /// Keys after every command.
    pub keys: Keys,
}

impl RealAof {
    /// The manifest path.
    pub fn manifest(&self) -> PathBuf {
        self.aofdir.join("appendonly.aof.manifest")
    }

    /// The last INCR file.
    pub fn last_incr(&self) -> PathBuf {
        let m = std::fs::read_to_string(self.manifest()).expect("manifest");
        let name = m
            .lines()
            .rfind(|l| l.ends_with("type i"))
            .and_then(|l| l.split_whitespace().nth(1))
            .expect("an incr entry")
            .to_string();
        self.aofdir.join(name)
    }

    /// The BASE file.
    pub fn base(&self) -> PathBuf {
        let m = std::fs::read_to_string(self.manifest()).expect("manifest");
        let name = m
            .lines()
            .find(|l| l.ends_with("type b"))
            .and_then(|l| l.split_whitespace().nth(1))
            .expect("a base entry")
            .to_string();
        self.aofdir.join(name)
    }

    /// A copy of the whole server dir, to damage.
    pub fn copy(&self) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().expect("tempdir");
        let to = d.path().join("appendonlydir");
        std::fs::create_dir(&to).expect("mkdir");
        for e in std::fs::read_dir(&self.aofdir).expect("readdir").flatten() {
            std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
        }
        (d, to)
    }
}

/// Every key with its string value.
pub fn keys_of(c: &mut Client) -> Keys {
    let mut out = Keys::new();
    for k in c.run("KEYS *").byte_list() {
        let v = c.cmd_list(&[b"GET".as_slice(), &k]);
        out.insert(
            String::from_utf8_lossy(&k).into_owned(),
            String::from_utf8_lossy(v.bytes()).into_owned(),
        );
    }
    out
}

pub fn wait_rewrite(c: &mut Client) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let info = c.run("INFO persistence").text();
        if info.contains("aof_rewrite_in_progress:0")
            && info.contains("aof_rewrite_scheduled:0")
            && info.contains("aof_last_bgrewrite_status:ok")
        {
            return;
        }
        assert!(Instant::now() < deadline, "rewrite did not finish: {info}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Writes an AOF with a real server: `before` commands, a BGREWRITEAOF (so
/// they land in the BASE), then `after` commands (in the INCR file), and
/// a closing MULTI/EXEC that sets `m1` and `m2`. `extra` are config pairs.
pub fn make_aof(extra: &[&str], before: &[&[&str]], after: &[&[&str]]) -> Option<RealAof> {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    let mut args = vec!["--dir", root.to_str().expect("utf-8 temp path")];
    args.extend(["--appendonly", "yes", "--appendfsync", "always"]);
    args.extend(extra);
    let server = RedisServer::start(&args)?;
    let mut c = server.client();
    for cmd in before {
        c.cmd_list(cmd);
    }
    c.run("BGREWRITEAOF");
    wait_rewrite(&mut c);
    for cmd in after {
        c.cmd_list(cmd);
    }
    c.run("MULTI");
    c.run("SET m1 x");
    c.run("SET m2 y");
    c.cmd_list(&["EXEC"]);
    let keys = keys_of(&mut c);
    drop(server);
    Some(RealAof {
        _dir: dir,
        aofdir: root.join("appendonlydir"),
        keys,
    })
}

/// Commands setting `k0..k<n>` to `v<i>`.
pub fn sets(prefix: &str, n: usize) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| vec!["SET".to_string(), format!("{prefix}{i}"), format!("v{i}")])
        .collect()
}

/// Borrowed views for [`make_aof`].
pub fn refs(v: &[Vec<String>]) -> Vec<Vec<&str>> {
    v.iter()
        .map(|c| c.iter().map(String::as_str).collect())
        .collect()
}

/// The standard dataset: 5 keys in the BASE, 5 in the INCR, then m1/m2.
pub fn standard(extra: &[&str]) -> Option<RealAof> {
    let b = sets("base", 5);
    let a = sets("incr", 5);
    let (b, a) = (refs(&b), refs(&a));
    let b: Vec<&[&str]> = b.iter().map(Vec::as_slice).collect();
    let a: Vec<&[&str]> = a.iter().map(Vec::as_slice).collect();
    make_aof(extra, &b, &a)
}

/// Starts a server on `root` (holding `appendonlydir` or a legacy
/// `appendonly.aof`) and returns its keys. A server that refuses to load
/// fails the test (the harness panics with its log); `Err` only when
/// redis-server is absent.
pub fn load_keys(root: &Path) -> Result<Keys, String> {
    let args = [
        "--dir",
        root.to_str().expect("utf-8 path"),
        "--appendonly",
        "yes",
        "--aof-load-truncated",
        "no",
    ];
    match RedisServer::start(&args) {
        Some(server) => Ok(keys_of(&mut server.client())),
        None => Err("redis-server is absent".into()),
    }
}

/// `redis-check-aof` on PATH, or `None` with a note (failing when
/// `REDFILE_REQUIRE_REDIS=1`).
pub fn real_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let found = std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        let required = std::env::var("REDFILE_REQUIRE_REDIS").is_ok_and(|v| v == "1");
        assert!(
            !required,
            "REDFILE_REQUIRE_REDIS=1 but {name} is not on PATH"
        );
        eprintln!("note: {name} is not on PATH; skipping the comparison");
    }
    found
}

/// Runs a real tool; returns (exit code, stdout).
pub fn run_tool(tool: &Path, args: &[&std::ffi::OsStr], stdin: &[u8]) -> (i32, String) {
    use std::io::Write;
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tool");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin);
    }
    let out = child.wait_with_output().expect("tool output");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// `ok_up_to=<n>` values of redis-check-aof's `AOF analyzed` lines, by file.
pub fn analyzed(transcript: &str) -> Vec<(String, u64, u64)> {
    transcript
        .lines()
        .filter_map(|l| l.strip_prefix("AOF analyzed: filename="))
        .map(|l| {
            let field = |k: &str| -> u64 {
                l.split(", ")
                    .find_map(|f| f.strip_prefix(k))
                    .and_then(|v| v.parse().ok())
                    .expect("numeric field")
            };
            let name = l.split(',').next().unwrap_or_default().to_string();
            (name, field("ok_up_to="), field("ok_up_to_line="))
        })
        .collect()
}

/// `redfile check --json` on a path: (exit code, the file's document).
pub fn check_json(path: &Path) -> (i32, Value) {
    let out = redfile()
        .args(["check", "--json"])
        .arg(path)
        .output()
        .expect("runs");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), doc["files"][0].clone())
}

/// The part of a check document with this file name.
pub fn part<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .find(|p| p["name"].as_str().is_some_and(|n| n.ends_with(name)))
        .unwrap_or_else(|| panic!("no part {name} in {doc}"))
}

/// The file name of a path.
pub fn file_name(p: &Path) -> String {
    p.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

/// The length of the last RESP record of a file (the EXEC of the closing
/// transaction is `*1\r\n$4\r\nEXEC\r\n`).
pub const EXEC_RECORD: &[u8] = b"*1\r\n$4\r\nEXEC\r\n";

#[test]
fn clean_preamble_multi_part_aof() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    assert_eq!(aof.keys.len(), 12);
    // The directory, the manifest and the name are all accepted.
    for p in [aof.aofdir.clone(), aof.manifest()] {
        let (code, doc) = check_json(&p);
        assert_eq!(code, 0, "{doc}");
        assert_eq!(doc["format"], "aof-multi-part");
        let base = part(&doc, &file_name(&aof.base()));
        assert_eq!(base["format"], "rdb-preamble");
        assert_eq!(base["role"], "base");
        assert_eq!(base["rdb"]["keys_read"], 5);
        assert_eq!(base["commands"], 0);
        let incr = part(&doc, &file_name(&aof.last_incr()));
        // SELECT, 5 SETs, MULTI, 2 SETs, EXEC.
        assert_eq!(incr["commands"], 10, "{incr}");
        let size = std::fs::metadata(aof.last_incr()).expect("incr").len();
        assert_eq!(incr["ok_up_to"], size);
        assert_eq!(incr["diff"], 0);
    }
    let out = redfile().arg("check").arg(&aof.aofdir).assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    assert!(text.contains("AOF, multi-part"), "{text}");
    assert!(text.contains("RDB preamble + RESP tail"), "{text}");
    assert!(text.contains("result    OK"), "{text}");
}

#[test]
fn plain_aof_line_counter_matches_redis_check_aof() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "no"]) else {
        return;
    };
    let (code, doc) = check_json(&aof.manifest());
    assert_eq!(code, 0, "{doc}");
    let base = part(&doc, &file_name(&aof.base()));
    assert_eq!(base["format"], "resp");
    // The rewrite wrote SELECT + 5 SETs into the RESP base.
    assert_eq!(base["commands"], 6);
    let Some(tool) = real_tool("redis-check-aof") else {
        return;
    };
    let (rc, t) = run_tool(&tool, &[aof.manifest().as_os_str()], b"");
    assert_eq!(rc, 0, "{t}");
    let lines = analyzed(&t);
    assert_eq!(lines.len(), 2, "{t}");
    for (name, ok_up_to, line) in lines {
        let p = part(&doc, &name);
        assert_eq!(p["ok_up_to"], ok_up_to, "{name}");
        assert_eq!(
            p["ok_up_to_line"], line,
            "{name}: line counter carried over"
        );
    }
}

/// Damage the last INCR of a copy; check both tools agree on `ok_up_to`.
fn damaged_agree(
    aof: &RealAof,
    damage: impl Fn(&mut Vec<u8>),
) -> (tempfile::TempDir, PathBuf, Value) {
    let (d, dir) = aof.copy();
    let incr = dir.join(file_name(&aof.last_incr()));
    let mut bytes = std::fs::read(&incr).expect("incr");
    damage(&mut bytes);
    std::fs::write(&incr, &bytes).expect("write");
    let (code, doc) = check_json(&dir);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["ok"], false);
    if let Some(tool) = real_tool("redis-check-aof") {
        let (rc, t) = run_tool(
            &tool,
            &[dir.join("appendonly.aof.manifest").as_os_str()],
            b"",
        );
        assert_eq!(rc, 1, "{t}");
        for (name, ok_up_to, line) in analyzed(&t) {
            let p = part(&doc, &name);
            assert_eq!(p["ok_up_to"], ok_up_to, "{name}: {t}");
            assert_eq!(p["ok_up_to_line"], line, "{name}: {t}");
        }
        let incr_name = file_name(&incr);
        let msg = t
            .lines()
            .find(|l| l.starts_with("0x") || l.contains("format error"));
        assert_eq!(
            part(&doc, &incr_name)["redis_check_aof"].as_str(),
            msg,
            "{t}"
        );
    }
    (d, dir, doc)
}

#[test]
fn truncated_last_command() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let bytes = std::fs::read(aof.last_incr()).expect("incr");
    let size = bytes.len() as u64;
    let (_d, _dir, doc) = damaged_agree(&aof, |b| b.truncate(b.len() - 3));
    let incr = part(&doc, &file_name(&aof.last_incr()));
    // The EXEC record is cut: the whole transaction goes, from its MULTI.
    let multi = last_multi(&bytes);
    assert_eq!(incr["ok_up_to"], multi, "{incr}");
    assert_eq!(incr["diff"], size - 3 - multi);
    assert_eq!(incr["damage"]["kind"], "truncated_tail");
    assert_eq!(incr["damage"]["cause"], "eof_in_record");
    assert_eq!(incr["damage"]["commands_cut"], 3);
}

#[test]
fn unterminated_multi() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let (_d, _dir, doc) = damaged_agree(&aof, |b| b.truncate(b.len() - EXEC_RECORD.len()));
    let incr = part(&doc, &file_name(&aof.last_incr()));
    assert_eq!(incr["damage"]["cause"], "unterminated_multi", "{incr}");
    assert_eq!(incr["damage"]["commands_cut"], 3);
    assert!(incr["redis_check_aof"]
        .as_str()
        .is_some_and(|m| m.ends_with("Reached EOF before reading EXEC for MULTI")));
}

/// Offset of the last `MULTI` record of a file.
pub fn last_multi(bytes: &[u8]) -> u64 {
    let pat = b"*1\r\n$5\r\nMULTI\r\n";
    bytes
        .windows(pat.len())
        .rposition(|w| w == pat)
        .expect("a MULTI") as u64
}

/// Offset of the `n`th record (`*` at a line start) of a RESP file.
pub fn record_offset(bytes: &[u8], n: usize) -> usize {
    let mut seen = 0;
    for i in 0..bytes.len() {
        if bytes[i] == b'*' && (i == 0 || bytes[i - 1] == b'\n') {
            if seen == n {
                return i;
            }
            seen += 1;
        }
    }
    panic!("fewer than {n} records")
}

#[test]
fn garbage_in_the_middle() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let bytes = std::fs::read(aof.last_incr()).expect("incr");
    let at = record_offset(&bytes, 3);
    let (_d, _dir, doc) = damaged_agree(&aof, |b| {
        b.splice(at..at, b"!!garbage!!".iter().copied());
    });
    let incr = part(&doc, &file_name(&aof.last_incr()));
    assert_eq!(incr["ok_up_to"], at as u64);
    assert_eq!(incr["damage"]["kind"], "malformed", "{incr}");
    assert_eq!(incr["damage"]["offset"], at as u64);
    // After the garbage: 3 SETs, MULTI, 2 SETs, EXEC.
    assert_eq!(incr["salvage"]["commands_after"], 7, "{incr}");
    assert_eq!(incr["salvage"]["bytes_after"], (bytes.len() - at) as u64);
    assert_eq!(
        incr["salvage"]["dropped"],
        serde_json::json!([{"start": at, "end": at + 11}])
    );
}

#[test]
fn manifest_naming_a_missing_file() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let (_d, dir) = aof.copy();
    std::fs::remove_file(dir.join(file_name(&aof.last_incr()))).expect("rm");
    let (code, doc) = check_json(&dir);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["problem"]["kind"], "missing_file");
    assert_eq!(doc["problem"]["role"], "incr");
    assert!(doc["problem"]["path"]
        .as_str()
        .is_some_and(|p| p.ends_with(&file_name(&aof.last_incr()))));
    // The BASE before it was still checked.
    assert_eq!(part(&doc, &file_name(&aof.base()))["valid"], true);
}

#[test]
fn bad_manifest_line() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let (_d, dir) = aof.copy();
    let m = dir.join("appendonly.aof.manifest");
    let mut text = std::fs::read_to_string(&m).expect("manifest");
    text.push_str("file x.aof seq 9 type z\n");
    std::fs::write(&m, &text).expect("write");
    let (code, doc) = check_json(&dir);
    assert_eq!(code, 1, "{doc}");
    assert_eq!(doc["problem"]["kind"], "manifest");
    assert_eq!(doc["problem"]["line"], 3);
    assert_eq!(doc["problem"]["message"], "Unknown AOF file type");
    assert_eq!(doc["problem"]["text"], "file x.aof seq 9 type z");
}

#[test]
fn single_file_preamble_and_plain() {
    for preamble in ["yes", "no"] {
        let Some(aof) = standard(&["--aof-use-rdb-preamble", preamble]) else {
            return;
        };
        // A legacy single-file AOF: the BASE followed by the INCR.
        let mut bytes = std::fs::read(aof.base()).expect("base");
        let base_len = bytes.len() as u64;
        bytes.extend(std::fs::read(aof.last_incr()).expect("incr"));
        let d = tempfile::tempdir().expect("tempdir");
        let f = d.path().join("appendonly.aof");
        std::fs::write(&f, &bytes).expect("write");
        let (code, doc) = check_json(&f);
        assert_eq!(code, 0, "{doc}");
        let want = if preamble == "yes" {
            "aof-preamble"
        } else {
            "aof"
        };
        assert_eq!(doc["format"], want);
        let p = &doc["parts"][0];
        assert_eq!(p["ok_up_to"], bytes.len() as u64);
        if preamble == "yes" {
            assert_eq!(p["resp_start"], base_len);
            assert_eq!(p["commands"], 10);
        } else {
            assert_eq!(p["commands"], 16);
        }
        // The server loads the same keys from it.
        assert_eq!(load_keys(d.path()).as_ref(), Ok(&aof.keys));
    }
}

#[test]
fn timestamps_are_reported() {
    let Some(aof) = timestamped() else {
        return;
    };
    let (code, doc) = check_json(&aof.aofdir);
    assert_eq!(code, 0, "{doc}");
    let incr = part(&doc, &file_name(&aof.last_incr()));
    let ts = last_ts(&std::fs::read(aof.last_incr()).expect("incr"));
    assert_eq!(incr["last_timestamp"], ts);
    assert!(
        incr["annotations"].as_u64().is_some_and(|n| n >= 1),
        "{incr}"
    );
}

/// `#TS:` values of a file, in order.
pub fn ts_values(bytes: &[u8]) -> Vec<(usize, i64)> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if let Some(v) = line.strip_prefix(b"#TS:") {
            let v = String::from_utf8_lossy(v);
            out.push((at, v.trim().parse().expect("ts")));
        }
        at += line.len();
    }
    out
}

fn last_ts(bytes: &[u8]) -> i64 {
    ts_values(bytes).last().expect("a #TS").1
}

/// An AOF with `aof-timestamp-enabled yes` and writes in at least two
/// different seconds after the rewrite: `early*` keys, a pause, `late*`.
pub fn timestamped() -> Option<RealAof> {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    let args = [
        "--dir",
        root.to_str().expect("utf-8"),
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--aof-timestamp-enabled",
        "yes",
        "--aof-use-rdb-preamble",
        "no",
    ];
    let server = RedisServer::start(&args)?;
    let mut c = server.client();
    c.run("SET early0 v0");
    std::thread::sleep(Duration::from_millis(1100));
    c.run("SET early1 v1");
    std::thread::sleep(Duration::from_millis(1100));
    c.run("SET late0 v0");
    c.run("SET late1 v1");
    c.run("MULTI");
    c.run("SET m1 x");
    c.run("SET m2 y");
    c.cmd_list(&["EXEC"]);
    let keys = keys_of(&mut c);
    drop(server);
    Some(RealAof {
        _dir: dir,
        aofdir: root.join("appendonlydir"),
        keys,
    })
}

/// Cutting a real AOF at a sample of lengths and flipping bytes never
/// makes `redfile check` crash: it exits 0 or 1 with a JSON report whose
/// offsets stay inside the file.
#[test]
fn cuts_and_flips_never_panic() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let mut bytes = std::fs::read(aof.base()).expect("base");
    bytes.extend(std::fs::read(aof.last_incr()).expect("incr"));
    let d = tempfile::tempdir().expect("tempdir");
    let f = d.path().join("appendonly.aof");
    let n = bytes.len();
    let mut cases: Vec<Vec<u8>> = (0..n).step_by(7).map(|c| bytes[..c].to_vec()).collect();
    for i in (0..n).step_by(11) {
        let mut m = bytes.clone();
        m[i] ^= 0x5a;
        cases.push(m);
    }
    for case in cases {
        std::fs::write(&f, &case).expect("write");
        let out = redfile()
            .args(["check", "--json"])
            .arg(&f)
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        let code = out.status.code();
        assert!(matches!(code, Some(0 | 1)), "{code:?} {err}");
        let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
        for p in doc["files"][0]["parts"].as_array().into_iter().flatten() {
            if let Some(ok) = p["ok_up_to"].as_u64() {
                assert!(ok <= case.len() as u64);
            }
        }
    }
}
