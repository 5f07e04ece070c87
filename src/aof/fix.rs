//! Turning a check report into a repair, and carrying it out safely.
//!
//! A cut tail is repaired the way redis-check-aof `--fix` does it: truncate
//! at `ok_up_to`. Damage in the middle is different: truncating there throws
//! away every good record after it (redis-check-aof does it anyway, behind a
//! `y/N` prompt), so by default the plan refuses and offers *salvage*
//! instead: drop only the damaged byte ranges. The file on disk is never
//! modified in place; see [`crate::fsutil`].

use std::ops::Range;
use std::path::{Path, PathBuf};

use super::check::{AofCheckReport, AofDamage, TimestampStop};
use super::error::{AofError, AofErrorKind};
use super::layout::MultiPartAof;
use crate::fsutil::{self, BackupPolicy};

/// How to treat damage in the middle of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FixStrategy {
    /// Truncate a cut tail; refuse when good records follow the damage.
    #[default]
    Truncate,
    /// Drop only the damaged ranges, keeping every well-formed record.
    Salvage,
    /// Truncate at `ok_up_to` whatever follows: redis-check-aof `--fix`.
    TruncateAnyway,
}

/// What a fix would do.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum FixPlan {
    /// The file is fine.
    NothingToDo,
    /// Keep `[0, offset)`.
    Truncate {
        /// Size of the file the plan was made for.
        file_size: u64,
        /// New length of the file.
        offset: u64,
        /// Bytes removed.
        bytes_cut: u64,
        /// Complete records removed, when known (not known for a timestamp
        /// cut, where the check stops reading at the cut).
        commands_lost: Option<u64>,
    },
    /// Keep everything but the damaged ranges.
    Salvage {
        /// Size of the file the plan was made for.
        file_size: u64,
        /// Ranges copied to the new file, in order.
        keep: Vec<Range<u64>>,
        /// Ranges left out.
        dropped: Vec<Range<u64>>,
        /// Bytes left out.
        bytes_dropped: u64,
        /// Complete records left out (broken transactions).
        commands_dropped: u64,
        /// Well-formed records kept after the first damage.
        commands_kept_after_damage: u64,
    },
    /// No safe fix under the chosen strategy.
    Refuse {
        /// Why.
        reason: RefuseReason,
    },
}

/// Why a plan refuses.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RefuseReason {
    /// Well-formed records follow mid-file damage: truncating would lose them.
    MidFileDamage {
        /// First bad byte.
        offset: u64,
        /// Records a truncation would lose after the damage.
        commands_after: u64,
        /// Bytes of those records.
        bytes_after: u64,
    },
    /// The first `#TS:` above the limit is at offset 0 (redis-check-aof:
    /// "has nothing before timestamp").
    NothingBeforeTimestamp,
    /// A `#TS:` line is malformed.
    InvalidTimestamp {
        /// Where it starts.
        offset: u64,
    },
}

impl std::fmt::Display for RefuseReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefuseReason::MidFileDamage {
                offset,
                commands_after,
                bytes_after,
            } => write!(
                f,
                "damage at offset {offset} is followed by {commands_after} good records \
                 ({bytes_after} bytes) that truncation would lose"
            ),
            RefuseReason::NothingBeforeTimestamp => f.write_str("nothing before the timestamp"),
            RefuseReason::InvalidTimestamp { offset } => {
                write!(f, "invalid timestamp annotation at offset {offset}")
            }
        }
    }
}

/// The complement of sorted, disjoint `dropped` within `[0, size)`.
fn complement(dropped: &[Range<u64>], size: u64) -> Vec<Range<u64>> {
    let mut keep = Vec::new();
    let mut at = 0;
    for d in dropped {
        if d.start > at {
            keep.push(at..d.start);
        }
        at = at.max(d.end);
    }
    if at < size {
        keep.push(at..size);
    }
    keep
}

