//! A real `redis-server` for interop tests: started on 127.0.0.1 with a
//! free port and its own temporary directory, killed on drop (also when a
//! test panics), and a tiny RESP2 client to talk to it.
//!
//! Tests call [`RedisServer::start`], which returns `None` (with the reason
//! on stderr) when `redis-server` is not on `PATH`, unless
//! `REDFILE_REQUIRE_REDIS=1`, in which case its absence fails the test.
//! [`RedisServer::start_bin`] starts another build (a peer server such as
//! Redis 6.2, 7.4 or Valkey 9) described by a [`ServerBin`].

use std::ffi::OsString;
use std::fmt;
use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a starting server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How long one reply may take (SAVE of a test dataset is far below this).
const REPLY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `redis-server`, killed when dropped.
pub struct RedisServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

/// A server build to start: its binary, extra environment, and whether it
/// knows `--enable-debug-command` (7.0 and later; before, DEBUG is always
/// enabled).
#[derive(Debug, Clone)]
pub struct ServerBin {
    /// The `redis-server` (or `valkey-server`) binary.
    pub path: PathBuf,
    /// Extra environment variables (e.g. `LD_LIBRARY_PATH`).
    pub env: Vec<(String, OsString)>,
    /// Pass `--enable-debug-command yes`.
    pub debug_flag: bool,
}

impl ServerBin {
    /// The binary named by the environment variable `var`, else `default`
    /// under `${TMPDIR:-/tmp}`; `None` (with a note on stderr) when it is
    /// not a file.
    pub fn locate(var: &str, default: &str) -> Option<ServerBin> {
        let path = std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| peers_root().join(default));
        if !path.is_file() {
            eprintln!(
                "note: {} is absent (set {var}); skipping a test that needs it",
                path.display()
            );
            return None;
        }
        Some(ServerBin {
            path,
            env: Vec::new(),
            debug_flag: true,
        })
    }
}

/// Where the peer servers are installed: `${TMPDIR:-/tmp}`.
pub fn peers_root() -> PathBuf {
    std::env::var_os("TMPDIR")
        .filter(|d| !d.is_empty())
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from)
}

/// Finds `redis-server` on `PATH`.
fn find_server() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("redis-server"))
        .find(|p| p.is_file())
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral port")
        .port()
}

impl RedisServer {
    /// Starts a server with `extra` configuration arguments (`--name value`
    /// pairs) after the fixed ones. `None` when `redis-server` is missing
    /// and the environment does not require it.
    pub fn start(extra: &[&str]) -> Option<RedisServer> {
        let Some(path) = find_server() else {
            let required = std::env::var("REDFILE_REQUIRE_REDIS").is_ok_and(|v| v == "1");
            assert!(
                !required,
                "REDFILE_REQUIRE_REDIS=1 but redis-server is not on PATH"
            );
            eprintln!("note: redis-server is not on PATH; skipping a test that needs it");
            return None;
        };
        let bin = ServerBin {
            path,
            env: Vec::new(),
            debug_flag: true,
        };
        Some(RedisServer::start_bin(&bin, extra))
    }

    /// Starts the server `bin` with `extra` configuration arguments, as
    /// [`RedisServer::start`] does; panics (with its log) if it does not
    /// start.
    pub fn start_bin(bin: &ServerBin, extra: &[&str]) -> RedisServer {
        // The port is free when probed but may be taken before the server
        // binds it: try a few.
        let mut last_log = String::new();
        for _ in 0..5 {
            let dir = tempfile::tempdir().expect("temp dir");
            let port = free_port();
            let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
            let mut cmd = Command::new(&bin.path);
            cmd.args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .arg("--dir")
                .arg(dir.path())
                .args(if bin.debug_flag {
                    ["--enable-debug-command", "yes"].as_slice()
                } else {
                    &[]
                })
                .args([
                    "--dbfilename",
                    "dump.rdb",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ])
                .args(["--daemonize", "no"])
                .args(extra)
                .envs(bin.env.iter().map(|(k, v)| (k, v)))
                .current_dir(dir.path())
                .stdin(Stdio::null())
                .stdout(log.try_clone().expect("log file"))
                .stderr(log);
            let child = cmd
                .spawn()
                .unwrap_or_else(|e| panic!("spawn {}: {e}", bin.path.display()));
            let mut server = RedisServer { child, port, dir };
            if server.wait_ready() {
                return server;
            }
            last_log = server.log();
            // Dropping kills it; try another port.
        }
        panic!(
            "{} did not start; last log:\n{last_log}",
            bin.path.display()
        );
    }

