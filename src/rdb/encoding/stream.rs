//! Stream node listpacks (`t_stream.c`, spec §11.1, §19.4).
//!
//! A node starts with a master entry (`count`, `deleted`, `master_fields`,
//! the master field names, `0`), followed by `count + deleted` entries of
//! `flags`, `ms_diff`, `seq_diff`, the fields (or only values when they
//! repeat the master's, flag SAMEFIELDS) and `lp_count`.

use super::listpack::{header_as, ListpackIter};
use super::{parse_canonical_i64, BlobEntry, BlobError, BlobKind, BlobProblem, Depth};
use crate::model::StreamId;

const KIND: BlobKind = BlobKind::StreamListpack;

/// Entry flag: the entry was deleted (XDEL) but the node not yet rewritten.
pub const FLAG_DELETED: i64 = 1;
/// Entry flag: the entry has exactly the master fields, so only values are
/// stored.
pub const FLAG_SAMEFIELDS: i64 = 2;

/// One entry of a stream node, deleted or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamNodeEntry<'a> {
    /// The entry id, master id plus the stored (wrapping) differences.
    pub id: StreamId,
    /// Whether the entry is flagged deleted; listings skip these.
    pub deleted: bool,
    /// `(field, value)` pairs in stored order.
    pub fields: Vec<(BlobEntry<'a>, BlobEntry<'a>)>,
}

/// What a node's validation learned, for the stream-level checks
/// (length, first and last id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamNodeSummary {
    /// Live entries (the master `count`).
    pub live: u64,
    /// Entries flagged deleted (the master `deleted`).
    pub deleted: u64,
    /// Id of the first live entry; `None` at [`Depth::Header`], which does
    /// not walk the entries.
    pub first_live: Option<StreamId>,
    /// Id of the last entry, deleted or not; `None` at [`Depth::Header`].
    pub last: Option<StreamId>,
}

/// Offset of the master entry's `count`, where flag/count disagreements are
/// reported.
const MASTER_OFFSET: usize = super::listpack::HEADER_SIZE;

/// Element-level reader that turns "listpack ended" and "not an integer"
/// into errors carrying the element's offset.
#[derive(Debug, Clone)]
struct Reader<'a> {
    it: ListpackIter<'a>,
}

impl<'a> Reader<'a> {
    fn elem(&mut self, what: &'static str) -> Result<(usize, BlobEntry<'a>), BlobError> {
        let at = self.it.offset();
        match self.it.next() {
            Some(Ok(e)) => Ok((at, e)),
            Some(Err(e)) => Err(e),
            None => Err(BlobError::new(
                KIND,
                at,
                BlobProblem::Invalid(format!("the listpack ends where the {what} should be")),
            )),
        }
    }

