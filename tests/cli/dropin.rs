//! Drop-in mode: `redfile check-aof` / `check-rdb` and the binary invoked
//! through links named `redis-check-aof` / `redis-check-rdb` print the
//! same bytes and exit with the same codes as the real tools on the same
//! files.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use super::aof::{file_name, real_tool, standard, timestamped, EXEC_RECORD};
use super::redfile;

/// The binary under a link named `name`, in a temporary directory.
fn linked(name: &str) -> (tempfile::TempDir, PathBuf) {
    let d = tempfile::tempdir().expect("tempdir");
    let link = d.path().join(name);
    let bin = assert_cmd::cargo::cargo_bin!("redfile");
    #[cfg(unix)]
    std::os::unix::fs::symlink(bin, &link).expect("symlink");
    #[cfg(not(unix))]
    std::fs::copy(bin, &link).expect("copy");
    (d, link)
}

/// Manifest errors carry `<pid>:C <date> # `: compare what follows it.
fn normalize(t: &str) -> String {
    t.lines()
        .map(|l| match l.find(":C ").zip(l.find(" # ")) {
            Some((c, h)) if c < h && l[..c].bytes().all(|b| b.is_ascii_digit()) => {
                format!("<log># {}", &l[h + 3..])
            }
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Runs the real tool and redfile's drop-in (as a subcommand and through
/// a link) with the same arguments on separate copies of `root`, made by
/// `prepare`, and compares output, exit code and resulting files.
fn compare(
    tool: &str,
    prepare: &dyn Fn() -> (tempfile::TempDir, PathBuf),
    args: &[&str],
    stdin: &[u8],
) {
    let Some(real) = real_tool(tool) else {
        return;
    };
    let (_lnk, link) = linked(tool);
    let sub = tool.trim_start_matches("redis-");
    let mut results = Vec::new();
    for how in ["real", "sub", "link"] {
        let (_keep, root) = prepare();
        // Relative paths, so the transcripts name the same files.
        let argv: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
        let (code, out) = match how {
            "real" => run_in(&real, &[], &argv, &root, stdin, tool),
            "sub" => run_in(
                Path::new(assert_cmd::cargo::cargo_bin!("redfile")),
                &[sub],
                &argv,
                &root,
                stdin,
                "redfile",
            ),
            _ => run_in(&link, &[], &argv, &root, stdin, tool),
        };
        let mut files: Vec<(String, Vec<u8>)> = walk(&root);
        files.sort();
        results.push((how, code, normalize(&out), files));
    }
    let (_, code, out, files) = &results[0];
    for (how, c, o, f) in &results[1..] {
        assert_eq!(o, out, "{how}: transcript differs for {tool} {args:?}");
        assert_eq!(
            c, code,
            "{how}: exit code differs for {tool} {args:?}\n{out}"
        );
        assert_eq!(
            f, files,
            "{how}: resulting files differ for {tool} {args:?}"
        );
    }
}

fn run_in(
    bin: &Path,
    pre: &[&str],
    args: &[&OsStr],
    dir: &Path,
    stdin: &[u8],
    argv0: &str,
) -> (i32, String) {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(bin);
    // The tools print argv[0] in their usage line: give them the same one.
    #[cfg(unix)]
    cmd.arg0(argv0);
    let mut child = cmd
        .args(pre)
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut i) = child.stdin.take() {
        let _ = i.write_all(stdin);
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn walk(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("readdir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).expect("under root");
                out.push((rel.display().to_string(), std::fs::read(&p).expect("read")));
            }
        }
    }
    out
}

#[test]
fn check_aof_transcripts_match() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let Some(plain) = standard(&["--aof-use-rdb-preamble", "no"]) else {
        return;
    };
    let incr = file_name(&aof.last_incr());
    let pincr = file_name(&plain.last_incr());
    let base = file_name(&aof.base());
    let copy = |a: &super::aof::RealAof, f: &dyn Fn(&Path)| {
        let (d, dir) = a.copy();
        f(&dir);
        (d, dir)
    };
    let edit = |p: PathBuf, f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = std::fs::read(&p).expect("read");
        f(&mut b);
        std::fs::write(&p, b).expect("write");
    };
    let m = "appendonly.aof.manifest";
    // (name, prepare, args, stdin)
    type Prep<'a> = Box<dyn Fn() -> (tempfile::TempDir, PathBuf) + 'a>;
    let cases: Vec<(&str, Prep<'_>, Vec<&str>, &[u8])> = vec![
        ("clean", Box::new(|| copy(&aof, &|_| {})), vec![m], b""),
        (
            "clean plain",
            Box::new(|| copy(&plain, &|_| {})),
            vec![m],
            b"",
        ),
        (
            "base alone",
            Box::new(|| copy(&aof, &|_| {})),
            vec![base.as_str()],
            b"",
        ),
        (
            "incr alone",
            Box::new(|| copy(&aof, &|_| {})),
            vec![incr.as_str()],
            b"",
        ),
        (
            "truncated",
            Box::new(|| copy(&aof, &|d| edit(d.join(&incr), &|b| b.truncate(b.len() - 3)))),
            vec![m],
            b"",
        ),
        (
            "truncated, fix yes",
            Box::new(|| copy(&aof, &|d| edit(d.join(&incr), &|b| b.truncate(b.len() - 3)))),
            vec!["--fix", m],
            b"y",
        ),
        (
            "truncated, fix no",
            Box::new(|| copy(&aof, &|d| edit(d.join(&incr), &|b| b.truncate(b.len() - 3)))),
            vec!["--fix", m],
            b"n",
        ),
        (
            "unterminated multi, fix",
            Box::new(|| {
                copy(&plain, &|d| {
                    edit(d.join(&pincr), &|b| b.truncate(b.len() - EXEC_RECORD.len()))
                })
            }),
            vec!["--fix", m],
            b"Y",
        ),
        (
            "garbage",
            Box::new(|| {
                copy(&aof, &|d| {
                    edit(d.join(&incr), &|b| {
                        b.splice(30..30, b"garbage".iter().copied());
                    })
                })
            }),
            vec![m],
            b"",
        ),
        (
            "base cut, fix refused",
            Box::new(|| {
                copy(&plain, &|d| {
                    edit(d.join(file_name(&plain.base())), &|b| {
                        b.truncate(b.len() - 2)
                    })
                })
            }),
            vec!["--fix", m],
            b"y",
        ),
        (
            "missing incr",
            Box::new(|| copy(&aof, &|d| std::fs::remove_file(d.join(&incr)).expect("rm"))),
            vec![m],
            b"",
        ),
        (
            "missing base",
            Box::new(|| copy(&aof, &|d| std::fs::remove_file(d.join(&base)).expect("rm"))),
            vec![m],
            b"",
        ),
        (
            "bad manifest line",
            Box::new(|| {
                copy(&aof, &|d| {
                    edit(d.join(m), &|b| {
                        b.extend_from_slice(b"file x seq 9 type z\n")
                    })
                })
            }),
            vec![m],
            b"",
        ),
        (
            "unterminated manifest line",
            Box::new(|| {
                copy(&aof, &|d| {
                    edit(d.join(m), &|b| b.extend_from_slice(b"file x"))
                })
            }),
            vec![m],
            b"",
        ),
        (
            "missing file",
            Box::new(|| copy(&aof, &|_| {})),
            vec!["nope.aof"],
            b"",
        ),
        (
            "usage",
            Box::new(|| copy(&aof, &|_| {})),
            vec!["a", "b", "c", "d"],
            b"",
        ),
        (
            "fix alone",
            Box::new(|| copy(&aof, &|_| {})),
            vec!["--fix"],
            b"",
        ),
        (
            "bad timestamp",
            Box::new(|| copy(&aof, &|_| {})),
            vec!["--truncate-to-timestamp", "12x", m],
            b"",
        ),
        (
            "a directory",
            Box::new(|| copy(&aof, &|_| {})),
            vec!["."],
            b"",
        ),
    ];
    for (name, prep, args, stdin) in &cases {
        eprintln!("case: {name}");
        compare("redis-check-aof", &**prep, args, stdin);
    }
}

