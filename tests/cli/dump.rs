//! `redfile dump`: exact output of every format on the repo fixtures, the
//! filters, binary values surviving JSON and CSV, and the round trip the
//! issue asks for: `dump --format resp` sent to a real server gives the
//! file's DEBUG DIGEST.
//!
//! The expected outputs live in `tests/cli/expected/dump/`; after a
//! deliberate change, regenerate them with
//! `REDFILE_UPDATE_EXPECT=1 cargo test --test cli dump` and review the diff.

use std::path::{Path, PathBuf};

use crate::check::repo_fixture;
use crate::redfile;
use crate::redis::{RedisServer, Reply};

const MIXED: &str = "rdb/mixed-redis-7.0.rdb";

fn dump(file: &Path, args: &[&str]) -> Vec<u8> {
    let a = redfile().arg("dump").args(args).arg(file).assert().code(0);
    a.get_output().stdout.clone()
}

fn expected_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/expected/dump")
}

/// Compares with the committed expected output, or rewrites it under
/// `REDFILE_UPDATE_EXPECT=1`.
fn expect_file(name: &str, got: &[u8]) {
    let path = expected_dir().join(name);
    if std::env::var_os("REDFILE_UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(expected_dir()).expect("mkdir");
        std::fs::write(&path, got).expect("write expected output");
        return;
    }
    let want = std::fs::read(&path).unwrap_or_default();
    assert!(
        want == got,
        "dump output differs from {}; if the change is deliberate, run `REDFILE_UPDATE_EXPECT=1 cargo test --test cli dump` and review the diff\n--- got ---\n{}",
        path.display(),
        String::from_utf8_lossy(got)
    );
}

const FORMATS: [&str; 5] = ["json", "jsonl", "csv", "resp", "cmd"];

#[test]
fn mixed_fixture_every_format_exact() {
    for f in FORMATS {
        let out = dump(&repo_fixture(MIXED), &["--format", f]);
        expect_file(&format!("mixed-redis-7.0.{f}"), &out);
    }
}

#[test]
fn mixed_fixture_jsonl_lines() {
    let out = dump(&repo_fixture(MIXED), &["--format", "jsonl"]);
    let text = String::from_utf8(out).expect("utf-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 10);
    assert_eq!(
        lines[0],
        r#"{"db":0,"key":"counter","type":"string","encoding":"string","expire_ms":null,"value":"42"}"#
    );
    assert_eq!(
        lines[3],
        r#"{"db":0,"key":"session:1","type":"string","encoding":"string","expire_ms":4102444800000,"value":"alice"}"#
    );
    assert_eq!(
        lines[8],
        r#"{"db":0,"key":"scores","type":"zset","encoding":"zset-listpack","expire_ms":null,"value":[["nobody","-inf"],["alice",1.5],["bob",2]]}"#
    );
    assert_eq!(
        lines[9],
        r#"{"db":2,"key":"other:db","type":"string","encoding":"string","expire_ms":null,"value":"in db 2"}"#
    );
    // Every line is a JSON document; the stream carries its group.
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l).expect("valid JSON line");
        if v["key"] == "events" {
            let g = &v["value"]["groups"][0];
            assert_eq!(g["name"], "auditors");
            assert_eq!(g["consumers"][0]["name"], "worker1");
            assert_eq!(g["pending"][0]["id"], "1700000000000-0");
        }
    }
}

#[test]
fn json_document_parses_and_holds_functions_and_aux() {
    let out = dump(&repo_fixture(MIXED), &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out).expect("one JSON document");
    assert_eq!(v["keys"].as_array().map(Vec::len), Some(10));
    assert_eq!(v["aux"]["redis-ver"], "7.0.15");
    assert!(v["functions"][0]
        .as_str()
        .is_some_and(|s| s.starts_with("#!lua name=mylib")));
}

#[test]
fn gzip_input_dumps_like_the_plain_file() {
    let plain = dump(&repo_fixture(MIXED), &["--format", "jsonl"]);
    let gz = dump(
        &repo_fixture("rdb/mixed-redis-7.0.rdb.gz"),
        &["--format", "jsonl"],
    );
    assert_eq!(plain, gz);
}

#[test]
fn stdin_input() {
    let plain = dump(&repo_fixture(MIXED), &["--format", "csv"]);
    let a = redfile()
        .args(["dump", "--format", "csv", "-"])
        .pipe_stdin(repo_fixture(MIXED))
        .expect("stdin")
        .assert()
        .code(0);
    assert_eq!(a.get_output().stdout, plain);
}

#[test]
fn gen_fixtures_exact() {
    for f in FORMATS {
        let out = dump(&repo_fixture("gen/rdb/gen-v11.rdb"), &["--format", f]);
        expect_file(&format!("gen-v11.{f}"), &out);
    }
    for (file, name) in [
        ("gen/rdb/gen-v9.rdb", "gen-v9.jsonl"),
        ("gen/rdb/gen-v14.rdb", "gen-v14.jsonl"),
        ("gen/aof/gen-plain.aof", "gen-plain.aof.jsonl"),
        ("gen/aof/gen-hybrid.aof", "gen-hybrid.aof.jsonl"),
        ("gen/aof/multipart/appendonlydir", "multipart.jsonl"),
    ] {
        expect_file(name, &dump(&repo_fixture(file), &["--format", "jsonl"]));
    }
    expect_file(
        "gen-v14.cmd",
        &dump(&repo_fixture("gen/rdb/gen-v14.rdb"), &["--format", "cmd"]),
    );
}