    fn skip(&mut self, what: &'static str) -> Result<BlobEntry<'a>, BlobError> {
        self.elem(what).map(|(_, e)| e)
    }

    /// An integer element; like `lpGetIntegerIfValid`, a string that is a
    /// canonical decimal counts.
    fn int(&mut self, what: &'static str) -> Result<(usize, i64), BlobError> {
        let (at, e) = self.elem(what)?;
        let v = match e {
            BlobEntry::Int(i) => Some(i),
            BlobEntry::Bytes(b) => parse_canonical_i64(b),
        };
        v.map(|v| (at, v))
            .ok_or_else(|| BlobError::new(KIND, at, BlobProblem::ExpectedInteger(what)))
    }

    /// A count that must not be negative.
    fn count(&mut self, what: &'static str) -> Result<u64, BlobError> {
        let (at, v) = self.int(what)?;
        u64::try_from(v).map_err(|_| {
            BlobError::new(
                KIND,
                at,
                BlobProblem::Invalid(format!("{what} {v} is negative")),
            )
        })
    }
}

/// The master entry's counts, read before anything else.
struct Master {
    live: u64,
    deleted: u64,
}

/// Checks the listpack header and reads the master entry's live and
/// deleted counts; an empty listpack is `Empty` (`Empty listpack inside
/// stream`).
fn open(lp: &[u8], check_backlen: bool) -> Result<(Reader<'_>, Master), BlobError> {
    header_as(lp, KIND)?;
    let mut r = Reader {
        it: ListpackIter::new(lp, KIND, check_backlen),
    };
    if r.it.at_end() {
        return Err(BlobError::new(KIND, r.it.offset(), BlobProblem::Empty));
    }
    let live = r.count("master entry count")?;
    let deleted = r.count("master deleted count")?;
    Ok((r, Master { live, deleted }))
}

/// Reads the master field count, the field names and the `0` that ends the
/// master entry; returns the field count.
fn master_tail<'a>(
    r: &mut Reader<'a>,
    mut each: impl FnMut(BlobEntry<'a>, u64),
) -> Result<u64, BlobError> {
    let fields = r.count("master field count")?;
    for _ in 0..fields {
        each(r.skip("master field")?, fields);
    }
    let (at, zero) = r.int("master entry terminator")?;
    if zero != 0 {
        return Err(BlobError::new(
            KIND,
            at,
            BlobProblem::Invalid(format!("master entry terminator is {zero}, not 0")),
        ));
    }
    Ok(fields)
}

/// Entry id from the master id and the stored differences, with the
/// wrapping arithmetic Redis uses (a `seq_diff` is often negative).
fn entry_id(master: StreamId, ms_diff: i64, seq_diff: i64) -> StreamId {
    StreamId::new(
        master.ms.wrapping_add(ms_diff as u64),
        master.seq.wrapping_add(seq_diff as u64),
    )
}

/// Iterates over every entry of a node, deleted ones included.
///
/// It reads until the listpack ends rather than trusting the master
/// counts, as Redis's stream iterator does; [`validate`] with
/// [`Depth::Deep`] checks the counts.
#[derive(Debug)]
pub struct StreamNodeIter<'a> {
    master: StreamId,
    reader: Reader<'a>,
    master_fields: Vec<BlobEntry<'a>>,
    live: u64,
    deleted: u64,
    done: bool,
}

impl<'a> StreamNodeIter<'a> {
    /// The master field names, which SAMEFIELDS entries reuse.
    pub fn master_fields(&self) -> &[BlobEntry<'a>] {
        &self.master_fields
    }

    /// The live and deleted counts the master entry declares.
    pub fn declared(&self) -> (u64, u64) {
        (self.live, self.deleted)
    }

    fn entry(&mut self) -> Result<Option<StreamNodeEntry<'a>>, BlobError> {
        let r = &mut self.reader;
        if r.it.at_end() {
            return Ok(None);
        }
        let (_, flags) = r.int("entry flags")?;
        let (_, ms_diff) = r.int("entry ms_diff")?;
        let (_, seq_diff) = r.int("entry seq_diff")?;
        let fields = if flags & FLAG_SAMEFIELDS != 0 {
            let mut fields = Vec::with_capacity(self.master_fields.len());
            for &name in &self.master_fields {
                fields.push((name, r.skip("entry value")?));
            }
            fields
        } else {
            let n = r.count("entry field count")?;
            // A pair takes at least 4 bytes; never trust the stored count.
            let cap = usize::try_from(n)
                .unwrap_or(usize::MAX)
                .min(r.it.remaining_bytes() / 4);
            let mut fields = Vec::with_capacity(cap);
            for _ in 0..n {
                let name = r.skip("entry field")?;
                let value = r.skip("entry value")?;
                fields.push((name, value));
            }
            fields
        };
        r.skip("entry lp_count")?;
        Ok(Some(StreamNodeEntry {
            id: entry_id(self.master, ms_diff, seq_diff),
            deleted: flags & FLAG_DELETED != 0,
            fields,
        }))
    }
}

impl<'a> Iterator for StreamNodeIter<'a> {
    type Item = Result<StreamNodeEntry<'a>, BlobError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let out = self.entry().transpose();
        if !matches!(out, Some(Ok(_))) {
            self.done = true;
        }
        out
    }
}

