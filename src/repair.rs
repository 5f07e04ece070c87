//! `fix` for AOFs: decide which file to change and how, from a
//! [`check_aof`](crate::check_aof) report, then do it crash-safely.
//!
//! Only the last file Redis loads (the last INCR, or the BASE of a manifest
//! without INCR files, or a single-file AOF) may be shortened, as in
//! redis-check-aof and the server's `aof-load-truncated`: cutting an earlier
//! file would splice unrelated history together. A cut tail (including an
//! unterminated `MULTI`) is truncated; damage followed by well-formed records
//! is left alone unless [`FixStrategy::Salvage`] is asked for, which drops
//! only the damaged ranges. The RDB part of a preamble file is never changed.

use std::path::PathBuf;

use serde::Serialize;

use crate::aof::{apply_fix, plan_fix, AofError, FixOptions, FixOutcome, FixPlan, FixStrategy};
use crate::check_aof::{AofReport, PartFormat};
use crate::input::Compression;

/// Why no file can be fixed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum RepairBlock {
    /// The damaged file is not the last one Redis loads.
    NotLastFile {
        /// Its name.
        name: String,
    },
    /// The RDB part of the file is damaged; truncating the RESP tail cannot
    /// help and redfile does not rewrite RDB data.
    RdbDamaged {
        /// The file.
        name: String,
    },
    /// The manifest or a listed file is the problem, not the bytes of a file.
    Layout {
        /// What is wrong.
        problem: String,
    },
    /// The file is compressed; decompress it first.
    Compressed {
        /// The file.
        name: String,
    },
    /// Standard input cannot be changed.
    NotAFile,
}

impl std::fmt::Display for RepairBlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RepairBlock::NotLastFile { name } => write!(
                f,
                "{name} is not the last file of the manifest: only the last file can be cut \
                 (cutting an earlier one would splice unrelated history together)"
            ),
            RepairBlock::RdbDamaged { name } => write!(
                f,
                "the RDB part of {name} is damaged; redfile fix only cuts the RESP part"
            ),
            RepairBlock::Layout { problem } => {
                write!(f, "{problem}; fix the manifest or restore the file by hand")
            }
            RepairBlock::Compressed { name } => {
                write!(f, "{name} is compressed; decompress it and fix the copy")
            }
            RepairBlock::NotAFile => f.write_str("standard input cannot be fixed"),
        }
    }
}

/// What fixing an AOF would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AofRepairPlan {
    /// Index in [`AofReport::parts`] of the file to change, if any.
    pub part: Option<usize>,
    /// Its path.
    pub path: Option<PathBuf>,
    /// Its name as reported.
    pub name: Option<String>,
    /// The change to that file.
    pub plan: FixPlan,
    /// Set when nothing may be changed.
    pub blocked: Option<RepairBlock>,
}

impl AofRepairPlan {
    /// True when applying the plan changes a file.
    pub fn changes_something(&self) -> bool {
        self.blocked.is_none()
            && matches!(
                self.plan,
                FixPlan::Truncate { .. } | FixPlan::Salvage { .. }
            )
    }
}

/// Decides what fixing `report` means under `strategy`. The report should
/// come from a check with the same `truncate_to_timestamp` as intended.
pub fn plan_repair(report: &AofReport, strategy: FixStrategy) -> AofRepairPlan {
    let nothing = |blocked| AofRepairPlan {
        part: None,
        path: None,
        name: None,
        plan: FixPlan::NothingToDo,
        blocked,
    };
    let Some((index, part)) = report.parts.iter().enumerate().find(|(_, p)| !p.is_valid()) else {
        return nothing(report.problem.as_ref().map(|p| RepairBlock::Layout {
            problem: p.to_string(),
        }));
    };
    let blocked = |b| AofRepairPlan {
        part: Some(index),
        path: Some(part.path.clone()),
        name: Some(part.name.clone()),
        plan: FixPlan::NothingToDo,
        blocked: Some(b),
    };
    if !part.rdb_ok() {
        return blocked(RepairBlock::RdbDamaged {
            name: part.name.clone(),
        });
    }
    let Some(resp) = &part.resp else {
        return nothing(None);
    };
    let plan = plan_fix(resp, strategy);
    if matches!(plan, FixPlan::NothingToDo | FixPlan::Refuse { .. }) {
        return AofRepairPlan {
            part: Some(index),
            path: Some(part.path.clone()),
            name: Some(part.name.clone()),
            plan,
            blocked: None,
        };
    }
    if !report.is_last(index) {
        return blocked(RepairBlock::NotLastFile {
            name: part.name.clone(),
        });
    }
    if part.path.as_os_str() == "-" {
        return blocked(RepairBlock::NotAFile);
    }
    if part.compression != Compression::None {
        return blocked(RepairBlock::Compressed {
            name: part.name.clone(),
        });
    }
    debug_assert!(part.format != PartFormat::Empty);
    AofRepairPlan {
        part: Some(index),
        path: Some(part.path.clone()),
        name: Some(part.name.clone()),
        plan,
        blocked: None,
    }
}

