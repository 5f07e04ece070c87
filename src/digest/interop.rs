//! Interop: the digests of a live `redis-server` against ours (spec §8).
//!
//! Starts the server found at `$REDFILE_REDIS_SERVER` or
//! `/usr/bin/redis-server` on a free loopback port, fills it with every
//! type and encoding, then compares `DEBUG DIGEST` and every
//! `DEBUG DIGEST-VALUE` with what this module computes from the `SAVE`d
//! RDB, before and after `DEBUG RELOAD NOSAVE`. The shared fixtures the
//! server can load go through the same comparison. Without a server the
//! tests print a note and pass, unless `REDFILE_REQUIRE_REDIS=1`.
#![allow(clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::*;
use crate::load::read_rdb_dataset;
use crate::rdb::{RdbReader, ReaderOptions};

/// A RESP reply.
#[derive(Debug, Clone, PartialEq)]
enum Reply {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Reply>>),
}

impl Reply {
    fn text(&self) -> String {
        match self {
            Reply::Simple(s) => s.clone(),
            Reply::Bulk(Some(b)) => String::from_utf8_lossy(b).into_owned(),
            other => panic!("expected a string reply, got {other:?}"),
        }
    }
}

/// Just enough RESP2 over a blocking socket.
struct Client {
    r: BufReader<TcpStream>,
    w: TcpStream,
}

impl Client {
    fn connect(port: u16) -> std::io::Result<Client> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        Ok(Client {
            r: BufReader::new(s.try_clone()?),
            w: s,
        })
    }

    fn call_raw(&mut self, args: &[&[u8]]) -> std::io::Result<Reply> {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.w.write_all(&out)?;
        self.read_reply()
    }

    /// Sends a command; panics on an error reply.
    fn call(&mut self, args: &[&[u8]]) -> Reply {
        let r = self.call_raw(args).expect("server connection");
        if let Reply::Error(e) = &r {
            panic!(
                "{:?} failed: {e}",
                args.iter()
                    .map(|a| String::from_utf8_lossy(a))
                    .collect::<Vec<_>>()
            );
        }
        r
    }

    /// `call` with whitespace-separated text arguments.
    fn cmd(&mut self, line: &str) -> Reply {
        let args: Vec<&[u8]> = line.split_whitespace().map(str::as_bytes).collect();
        self.call(&args)
    }

    fn line(&mut self) -> std::io::Result<String> {
        let mut l = String::new();
        if self.r.read_line(&mut l)? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(l.trim_end_matches("\r\n").to_string())
    }

    fn read_reply(&mut self) -> std::io::Result<Reply> {
        let l = self.line()?;
        let (tag, rest) = l.split_at(1);
        let num = || rest.parse::<i64>().expect("RESP length");
        Ok(match tag {
            "+" => Reply::Simple(rest.to_string()),
            "-" => Reply::Error(rest.to_string()),
            ":" => Reply::Int(num()),
            "$" if num() < 0 => Reply::Bulk(None),
            "$" => {
                let mut b = vec![0; num() as usize + 2];
                std::io::Read::read_exact(&mut self.r, &mut b)?;
                b.truncate(b.len() - 2);
                Reply::Bulk(Some(b))
            }
            "*" if num() < 0 => Reply::Array(None),
            "*" => {
                let n = num();
                let mut v = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    v.push(self.read_reply()?);
                }
                Reply::Array(Some(v))
            }
            _ => panic!("bad RESP line {l:?}"),
        })
    }
}

/// A `redis-server` child, killed on drop.
struct Server {
    child: Child,
    dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn server_binary() -> Option<PathBuf> {
    let require = std::env::var("REDFILE_REQUIRE_REDIS").is_ok_and(|v| v == "1");
    let path = std::env::var_os("REDFILE_REDIS_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/redis-server"));
    if path.exists() {
        return Some(path);
    }
    assert!(
        !require,
        "REDFILE_REQUIRE_REDIS=1 but {} is missing",
        path.display()
    );
    eprintln!(
        "note: {} not found, skipping the live DEBUG DIGEST comparison",
        path.display()
    );
    None
}

