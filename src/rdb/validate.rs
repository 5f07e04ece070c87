//! Deep validation of a value without building it (`check --deep`).
//!
//! [`object::decode_value`](super::object::decode_value) makes owned data
//! for every element, which is what `dump` needs but costs an allocation per
//! element and memory proportional to the value. This walk checks the same
//! rules (spec §19: blob structure, duplicates, NaN scores, field TTLs,
//! stream invariants) borrowing from the value's bytes: duplicate sets hold
//! slices of the input, and only LZF-compressed elements are expanded, one
//! at a time.

use std::borrow::Cow;
use std::collections::HashSet;

use foldhash::fast::RandomState;

use super::encoding::{self, BlobEntry, BlobKind, Depth};
use super::error::RdbErrorKind;
use super::kind::ObjectKind;
use super::object::{decode_value, Body, ObjectError, ValueSummary};
use super::primitives::{double_bin, double_str, len, rdb_str, RdbStr};
use crate::model::Value;

type R<T> = Result<T, ObjectError>;

/// A duplicate detector over borrowed (or, for LZF elements, owned) bytes.
type Seen<'a> = HashSet<Cow<'a, [u8]>, RandomState>;

/// The value's bytes, with the helpers of `object.rs` (positions in
/// errors, primitives on a complete body) and the checks of this walk.
struct Walk<'a>(Body<'a>);

impl<'a> std::ops::Deref for Walk<'a> {
    type Target = Body<'a>;
    fn deref(&self) -> &Body<'a> {
        &self.0
    }
}

impl<'a> Walk<'a> {
    fn unique(&self, seen: &mut Seen<'a>, v: Cow<'a, [u8]>, at: &[u8], what: &str) -> R<()> {
        if seen.insert(v) {
            Ok(())
        } else {
            Err(self.err(at, RdbErrorKind::Invalid(what.to_string())))
        }
    }

    /// The blob in the string at `i`, validated deep as `kind` with tuples
    /// of `tuple` whose first elements are unique (`None`: a list).
    fn blob(&self, i: &'a [u8], kind: BlobKind, tuple: Option<usize>) -> R<(&'a [u8], u64)> {
        let (rest, s) = self.run(rdb_str(i), i)?;
        let blob = s.to_bytes().map_err(|k| self.err(i, k))?;
        let start = self.all.len() - i.len();
        // An uncompressed blob's error can point at its exact byte.
        let blob_start = match s {
            RdbStr::Raw(raw) => start + (i.len() - rest.len() - raw.len()),
            _ => start,
        };
        let e = |err: encoding::BlobError| ObjectError {
            offset: match s {
                RdbStr::Raw(_) => (blob_start + err.offset).min(self.all.len()),
                _ => start,
            },
            kind: RdbErrorKind::Blob(err),
        };
        let n = match kind {
            BlobKind::Ziplist => {
                encoding::ziplist::validate(&blob, Depth::Deep).map_err(e)?;
                let it = encoding::ziplist::entries(&blob).map_err(e)?;
                tuples(kind, it, tuple).map_err(e)?
            }
            _ => {
                encoding::listpack::validate(&blob, Depth::Deep).map_err(e)?;
                let it = encoding::listpack::entries(&blob).map_err(e)?;
                tuples(kind, it, tuple).map_err(e)?
            }
        };
        Ok((rest, n))
    }
}

/// Counts entries, checking tuple shape and uniqueness (not for lists).
fn tuples<'x>(
    kind: BlobKind,
    it: impl Iterator<Item = Result<BlobEntry<'x>, encoding::BlobError>>,
    tuple: Option<usize>,
) -> Result<u64, encoding::BlobError> {
    match tuple {
        Some(t) => encoding::check_tuples(kind, it, t, Depth::Deep),
        None => {
            let mut n = 0;
            for e in it {
                e?;
                n += 1;
            }
            Ok(n)
        }
    }
}

/// Zset scores in a ziplist or listpack must be numbers and not NaN.
fn blob_scores(w: &Walk<'_>, i: &[u8], kind: BlobKind) -> R<()> {
    let (_, s) = w.run(rdb_str(i), i)?;
    let blob = s.to_bytes().map_err(|k| w.err(i, k))?;
    let at_err = |k| w.err(i, k);
    let bad = |what: &str| at_err(RdbErrorKind::Invalid(what.to_string()));
    let check = |e: BlobEntry<'_>, idx: u64| -> R<()> {
        if idx % 2 == 1 {
            match e.as_f64() {
                None => return Err(bad("zset score is not a number")),
                Some(v) if v.is_nan() => return Err(bad("Zset with NAN score detected")),
                Some(_) => {}
            }
        }
        Ok(())
    };
    let e = |err| at_err(RdbErrorKind::Blob(err));
    if kind == BlobKind::Ziplist {
        for (idx, entry) in encoding::ziplist::entries(&blob).map_err(e)?.enumerate() {
            check(entry.map_err(e)?, idx as u64)?;
        }
    } else {
        for (idx, entry) in encoding::listpack::entries(&blob).map_err(e)?.enumerate() {
            check(entry.map_err(e)?, idx as u64)?;
        }
    }
    Ok(())
}

