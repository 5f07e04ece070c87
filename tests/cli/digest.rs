//! `redfile digest` equals what a live server reports after loading the
//! file, for the whole dataset and key by key.

use crate::check::repo_fixture;
use crate::redfile;
use crate::redis::RedisServer;

fn digest_lines(path: &std::path::Path, extra: &[&str]) -> Vec<String> {
    let a = redfile()
        .arg("digest")
        .arg("--per-key")
        .args(extra)
        .arg(path)
        .assert()
        .code(0);
    String::from_utf8_lossy(&a.get_output().stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn repo_fixture_digest_is_known() {
    let lines = digest_lines(&repo_fixture("rdb/mixed-redis-7.0.rdb"), &[]);
    // DEBUG DIGEST of redis-server 7.0.15 after loading this file.
    assert_eq!(lines[0], "17c4840f3ad8c71454680381fa3bd96fe2983839");
    assert!(lines.contains(&"8a70c3be746f42b12f292894b848f945f3a0d59e\tdb0\tscores".to_string()));
    assert!(lines.contains(&"258f3b96efbcddb3d7f23bba85ed8464b10ce5fe\tdb0\tevents".to_string()));
    assert_eq!(lines.len(), 11);
}

#[test]
fn digest_matches_a_live_server_key_by_key() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut c = server.client();
    for line in [
        "SET s hello",
        "SET n 12345",
        "RPUSH l a b c a",
        "SADD si 1 2 3",
        "SADD ss x y z",
        "ZADD z 1.5 a 2 b -3.25 c",
        "HSET h f1 v1 f2 v2",
        "XADD st 1-1 f v",
        "XADD st 2-1 g w",
        "XGROUP CREATE st grp 0",
        "PEXPIREAT s 4102444800000",
        "SELECT 3",
        "SET other x",
        "SELECT 0",
    ] {
        c.run(line);
    }
    c.run("SAVE");
    let lines = digest_lines(&server.rdb_path(), &["--redis-version", "7.0.15"]);
    let server_digest = c.run("DEBUG DIGEST").text();
    assert_eq!(lines[0], server_digest);
    for line in &lines[1..] {
        let mut parts = line.split('\t');
        let (d, db, key) = (
            parts.next().expect("digest"),
            parts.next().expect("db"),
            parts.next().expect("key"),
        );
        c.run(&format!("SELECT {}", db.trim_start_matches("db")));
        let v = c.cmd_list(&["DEBUG", "DIGEST-VALUE", key]);
        assert_eq!(v.array()[0].text(), d, "key {key}");
    }
    assert_eq!(lines.len(), 1 + 9);
}

/// An AOF replayed through the engine gives the digest of the server that
/// wrote it: multi-part with an RDB base, and with a RESP base.
#[test]
fn aof_digest_matches_the_server_that_wrote_it() {
    for preamble in ["yes", "no"] {
        let Some(server) = RedisServer::start(&[
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--aof-use-rdb-preamble",
            preamble,
        ]) else {
            return;
        };
        let mut c = server.client();
        for line in [
            "SET a 1",
            "INCRBY a 41",
            "RPUSH l x y z",
            "LPOP l",
            "SADD s m1 m2 m3",
            "SREM s m2",
            "ZADD z 1 a 2.5 b",
            "ZINCRBY z 3 a",
            "HSET h f v g w",
            "HDEL h g",
            "XADD st 5-1 k v",
            "XGROUP CREATE st g 0",
            "PEXPIREAT a 4102444800000",
            "SELECT 4",
            "SET x y",
            "MULTI",
            "SET t1 1",
            "SET t2 2",
            "EXEC",
        ] {
            c.run(line);
        }
        // A rewrite makes a new base; later commands go to a new incr file.
        c.run("BGREWRITEAOF");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while c
            .run("INFO persistence")
            .text()
            .contains("aof_rewrite_in_progress:1")
            && std::time::Instant::now() < deadline
        {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
        c.run("SELECT 0");
        c.run("SADD s after-rewrite");
        c.run("DEL l");
        let server_digest = c.run("DEBUG DIGEST").text();
        let dir = server.rdb_path().with_file_name("appendonlydir");
        let lines = digest_lines(&dir, &["--redis-version", "7.0.15"]);
        assert_eq!(lines[0], server_digest, "aof-use-rdb-preamble {preamble}");
        assert!(lines.iter().any(|l| l.ends_with("\tdb4\tt2")), "{lines:?}");
    }
}
