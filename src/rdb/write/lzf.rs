//! LZF compression for RDB strings (`lzf_c.c`, used by `rdbSaveLzfStringObject`
//! and by quicklist node compression).
//!
//! The compressor is liblzf's algorithm (64 Ki-slot hash of the next three
//! bytes, 8 KiB window, matches of 3 to 264 bytes, literal runs of up to
//! 32) and produces exactly the bytes of the `lzf` crate's port, which
//! `lzf_d.c` reads; its hash-table choices may pick different
//! back-references than Redis's build, so compressed bytes are valid and
//! equivalent but not guaranteed byte-identical to a server's.
//!
//! Why not call the crate: it allocates and zeroes a 512 KiB hash table
//! and an output buffer on every call. An RDB holds millions of short
//! strings above the 20-byte threshold, and zeroing that table dominated
//! writing a large file. Here the table lives in a per-thread
//! `Compressor` and is "cleared" by bumping a generation number stored
//! next to each slot: a slot of an older generation reads as empty, which
//! is what the crate's zeroed table holds.

use std::cell::RefCell;

/// log2 of the hash table's slot count (liblzf `HLOG`).
const HLOG: u32 = 16;
/// Longest back-reference distance (liblzf `MAX_OFF`).
const MAX_OFF: usize = 1 << 13;
/// Longest match (liblzf `MAX_REF`).
const MAX_REF: usize = (1 << 8) + (1 << 3);
/// Longest literal run (liblzf `MAX_LIT`).
const MAX_LIT: usize = 1 << 5;

/// Reusable compression state: the hash table (generation in the high 32
/// bits, input position in the low 32) and the output buffer.
struct Compressor {
    htab: Vec<u64>,
    generation: u32,
    out: Vec<u8>,
}

impl Compressor {
    fn new() -> Self {
        Compressor {
            htab: vec![0; 1 << HLOG],
            generation: 0,
            out: Vec::new(),
        }
    }

    /// Starts a new input: every slot becomes empty.
    fn reset(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        if self.generation == 0 {
            // Wrapped: slots may hold any generation, clear them for real.
            self.htab.fill(0);
            self.generation = 1;
        }
    }

    /// The position stored in slot `h`, 0 when empty.
    #[inline(always)]
    fn get(&self, h: usize) -> usize {
        let s = self.htab[h];
        if (s >> 32) as u32 == self.generation {
            (s & 0xffff_ffff) as usize
        } else {
            0
        }
    }

    #[inline(always)]
    fn set(&mut self, h: usize, pos: usize) {
        self.htab[h] = (u64::from(self.generation) << 32) | pos as u64;
    }

    /// Compresses `data` into `self.out`; false when the output would not
    /// fit in `data.len()` bytes (the crate's buffer size) or the input is
    /// too short. `data` must be shorter than 4 GiB.
    fn compress(&mut self, data: &[u8]) -> bool {
        let in_len = data.len();
        if in_len < 2 {
            return false;
        }
        self.reset();
        let cap = in_len;
        let mut out = std::mem::take(&mut self.out);
        out.clear();
        out.resize(cap, 0);
        let ok = self.compress_to(data, &mut out);
        self.out = out;
        ok
    }

    /// The body of [`Compressor::compress`]; on success truncates `out` to
    /// the compressed length.
    fn compress_to(&mut self, data: &[u8], out: &mut Vec<u8>) -> bool {
        let in_len = data.len();
        let cap = out.len();
        let first = |p: usize| (u32::from(data[p]) << 8) | u32::from(data[p + 1]);
        let next = |v: u32, p: usize| (v << 8) | u32::from(data[p + 2]);
        let idx = |h: u32| {
            let h = u64::from(h);
            ((h >> 8).wrapping_sub(h * 5) & ((1 << HLOG) - 1)) as usize
        };
        // `op` is the next output byte; `lit` the length of the literal run
        // whose header byte sits at `op - lit - 1`.
        let mut op: usize = 1;
        let mut lit: usize = 0;
        let mut ip: usize = 0;
        let mut hval = first(ip);
        while ip < in_len - 2 {
            hval = next(hval, ip);
            let slot = idx(hval);
            let r = self.get(slot);
            self.set(slot, ip);
            let off = ip.wrapping_sub(r).wrapping_sub(1);
            if off < MAX_OFF
                && ip + 4 < in_len
                && r > 0
                && r < in_len - 2
                && data[r] == data[ip]
                && data[r + 1] == data[ip + 1]
                && data[r + 2] == data[ip + 2]
            {
                let maxlen = (in_len - ip - 2).min(MAX_REF);
                // Stop the literal run (drop its header when empty).
                out[op - lit - 1] = (lit as u8).wrapping_sub(1);
                if lit == 0 {
                    op -= 1;
                }
                if op + 3 + 1 >= cap {
                    return false;
                }
                let mut len = 3;
                while len < maxlen && data[r + len] == data[ip + len] {
                    len += 1;
                }
                len -= 2; // octets - 1
                ip += 1;
                if len < 7 {
                    out[op] = (off >> 8) as u8 + (len << 5) as u8;
                    op += 1;
                } else {
                    out[op] = (off >> 8) as u8 + (7 << 5);
                    out[op + 1] = (len as u8).wrapping_sub(7);
                    op += 2;
                }
                out[op] = off as u8;
                op += 2; // start a new run
                lit = 0;
                ip += len - 1;
                if ip >= in_len {
                    break;
                }
                hval = first(ip);
                hval = next(hval, ip);
                self.set(idx(hval), ip);
                ip += 1;
                hval = next(hval, ip);
                self.set(idx(hval), ip);
                ip += 1;
            } else {
                if op >= cap {
                    return false;
                }
                lit += 1;
                out[op] = data[ip];
                op += 1;
                ip += 1;
                if lit == MAX_LIT {
                    out[op - lit - 1] = (lit as u8).wrapping_sub(1);
                    lit = 0;
                    op += 1;
                }
            }
        }
        if op + 3 > cap {
            return false;
        }
        while ip < in_len {
            lit += 1;
            out[op] = data[ip];
            op += 1;
            ip += 1;
            if lit == MAX_LIT {
                out[op - lit - 1] = (lit as u8).wrapping_sub(1);
                lit = 0;
                op += 1;
            }
        }
        out[op - lit - 1] = (lit as u8).wrapping_sub(1);
        if lit == 0 {
            op -= 1;
        }
        out.truncate(op);
        true
    }
}

