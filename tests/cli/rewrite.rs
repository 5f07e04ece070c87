//! `redfile rewrite`: an offline BGREWRITEAOF of a multi-part directory
//! made by redis-server 7.0 with several INCR files loads back with the
//! server's digest; the previous files stay on disk; a single file is
//! replaced with a backup.

use std::ffi::OsStr;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::aof::wait_rewrite;
use crate::convert::{digest, run, start_on, Load};
use crate::redis::{Client, RedisServer};

fn os(s: &str) -> &OsStr {
    s.as_ref()
}

/// The children of process `pid` (from `/proc`).
fn children(pid: u32) -> Vec<u32> {
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let ppid = rest.split_whitespace().nth(1).and_then(|p| p.parse().ok());
        if ppid == Some(pid) {
            if let Ok(child) = e.file_name().to_string_lossy().parse() {
                out.push(child);
            }
        }
    }
    out
}

/// Starts a rewrite and kills its child: Redis keeps the INCR it opened
/// for it, so the directory gains an INCR file.
fn failed_rewrite(c: &mut Client) {
    let pid: u32 = c
        .run("INFO server")
        .text()
        .lines()
        .find_map(|l| l.strip_prefix("process_id:"))
        .and_then(|p| p.trim().parse().ok())
        .expect("process_id");
    c.run("BGREWRITEAOF");
    let deadline = Instant::now() + Duration::from_secs(10);
    let child = loop {
        if let Some(&ch) = children(pid).first() {
            break ch;
        }
        assert!(Instant::now() < deadline, "no rewrite child");
        std::thread::sleep(Duration::from_millis(10));
    };
    let st = std::process::Command::new("kill")
        .args(["-9", &child.to_string()])
        .status()
        .expect("kill");
    assert!(st.success());
    while c
        .run("INFO persistence")
        .text()
        .contains("aof_rewrite_in_progress:1")
    {
        assert!(Instant::now() < deadline, "rewrite child still running");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("readdir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_server_made_multipart_dir_rewritten_loads_with_the_same_digest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_str().expect("utf-8").to_string();
    let Some(server) = RedisServer::start(&[
        "--dir",
        &root,
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
    ]) else {
        return;
    };
    let mut c = server.client();
    c.run("SET a 1");
    c.run("RPUSH l x y z");
    c.run("BGREWRITEAOF");
    wait_rewrite(&mut c);
    c.run("CONFIG SET rdb-key-save-delay 1000000");
    for i in 0..2 {
        failed_rewrite(&mut c);
        c.run(&format!("HSET h f{i} v{i}"));
        c.run("INCR a");
    }
    c.run("CONFIG SET rdb-key-save-delay 0");
    c.run("ZADD z 1 m 2 n");
    c.run("PEXPIREAT a 4102444800000");
    let want = c.run("DEBUG DIGEST").text();
    drop(server);
    let aofdir = dir.path().join("appendonlydir");
    let before = names(&aofdir);
    assert_eq!(
        before,
        [
            "appendonly.aof.2.base.rdb",
            "appendonly.aof.2.incr.aof",
            "appendonly.aof.3.incr.aof",
            "appendonly.aof.4.incr.aof",
            "appendonly.aof.manifest"
        ]
    );
    let old_manifest = std::fs::read(aofdir.join("appendonly.aof.manifest")).expect("read");

    let (stdout, _) = run(&[os("rewrite"), aofdir.as_os_str()], 0);
    let p = |n: &str| aofdir.join(n).display().to_string();
    assert_eq!(
        stdout,
        format!(
            "rewrote {} (8 commands replayed): 4 keys, base rdb version 10, {} bytes\n\
             new base: {}\nnew incr: {}\nmanifest: {}\n\
             previous file kept, out of the manifest: {}\n\
             previous file kept, out of the manifest: {}\n\
             previous file kept, out of the manifest: {}\n\
             previous file kept, out of the manifest: {}\n\
             previous manifest kept as {}\n",
            aofdir.display(),
            std::fs::metadata(aofdir.join("appendonly.aof.3.base.rdb"))
                .expect("base")
                .len(),
            p("appendonly.aof.3.base.rdb"),
            p("appendonly.aof.5.incr.aof"),
            p("appendonly.aof.manifest"),
            p("appendonly.aof.2.base.rdb"),
            p("appendonly.aof.2.incr.aof"),
            p("appendonly.aof.3.incr.aof"),
            p("appendonly.aof.4.incr.aof"),
            p("appendonly.aof.manifest.2.bak"),
        )
    );
    assert_eq!(
        std::fs::read_to_string(aofdir.join("appendonly.aof.manifest")).expect("read"),
        "file appendonly.aof.3.base.rdb seq 3 type b\nfile appendonly.aof.5.incr.aof seq 5 type i\n"
    );
    // The originals are all still there, and the old manifest with them.
    for n in &before {
        assert!(aofdir.join(n).exists(), "{n} kept");
    }
    assert_eq!(
        std::fs::read(aofdir.join("appendonly.aof.manifest.2.bak")).expect("read"),
        old_manifest
    );
    assert_eq!(
        std::fs::metadata(aofdir.join("appendonly.aof.5.incr.aof"))
            .expect("incr")
            .len(),
        0
    );
    assert_eq!(digest(&aofdir, "7.0.15"), want);
    let Some((server, _d)) = start_on(Load::Dir(&aofdir), None) else {
        return;
    };
    let mut c = server.client();
    assert_eq!(c.run("DEBUG DIGEST").text(), want);
    assert_eq!(c.run("GET a").text(), "3");
    assert_eq!(c.run("PEXPIRETIME a").int(), 4_102_444_800_000);
    drop(server);

    // Again with --no-backup and a RESP base: the previous files go.
    let (stdout, _) = run(
        &[
            os("rewrite"),
            aofdir.as_os_str(),
            os("--base"),
            os("aof"),
            os("--no-backup"),
        ],
        0,
    );
    assert!(stdout.contains("base redis 7.0 commands"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "previous file deleted: {}",
            p("appendonly.aof.3.base.rdb")
        )),
        "{stdout}"
    );
    assert_eq!(
        names(&aofdir),
        [
            "appendonly.aof.2.base.rdb",
            "appendonly.aof.2.incr.aof",
            "appendonly.aof.3.incr.aof",
            "appendonly.aof.4.base.aof",
            "appendonly.aof.4.incr.aof",
            "appendonly.aof.6.incr.aof",
            "appendonly.aof.manifest",
            "appendonly.aof.manifest.2.bak",
        ]
    );
    let Some((server, _d)) = start_on(Load::Dir(&aofdir), None) else {
        return;
    };
    assert_eq!(server.client().run("DEBUG DIGEST").text(), want);
}

#[test]
fn a_single_file_is_rewritten_in_place_with_a_backup() {
    let d = tempfile::tempdir().expect("tempdir");
    let aof = d.path().join("appendonly.aof");
    let mut resp = Vec::new();
    for i in 0..50 {
        resp.extend(
            format!(
                "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n${}\r\n{i}\r\n",
                i.to_string().len()
            )
            .bytes(),
        );
    }
    resp.extend(b"*3\r\n$5\r\nRPUSH\r\n$1\r\nl\r\n$1\r\na\r\n");
    std::fs::write(&aof, &resp).expect("write");
    let want = digest(&aof, "6.2.14");
    let (stdout, _) = run(&[os("rewrite"), aof.as_os_str()], 0);
    assert!(
        stdout.starts_with(&format!(
            "rewrote {} (51 commands replayed): 2 keys, base rdb version 9, ",
            aof.display()
        )),
        "{stdout}"
    );
    let bak = d.path().join("appendonly.aof.bak");
    assert!(
        stdout.ends_with(&format!("original kept as {}\n", bak.display())),
        "{stdout}"
    );
    assert_eq!(std::fs::read(&bak).expect("read"), resp);
    let new = std::fs::read(&aof).expect("read");
    assert!(new.starts_with(b"REDIS0009"));
    assert_eq!(digest(&aof, "6.2.14"), want);
    // A second rewrite would clobber the backup: refused, nothing changed.
    run(&[os("rewrite"), aof.as_os_str()], 2);
    assert_eq!(std::fs::read(&aof).expect("read"), new);
    // An RDB is not an AOF.
    let rdb = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gen/rdb/gen-v10.rdb");
    let (_, stderr) = run(&[os("rewrite"), rdb.as_os_str()], 2);
    assert!(stderr.contains("an RDB file, not an AOF"), "{stderr}");
    let Some((server, _d)) = start_on(Load::AofFile(&aof), None) else {
        return;
    };
    let mut c = server.client();
    assert_eq!(c.run("GET k").text(), "49");
}
