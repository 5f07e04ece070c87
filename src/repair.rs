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
