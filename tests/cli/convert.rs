//! `redfile convert`: every output format loads in a real server with the
//! input's DEBUG DIGEST and its keys, values and TTLs; what a version
//! cannot express is refused with the keys, or dropped and reported with
//! --lossy; outputs never clobber.

use std::path::{Path, PathBuf};

use redfile::model::{Dataset, Value};

use crate::interop::compare_value;
use crate::peers::{populate, read_dataset, Peer};
use crate::redfile;
use crate::redis::{Client, RedisServer};

/// The repository's generated RDB 10 fixture: every type, expiries,
/// three databases, a function library.
pub fn gen_v10() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gen/rdb/gen-v10.rdb")
}

fn gen_v12() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gen/rdb/gen-v12.rdb")
}

/// `redfile digest` of a file under the given Redis version's rules.
pub fn digest(file: &Path, version: &str) -> String {
    let a = redfile()
        .args(["digest", "--redis-version", version])
        .arg(file)
        .assert()
        .code(0);
    String::from_utf8_lossy(&a.get_output().stdout)
        .trim()
        .to_string()
}

/// Runs `redfile` with `args`, expecting `code`; returns (stdout, stderr).
pub fn run(args: &[&std::ffi::OsStr], code: i32) -> (String, String) {
    let a = redfile().args(args).assert().code(code);
    let o = a.get_output();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn os(s: &str) -> &std::ffi::OsStr {
    s.as_ref()
}

/// How a server loads an output.
pub enum Load<'a> {
    /// `--dbfilename` in `--dir`.
    Rdb(&'a Path),
    /// A single AOF file (RESP or preamble), as a legacy `appendonly.aof`.
    AofFile(&'a Path),
    /// A multi-part directory.
    Dir(&'a Path),
}

/// Starts a server (`bin`, or Debian's 7.0 when `None`) on a copy of the
/// output; `None` when 7.0 is absent.
pub fn start_on(load: Load<'_>, bin: Option<&Peer>) -> Option<(RedisServer, tempfile::TempDir)> {
    let d = tempfile::tempdir().expect("tempdir");
    let root = d.path().to_str().expect("utf-8").to_string();
    let mut args: Vec<String> = vec!["--dir".into(), root];
    match load {
        Load::Rdb(p) => {
            std::fs::copy(p, d.path().join("in.rdb")).expect("copy");
            args.extend(["--dbfilename".into(), "in.rdb".into()]);
        }
        Load::AofFile(p) => {
            std::fs::copy(p, d.path().join("appendonly.aof")).expect("copy");
            args.extend(["--appendonly".into(), "yes".into()]);
        }
        Load::Dir(p) => {
            let to = d.path().join("aofdir");
            std::fs::create_dir(&to).expect("mkdir");
            for e in std::fs::read_dir(p).expect("readdir").flatten() {
                std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
            }
            args.extend([
                "--appendonly".into(),
                "yes".into(),
                "--appenddirname".into(),
                "aofdir".into(),
            ]);
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let server = match bin {
        Some(peer) => peer.start(&args),
        None => RedisServer::start(&args)?,
    };
    Some((server, d))
}

/// Every key of `ds` is on the server with its value and expiry, and the
/// server holds nothing else.
pub fn assert_keys(c: &mut Client, ds: &Dataset) {
    assert_keys_with(c, ds, |_, _| unreachable!("no stream is replaced"));
}

/// [`assert_keys`], where a stream stands as a string holding its length
/// and `xlen` reads the server's.
fn assert_keys_with(c: &mut Client, ds: &Dataset, xlen: impl Fn(&mut Client, &[u8]) -> Value) {
    let mut total = 0;
    for (db, d) in &ds.dbs {
        c.cmd(&[&"SELECT", &db.to_string()]);
        for e in &d.entries {
            let is_stream = c.cmd(&[&"TYPE", &e.key]).text() == "stream";
            if is_stream && matches!(e.value, Value::String(_)) {
                assert_eq!(xlen(c, &e.key), e.value, "stream length");
            } else {
                compare_value(c, &e.key, &e.value);
            }
            let pttl = c.cmd(&[&"PEXPIRETIME", &e.key]).int();
            assert_eq!(
                pttl,
                e.expire_ms.unwrap_or(-1),
                "db {db} key {}: expiry",
                String::from_utf8_lossy(&e.key)
            );
            total += 1;
        }
    }
    c.run("SELECT 0");
    let mut on_server = 0;
    for db in 0..16 {
        c.cmd(&[&"SELECT", &db.to_string()]);
        on_server += c.run("DBSIZE").int();
    }
    assert_eq!(on_server, total, "keys on the server");
}

/// Streams replaced by their length (see [`assert_keys_with`]).
fn streams_as_lengths(mut ds: Dataset) -> Dataset {
    for d in ds.dbs.values_mut() {
        for e in &mut d.entries {
            if let Value::Stream(s) = &e.value {
                e.value = Value::String(s.length.to_string().into_bytes());
            }
        }
    }
    ds
}

fn xlen(c: &mut Client, key: &[u8]) -> Value {
    Value::String(c.cmd(&[&"XLEN", &key]).int().to_string().into_bytes())
}

fn server_digest(c: &mut Client) -> String {
    c.run("DEBUG DIGEST").text()
}

/// The interop test: each output of the every-type fixture loads
/// in redis-server 7.0 with the input's DEBUG DIGEST, keys, values and
/// TTLs.
#[test]
fn every_output_loads_in_redis_7_0_with_the_inputs_digest() {
    let input = gen_v10();
    let want = digest(&input, "7.0.15");
    let ds = read_dataset(&input);
    let d = tempfile::tempdir().expect("tempdir");
    let cases: [(&str, &[&str], &str); 5] = [
        (
            "v9.rdb",
            &[
                "--to",
                "rdb",
                "--rdb-version",
                "9",
                "--lossy",
                "drop-functions",
            ],
            "rdb version 9",
        ),
        (
            "v10.rdb",
            &["--to", "rdb", "--rdb-version", "10"],
            "rdb version 10",
        ),
        (
            "out.aof",
            &["--to", "aof", "--redis-version", "7.0"],
            "the aof commands of redis 7.0",
        ),
        ("hybrid.aof", &["--to", "hybrid"], "rdb version 10"),
        ("appendonlydir", &["--to", "multipart"], "rdb version 10"),
    ];
    for (name, extra, target) in cases {
        let out = d.path().join(name);
        let mut args = vec![os("convert"), input.as_os_str(), out.as_os_str()];
        args.extend(extra.iter().map(|s| os(s)));
        let (stdout, _) = run(&args, 0);
        assert!(
            stdout.starts_with(&format!(
                "converted {} to {} ({target}): 60 keys, ",
                input.display(),
                out.display()
            )),
            "{stdout}"
        );
        if name == "v9.rdb" {
            assert!(
                stdout.ends_with("dropped (drop-functions): function libraries\n"),
                "{stdout}"
            );
        }
        // The output is what redfile reads back as the same data.
        assert_eq!(digest(&out, "7.0.15"), want, "{name}: redfile digest");
        let load = match name {
            "v9.rdb" | "v10.rdb" => Load::Rdb(&out),
            "appendonlydir" => Load::Dir(&out),
            _ => Load::AofFile(&out),
        };
        let Some((server, _dir)) = start_on(load, None) else {
            return;
        };
        let mut c = server.client();
        assert_eq!(server_digest(&mut c), want, "{name}: DEBUG DIGEST");
        match name {
            // Stream v1 has no entries-read counters (Redis 7.0 estimates
            // them when asked), and an AOF rewrite recreates consumers
            // with the load time as seen time, as Redis's own does:
            // streams are compared by their entries.
            "v9.rdb" => {
                let v9 = read_dataset(&out);
                assert_ne!(v9, ds);
                assert_keys_with(&mut c, &streams_as_lengths(v9), xlen);
            }
            "out.aof" => assert_keys_with(&mut c, &streams_as_lengths(ds.clone()), xlen),
            _ => assert_keys(&mut c, &ds),
        }
        let functions = c.run("FUNCTION LIST").array().len();
        assert_eq!(
            functions,
            usize::from(name != "v9.rdb"),
            "{name}: functions"
        );
    }
    // RDB 9 really uses the 6.x encodings (ziplists, quicklist of ziplists).
    let (info, _) = run(&[os("info"), d.path().join("v9.rdb").as_os_str()], 0);
    assert!(
        info.contains("REDIS0009") && info.contains("ziplist"),
        "{info}"
    );
    assert!(!info.contains("listpack"), "{info}");
}

#[test]
fn refusal_lists_the_keys_and_lossy_reports_what_was_dropped() {
    let input = gen_v12();
    let d = tempfile::tempdir().expect("tempdir");
    let out = d.path().join("v11.rdb");
    let base = [
        os("convert"),
        input.as_os_str(),
        out.as_os_str(),
        os("--to"),
        os("rdb"),
        os("--rdb-version"),
        os("11"),
    ];
    let (stdout, stderr) = run(&base, 1);
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with(
            "redfile: refused: rdb version 11 cannot express: hash field TTLs in 5 keys (db "
        ),
        "{stderr}"
    );
    assert!(
        stderr.trim_end().ends_with("(to drop it: drop-field-ttl)"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written on refusal");

    let mut lossy = base.to_vec();
    lossy.extend([os("--lossy"), os("drop-field-ttl")]);
    let (stdout, _) = run(&lossy, 0);
    assert!(
        stdout.contains("\ndropped (drop-field-ttl): hash field TTLs in 5 keys (db "),
        "{stdout}"
    );
    let (info, _) = run(&[os("info"), out.as_os_str()], 0);
    assert!(info.contains("REDIS0011"), "{info}");
    assert!(info.contains("| hashes with field TTLs | 0 "), "{info}");
    // The fields themselves survive: same digest as the input under
    // rules that ignore field TTLs (7.2).
    assert_eq!(digest(&out, "7.2.4"), digest(&input, "7.2.4"));

    // The same refusal for AOF commands of a release before 7.4.
    let aof = d.path().join("out.aof");
    let (_, stderr) = run(
        &[
            os("convert"),
            input.as_os_str(),
            aof.as_os_str(),
            os("--to"),
            os("aof"),
            os("--redis-version"),
            os("7.2"),
        ],
        1,
    );
    assert!(
        stderr.starts_with("redfile: refused: the aof commands of redis 7.2 cannot express: hash field TTLs in 5 keys"),
        "{stderr}"
    );
}

#[test]
fn outputs_never_clobber_and_the_input_is_never_touched() {
    let input = gen_v10();
    let before = std::fs::read(&input).expect("read");
    let d = tempfile::tempdir().expect("tempdir");
    let out = d.path().join("out.rdb");
    std::fs::write(&out, b"precious").expect("write");
    let args = [
        os("convert"),
        input.as_os_str(),
        out.as_os_str(),
        os("--to"),
        os("rdb"),
    ];
    let (_, stderr) = run(&args, 2);
    assert!(
        stderr.contains("already exists (use --force to replace it)"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&out).expect("read"), b"precious");
    let mut forced = args.to_vec();
    forced.push(os("--force"));
    run(&forced, 0);
    assert!(std::fs::read(&out).expect("read").starts_with(b"REDIS0010"));
    // Not even --force writes over the input.
    let copy = d.path().join("in.rdb");
    std::fs::copy(&input, &copy).expect("copy");
    let (_, stderr) = run(
        &[
            os("convert"),
            copy.as_os_str(),
            copy.as_os_str(),
            os("--to"),
            os("aof"),
            os("--force"),
        ],
        2,
    );
    assert!(
        stderr.contains("is the input: refusing to overwrite it"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&copy).expect("read"), before);
    // A multi-part directory is replaced whole with --force.
    let dir = d.path().join("appendonlydir");
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(dir.join("junk"), b"x").expect("write");
    let margs = [
        os("convert"),
        input.as_os_str(),
        dir.as_os_str(),
        os("--to"),
        os("multipart"),
    ];
    run(&margs, 2);
    let mut forced = margs.to_vec();
    forced.push(os("--force"));
    run(&forced, 0);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("readdir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "appendonly.aof.1.base.rdb",
            "appendonly.aof.1.incr.aof",
            "appendonly.aof.manifest"
        ]
    );
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .expect("readdir")
        .flatten()
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(std::fs::read(&input).expect("read"), before);
}

/// A Redis 7.4 dump with field TTLs: refused for RDB 11 and 10 without
/// --lossy; with it, RDB 11 loads in Valkey 9 and RDB 10 in Redis 7.0,
/// each with the keys and a digest that only lacks the field TTLs.
#[test]
fn redis74_field_ttls_to_rdb_11_for_valkey9_and_rdb_10_for_redis70() {
    let (Some(r74), Some(vk)) = (Peer::redis74(), Peer::valkey9()) else {
        return;
    };
    let src = r74.start(&[]);
    let mut c = src.client();
    populate(&mut c, &r74);
    c.run("SAVE");
    let d = tempfile::tempdir().expect("tempdir");
    let input = d.path().join("r74.rdb");
    std::fs::copy(src.rdb_path(), &input).expect("copy");
    drop(src);
    for (v, peer) in [("11", Some(&vk)), ("10", None)] {
        let out = d.path().join(format!("v{v}.rdb"));
        let args = [
            os("convert"),
            input.as_os_str(),
            out.as_os_str(),
            os("--to"),
            os("rdb"),
            os("--rdb-version"),
            os(v),
        ];
        let (_, stderr) = run(&args, 1);
        assert!(stderr.contains("hash field TTLs in "), "{stderr}");
        let mut lossy = args.to_vec();
        lossy.extend([os("--lossy"), os("drop-field-ttl")]);
        let (stdout, _) = run(&lossy, 0);
        assert!(
            stdout.contains("dropped (drop-field-ttl): hash field TTLs in "),
            "{stdout}"
        );
        let mut ds = read_dataset(&out);
        assert!(ds.len() > 20);
        let Some((server, _dir)) = start_on(Load::Rdb(&out), peer) else {
            return;
        };
        let mut c = server.client();
        if peer.is_none() {
            // Redis 7.0 gives the digest of the input without field TTLs.
            assert_eq!(server_digest(&mut c), digest(&input, "7.0.15"));
            assert_eq!(server_digest(&mut c), digest(&out, "7.0.15"));
        }
        // Function libraries are not keys.
        ds.functions.clear();
        assert_keys(&mut c, &ds);
    }
}

/// A Valkey 9 dump (VALKEY080) converted to RDB 10 and 11: RDB 10 loads
/// in Redis 7.0 with the same digest; RDB 11 loads back in Valkey 9.
#[test]
fn valkey9_dump_to_rdb_10_and_11() {
    let Some(vk) = Peer::valkey9() else {
        return;
    };
    let src = vk.start(&[]);
    let mut c = src.client();
    populate(&mut c, &vk);
    c.run("SAVE");
    let want_vk = server_digest(&mut c);
    let d = tempfile::tempdir().expect("tempdir");
    let input = d.path().join("vk.rdb");
    std::fs::copy(src.rdb_path(), &input).expect("copy");
    drop(src);
    assert!(std::fs::read(&input)
        .expect("read")
        .starts_with(b"VALKEY080"));
    for v in ["10", "11"] {
        let out = d.path().join(format!("v{v}.rdb"));
        let args = [
            os("convert"),
            input.as_os_str(),
            out.as_os_str(),
            os("--to"),
            os("rdb"),
            os("--rdb-version"),
            os(v),
            os("--lossy"),
            os("drop-field-ttl"),
        ];
        run(&args, 0);
        let ds = read_dataset(&out);
        let (server, _dir) = if v == "10" {
            match start_on(Load::Rdb(&out), None) {
                Some(s) => s,
                None => return,
            }
        } else {
            start_on(Load::Rdb(&out), Some(&vk)).expect("valkey starts")
        };
        let mut c = server.client();
        if v == "10" {
            assert_eq!(server_digest(&mut c), digest(&input, "7.0.15"));
        } else {
            let _ = &want_vk;
        }
        let mut ds = ds;
        ds.functions.clear();
        assert_keys(&mut c, &ds);
    }
}

/// A RESP AOF has no RDB version of its own: without --rdb-version the
/// output gets the lowest version that holds the data (9, 10 for a
/// directory; hash field TTLs raise it to 12), not the newest.
#[test]
fn resp_aof_defaults_to_the_lowest_rdb_version_that_holds_the_data() {
    let d = tempfile::tempdir().expect("tempdir");
    let resp = |cmds: &[&[&str]]| {
        let mut out = Vec::new();
        for c in cmds {
            out.extend_from_slice(format!("*{}\r\n", c.len()).as_bytes());
            for a in *c {
                out.extend_from_slice(format!("${}\r\n{a}\r\n", a.len()).as_bytes());
            }
        }
        out
    };
    let plain = d.path().join("plain.aof");
    std::fs::write(
        &plain,
        resp(&[
            &["SELECT", "0"],
            &["SET", "k", "v"],
            &["HSET", "h", "f", "1"],
        ]),
    )
    .expect("write");
    let ttl = d.path().join("ttl.aof");
    std::fs::write(
        &ttl,
        resp(&[
            &["SELECT", "0"],
            &["HSET", "h", "f", "1", "g", "2"],
            &["HPEXPIREAT", "h", "4102444800000", "FIELDS", "1", "f"],
        ]),
    )
    .expect("write");
    let header = |p: &Path| std::fs::read(p).expect("read")[..9].to_vec();
    for (input, to, out, want, label) in [
        (&plain, "rdb", "plain.rdb", "REDIS0009", "rdb version 9"),
        (
            &plain,
            "hybrid",
            "plain-h.aof",
            "REDIS0009",
            "rdb version 9",
        ),
        (&ttl, "rdb", "ttl.rdb", "REDIS0012", "rdb version 12"),
    ] {
        let o = d.path().join(out);
        let (stdout, _) = run(
            &[
                os("convert"),
                input.as_os_str(),
                o.as_os_str(),
                os("--to"),
                os(to),
            ],
            0,
        );
        assert!(stdout.contains(&format!("({label})")), "{stdout}");
        assert_eq!(header(&o), want.as_bytes(), "{out}");
    }
    let dir = d.path().join("plain-dir");
    let (stdout, _) = run(
        &[
            os("convert"),
            plain.as_os_str(),
            dir.as_os_str(),
            os("--to"),
            os("multipart"),
        ],
        0,
    );
    assert!(stdout.contains("rdb version 10"), "{stdout}");
    let base = dir.join("appendonly.aof.1.base.rdb");
    assert_eq!(header(&base), b"REDIS0010");
    // An explicit version still wins.
    let o = d.path().join("plain14.rdb");
    run(
        &[
            os("convert"),
            plain.as_os_str(),
            o.as_os_str(),
            os("--to"),
            os("rdb"),
            os("--rdb-version"),
            os("14"),
        ],
        0,
    );
    assert_eq!(header(&o), b"REDIS0014");
}