/// Decides what fixing the checked file means under `strategy`.
pub fn plan_fix(report: &AofCheckReport, strategy: FixStrategy) -> FixPlan {
    let size = report.size;
    let truncate = |offset: u64, commands_lost| FixPlan::Truncate {
        file_size: size,
        offset,
        bytes_cut: size - offset.min(size),
        commands_lost,
    };
    match report.timestamp {
        Some(TimestampStop::Cut { offset: 0, .. }) => {
            return FixPlan::Refuse {
                reason: RefuseReason::NothingBeforeTimestamp,
            }
        }
        Some(TimestampStop::Cut { offset, .. }) => return truncate(offset, None),
        Some(TimestampStop::Invalid { offset }) => {
            return FixPlan::Refuse {
                reason: RefuseReason::InvalidTimestamp { offset },
            }
        }
        None => {}
    }
    let salvage = report.salvage.clone().unwrap_or_default();
    match (&report.damage, strategy) {
        (AofDamage::None, _) => FixPlan::NothingToDo,
        (AofDamage::TruncatedTail { commands_cut, .. }, _) => {
            truncate(report.ok_up_to, Some(*commands_cut))
        }
        (AofDamage::Malformed { .. }, FixStrategy::TruncateAnyway) => truncate(
            report.ok_up_to,
            Some(salvage.commands_dropped + salvage.commands_after),
        ),
        (AofDamage::Malformed { .. }, FixStrategy::Truncate) if salvage.commands_after == 0 => {
            truncate(report.ok_up_to, Some(salvage.commands_dropped))
        }
        (AofDamage::Malformed { offset, .. }, FixStrategy::Truncate) => FixPlan::Refuse {
            reason: RefuseReason::MidFileDamage {
                offset: *offset,
                commands_after: salvage.commands_after,
                bytes_after: salvage.bytes_after,
            },
        },
        (AofDamage::Malformed { .. }, FixStrategy::Salvage) => FixPlan::Salvage {
            file_size: size,
            keep: complement(&salvage.dropped, size),
            bytes_dropped: salvage.dropped.iter().map(|r| r.end - r.start).sum(),
            dropped: salvage.dropped,
            commands_dropped: salvage.commands_dropped,
            commands_kept_after_damage: salvage.commands_after,
        },
    }
}

/// How to apply a plan.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FixOptions {
    /// Where to keep the original.
    pub backup: BackupPolicy,
}

/// What applying a plan did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixOutcome {
    /// Whether the file was replaced.
    pub changed: bool,
    /// The backup of the original, if one was kept.
    pub backup: Option<PathBuf>,
    /// The file's size afterwards.
    pub new_size: u64,
}

/// Applies a plan to the single file it was made for: writes the kept
/// ranges to a new file, keeps a backup, renames it into place.
pub fn apply_fix(
    path: &Path,
    plan: &FixPlan,
    options: &FixOptions,
) -> Result<FixOutcome, AofError> {
    let (keep, size) = match plan {
        FixPlan::NothingToDo => {
            let new_size = std::fs::metadata(path)
                .map_err(|e| AofError::io(0, e))?
                .len();
            return Ok(FixOutcome {
                changed: false,
                backup: None,
                new_size,
            });
        }
        FixPlan::Refuse { reason } => {
            return Err(AofError::new(
                0,
                AofErrorKind::FixRefused(reason.to_string()),
            ))
        }
        FixPlan::Truncate {
            file_size, offset, ..
        } => (std::iter::once(0..*offset).collect(), *file_size),
        FixPlan::Salvage {
            file_size, keep, ..
        } => (keep.clone(), *file_size),
    };
    let actual = std::fs::metadata(path)
        .map_err(|e| AofError::io(0, e))?
        .len();
    if actual != size {
        return Err(AofError::new(
            0,
            AofErrorKind::SizeChanged {
                expected: size,
                actual,
            },
        ));
    }
    let done = fsutil::rewrite_keeping(path, &keep, Some(size), &options.backup)
        .map_err(|e| AofError::io(0, e))?;
    Ok(FixOutcome {
        changed: true,
        backup: done.backup,
        new_size: done.new_len,
    })
}

/// [`apply_fix`] for one part of a multi-part AOF: only the last part (the
/// last INCR, or the BASE without INCRs) may be cut.
pub fn apply_fix_in(
    aof: &MultiPartAof,
    part: &Path,
    plan: &FixPlan,
    options: &FixOptions,
) -> Result<FixOutcome, AofError> {
    if !matches!(plan, FixPlan::NothingToDo) {
        aof.ensure_cuttable(part)?;
    }
    apply_fix(part, plan, options)
}

