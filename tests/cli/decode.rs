//! `redfile decode`: DUMP payloads taken from a live redis-server 7.0, one
//! per type and encoding, fed raw, as hex and as redis-cli prints them;
//! the decoded value is compared with what the server replies, the
//! `resp` output is restored into the server and compared by `DEBUG
//! DIGEST-VALUE`, and bad footers are reported with exact messages.

use std::process::Command as Process;

use serde_json::Value;

use super::redfile;
use super::redis::{Client, RedisServer};

/// Runs `redfile decode ARGS` with `stdin`; returns (exit code, stdout,
/// stderr).
fn decode(args: &[&str], stdin: &[u8]) -> (i32, String, String) {
    let out = redfile()
        .arg("decode")
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
}

/// The decoded `value` of a jsonl line.
fn value_of(stdout: &str) -> Value {
    let v: Value = serde_json::from_str(stdout.trim_end()).expect("one JSON line");
    v["value"].clone()
}

fn strings(items: Vec<Vec<u8>>) -> Vec<Value> {
    items
        .into_iter()
        .map(|b| Value::String(String::from_utf8(b).expect("utf-8 test data")))
        .collect()
}

/// What the server says the key holds, in the shape of `dump`'s `value`.
fn server_value(c: &mut Client, key: &str) -> Value {
    let kind = c.cmd_list(&["TYPE", key]).text();
    match kind.as_str() {
        "string" => Value::String(c.cmd_list(&["GET", key]).text()),
        "list" => Value::Array(strings(c.cmd_list(&["LRANGE", key, "0", "-1"]).byte_list())),
        "set" => {
            let mut m = c.cmd_list(&["SMEMBERS", key]).byte_list();
            m.sort();
            Value::Array(strings(m))
        }
        "zset" => {
            let flat = c
                .cmd_list(&["ZRANGE", key, "0", "-1", "WITHSCORES"])
                .byte_list();
            Value::Array(
                flat.chunks(2)
                    .map(|p| {
                        let score: f64 = String::from_utf8_lossy(&p[1]).parse().expect("score");
                        serde_json::json!([String::from_utf8_lossy(&p[0]), score])
                    })
                    .collect(),
            )
        }
        "hash" => {
            let flat = c.cmd_list(&["HGETALL", key]).byte_list();
            let mut pairs: Vec<Value> = flat
                .chunks(2)
                .map(|p| {
                    serde_json::json!([
                        String::from_utf8_lossy(&p[0]),
                        String::from_utf8_lossy(&p[1])
                    ])
                })
                .collect();
            pairs.sort_by_key(|p| p.to_string());
            Value::Array(pairs)
        }
        other => panic!("no reader for type {other}"),
    }
}

/// Sets and hashes come in encoding order; the server's replies are
/// sorted the same way for comparison. Scores are compared as floats
/// (`1` and `1.0` are the same score), in score order (a skiplist is
/// dumped from its tail).
fn normalized(key_type: &str, v: Value) -> Value {
    match (key_type, v) {
        ("set", Value::Array(mut a)) => {
            a.sort_by_key(|x| x.to_string());
            Value::Array(a)
        }
        ("hash", Value::Array(mut a)) => {
            a.sort_by_key(|x| x.to_string());
            Value::Array(a)
        }
        ("zset", Value::Array(a)) => {
            let mut pairs: Vec<(f64, Value)> = a
                .into_iter()
                .map(|p| (p[1].as_f64().expect("finite score"), p[0].clone()))
                .collect();
            pairs.sort_by(|x, y| {
                x.0.total_cmp(&y.0)
                    .then(x.1.to_string().cmp(&y.1.to_string()))
            });
            Value::Array(
                pairs
                    .into_iter()
                    .map(|(s, m)| serde_json::json!([m, s]))
                    .collect(),
            )
        }
        (_, v) => v,
    }
}

