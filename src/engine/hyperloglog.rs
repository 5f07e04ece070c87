//! HyperLogLog commands (`hyperloglog.c`): `PFADD`, `PFMERGE`, `PFCOUNT`
//! and `PFDEBUG`, producing the exact string bytes Redis stores.
//!
//! # Representation
//!
//! A HyperLogLog is a plain string value:
//!
//! ```text
//! "HYLL" | encoding (0 dense, 1 sparse) | 3 unused bytes |
//! cached cardinality (8 bytes, little endian; bit 7 of the last byte set
//! means "stale") | registers
//! ```
//!
//! There are 16384 registers. The dense form packs them as 6-bit fields,
//! least significant bits first (12288 bytes). The sparse form is a run
//! length code: `00xxxxxx` ZERO (1 to 64 zero registers), `01xxxxxx
//! yyyyyyyy` XZERO (1 to 16384 zero registers), `1vvvvvxx` VAL (1 to 4
//! registers of value 1 to 32). A new key is sparse; it is promoted to
//! dense when a register needs a value above 32 or when the string would
//! grow beyond `hll-sparse-max-bytes` (3000, Redis's default: an AOF
//! cannot change it, the engine has no other setting).
//!
//! An element is hashed with MurmurHash64A (seed `0xadc83b19`): the low 14
//! bits select the register, the number of trailing zeroes of the other 50
//! bits plus one is the candidate value.
//!
//! # Which commands write
//!
//! * `PFADD` and `PFMERGE` always may.
//! * `PFCOUNT` with a single key whose cached cardinality is stale computes
//!   it and stores it in the header: Redis counts that as a change
//!   (`server.dirty++`, the command is flagged `MAY_REPLICATE`), so such a
//!   `PFCOUNT` *is* written to the AOF and replicated, and replaying it
//!   must update the cache bytes. The engine does the same. With several
//!   keys `PFCOUNT` only reads.
//! * `PFDEBUG TODENSE` and `PFDEBUG GETREG` convert a sparse value to dense
//!   (Redis propagates that); `PFDEBUG DECODE` and `ENCODING` only read.
//!   The status reply of `PFDEBUG ENCODING` is given as a bulk string.
//!
//! # Errors and corrupted values
//!
//! A string that is not a HyperLogLog (too short, wrong magic or encoding,
//! dense with the wrong length) gives `WRONGTYPE Key is not a valid
//! HyperLogLog string value.`; a sparse value whose opcodes do not cover
//! exactly 16384 registers gives `INVALIDOBJ Corrupted HLL object
//! detected` when a command needs them all (opcodes running past the last
//! register are an error, as in Redis since the CVE-2025-32023 fix). As in Redis, a `PFADD` that hits a
//! corrupted sparse value after some of its elements were added keeps
//! those additions (without marking the cache stale).
//!
//! Redis reads the byte after a string's end as its NUL terminator (a
//! truncated XZERO opcode at the very end). The engine does the same,
//! with one difference no sane input reaches: when Redis splits such a
//! truncated opcode it may overwrite that hidden terminator, and later
//! commands read the overwritten byte; the engine still reads zero.

use super::args::{eq_ic, Args};
use super::error::{EngineError, EngineResult};
use super::store::Obj;
use super::{Engine, Reply};

/// Header size: magic, encoding, 3 unused bytes, cached cardinality.
const HDR: usize = 16;
/// Bits of the hash used as register index.
const P: u32 = 14;
/// Bits of the hash left for the zero run (`HLL_Q`).
const Q: usize = 64 - P as usize;
/// Number of registers.
const REGISTERS: usize = 1 << P;
/// Bits per dense register.
const BITS: usize = 6;
/// Largest register value.
const REGISTER_MAX: u8 = (1 << BITS) - 1;
/// Length of a dense HyperLogLog string.
const DENSE_LEN: usize = HDR + (REGISTERS * BITS).div_ceil(8);
/// Encoding byte of the dense form.
const DENSE: u8 = 0;
/// Encoding byte of the sparse form.
const SPARSE: u8 = 1;
/// `hll-sparse-max-bytes` (Redis's default).
const SPARSE_MAX_BYTES: usize = 3000;
/// Largest value a VAL opcode holds.
const VAL_MAX_VALUE: u8 = 32;
/// Longest run of a VAL opcode.
const VAL_MAX_LEN: u64 = 4;
/// Longest run of a ZERO opcode.
const ZERO_MAX_LEN: u64 = 64;
/// Longest run of an XZERO opcode.
const XZERO_MAX_LEN: u64 = 16384;
/// `HLL_ALPHA_INF`: 0.5 / ln(2).
const ALPHA_INF: f64 = 0.721_347_520_444_481_7;
/// Seed of the element hash.
const HASH_SEED: u64 = 0xadc8_3b19;

