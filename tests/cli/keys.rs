//! `redfile keys`: names as raw bytes, the shared filters, and `--match`
//! selecting exactly what a live server's `KEYS` selects.

use crate::check::repo_fixture;
use crate::redfile;
use crate::redis::RedisServer;

fn keys(file: &std::path::Path, args: &[&str]) -> Vec<u8> {
    let a = redfile().arg("keys").args(args).arg(file).assert().code(0);
    a.get_output().stdout.clone()
}

#[test]
fn mixed_fixture_names_in_file_order() {
    let out = keys(&repo_fixture("rdb/mixed-redis-7.0.rdb"), &[]);
    assert_eq!(
        String::from_utf8(out).expect("utf-8"),
        "counter\ngreeting\nids\nsession:1\nuser:1\nevents\nqueue\ntags\nscores\nother:db\n"
    );
}

#[test]
fn filters() {
    let f = repo_fixture("rdb/mixed-redis-7.0.rdb");
    let k = |args: &[&str]| String::from_utf8(keys(&f, args)).expect("utf-8");
    assert_eq!(k(&["--db", "0", "--db", "2", "--limit", "1"]), "counter\n");
    assert_eq!(k(&["--db", "2"]), "other:db\n");
    assert_eq!(k(&["--match", "*:[0-9]"]), "session:1\nuser:1\n");
    assert_eq!(k(&["--match", "[^a-s]*"]), "user:1\ntags\n");
    assert_eq!(
        k(&["--regex", "e"]),
        "counter\ngreeting\nsession:1\nuser:1\nevents\nqueue\nscores\nother:db\n"
    );
    assert_eq!(k(&["--type", "stream"]), "events\n");
    // Sizes in the file: "42" is an int (2 bytes), "alice" 6, "in db 2" 8.
    assert_eq!(
        k(&["--type", "string", "--min-size", "6"]),
        "greeting\nsession:1\nother:db\n"
    );
    assert_eq!(
        k(&["--expired", "only", "--now", "4102444801"]),
        "session:1\n"
    );
    assert_eq!(
        k(&[
            "--expired",
            "exclude",
            "--now",
            "4102444801",
            "--type",
            "string"
        ]),
        "counter\ngreeting\nother:db\n"
    );
}

#[test]
fn aof_inputs_are_replayed() {
    let rdb = keys(&repo_fixture("gen/rdb/gen-v10.rdb"), &["--match", "hash:*"]);
    let aof = keys(
        &repo_fixture("gen/aof/gen-plain.aof"),
        &["--match", "hash:*"],
    );
    let sorted = |b: Vec<u8>| {
        let mut v: Vec<Vec<u8>> = b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
        v.sort();
        v
    };
    assert!(!rdb.is_empty());
    assert_eq!(sorted(rdb), sorted(aof));
    let dir = keys(
        &repo_fixture("gen/aof/multipart/appendonlydir"),
        &["--limit", "3"],
    );
    assert_eq!(dir.iter().filter(|&&c| c == b'\n').count(), 3);
}

/// `--match` is Redis's glob: for each pattern, the same names as a live
/// server's `KEYS`, binary names included (printed as raw bytes).
#[test]
fn match_equals_a_live_servers_keys() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut c = server.client();
    let names: [&[u8]; 14] = [
        b"user:1",
        b"user:10",
        b"user:a",
        b"User:2",
        b"users",
        b"a*b",
        b"a]b",
        b"a-b",
        b"a\\b",
        b"hello",
        b"hallo",
        b"h\xffllo",
        b"bin\x00\n\xfe",
        b"",
    ];
    for n in names {
        c.cmd(&[&"SET", &n, &"v"]);
    }
    c.run("SAVE");
    let patterns = [
        "*",
        "user:*",
        "user:?",
        "user:[0-9]*",
        "[uU]ser:*",
        "[^u]*",
        "h[ae]llo",
        "h[^e]llo",
        "h?llo",
        "a\\*b",
        "a[\\]]b",
        "a[*-]b",
        "a\\\\b",
        "*b",
        "bin*",
        "?",
        "[",
        "a[b",
        "*[z-a]*",
    ];
    for p in patterns {
        let mut want = c.cmd(&[&"KEYS", &p]).byte_list();
        want.sort();
        let out = keys(&server.rdb_path(), &["--match", p]);
        let mut got: Vec<Vec<u8>> = out
            .strip_suffix(b"\n")
            .map(|o| {
                // Names are raw bytes, one per line: the one holding a
                // newline is put back together for the comparison.
                let text = o.to_vec();
                let mut v: Vec<Vec<u8>> = Vec::new();
                for part in text.split(|&b| b == b'\n') {
                    match v.last_mut() {
                        Some(last) if last.starts_with(b"bin\x00") && last.len() == 4 => {
                            last.push(b'\n');
                            last.extend_from_slice(part);
                        }
                        _ => v.push(part.to_vec()),
                    }
                }
                v
            })
            .unwrap_or_default();
        got.sort();
        assert_eq!(got, want, "pattern {p:?}");
    }
}