/// Standard base64, for checking the `{"base64": ...}` form.
fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for chunk in s.as_bytes().chunks(4) {
        let pad = chunk.iter().filter(|&&c| c == b'=').count();
        let mut n = 0u32;
        for &c in chunk {
            n = n << 6 | if c == b'=' { 0 } else { val(c) };
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    out
}

/// A JSON byte string as its bytes.
fn json_bytes(v: &serde_json::Value) -> Vec<u8> {
    match v {
        serde_json::Value::String(s) => s.as_bytes().to_vec(),
        serde_json::Value::Object(o) => {
            base64_decode(o["base64"].as_str().expect("base64 is a string"))
        }
        other => panic!("not a byte string: {other}"),
    }
}

#[test]
fn binary_values_round_trip_through_json_and_csv() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut c = server.client();
    let bin_key: &[u8] = b"bin\xff\x00key\n";
    let bin_val: &[u8] = b"\x00\x01\xfe\xff \"quoted\" \\ end";
    c.cmd(&[&"SET", &bin_key, &bin_val]);
    c.cmd(&[&"SET", &"base64:tricky", &"base64:abc"]);
    c.cmd(&[&"RPUSH", &"list", &bin_val, &"plain", &"ünï"]);
    c.cmd(&[&"HSET", &"h", &bin_key, &bin_val]);
    c.run("SAVE");
    let rdb = server.rdb_path();

    let out = dump(&rdb, &["--format", "jsonl"]);
    let mut seen = 0;
    for line in String::from_utf8(out).expect("JSON is UTF-8").lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        let key = json_bytes(&v["key"]);
        match key.as_slice() {
            k if k == bin_key => {
                assert_eq!(json_bytes(&v["value"]), bin_val);
                assert!(v["key"]["base64"].is_string(), "non-UTF-8 key as base64");
            }
            b"base64:tricky" => assert_eq!(json_bytes(&v["value"]), b"base64:abc"),
            b"list" => {
                let items: Vec<Vec<u8>> = v["value"]
                    .as_array()
                    .expect("array")
                    .iter()
                    .map(json_bytes)
                    .collect();
                assert_eq!(items, [bin_val, b"plain", "ünï".as_bytes()]);
            }
            b"h" => {
                let pair = &v["value"][0];
                assert_eq!(json_bytes(&pair[0]), bin_key);
                assert_eq!(json_bytes(&pair[1]), bin_val);
            }
            other => panic!("unexpected key {other:?}"),
        }
        seen += 1;
    }
    assert_eq!(seen, 4);

    // CSV: `base64:` cells for what is not UTF-8, or already looks like one.
    let csv = String::from_utf8(dump(&rdb, &["--format", "csv", "--type", "string"]))
        .expect("CSV is UTF-8");
    let mut rows = 0;
    for row in csv.lines().skip(1) {
        let cols: Vec<&str> = row.split(',').collect();
        let decode = |s: &str| match s.strip_prefix("base64:") {
            Some(b) => base64_decode(b),
            None => s.as_bytes().to_vec(),
        };
        let key = decode(cols[1]);
        let value = decode(cols[5]);
        if key == bin_key {
            assert_eq!(value, bin_val);
        } else {
            assert_eq!(key, b"base64:tricky");
            assert_eq!(value, b"base64:abc");
        }
        rows += 1;
    }
    assert_eq!(rows, 2);

    // And back into a server: the same bytes.
    let resp = dump(&rdb, &["--format", "resp"]);
    let other = RedisServer::start(&[]).expect("a second server");
    let mut c2 = other.client();
    let replies = c2.pipe(&resp);
    assert!(!replies.iter().any(|r| matches!(r, Reply::Error(_))));
    assert_eq!(c2.cmd(&[&"GET", &bin_key]).bytes(), bin_val);
    assert_eq!(
        c2.cmd(&[&"HGET", &"h", &bin_key]).bytes(),
        c.cmd(&[&"HGET", &"h", &bin_key]).bytes()
    );
}

fn redfile_digest(file: &Path) -> String {
    let a = redfile()
        .args(["digest", "--redis-version", "7.0.15"])
        .arg(file)
        .assert()
        .code(0);
    String::from_utf8_lossy(&a.get_output().stdout)
        .trim()
        .to_string()
}