fn corrupted() -> EngineError {
    EngineError::reply("INVALIDOBJ Corrupted HLL object detected")
}

fn not_hll() -> EngineError {
    EngineError::reply("WRONGTYPE Key is not a valid HyperLogLog string value.")
}

/// MurmurHash64A as Redis uses it (little-endian reads on every
/// platform).
pub(crate) fn murmur64a(data: &[u8], seed: u64) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = seed ^ (data.len() as u64).wrapping_mul(M);
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        let mut k = u64::from_le_bytes(b).wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        for (i, &b) in tail.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// `hllPatLen`: the register an element hashes to and the length of the
/// `000..1` pattern of the rest of its hash (1 to 51).
pub(crate) fn pattern(ele: &[u8]) -> (usize, u8) {
    let hash = murmur64a(ele, HASH_SEED);
    let index = (hash & (REGISTERS as u64 - 1)) as usize;
    let rest = (hash >> P) | (1u64 << Q);
    (index, rest.trailing_zeros() as u8 + 1)
}

/// A new, empty HyperLogLog as `PFADD` / `PFMERGE` create it: sparse,
/// one XZERO covering every register, cached cardinality 0 (valid).
fn new_hll() -> Vec<u8> {
    let mut s = Vec::with_capacity(HDR + 2);
    s.extend_from_slice(b"HYLL");
    s.push(SPARSE);
    s.resize(HDR, 0);
    let mut left = REGISTERS as u64;
    while left > 0 {
        let n = left.min(XZERO_MAX_LEN);
        s.extend_from_slice(&xzero(n));
        left -= n;
    }
    s
}

/// `isHLLObjectOrReply`: the checks every command makes on an existing
/// string before using it as a HyperLogLog.
fn check(s: &[u8]) -> EngineResult<()> {
    if s.len() < HDR || &s[..4] != b"HYLL" || s[4] > SPARSE {
        return Err(not_hll());
    }
    if s[4] == DENSE && s.len() != DENSE_LEN {
        return Err(not_hll());
    }
    Ok(())
}

/// Marks the cached cardinality stale.
fn invalidate(s: &mut [u8]) {
    s[HDR - 1] |= 0x80;
}

// ---------------------------------------------------------------- dense

/// Register `i` of a dense register area (12288 bytes).
fn dense_get(regs: &[u8], i: usize) -> u8 {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let b0 = u32::from(regs.get(byte).copied().unwrap_or(0));
    let b1 = u32::from(regs.get(byte + 1).copied().unwrap_or(0));
    (((b0 >> fb) | (b1 << (8 - fb))) & u32::from(REGISTER_MAX)) as u8
}

/// Sets register `i` of a dense register area to `v` (at most 63).
fn dense_put(regs: &mut [u8], i: usize, v: u8) {
    let byte = i * BITS / 8;
    let fb = (i * BITS) & 7;
    let fb8 = 8 - fb;
    let v = u32::from(v & REGISTER_MAX);
    let max = u32::from(REGISTER_MAX);
    if let Some(b) = regs.get_mut(byte) {
        *b &= !(max << fb) as u8;
        *b |= (v << fb) as u8;
    }
    // The last register's spill byte is the string's terminator in Redis;
    // nothing of the register lands there.
    if let Some(b) = regs.get_mut(byte + 1) {
        *b &= !(max >> fb8) as u8;
        *b |= (v >> fb8) as u8;
    }
}

/// `hllDenseSet`: raises register `i` to `v`; true when it changed.
fn dense_set(regs: &mut [u8], i: usize, v: u8) -> bool {
    if v > dense_get(regs, i) {
        dense_put(regs, i, v);
        true
    } else {
        false
    }
}

// --------------------------------------------------------------- sparse

/// One sparse opcode.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Op {
    /// A run of zero registers (ZERO or XZERO).
    Zero(u64),
    /// A run of registers holding a value.
    Val(u8, u64),
}

/// The opcode at `p` and its size in bytes. A byte past the end reads as
/// 0, like the terminator of an sds string.
fn op_at(s: &[u8], p: usize) -> (Op, usize) {
    let b = s.get(p).copied().unwrap_or(0);
    match b & 0xc0 {
        0x00 => (Op::Zero(u64::from(b & 0x3f) + 1), 1),
        0x40 => {
            let lo = s.get(p + 1).copied().unwrap_or(0);
            (
                Op::Zero(((u64::from(b & 0x3f) << 8) | u64::from(lo)) + 1),
                2,
            )
        }
        _ => {
            let (v, run) = val_parts(b);
            (Op::Val(v, run), 1)
        }
    }
}

/// Value and run length of a VAL opcode byte.
fn val_parts(b: u8) -> (u8, u64) {
    (((b >> 2) & 0x1f) + 1, u64::from(b & 3) + 1)
}

fn is_xzero(b: u8) -> bool {
    b & 0xc0 == 0x40
}

