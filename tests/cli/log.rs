//! `redfile log`: the commands of committed, shared and freshly written
//! AOFs (a real redis-server 7.0 with `aof-timestamp-enabled`), exact
//! lines, `--key` finding what removed a key, and `--stats` numbers.

use std::path::Path;

use serde_json::Value;

use super::redfile;
use super::redis::RedisServer;
use super::shared_fixture;

fn gen_multipart() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gen/aof/multipart/appendonlydir")
}

/// Runs `redfile log ARGS`, expecting `code`; returns stdout.
fn log(args: &[&std::ffi::OsStr], code: i32) -> String {
    let out = redfile().arg("log").args(args).output().expect("runs");
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

/// `(db, command, args...)` of each command line, as one string.
fn summary(v: &[Value]) -> Vec<String> {
    v.iter()
        .filter(|l| l["kind"] == "command")
        .map(|l| {
            let mut s = format!("{} {}", l["db"], l["command"].as_str().expect("name"));
            for a in l["args"].as_array().expect("args") {
                s.push(' ');
                s.push_str(a.as_str().expect("utf-8 arg"));
            }
            s
        })
        .collect()
}

#[test]
fn generated_multipart_exact_lines() {
    let out = log(&[gen_multipart().as_os_str()], 0);
    let expected = r#"{"file":"appendonly.aof.1.base.rdb","offset":0,"kind":"rdb","end":6557,"keys":60}
{"file":"appendonly.aof.1.incr.aof","offset":16,"kind":"command","db":0,"ts":1700000000,"time":"2023-11-14T22:13:20Z","multi":null,"command":"SELECT","args":["0"]}
{"file":"appendonly.aof.1.incr.aof","offset":39,"kind":"command","db":0,"ts":1700000000,"time":"2023-11-14T22:13:20Z","multi":null,"command":"SET","args":["tail:string","after the base"]}
{"file":"appendonly.aof.1.incr.aof","offset":91,"kind":"command","db":0,"ts":1700000000,"time":"2023-11-14T22:13:20Z","multi":null,"command":"INCRBY","args":["tail:counter","42"]}
{"file":"appendonly.aof.1.incr.aof","offset":134,"kind":"command","db":0,"ts":1700000000,"time":"2023-11-14T22:13:20Z","multi":null,"command":"RPUSH","args":["tail:list","a","b","c"]}
{"file":"appendonly.aof.1.incr.aof","offset":201,"kind":"command","db":0,"ts":1700000060,"time":"2023-11-14T22:14:20Z","multi":201,"command":"MULTI","args":[]}
{"file":"appendonly.aof.1.incr.aof","offset":216,"kind":"command","db":0,"ts":1700000060,"time":"2023-11-14T22:14:20Z","multi":201,"command":"SADD","args":["tail:set","x","y"]}
{"file":"appendonly.aof.1.incr.aof","offset":258,"kind":"command","db":0,"ts":1700000060,"time":"2023-11-14T22:14:20Z","multi":201,"command":"ZADD","args":["tail:zset","1.5","m"]}
{"file":"appendonly.aof.1.incr.aof","offset":303,"kind":"command","db":0,"ts":1700000060,"time":"2023-11-14T22:14:20Z","multi":201,"command":"EXEC","args":[]}
{"file":"appendonly.aof.1.incr.aof","offset":317,"kind":"command","db":1,"ts":1700000060,"time":"2023-11-14T22:14:20Z","multi":null,"command":"SELECT","args":["1"]}
{"file":"appendonly.aof.1.incr.aof","offset":340,"kind":"command","db":1,"ts":1700000060,"time":"2023-11-14T22:14:20Z","multi":null,"command":"HSET","args":["tail:hash","f","v"]}
"#;
    assert_eq!(out, expected);
    // The manifest names the same thing as its directory.
    let via_manifest = log(
        &[gen_multipart().join("appendonly.aof.manifest").as_os_str()],
        0,
    );
    assert_eq!(via_manifest, expected);
    // --key selects the MULTI block of a queued command.
    let zset = log(
        &[
            "--key".as_ref(),
            "tail:zset".as_ref(),
            gen_multipart().as_os_str(),
        ],
        0,
    );
    let offsets: Vec<_> = lines(&zset).iter().map(|l| l["offset"].clone()).collect();
    assert_eq!(offsets, [201, 216, 258, 303]);
    // A key of the BASE: the RDB line counts it.
    let base_key = log(
        &[
            "--match".as_ref(),
            "*".as_ref(),
            "--limit".as_ref(),
            "2".as_ref(),
            gen_multipart().as_os_str(),
        ],
        0,
    );
    let base_key = lines(&base_key);
    assert_eq!(base_key.len(), 3);
    assert_eq!(base_key[0]["selected_keys"], 60);
}

#[test]
fn shared_rdb_preamble_aof() {
    let Some(p) = shared_fixture("redis-assets/rdb-preamble.aof") else {
        return;
    };
    let out = log(&[p.as_os_str()], 0);
    assert_eq!(
        out,
        r#"{"file":"rdb-preamble.aof","offset":0,"kind":"rdb","end":117,"keys":2}
{"file":"rdb-preamble.aof","offset":117,"kind":"command","db":0,"ts":null,"time":null,"multi":null,"command":"SELECT","args":["0"]}
{"file":"rdb-preamble.aof","offset":140,"kind":"command","db":0,"ts":null,"time":null,"multi":null,"command":"SET","args":["k3","v3"]}
"#
    );
    let stats = log(&["--stats".as_ref(), p.as_os_str()], 0);
    assert!(
        stats.contains("2 commands, 52 B (52 bytes)\n1 RDB image(s) with 2 keys\n"),
        "{stats}"
    );
    assert!(
        stats.contains(
            "the file has no #TS annotations (aof-timestamp-enabled is off): no timeline"
        ),
        "{stats}"
    );
}

/// The RESP encoding of a log line's command.
fn encoded(line: &Value) -> Vec<u8> {
    let mut args = vec![line["command"].as_str().expect("name").to_string()];
    for a in line["args"].as_array().expect("args") {
        args.push(a.as_str().expect("utf-8").to_string());
    }
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in &args {
        out.extend(format!("${}\r\n{a}\r\n", a.len()).bytes());
    }
    out
}

#[test]
fn real_server_multipart_with_timestamps() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_str().expect("utf-8").to_string();
    let before = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let Some(server) = RedisServer::start(&[
        "--dir",
        &root,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--aof-timestamp-enabled",
        "yes",
    ]) else {
        return;
    };
    let mut c = server.client();
    for line in [
        "SET user:1 alice",
        "SET user:2 bob",
        "INCR counter",
        "SELECT 2",
        "SET user:1 other-db",
        "SELECT 0",
        "RENAME user:2 user:3",
        "MULTI",
        "SET x 1",
        "DEL user:1",
        "EXEC",
        "SELECT 2",
        "FLUSHDB",
        "SELECT 0",
        "SET user:4 dave",
        "FLUSHALL",
    ] {
        c.run(line);
    }
    drop(c);
    drop(server);
    let after = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    let aofdir = dir.path().join("appendonlydir");

    let all = lines(&log(&[aofdir.as_os_str()], 0));
    assert_eq!(
        summary(&all),
        [
            "0 SELECT 0",
            "0 SET user:1 alice",
            "0 SET user:2 bob",
            "0 INCR counter",
            "2 SELECT 2",
            "2 SET user:1 other-db",
            "0 SELECT 0",
            "0 RENAME user:2 user:3",
            "0 MULTI",
            "0 SET x 1",
            "0 DEL user:1",
            "0 EXEC",
            "2 SELECT 2",
            "2 FLUSHDB",
            "0 SELECT 0",
            "0 SET user:4 dave",
            "0 FLUSHALL",
        ]
    );
    // Every line points at its record in the file, holds the time of the
    // #TS before it, and the queued commands name their MULTI.
    // The BASE the server wrote at start-up: an empty RDB.
    assert_eq!(all[0]["kind"], "rdb");
    assert_eq!(all[0]["keys"], 0);
    assert_eq!(all[0]["file"], "appendonly.aof.1.base.rdb");
    let multi_at = all[9]["offset"].clone();
    for (i, l) in all.iter().enumerate().skip(1) {
        let file = aofdir.join(l["file"].as_str().expect("file"));
        let bytes = std::fs::read(&file).expect("read part");
        let at = l["offset"].as_u64().expect("offset") as usize;
        let want = encoded(l);
        assert_eq!(&bytes[at..at + want.len()], want.as_slice(), "{l}");
        let ts = l["ts"].as_i64().expect("a timestamp");
        assert!(
            (before..=after).contains(&ts),
            "{ts} not in {before}..{after}"
        );
        let text = &bytes[..at];
        let last_ts = text.windows(4).rposition(|w| w == b"#TS:").map(|p| {
            let end = p + text[p..].iter().position(|&b| b == b'\r').expect("crlf");
            let n = std::str::from_utf8(&text[p + 4..end]).expect("ascii");
            n.parse::<i64>().expect("a number")
        });
        assert_eq!(last_ts, Some(ts), "{l}");
        if (9..=12).contains(&i) {
            assert_eq!(l["multi"], multi_at, "{l}");
        } else {
            assert_eq!(l["multi"], Value::Null, "{l}");
        }
    }

    // What happened to user:1: set in db 0 and db 2, deleted in a
    // transaction, its db 2 copy flushed, then FLUSHALL.
    let user1 = lines(&log(
        &["--key".as_ref(), "user:1".as_ref(), aofdir.as_os_str()],
        0,
    ));
    assert_eq!(
        summary(&user1),
        [
            "0 SET user:1 alice",
            "2 SET user:1 other-db",
            "0 MULTI",
            "0 SET x 1",
            "0 DEL user:1",
            "0 EXEC",
            "2 FLUSHDB",
            "0 FLUSHALL",
        ]
    );
    // user:3 only ever came from a RENAME; user:2 left by it.
    let user3 = lines(&log(
        &["--key".as_ref(), "user:3".as_ref(), aofdir.as_os_str()],
        0,
    ));
    assert_eq!(summary(&user3), ["0 RENAME user:2 user:3", "0 FLUSHALL"]);
    let deletions = lines(&log(
        &[
            "--match".as_ref(),
            "user:*".as_ref(),
            "--command".as_ref(),
            "del".as_ref(),
            "--command".as_ref(),
            "rename".as_ref(),
            aofdir.as_os_str(),
        ],
        0,
    ));
    assert_eq!(
        summary(&deletions),
        [
            "0 RENAME user:2 user:3",
            "0 MULTI",
            "0 SET x 1",
            "0 DEL user:1",
            "0 EXEC"
        ]
    );
    let db2 = lines(&log(
        &["--db".as_ref(), "2".as_ref(), aofdir.as_os_str()],
        0,
    ));
    assert_eq!(
        summary(&db2),
        [
            "2 SELECT 2",
            "2 SET user:1 other-db",
            "2 SELECT 2",
            "2 FLUSHDB",
            "0 FLUSHALL"
        ]
    );

    // --stats --json: the same commands, summed.
    let stats: Value = serde_json::from_str(&log(
        &["--stats".as_ref(), "--json".as_ref(), aofdir.as_os_str()],
        0,
    ))
    .expect("json");
    let total_bytes: u64 = all[1..].iter().map(|l| encoded(l).len() as u64).sum();
    assert_eq!(stats["commands"], 17);
    assert_eq!(stats["bytes"], total_bytes);
    let by_command: Vec<(String, u64)> = stats["by_command"]
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["command"].as_str().expect("s").to_string(),
                r["count"].as_u64().expect("n"),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = [
        ("DEL", 1),
        ("EXEC", 1),
        ("FLUSHALL", 1),
        ("FLUSHDB", 1),
        ("INCR", 1),
        ("MULTI", 1),
        ("RENAME", 1),
        ("SELECT", 5),
        ("SET", 5),
    ]
    .iter()
    .map(|(n, c)| (n.to_string(), *c))
    .collect();
    assert_eq!(by_command, want);
    let prefixes: Vec<(u64, String, u64)> = stats["by_prefix"]
        .as_array()
        .expect("array")
        .iter()
        .map(|r| {
            (
                r["level"].as_u64().expect("n"),
                r["prefix"].as_str().expect("s").to_string(),
                r["count"].as_u64().expect("n"),
            )
        })
        .collect();
    assert_eq!(prefixes, [(1, "user:".to_string(), 6)]);
    // counter and x have no separator.
    assert_eq!(stats["no_prefix"]["count"], 2);
    assert_eq!(stats["timestamps"], true);
    let minutes = stats["by_minute"].as_array().expect("array");
    let timed: u64 = minutes
        .iter()
        .map(|m| m["count"].as_u64().expect("n"))
        .sum();
    assert_eq!(timed, 17);
    assert_eq!(stats["untimed"]["count"], 0);
    for m in minutes {
        let start = m["minute"].as_i64().expect("n");
        assert_eq!(start % 60, 0);
        assert!(start <= after && start + 60 > before, "{m}");
    }
}

#[test]
fn damage_stops_the_log_with_exit_1() {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path().join("cut.aof");
    std::fs::write(
        &p,
        b"*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$3\r\nDEL",
    )
    .expect("write");
    let out = redfile().arg("log").arg(&p).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "{\"file\":\"cut.aof\",\"offset\":0,\"kind\":\"command\",\"db\":0,\"ts\":null,\"time\":null,\"multi\":null,\"command\":\"SET\",\"args\":[\"a\",\"1\"]}\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "redfile: the log stops at damage: {}: at offset 27: unexpected end of file inside a record; everything before it was listed\n",
            p.display()
        )
    );
    let missing = redfile()
        .arg("log")
        .arg(d.path().join("nope"))
        .output()
        .expect("runs");
    assert_eq!(missing.status.code(), Some(2));
}