/// The issue's round trip: the RESP a file dumps to, sent to a real
/// redis-server 7.0, leaves it with the file's DEBUG DIGEST. The `cmd`
/// form, read by redis-cli, does too.
#[test]
fn resp_into_a_live_server_gives_the_files_digest() {
    let files = [
        MIXED,
        "gen/rdb/gen-v9.rdb",
        "gen/rdb/gen-v10.rdb",
        "gen/rdb/gen-v11.rdb",
        "gen/aof/gen-plain.aof",
        "gen/aof/gen-hybrid.aof",
        "gen/aof/multipart/appendonlydir",
    ];
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut c = server.client();
    for rel in files {
        let file = repo_fixture(rel);
        c.run("FLUSHALL");
        c.cmd(&[&"FUNCTION", &"FLUSH"]);
        let resp = dump(&file, &["--format", "resp", "--redis-version", "7.0"]);
        let replies = c.pipe(&resp);
        let errors: Vec<String> = replies
            .iter()
            .filter(|r| matches!(r, Reply::Error(_)))
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "{rel}: {errors:?}");
        let server_digest = c.run("DEBUG DIGEST").text();
        assert_eq!(server_digest, redfile_digest(&file), "{rel}");
    }
    // The `cmd` form through redis-cli, when it is installed.
    let port = server.port().to_string();
    let cli = std::process::Command::new("redis-cli")
        .args(["-p", &port, "PING"])
        .output();
    if !cli.is_ok_and(|o| o.status.success()) {
        eprintln!("note: redis-cli is not on PATH; skipping the cmd round trip");
        return;
    }
    for rel in [MIXED, "gen/rdb/gen-v11.rdb"] {
        let file = repo_fixture(rel);
        c.run("FLUSHALL");
        c.cmd(&[&"FUNCTION", &"FLUSH"]);
        let cmds = dump(&file, &["--format", "cmd", "--redis-version", "7.0"]);
        let tmp = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(tmp.path(), &cmds).expect("write commands");
        let out = std::process::Command::new("redis-cli")
            .args(["-p", &port])
            .stdin(std::fs::File::open(tmp.path()).expect("open"))
            .output()
            .expect("redis-cli runs");
        assert!(out.status.success(), "{rel}: redis-cli failed");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("ERR"), "{rel}: {text}");
        assert_eq!(c.run("DEBUG DIGEST").text(), redfile_digest(&file), "{rel}");
    }
}

fn jsonl_keys(args: &[&str]) -> Vec<String> {
    let out = dump(
        &repo_fixture(MIXED),
        &[&["--format", "jsonl"], args].concat(),
    );
    String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("JSON line");
            format!("{}/{}", v["db"], v["key"].as_str().expect("text key"))
        })
        .collect()
}

#[test]
fn filters_select_keys_before_decoding() {
    assert_eq!(jsonl_keys(&["--db", "2"]), ["2/other:db"]);
    assert_eq!(jsonl_keys(&["--match", "s*"]), ["0/session:1", "0/scores"]);
    assert_eq!(
        jsonl_keys(&["--type", "set", "--type", "zset"]),
        ["0/ids", "0/tags", "0/scores"]
    );
    assert_eq!(jsonl_keys(&["--limit", "2"]), ["0/counter", "0/greeting"]);
    // session:1 expires in 2100: not expired at the file's ctime.
    assert_eq!(jsonl_keys(&["--expired", "only"]), Vec::<String>::new());
    assert_eq!(
        jsonl_keys(&["--expired", "only", "--now", "4102444800"]),
        Vec::<String>::new()
    );
    assert_eq!(
        jsonl_keys(&["--expired", "only", "--now", "4102444801"]),
        ["0/session:1"]
    );
    assert_eq!(
        jsonl_keys(&["--expired", "exclude", "--now", "4102444801"]).len(),
        9
    );
    assert_eq!(
        jsonl_keys(&["--regex", "^[a-z]+:[0-9]$"]),
        ["0/session:1", "0/user:1"]
    );
    assert_eq!(jsonl_keys(&["--min-size", "100"]), ["0/events"]);
    // A key filter leaves the function libraries out of the commands.
    let cmd = dump(&repo_fixture(MIXED), &["--format", "cmd", "--db", "2"]);
    assert_eq!(cmd, b"SELECT 2\nSET other:db \"in db 2\"\n");
}

#[test]
fn bad_regex_is_a_usage_error() {
    redfile()
        .args(["dump", "--regex", "("])
        .arg(repo_fixture(MIXED))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid --regex"));
}

#[test]
fn damaged_file_fails_with_the_offset() {
    redfile()
        .arg("dump")
        .arg(repo_fixture("corrupt/mixed-truncated-300.rdb"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("cannot dump"));
}

#[test]
fn closed_pipe_exits_zero() {
    use std::io::Read;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("redfile"))
        .args(["dump", "--format", "jsonl"])
        .arg(repo_fixture("gen/rdb/gen-v14.rdb"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut first)
        .expect("some output");
    let out = child.wait_with_output().expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty());
}

/// Progress bars go to a terminal only: with standard error piped, a dump
/// (and `keys`, `memory`) prints nothing there, with or without --quiet.
#[test]
fn no_progress_output_without_a_terminal() {
    let file = repo_fixture(MIXED);
    for args in [
        vec!["dump"],
        vec!["dump", "--quiet"],
        vec!["keys"],
        vec!["memory", "-q"],
    ] {
        let out = redfile().args(&args).arg(&file).assert().code(0);
        let out = out.get_output();
        assert!(
            out.stderr.is_empty(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
}