#[cfg(test)]
// Lists of byte ranges, not ranges meant to be collected.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;
    use crate::aof::check::{check_resp, CheckOptions};
    use crate::aof::layout::{resolve_layout, AofLayout};
    use crate::aof::writer::encode_command;
    use std::fs;

    fn report(data: &[u8]) -> AofCheckReport {
        check_resp(data, 0, &CheckOptions::default()).unwrap_or_else(|e| panic!("{e}"))
    }

    fn set(k: &str) -> Vec<u8> {
        encode_command(&["SET", k, "v"])
    }

    #[test]
    fn plans() {
        let good = set("a");
        assert_eq!(
            plan_fix(&report(&good), FixStrategy::Truncate),
            FixPlan::NothingToDo
        );

        let mut cut = set("a");
        cut.extend(&set("b")[..10]);
        assert_eq!(
            plan_fix(&report(&cut), FixStrategy::Salvage),
            FixPlan::Truncate {
                file_size: cut.len() as u64,
                offset: good.len() as u64,
                bytes_cut: 10,
                commands_lost: Some(0)
            }
        );

        let mut mid = set("a");
        let bad = mid.len() as u64;
        mid.extend(b"xx");
        mid.extend(set("b"));
        let r = report(&mid);
        assert_eq!(
            plan_fix(&r, FixStrategy::Truncate),
            FixPlan::Refuse {
                reason: RefuseReason::MidFileDamage {
                    offset: bad,
                    commands_after: 1,
                    bytes_after: good.len() as u64
                }
            }
        );
        assert_eq!(
            plan_fix(&r, FixStrategy::Salvage),
            FixPlan::Salvage {
                file_size: mid.len() as u64,
                keep: vec![0..bad, bad + 2..mid.len() as u64],
                dropped: vec![bad..bad + 2],
                bytes_dropped: 2,
                commands_dropped: 0,
                commands_kept_after_damage: 1
            }
        );
        assert!(matches!(
            plan_fix(&r, FixStrategy::TruncateAnyway),
            FixPlan::Truncate { offset, commands_lost: Some(1), .. } if offset == bad
        ));

        // Garbage with nothing after it: truncation loses nothing good.
        let mut tail = set("a");
        tail.extend(b"!!!");
        assert!(matches!(
            plan_fix(&report(&tail), FixStrategy::Truncate),
            FixPlan::Truncate { bytes_cut: 3, .. }
        ));
    }

    #[test]
    fn timestamp_plans() {
        let mut f = b"#TS:10\r\n".to_vec();
        f.extend(set("a"));
        let at = f.len() as u64;
        f.extend(b"#TS:20\r\n");
        f.extend(set("b"));
        let opts = |t| CheckOptions {
            truncate_to_timestamp: Some(t),
            ..CheckOptions::default()
        };
        let r = check_resp(f.as_slice(), 0, &opts(15)).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            matches!(plan_fix(&r, FixStrategy::Truncate), FixPlan::Truncate { offset, .. } if offset == at)
        );
        let r = check_resp(f.as_slice(), 0, &opts(5)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            plan_fix(&r, FixStrategy::Truncate),
            FixPlan::Refuse {
                reason: RefuseReason::NothingBeforeTimestamp
            }
        );
    }

    #[test]
    fn salvage_on_disk_keeps_preamble_and_good_records() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let p = d.path().join("appendonly.aof");
        // A stand-in preamble: the check starts after it.
        let mut f = b"REDIS-PREAMBLE".to_vec();
        let start = f.len() as u64;
        f.extend(set("a"));
        f.extend(b"*2\r\n$3\r\nDEL\r\n$1\r\nXX");
        f.extend(set("b"));
        fs::write(&p, &f).unwrap_or_else(|e| panic!("{e}"));
        let r = check_resp(&f[start as usize..], start, &CheckOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        let plan = plan_fix(&r, FixStrategy::Salvage);
        let out = apply_fix(&p, &plan, &FixOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        let mut expect = b"REDIS-PREAMBLE".to_vec();
        expect.extend(set("a"));
        expect.extend(set("b"));
        assert_eq!(fs::read(&p).unwrap_or_default(), expect);
        assert_eq!(out.new_size, expect.len() as u64);
        assert_eq!(
            fs::read(d.path().join("appendonly.aof.bak")).unwrap_or_default(),
            f
        );
        // The repaired file checks clean.
        assert!(
            check_resp(&expect[start as usize..], start, &CheckOptions::default())
                .map(|r| r.is_valid())
                .unwrap_or(false)
        );
        // A refusing plan changes nothing.
        let refuse = FixPlan::Refuse {
            reason: RefuseReason::NothingBeforeTimestamp,
        };
        assert!(apply_fix(&p, &refuse, &FixOptions::default()).is_err());
        // A stale plan (the file changed) is refused.
        assert!(matches!(
            apply_fix(
                &p,
                &plan,
                &FixOptions {
                    backup: BackupPolicy::None
                }
            ),
            Err(AofError {
                kind: AofErrorKind::SizeChanged { .. },
                ..
            })
        ));
    }

    #[test]
    fn only_the_last_part_of_a_manifest_is_cut() {
        let d = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let w =
            |n: &str, b: &[u8]| fs::write(d.path().join(n), b).unwrap_or_else(|e| panic!("{e}"));
        w(
            "a.manifest",
            b"file a.1.base.aof seq 1 type b\nfile a.1.incr.aof seq 1 type i\n",
        );
        let mut damaged = set("x");
        damaged.extend(&set("y")[..5]);
        w("a.1.base.aof", &damaged);
        w("a.1.incr.aof", &damaged);
        let Ok(AofLayout::MultiPart(mp)) = resolve_layout(d.path()) else {
            panic!("not a multi-part aof")
        };
        let plan = plan_fix(&report(&damaged), FixStrategy::Truncate);
        let opts = FixOptions {
            backup: BackupPolicy::None,
        };
        let base = mp.parts[0].path.clone();
        assert!(matches!(
            apply_fix_in(&mp, &base, &plan, &opts),
            Err(AofError {
                kind: AofErrorKind::NotLastFile { .. },
                ..
            })
        ));
        assert_eq!(fs::read(&base).unwrap_or_default(), damaged);
        let incr = mp.parts[1].path.clone();
        let out = apply_fix_in(&mp, &incr, &plan, &opts).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.new_size, set("x").len() as u64);
        assert_eq!(out.backup, None);
    }
}
