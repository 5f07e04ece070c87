//! Explicit give-ups: what a conversion may drop when its target (an RDB
//! version, or the commands of a Redis version) cannot express part of
//! the dataset, and the report of what was dropped.
//!
//! Nothing is dropped silently: [`settle`] lists every kind of data the
//! target lacks with a count and sample keys, refuses when one of them is
//! not in the caller's [`GiveUps`], and otherwise strips exactly those
//! kinds from the dataset (in place: a conversion owns the dataset it
//! loaded, so this costs no copy) and returns them as the drop report.
//!
//! | give-up | what goes | targets that lack it |
//! |---|---|---|
//! | `drop-field-ttl` | hash field TTLs (fields stay, persistent) | RDB < 12, Redis < 7.4 |
//! | `drop-functions` | function libraries | RDB 9, Redis < 7.0 |
//! | `drop-stream-idmp` | stream idempotent-producer state | RDB < 13, Redis < 8.6 |
//! | `drop-stream-nack` | stream NACK zones (their ids leave the PEL) | RDB < 14, Redis < 8.8 |
//! | `drop-arrays` | array keys | RDB < 14, Redis < 8.8 |
//! | `drop-module-values` | module keys | every AOF (no `aof_rewrite` callback offline) |

use std::fmt;

use crate::aof::rewrite::{rewrite_issues, RedisVersion, RewriteOptions, Unsupported};
use crate::model::{Dataset, Value};
use crate::rdb::writer::{inexpressible, Feature, Lossy};
use crate::rdb::WriteOptions;

/// Sample keys kept per kind of loss.
const SAMPLES: usize = 5;

/// One kind of data a conversion may give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum GiveUp {
    /// Hash field TTLs: the fields become persistent.
    FieldTtl,
    /// Function libraries.
    Functions,
    /// Stream idempotent-producer state.
    StreamIdmp,
    /// Stream NACK zones.
    StreamNack,
    /// Array keys.
    Arrays,
    /// Module keys (an AOF cannot hold them).
    ModuleValues,
}

impl GiveUp {
    /// Every give-up, in report order.
    pub const ALL: [GiveUp; 6] = [
        GiveUp::FieldTtl,
        GiveUp::Functions,
        GiveUp::StreamIdmp,
        GiveUp::StreamNack,
        GiveUp::Arrays,
        GiveUp::ModuleValues,
    ];

    /// The name users give (`drop-field-ttl`).
    pub fn name(self) -> &'static str {
        match self {
            GiveUp::FieldTtl => "drop-field-ttl",
            GiveUp::Functions => "drop-functions",
            GiveUp::StreamIdmp => "drop-stream-idmp",
            GiveUp::StreamNack => "drop-stream-nack",
            GiveUp::Arrays => "drop-arrays",
            GiveUp::ModuleValues => "drop-module-values",
        }
    }

    /// Parses [`GiveUp::name`].
    pub fn parse(s: &str) -> Option<GiveUp> {
        GiveUp::ALL.into_iter().find(|g| g.name() == s)
    }

    /// What is lost, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            GiveUp::FieldTtl => "hash field TTLs",
            GiveUp::Functions => "function libraries",
            GiveUp::StreamIdmp => "stream idempotent-producer state",
            GiveUp::StreamNack => "stream NACK zones",
            GiveUp::Arrays => "array keys",
            GiveUp::ModuleValues => "module values",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }

    fn from_feature(f: Feature) -> GiveUp {
        match f {
            Feature::HashFieldTtl => GiveUp::FieldTtl,
            Feature::Functions => GiveUp::Functions,
            Feature::StreamIdmp => GiveUp::StreamIdmp,
            Feature::StreamNack => GiveUp::StreamNack,
            Feature::Array => GiveUp::Arrays,
        }
    }

    fn feature(self) -> Option<Feature> {
        match self {
            GiveUp::FieldTtl => Some(Feature::HashFieldTtl),
            GiveUp::Functions => Some(Feature::Functions),
            GiveUp::StreamIdmp => Some(Feature::StreamIdmp),
            GiveUp::StreamNack => Some(Feature::StreamNack),
            GiveUp::Arrays => Some(Feature::Array),
            GiveUp::ModuleValues => None,
        }
    }
}

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of [`GiveUp`]s (empty: refuse any loss).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct GiveUps {
    bits: u8,
}

impl GiveUps {
    /// Builds a set.
    pub fn of(items: impl IntoIterator<Item = GiveUp>) -> GiveUps {
        let mut s = GiveUps::default();
        for g in items {
            s.insert(g);
        }
        s
    }

    /// Adds one.
    pub fn insert(&mut self, g: GiveUp) {
        self.bits |= g.bit();
    }