impl Server {
    fn start(bin: &Path) -> (Server, Client) {
        let mut dir = tempfile::tempdir().unwrap();
        // A free port: bind, read, release. Retried if another process
        // takes it in between.
        for _ in 0..5 {
            let port = TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port();
            let child = Command::new(bin)
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .arg("--dir")
                .arg(dir.path())
                .args(["--dbfilename", "dump.rdb", "--appendonly", "no"])
                .args(["--save", "", "--enable-debug-command", "yes"])
                .args(["--logfile", "server.log", "--daemonize", "no"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn redis-server");
            let mut server = Server { child, dir };
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if let Ok(Some(_)) = server.child.try_wait() {
                    break;
                }
                if let Ok(mut c) = Client::connect(port) {
                    if c.call_raw(&[b"PING"]).is_ok() {
                        return (server, c);
                    }
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            dir = std::mem::replace(&mut server.dir, tempfile::tempdir().unwrap());
            drop(server);
        }
        panic!("redis-server did not start");
    }

    fn version(c: &mut Client) -> String {
        let info = c.cmd("INFO server").text();
        info.lines()
            .find_map(|l| l.strip_prefix("redis_version:"))
            .expect("redis_version")
            .trim()
            .to_string()
    }

    fn rdb_path(&self) -> PathBuf {
        self.dir.path().join("dump.rdb")
    }
}

fn open_rdb(path: &Path) -> RdbReader<Box<dyn std::io::Read + Send>> {
    let input = crate::input::open(path).unwrap();
    RdbReader::with_options(input.reader, ReaderOptions::default()).unwrap()
}

fn read_rdb(path: &Path) -> Dataset {
    read_rdb_dataset(open_rdb(path)).unwrap()
}

/// Every key's `DEBUG DIGEST-VALUE`, by DB.
fn server_value_digests(c: &mut Client, dbs: &[u64]) -> BTreeMap<(u64, Vec<u8>), String> {
    let mut out = BTreeMap::new();
    for &db in dbs {
        c.cmd(&format!("SELECT {db}"));
        let Reply::Array(Some(keys)) = c.cmd("KEYS *") else {
            panic!("KEYS");
        };
        for k in keys {
            let Reply::Bulk(Some(key)) = k else { panic!() };
            let Reply::Array(Some(v)) = c.call(&[b"DEBUG", b"DIGEST-VALUE", &key]) else {
                panic!("DIGEST-VALUE");
            };
            out.insert((db, key), v[0].text());
        }
    }
    c.cmd("SELECT 0");
    out
}

/// A deterministic pseudo-random sequence (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Doubles of every shape: integral, fractional, huge, tiny,
    /// subnormal, random bit patterns (never NaN).
    fn score(&mut self) -> f64 {
        match self.next() % 6 {
            0 => (self.next() % 2_000_001) as f64 - 1_000_000.0,
            1 => ((self.next() % 2_000_000_001) as f64 - 1e9) / (1 + self.next() % 100_000) as f64,
            2 => f64::from_bits(self.next() >> 12), // subnormal
            3 => (self.next() >> 11) as f64 * 1e-300,
            _ => {
                let d = f64::from_bits(self.next());
                if d.is_nan() {
                    0.1
                } else {
                    d
                }
            }
        }
    }
}

fn fill(c: &mut Client, version: &str) {
    let far = "4102444800000";
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    c.cmd("FLUSHALL");
    c.cmd("FUNCTION FLUSH");

    // Strings: raw, integers, binary, empty, large (LZF-compressible).
    c.cmd("SET s:raw hello-world");
    c.cmd("SET s:int 12345");
    c.cmd("SET s:neg -42");
    c.cmd("SET s:max 9223372036854775807");
    c.cmd("SET s:lead 007");
    c.call(&[b"SET", b"s:bin", b"\x00\xff\r\n\x80binary\x00"]);
    c.call(&[b"SET", b"s:empty", b""]);
    c.call(&[b"SET", b"s:big", "abcdefgh".repeat(5000).as_bytes()]);
    c.cmd("SET s:ttl expiring");
    c.cmd(&format!("PEXPIREAT s:ttl {far}"));
    c.cmd("INCRBYFLOAT s:float 3.25");

    // Lists: listpack and quicklist, integers and strings.
    c.cmd("RPUSH l:small a b 1 -2 3000000000 c");
    let big: Vec<String> = (0..1500)
        .map(|i| {
            if i % 3 == 0 {
                i.to_string()
            } else {
                format!("item-{i}-{}", "x".repeat(i % 90))
            }
        })
        .collect();
    for chunk in big.chunks(100) {
        let mut args: Vec<&[u8]> = vec![b"RPUSH", b"l:big"];
        args.extend(chunk.iter().map(|s| s.as_bytes()));
        c.call(&args);
    }
    c.cmd("LPUSH l:big head");
    c.cmd(&format!("PEXPIREAT l:big {far}"));

    // Sets: intset, small strings, hashtable, big intset turned hashtable.
    c.cmd("SADD set:int 1 2 3 -7 100000 9223372036854775807");
    c.cmd("SADD set:small a b c");
    for i in 0..700 {
        c.cmd(&format!("SADD set:ht m{i} {i}"));
    }
    for i in 0..600 {
        c.cmd(&format!("SADD set:bigint {}", i * 7919));
    }
    c.call(&[b"SADD", b"set:bin", b"\x00", b"\xff\xfe", b""]);

    // Sorted sets: listpack (fractional, inf, -0 which becomes 0) and
    // skiplist (random doubles, subnormals, -0 kept).
    c.cmd("ZADD z:lp 1.5 a 2 b -inf c +inf d 0.1 e 1e8 f -0 g 3.0000000000000004 h");
    for chunk in 0..4 {
        let mut args: Vec<Vec<u8>> = vec![b"ZADD".to_vec(), b"z:sl".to_vec()];
        for i in 0..100 {
            let s = rng.score();
            args.push(format!("{s:e}").into_bytes());
            args.push(format!("m{chunk}-{i}").into_bytes());
        }
        let refs: Vec<&[u8]> = args.iter().map(|a| a.as_slice()).collect();
        c.call(&refs);
    }
    c.cmd("ZADD z:sl 0.1 tenth 1e8 e8 inf pinf -inf ninf 5e-324 tiny 1e21 e21 1e-7 em7");
    // ZADD parses "-0" as 0 on 7.0; ZINCRBY of a new member keeps -0.
    c.cmd("ZINCRBY z:sl -0 negzero");
    c.cmd("ZINCRBY z:lp -0 negzero");
    // A skiplist that shrinks stays a skiplist in memory, keeping -0, but a
    // server loading it converts it to a listpack (spec §4.3).
    let long = "L".repeat(80);
    c.cmd(&format!("ZADD z:shrunk 2.5 x 1 {long}"));
    c.cmd("ZINCRBY z:shrunk -0 zero");
    c.cmd(&format!("ZREM z:shrunk {long}"));
    c.cmd(&format!("PEXPIREAT z:lp {far}"));

    // Hashes: listpack and hashtable, binary, integers.
    c.cmd("HSET h:lp name Alice age 30 neg -1 empty-next x");
    c.call(&[b"HSET", b"h:lp", b"", b""]);
    for i in 0..600 {
        c.cmd(&format!("HSET h:ht f{i} v{}", i * i));
    }
    c.call(&[b"HSET", b"h:bin", b"\x00k", b"\xffv\x00"]);
    c.cmd(&format!("PEXPIREAT h:ht {far}"));
    if DigestRules::for_version(version) >= DigestRules::Redis74 {
        c.cmd("HSET h:fttl a 1 b 2");
        c.cmd(&format!("HPEXPIREAT h:fttl {far} FIELDS 1 a"));
    }

    // Streams: several listpacks, same and different fields, deletions,
    // groups, consumers, pending entries, an emptied stream, a trimmed one.
    for i in 1..=250u64 {
        let id = format!("{}-{}", 1_700_000_000_000u64 + i / 3, i % 3);
        if i % 5 == 0 {
            c.cmd(&format!("XADD st {id} other {i} extra field{i}"));
        } else {
            c.cmd(&format!("XADD st {id} type login n {i}"));
        }
    }
    for i in (3..250u64).step_by(17) {
        c.cmd(&format!(
            "XDEL st {}-{}",
            1_700_000_000_000u64 + i / 3,
            i % 3
        ));
    }
    c.cmd("XGROUP CREATE st g1 0");
    c.cmd("XGROUP CREATE st g2 $");
    c.cmd("XREADGROUP GROUP g1 alice COUNT 5 STREAMS st >");
    c.cmd("XREADGROUP GROUP g1 bob COUNT 3 STREAMS st >");
    c.cmd("XACK st g1 1700000000000-1");
    c.cmd("XADD st:empty 1-1 a b");
    c.cmd("XDEL st:empty 1-1");
    c.cmd("XGROUP CREATE st:mk g $ MKSTREAM");
    c.cmd("XADD st:trim * a 1");
    for i in 0..30 {
        c.cmd(&format!("XADD st:trim * k {i}"));
    }
    c.cmd("XTRIM st:trim MAXLEN 7");
    c.cmd(&format!("PEXPIREAT st {far}"));

    // Other DBs; DB 2 is left empty after use.
    c.cmd("SELECT 1");
    c.cmd("SET foo bar");
    c.cmd("RPUSH l 1 2 3");
    c.cmd("SELECT 2");
    c.cmd("SET gone soon");
    c.cmd("DEL gone");
    c.cmd("SELECT 3");
    c.cmd("SET foo bar");
    c.cmd("ZADD z 1 a 2 b");
    c.cmd(&format!("PEXPIREAT foo {far}"));
    c.cmd("SELECT 0");
}

fn entry<'a>(ds: &'a Dataset, db: u64, key: &[u8]) -> &'a Entry {
    ds.dbs
        .get(&db)
        .and_then(|d| d.entries.iter().find(|e| e.key == key))
        .unwrap_or_else(|| {
            panic!(
                "db {db} key {:?} not in the RDB",
                String::from_utf8_lossy(key)
            )
        })
}

