//! The integration tests: one binary, one module per subcommand, shared
//! helpers here.

#![allow(clippy::print_stderr, clippy::print_stdout)]
mod aof;
mod check;
mod compat;
mod convert;
mod decode;
mod diff;
mod digest;
mod docs;
mod dropin;
mod dump;
mod fix;
mod fixtures;
mod gen;
mod info;
mod interop;
mod keys;
mod log;
mod memory;
mod merge;
mod mutate;
mod peers;
mod redis;
mod rewrite;
mod roundtrip;
mod split;

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// `redfile` with an environment that cannot change its output.
pub fn redfile() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("redfile"));
    cmd.env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .env_remove("TERM")
        .env_remove("REDFILE_LOG");
    cmd
}

/// A file under `../shared/fixtures/`, or `None` (with a note on stderr)
/// when the shared folder is not beside the repository.
pub fn shared_fixture(rel: &str) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if !root.is_dir() {
        eprintln!("note: ../shared/fixtures is absent; skipping a test that reads {rel}");
        return None;
    }
    let p = root.join(rel);
    assert!(p.exists(), "fixture {} is missing", p.display());
    Some(p)
}

/// Every `.rdb` file under a shared fixtures folder.
pub fn shared_rdbs(dir: &str) -> Vec<PathBuf> {
    let Some(root) = shared_fixture(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .expect("readable fixture dir")
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rdb") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