    /// Whether `g` is in the set.
    pub fn contains(self, g: GiveUp) -> bool {
        self.bits & g.bit() != 0
    }

    /// The RDB writer's equivalent.
    pub fn rdb_lossy(self) -> Lossy {
        GiveUp::ALL
            .into_iter()
            .filter(|g| self.contains(*g))
            .filter_map(GiveUp::feature)
            .fold(Lossy::REFUSE, Lossy::giving_up)
    }
}

/// What the data is measured against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LossTarget {
    /// An RDB of this version (a file, preamble or BASE).
    Rdb(u32),
    /// The AOF rewrite commands of this Redis version.
    Aof(RedisVersion),
}

impl fmt::Display for LossTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LossTarget::Rdb(v) => write!(f, "rdb version {v}"),
            LossTarget::Aof(v) => write!(f, "the aof commands of redis {v}"),
        }
    }
}

/// One kind of data the target cannot express, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    /// What (`hash field TTLs`).
    pub what: String,
    /// The give-up that allows dropping it; `None` when nothing can (a NaN
    /// score in an AOF).
    pub give_up: Option<GiveUp>,
    /// Keys concerned (0 for file-level data such as functions).
    pub keys: u64,
    /// Up to five of them: (db, key).
    pub samples: Vec<(u64, Vec<u8>)>,
}