#[test]
fn live_server_digests_match() {
    let Some(bin) = server_binary() else { return };
    let (server, mut c) = Server::start(&bin);
    let version = Server::version(&mut c);
    let rules = DigestRules::for_version(&version);
    c.cmd("DEBUG SET-ACTIVE-EXPIRE 0");
    fill(&mut c, &version);

    let live_digest = c.cmd("DEBUG DIGEST").text();
    let live_values = server_value_digests(&mut c, &[0, 1, 2, 3]);
    assert!(live_values.len() > 25, "{}", live_values.len());
    c.cmd("SAVE");
    let ds = read_rdb(&server.rdb_path());
    assert_eq!(DigestRules::for_dataset(&ds), rules);

    // In memory: the shrunk skiplist still holds -0, as the model does.
    let exact = DigestOptions::new(rules);
    for ((db, key), want) in &live_values {
        let e = entry(&ds, *db, key);
        assert_eq!(
            &to_hex(&exact.try_value_digest(e).unwrap()),
            want,
            "DIGEST-VALUE of db {db} key {:?} ({version})",
            String::from_utf8_lossy(key)
        );
    }
    assert_eq!(
        to_hex(&exact.try_dataset_digest(&ds).unwrap()),
        live_digest,
        "DEBUG DIGEST ({version})"
    );

    assert_eq!(to_hex(&dataset_digest(&ds, rules)), live_digest);

    // After loading the file the server holds what `rdb_digest` models.
    c.cmd("DEBUG RELOAD NOSAVE");
    let loaded_digest = c.cmd("DEBUG DIGEST").text();
    let loaded_values = server_value_digests(&mut c, &[0, 1, 2, 3]);
    let opts = DigestOptions::new(rules);
    let from_file = rdb_digest(open_rdb(&server.rdb_path()), &opts).unwrap();
    assert_eq!(to_hex(&from_file), loaded_digest);
    // Every zset here that fits a listpack was saved as a skiplist (or
    // holds no -0), so the dataset view with normalisation agrees.
    let load = DigestOptions {
        normalize_small_zsets: true,
        ..opts
    };
    assert_eq!(to_hex(&load.dataset_digest(&ds)), loaded_digest);
    for ((db, key), want) in &loaded_values {
        let e = entry(&ds, *db, key);
        assert_eq!(
            &to_hex(&load.value_digest(e)),
            want,
            "after reload: db {db} key {:?}",
            String::from_utf8_lossy(key)
        );
    }
    // The zero-sign quirk is real on 7.0+: the reload changed z:shrunk.
    if rules.listpack_zset_drops_zero_sign() {
        assert_ne!(loaded_digest, live_digest);
        assert_ne!(
            loaded_values[&(0, b"z:shrunk".to_vec())],
            live_values[&(0, b"z:shrunk".to_vec())]
        );
    }
    // A missing key: 40 zeros.
    let Reply::Array(Some(v)) = c.cmd("DEBUG DIGEST-VALUE no-such-key") else {
        panic!()
    };
    assert_eq!(v[0].text(), to_hex(&ZERO));
    c.cmd("FLUSHALL");
    assert_eq!(c.cmd("DEBUG DIGEST").text(), to_hex(&ZERO));
}

