//! Differential test against a real `redis-server` (skipped with a note
//! when none is installed; fails instead when `REDFILE_REQUIRE_REDIS=1`):
//! the same seeded random command sequence goes to both, every reply is
//! compared, and at the end every key's type, value and TTL presence.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::tests::{random_command, Rng};
use super::{Engine, Reply};
use crate::model::Value;

/// A reply as read off the wire.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resp {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Resp>>),
}

pub(crate) struct Server {
    child: Child,
    conn: BufReader<TcpStream>,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn redis_server() -> Option<std::path::PathBuf> {
    let p = std::path::PathBuf::from("/usr/bin/redis-server");
    if p.exists() {
        return Some(p);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("redis-server"))
            .find(|p| p.exists())
    })
}

impl Server {
    pub(crate) fn start() -> Option<Server> {
        let bin = redis_server()?;
        let dir = tempfile::tempdir().ok()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new(bin)
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--dir")
            .arg(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut server = None;
        let mut child = Some(child);
        for _ in 0..100 {
            if let Ok(s) = TcpStream::connect(("127.0.0.1", port)) {
                server = Some(Server {
                    child: child.take()?,
                    conn: BufReader::new(s),
                    _dir: dir,
                });
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        if let Some(mut c) = child {
            let _ = c.kill();
            let _ = c.wait();
        }
        server
    }

    pub(crate) fn cmd<A: AsRef<[u8]>>(&mut self, argv: &[A]) -> Resp {
        let mut out = format!("*{}\r\n", argv.len()).into_bytes();
        for a in argv {
            let a = a.as_ref();
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.conn.get_mut().write_all(&out).expect("write to redis");
        self.read()
    }

    fn line(&mut self) -> String {
        let mut l = String::new();
        self.conn.read_line(&mut l).expect("read from redis");
        l.trim_end_matches("\r\n").to_string()
    }

    fn read(&mut self) -> Resp {
        let l = self.line();
        let (t, rest) = l.split_at(1);
        match t {
            "+" => Resp::Simple(rest.to_string()),
            "-" => Resp::Error(rest.to_string()),
            ":" => Resp::Int(rest.parse().expect("int")),
            "$" => {
                let n: i64 = rest.parse().expect("len");
                if n < 0 {
                    return Resp::Bulk(None);
                }
                let mut buf = vec![0u8; n as usize + 2];
                std::io::Read::read_exact(&mut self.conn, &mut buf).expect("bulk");
                buf.truncate(n as usize);
                Resp::Bulk(Some(buf))
            }
            "*" => {
                let n: i64 = rest.parse().expect("len");
                if n < 0 {
                    return Resp::Array(None);
                }
                Resp::Array(Some((0..n).map(|_| self.read()).collect()))
            }
            _ => panic!("unexpected reply line {l:?}"),
        }
    }
}

pub(crate) fn engine_resp(r: Result<Reply, super::EngineError>) -> Resp {
    fn conv(r: Reply) -> Resp {
        match r {
            Reply::Ok => Resp::Simple("OK".into()),
            Reply::Queued => Resp::Simple("QUEUED".into()),
            Reply::Nil => Resp::Bulk(None),
            Reply::Int(i) => Resp::Int(i),
            Reply::Bulk(b) => Resp::Bulk(Some(b)),
            Reply::Array(v) => Resp::Array(Some(v.into_iter().map(conv).collect())),
            Reply::Error(e) => Resp::Error(e.to_string()),
        }
    }
    match r {
        Ok(r) => conv(r),
        Err(e) => Resp::Error(e.to_string()),
    }
}

/// Nil bulk and nil array are the same for the comparison.
pub(crate) fn normalise(r: Resp) -> Resp {
    match r {
        Resp::Array(None) => Resp::Bulk(None),
        Resp::Array(Some(v)) => Resp::Array(Some(v.into_iter().map(normalise).collect())),
        other => other,
    }
}

pub(crate) fn bulks(r: Resp) -> Vec<Vec<u8>> {
    match r {
        Resp::Array(Some(v)) => v
            .into_iter()
            .map(|x| match x {
                Resp::Bulk(Some(b)) => b,
                other => panic!("not a bulk: {other:?}"),
            })
            .collect(),
        other => panic!("not an array: {other:?}"),
    }
}

/// The value of `key` on the server, as a model value in the engine's
/// canonical order.
pub(crate) fn server_value(s: &mut Server, key: &[u8]) -> Value {
    let t = match s.cmd(&[&b"TYPE"[..], key]) {
        Resp::Simple(t) => t,
        other => panic!("TYPE: {other:?}"),
    };
    match t.as_str() {
        "string" => match s.cmd(&[&b"GET"[..], key]) {
            Resp::Bulk(Some(b)) => Value::String(b),
            other => panic!("GET: {other:?}"),
        },
        "list" => Value::List(bulks(s.cmd(&[&b"LRANGE"[..], key, b"0", b"-1"]))),
        "set" => {
            let mut v = bulks(s.cmd(&[&b"SMEMBERS"[..], key]));
            v.sort();
            Value::Set(v)
        }
        "zset" => {
            let v = bulks(s.cmd(&[&b"ZRANGE"[..], key, b"0", b"-1", b"WITHSCORES"]));
            Value::SortedSet(
                v.chunks_exact(2)
                    .map(|p| {
                        let sc = String::from_utf8_lossy(&p[1]).to_string();
                        let sc = match sc.as_str() {
                            "inf" => f64::INFINITY,
                            "-inf" => f64::NEG_INFINITY,
                            x => x.parse().expect("score"),
                        };
                        (p[0].clone(), sc)
                    })
                    .collect(),
            )
        }
        "hash" => {
            let v = bulks(s.cmd(&[&b"HGETALL"[..], key]));
            let mut f: Vec<crate::model::HashField> = v
                .chunks_exact(2)
                .map(|p| crate::model::HashField {
                    field: p[0].clone(),
                    value: p[1].clone(),
                    expire_ms: None,
                })
                .collect();
            f.sort_by(|a, b| a.field.cmp(&b.field));
            Value::Hash(f)
        }
        other => panic!("unexpected type {other}"),
    }
}

#[test]
#[allow(clippy::print_stderr)]
fn random_commands_match_redis_server() {
    let Some(mut s) = Server::start() else {
        if std::env::var("REDFILE_REQUIRE_REDIS").as_deref() == Ok("1") {
            panic!("redis-server is required (REDFILE_REQUIRE_REDIS=1) but could not be started");
        }
        eprintln!("note: redis-server not available, skipping the comparison test");
        return;
    };
    let mut e = Engine::new();
    e.set_loading(false);
    let mut mismatches = Vec::new();
    for seed in 100..104 {
        s.cmd(&["FLUSHALL"]);
        s.cmd(&["SELECT", "0"]);
        e = Engine::new();
        let mut r = Rng::new(seed);
        for _ in 0..4000 {
            let argv = random_command(&mut r, false);
            e.set_time_ms(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_millis() as i64),
            );
            let want = normalise(s.cmd(&argv));
            let got = normalise(engine_resp(e.apply(&argv)));
            if want != got && mismatches.len() < 20 {
                mismatches.push(format!("{argv:?}: redis {want:?}, engine {got:?}"));
            }
        }
        for db in 0..3u32 {
            s.cmd(&["SELECT", &db.to_string()]);
            let keys = bulks(s.cmd(&["KEYS", "*"]));
            let ds = e.to_dataset();
            let n = ds.dbs.get(&u64::from(db)).map_or(0, |d| d.entries.len());
            if n != keys.len() {
                mismatches.push(format!(
                    "seed {seed} db {db}: {n} keys in engine, {} in redis",
                    keys.len()
                ));
            }
            for k in keys {
                let want = server_value(&mut s, &k);
                let mut got = e.value(db as usize, &k);
                if let Some(Value::Hash(h)) = &mut got {
                    for f in h {
                        f.expire_ms = None;
                    }
                }
                if got.as_ref() != Some(&want) {
                    mismatches.push(format!(
                        "seed {seed} db {db} key {}: redis {want:?}, engine {got:?}",
                        String::from_utf8_lossy(&k)
                    ));
                }
                let ttl = matches!(s.cmd(&[&b"PTTL"[..], &k]), Resp::Int(t) if t > 0);
                if ttl != e.expire_ms(db as usize, &k).is_some() {
                    mismatches.push(format!(
                        "seed {seed} db {db} key {:?}: TTL presence differs",
                        k
                    ));
                }
            }
        }
        s.cmd(&["SELECT", "0"]);
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