fn summary(elements: u64) -> ValueSummary {
    ValueSummary {
        elements: Some(elements),
        volatile_fields: 0,
        empty: elements == 0,
    }
}

/// Validates a value as `check --deep` does, without building it.
pub fn validate_value(kind: ObjectKind, body: &[u8]) -> R<ValueSummary> {
    let w = Walk(Body { all: body });
    use ObjectKind::*;
    match kind {
        ListLinked => {
            let (mut i, n) = w.run(len(body), body)?;
            for _ in 0..n {
                i = w.bytes_of(i)?.0;
            }
            Ok(summary(n))
        }
        SetHashtable | HashHashtable | ZsetV1 | ZsetV2 => {
            let (mut i, n) = w.run(len(body), body)?;
            let mut seen = Seen::with_capacity_and_hasher(
                (n as usize).min(body.len() / 2),
                RandomState::default(),
            );
            let what = match kind {
                SetHashtable => "Duplicate set members detected",
                HashHashtable => "Duplicate hash fields detected",
                _ => "Duplicate zset fields detected",
            };
            for _ in 0..n {
                let at = i;
                let (r, m) = w.bytes_of(i)?;
                w.unique(&mut seen, m, at, what)?;
                i = match kind {
                    HashHashtable => w.bytes_of(r)?.0,
                    ZsetV1 | ZsetV2 => {
                        let (r, score) = if kind == ZsetV1 {
                            w.run(double_str(r), r)?
                        } else {
                            w.run(double_bin(r), r)?
                        };
                        if score.is_nan() {
                            return Err(w.err(
                                at,
                                RdbErrorKind::Invalid("Zset with NAN score detected".into()),
                            ));
                        }
                        r
                    }
                    _ => r,
                };
            }
            Ok(summary(n))
        }
        ListZiplist => w
            .blob(body, BlobKind::Ziplist, None)
            .map(|(_, n)| summary(n)),
        ZsetZiplist | HashZiplist => {
            let (_, n) = w.blob(body, BlobKind::Ziplist, Some(2))?;
            if kind == ZsetZiplist {
                blob_scores(&w, body, BlobKind::Ziplist)?;
            }
            Ok(summary(n / 2))
        }
        SetListpack => w
            .blob(body, BlobKind::Listpack, Some(1))
            .map(|(_, n)| summary(n)),
        ZsetListpack | HashListpack => {
            let (_, n) = w.blob(body, BlobKind::Listpack, Some(2))?;
            if kind == ZsetListpack {
                blob_scores(&w, body, BlobKind::Listpack)?;
            }
            Ok(summary(n / 2))
        }
        ListQuicklist => {
            let (mut i, nodes) = w.run(len(body), body)?;
            let mut total = 0;
            for _ in 0..nodes {
                let (r, n) = w.blob(i, BlobKind::Ziplist, None)?;
                total += n;
                i = r;
            }
            Ok(summary(total))
        }
        ListQuicklist2 => {
            let (mut i, nodes) = w.run(len(body), body)?;
            let mut total = 0;
            for _ in 0..nodes {
                let at = i;
                let (r, container) = w.run(len(i), i)?;
                let (_, s) = w.run(rdb_str(r), r)?;
                if s.is_empty() {
                    return Err(w.err(r, RdbErrorKind::Invalid("empty quicklist node".into())));
                }
                i = match container {
                    super::consts::QUICKLIST_NODE_CONTAINER_PLAIN => {
                        total += 1;
                        w.bytes_of(r)?.0
                    }
                    super::consts::QUICKLIST_NODE_CONTAINER_PACKED => {
                        let (rest, n) = w.blob(r, BlobKind::Listpack, None)?;
                        total += n;
                        rest
                    }
                    other => {
                        return Err(w.err(
                            at,
                            RdbErrorKind::Invalid(format!(
                                "quicklist node container {other}, expected 1 (plain) or 2 (packed)"
                            )),
                        ))
                    }
                };
            }
            Ok(summary(total))
        }
        Stream(_) => {
            // Entries are checked node by node without being collected.
            let v = super::object::decode_stream_unlisted(kind, body)?;
            Ok(ValueSummary {
                elements: Some(v),
                volatile_fields: 0,
                empty: false,
            })
        }
        // The remaining kinds are rare or small: decoding them is the check.
        String | Module2 | ModulePreGa | SetIntset | HashZipmap | HashMetadataPreGa
        | HashMetadata | HashListpackEx | HashListpackExPreGa | ValkeyHash2 | Array => {
            let v = decode_value(kind, body, Depth::Deep)?;
            let volatile_fields = match &v {
                Value::Hash(h) => h.iter().filter(|f| f.expire_ms.is_some()).count() as u64,
                _ => 0,
            };
            let empty = match &v {
                Value::String(_) | Value::Module(_) | Value::Stream(_) | Value::Array(_) => false,
                other => other.is_empty(),
            };
            Ok(ValueSummary {
                elements: Some(v.len() as u64),
                volatile_fields,
                empty,
            })
        }
    }
}