impl std::iter::FusedIterator for StreamNodeIter<'_> {}

/// Checks the listpack header, reads the master entry and iterates over the
/// node's entries. `master` is the node's key in the stream's radix tree.
pub fn entries(master: StreamId, lp: &[u8]) -> Result<StreamNodeIter<'_>, BlobError> {
    let (mut r, m) = open(lp, false)?;
    let room = r.it.remaining_bytes() / 2;
    let mut master_fields = Vec::new();
    master_tail(&mut r, |f, n| {
        if master_fields.is_empty() {
            // Sized by the blob, never by the stored count alone.
            master_fields.reserve(usize::try_from(n).unwrap_or(usize::MAX).min(room));
        }
        master_fields.push(f);
    })?;
    Ok(StreamNodeIter {
        master,
        reader: r,
        master_fields,
        live: m.live,
        deleted: m.deleted,
        done: false,
    })
}

/// Validates a stream node listpack.
///
/// [`Depth::Header`] is what Redis checks on every load (listpack header,
/// not empty) plus reading the master counts, which the summary needs.
/// [`Depth::Deep`] is `streamValidateListpackIntegrity`: back-lengths,
/// integer master fields and `0` terminator, exactly `count + deleted`
/// well-formed entries whose `lp_count` matches, nothing after them; it also
/// checks that the entries' DELETED flags agree with the master counts.
/// Like Redis it does not compare `num_elements` with the walk.
pub fn validate(master: StreamId, lp: &[u8], depth: Depth) -> Result<StreamNodeSummary, BlobError> {
    let deep = depth == Depth::Deep;
    let (mut r, m) = open(lp, deep)?;
    let mut summary = StreamNodeSummary {
        live: m.live,
        deleted: m.deleted,
        first_live: None,
        last: None,
    };
    if !deep {
        return Ok(summary);
    }
    let master_fields = master_tail(&mut r, |_, _| {})?;
    let master_fields = i64::try_from(master_fields).unwrap_or(i64::MAX);
    let total = m.live.checked_add(m.deleted).ok_or_else(|| {
        BlobError::new(
            KIND,
            MASTER_OFFSET,
            BlobProblem::Invalid("master entry counts overflow".to_string()),
        )
    })?;
    let (mut live_seen, mut deleted_seen) = (0u64, 0u64);
    for _ in 0..total {
        let (_, flags) = r.int("entry flags")?;
        let (_, ms_diff) = r.int("entry ms_diff")?;
        let (_, seq_diff) = r.int("entry seq_diff")?;
        let (values, expected) = if flags & FLAG_SAMEFIELDS != 0 {
            (master_fields, master_fields.saturating_add(3))
        } else {
            let n = r.count("entry field count")?;
            for _ in 0..n {
                r.skip("entry field")?;
            }
            let n = i64::try_from(n).unwrap_or(i64::MAX);
            (n, n.saturating_mul(2).saturating_add(4))
        };
        for _ in 0..values {
            r.skip("entry value")?;
        }
        let (at, lp_count) = r.int("entry lp_count")?;
        if lp_count != expected {
            return Err(BlobError::new(
                KIND,
                at,
                BlobProblem::Invalid(format!(
                    "entry lp_count is {lp_count} but the entry has {expected} elements before it"
                )),
            ));
        }
        let id = entry_id(master, ms_diff, seq_diff);
        if flags & FLAG_DELETED != 0 {
            deleted_seen += 1;
        } else {
            live_seen += 1;
            summary.first_live.get_or_insert(id);
        }
        summary.last = Some(id);
    }
    let at = r.it.offset();
    if r.it.next().is_some() || at != lp.len() - 1 {
        return Err(BlobError::new(KIND, at, BlobProblem::TrailingBytes));
    }
    if live_seen != m.live || deleted_seen != m.deleted {
        return Err(BlobError::new(
            KIND,
            MASTER_OFFSET,
            BlobProblem::Invalid(format!(
                "master entry counts {} live and {} deleted entries but the flags mark {live_seen} and {deleted_seen}",
                m.live, m.deleted
            )),
        ));
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::encoding::listpack::tests::{build, int, read_rdb_string, s, SPEC_STREAM_NODE};
    use crate::rdb::encoding::test_support::{fix_total, fixture, mutations};

    type Ent<'a> = (i64, i64, i64, &'a [(&'a str, &'a str)]);

    /// Encoded elements of a node; SAMEFIELDS entries store only the
    /// values of their pairs.
    fn elems(live: i64, deleted: i64, master_fields: &[&str], ents: &[Ent]) -> Vec<Vec<u8>> {
        let mut v = vec![int(live), int(deleted), int(master_fields.len() as i64)];
        v.extend(master_fields.iter().map(|f| s(f.as_bytes())));
        v.push(int(0));
        for &(flags, ms, seq, pairs) in ents {
            v.extend([int(flags), int(ms), int(seq)]);
            if flags & FLAG_SAMEFIELDS != 0 {
                v.extend(pairs.iter().map(|(_, val)| s(val.as_bytes())));
                v.push(int(pairs.len() as i64 + 3));
            } else {
                v.push(int(pairs.len() as i64));
                for (f, val) in pairs {
                    v.extend([s(f.as_bytes()), s(val.as_bytes())]);
                }
                v.push(int(2 * pairs.len() as i64 + 4));
            }
        }
        v
    }

    fn node(live: i64, deleted: i64, master_fields: &[&str], ents: &[Ent]) -> Vec<u8> {
        build(&elems(live, deleted, master_fields, ents))
    }

    /// A node with every entry shape: SAMEFIELDS, own fields, deleted,
    /// negative differences.
    fn sample() -> Vec<u8> {
        node(
            2,
            1,
            &["f", "g"],
            &[
                (FLAG_SAMEFIELDS, 0, 0, &[("f", "1"), ("g", "2")]),
                (
                    FLAG_SAMEFIELDS | FLAG_DELETED,
                    0,
                    1,
                    &[("f", "3"), ("g", "4")],
                ),
                (0, 7, -3, &[("x", "y")]),
            ],
        )
    }

    const M: StreamId = StreamId::new(100, 5);

    fn problem(r: Result<StreamNodeSummary, BlobError>) -> BlobProblem {
        let e = r.unwrap_err();
        assert_eq!(e.kind, KIND);
        e.problem
    }

    #[test]
    fn spec_node_decodes() {
        let master = StreamId::new(1, 5);
        let it = entries(master, &SPEC_STREAM_NODE).unwrap();
        assert_eq!(it.master_fields(), [BlobEntry::Bytes(b"a")]);
        assert_eq!(it.declared(), (2, 0));
        let got: Vec<_> = it.map(|e| e.unwrap()).collect();
        assert_eq!(
            got,
            [
                StreamNodeEntry {
                    id: StreamId::new(1, 5),
                    deleted: false,
                    fields: vec![(BlobEntry::Bytes(b"a"), BlobEntry::Int(1))],
                },
                StreamNodeEntry {
                    id: StreamId::new(2, 0),
                    deleted: false,
                    fields: vec![(BlobEntry::Bytes(b"a"), BlobEntry::Int(2))],
                },
            ]
        );
        assert_eq!(
            validate(master, &SPEC_STREAM_NODE, Depth::Deep),
            Ok(StreamNodeSummary {
                live: 2,
                deleted: 0,
                first_live: Some(StreamId::new(1, 5)),
                last: Some(StreamId::new(2, 0)),
            })
        );
        assert_eq!(
            validate(master, &SPEC_STREAM_NODE, Depth::Header),
            Ok(StreamNodeSummary {
                live: 2,
                deleted: 0,
                first_live: None,
                last: None,
            })
        );
    }

    #[test]
    fn all_entry_shapes() {
        let lp = sample();
        let got: Vec<_> = entries(M, &lp).unwrap().map(|e| e.unwrap()).collect();
        assert_eq!(got.len(), 3);
        assert_eq!((got[0].id, got[0].deleted), (StreamId::new(100, 5), false));
        assert_eq!(
            got[0].fields,
            [
                (BlobEntry::Bytes(b"f"), BlobEntry::Bytes(b"1")),
                (BlobEntry::Bytes(b"g"), BlobEntry::Bytes(b"2"))
            ]
        );
        assert_eq!((got[1].id, got[1].deleted), (StreamId::new(100, 6), true));
        assert_eq!((got[2].id, got[2].deleted), (StreamId::new(107, 2), false));
        assert_eq!(
            got[2].fields,
            [(BlobEntry::Bytes(b"x"), BlobEntry::Bytes(b"y"))]
        );
        assert_eq!(
            validate(M, &lp, Depth::Deep),
            Ok(StreamNodeSummary {
                live: 2,
                deleted: 1,
                first_live: Some(StreamId::new(100, 5)),
                last: Some(StreamId::new(107, 2)),
            })
        );
    }

    #[test]
    fn ids_wrap() {
        let lp = node(1, 0, &[], &[(0, -1, -6, &[])]);
        let got: Vec<_> = entries(M, &lp).unwrap().map(|e| e.unwrap()).collect();
        assert_eq!(got[0].id, StreamId::new(99, u64::MAX));
        assert!(got[0].fields.is_empty());
        assert!(validate(M, &lp, Depth::Deep).is_ok());
    }

    #[test]
    fn canonical_string_counts_are_integers() {
        let mut e = elems(1, 0, &["f"], &[(FLAG_SAMEFIELDS, 0, 0, &[("f", "v")])]);
        e[0] = s(b"1");
        assert_eq!(validate(M, &build(&e), Depth::Deep).unwrap().live, 1);
        e[0] = s(b"01");
        assert_eq!(
            problem(validate(M, &build(&e), Depth::Header)),
            BlobProblem::ExpectedInteger("master entry count")
        );
    }

    #[test]
    fn empty_and_header_problems() {
        let empty = build(&[]);
        assert_eq!(
            problem(validate(M, &empty, Depth::Header)),
            BlobProblem::Empty
        );
        assert_eq!(entries(M, &empty).unwrap_err().problem, BlobProblem::Empty);
        let mut bad = SPEC_STREAM_NODE;
        bad[0] = 0x28;
        assert!(matches!(
            problem(validate(M, &bad, Depth::Header)),
            BlobProblem::SizeMismatch { .. }
        ));
        let neg = node(-1, 0, &[], &[]);
        assert!(matches!(
            problem(validate(M, &neg, Depth::Header)),
            BlobProblem::Invalid(_)
        ));
    }

    #[test]
    fn deep_problems() {
        let ok = elems(
            2,
            1,
            &["f"],
            &[
                (FLAG_SAMEFIELDS, 0, 0, &[("f", "1")]),
                (FLAG_DELETED, 0, 1, &[("f", "2")]),
                (0, 1, 0, &[("f", "3")]),
            ],
        );
        assert!(validate(M, &build(&ok), Depth::Deep).is_ok());
        let expect = |e: Vec<Vec<u8>>, want: fn(&BlobProblem) -> bool| {
            let lp = build(&e);
            let p = problem(validate(M, &lp, Depth::Deep));
            assert!(want(&p), "{p:?}");
            // Header depth does not look at entries.
            assert!(validate(M, &lp, Depth::Header).is_ok());
        };
        // master_fields is a string.
        let mut e = ok.clone();
        e[2] = s(b"one");
        expect(e, |p| {
            *p == BlobProblem::ExpectedInteger("master field count")
        });
        // master terminator is not 0.
        let mut e = ok.clone();
        e[4] = int(1);
        expect(e, |p| matches!(p, BlobProblem::Invalid(_)));
        // flags is a string.
        let mut e = ok.clone();
        e[5] = s(b"x");
        expect(e, |p| *p == BlobProblem::ExpectedInteger("entry flags"));
        // lp_count off by one.
        let mut e = ok.clone();
        e[9] = int(5);
        expect(
            e,
            |p| matches!(p, BlobProblem::Invalid(m) if m.contains("lp_count")),
        );
        // One entry more than the master counts.
        let mut e = ok.clone();
        e[0] = int(1);
        expect(e, |p| *p == BlobProblem::TrailingBytes);
        // One entry fewer than the master counts.
        let mut e = ok.clone();
        e[1] = int(2);
        expect(
            e,
            |p| matches!(p, BlobProblem::Invalid(m) if m.contains("ends")),
        );
        // The deleted entry is not flagged deleted.
        let mut e = ok.clone();
        e[10] = int(0);
        expect(
            e,
            |p| matches!(p, BlobProblem::Invalid(m) if m.contains("flags")),
        );
    }

    #[test]
    fn deep_checks_backlens_as_stream_listpack() {
        let mut lp = SPEC_STREAM_NODE;
        lp[7] = 2; // back-length of the master count
        let e = validate(M, &lp, Depth::Deep).unwrap_err();
        assert_eq!(e.kind, KIND);
        assert!(matches!(e.problem, BlobProblem::BacklenMismatch { .. }));
        assert!(validate(M, &lp, Depth::Header).is_ok());
    }

    #[test]
    fn iterator_reports_truncated_entry_once() {
        let mut e = elems(1, 0, &["f"], &[(FLAG_SAMEFIELDS, 0, 0, &[("f", "1")])]);
        e.pop(); // drop lp_count
        let lp = build(&e);
        let mut it = entries(M, &lp).unwrap();
        assert!(it.next().unwrap().is_err());
        assert!(it.next().is_none());
    }

    #[test]
    fn mutations_never_panic() {
        for lp in [SPEC_STREAM_NODE.to_vec(), sample()] {
            mutations(&lp, fix_total, |b| {
                let _ = validate(M, b, Depth::Header);
                let _ = validate(M, b, Depth::Deep);
                if let Ok(it) = entries(M, b) {
                    it.for_each(drop);
                }
            });
        }
    }

    #[test]
    fn fixture_stream_v11() {
        let Some(file) = fixture("redis-assets/third-party/librdb/stream_v11.rdb") else {
            return;
        };
        let key = b"\x08mystream";
        let at = file.windows(key.len()).position(|w| w == key).unwrap() + key.len();
        assert_eq!(&file[at..at + 2], [1, 16]);
        let mut id = [0u8; 16];
        id.copy_from_slice(&file[at + 2..at + 18]);
        let master = StreamId::from_be_bytes(&id);
        let lp = read_rdb_string(&file[at + 18..]);
        let summary = validate(master, &lp, Depth::Deep).unwrap();
        assert_eq!(
            summary,
            StreamNodeSummary {
                live: 6,
                deleted: 0,
                first_live: Some(StreamId::new(1695649068107, 0)),
                last: Some(StreamId::new(1695893015933, 0)),
            }
        );
        let got: Vec<_> = entries(master, &lp).unwrap().map(|e| e.unwrap()).collect();
        assert_eq!(got.len(), 6);
        assert_eq!(
            got[0].fields,
            [(BlobEntry::Bytes(b"message"), BlobEntry::Bytes(b"Message1"))]
        );
        let last: Vec<(Vec<u8>, Vec<u8>)> = got[5]
            .fields
            .iter()
            .map(|(f, v)| (f.to_vec(), v.to_vec()))
            .collect();
        assert_eq!(
            last,
            [
                (b"field1".to_vec(), b"value1".to_vec()),
                (b"field2".to_vec(), b"value2".to_vec()),
                (b"field3".to_vec(), b"value3".to_vec())
            ]
        );
    }
}