/// RDB fixtures shipped with the project and in `shared/fixtures`.
fn fixture_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join("fixtures/rdb")];
    for base in [
        root.join("../shared/fixtures"),
        PathBuf::from("/work/shared/fixtures"),
    ] {
        if base.is_dir() {
            dirs.push(base);
            break;
        }
    }
    let mut out = Vec::new();
    while let Some(d) = dirs.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rdb") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn fixtures_match_server_after_load() {
    let Some(bin) = server_binary() else { return };
    let (mut server, mut c) = Server::start(&bin);
    let version = Server::version(&mut c);
    let rules = DigestRules::for_version(&version);
    let (mut compared, mut refused) = (Vec::new(), Vec::new());
    for path in fixture_files() {
        // Our reader first: the server may exit on a file it finds corrupt.
        let readable = std::panic::catch_unwind(|| {
            let input = crate::input::open(&path).ok()?;
            let reader = RdbReader::with_options(input.reader, ReaderOptions::default()).ok()?;
            read_rdb_dataset(reader).ok()
        });
        if !matches!(readable, Ok(Some(_))) {
            refused.push(format!("{} (redfile)", path.display()));
            continue;
        }
        std::fs::copy(&path, server.rdb_path()).unwrap();
        c.cmd("DEBUG SET-ACTIVE-EXPIRE 0");
        c.cmd("FUNCTION FLUSH");
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis() as i64;
        let reply = c.call_raw(&[b"DEBUG", b"RELOAD", b"NOSAVE"]);
        match reply {
            Ok(Reply::Simple(_)) => {}
            other => {
                refused.push(format!("{} (server: {other:?})", path.display()));
                if other.is_err() {
                    // The server exited on the file: start a fresh one.
                    drop(c);
                    let (s, cl) = Server::start(&bin);
                    server = s;
                    c = cl;
                }
                continue;
            }
        }
        let want = c.cmd("DEBUG DIGEST").text();
        // A master loading a plain RDB drops keys whose TTL is past.
        let opts = DigestOptions {
            drop_expired_before_ms: Some(now_ms),
            ..DigestOptions::new(rules)
        };
        match rdb_digest(open_rdb(&path), &opts) {
            Ok(d) => assert_eq!(to_hex(&d), want, "{} ({version})", path.display()),
            Err(e) => {
                refused.push(format!("{} ({e})", path.display()));
                continue;
            }
        }
        compared.push(path.display().to_string());
    }
    eprintln!(
        "digest fixtures vs redis {version}: {} compared, {} not loadable: {refused:#?}",
        compared.len(),
        refused.len()
    );
    assert!(!compared.is_empty());
}
