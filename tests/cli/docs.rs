//! The committed completions (`completions/`) and man pages (`man/`) must
//! be what the CLI generates. Regenerate with
//! `REDFILE_UPDATE_DOCS=1 cargo test --test cli docs`.

use std::path::Path;

use crate::redfile;

const SHELLS: [(&str, &str); 5] = [
    ("bash", "redfile.bash"),
    ("zsh", "_redfile"),
    ("fish", "redfile.fish"),
    ("elvish", "redfile.elv"),
    ("powershell", "_redfile.ps1"),
];

const SUBCOMMANDS: [&str; 20] = [
    "check",
    "fix",
    "info",
    "check-aof",
    "check-rdb",
    "completions",
    "man",
    "digest",
    "log",
    "decode",
    "gen",
    "dump",
    "keys",
    "diff",
    "compat",
    "split",
    "memory",
    "convert",
    "merge",
    "rewrite",
];

fn updating() -> bool {
    std::env::var_os("REDFILE_UPDATE_DOCS").is_some()
}

fn compare_or_update(path: &Path, generated: &[u8]) {
    if updating() {
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(path, generated).expect("write generated file");
        return;
    }
    let committed = std::fs::read(path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date with the CLI definition; run `REDFILE_UPDATE_DOCS=1 cargo test --test cli docs` and commit the result",
        path.display()
    );
}

#[test]
fn completions_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in SHELLS {
        let out = redfile()
            .args(["completions", shell])
            .output()
            .expect("runs");
        assert!(out.status.success(), "completions {shell} failed");
        let text = String::from_utf8_lossy(&out.stdout);
        for sub in SUBCOMMANDS {
            assert!(text.contains(sub), "{shell} completion lacks {sub}");
        }
        compare_or_update(&root.join(file), &out.stdout);
    }
}

#[test]
fn man_pages_are_current() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("man");
    let tmp = tempfile::tempdir().expect("tempdir");
    redfile()
        .args(["man", "--out-dir"])
        .arg(tmp.path())
        .assert()
        .success();
    let mut names: Vec<String> = std::fs::read_dir(tmp.path())
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = std::iter::once("redfile.1".to_string())
        .chain(SUBCOMMANDS.iter().map(|s| format!("redfile-{s}.1")))
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    for name in &names {
        let generated = std::fs::read(tmp.path().join(name)).expect("read page");
        compare_or_update(&root.join(name), &generated);
    }
    if !updating() {
        let committed = std::fs::read_dir(&root).expect("man/ exists").count();
        assert_eq!(
            committed,
            names.len(),
            "man/ holds pages of removed subcommands"
        );
    }
    let page = std::fs::read_to_string(tmp.path().join("redfile-check.1")).expect("page");
    assert!(page.contains("deep"), "check page documents --deep");
}

#[test]
fn top_level_help_lists_every_subcommand() {
    let out = redfile().arg("--help").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for sub in SUBCOMMANDS {
        assert!(text.contains(sub), "help lacks {sub}");
    }
}