#[test]
fn check_aof_timestamp_transcripts_match() {
    let Some(aof) = timestamped() else {
        return;
    };
    let bytes = std::fs::read(aof.last_incr()).expect("incr");
    let ts = super::aof::ts_values(&bytes);
    let last = ts.last().map_or(0, |t| t.1);
    let m = "appendonly.aof.manifest";
    for t in [last - 1, last, last + 100, 1, 0] {
        let t = t.to_string();
        compare(
            "redis-check-aof",
            &|| aof.copy(),
            &["--truncate-to-timestamp", &t, m],
            b"",
        );
    }
}

#[test]
fn check_rdb_transcripts_match() {
    let Some(aof) = standard(&["--aof-use-rdb-preamble", "yes"]) else {
        return;
    };
    let base = file_name(&aof.base());
    let aof = &aof;
    let cut = |n: usize| {
        let base = base.clone();
        move || {
            let (d, dir) = aof.copy();
            let p = dir.join(&base);
            let b = std::fs::read(&p).expect("read");
            std::fs::write(&p, &b[..b.len() - n]).expect("write");
            (d, dir)
        }
    };
    compare("redis-check-rdb", &|| aof.copy(), &[base.as_str()], b"");
    compare("redis-check-rdb", &cut(1), &[base.as_str()], b"");
    compare("redis-check-rdb", &|| aof.copy(), &["missing.rdb"], b"");
    compare("redis-check-rdb", &|| aof.copy(), &[], b"");
    // A flipped checksum byte.
    compare(
        "redis-check-rdb",
        &|| {
            let (d, dir) = aof.copy();
            let p = dir.join(&base);
            let mut b = std::fs::read(&p).expect("read");
            let n = b.len();
            b[n - 1] ^= 0xff;
            std::fs::write(&p, &b).expect("write");
            (d, dir)
        },
        &[base.as_str()],
        b"",
    );
    for fixture in [
        "redis-assets/encodings.rdb",
        "redis-assets/rdb-preamble.aof",
    ] {
        let Some(f) = super::shared_fixture(fixture) else {
            return;
        };
        let name = file_name(&f);
        compare(
            "redis-check-rdb",
            &|| {
                let d = tempfile::tempdir().expect("tempdir");
                std::fs::copy(&f, d.path().join(&name)).expect("copy");
                let p = d.path().to_path_buf();
                (d, p)
            },
            &[name.as_str()],
            b"",
        );
    }
}

#[test]
fn subcommands_are_listed_and_exit_like_the_tools() {
    let out = redfile().args(["check-aof"]).assert().code(1);
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        "Usage: redis-check-aof [--fix|--truncate-to-timestamp $timestamp] <file.manifest|file.aof>\n"
    );
    let out = redfile().args(["check-rdb"]).assert().code(1);
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "Usage: redis-check-rdb <rdb-file-name>\n"
    );
}