    /// Waits until the server answers PING; false if it exited or timed out.
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if let Ok(mut c) = Client::connect(self.port) {
                if matches!(c.try_cmd(&["PING"]), Ok(Reply::Simple(ref s)) if s == b"PONG") {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The dump file `SAVE` writes.
    pub fn rdb_path(&self) -> PathBuf {
        self.dir.path().join("dump.rdb")
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// A new connection.
    pub fn client(&self) -> Client {
        Client::connect(self.port)
            .unwrap_or_else(|e| panic!("connect to redis-server on port {}: {e}", self.port))
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A RESP2 reply.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `+...`
    Simple(Vec<u8>),
    /// `-...`
    Error(String),
    /// `:...`
    Int(i64),
    /// `$n ...`
    Bulk(Vec<u8>),
    /// `*n ...`
    Array(Vec<Reply>),
    /// `$-1` or `*-1`
    Nil,
}

impl Reply {
    /// The integer of an integer reply.
    pub fn int(&self) -> i64 {
        match self {
            Reply::Int(n) => *n,
            other => panic!("expected an integer reply, got {other}"),
        }
    }

    /// The bytes of a bulk or simple string reply.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Reply::Bulk(b) | Reply::Simple(b) => b,
            other => panic!("expected a string reply, got {other}"),
        }
    }

    /// A string reply as text.
    pub fn text(&self) -> String {
        String::from_utf8(self.bytes().to_vec()).expect("UTF-8 reply")
    }

    /// The elements of an array reply.
    pub fn array(&self) -> &[Reply] {
        match self {
            Reply::Array(v) => v,
            other => panic!("expected an array reply, got {other}"),
        }
    }

    /// A flat array of strings, as bytes.
    pub fn byte_list(&self) -> Vec<Vec<u8>> {
        self.array().iter().map(|r| r.bytes().to_vec()).collect()
    }

    /// A `[name, value, name, value, ...]` array (XINFO and friends) looked
    /// up by name.
    pub fn field(&self, name: &str) -> &Reply {
        let a = self.array();
        a.chunks(2)
            .find(|kv| kv[0].bytes() == name.as_bytes())
            .map(|kv| &kv[1])
            .unwrap_or_else(|| panic!("no field {name:?} in {self}"))
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Simple(s) => write!(f, "+{}", s.escape_ascii()),
            Reply::Error(e) => write!(f, "-{e}"),
            Reply::Int(n) => write!(f, ":{n}"),
            Reply::Bulk(b) => write!(f, "\"{}\"", b.escape_ascii()),
            Reply::Nil => f.write_str("(nil)"),
            Reply::Array(v) => {
                f.write_str("[")?;
                for (i, r) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{r}")?;
                }
                f.write_str("]")
            }
        }
    }
}

