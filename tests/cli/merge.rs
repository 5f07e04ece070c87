//! `redfile merge`: a base RDB and the INCR tail written after it by a real
//! redis-server 7.0 merge into outputs that load with the server's own
//! digest; a tail that does not apply is reported by offset and refused.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use redfile::aof::layout::{resolve_layout, AofLayout};

use crate::aof::wait_rewrite;
use crate::convert::{digest, run, start_on, Load};
use crate::redis::RedisServer;

fn os(s: &str) -> &OsStr {
    s.as_ref()
}

/// A base RDB and its tail, made by redis-server 7.0, and the server's
/// DEBUG DIGEST with both applied.
struct BaseAndTail {
    _dir: tempfile::TempDir,
    base: PathBuf,
    tail: PathBuf,
    digest: String,
}

fn make() -> Option<BaseAndTail> {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_str().expect("utf-8").to_string();
    let server = RedisServer::start(&[
        "--dir",
        &root,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
    ])?;
    let mut c = server.client();
    for line in [
        "SET s1 hello",
        "RPUSH l a b c d",
        "SADD set 1 2 3",
        "ZADD z 1.5 a 2.25 b",
        "HSET h f1 v1 f2 v2",
        "XADD st 1-1 f v",
        "SELECT 3",
        "SET other x",
        "SELECT 0",
    ] {
        c.run(line);
    }
    c.run("BGREWRITEAOF");
    wait_rewrite(&mut c);
    for line in [
        "SET s2 world",
        "APPEND s1 !",
        "LPOP l",
        "SREM set 2",
        "ZINCRBY z 1 a",
        "HDEL h f1",
        "PEXPIREAT s2 4102444800000",
        "XADD st 2-1 g w",
        "XGROUP CREATE st grp 0",
        "MULTI",
        "INCR counter",
        "SELECT 3",
        "DEL other",
        "SET moved y",
        "EXEC",
    ] {
        c.run(line);
    }
    let digest = c.run("DEBUG DIGEST").text();
    drop(server);
    let AofLayout::MultiPart(mp) =
        resolve_layout(&dir.path().join("appendonlydir")).expect("layout")
    else {
        panic!("a multi-part directory");
    };
    let base = mp.parts.first().expect("base").path.clone();
    let tail = mp.parts.last().expect("incr").path.clone();
    assert!(
        base.to_string_lossy().ends_with(".base.rdb"),
        "{}",
        base.display()
    );
    assert!(std::fs::metadata(&tail).expect("tail").len() > 0);
    Some(BaseAndTail {
        _dir: dir,
        base,
        tail,
        digest,
    })
}

fn merge_args<'a>(
    b: &'a BaseAndTail,
    tail: &'a Path,
    out: &'a Path,
    to: &'a str,
) -> Vec<&'a OsStr> {
    vec![
        os("merge"),
        b.base.as_os_str(),
        tail.as_os_str(),
        os("-o"),
        out.as_os_str(),
        os("--to"),
        os(to),
    ]
}

/// The check: base + tail merged by redfile equals what the server
/// itself held, in all three output formats.
#[test]
fn base_and_tail_merge_to_the_servers_own_result() {
    let Some(b) = make() else { return };
    let d = tempfile::tempdir().expect("tempdir");
    for (to, name) in [
        ("hybrid", "appendonly.aof"),
        ("multipart", "aofdir"),
        ("rdb", "merged.rdb"),
    ] {
        let out = d.path().join(name);
        let (stdout, _) = run(&merge_args(&b, &b.tail, &out, to), 0);
        assert!(
            stdout.starts_with(&format!(
                "merged {} and {} (16 commands) into {}",
                b.base.display(),
                b.tail.display(),
                out.display()
            )),
            "{stdout}"
        );
        assert!(stdout.contains(": 9 keys, "), "{stdout}");
        assert_eq!(digest(&out, "7.0.15"), b.digest, "{to}: redfile digest");
        let load = match to {
            "hybrid" => Load::AofFile(&out),
            "multipart" => Load::Dir(&out),
            _ => Load::Rdb(&out),
        };
        let Some((server, _dir)) = start_on(load, None) else {
            return;
        };
        let mut c = server.client();
        assert_eq!(c.run("DEBUG DIGEST").text(), b.digest, "{to}: DEBUG DIGEST");
        assert_eq!(c.run("GET s1").text(), "hello!");
        assert_eq!(c.run("PEXPIRETIME s2").int(), 4_102_444_800_000);
    }
    // The hybrid file is the base's bytes then the tail's, verbatim.
    let hybrid = std::fs::read(d.path().join("appendonly.aof")).expect("read");
    let base = std::fs::read(&b.base).expect("read");
    let tail = std::fs::read(&b.tail).expect("read");
    assert_eq!(hybrid, [base.clone(), tail.clone()].concat());
    let dir = d.path().join("aofdir");
    assert_eq!(
        std::fs::read(dir.join("appendonly.aof.1.base.rdb")).expect("read"),
        base
    );
    assert_eq!(
        std::fs::read(dir.join("appendonly.aof.1.incr.aof")).expect("read"),
        tail
    );
}

/// A tail with an unknown command and a command that fails on the base is
/// refused, each reported with its offset; --force writes it anyway.
#[test]
fn a_tail_that_does_not_apply_is_reported_by_offset() {
    let Some(b) = make() else { return };
    let d = tempfile::tempdir().expect("tempdir");
    let good = std::fs::read(&b.tail).expect("read");
    let unknown = b"*2\r\n$6\r\nFOOBAR\r\n$1\r\nx\r\n";
    // The tail ends in db 3, where "moved" holds "y": INCR fails with an
    // error reply.
    let failing = b"*2\r\n$4\r\nINCR\r\n$5\r\nmoved\r\n";
    let bad = [good.as_slice(), unknown, failing, b"*1\r\n$5\r\nMULTI\r\n"].concat();
    let tail = d.path().join("bad.aof");
    std::fs::write(&tail, &bad).expect("write");
    let out = d.path().join("out.aof");
    let (stdout, stderr) = run(&merge_args(&b, &tail, &out, "hybrid"), 1);
    let at1 = good.len();
    let at2 = at1 + unknown.len();
    let at3 = at2 + failing.len();
    assert_eq!(
        stdout,
        format!(
            "offset {at1}: FOOBAR: ERR unknown command 'FOOBAR'\n\
             offset {at2}: INCR: ERR value is not an integer or out of range\n\
             offset {at3}: (file): end of file before the EXEC of the MULTI at offset {at3}\n"
        )
    );
    assert!(
        stderr.starts_with(
            "redfile: refused: 3 of 19 commands of the tail cannot be applied to the base"
        ),
        "{stderr}"
    );
    assert!(!out.exists());
    let mut forced = merge_args(&b, &tail, &out, "rdb");
    forced.push(os("--force"));
    let (stdout, _) = run(&forced, 0);
    assert!(
        stdout.contains(&format!("offset {at1}: FOOBAR")),
        "{stdout}"
    );
    // What applies is applied: the same data as the good tail.
    assert_eq!(digest(&out, "7.0.15"), b.digest);
    // The base must be an RDB, the tail RESP.
    let (_, stderr) = run(&merge_args(&b, &b.base, &d.path().join("x"), "hybrid"), 2);
    assert!(
        stderr.contains("the tail must be a RESP AOF file (it starts with an RDB image)"),
        "{stderr}"
    );
}