/// What `redis-cli --no-raw DUMP key` prints, when redis-cli is here.
fn cli_dump(port: u16, key: &str) -> Option<Vec<u8>> {
    let out = Process::new("redis-cli")
        .args(["-p", &port.to_string(), "--no-raw", "DUMP", key])
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

#[test]
fn every_type_and_encoding_in_every_form() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut c = server.client();
    let big: Vec<String> = (0..300).map(|i| format!("member-{i}")).collect();
    c.run("SET s:int 12345");
    c.run("SET s:embstr hello");
    c.cmd_list(&["SET", "s:raw", &"x".repeat(100)]);
    c.run("RPUSH l:small a b 1 2");
    let mut rpush = vec!["RPUSH", "l:big"];
    rpush.extend(big.iter().map(String::as_str));
    c.cmd_list(&rpush);
    c.run("SADD set:int 3 1 2");
    let mut sadd = vec!["SADD", "set:big"];
    sadd.extend(big.iter().map(String::as_str));
    c.cmd_list(&sadd);
    c.run("ZADD z:small 1 one 2.5 two");
    let mut zadd = vec!["ZADD".to_string(), "z:big".to_string()];
    for (i, m) in big.iter().enumerate() {
        zadd.push(i.to_string());
        zadd.push(m.clone());
    }
    c.cmd_list(&zadd);
    c.run("HSET h:small f v g w");
    let mut hset = vec!["HSET".to_string(), "h:big".to_string()];
    for m in &big {
        hset.push(m.clone());
        hset.push(format!("value-of-{m}-{}", "v".repeat(64)));
    }
    c.cmd_list(&hset);
    c.run("XADD st 1-1 f v");
    c.run("XADD st 2-1 g w");
    c.run("XGROUP CREATE st grp 0");
    c.run("XREADGROUP GROUP grp alice COUNT 1 STREAMS st >");

    let keys = [
        ("s:int", "int"),
        ("s:embstr", "embstr"),
        ("s:raw", "raw"),
        ("l:small", "quicklist"),
        ("l:big", "quicklist"),
        ("set:int", "intset"),
        ("set:big", "hashtable"),
        ("z:small", "listpack"),
        ("z:big", "skiplist"),
        ("h:small", "listpack"),
        ("h:big", "hashtable"),
        ("st", "stream"),
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    for (key, encoding) in keys {
        assert_eq!(
            c.cmd_list(&["OBJECT", "ENCODING", key]).text(),
            encoding,
            "{key}"
        );
        let payload = c.cmd_list(&["DUMP", key]).bytes().to_vec();
        let file = dir.path().join("payload.bin");
        std::fs::write(&file, &payload).expect("write");
        let hex = hex::encode(&payload);
        let key_type = c.cmd_list(&["TYPE", key]).text();

        let (code, raw_out, err) = decode(&["--file", file.to_str().expect("utf-8")], b"");
        assert_eq!(code, 0, "{key}: {err}");
        let line: Value = serde_json::from_str(raw_out.trim_end()).expect("json");
        assert_eq!(line["key"], "payload");
        assert_eq!(line["type"], key_type.as_str(), "{key}");
        assert_eq!(line["db"], 0);
        assert_eq!(line["expire_ms"], Value::Null);
        // The same line from every other form of the same payload.
        let mut forms: Vec<(&str, Vec<String>, Vec<u8>)> = vec![
            ("raw stdin", vec![], payload.clone()),
            ("hex", vec!["--hex".into()], hex.clone().into_bytes()),
            ("hex auto", vec![], format!("{hex}\n").into_bytes()),
        ];
        let mut escaped = Vec::new();
        redfile_cli_escape(&mut escaped, &payload);
        forms.push(("escaped", vec![], escaped.clone()));
        forms.push((
            "escaped bare",
            vec![],
            escaped[1..escaped.len() - 1].to_vec(),
        ));
        if let Some(cli) = cli_dump(server.port(), key) {
            assert_eq!(cli, [&escaped[..], b"\n"].concat(), "{key}: our escaping");
            forms.push(("redis-cli --no-raw", vec![], cli));
        }
        for (name, extra, input) in &forms {
            let args: Vec<&str> = extra.iter().map(String::as_str).collect();
            let (code, out, err) = decode(&args, input);
            assert_eq!((code, &out), (0, &raw_out), "{key} as {name}: {err}");
        }
        if key_type == "stream" {
            let v = value_of(&raw_out);
            assert_eq!(v["length"], 2);
            assert_eq!(v["last_id"], "2-1");
            assert_eq!(v["entries"][1]["fields"], serde_json::json!([["g", "w"]]));
            assert_eq!(v["groups"][0]["name"], "grp");
            assert_eq!(v["groups"][0]["pending"][0]["id"], "1-1");
            assert_eq!(v["groups"][0]["consumers"][0]["name"], "alice");
        } else {
            assert_eq!(
                normalized(&key_type, value_of(&raw_out)),
                server_value(&mut c, key),
                "{key}"
            );
        }

        // The commands recreate the value exactly.
        let copy = format!("{key}:copy");
        let (code, resp, err) = decode(
            &["--hex", "--format", "resp", "--key", &copy],
            hex.as_bytes(),
        );
        assert_eq!(code, 0, "{err}");
        for r in c.pipe(resp.as_bytes()) {
            assert!(!matches!(r, super::redis::Reply::Error(_)), "{key}: {r}");
        }
        let digest =
            |c: &mut Client, k: &str| c.cmd_list(&["DEBUG", "DIGEST-VALUE", k]).byte_list();
        assert_eq!(digest(&mut c, key), digest(&mut c, &copy), "{key}");
    }

    // cmd and json forms of a small hash, exactly.
    let payload = c.cmd_list(&["DUMP", "h:small"]).bytes().to_vec();
    let hex = hex::encode(&payload);
    let (_, cmd, _) = decode(&["--format", "cmd", "--key", "my key"], hex.as_bytes());
    assert_eq!(cmd, "HMSET \"my key\" f v g w\n");
    let (_, json, _) = decode(&["--format", "json"], hex.as_bytes());
    assert_eq!(
        json,
        "{\"keys\":[\n{\"db\":0,\"key\":\"payload\",\"type\":\"hash\",\"encoding\":\"hash-listpack\",\"expire_ms\":null,\"value\":[[\"f\",\"v\"],[\"g\",\"w\"]]}\n],\"functions\":[],\"aux\":{}}\n"
    );
}

/// redis-cli's escaping (`sdscatrepr`), as `dump --format cmd` quotes.
fn redfile_cli_escape(out: &mut Vec<u8>, b: &[u8]) {
    out.push(b'"');
    for &c in b {
        match c {
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            c if c.is_ascii_graphic() || c == b' ' => out.push(c),
            c => out.extend_from_slice(format!("\\x{c:02x}").as_bytes()),
        }
    }
    out.push(b'"');
}

/// `DUMP` of the string `bar` by a Redis writing RDB 11 (spec §17).
const BAR: &str = "00036261720b008f61f41313f9149e";

#[test]
fn bad_footers_are_reported_exactly() {
    let (code, out, err) = decode(&[], BAR.as_bytes());
    assert_eq!((code, out.as_str(), err.as_str()), (0, "{\"db\":0,\"key\":\"payload\",\"type\":\"string\",\"encoding\":\"string\",\"expire_ms\":null,\"value\":\"bar\"}\n", ""));

    // One bit of the stored CRC flipped.
    let bad_crc = "00036261720b008f61f41313f9149f";
    let (code, out, err) = decode(&[], bad_crc.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "redfile: the payload's footer is wrong (15 bytes, read as hex): CRC-64 mismatch: the footer stores 9f14f91313f4618f, the payload's bytes give 9e14f91313f4618f\n"
    );
    let (code, out, _) = decode(&["--no-check", "--format", "cmd"], bad_crc.as_bytes());
    assert_eq!((code, out.as_str()), (0, "SET payload bar\n"));

    // Version 99 with a CRC that matches it: only the version is wrong.
    let mut p = hex::decode(BAR).expect("hex");
    p[5] = 99;
    let crc = redfile::codec::crc64::crc64(&p[..7]);
    p[7..].copy_from_slice(&crc.to_le_bytes());
    let (code, _, err) = decode(&["--hex"], hex::encode(&p).as_bytes());
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "redfile: the payload's footer is wrong (15 bytes, read as hex): unknown RDB version 99 in the footer: expected 1 to 14 (Redis) or 80 (Valkey)\n"
    );

    // Too short, and not a payload at all.
    let (code, _, err) = decode(&[], b"\"\\x00\\x01\"");
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "redfile: the payload does not decode (2 bytes, read as escaped): DUMP payload of 2 bytes is shorter than its 10-byte footer\n"
    );
    let (code, _, err) = decode(&["--hex"], b"0x12");
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "redfile: cannot read the payload: hex payload: byte 1 is 'x', expected a hex digit\n"
    );
}