impl fmt::Display for Loss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)?;
        if self.keys > 0 {
            let s = if self.keys == 1 { "" } else { "s" };
            write!(f, " in {} key{s} (", self.keys)?;
            for (i, (db, k)) in self.samples.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "db {db} '{}'", crate::check::printable(k))?;
            }
            if self.keys > self.samples.len() as u64 {
                f.write_str(", ...")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// The target cannot express part of the dataset and the caller did not
/// give it up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{target} cannot express: {}{}", list(.refused), hint(.refused))]
pub struct Refused {
    /// The target.
    pub target: LossTarget,
    /// What cannot be expressed and is not given up.
    pub refused: Vec<Loss>,
}

fn list(losses: &[Loss]) -> String {
    losses
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn hint(losses: &[Loss]) -> String {
    let names: Vec<&str> = losses
        .iter()
        .filter_map(|l| l.give_up.map(GiveUp::name))
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(" (to drop it: {})", names.join(", "))
    }
}

/// Accumulates losses by kind.
#[derive(Default)]
struct Tally {
    losses: Vec<Loss>,
}

impl Tally {
    fn add(&mut self, what: String, give_up: Option<GiveUp>, key: Option<(u64, &[u8])>) {
        let i = match self
            .losses
            .iter()
            .position(|l| l.what == what && l.give_up == give_up)
        {
            Some(i) => i,
            None => {
                self.losses.push(Loss {
                    what,
                    give_up,
                    keys: 0,
                    samples: Vec::new(),
                });
                self.losses.len() - 1
            }
        };
        let l = &mut self.losses[i];
        if let Some((db, k)) = key {
            l.keys += 1;
            if l.samples.len() < SAMPLES {
                l.samples.push((db, k.to_vec()));
            }
        }
    }
}

fn unsupported_kind(u: &Unsupported) -> (String, Option<GiveUp>) {
    let give_up = match u {
        Unsupported::ModuleValue { .. } => Some(GiveUp::ModuleValues),
        Unsupported::Functions => Some(GiveUp::Functions),
        Unsupported::HashFieldTtl => Some(GiveUp::FieldTtl),
        Unsupported::Array => Some(GiveUp::Arrays),
        Unsupported::StreamIdmp => Some(GiveUp::StreamIdmp),
        Unsupported::StreamNack => Some(GiveUp::StreamNack),
        _ => None,
    };
    let what = match (give_up, u) {
        (Some(g), _) => g.describe().to_string(),
        (None, Unsupported::NanScore) => "NaN scores".to_string(),
        (None, Unsupported::EmptyStreamEntry(_)) => "stream entries without fields".to_string(),
        (None, Unsupported::UnknownPendingEntry(_)) => {
            "consumers owning ids outside their group's PEL".to_string()
        }
        (None, other) => other.to_string(),
    };
    (what, give_up)
}

/// Everything in `ds` that `target` cannot express, by kind.
pub fn losses(ds: &Dataset, target: LossTarget) -> Vec<Loss> {
    let mut t = Tally::default();
    match target {
        LossTarget::Rdb(v) => {
            for item in inexpressible(ds, &WriteOptions::for_version(v)) {
                let g = GiveUp::from_feature(item.feature);
                let key = item.db.zip(item.key.as_deref());
                t.add(g.describe().to_string(), Some(g), key);
            }
        }
        LossTarget::Aof(v) => {
            for issue in rewrite_issues(ds, &RewriteOptions::for_version(v)) {
                let (what, g) = unsupported_kind(&issue.problem);
                let key = issue.db.zip(issue.key.as_deref());
                t.add(what, g, key);
            }
        }
    }
    t.losses
}

/// Checks `ds` against `target`: refuses when something it cannot express
/// is not given up; otherwise removes what is given up from `ds` and
/// returns it (empty when nothing was lost).
pub fn settle(
    ds: &mut Dataset,
    target: LossTarget,
    give_ups: GiveUps,
) -> Result<Vec<Loss>, Refused> {
    let all = losses(ds, target);
    let refused: Vec<Loss> = all
        .iter()
        .filter(|l| !l.give_up.is_some_and(|g| give_ups.contains(g)))
        .cloned()
        .collect();
    if !refused.is_empty() {
        return Err(Refused { target, refused });
    }
    for l in &all {
        if let Some(g) = l.give_up {
            strip(ds, g);
        }
    }
    Ok(all)
}

/// Removes every occurrence of `g` from the dataset.
fn strip(ds: &mut Dataset, g: GiveUp) {
    if g == GiveUp::Functions {
        ds.functions.clear();
        return;
    }
    for d in ds.dbs.values_mut() {
        match g {
            GiveUp::Arrays => d.entries.retain(|e| !matches!(e.value, Value::Array(_))),
            GiveUp::ModuleValues => d.entries.retain(|e| !matches!(e.value, Value::Module(_))),
            _ => {
                for e in &mut d.entries {
                    match (&mut e.value, g) {
                        (v, GiveUp::FieldTtl) => {
                            v.drop_field_ttls();
                        }
                        (Value::Stream(s), GiveUp::StreamIdmp) => {
                            s.drop_idmp();
                        }
                        (Value::Stream(s), GiveUp::StreamNack) => {
                            s.drop_nack_zones();
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Entry, HashField};

    fn ttl_hash(key: &str) -> Entry {
        Entry::new(
            key,
            Value::Hash(vec![HashField {
                field: b"f".to_vec(),
                value: b"v".to_vec(),
                expire_ms: Some(4_102_444_800_000),
            }]),
        )
    }

    fn dataset() -> Dataset {
        let mut ds = Dataset::default();
        let db = ds.dbs.entry(0).or_default();
        for i in 0..7 {
            db.entries.push(ttl_hash(&format!("h{i}")));
        }
        db.entries
            .push(Entry::new("s", Value::String(b"x".to_vec())));
        ds.functions.push(b"#!lua name=l\n".to_vec());
        ds
    }

    #[test]
    fn refuses_with_counts_samples_and_the_give_up_names() {
        let mut ds = dataset();
        let e = settle(&mut ds, LossTarget::Rdb(9), GiveUps::default());
        let e = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            e,
            "rdb version 9 cannot express: function libraries; hash field TTLs in 7 keys \
             (db 0 'h0', db 0 'h1', db 0 'h2', db 0 'h3', db 0 'h4', ...) \
             (to drop it: drop-functions, drop-field-ttl)"
        );
        // Nothing was touched.
        assert_eq!(ds, dataset());
        // Half the give-ups is still a refusal, naming only the rest.
        let half = GiveUps::of([GiveUp::Functions]);
        let e = settle(&mut ds, LossTarget::Rdb(10), half).err();
        assert_eq!(e.map(|e| e.refused.len()), Some(1));
    }

    #[test]
    fn strips_what_is_given_up_and_reports_it() {
        let mut ds = dataset();
        let all = GiveUps::of([GiveUp::Functions, GiveUp::FieldTtl]);
        let dropped = settle(&mut ds, LossTarget::Aof(RedisVersion::V6_2), all)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dropped.len(), 2);
        assert_eq!(dropped[1].keys, 7);
        assert!(ds.functions.is_empty());
        assert_eq!(ds.len(), 8);
        assert!(losses(&ds, LossTarget::Rdb(9)).is_empty());
        // A target that lacks nothing drops nothing.
        let mut ds = dataset();
        let dropped = settle(&mut ds, LossTarget::Rdb(12), GiveUps::default());
        assert_eq!(dropped.ok(), Some(vec![]));
        assert_eq!(ds, dataset());
    }

    #[test]
    fn names_round_trip() {
        for g in GiveUp::ALL {
            assert_eq!(GiveUp::parse(g.name()), Some(g));
        }
        assert!(GiveUps::of([GiveUp::FieldTtl])
            .rdb_lossy()
            .gives_up(Feature::HashFieldTtl));
    }
}