fn is_val(b: u8) -> bool {
    b & 0x80 != 0
}

/// A VAL opcode (`value` 1..=32, `len` 1..=4).
fn val(value: u8, len: u64) -> u8 {
    0x80 | ((value - 1) << 2) | (len - 1) as u8
}

/// An XZERO opcode (`len` 1..=16384).
fn xzero(len: u64) -> [u8; 2] {
    let l = len - 1;
    [0x40 | (l >> 8) as u8, (l & 0xff) as u8]
}

/// Appends the shortest zero-run opcode for `len` (1..16384) registers,
/// as Redis splits a run.
fn push_zeros(seq: &mut Vec<u8>, len: u64) {
    if len > ZERO_MAX_LEN {
        seq.extend_from_slice(&xzero(len));
    } else {
        seq.push((len - 1) as u8);
    }
}

/// Walks a sparse register area (from the start of the string), calling
/// `f(first register, value, run)` for every VAL run; false when the
/// opcodes do not cover exactly 16384 registers (`hllSparseToDense`,
/// `hllMerge`). The walk stops at the first opcode reaching past the last
/// register: Redis 7.0 still accepted a value whose opcodes covered the
/// 16384 registers and then went on with a VAL opcode; since the fix for
/// CVE-2025-32023 (6.2.19, 7.2.10, 7.4.5, 8.0.3 and the distributions'
/// backports, Debian's 7.0.15 included) any opcode past the end is an
/// error, which the engine follows.
fn sparse_walk(s: &[u8], mut f: impl FnMut(usize, u8, u64)) -> bool {
    let mut idx: u64 = 0;
    let mut p = HDR;
    while p < s.len() {
        let (op, n) = op_at(s, p);
        let run = match op {
            Op::Zero(r) | Op::Val(_, r) => r,
        };
        if idx + run > REGISTERS as u64 {
            return false;
        }
        if let Op::Val(v, _) = op {
            f(idx as usize, v, run);
        }
        idx += run;
        p += n;
    }
    idx == REGISTERS as u64
}

/// `hllSparseToDense`: the dense form of a sparse value (header copied,
/// cached cardinality included), `None` when the sparse form is corrupted.
fn sparse_to_dense(s: &[u8]) -> Option<Vec<u8>> {
    let mut d = vec![0u8; DENSE_LEN];
    d[..HDR].copy_from_slice(&s[..HDR]);
    d[4] = DENSE;
    let regs = &mut d[HDR..];
    let ok = sparse_walk(s, |first, v, run| {
        for i in first..first + run as usize {
            dense_put(regs, i, v);
        }
    });
    ok.then_some(d)
}

/// Converts `s` to dense in place when it is sparse; false when corrupted.
fn make_dense(s: &mut Vec<u8>) -> bool {
    if s[4] == DENSE {
        return true;
    }
    match sparse_to_dense(s) {
        Some(d) => {
            *s = d;
            true
        }
        None => false,
    }
}

