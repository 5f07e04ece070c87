//! Test support shared by the library's unit tests that talk to a real
//! `redis-server`: locating the binary, starting it on a free loopback port
//! in a directory of the test's choosing, and a small RESP2 client.
//!
//! `REDFILE_REDIS_SERVER` overrides the binary; without one the caller
//! skips with a note, unless `REDFILE_REQUIRE_REDIS=1`, which fails.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A RESP2 reply.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Reply>>),
}

impl Reply {
    /// A bulk or simple string's bytes.
    pub(crate) fn bytes(&self) -> Vec<u8> {
        match self {
            Reply::Bulk(Some(b)) => b.clone(),
            Reply::Simple(s) => s.as_bytes().to_vec(),
            other => panic!("expected a string reply, got {other:?}"),
        }
    }

    /// A string reply as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes()).into_owned()
    }

    /// An integer reply.
    pub(crate) fn int(&self) -> i64 {
        match self {
            Reply::Int(i) => *i,
            other => panic!("expected an integer reply, got {other:?}"),
        }
    }

    /// An array reply's elements.
    pub(crate) fn array(&self) -> Vec<Reply> {
        match self {
            Reply::Array(Some(v)) => v.clone(),
            other => panic!("expected an array reply, got {other:?}"),
        }
    }

    /// An array of strings.
    pub(crate) fn strings(&self) -> Vec<Vec<u8>> {
        self.array().iter().map(Reply::bytes).collect()
    }

    /// A field of a flat `[name, value, ...]` reply.
    pub(crate) fn field(&self, name: &str) -> Reply {
        self.array()
            .chunks_exact(2)
            .find(|p| p[0].text() == name)
            .map(|p| p[1].clone())
            .unwrap_or_else(|| panic!("no field {name} in {self:?}"))
    }
}

/// A connection.
pub(crate) struct Client {
    r: BufReader<TcpStream>,
}

impl Client {
    /// Connects to a server on loopback.
    pub(crate) fn connect(port: u16) -> std::io::Result<Client> {
        let s = TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(Duration::from_secs(20)))?;
        Ok(Client {
            r: BufReader::new(s),
        })
    }

    /// Sends one command and reads its reply.
    pub(crate) fn cmd(&mut self, args: &[&[u8]]) -> Reply {
        let bytes = crate::aof::writer::encode_command(args);
        self.r.get_mut().write_all(&bytes).expect("send");
        self.reply()
    }

    fn line(&mut self) -> String {
        let mut l = String::new();
        self.r.read_line(&mut l).expect("read reply");
        l.trim_end_matches("\r\n").to_string()
    }

    fn reply(&mut self) -> Reply {
        let l = self.line();
        assert!(!l.is_empty(), "connection closed");
        let (tag, rest) = l.split_at(1);
        let n = || rest.parse::<i64>().expect("number");
        match tag {
            "+" => Reply::Simple(rest.to_string()),
            "-" => Reply::Error(rest.to_string()),
            ":" => Reply::Int(n()),
            "$" if n() < 0 => Reply::Bulk(None),
            "$" => {
                let mut b = vec![0; n() as usize + 2];
                self.r.read_exact(&mut b).expect("bulk");
                b.truncate(b.len() - 2);
                Reply::Bulk(Some(b))
            }
            "*" if n() < 0 => Reply::Array(None),
            "*" => Reply::Array(Some((0..n()).map(|_| self.reply()).collect())),
            _ => panic!("bad reply line {l:?}"),
        }
    }
}

/// A running server, killed when dropped.
pub(crate) struct Server {
    child: Child,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `redis-server` to test against, or `None` (after a note) when
/// absent and not required.
pub(crate) fn redis_server() -> Option<PathBuf> {
    let p = std::env::var_os("REDFILE_REDIS_SERVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/redis-server"));
    if p.is_file() {
        return Some(p);
    }
    assert!(
        std::env::var("REDFILE_REQUIRE_REDIS").as_deref() != Ok("1"),
        "REDFILE_REQUIRE_REDIS=1 but {} is absent",
        p.display()
    );
    #[allow(clippy::print_stderr)]
    {
        eprintln!("note: {} not found, interop test skipped", p.display());
    }
    None
}

/// Starts `bin` in `dir` on a free port with `args` after the fixed
/// `--port --bind --dir --logfile` ones, and waits until it answers PING
/// (a server loading a file answers `-LOADING` until it is done).
pub(crate) fn start(bin: &Path, dir: &Path, args: &[String]) -> (Server, Client) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(bin)
        .arg("--port")
        .arg(port.to_string())
        .args(["--bind", "127.0.0.1", "--dir"])
        .arg(dir)
        .args(["--logfile", "server.log"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn redis-server");
    let mut srv = Server {
        child,
        dir: dir.to_path_buf(),
    };
    let log =
        |srv: &Server| std::fs::read_to_string(srv.dir.join("server.log")).unwrap_or_default();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(Some(status)) = srv.child.try_wait() {
            panic!("redis-server exited ({status}); log:\n{}", log(&srv));
        }
        if let Ok(mut c) = Client::connect(port) {
            if c.cmd(&[b"PING"]) == Reply::Simple("PONG".into()) {
                return (srv, c);
            }
        }
        if Instant::now() > deadline {
            panic!("redis-server did not come up; log:\n{}", log(&srv));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}