thread_local! {
    static COMPRESSOR: RefCell<Option<Compressor>> = const { RefCell::new(None) };
}

/// Calls `f` with the compressed form of `data` when it fits in `max_len`
/// bytes (Redis passes `len - 4` as the output buffer size, so compression
/// that saves fewer than 4 bytes is not used); `None` otherwise.
pub fn with_compressed<R>(data: &[u8], max_len: usize, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    if data.len() < 2 || max_len == 0 {
        return None;
    }
    if u32::try_from(data.len()).is_err() {
        // Positions do not fit the packed table: the crate's allocation is
        // nothing next to a 4 GiB string.
        return match lzf::compress(data) {
            Ok(c) if !c.is_empty() && c.len() <= max_len => Some(f(&c)),
            _ => None,
        };
    }
    COMPRESSOR.with(|cell| {
        let mut guard = cell.borrow_mut();
        let c = guard.get_or_insert_with(Compressor::new);
        if c.compress(data) && !c.out.is_empty() && c.out.len() <= max_len {
            Some(f(&c.out))
        } else {
            None
        }
    })
}

/// Compresses `data`, returning the compressed bytes only when they fit in
/// `max_len` bytes.
pub fn compress_within(data: &[u8], max_len: usize) -> Option<Vec<u8>> {
    with_compressed(data, max_len, <[u8]>::to_vec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rdb::primitives::lzf_decompress;

    fn inputs() -> Vec<Vec<u8>> {
        let mut inputs: Vec<Vec<u8>> = vec![
            vec![b'x'; 1000],
            b"abcabcabcabcabcabcabcabcabcabc-hello-hello-hello".to_vec(),
            (0..5000u32).map(|i| (i % 251) as u8).collect(),
            b"ab".to_vec(),
            b"aaa".to_vec(),
            b"aaaa".to_vec(),
            b"aaaaaaa".to_vec(),
        ];
        let mut seed = 0x1234_5678u32;
        for n in [3usize, 21, 33, 64, 300, 9000, 70000] {
            for alphabet in [2u32, 4, 26, 256] {
                let v: Vec<u8> = (0..n)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 17;
                        seed ^= seed << 5;
                        b'a'.wrapping_add((seed % alphabet) as u8)
                    })
                    .collect();
                inputs.push(v);
            }
        }
        inputs
    }

    #[test]
    fn compressed_data_expands_back() {
        for data in inputs() {
            if let Some(c) = compress_within(&data, data.len() - 1) {
                assert!(c.len() < data.len());
                assert_eq!(lzf_decompress(&c, data.len() as u64).unwrap(), data);
            }
        }
        assert!(compress_within(&[b'a'; 100], 100).is_some());
    }

    /// The same bytes and the same accept/refuse decisions as the `lzf`
    /// crate, whose output earlier releases wrote; also across calls, where
    /// the reused table must read as empty.
    #[test]
    fn matches_the_lzf_crate() {
        for round in 0..2 {
            for data in inputs() {
                let ours = compress_within(&data, data.len());
                let theirs = lzf::compress(&data).ok().filter(|c| !c.is_empty());
                assert_eq!(ours, theirs, "round {round}, {} bytes", data.len());
            }
        }
    }

    #[test]
    fn incompressible_or_tiny_is_refused() {
        assert_eq!(compress_within(b"a", 10), None);
        assert_eq!(compress_within(b"abcdefghijklmnopqrstuvwxyz", 22), None);
    }
}