/// `hllSparseSet`: raises register `index` of the sparse value `s` to
/// `count`, promoting to dense when needed. `Ok(true)` when a register
/// changed, `Err` when the value is corrupted.
fn sparse_set(s: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, ()> {
    if count > VAL_MAX_VALUE {
        return promote(s, index, count);
    }
    // Step 1: find the opcode covering the register.
    let idx = index as u64;
    let mut p = HDR;
    let mut first: u64 = 0;
    let mut prev: Option<usize> = None;
    let mut found = None;
    while p < s.len() {
        let (op, n) = op_at(s, p);
        let span = match op {
            Op::Zero(r) | Op::Val(_, r) => r,
        };
        if idx < first + span {
            found = Some((op, n, span));
            break;
        }
        prev = Some(p);
        p += n;
        first += span;
    }
    let Some((op, oplen, span)) = found else {
        return Err(());
    };
    let end = s.len();
    let next = (p + oplen < end).then_some(p + oplen);

    // Step 2: the trivial updates in place, else the replacement sequence.
    let mut done = false;
    match op {
        Op::Val(old, run) => {
            if old >= count {
                return Ok(false);
            }
            if run == 1 {
                s[p] = val(count, 1);
                done = true;
            }
        }
        Op::Zero(1) if oplen == 1 => {
            s[p] = val(count, 1);
            done = true;
        }
        Op::Zero(_) => {}
    }
    if !done {
        let last = first + span - 1;
        let mut seq = Vec::with_capacity(5);
        match op {
            Op::Zero(_) => {
                if idx != first {
                    push_zeros(&mut seq, idx - first);
                }
                seq.push(val(count, 1));
                if idx != last {
                    push_zeros(&mut seq, last - idx);
                }
            }
            Op::Val(cur, _) => {
                if idx != first {
                    seq.push(val(cur, idx - first));
                }
                seq.push(val(count, 1));
                if idx != last {
                    seq.push(val(cur, last - idx));
                }
            }
        }
        // Step 3: substitute the sequence for the opcode.
        let new_len = end + seq.len();
        if seq.len() > oplen && new_len - oplen > SPARSE_MAX_BYTES {
            return promote(s, index, count);
        }
        match next {
            Some(n) => {
                s.splice(p..n, seq);
            }
            None => {
                // The last opcode (possibly an XZERO cut short by the end
                // of the string): Redis sets the new length to
                // `end + seq - oplen` and writes the sequence at `p`.
                s.truncate(p);
                s.extend_from_slice(&seq);
                s.truncate(new_len - oplen);
            }
        }
    }

    // Step 4: merge adjacent VAL opcodes of equal value, scanning up to
    // five opcodes from the one before the change.
    let mut p = prev.unwrap_or(HDR);
    let mut scan = 5;
    while p < s.len() && scan > 0 {
        scan -= 1;
        let b = s[p];
        if is_xzero(b) {
            p += 2;
            continue;
        }
        if !is_val(b) {
            p += 1;
            continue;
        }
        if let Some(&b2) = s.get(p + 1) {
            if is_val(b2) {
                let ((v1, l1), (v2, l2)) = (val_parts(b), val_parts(b2));
                if v1 == v2 && l1 + l2 <= VAL_MAX_LEN {
                    s[p + 1] = val(v1, l1 + l2);
                    s.remove(p);
                    continue;
                }
            }
        }
        p += 1;
    }
    invalidate(s);
    Ok(true)
}

/// The promotion path of `hllSparseSet`: converts to dense, then sets the
/// register there.
fn promote(s: &mut Vec<u8>, index: usize, count: u8) -> Result<bool, ()> {
    if !make_dense(s) {
        return Err(());
    }
    Ok(dense_set(&mut s[HDR..], index, count))
}

/// `hllAdd`: adds one element; `Ok(true)` when a register changed.
fn add(s: &mut Vec<u8>, ele: &[u8]) -> Result<bool, ()> {
    let (index, count) = pattern(ele);
    match s[4] {
        DENSE => Ok(dense_set(&mut s[HDR..], index, count)),
        SPARSE => sparse_set(s, index, count),
        _ => Err(()),
    }
}

/// `hllMerge`: raises `max[i]` to every register of `s`; false when a
/// sparse value is corrupted.
fn merge_into(max: &mut [u8; REGISTERS], s: &[u8]) -> bool {
    if s[4] == DENSE {
        let regs = &s[HDR..];
        for (i, m) in max.iter_mut().enumerate() {
            *m = (*m).max(dense_get(regs, i));
        }
        true
    } else {
        sparse_walk(s, |first, v, run| {
            for m in &mut max[first..first + run as usize] {
                *m = (*m).max(v);
            }
        })
    }
}

// ---------------------------------------------------------------- count

/// `hllSigma` (Ertl, arXiv:1702.01284).
fn sigma(mut x: f64) -> f64 {
    if x == 1.0 {
        return f64::INFINITY;
    }
    let mut y = 1.0;
    let mut z = x;
    loop {
        x *= x;
        let prev = z;
        z += x * y;
        y += y;
        if prev == z {
            return z;
        }
    }
}

/// `hllTau` (Ertl, arXiv:1702.01284). Redis's `pow(1 - x, 2)` is compiled
/// to a multiplication.
fn tau(mut x: f64) -> f64 {
    if x == 0.0 || x == 1.0 {
        return 0.0;
    }
    let mut y = 1.0;
    let mut z = 1.0 - x;
    loop {
        x = x.sqrt();
        let prev = z;
        y *= 0.5;
        let d = 1.0 - x;
        z -= d * d * y;
        if prev == z {
            return z / 3.0;
        }
    }
}

/// `hllCount` from a register histogram (bins above `Q + 1` are ignored,
/// as in Redis).
fn estimate(histo: &[u64; 64]) -> u64 {
    let m = REGISTERS as f64;
    let mut z = m * tau((m - histo[Q + 1] as f64) / m);
    for j in (1..=Q).rev() {
        z += histo[j] as f64;
        z *= 0.5;
    }
    z += m * sigma(histo[0] as f64 / m);
    let e = ALPHA_INF * m * m / z;
    // llroundl, then through a double into an unsigned: out of range (an
    // infinite estimate) is LLONG_MIN on x86-64, which lands on 2^63.
    let r = e.round();
    let limit = (1u64 << 63) as f64;
    if r.is_nan() || !(-limit..limit).contains(&r) {
        return 1 << 63;
    }
    let n = r as i64;
    if n < 0 {
        1 << 63
    } else {
        (n as f64) as u64
    }
}

/// The histogram of a value's registers; `None` for a corrupted sparse
/// value (`hllDenseRegHisto` / `hllSparseRegHisto`).
fn histogram(s: &[u8]) -> Option<[u64; 64]> {
    let mut h = [0u64; 64];
    if s[4] == DENSE {
        let regs = &s[HDR..];
        for i in 0..REGISTERS {
            h[usize::from(dense_get(regs, i))] += 1;
        }
        return Some(h);
    }
    let mut idx: u64 = 0;
    let mut p = HDR;
    while p < s.len() {
        let (op, n) = op_at(s, p);
        let (bin, run) = match op {
            Op::Zero(r) => (0, r),
            Op::Val(v, r) => (usize::from(v), r),
        };
        idx += run;
        if idx > REGISTERS as u64 {
            return None;
        }
        h[bin] += run;
        p += n;
    }
    (idx == REGISTERS as u64).then_some(h)
}

// ------------------------------------------------------------- commands

impl Engine {
    /// The HyperLogLog string at `key` (validated), `None` when missing.
    fn hll(&mut self, key: &[u8]) -> EngineResult<Option<&mut Vec<u8>>> {
        match self.get_str(key)? {
            None => Ok(None),
            Some(s) => {
                check(s)?;
                Ok(Some(s))
            }
        }
    }

    /// The HyperLogLog at `key`, created empty when missing; true when
    /// created.
    fn hll_or_create(&mut self, key: &[u8]) -> EngineResult<(&mut Vec<u8>, bool)> {
        let created = self.hll(key)?.is_none();
        if created {
            self.set_obj(key, Obj::Str(new_hll()));
        }
        match self.get_str(key)? {
            Some(s) => Ok((s, created)),
            None => Err(EngineError::WrongType),
        }
    }
}

/// `PFADD key [element ...]`
pub(crate) fn pfadd(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let key = a.next_bytes()?;
    let elements = a.take_rest();
    let (s, created) = e.hll_or_create(key)?;
    let mut updated = created;
    for ele in elements {
        // An error keeps what the earlier elements changed, as in Redis.
        updated |= add(s, ele).map_err(|()| corrupted())?;
    }
    if updated {
        invalidate(s);
    }
    Ok(Reply::Int(i64::from(updated)))
}

/// `PFCOUNT key [key ...]`: with one key, refreshes a stale cached
/// cardinality in the stored value (see the module docs).
pub(crate) fn pfcount(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let keys = a.take_rest();
    if keys.len() > 1 {
        let mut max = [0u8; REGISTERS];
        for k in keys {
            if let Some(s) = e.hll(k)? {
                if !merge_into(&mut max, s) {
                    return Err(corrupted());
                }
            }
        }
        let mut h = [0u64; 64];
        for &r in &max {
            h[usize::from(r)] += 1;
        }
        return Ok(Reply::Int(estimate(&h) as i64));
    }
    let Some(key) = keys.first() else {
        return Err(a.arity());
    };
    let Some(s) = e.hll(key)? else {
        return Ok(Reply::Int(0));
    };
    let mut card = [0u8; 8];
    card.copy_from_slice(&s[8..HDR]);
    if card[7] & 0x80 == 0 {
        return Ok(Reply::Int(u64::from_le_bytes(card) as i64));
    }
    let h = histogram(s).ok_or_else(corrupted)?;
    let n = estimate(&h);
    s[8..HDR].copy_from_slice(&n.to_le_bytes());
    Ok(Reply::Int(n as i64))
}

/// `PFMERGE destkey [sourcekey ...]`: the destination takes part in the
/// union; it stays sparse unless one input is dense (or it gets promoted
/// while the registers are written).
pub(crate) fn pfmerge(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let dest = a.next_bytes()?;
    let sources = a.take_rest();
    let mut max = [0u8; REGISTERS];
    let mut use_dense = false;
    for k in std::iter::once(&dest).chain(sources) {
        if let Some(s) = e.hll(k)? {
            use_dense |= s[4] == DENSE;
            if !merge_into(&mut max, s) {
                return Err(corrupted());
            }
        }
    }
    let (s, _) = e.hll_or_create(dest)?;
    if use_dense && !make_dense(s) {
        return Err(corrupted());
    }
    for (i, &m) in max.iter().enumerate() {
        if m == 0 {
            continue;
        }
        if s[4] == DENSE {
            dense_set(&mut s[HDR..], i, m);
        } else {
            // Cannot fail: the destination was validated by the merge.
            let _ = sparse_set(s, i, m);
        }
    }
    invalidate(s);
    Ok(Reply::Ok)
}

/// `PFDEBUG <GETREG | DECODE | ENCODING | TODENSE> key`
pub(crate) fn pfdebug(e: &mut Engine, a: &mut Args) -> EngineResult<Reply> {
    let sub = a.next_bytes()?;
    let key = a.next_bytes()?;
    let Some(s) = e.hll(key)? else {
        return Err(EngineError::reply("ERR The specified key does not exist"));
    };
    if eq_ic(sub, "getreg") {
        if !make_dense(s) {
            return Err(corrupted());
        }
        let regs = &s[HDR..];
        Ok(Reply::Array(
            (0..REGISTERS)
                .map(|i| Reply::Int(i64::from(dense_get(regs, i))))
                .collect(),
        ))
    } else if eq_ic(sub, "decode") {
        if s[4] != SPARSE {
            return Err(EngineError::reply("ERR HLL encoding is not sparse"));
        }
        let mut out = Vec::new();
        let mut p = HDR;
        while p < s.len() {
            let (op, n) = op_at(s, p);
            let item = match op {
                Op::Zero(r) if n == 1 => format!("z:{r}"),
                Op::Zero(r) => format!("Z:{r}"),
                Op::Val(v, r) => format!("v:{v},{r}"),
            };
            out.push(item);
            p += n;
        }
        Ok(Reply::bulk(out.join(" ")))
    } else if eq_ic(sub, "encoding") {
        Ok(Reply::bulk(if s[4] == DENSE { "dense" } else { "sparse" }))
    } else if eq_ic(sub, "todense") {
        let sparse = s[4] == SPARSE;
        if !make_dense(s) {
            return Err(corrupted());
        }
        Ok(Reply::Int(i64::from(sparse)))
    } else {
        let name: String = String::from_utf8_lossy(sub)
            .chars()
            .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
            .collect();
        Err(EngineError::reply(format!(
            "ERR Unknown PFDEBUG subcommand '{name}'"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha1::{Digest as _, Sha1};

    fn apply(e: &mut Engine, argv: &[&[u8]]) -> EngineResult<Reply> {
        e.apply(argv)
    }

    fn pfadd_all(e: &mut Engine, key: &str, elements: impl Iterator<Item = String>) {
        for el in elements {
            apply(e, &[b"PFADD", key.as_bytes(), el.as_bytes()]).unwrap();
        }
    }

    fn value(e: &Engine, key: &str) -> Vec<u8> {
        match e.value(0, key.as_bytes()) {
            Some(crate::model::Value::String(s)) => s,
            other => panic!("{key}: {other:?}"),
        }
    }

    fn sha1_hex(b: &[u8]) -> String {
        hex::encode(Sha1::digest(b))
    }

    const STALE_EMPTY_HDR: &[u8] = b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80";

    #[test]
    fn hash_and_pattern() {
        // Register and run length of "a" as redis-server 7.0.15 stores it
        // (`PFADD h a` → XZERO 12711, VAL 2x1, XZERO 3672).
        assert_eq!(pattern(b"a"), (12711, 2));
        // Every tail length of MurmurHash64A is exercised.
        let mut seen = std::collections::HashSet::new();
        for n in 0..20 {
            assert!(seen.insert(murmur64a(&vec![b'x'; n], HASH_SEED)));
        }
        for n in 0..1000u32 {
            let (i, c) = pattern(&n.to_le_bytes());
            assert!(i < REGISTERS && (1..=51).contains(&c));
        }
    }

    #[test]
    fn known_bytes_from_redis() {
        let mut e = Engine::new();
        // PFADD with no element creates an empty, stale HLL.
        assert_eq!(apply(&mut e, &[b"PFADD", b"e"]).unwrap(), Reply::Int(1));
        assert_eq!(value(&e, "e"), [STALE_EMPTY_HDR, b"\x7f\xff"].concat());
        assert_eq!(apply(&mut e, &[b"PFADD", b"e"]).unwrap(), Reply::Int(0));

        assert_eq!(
            apply(&mut e, &[b"PFADD", b"h", b"a"]).unwrap(),
            Reply::Int(1)
        );
        assert_eq!(value(&e, "h"), [STALE_EMPTY_HDR, b"q\xa6\x84NW"].concat());
        assert_eq!(
            apply(&mut e, &[b"PFADD", b"h", b"a"]).unwrap(),
            Reply::Int(0)
        );
        let more: Vec<&[u8]> = vec![b"PFADD", b"h", b"b", b"c", b"d", b"e", b"f", b"g"];
        assert_eq!(apply(&mut e, &more).unwrap(), Reply::Int(1));
        let regs = b"Fm\x80V\x0c\x80D<\x848\x80P\xb1\x84I\x8c\x80Bm\x80BZ";
        assert_eq!(value(&e, "h"), [STALE_EMPTY_HDR, regs].concat());
        assert_eq!(
            apply(&mut e, &[b"PFDEBUG", b"DECODE", b"h"]).unwrap(),
            Reply::bulk(
                "Z:1646 v:1,1 Z:5645 v:1,1 Z:1085 v:2,1 z:57 v:1,1 Z:4274 v:2,1 \
                 Z:2445 v:1,1 Z:622 v:1,1 Z:603"
            )
        );
        // PFCOUNT stores the cardinality in the header.
        assert_eq!(apply(&mut e, &[b"PFCOUNT", b"h"]).unwrap(), Reply::Int(7));
        assert_eq!(
            value(&e, "h"),
            [&b"HYLL\x01\0\0\0\x07\0\0\0\0\0\0\0"[..], regs].concat()
        );

        // The empty element and the 7-byte tail of the hash.
        apply(&mut e, &[b"PFADD", b"x", b""]).unwrap();
        apply(
            &mut e,
            &[b"PFADD", b"x", b"1234567", b"12345678", b"123456789"],
        )
        .unwrap();
        assert_eq!(
            value(&e, "x"),
            [STALE_EMPTY_HDR, b"W1\x84M\x19\x84D\x08\x88@\xfa\x88V\xab"].concat()
        );
    }

    #[test]
    fn sparse_growth_promotion_and_merge_match_redis() {
        // Digests of the values redis-server 7.0.15 stores for the same
        // commands (one PFADD per element).
        let mut e = Engine::new();
        pfadd_all(&mut e, "s", (1..=200).map(|i| format!("e{i}")));
        assert_eq!(apply(&mut e, &[b"PFCOUNT", b"s"]).unwrap(), Reply::Int(200));
        let s = value(&e, "s");
        assert_eq!(s.len(), 512);
        assert_eq!(sha1_hex(&s), "cdc9d8a6c0a3de60315fbf1c757392bc9dd71729");

        pfadd_all(&mut e, "d", (1..=3000).map(|i| format!("e{i}")));
        assert_eq!(
            apply(&mut e, &[b"PFCOUNT", b"d"]).unwrap(),
            Reply::Int(2979)
        );
        let d = value(&e, "d");
        assert_eq!(d.len(), DENSE_LEN);
        assert_eq!(sha1_hex(&d), "19e0b3f23fce190768f3b44eb1824b86f8a2fedf");
        assert_eq!(&value(&e, "d")[..HDR], b"HYLL\0\0\0\0\xa3\x0b\0\0\0\0\0\0");

        apply(&mut e, &[b"PFADD", b"x", b""]).unwrap();
        apply(
            &mut e,
            &[b"PFADD", b"x", b"1234567", b"12345678", b"123456789"],
        )
        .unwrap();
        // The destination keeps its own header: the count cached in `s`
        // is not copied.
        assert_eq!(
            apply(&mut e, &[b"PFMERGE", b"m", b"s", b"x"]).unwrap(),
            Reply::Ok
        );
        let m = value(&e, "m");
        assert_eq!(m.len(), 518);
        assert_eq!(sha1_hex(&m), "311bee0dfdca48781cd24e51efb7fcaf3f0de5a8");
        apply(&mut e, &[b"PFMERGE", b"m2", b"s", b"d"]).unwrap();
        assert_eq!(
            sha1_hex(&value(&e, "m2")),
            "064982bfeddee284bc3b6003481a3f13ac53c7d8"
        );
        assert_eq!(
            apply(&mut e, &[b"PFCOUNT", b"m2"]).unwrap(),
            Reply::Int(2979)
        );
        assert_eq!(
            apply(&mut e, &[b"PFCOUNT", b"s", b"x", b"nokey"]).unwrap(),
            Reply::Int(204)
        );
    }

    #[test]
    fn dense_registers_round_trip() {
        let mut regs = vec![0u8; DENSE_LEN - HDR];
        let mut want = vec![0u8; REGISTERS];
        let mut x: u32 = 12345;
        for _ in 0..3 {
            for (i, w) in want.iter_mut().enumerate() {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *w = ((x >> 16) as u8) & REGISTER_MAX;
                dense_put(&mut regs, i, *w);
            }
            for (i, w) in want.iter().enumerate() {
                assert_eq!(dense_get(&regs, i), *w, "register {i}");
            }
        }
    }

    #[test]
    fn estimator_edges() {
        let mut h = [0u64; 64];
        h[0] = REGISTERS as u64;
        assert_eq!(estimate(&h), 0);
        // Every register above Q + 1: the estimate is infinite, which
        // Redis reports as 2^63 (stored) / i64::MIN (replied).
        let mut h = [0u64; 64];
        h[63] = REGISTERS as u64;
        assert_eq!(estimate(&h), 1 << 63);
    }

    #[test]
    fn corrupted_values_give_errors_not_panics() {
        let mut e = Engine::new();
        let not_hll = "WRONGTYPE Key is not a valid HyperLogLog string value.";
        let corrupt = "INVALIDOBJ Corrupted HLL object detected";
        let err = |e: &mut Engine, argv: &[&[u8]]| apply(e, argv).unwrap_err().to_string();
        apply(&mut e, &[b"SET", b"s", b"not an hll at all"]).unwrap();
        assert_eq!(err(&mut e, &[b"PFADD", b"s", b"a"]), not_hll);
        assert_eq!(err(&mut e, &[b"PFCOUNT", b"s"]), not_hll);
        assert_eq!(err(&mut e, &[b"PFMERGE", b"x", b"s"]), not_hll);
        assert!(e.value(0, b"x").is_none());
        apply(&mut e, &[b"SET", b"s", b"HYLL\x00\0\0\0\0\0\0\0\0\0\0\x80"]).unwrap();
        assert_eq!(err(&mut e, &[b"PFADD", b"s", b"a"]), not_hll);
        apply(&mut e, &[b"SET", b"s", b"HYLL\x02\0\0\0\0\0\0\0\0\0\0\x80"]).unwrap();
        assert_eq!(err(&mut e, &[b"PFADD", b"s", b"a"]), not_hll);
        // A sparse value covering too few registers.
        apply(
            &mut e,
            &[b"SET", b"s", b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\x80\x7f\xfe"],
        )
        .unwrap();
        assert_eq!(err(&mut e, &[b"PFCOUNT", b"s"]), corrupt);
        assert_eq!(err(&mut e, &[b"PFCOUNT", b"s", b"s"]), corrupt);
        assert_eq!(err(&mut e, &[b"PFMERGE", b"x", b"s"]), corrupt);
        assert_eq!(err(&mut e, &[b"PFDEBUG", b"TODENSE", b"s"]), corrupt);
        // Registers inside the covered range can still be set (as in
        // Redis 7.0.15, same bytes); the others cannot.
        assert_eq!(
            apply(&mut e, &[b"PFADD", b"s", b"a"]).unwrap(),
            Reply::Int(1)
        );
        assert_eq!(value(&e, "s"), [STALE_EMPTY_HDR, b"q\xa6\x84NV"].concat());
        apply(
            &mut e,
            &[b"SET", b"s", b"HYLL\x01\0\0\0\0\0\0\0\0\0\0\0\x3f\x23"],
        )
        .unwrap();
        assert_eq!(err(&mut e, &[b"PFADD", b"s", b"a"]), corrupt);
        // Opcodes past the last register (a VAL after full coverage was
        // accepted before the CVE-2025-32023 fix, not since), while
        // PFADD only walks up to the register it sets.
        apply(
            &mut e,
            &[b"SET", b"s", &[STALE_EMPTY_HDR, b"\x7f\xff\x80"].concat()],
        )
        .unwrap();
        assert_eq!(err(&mut e, &[b"PFMERGE", b"x", b"s"]), corrupt);
        assert_eq!(err(&mut e, &[b"PFDEBUG", b"TODENSE", b"s"]), corrupt);
        assert_eq!(
            apply(&mut e, &[b"PFADD", b"s", b"a"]).unwrap(),
            Reply::Int(1)
        );
        assert_eq!(
            value(&e, "s"),
            [STALE_EMPTY_HDR, b"q\xa6\x84NW\x80"].concat()
        );
        apply(&mut e, &[b"LPUSH", b"l", b"a"]).unwrap();
        assert_eq!(
            err(&mut e, &[b"PFADD", b"l", b"a"]),
            EngineError::WrongType.to_string()
        );
        assert_eq!(
            err(&mut e, &[b"PFDEBUG", b"ENCODING", b"nokey"]),
            "ERR The specified key does not exist"
        );

        // Random damage to real values never panics.
        let mut seed: u64 = 99;
        let mut rnd = move || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            seed >> 33
        };
        let mut base = Engine::new();
        pfadd_all(&mut base, "a", (0..150).map(|i| format!("{i}")));
        pfadd_all(&mut base, "b", (0..2500).map(|i| format!("{i}")));
        let sparse = value(&base, "a");
        let dense = value(&base, "b");
        for round in 0..1200 {
            let mut v = if round % 4 == 0 {
                dense.clone()
            } else {
                sparse.clone()
            };
            for _ in 0..1 + rnd() % 4 {
                let at = HDR + (rnd() as usize) % (v.len() - HDR);
                v[at] = rnd() as u8;
            }
            if round % 7 == 0 {
                v.truncate(HDR + (rnd() as usize) % (v.len() - HDR));
            }
            let argvs: [&[&[u8]]; 6] = [
                &[b"PFADD", b"k", b"x", b"y", b"z", b"w"],
                &[b"PFCOUNT", b"k"],
                &[b"PFCOUNT", b"k", b"a"],
                &[b"PFMERGE", b"k", b"a", b"b"],
                &[b"PFMERGE", b"a2", b"k"],
                &[b"PFDEBUG", b"GETREG", b"k"],
            ];
            let mut e = Engine::new();
            e.apply(&[&b"SET"[..], b"k", &v]).unwrap();
            for argv in argvs {
                let _ = apply(&mut e, argv);
                let _ = apply(&mut e, &[b"PFDEBUG", b"DECODE", b"k"]);
            }
        }
    }
}