/// Carries out a plan: the new content is written to a temporary file,
/// fsynced, renamed over the original (keeping a backup per `options`)
/// and the directory fsynced. A plan that is blocked or refusing is an
/// error; a plan with nothing to do changes nothing.
pub fn apply_repair(plan: &AofRepairPlan, options: &FixOptions) -> Result<FixOutcome, AofError> {
    if let Some(b) = &plan.blocked {
        return Err(AofError::new(
            0,
            crate::aof::AofErrorKind::FixRefused(b.to_string()),
        ));
    }
    match &plan.path {
        Some(path) => apply_fix(path, &plan.plan, options),
        None => Ok(FixOutcome {
            changed: false,
            backup: None,
            new_size: 0,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aof::writer::encode_command;
    use crate::check_aof::{check_path, AofCheckOptions, Checked};
    use std::fs;

    fn report(dir: &std::path::Path) -> AofReport {
        match check_path(dir, &AofCheckOptions::default()) {
            Ok(Checked::Aof(a)) => *a,
            other => panic!("not an AOF: {other:?}"),
        }
    }

    #[test]
    fn only_the_last_file_is_planned() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let w =
            |n: &str, b: &[u8]| fs::write(d.path().join(n), b).unwrap_or_else(|e| panic!("{e}"));
        let good = encode_command(&["SET", "a", "1"]);
        let mut cut = good.clone();
        cut.extend(&good[..7]);
        w(
            "x.manifest",
            b"file b.aof seq 1 type b\nfile i.aof seq 1 type i\n",
        );
        w("b.aof", &cut);
        w("i.aof", &cut);
        let r = report(d.path());
        // The BASE is damaged: checking stops there, and it cannot be cut.
        assert_eq!(r.parts.len(), 1);
        assert_eq!(r.unchecked, vec!["i.aof".to_string()]);
        let plan = plan_repair(&r, FixStrategy::Truncate);
        assert_eq!(
            plan.blocked,
            Some(RepairBlock::NotLastFile {
                name: "b.aof".into()
            })
        );
        assert!(apply_repair(&plan, &FixOptions::default()).is_err());

        w("b.aof", &good);
        let r = report(d.path());
        // 1 + 7 lines of the BASE, 7 of the good record, 1 of the cut one.
        assert_eq!(r.parts[1].line_after, 16, "line counter carried");
        let plan = plan_repair(&r, FixStrategy::Truncate);
        assert!(plan.changes_something());
        assert_eq!(plan.name.as_deref(), Some("i.aof"));
        let done = apply_repair(
            &plan,
            &FixOptions {
                backup: crate::fsutil::BackupPolicy::None,
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(done.new_size, good.len() as u64);
        assert!(report(d.path()).is_valid());
        assert_eq!(
            plan_repair(&report(d.path()), FixStrategy::Truncate).plan,
            FixPlan::NothingToDo
        );
    }

    #[test]
    fn an_rdb_with_junk_after_it_stays_an_rdb() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // RDB 9, no keys, checksum disabled, then junk.
        let mut f = b"REDIS0009\xff\0\0\0\0\0\0\0\0".to_vec();
        let p = d.path().join("dump.rdb");
        fs::write(&p, &f).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            check_path(&p, &AofCheckOptions::default()),
            Ok(Checked::Rdb(_))
        ));
        f.extend(b"junk");
        fs::write(&p, &f).unwrap_or_else(|e| panic!("{e}"));
        match check_path(&p, &AofCheckOptions::default()) {
            Ok(Checked::Rdb(r)) => assert_eq!(r.trailing_bytes, 4),
            other => panic!("{other:?}"),
        }
        // A RESP tail makes it an RDB-preamble AOF.
        f.truncate(f.len() - 4);
        f.extend(encode_command(&["SET", "a", "1"]));
        fs::write(&p, &f).unwrap_or_else(|e| panic!("{e}"));
        match check_path(&p, &AofCheckOptions::default()) {
            Ok(Checked::Aof(a)) => {
                assert_eq!(a.parts[0].commands(), 1);
                assert_eq!(a.parts[0].resp.as_ref().map(|r| r.start_offset), Some(18));
                assert!(a.is_valid());
            }
            other => panic!("{other:?}"),
        }
    }
}