/// A connection speaking RESP2.
pub struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Client {
    fn connect(port: u16) -> std::io::Result<Client> {
        let s = TcpStream::connect((Ipv4Addr::LOCALHOST, port))?;
        s.set_read_timeout(Some(REPLY_TIMEOUT))?;
        s.set_nodelay(true)?;
        Ok(Client {
            reader: BufReader::new(s.try_clone()?),
            writer: s,
        })
    }

    /// Sends one command, an array of bulk strings, and reads its reply.
    pub fn try_cmd<A: AsRef<[u8]>>(&mut self, args: &[A]) -> std::io::Result<Reply> {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for a in args {
            let a = a.as_ref();
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.writer.write_all(&out)?;
        self.read_reply()
    }

    /// Sends one command of mixed argument types; an I/O failure or an
    /// error reply panics.
    pub fn cmd(&mut self, args: &[&dyn AsRef<[u8]>]) -> Reply {
        self.cmd_list(args)
    }

    /// Sends one command; an I/O failure or an error reply panics.
    pub fn cmd_list<A: AsRef<[u8]>>(&mut self, args: &[A]) -> Reply {
        let name = || {
            args.iter()
                .map(|a| a.as_ref().escape_ascii().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        };
        match self.try_cmd(args) {
            Ok(Reply::Error(e)) => panic!("redis: {}: -{e}", name()),
            Ok(r) => r,
            Err(e) => panic!("redis: {}: {e}", name()),
        }
    }

    /// Sends raw RESP commands as `redis-cli --pipe` does, then a `PING`,
    /// and returns every reply before its `PONG`.
    pub fn pipe(&mut self, resp: &[u8]) -> Vec<Reply> {
        self.writer.write_all(resp).expect("send commands");
        self.writer
            .write_all(b"*1\r\n$4\r\nPING\r\n")
            .expect("send PING");
        let mut replies = Vec::new();
        loop {
            match self.read_reply().expect("read a reply") {
                Reply::Simple(s) if s == b"PONG" => return replies,
                r => replies.push(r),
            }
        }
    }

    /// A command given as words separated by spaces (no binary data).
    pub fn run(&mut self, line: &str) -> Reply {
        let words: Vec<&str> = line.split_whitespace().collect();
        self.cmd_list(&words)
    }

    fn line(&mut self) -> std::io::Result<Vec<u8>> {
        let mut l = Vec::new();
        self.reader.read_until(b'\n', &mut l)?;
        if !l.ends_with(b"\r\n") {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("truncated reply line {:?}", l.escape_ascii().to_string()),
            ));
        }
        l.truncate(l.len() - 2);
        Ok(l)
    }

    fn read_reply(&mut self) -> std::io::Result<Reply> {
        let bad =
            |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
        let l = self.line()?;
        let (&tag, rest) = l.split_first().ok_or_else(|| bad("empty reply line"))?;
        let num = || -> std::io::Result<i64> {
            std::str::from_utf8(rest)
                .ok()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| bad("bad number in reply"))
        };
        Ok(match tag {
            b'+' => Reply::Simple(rest.to_vec()),
            b'-' => Reply::Error(String::from_utf8_lossy(rest).into_owned()),
            b':' => Reply::Int(num()?),
            b'$' => {
                let n = num()?;
                if n < 0 {
                    return Ok(Reply::Nil);
                }
                let mut b = vec![0u8; n as usize + 2];
                std::io::Read::read_exact(&mut self.reader, &mut b)?;
                if !b.ends_with(b"\r\n") {
                    return Err(bad("bulk string without CRLF"));
                }
                b.truncate(n as usize);
                Reply::Bulk(b)
            }
            b'*' => {
                let n = num()?;
                if n < 0 {
                    return Ok(Reply::Nil);
                }
                let mut v = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    v.push(self.read_reply()?);
                }
                Reply::Array(v)
            }
            _ => return Err(bad("unknown reply type")),
        })
    }
}

/// The client against the server: every reply type, binary-safe
/// arguments, and errors as values.
#[test]
fn the_resp_client_reads_every_reply_type() {
    let Some(server) = RedisServer::start(&[]) else {
        return;
    };
    let mut c = server.client();
    assert_eq!(c.run("PING"), Reply::Simple(b"PONG".to_vec()));
    let key: &[u8] = b"k\x00\xff\r\n";
    let value: &[u8] = b"\r\n\x00$-1\r\n*3\r\n";
    assert_eq!(c.cmd(&[&"SET", &key, &value]).text(), "OK");
    assert_eq!(c.cmd(&[&"GET", &key]).bytes(), value);
    assert_eq!(c.run("GET missing"), Reply::Nil);
    assert_eq!(c.cmd(&[&"GET", &""]), Reply::Nil);
    assert_eq!(c.run("RPUSH l a b").int(), 2);
    assert_eq!(c.run("LRANGE l 0 -1").byte_list(), [b"a", b"b"]);
    assert_eq!(c.run("BLPOP none 0.01"), Reply::Nil);
    assert_eq!(c.run("LRANGE none 0 -1"), Reply::Array(Vec::new()));
    assert!(matches!(
        c.try_cmd(&["INCR", "l"]),
        Ok(Reply::Error(e)) if e.starts_with("WRONGTYPE")
    ));
    let cfg = c.run("CONFIG GET dbfilename");
    assert_eq!(cfg.field("dbfilename").text(), "dump.rdb");
    c.run("SAVE");
    assert!(server.rdb_path().is_file(), "{}", server.log());
}
